"""Choosing among legacy code pages for bytes that are not UTF-8 (CSV and vCard alike).

charset-normalizer ranks the candidates, but on the few names an address book holds it cannot
tell the Latin code pages apart: Polish cp1250 read as cp1252 has no "chaos" to it ("£ukasz
¯ó³kiewski"), nor has Turkish cp1254 ("Gülþen Doðan") or Baltic cp1257 ("Ðarûnas Þemaitis").
Names are made of letters of one language, so the decoding with the fewest symbols and the
fewest words whose accented letters no single language uses together wins; then the one whose
words fewer languages explain (Hungarian "Szőke Fűzfa" is one language, "Szõke Fûzfa" two);
then charset-normalizer's order, and the commoner code page.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Sequence

_NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_WORD = re.compile(r"[^\W\d_]*[^\x00-\x7f\W\d_][^\W\d_]*")
_GLUED_CJK = re.compile(r"[A-Za-z][\u3040-\u9fff\uac00-\ud7af]|[\u3040-\u9fff\uac00-\ud7af][A-Za-z]")
_GLUED_LATIN = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f\u3040-\u9fff\uac00-\ud7af]|"
                          r"[^\x00-\x7f\u3040-\u9fff\uac00-\ud7af](?=[A-Za-z])")
_TYPOGRAPHY = frozenset("\xa0–—‘’‚“”„…«»‹›·°€")
# The accented letters of the languages the Latin code pages (cp1250/1252/1254/1257) are for.
_ALPHABETS_LOWER = (
    "äöüß",  # German
    "àâæçéèêëîïôœùûüÿ",  # French
    "áéíñóúü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "áéíóúëïèöü",  # Dutch, Afrikaans
    "åäöæøéü",  # Danish, Norwegian, Swedish, Finnish
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "čćđšž",  # Croatian, Serbian, Bosnian, Slovenian
    "ăâîșțşţ",  # Romanian
    "çğıöşüâî",  # Turkish
    "ëç",  # Albanian
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "äöõüšž",  # Estonian
    "áðéíóúýþæö",  # Icelandic, Faroese (last: few people write it, so it explains a file at a higher cost)
)
_ALPHABETS = tuple(frozenset(a) | frozenset(c.upper() for c in a if len(c.upper()) == 1)
                   | frozenset("İ" if "ı" in a else "") for a in _ALPHABETS_LOWER)
_KNOWN_LETTERS = frozenset().union(*_ALPHABETS)
_COSTS = (1.0,) * (len(_ALPHABETS) - 1) + (1.5,)


def implausible(sample: bytes, codec: str) -> tuple[int, float]:
    """How unlike names `sample` reads in `codec`: non-letters plus words no one language spells,
    then how many languages it takes to spell the other words."""
    try:
        text = sample.decode(codec)
    except (UnicodeError, LookupError):
        return 1 << 30, 0.0
    symbols = sum(1 for ch in _NON_ASCII_CHAR.findall(text)
                  if unicodedata.category(ch)[0] not in "LM" and ch not in _TYPOGRAPHY)
    mixed, languages = _languages(text)
    return symbols + len(_GLUED_CJK.findall(text)) + mixed, languages  # "M黮ler": a CJK decode of Latin text


def _languages(text: str) -> tuple[int, float]:
    """Words whose accented Latin letters belong to no single language ("Gülþen", "Ðimkutë"), and
    the cost of the languages that spell the others (a greedy cover: cheap and good enough)."""
    mixed = 0
    pending: set[frozenset[str]] = set()
    for word in _NON_ASCII_WORD.findall(text):
        accents = frozenset(ch for ch in word if not ch.isascii())
        if not accents <= _KNOWN_LETTERS:
            continue  # another script: the next count judges it
        if any(accents <= alphabet for alphabet in _ALPHABETS):
            pending.add(accents)
        else:
            mixed += 1
    for ch in _GLUED_LATIN.findall(text):  # "Јukasz", "Fِrnamn": another script's letter or mark inside a Latin word
        if ch not in _KNOWN_LETTERS and unicodedata.category(ch)[0] in "LM" \
                and not unicodedata.name(ch, "").startswith("LATIN"):
            mixed += 1
    cost = 0.0
    while pending:
        best = max(range(len(_ALPHABETS)),
                   key=lambda i: sum(1 for a in pending if a <= _ALPHABETS[i]) / _COSTS[i])
        cost += _COSTS[best]
        pending = {a for a in pending if not a <= _ALPHABETS[best]}
    return mixed, cost


def choose(sample: bytes, candidates: Sequence[str], codec_of: Callable[[str], str | None] | None = None,
           score_limit: int = 32 * 1024) -> str | None:
    """The code page `sample` (non-UTF-8 bytes) is written in, among `candidates` (commonest first).

    `codec_of` turns a charset name charset-normalizer reports into the caller's codec name.
    """
    from charset_normalizer import from_bytes  # imported lazily: most files never need it

    if not sample:
        return None
    codecs_in = [codecs.lookup(name).name for name in candidates]
    wanted = set(codecs_in)

    def name_of(name: str) -> str | None:
        try:
            found = codec_of(name) if codec_of is not None else codecs.lookup(name).name
        except LookupError:
            return None
        return found if found in wanted else None

    ranked: list[str] = []
    matches = list(from_bytes(sample, cp_isolation=list(candidates)))
    if matches:  # charset-normalizer's opinion first; its near-ties go to the commoner code page
        best = matches[0]
        tied: set[str] = set()
        for match in matches:
            if match.chaos <= best.chaos + 0.01 and match.coherence >= best.coherence - 0.01:
                tied.update(c for c in map(name_of, match.could_be_from_charset) if c)
        ranked = [codec for codec in codecs_in if codec in tied]
        for match in matches:
            ranked += [c for c in map(name_of, match.could_be_from_charset) if c and c not in ranked]
    ranked += [codec for codec in codecs_in if codec not in ranked]
    scored = sample[:score_limit]
    scores = {codec: implausible(scored, codec) for codec in ranked}
    choice = min(ranked, key=lambda codec: (scores[codec], ranked.index(codec)))
    return choice if scores[choice][0] < len(sample) else None

"""How alike two names (and two organisations) are, in words a person can check.

The duplicate matcher needs more than a similarity number: "Bob" and "Robert" are one name, "Maria"
and "Mario" are two, "Müller" and "Mueller" are one spelling, "J." fits "John". Each comparison
returns a kind (`same`, `nick`, `initial`, `typo`, `partial`, `missing`, `different`) that scoring
weighs and the reasons quote. Nicknames come from the maintained `nicknames` table.
"""
from __future__ import annotations

import functools
import re

from nicknames import NickNamer
from rapidfuzz.distance import OSA, JaroWinkler

from knowme.paths import PACKAGE_ROOT
from knowme.runtime import big_cache

_NICKNAMER = NickNamer()

# Kinds of first-name and last-name agreement, best first; `different` is evidence against.
SAME, NICK, TYPO, INITIAL, PARTIAL, MISSING, DIFFERENT = "same", "nick", "typo", "initial", "partial", \
    "missing", "different"
COMPATIBLE_FIRST = frozenset({SAME, NICK, TYPO, INITIAL, MISSING})
COMPATIBLE_LAST = frozenset({SAME, TYPO, PARTIAL, MISSING})

_TRANSLIT = (("ae", "a"), ("oe", "o"), ("ue", "u"), ("ph", "f"), ("th", "t"), ("ck", "k"), ("ss", "s"),
             ("y", "i"), ("w", "v"))
_SEPARATORS = re.compile(r"[\s'\-.]+")


@big_cache(200_000)
def nick_forms(first: str) -> frozenset[str]:
    """The name itself and the formal names it is a nickname of ("bob" -> bob, robert, bobby, bert).

    Two first names are nickname-compatible when one is among the other's forms (bob ~ robert, rob ~
    bob) or the table relates them directly. Names that only meet through a third are not (`_related`):
    the table lists Megan and Maggie both under Margarita, Robert and William both under Bill.
    """
    if not first:
        return frozenset()
    return frozenset({first, *_NICKNAMER.canonicals_of(first)})


def _formal(name: str) -> bool:
    """A name with pet forms of its own (Robert: Bob, Rob, Bobby...), not only a pet form."""
    return len(_NICKNAMER.nicknames_of(name)) >= 3


def _direct(a: str, b: str) -> bool:
    return b in _NICKNAMER.nicknames_of(a) or a in _NICKNAMER.nicknames_of(b)


def _related(a: str, b: str, shared: frozenset[str]) -> bool:
    """Two first names whose forms meet (`nick_forms`) are one name when one is the other's form, the
    table relates them directly, or they are two spellings of one pet form (Kate / Katie, Mike /
    Mikey: the same first three letters). Two pet forms of one formal name are two people's names
    otherwise: Megan and Maggie are both Margarita's, and a Megan Hall and a Maggie Hall are two women."""
    return a in shared or b in shared or _direct(a, b) or a[:3] == b[:3] and not (_formal(a) and _formal(b))


_NAME_FREQ = PACKAGE_ROOT / "data" / "name_freq.tsv"


@functools.lru_cache(maxsize=1)
def population_shares() -> tuple[dict[str, float], dict[str, float]]:
    """Share of the population bearing each first and last name (folded), from the shipped table."""
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    try:
        text = _NAME_FREQ.read_text(encoding="utf-8")
    except OSError:  # a broken install: every name looks equally rare, matching still works
        return first, last
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        kind, name, share = line.split("\t")
        (first if kind == "first" else last)[name] = float(share)
    return first, last


@big_cache(100_000)
def is_known_first_name(name: str) -> bool:
    """True when the name is a first name in its own right (nickname table or population table),
    so a one-letter difference from another name means another person."""
    return bool(_NICKNAMER.canonicals_of(name) or _NICKNAMER.nicknames_of(name) or name in population_shares()[0])


@big_cache(200_000)
def spelling_key(text: str) -> str:
    """A spelling-insensitive form: Mueller/Muller, Schmitt/Schmit, Philips/Filips agree."""
    text = _SEPARATORS.sub("", text)
    for old, new in _TRANSLIT:
        text = text.replace(old, new)
    out = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


_SOUNDEX = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
            "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}


@big_cache(200_000)
def phonetic(text: str) -> str:
    """American Soundex of a folded name (letters outside a-z are kept as they are, e.g. CJK)."""
    text = spelling_key(text)
    if not text:
        return ""
    if not text[0].isascii():
        return text
    code = [text[0]]
    last = _SOUNDEX.get(text[0], "")
    for ch in text[1:]:
        digit = _SOUNDEX.get(ch, "")
        if digit and digit != last:
            code.append(digit)
            if len(code) == 4:
                break
        if ch not in "hw":
            last = digit
    return "".join(code).ljust(4, "0")


@big_cache(100_000)
def nick_family(first: str) -> frozenset[str]:
    """Every spelling the nickname table relates to a name: its forms and all their nicknames.

    Used to see a typo through a nickname ("Pmela" is Pamela, whose nickname is Pam).
    """
    forms = nick_forms(first)
    return frozenset(forms.union(*(_NICKNAMER.nicknames_of(f) for f in forms)))


def _is_initial(name: str) -> bool:
    """A Latin initial ("J."), not a one-character CJK name."""
    return len(name) == 1 and "a" <= name <= "z"


def _near(a: str, b: str) -> bool:
    """One edit apart (a transposition counts as one), long enough for that to mean a typo."""
    return min(len(a), len(b)) >= 3 and max(len(a), len(b)) >= 4 and OSA.distance(a, b) <= 1


def _pet_form(shorter: str, longer: str) -> bool:
    """Gabi / Gabriela, Tomek / Tomasz, Lexi / Alexandra, Gianni / Giovanni, Nacho / Ignacio: a pet
    form the table lacks keeps a good part of the formal name (at least half of itself, 3 letters)."""
    size = max(3, len(shorter) // 2 + 1)
    if len(shorter) < 3 or len(longer) <= len(shorter):
        return False
    return any(shorter[i:i + size] in longer for i in range(len(shorter) - size + 1))


def _vowel_variant(a: str, b: str) -> bool:
    """Stephen / Stephan, Catharine / Catherine: one vowel swapped inside the name (not at its end,
    where Maria / Mario and Daniel / Daniela mark another person)."""
    if len(a) != len(b) or len(a) < 5:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return (len(diff) == 1 and 0 < diff[0] < len(a) - 1 and a[diff[0]] in "aeiouy" and b[diff[0]] in "aeiouy")


def compare_first(a: str, b: str, common: frozenset[str] | set[str] = frozenset()) -> str:
    """How two folded first names agree. `common`: first names frequent in this workspace.

    A small difference counts as a typo only when at least one side is not a name in its own
    right: "Jhon"/"John" is a typo, "Maria"/"Mario" are two people. A typo of a nickname
    ("Pmela"/"Pam", "Lsia"/"Liz") still agrees.
    """
    if not a or not b:
        return MISSING
    if a == b:
        return SAME
    if _is_initial(a) or _is_initial(b):
        return INITIAL if a[0] == b[0] else DIFFERENT
    shared = nick_forms(a) & nick_forms(b)
    if shared and _related(a, b, shared):
        return NICK
    if spelling_key(a) == spelling_key(b):
        return TYPO
    shorter, longer = sorted((a, b), key=len)
    if a[0] != b[0] and a[:2] != b[1::-1] and not _pet_form(shorter, longer):
        return DIFFERENT  # typos rarely hit the first letter, nicknames that do are in the table
    if len(shorter) >= 3 and len(longer) >= len(shorter) + 2 and longer.startswith(shorter):
        return NICK  # Chris / Christopher, Alex / Alexandra when the table lacks them
    known_a, known_b = is_known_first_name(a) or a in common, is_known_first_name(b) or b in common
    if known_a and known_b:
        return TYPO if _vowel_variant(a, b) else DIFFERENT
    if _pet_form(shorter, longer):
        return NICK
    if _near(a, b):
        return TYPO
    unknown, other = (a, b) if not known_a else (b, a)
    if len(unknown) >= 4 and any(_near(unknown, form) for form in nick_family(other)):
        return TYPO
    if not known_a and not known_b and min(len(a), len(b)) >= 6 and OSA.distance(a, b) <= 2:
        return TYPO
    if min(len(a), len(b)) >= 6 and JaroWinkler.normalized_similarity(a, b) >= 0.93:
        return TYPO
    return DIFFERENT


def compare_last(a: str, b: str) -> str:
    """How two folded last names agree: double-barrelled and transliterated forms included."""
    if not a or not b:
        return MISSING
    if a == b:
        return SAME
    sa, sb = spelling_key(a), spelling_key(b)
    if sa == sb:
        return TYPO
    if _is_initial(a) or _is_initial(b):
        return INITIAL if a[0] == b[0] else DIFFERENT
    ta, tb = set(a.replace("-", " ").split()), set(b.replace("-", " ").split())
    if (ta & tb) and (ta <= tb or tb <= ta) and max(map(len, ta & tb)) >= 3:
        return PARTIAL
    if min(len(a), len(b)) >= 4 and OSA.distance(a, b) <= 1:
        return TYPO
    if min(len(a), len(b)) >= 6 and (OSA.distance(sa, sb) <= 1 or JaroWinkler.normalized_similarity(a, b) >= 0.95):
        return TYPO
    return DIFFERENT


_ORG_SUFFIXES = re.compile(
    r"\b(inc|incorporated|llc|llp|ltd|limited|plc|corp|corporation|co|company|group|holdings?|gmbh|ag|kg|se|"
    r"ev|ohg|gbr|sa|sas|sarl|srl|spa|bv|nv|oy|ab|as|pty|kk|ltda|and sons|& co|the)\b")


@big_cache(100_000)
def org_key(folded_org: str) -> str:
    """An organisation name without legal suffixes and punctuation ("Acme Corp." -> "acme")."""
    text = _ORG_SUFFIXES.sub(" ", folded_org.replace("&", " and ").replace(",", " "))
    return " ".join(text.replace(".", " ").split())


def domain_core(domain: str) -> str:
    """The part of a mail domain that names the organisation: mail.acme-corp.co.uk -> acmecorp."""
    parts = domain.split(".")
    while len(parts) > 1 and (len(parts[-1]) <= 3 or parts[-1] in {"info", "mail"}):
        parts.pop()
    core = parts[-1] if parts else ""
    return re.sub(r"[^a-z0-9]", "", core)


@big_cache(100_000)
def org_matches_domain(org: str, domain: str) -> bool:
    """True when a mail domain is plainly the organisation's own (Acme Corp / acme-corp.com)."""
    core = domain_core(domain)
    words = re.sub(r"[^a-z0-9 ]", "", org_key(org)).split()
    joined = "".join(words)
    if len(core) < 4 or not joined:
        return False
    return core == joined or (len(joined) >= 4 and (core.startswith(joined) or joined.startswith(core)))


def orgs_agree(a: str, b: str) -> bool:
    """Two organisation keys name the same organisation (exact, or one contains the other's words)."""
    if not a or not b:
        return False
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if wa and wb and (wa[: len(wb)] == wb or wb[: len(wa)] == wa) and min(len(a), len(b)) >= 4:
        return True
    return JaroWinkler.normalized_similarity(a, b) >= 0.95 and min(len(a), len(b)) >= 6


@big_cache(100_000)
def mail_spellings(first: str, firsts: frozenset[str], last: str) -> frozenset[str]:
    """How a mail address would spell a name: johnsmith, jsmith, smithjohn, johns, as the letters of its
    local part (`mail_alias`) read; the first name's own, then three of its nickname forms (`firsts`)."""
    last = "".join(ch for ch in last if "a" <= ch <= "z")
    out: set[str] = set()
    for form in (first, *sorted(firsts - {first})[:3]):
        first = "".join(ch for ch in form if "a" <= ch <= "z")
        if first and last:
            out.update((first + last, first[0] + last, last + first, first + last[0]))
    return frozenset(out)


_NOT_LETTER = re.compile(r"[^a-z]")


def mail_alias(key: str) -> str:
    """The letters of a mailbox key's local part ("j.smith77@gmail.com" -> "jsmith"), as `mail_spellings`
    spells names: how a card that gives no name but an address is read."""
    return _NOT_LETTER.sub("", key.rpartition("@")[0])


# The commonest Chinese family names in pinyin: the hundred-odd that China's household register of 2020
# ranks first, borne by about nine in ten of its people
CHINESE_SURNAMES = frozenset("""
    wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo gao zheng liang xie song tang
    han deng feng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lu ding ren yao shen zhong
    cui tan fan liao shi jin jia xia fu fang zou xiong bai meng qin qiu hou yin xue yan duan lei long tao mao hao
    gu gong shao wan qian dai mo kong xiang chang kang yi qiao lai wen niu ou guan bao ruan xing zhan
""".split())


@functools.lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every syllable the pinyin dictionary reads a character as, without its tone (lǜ as lu), and
    without the interjections that hold no vowel (m, n, ng)."""
    import unicodedata

    from pypinyin.pinyin_dict import pinyin_dict  # a fifth of a second to load: only for a Chinese surname

    readings = {reading for value in set(pinyin_dict.values()) for reading in value.split(",")}
    plain = {unicodedata.normalize("NFD", r).encode("ascii", "ignore").decode() for r in readings}
    return frozenset(s for s in plain if any(vowel in s for vowel in "aeiou"))


def _pinyin_given(name: str) -> bool:
    """Whether a given name is written as one or two pinyin syllables (na, jianhua, xi'an as xian): a
    Chinese given name is one character or two. Not a Western first name of the population table that
    pinyin would split in two (Anna as an-na, Diana, Susan, Sean: 48 of its 690 names), which is how
    such a name is meant beside a surname that is also Chinese (Anna Long, Sean Wu); a name that is one
    syllable (Juan, Dan) is as often 娟 or 丹 and stays pinyin."""
    letters = _NOT_LETTER.sub("", name)
    syllables = pinyin_syllables()
    if letters in syllables:
        return True
    return bool(letters) and name not in population_shares()[0] and any(
        letters[:k] in syllables and letters[k:] in syllables for k in range(1, len(letters)))


@big_cache(50_000)
def is_pinyin_name(first: str, last: str) -> bool:
    """Whether a folded Latin name is a Chinese name in pinyin, in either order (Liang Na, Na Liang): a
    common Chinese surname and a given name of pinyin syllables. Such a name is as common as the name in
    characters it spells (梁娜, 梁纳...), though the population table, which knows few Chinese names,
    makes it look rare."""
    return (last in CHINESE_SURNAMES and _pinyin_given(first)) or (first in CHINESE_SURNAMES and _pinyin_given(last))

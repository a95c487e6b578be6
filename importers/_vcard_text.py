"""Byte-level groundwork for the vCard importer: container encoding, line ends, charsets, card spans.

vCard files are byte streams whose text encoding may change from one property to the next
(`CHARSET=` on one line, raw code-page bytes on the next, UTF-8 elsewhere), and folding may
split a multi-byte character across two physical lines. So we never decode a file as a whole:
we map its bytes one-to-one onto a latin-1 `str` (a lossless, C-speed view of the bytes that
lets us use `str` methods and regexes), unfold and split on that view, and decode each value
on its own once its charset and encoding are known (`Charsets.decode`).
"""
from __future__ import annotations

import binascii
import codecs
import re
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from knowme.importers import _codepage
from knowme.model import NotAnAddressBook

# A BEGIN:VCARD or END:VCARD line (any case, stray blanks tolerated), matched with the "\n"
# before it (searched in "\n" + text: anchoring on "\n" scans much faster than re.MULTILINE).
_MARKER = re.compile(r"\n(?:[Bb][Ee][Gg][Ii][Nn]|[Ee][Nn][Dd])[ \t]*:[ \t]*[Vv][Cc][Aa][Rr][Dd][ \t]*(?=\n|$)")
_HAS_BEGIN = re.compile(r"begin[ \t]*:[ \t]*vcard", re.IGNORECASE)
_CHARSET = re.compile(r";[ \t]*CHARSET[ \t]*=[ \t]*\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# whole lines holding a non-ASCII character; anchored, so a long ASCII-only line costs linear time, not quadratic
_NON_ASCII_LINE = re.compile(r"^[^\n\x80-\xff]*[\x80-\xff][^\n]*", re.MULTILINE)
_QP_VALUE = re.compile(r"^[^:\n]*QUOTED-PRINTABLE[^:\n]*:(.*(?:=\n.*)*)$", re.IGNORECASE | re.MULTILINE)
# Properties that make a run of lines outside BEGIN/END a card (a missing BEGIN).
_IDENTITY = re.compile(r"^(?:[A-Za-z0-9-]+\.)?(?:FN|N|EMAIL|TEL)[;:]", re.IGNORECASE | re.MULTILINE)

# Charset names phones write, mapped to the codec that really decodes what they mean.
_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "windows-31j": "cp932", "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "us-ascii": "ascii", "ansi": "cp1252", "gb2312": "gb18030", "gbk": "gb18030",
}
_NOT_CHARSETS = frozenset(("idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape",
                           "unicode_escape", "raw_unicode_escape", "mbcs", "oem"))
# Code pages detection may choose from, most likely first (ties go to the earliest).
_DETECTABLE = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "cp932", "gb18030",
               "big5", "cp949", "euc_jp", "koi8_r", "mac_roman")
_DETECT_SAMPLE = 256 * 1024
_SCORE_SAMPLE = 32 * 1024
SNIFF = 64 * 1024


@lru_cache(maxsize=256)
def known_codec(name: str | None) -> str | None:
    """The Python codec for a declared charset name, or None when the name is bogus."""
    if not name:
        return None
    key = name.strip().strip('"').lower()
    key = _ALIASES.get(key, key)
    try:
        info = codecs.lookup(key)
    except (LookupError, ValueError):  # unknown, or a name no codec could have (NUL inside)
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None  # base64, zlib, rot13, unicode_escape...: codecs, but not what CHARSET means
    return info.name


def to_text(data: bytes) -> str:
    """The file as a latin-1 view of UTF-8-or-code-page bytes, with every line end made `\\n`.

    UTF-16 files (with or without BOM) are transcoded to UTF-8 first, so everything after
    this point sees bytes. Raises NotAnAddressBook for empty or BOM-only input.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    utf16 = _utf16_codec(data)
    if utf16 is not None:
        decoded = data.decode(utf16, errors="replace").lstrip("\ufeff")
        # A stray BOM-like prefix on an 8-bit file must not turn the whole file into noise.
        if _HAS_BEGIN.search(decoded[:SNIFF]) or not _HAS_BEGIN.search(data[:SNIFF].decode("latin-1")):
            data = decoded.encode("utf-8")
    if not data.strip(b" \t\r\n\x00"):
        raise NotAnAddressBook("the file is empty")
    text = data.decode("latin-1")
    if "\r" in text:
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    return text



def container(data: bytes) -> str:
    """How the file's bytes are laid out before any value is decoded: "utf-16-le", "utf-16-be",
    "utf-16" (with a BOM), "utf-8 with BOM" or "" (bytes, each value in its own charset)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8 with BOM"
    return _utf16_codec(data) or ""


def describe_encodings(containers: Counter[str], used: Counter[str]) -> str:
    """One line naming how a vCard file (or a folder of them) was decoded, the commonest first."""
    parts = [f"{name} for {count} {'value' if count == 1 else 'values'}" if len(used) > 1 else name
             for name, count in used.most_common()]
    if not parts:
        parts = ["ascii"]
    layout = [name for name, _ in containers.most_common() if name]
    return ", ".join(parts) + (f"; file laid out as {', '.join(layout)}" if layout else "")


def _utf16_codec(data: bytes) -> str | None:
    """'utf-16' (BOM), 'utf-16-le' or 'utf-16-be' (NUL pattern), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) < 8:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be"
    return None


class Charsets:
    """Decides how to decode each value of one file.

    Order: the value's own CHARSET when it names a known codec; else the charset the file
    declares elsewhere (phones that label one property tend to write all of them in that code
    page); else UTF-8 when valid; else the code page detected over the whole file's non-ASCII
    lines; else cp1252 with replacement characters.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        declared: Counter[str] = Counter()
        for match in _CHARSET.finditer(text):
            codec = known_codec(match.group(1))
            if codec is not None and codec != "ascii":
                declared[codec] += 1
        self.file_default: str | None = declared.most_common(1)[0][0] if declared else None
        self._detected: str | None = None
        self._detect_done = False
        self.used: Counter[str] = Counter()  # how many values each reading decoded (what `doctor` names)

    def decode(self, raw: bytes, charset: str | None = None) -> str:
        """Decode one value's bytes by the policy above; never raises."""
        explicit = known_codec(charset) if charset else None
        for codec in (explicit, self.file_default, "utf-8"):
            if codec is not None:
                try:
                    text = raw.decode(codec)
                except UnicodeError:  # UnicodeDecodeError, or UTF-7's and friends' plain UnicodeError
                    continue
                if not raw.isascii():
                    self.used[codec if codec == "utf-8" else f"{codec} (declared)"] += 1
                return text
        if self.file_default in (None, "utf-8"):  # declaring UTF-8 says nothing about raw code-page bytes
            detected = self.detected()
            if detected is not None:
                try:
                    text = raw.decode(detected)
                    self.used[f"{detected} (detected)"] += 1
                    return text
                except UnicodeError:
                    pass
        self.used["cp1252 with replacement characters"] += 1
        return raw.decode("cp1252", errors="replace")

    def detected(self) -> str | None:
        """The code page of the file's non-UTF-8 bytes, detected once over all its non-ASCII lines."""
        if not self._detect_done:
            self._detect_done = True
            self._detected = _detect(self._text)
        return self._detected


def _detect(text: str) -> str | None:
    unfolded = text.replace("\n ", "").replace("\n\t", "")
    lines: list[bytes] = []
    size = 0
    for match in _NON_ASCII_LINE.finditer(unfolded):
        raw = match.group(0).encode("latin-1")
        try:
            raw.decode("utf-8")
            continue  # UTF-8 lines decode as UTF-8 anyway: only the others say which code page
        except UnicodeDecodeError:
            lines.append(raw)
        size += len(raw)
        if size > _DETECT_SAMPLE:
            break
    for match in _QP_VALUE.finditer(unfolded):  # quoted-printable hides its code page from the line scan
        if size > _DETECT_SAMPLE:
            break
        raw = binascii.a2b_qp(match.group(1).encode("latin-1"))
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            lines.append(raw)
            size += len(raw)
    sample = b"\n".join(lines)[:_DETECT_SAMPLE]
    if not sample:
        return None
    return _codepage.choose(sample, _DETECTABLE, lambda name: known_codec(name) or name, _SCORE_SAMPLE)


class Span(NamedTuple):
    """Where one card's lines are in the text.

    `parts` are (start, end) offsets of its lines (a card holding a nested card is cut around
    it; None for stray text outside every card, which is reported, not imported); `line` is
    the 1-based line of its BEGIN (or of the first line of a card missing its BEGIN); `closed`
    is False for a card no END:VCARD closes before the file ends (an export cut short?).
    """

    line: int
    parts: list[tuple[int, int]] | None
    closed: bool = True

    def body(self, text: str) -> str:
        parts = self.parts or ()
        if len(parts) == 1:
            start, end = parts[0]
            return text[start:end]
        return "\n".join(text[start:end] for start, end in parts)

    @property
    def end(self) -> int:
        return self.parts[-1][1] if self.parts else 0


def split_cards(text: str) -> list[Span]:
    """Cut the text into card spans in file order.

    Handles nested cards (the inner one is its own card, the outer keeps its other lines),
    a missing END (the card runs to the next END or the end of the file, holding any later
    card as nested) and a missing BEGIN (lines outside any card with FN/N/EMAIL/TEL form one).
    Raises NotAnAddressBook when there is no BEGIN:VCARD or END:VCARD line at all.
    """
    out: list[Span] = []
    stack: list[tuple[Span, list[int]]] = []  # open cards, each with where its current part began
    top = 0  # start of the current run of lines outside every card
    line, counted = 1, 0
    found = False
    count = text.count
    for match in _MARKER.finditer("\n" + text):
        found = True
        start = match.start()  # offsets in text: the "\n" prepended shifts them by one
        line += count("\n", counted, start)
        counted = start
        after = match.end()
        if match.group()[1] in "Bb":
            if stack:
                outer, cur = stack[-1]
                outer.parts.append((cur[0], start))  # type: ignore[union-attr]
                cur[0] = -1  # suspended until the nested card ends
            elif start > top:
                _outside(text, top, start, line, out)
            card = Span(line, [])
            stack.append((card, [after]))
            out.append(card)
        elif stack:
            card, cur = stack.pop()
            card.parts.append((cur[0], start))  # type: ignore[union-attr]
            if stack:
                stack[-1][1][0] = after
            else:
                top = after
        else:  # END without BEGIN: what came before it is a card missing its BEGIN
            _outside(text, top, start, line, out)
            top = after
    if not found:
        raise NotAnAddressBook("no vCard in it (no BEGIN:VCARD line)")
    for card, cur in stack:
        if cur[0] >= 0:
            card.parts.append((min(cur[0], len(text)), len(text)))  # type: ignore[union-attr]
    if not stack and top < len(text):
        _outside(text, top, len(text), line + count("\n", counted), out)
    unclosed = {id(card) for card, _ in stack}
    return [card._replace(closed=False) if id(card) in unclosed else card for card in out] if unclosed else out


def _outside(text: str, start: int, end: int, end_line: int, out: list[Span]) -> None:
    """Classify the lines between cards: nothing, a card missing its BEGIN, or stray text."""
    if start >= end:
        return
    chunk = text[start:end]
    stripped = chunk.lstrip()
    if not stripped:
        return
    first = end_line - chunk.count("\n") + chunk[: len(chunk) - len(stripped)].count("\n")
    if _IDENTITY.search(chunk):
        out.append(Span(first, [(start, end)]))
    else:
        out.append(Span(first, None))

"""One vCard's lines -> one Record: unfolding, property parsing, value decoding, field mapping.

Works on the latin-1 view of the bytes (see `_vcard_text`), so unfolding and quoted-printable
soft breaks are undone on bytes and a value is decoded only once its CHARSET and ENCODING are
known. This is the hot path of a 100,000-card import: plain `str` methods first, regexes and
helper calls only for the lines that need them.
"""
from __future__ import annotations

import base64
import binascii
import re

from knowme.importers._vcard_text import Charsets

from knowme.model import Labeled, Record

_BLANK_RUN = re.compile(r"\n\n+")
_QP_WORD = re.compile(r"QUOTED-PRINTABLE", re.IGNORECASE)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPED = {"n": "\n", "N": "\n", ",": ",", ";": ";", ":": ":", "\\": "\\", '"': '"'}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$", re.DOTALL)

# TYPE values that say nothing a person would call a label.
_NOISE = frozenset(("", "internet", "pref", "voice", "x400", "text", "uri", "msg", "postal", "parcel", "dom", "intl"))
_ENCODINGS = frozenset(("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT", "Q"))
# Text properties a stray colon-less line may continue (2.1 writers that forget to fold).
_CONTINUABLE = frozenset(("NOTE", "ADR", "LABEL", "X-ABADR", "TITLE", "ROLE", "ORG"))
_SINGLE = frozenset(("FN", "N", "ORG", "TITLE", "NOTE", "NICKNAME"))
# text even when base64 (some exporters encode any value with a character outside ASCII that way): read
# as kept, an excluded card's base64 EMAIL gave no address to suppress, and the same address on another
# card was exported; anything else base64 (PHOTO, KEY, SOUND, an unknown X- property) is kept as written
_TEXT_IN_BASE64 = _SINGLE | frozenset(("EMAIL", "TEL", "ADR", "URL", "X-SOCIALPROFILE", "IMPP", "BDAY", "CATEGORIES",
                                       "UID", "LABEL"))
_PHONETIC = {"X-PHONETIC-FIRST-NAME": 0, "X-PHONETIC-MIDDLE-NAME": 1, "X-PHONETIC-LAST-NAME": 2}
UNPARSED = "X-KNOWME-UNPARSED"  # extras name for lines inside a card that are not properties


def unfold(body: str) -> str:
    """One card's text with blank lines dropped, soft breaks joined and folds undone.

    Android ends a quoted-printable value with a soft break even when nothing follows it: the blank
    line after it ends the value (as Android's own parser reads it). Dropped first, it let the value
    take the next property whole ("Pärtzelt AG & Co. KGaATITLE:Junior Product Manager"). Only in a
    file with a blank line after every line is a blank line no more than spacing.
    """
    soft_breaks = "=\n" in body and _QP_WORD.search(body)
    if "\n\n" in body and not (soft_breaks and not _double_spaced(body)):
        body = _BLANK_RUN.sub("\n", body)
    if soft_breaks:
        return "\n".join(_qp_lines(body))
    if "\n " in body:
        body = body.replace("\n ", "")
    if "\n\t" in body:
        body = body.replace("\n\t", "")
    return body


def _double_spaced(body: str) -> bool:
    """A card written with a blank line after every line (some exporters do): two blank lines at least,
    as one blank line in a card of three properties is no spacing but the end of a quoted-printable value
    (read as spacing, `N;ENCODING=QUOTED-PRINTABLE:Lee;Ann=` took the next line, FN, into the name)."""
    blanks = body.count("\n\n")
    return blanks >= 2 and blanks * 2 >= body.count("\n") - 2


def _qp_lines(body: str) -> list[str]:
    """Slow path: a quoted-printable value's `=` soft break takes the next line whole, leading
    blank included, before folding applies (`...come=` + ` to the aid` is `come to the aid`)."""
    lines = body.split("\n")
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if not line:
            continue
        if line[0] in " \t" and out:
            out[-1] += line[1:]
        else:
            out.append(line)
        cur = out[-1]
        if cur.endswith("=") and "QUOTED-PRINTABLE" in cur[: max(cur.find(":"), 0)].upper():
            while cur.endswith("=") and i < n and not _PROPERTY_START.match(lines[i]):
                cur = cur[:-1] + lines[i]
                i += 1
            out[-1] = cur
    return out


# a line that starts a property vCard writers spell in capitals (`EMAIL;HOME:`, `item1.TEL:`): never the
# rest of a quoted-printable value, whatever soft break comes before it. In a double-spaced file the blank
# line after Android's closing `=` is only spacing, and the soft break took the next property whole:
# 'BäckereiTEL;CELL:+49 170 5550123' as the company, the phone and an address lost as fields.
_PROPERTY_START = re.compile(r"(?:[A-Za-z0-9-]+\.)?(?:BEGIN|END|VERSION|N|FN|TEL|EMAIL|ADR|LABEL|ORG|TITLE|ROLE|NOTE|URL|"
                             r"BDAY|NICKNAME|UID|CATEGORIES|PHOTO|IMPP|X-[A-Z0-9-]+)[;:]")


def unescape(text: str) -> str:
    """Undo vCard text escaping (`\\n`, `\\,`, `\\;`, `\\:`, `\\\\`); unknown escapes stay as written."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(0)), text)


_SPARE = [chr(code) for code in range(0xE000, 0xF900)]  # private use: placeholders, when the text holds none
_TOKEN = {sep: re.compile(r"\\.?|" + re.escape(sep), re.DOTALL) for sep in ";,"}


def split_unescaped(text: str, sep: str) -> list[str]:
    """Split on `sep` where it is not backslash-escaped; the parts stay escaped.

    Escapes are hidden behind two placeholder characters the text does not contain (Apple
    writes private-use ones such as U+F8FF into names, so a fixed pair would corrupt them).
    """
    if "\\" not in text:
        return text.split(sep)
    spare = []
    for ch in _SPARE:
        if ch not in text:
            spare.append(ch)
            if len(spare) == 2:
                break
    else:  # the text holds nearly every private-use character: split by pattern, more slowly
        parts, start = [], 0
        for match in _TOKEN[sep].finditer(text):
            if match.group() == sep:
                parts.append(text[start:match.start()])
                start = match.end()
        parts.append(text[start:])
        return parts
    backslash, escaped_sep = spare
    escaped = "\\" + sep
    hidden = text.replace("\\\\", backslash).replace(escaped, escaped_sep)
    return [part.replace(escaped_sep, escaped).replace(backslash, "\\\\") for part in hidden.split(sep)]


def _parts(text: str) -> list[str]:
    """The `;`-separated components of a structured value, unescaped and stripped."""
    if "\\" not in text:
        return [part.strip() for part in text.split(";")]
    return [unescape(part).strip() for part in split_unescaped(text, ";")]


def _split_quoted(text: str, sep: str) -> list[str]:
    """Split on `sep` outside double quotes (parameter values may quote `;`, `:` and `,`)."""
    parts: list[str] = []
    start, quoted = 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


class Params:
    """What a property's parameter text says; parsed once per distinct text (they repeat a lot)."""

    __slots__ = ("types", "label", "charset", "encoding", "service", "user", "omit_year")

    def __init__(self, text: str) -> None:
        types: list[str] = []
        charset = encoding = service = user = omit_year = None
        for param in (_split_quoted(text, ";") if '"' in text else text.split(";")):
            key, eq, val = param.partition("=")
            if not eq:
                bare = param.strip().upper()
                if bare in _ENCODINGS:
                    encoding = bare
                elif bare:
                    types.append(bare.lower())
                continue
            key = key.strip().upper()
            val = val.strip()
            if key == "TYPE":
                types.extend(t.strip().strip('"').lower() for t in _split_quoted(val, ","))
            elif key == "CHARSET":
                charset = val.strip('"')
            elif key == "ENCODING":
                encoding = val.strip('"').upper()
            elif key == "X-SERVICE-TYPE":
                service = val.strip('"')
            elif key == "X-USER":  # Apple's X-SOCIALPROFILE: the account's user name
                user = val.strip('"')
            elif key == "X-APPLE-OMIT-YEAR":  # Apple's year-less birthday: the year written is a stand-in
                omit_year = val.strip('"')
        self.types = types
        self.label = ",".join(dict.fromkeys(t for t in types if t not in _NOISE))
        self.charset: str | None = charset
        self.encoding: str | None = encoding
        self.service: str | None = service
        self.user: str | None = user
        self.omit_year: str | None = omit_year


_NO_PARAMS = Params("")
# A property line: [group.]NAME[;params]:value, params may quote ';' and ':'. Anything else
# (a colon-less line, a bad name) lands in the last group.
_LINE = re.compile(
    r'^(?:([A-Za-z0-9_.-]+)((?:;[^:"\n]*(?:"[^"\n]*"[^:"\n]*)*)?):(.*)|(.+))$', re.MULTILINE)
_B64 = ("B", "BASE64")
_PARAMS_SEEN: dict[str, Params] = {}


class CardParser:
    """Turns card bodies of one file into Records; holds the file's charset policy."""

    def __init__(self, charsets: Charsets, source: str) -> None:
        self.charsets = charsets
        self.source = source
        self._params = _PARAMS_SEEN

    def params(self, text: str) -> Params:
        """The parsed parameters; ASCII ones are cached across files (a vdir repeats them)."""
        if not text.isascii():
            return Params(self._raw_text(text))
        found = _PARAMS_SEEN.get(text)
        if found is None:
            if len(_PARAMS_SEEN) > 4096:
                _PARAMS_SEEN.clear()
            found = _PARAMS_SEEN[text] = Params(text)
        return found

    def _decode(self, value: str, p: Params) -> str:
        encoding = p.encoding
        if encoding is not None:
            if encoding in ("QUOTED-PRINTABLE", "Q"):
                raw = binascii.a2b_qp(value.encode("latin-1"))
                text = raw.decode("ascii") if raw.isascii() else self.charsets.decode(raw, p.charset)
                return text.replace("\r\n", "\n") if "\r" in text else text
            if encoding in _B64:
                try:
                    raw = base64.b64decode(value.encode("latin-1"), validate=False)
                except (binascii.Error, ValueError):
                    return value
                return self.charsets.decode(raw, p.charset)
        if value.isascii():
            return value
        return self.charsets.decode(value.encode("latin-1"), p.charset)

    def _raw_text(self, text: str) -> str:
        return text if text.isascii() else self.charsets.decode(text.encode("latin-1"))

    def parse(self, body: str, index: int, line: int) -> tuple[Record | None, str]:
        """The card's Record, or None and the reason it cannot be used; with a Record, a non-empty
        text is a warning the user must see (what was read in a way the card did not say)."""
        props, unparsed, mended = _properties(unfold(body))
        if not props:
            if unparsed:
                lines = "line" if len(unparsed) == 1 else "lines"
                return None, f"no vCard properties ({len(unparsed)} unreadable {lines})"
            return None, "empty card"
        record = Record(source=self.source, index=index, line=line)
        self._fill(record, props)
        for text in [*unparsed, *mended]:  # a mended line is kept as written too: nothing is lost
            record.extras.append((UNPARSED, self._raw_text(text)))
        if not (record.emails or record.phones or record.urls or record.formatted_name.strip()) and record.is_empty:
            return None, "has no name, email or phone"
        if mended:
            shown = self._raw_text(mended[0])
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            more = f" (and {len(mended) - 1} more)" if len(mended) > 1 else ""
            return record, f"a parameter quote that never closes in {shown}{more}; read without that quote"
        return record, ""

    def _extra(self, name: str, params: str, text: str) -> tuple[str, str]:
        head = name + params
        return (head if head.isascii() else self._raw_text(head)), text

    def _fill(self, rec: Record, props: list[tuple[str, str, str, str]]) -> None:  # noqa: C901
        """Map each property onto the Record (one flat dispatch: this runs for every line)."""
        extras = rec.extras
        grouped: dict[str, list[Labeled]] | None = None
        ab_labels: dict[str, str] | None = None
        phonetic: list[str] | None = None
        have_n = False
        pget = self._params.get
        for name, params, value, _ in props:
            uname = name.upper()
            if uname == "VERSION":
                continue
            group = ""
            if "." in uname:
                group, _, uname = uname.rpartition(".")
            if params:
                p = pget(params) or self.params(params)
                if p.encoding is None and value.isascii():
                    text = value
                elif p.encoding in _B64 and uname not in _TEXT_IN_BASE64:
                    extras.append(self._extra(name, params, "".join(value.split())))  # photos: kept, not decoded
                    continue
                else:
                    text = self._decode(value, p)
            else:
                p = _NO_PARAMS
                text = value if value.isascii() else self._decode(value, p)
            item = None
            if uname == "EMAIL":
                text = unescape(text).strip()
                if text:
                    item = Labeled(text, p.label)
                    rec.emails.append(item)
            elif uname == "TEL":
                text = text.strip()
                if text[:4].lower() == "tel:":
                    text = text[4:]
                if text:
                    item = Labeled(text, p.label)
                    rec.phones.append(item)
            elif uname == "FN" and not rec.formatted_name:
                rec.formatted_name = unescape(text).strip()
            elif uname == "N" and not have_n:
                have_n = True
                parts = _parts(text)
                if len(parts) < 5:
                    parts += [""] * (5 - len(parts))
                rec.family, rec.given, rec.middle, rec.prefix, rec.suffix = parts[:5]
                if len(parts) > 5 and any(parts[5:]):
                    extras.append(self._extra(name, params, text))
            elif uname == "UID" and rec.uid is None:
                rec.uid = text.strip() or None
            elif uname == "ORG" and not (rec.org or rec.department):
                parts = _parts(text)
                rec.org = parts[0]
                rec.department = ", ".join(part for part in parts[1:] if part)
            elif uname == "TITLE" and not rec.title:
                rec.title = unescape(text).strip()
            elif uname == "NOTE" and not rec.note:
                rec.note = unescape(text).strip()
            elif uname == "CATEGORIES":
                rec.categories.extend(c for c in (unescape(x).strip() for x in split_unescaped(text, ",")) if c)
            elif uname == "URL" or uname == "X-SOCIALPROFILE" or uname == "IMPP":
                text = unescape(text).strip()
                if uname == "X-SOCIALPROFILE" and "linkedin" in p.types:
                    profiles = _linkedin_profiles(text, p.user)
                    if profiles:
                        extras.append(self._extra(name, params, text))  # as written: x-user, x-apple:...
                        rec.urls.extend(Labeled(url, "linkedin") for url in profiles)
                        if "linkedin.com/" not in text.lower():
                            continue
                if text:
                    label = p.label
                    if uname == "X-SOCIALPROFILE":
                        label = label or "x-socialprofile"
                    elif uname == "IMPP":
                        label = (p.service or "").lower() or label or "impp"
                    if "linkedin.com/" in text.lower() and (uname == "IMPP" or not label):
                        label = "linkedin"
                    item = Labeled(text, label)
                    rec.urls.append(item)
            elif uname == "ADR":
                joined = ", ".join(x for x in (part.replace("\n", ", ").strip(" ,") for part in _parts(text)) if x)
                if joined:
                    item = Labeled(joined, p.label)
                    rec.addresses.append(item)
            elif uname == "BDAY" and not rec.birthday:
                rec.birthday = text.strip()
                if p.omit_year and rec.birthday.startswith(p.omit_year):
                    rec.birthday = _without_year(rec.birthday, p.omit_year)
                    extras.append(self._extra(name, params, text))  # as written
            elif uname == "NICKNAME" and not rec.nickname:
                rec.nickname = unescape(text).strip()
            else:
                # Repeats of single-valued fields and everything we do not model are kept as
                # written (decoded, still escaped).
                extras.append(self._extra(name, params, text))
                if uname == "X-ABLABEL":
                    label = text.strip()
                    match = _APPLE_LABEL.match(label)
                    if ab_labels is None:
                        ab_labels = {}
                    ab_labels[group] = match.group(1) if match else label
                elif uname in _PHONETIC or uname == "SORT-STRING" or (uname == "SOUND" and "x-irmc-n" in p.types):
                    if phonetic is None:
                        phonetic = ["", "", "", ""]
                    slot = _PHONETIC.get(uname, 3)
                    if not phonetic[slot]:
                        phonetic[slot] = " ".join(x for x in _parts(text) if x)
            if item is not None and group:
                if grouped is None:
                    grouped = {}
                grouped.setdefault(group, []).append(item)
        if ab_labels and grouped:
            for group, label in ab_labels.items():
                for labeled in grouped.get(group, ()):
                    labeled.label = label
        if phonetic is not None:
            rec.phonetic = " ".join(x for x in phonetic[:3] if x) or phonetic[3]


_MONTH_DAY = re.compile(r"-?(\d\d)-?(\d\d)(?:T.*)?")


def _without_year(value: str, year: str) -> str:
    """`1604-03-15` (or `16040315`) with X-APPLE-OMIT-YEAR=1604: the year-less birthday `--03-15`."""
    match = _MONTH_DAY.fullmatch(value[len(year):])
    return f"--{match.group(1)}-{match.group(2)}" if match else value


_SLUG = re.compile(r"[^\s/:?#@;,<>\"]+")


def _linkedin_profiles(value: str, user: str | None) -> list[str]:
    """The profile URLs a LinkedIn-typed X-SOCIALPROFILE names beyond its value: Apple writes the
    account as `x-user=NAME` with a value of `x-apple:NAME`, empty, or a member-number URL; other
    writers give the bare NAME."""
    names = [user or ""]
    lowered = value.lower()
    if "linkedin.com/" not in lowered:
        names.append(value[8:] if lowered.startswith("x-apple:") else value)
    urls: list[str] = []
    for found in names:
        found = found.strip().strip("/")
        if _SLUG.fullmatch(found) and not re.search(rf"linkedin\.com/in/{re.escape(found.lower())}(?:/|$)", lowered):
            url = f"https://www.linkedin.com/in/{found}"
            if url not in urls:
                urls.append(url)
    return urls


def _properties(body: str) -> tuple[list[tuple[str, str, str, str]], list[str], list[str]]:
    """Property lines as ([group.]name, params, value, ""); colon-less lines either continue
    the previous value (2.1 base64 without folding, a backslash line end, a bare CR inside
    text) or are returned as unparsed. A property whose parameters open a quote that never
    closes (`EMAIL;TYPE="work:ann@x.com`) is read without that quote and also returned, as
    written, in the third list (the caller names it in a problem)."""
    found = _LINE.findall(body)
    for item in found:
        if item[3]:
            break
    else:
        return found, [], []
    props: list[tuple[str, str, str, str]] = []
    unparsed: list[str] = []
    mended: list[str] = []
    for item in found:
        if not item[3]:
            props.append(item)
        elif (fixed := _mend_quote(item[3])) is not None:
            props.append(fixed)
            mended.append(item[3])
        elif not _continue(item[3], props):
            unparsed.append(item[3])
    return props, unparsed, mended


_OPEN_PARAMS = re.compile(r"[A-Za-z0-9_.-]+;[^\n]*:")


def _mend_quote(line: str) -> tuple[str, str, str, str] | None:
    """A property line whose parameters open a quote that never closes, read without that quote
    (the value starts at the first colon after it), or None when the line is no such property."""
    if '"' not in line or not _OPEN_PARAMS.match(line):
        return None
    quoted, opened = False, -1
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
            opened = i
        elif ch == ":" and not quoted:
            return None  # the quotes close before a colon: not an unclosed quote
    if not quoted:
        return None
    match = _LINE.fullmatch(line[:opened] + line[opened + 1:])
    return match.groups() if match is not None and not match.group(4) else None  # type: ignore[return-value]


def _continue(line: str, props: list[tuple[str, str, str, str]]) -> bool:
    """Append a colon-less line to the previous property when it plausibly continues it."""
    if not props or line.startswith("#"):  # '#' lines are comments some phones write
        return False
    name, params, value, _ = props[-1]
    upper = params.upper()
    bare = name.upper().rpartition(".")[2]
    if "BASE64" in upper or "ENCODING=B" in upper:
        props[-1] = (name, params, value + line.strip(), "")
    elif value.endswith("\\"):
        props[-1] = (name, params, value[:-1] + "\\n" + line, "")
    elif bare in _CONTINUABLE or bare.startswith("X-"):
        props[-1] = (name, params, value + "\\n" + line, "")
    else:
        return False
    return True

"""Shared reading for every CSV flavour: bytes to text, delimiter, rows with line numbers, headers.

Real exports arrive as UTF-8 with or without BOM, UTF-16 with or without BOM, cp1252 (Outlook)
or Shift_JIS (Thunderbird on Japanese systems), delimited by `,` `;` or tab, with CR/LF/TAB
inside quoted cells and, for LinkedIn, a three-line preamble before the header. This module
turns all of that into a `Table`: the header cells and an iterator of `(line, cells)` where
`line` is the 1-based physical line on which the row starts. It also says what a column name
probably means (`Col`, `classify`), for detection and for the flavours' column maps; turning
rows into records is `importers.generic_csv`'s job.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from knowme.importers import SNIFF_BYTES, _codepage, vcard_structure

from knowme.filekinds import read_regular
from knowme.model import NotAnAddressBook, Problem

MULTI_SEP = " ::: "  # Google packs several values into one cell with this
DELIMITERS = (",", ";", "\t")

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Formats that start with printable bytes; other binaries fail the control-byte test anyway.
_MAGIC = (b"\x89PNG", b"%PDF-", b"PK\x03\x04", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"SQLite format 3\x00",
          b"\x1f\x8b", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!\x1a", b"\x7fELF", b"\xd0\xcf\x11\xe0")
# Control bytes that never occur in text (TAB, LF, FF, CR and DOS EOF 0x1A excluded).
_CTRL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))
# Candidates for the code page guess, commonest first (ties go to the earliest).
_LEGACY = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "koi8_r",
           "gb18030", "big5", "cp949", "euc_jp")
_JAPANESE = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")
_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]")
_SANDWICHED = re.compile("[A-Za-z][\u3000-\u30ff\u3400-\u9fff][A-Za-z]")  # Latin mojibake read as cp932
_QUOTED = re.compile(r'"[^"]*"')
# whole lines holding a non-ASCII byte; anchored, so a long ASCII-only line costs linear time, not quadratic
_NON_ASCII_LINE = re.compile(rb"^[^\n\x80-\xff]*[\x80-\xff][^\n]*", re.MULTILINE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FIELD_LIMIT = 2**31 - 1
_MAIL_HEADER = re.compile(r"(?i)(return-path|received|delivered-to|message-id|mime-version|from|to|date|subject"
                          r"|x-[\w-]+): [^\r\n]*\r?\n[\w-]+:")


@dataclass(slots=True)
class Decoded:
    """Text of a file, the encoding it was read with, and what decoding had to repair."""

    text: str
    encoding: str
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def reject_reason(head: bytes) -> str | None:
    """Why these first bytes cannot be a CSV address book, or None when they might be one."""
    body = head
    for bom, _ in _BOMS:
        if head.startswith(bom):
            body = head[len(bom):]
            break
    if not body.strip(b"\x00 \t\r\n"):
        return "the file is empty"
    if body.startswith(_MAGIC):
        return "binary data, not a CSV file"
    if body is head and _utf16_guess(head) is None and _is_binary(head[:8192]):
        return "binary data, not a CSV file"
    text = _head_text(head).lstrip(" \t\r\n")
    first = text[:1]
    if first in ("{", "["):
        return "JSON, not a CSV file"
    if first == "<":
        return "XML or HTML, not a CSV file"
    if vcard_structure(text[:SNIFF_BYTES]):  # by structure: a card pasted into a notes cell is still a CSV
        return "a vCard file, not a CSV file (use --format vcard)"
    if text.startswith("From ") and "\n" in text[:2048]:
        return "a mailbox, not a CSV file"
    if _MAIL_HEADER.match(text):
        return "an email message, not a CSV file"
    return None


def _is_binary(sample: bytes) -> bool:
    """More than 5% control bytes: compressed data, images, executables."""
    if not sample:
        return False
    ctrl = len(sample) - len(sample.translate(None, _CTRL))
    return ctrl * 20 > len(sample)


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of mostly-ASCII text."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd * 10 > pairs * 3 and even * 20 < pairs:
        return "utf-16-le"
    if even * 10 > pairs * 3 and odd * 20 < pairs:
        return "utf-16-be"
    return None


def _head_text(head: bytes) -> str:
    """The first bytes as text, cheaply: BOM/UTF-16 aware, UTF-8 else cp1252 (no code page guessing)."""
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(enc, errors="replace")
    enc16 = _utf16_guess(head)
    if enc16:
        return head.decode(enc16, errors="replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # the sniff cut a character in half
            return head[: exc.start].decode("utf-8", errors="replace")
        return head.decode("cp1252", errors="replace")


def decode(data: bytes) -> Decoded:
    """Bytes to text: BOM, UTF-16 without BOM, UTF-8, then a code page guessed over the whole file."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(enc, errors="replace")
            return _checked(text, enc)
    enc16 = _utf16_guess(data)
    if enc16:
        return _checked(data.decode(enc16, errors="replace"), enc16)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    wide = len(lenient) - len(lenient.encode("ascii", "ignore"))  # non-ASCII characters
    if bad * 10 < wide - bad:  # mostly valid multi-byte UTF-8 with a few stray bytes
        return _checked(lenient, "utf-8")
    return _legacy(data)


def _checked(text: str, encoding: str) -> Decoded:
    """Wrap text decoded with replacement, reporting how many characters could not be read."""
    result = Decoded(text, encoding)
    bad = text.count("\ufffd")
    if bad:
        line = text.count("\n", 0, text.index("\ufffd")) + 1
        result.problems.append((line, f"{bad} bytes are not valid {encoding} (shown as \ufffd)"))
    return result


def _legacy(data: bytes) -> Decoded:
    """A legacy code page: Shift_JIS when it reads as Japanese, else the likeliest one, else cp1252."""
    try:
        text = data.decode("cp932")
        if _plausibly_japanese(text):
            return Decoded(text, "shift_jis")
    except UnicodeDecodeError:
        pass
    guess = _code_page_guess(data)
    for enc in ([guess] if guess else []) + ["cp1252"]:
        try:
            return Decoded(data.decode(enc), enc)
        except UnicodeDecodeError:
            continue
    return _checked(data.decode("cp1252", errors="replace"), "cp1252")


def _plausibly_japanese(text: str) -> bool:
    """Kana/kanji in runs, not half-width katakana soup or kanji glued between Latin letters."""
    jp = len(_JAPANESE.findall(text))
    if not jp:
        return False
    return len(_HALFWIDTH_KANA.findall(text)) * 10 <= jp and len(_SANDWICHED.findall(text)) * 10 <= jp


def _code_page_guess(data: bytes) -> str | None:
    """The code page of the lines that hold non-ASCII bytes from the whole file (fast on big files)."""
    lines, size = [], 0
    for match in _NON_ASCII_LINE.finditer(data):  # stop early: 256 KiB of such lines is plenty
        lines.append(match.group())
        size += len(lines[-1])
        if size > 256 * 1024:
            break
    return _codepage.choose(b"\n".join(lines), _LEGACY)


def sniff_delimiter(text: str) -> str:
    """`,` `;` or tab: Excel's `sep=;` hint, else the most frequent outside quotes in the header line.

    The header line is the first non-blank one after LinkedIn's `Notes:` preamble; with no
    delimiter in it (a one-column file) the answer is `,`, whatever the data rows hold.
    """
    lines = iter(text[:65536].splitlines()[:50])
    line = next((ln for ln in lines if ln.strip()), "")
    if line.strip().lower() == "notes:":
        next((ln for ln in lines if not ln.strip()), None)  # the notice, up to the blank line
        line = next((ln for ln in lines if ln.strip()), "")
    hint = line.strip().lower()
    if len(hint) == 5 and hint.startswith("sep=") and line.strip()[4] in DELIMITERS:
        return line.strip()[4]
    bare = _QUOTED.sub("", line)
    count, _, delimiter = max((bare.count(d), -i, d) for i, d in enumerate(DELIMITERS))
    return delimiter if count else ","


def norm_header(name: str) -> str:
    """A header cell for matching: no BOM, lower case, single spaces."""
    return " ".join(name.replace("\ufeff", "").lower().split())


def split_multi(value: str, sep: str = MULTI_SEP) -> list[str]:
    """Google's ` ::: ` packing (or any separator) undone; empty parts dropped."""
    if sep not in value:
        return [value]
    return [part.strip() for part in value.split(sep) if part.strip()]


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


@dataclass(slots=True)
class Shape:
    """What the reader knows of the table: the header's width, once found (0 before)."""

    width: int = 0


def iter_rows(text: str, delimiter: str, problems: list[Problem], source: str,
              shape: Shape | None = None) -> Iterator[tuple[int, list[str]]]:
    """Rows of `text` as (line where the row starts, cells).

    Quoted cells may hold CR, LF and TAB. A quote that is opened and never closed swallows the
    following lines into one cell: at the end of the file (odd quote count), or mid-file when a
    row spanning several lines has the wrong number of cells and a swallowed line looks like a
    whole row. Such a row is cut back to its own line and reported, and reading resumes on the
    next line, so the rows after it are not lost.
    """
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    offset: int | None = 0
    first_line = 1
    while offset is not None:
        offset, first_line = yield from _rows_from(text, offset, first_line, delimiter, problems, source,
                                                   shape or Shape())


def _rows_from(text: str, offset: int, first_line: int, delimiter: str, problems: list[Problem], source: str,
               shape: Shape) -> Generator[tuple[int, list[str]], None, tuple[int | None, int]]:
    """Rows of text[offset:]; returns where to resume after a runaway quote, or None at the end."""
    buf = io.StringIO(text[offset:] if offset else text, newline="")
    reader = csv.reader(buf, delimiter=delimiter, strict=False)
    base = first_line - 1  # physical lines consumed before this reader started
    done = 0  # lines consumed by this reader so far
    pending: tuple[int, int, list[str]] | None = None  # held back one row to check the last one
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(source, base + done + 1, f"unreadable row skipped ({exc})"))
            base += reader.line_num
            done = 0
            reader = csv.reader(buf, delimiter=delimiter, strict=False)
            continue
        if pending is not None:
            start, span, held = pending
            if span > 1 and _runaway(held, shape.width, delimiter):  # checked late: the width may be new
                cells, resume = _own_line(text, offset, first_line, start, delimiter)
                problems.append(Problem(source, start, "a quote opened on this line is not closed on it; "
                                                       "the row was read up to the end of its line"))
                yield start, cells
                return resume, start + 1
            yield start, held
        pending = (base + done + 1, reader.line_num - done, row)
        done = reader.line_num
    if pending is None:
        return None, 0
    start, span, row = pending
    if span > 1:
        here = _offset_of(text, offset, start - first_line)
        if text.count('"', here) % 2:
            cells, resume = _own_line(text, offset, first_line, start, delimiter)
            problems.append(Problem(source, start, "a quote opened on this line is never closed; "
                                                   "the row was read up to the end of its line"))
            yield start, cells
            return resume, start + 1
    yield start, row
    return None, 0


def _runaway(row: list[str], width: int, delimiter: str) -> bool:
    """A multi-line row that is no row: wrong cell count, and a line inside a cell that looks like a row."""
    if not width or len(row) == width:
        return False
    for cell in row:
        if "\n" in cell or "\r" in cell:
            for part in _LINE_BREAK.split(cell)[1:]:
                if part.count(delimiter) >= max(width - 1, 1):
                    return True
    return False


def _offset_of(text: str, offset: int, lines: int) -> int:
    """Where the physical line `lines` lines after `offset` starts (CR, LF, CRLF as line ends)."""
    buf = io.StringIO(text[offset:] if offset else text, newline="")
    return offset + sum(len(buf.readline()) for _ in range(lines))


def _own_line(text: str, offset: int, first_line: int, start: int, delimiter: str) -> tuple[list[str], int]:
    """The cells of line `start` read alone, quotes taken literally and trimmed; and where the next line starts."""
    here = _offset_of(text, offset, start - first_line)
    own = io.StringIO(text[here:], newline="").readline()
    bare = csv.reader([own.rstrip("\r\n")], delimiter=delimiter, quoting=csv.QUOTE_NONE)
    return [cell.strip().strip('"') for cell in next(bare, [])], here + len(own)


@dataclass(slots=True)
class Table:
    """A CSV file read up to its header: the rows after it are read lazily by `rows`."""

    source: str
    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    total_lines: int
    size: int
    problems: list[Problem]
    _rows: Iterator[tuple[int, list[str]]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def headers_text(self, limit: int = 12) -> str:
        """The header cells for a message: `A, B, C …`."""
        return ", ".join(self.header[:limit]) + (" …" if len(self.header) > limit else "")


def _find_header(rows: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]] | None:
    """The first row after leading blank rows and LinkedIn's `Notes:` preamble."""
    for line, row in rows:
        if _blank(row):
            continue
        first = row[0].replace("\ufeff", "").strip().lower()
        if first.startswith("sep=") and len(first) <= 5 and not any(c.strip() for c in row[1:]):
            continue  # Excel's delimiter hint, `sep=;`
        if len(row) == 1 and first == "notes:":
            for _, skipped in rows:  # the notice, up to and including the blank line after it
                if _blank(skipped):
                    break
            continue
        return line, [cell.replace("\ufeff", "").strip() for cell in row]
    return None


def read_table(path: Path) -> Table:
    """Open a CSV file for reading rows; NotAnAddressBook when it is not CSV text at all."""
    data = read_regular(path)
    reason = reject_reason(data[:65536])
    if reason:
        raise NotAnAddressBook(reason)
    decoded = decode(data)
    text = decoded.text
    source = Path(path).name
    problems = [Problem(source, line, message) for line, message in decoded.problems]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(Problem(source, line, f"{text.count(chr(0))} NUL bytes removed"))
        text = text.replace("\x00", "")
    delimiter = sniff_delimiter(text)
    shape = Shape()
    rows = iter_rows(text, delimiter, problems, source, shape)
    found = _find_header(rows)
    if found is None:
        raise NotAnAddressBook("no rows in the file")
    line, header = found
    shape.width = len(header)
    return Table(source=source, encoding=decoded.encoding, delimiter=delimiter, header=header,
                 header_line=line, total_lines=text.count("\n") + 1, size=len(data), problems=problems,
                 _rows=rows)


@lru_cache(maxsize=16)
def sniff_header(head: bytes) -> tuple[str, ...]:
    """The normalised header cells of these first bytes, or () when they are not CSV (cached per head)."""
    if reject_reason(head):
        return ()
    text = _head_text(head).replace("\x00", "")
    rows = iter_rows(text, sniff_delimiter(text), [], "")
    try:
        found = _find_header(rows)
    except csv.Error:
        return ()
    if found is None:
        return ()
    return tuple(norm_header(cell) for cell in found[1])


# --- What a column means -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Col:
    """What one column means: a Record text field, or email/phone/url/address/categories/birth/label/extra.

    `label` is a fixed label for the values; `label_from` names the `group` of a `label` column
    whose cell labels them (Google's `E-mail 1 - Label`); address and birthday parts that belong
    together share a `group`; `sep` splits a cell into several values; `convert` rewrites it.
    """

    kind: str
    label: str = ""
    part: str = ""
    group: str = ""
    label_from: str = ""
    sep: str = ""
    convert: Callable[[str], str] | None = None


TEXT_FIELDS = frozenset({"formatted_name", "prefix", "given", "middle", "family", "suffix", "nickname", "phonetic",
                         "org", "department", "title", "birthday", "note", "connected_on"})
NAME_FIELDS = frozenset({"formatted_name", "given", "middle", "family", "nickname"})
IDENTITY = NAME_FIELDS | {"email", "phone", "url"}

_W = "formatted_name"
_EXACT: dict[str, str] = {
    **dict.fromkeys(("name", "full name", "display name", "contact name", "contact", "nom complet", "nombre completo",
                     "vollständiger name", "anzeigename", "nome completo", "nom à afficher"), _W),
    **dict.fromkeys(("first name", "firstname", "first", "given name", "given", "forename", "vorname", "prénom",
                     "prenom", "nombre", "nome", "voornaam", "förnamn"), "given"),
    **dict.fromkeys(("last name", "lastname", "last", "surname", "family name", "family", "nachname", "nom",
                     "nom de famille", "apellido", "apellidos", "cognome", "achternaam", "efternamn", "sobrenome"), "family"),
    **dict.fromkeys(("middle name", "middle", "additional name", "middle initial", "weitere vornamen",
                     "deuxième prénom", "segundo nombre", "mellannamn", "secondo nome", "segundo nome"), "middle"),
    **dict.fromkeys(("prefix", "name prefix", "salutation", "anrede", "civilité", "tratamiento"), "prefix"),
    **dict.fromkeys(("suffix", "name suffix", "namenszusatz", "suffisso", "sufixo"), "suffix"),
    **dict.fromkeys(("nickname", "nick", "nick name", "spitzname", "surnom", "apodo"), "nickname"),
    **dict.fromkeys(("company", "company name", "organization", "organisation", "organization name", "org",
                     "employer", "firma", "unternehmen", "société", "entreprise", "empresa", "organización",
                     "azienda", "bedrijf", "företag", "società"), "org"),
    **dict.fromkeys(("department", "abteilung", "departamento", "service", "avdelning", "reparto"), "department"),
    **dict.fromkeys(("title", "job title", "jobtitle", "position", "role", "job", "occupation", "fonction", "poste",
                     "cargo", "puesto", "funktion", "organization title", "befattning", "posizione", "profession"), "title"),
    **dict.fromkeys(("notes", "note", "comments", "comment", "notizen", "notiz", "remarques", "notas", "description",
                     "bemerkungen", "opmerkingen", "anteckningar", "anotações"), "note"),
    **dict.fromkeys(("birthday", "birth date", "birthdate", "date of birth", "dob", "geburtstag", "geburtsdatum",
                     "date de naissance", "anniversaire", "cumpleaños", "fecha de nacimiento", "compleanno",
                     "aniversário", "födelsedag"), "birthday"),
    **dict.fromkeys(("categories", "category", "groups", "group", "labels", "tags", "kategorien", "catégories",
                     "categorías", "gruppen", "group membership", "kategorier", "categorie", "categorias"),
                    "categories"),
}
_HOME = frozenset({"home", "privat", "private", "personal", "privé", "personnel", "personnelle", "domicile", "casa",
                   "particulier", "zuhause", "personale", "residencial", "hem"})
_WORK = frozenset({"work", "business", "geschäftlich", "office", "bureau", "trabajo", "professionnel", "company",
                   "firma", "arbeit", "büro", "lavoro", "oficina", "ufficio", "comercial", "arbete"})
_OTHER = frozenset({"other", "weitere", "weiteres", "weitere(s)", "autre", "otro", "altro"})
_PHONE_KIND = (("mobile", ("mobil", "cell", "handy", "móvil", "celular", "portable", "cellulare")),
               ("fax", ("fax", "telefax")), ("pager", ("pager", "bip")), ("car", ("car", "auto")),
               ("assistant", ("assistant",)), ("main", ("primary", "main", "haupt")))
_PHONE_INSIDE = ("phone", "telefon", "téléphon", "teléfon", "fax")  # Mobiltelefon, Autotelefon, Faxnummer
_PHONE_START = ("tel", "tél", "mobil", "cell", "handy", "pager", "móvil", "celular", "portable", "isdn", "callback",
                "rückmeldung")
_EMAIL_WORDS = ("e-mail", "email", "mail", "courriel", "correo", "messagerie", "e-mail-adresse", "e-post")
# "electronic mail" in two words: Italian `Indirizzo posta elettronica`, French `Adresse électronique`
_EMAIL_PHRASES = (("posta", "elettronica"), ("adresse", "électronique"), ("courrier", "électronique"),
                  ("correio", "eletrônico"))
_NOT_A_VALUE = frozenset({"type", "typ", "label", "display", "angezeigter", "affiché", "kind", "tipo", "mostrar",
                          "visualizzato", "exibição", "visningsnamn"})
_URL_WORDS = frozenset({"url", "web", "website", "homepage", "webseite", "site", "blog", "internet", "webpage"})
_ADDRESS_PARTS = (("pobox", ("po box", "p.o. box", "postfach", "boîte postale", "apartado")),
                  ("postal", ("zip", "postal", "postcode", "plz", "postleitzahl", "code postal", "código postal",
                              "zipcode", "cp", "cap", "cep", "postnummer")),
                  ("country", ("country", "land", "pays", "país", "nation", "paese")),
                  ("city", ("city", "ort", "stadt", "ville", "ciudad", "town", "città", "localidad", "cidade",
                            "postort")),
                  ("region", ("state", "region", "province", "bundesland", "provincia", "county", "état", "estado")),
                  ("street", ("street", "straße", "strasse", "rue", "calle", "address", "adresse", "dirección",
                              "indirizzo", "via", "rua", "endereço", "gatuadress")))
_SPLIT = re.compile(r"[\s_:()/\\.,]+")


def _where(words: list[str]) -> str:
    for tag, vocab in (("home", _HOME), ("work", _WORK), ("other", _OTHER)):
        if any(w in vocab for w in words):
            return tag
    return ""


def _tags(words: list[str], kinds: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    return [tag for tag, stems in kinds if any(w.startswith(stems) for w in words)]


def classify(key: str) -> Col | None:
    """What a (normalised) header probably means, in English, German, French, Spanish, Italian, Portuguese or
    Swedish; None = extras."""
    exact = _EXACT.get(key)
    if exact is not None:
        return Col(exact)
    words = [w for w in _SPLIT.split(key) if w]
    if not words or len(words) > 6:
        return None
    where = _where(words)
    if any(w.startswith(_EMAIL_WORDS) and not w.startswith("mailing") for w in words) \
            or any(a in words and b in words for a, b in _EMAIL_PHRASES):
        if any(w in _NOT_A_VALUE or w.endswith(("-typ", "-type", "posttyp")) for w in words):
            return None
        return Col("email", label=where)
    if "linkedin" in words or any("linkedin" in w for w in words):
        return Col("url", label="linkedin")
    if any(w.startswith(("phonetic", "yomi")) or w.endswith("yomi") for w in words):
        return Col("phonetic")
    if any(w.startswith(_PHONE_START) or any(s in w for s in _PHONE_INSIDE) for w in words) \
            and not any(w in _NOT_A_VALUE for w in words):
        return Col("phone", label=" ".join(t for t in [where, *_tags(words, _PHONE_KIND)] if t))
    if any(w in _URL_WORDS for w in words) or (words[-1] == "page" and len(words) > 1):
        return Col("url", label=where if where else next((w for w in words if w in ("blog", "profile")), ""))
    for part, stems in _ADDRESS_PARTS:
        if any(f" {s} " in f" {key} " for s in stems) or any(w in stems for w in words):
            number = next((w for w in words if w.isdigit()), "")
            if part == "street" and number in ("2", "3"):
                part = f"street{number}"
            return Col("address", label=where, part=part, group=where or "address")
    if "name" in words or "nom" in words or "nombre" in words:
        if any(w in ("first", "given", "fore", "vor") for w in words):
            return Col("given")
        if any(w in ("last", "family", "sur", "nach") for w in words):
            return Col("family")
        if any(w in ("full", "display", "contact") for w in words):
            return Col(_W)
    return None


def parse_mapping(mapping: dict[str, str]) -> dict[str, Col]:
    """`--map field=Column` pairs as column -> Col; NotAnAddressBook for a field we do not know."""
    aliases = {"name": _W, "fn": _W, "full_name": _W, "first": "given", "first_name": "given", "last": "family",
               "last_name": "family", "surname": "family", "company": "org", "organization": "org",
               "organisation": "org", "notes": "note", "job": "title", "position": "title", "emails": "email",
               "e-mail": "email", "mail": "email", "phones": "phone", "mobile": "phone", "tel": "phone",
               "urls": "url", "website": "url", "linkedin": "url", "addresses": "address", "category": "categories",
               "groups": "categories", "birthdate": "birthday"}
    out: dict[str, Col] = {}
    for field_name, column in mapping.items():
        key = field_name.strip().lower()
        kind = aliases.get(key, key)
        if kind not in TEXT_FIELDS and kind not in ("email", "phone", "url", "address", "categories"):
            known = ", ".join(sorted(TEXT_FIELDS | {"email", "phone", "url", "address", "categories"}))
            raise NotAnAddressBook(f"--map {field_name}: unknown field (fields: {known})")
        label = "linkedin" if key == "linkedin" else ""
        address = kind == "address"
        out[column.strip()] = Col(kind, label=label, part="street" if address else "", group=column if address else "")
    return out


def plan_columns(header: list[str], own: dict[str, Col | None]) -> list[Col | None]:
    """A flavour's own meaning for each header it knows, the shared heuristics for the rest."""
    keys = [norm_header(raw) for raw in header]
    return [own[key] if key in own else classify(key) for key in keys]

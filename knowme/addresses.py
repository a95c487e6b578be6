"""The addresses one email cell holds, each without the text around it.

Address books put several addresses in one cell (`a@x.com, b@y.com`, a vCard `EMAIL:a@x.com;b@y.com`)
and wrap one in text: `[a@x.com]`, `(a@x.com)`, `a@x.com (work)`, `work: a@x.com`, `a@x.com;`,
`mailto:a@x.com?subject=hi`. Kept as one value, such a cell gives no matching key, so its addresses
never reach the suppression list and another card holding one of them cleanly is exported.

`email_values` says what a cell becomes in a record: one value per address, a clean address or a
`Name <address>` left as written; `addresses_in` gives the bare addresses. Every word of the cell that
holds an `@` is read as an address once the brackets, quotes and punctuation around it are dropped:
`email.utils.getaddresses` alone misses an address inside parentheses (a comment to it), glues
space-separated ones together, and reads these cells differently from one Python release to the next,
and the address it misses is the one an export would leak. It still reads the display names, quoted
ones holding commas included.

Records are split once, as they are stored (`split_email_cells`, called for every importer's records);
what was read before that is read through `addresses_in` by the suppression list and the exports.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import getaddresses

from knowme.model import Labeled, Record

# getaddresses reads ~4 µs a character: past this, a cell (a broken file's) gives its addresses without names
NAMES_UP_TO = 20_000
AS_WRITTEN = "email as written"  # the extra that keeps a cell that was split or cleaned, word for word

# one address and nothing else: the usual cell, answered without parsing (a domain's trailing dot, `x.com.`,
# is a spelling of the domain `normalize.mailbox_key` reads, not text around the address)
_PLAIN = re.compile(r"(?!['`])[^\s@<>()\[\]{},;:\"`]+@[^\s@<>()\[\]{},;:\"'`?!]*[^\W_]\.?")
# `mailto:` and the query after the address (`?subject=hi`)
_MAILTO = re.compile(r"mailto:([^\s?<>,;]*)(?:\?[^\s<>,;]*)?", re.I)
# what reads as an address in a text: a word holding an `@` (a quoted local part may hold anything; a
# fullwidth or small `＠` counts, as `normalize.mailbox_key` reads it as one);
# a word starts only after a separator, so a long text without one is read once, not once a letter
_AT_SIGNS = "@＠﹫"
# what separates words: spaces, brackets and punctuation, the Chinese and Japanese ones too (`a@x.cn、b@y.cn`,
# `a@x.cn，b@y.cn`: an ideographic or fullwidth comma between two addresses)
_SEPARATORS = "\\s<>\"(),;:\\[\\]{}、，；：（）【】「」『』《》〈〉。"
_TOKEN = re.compile(rf"(?<![^{_SEPARATORS}])(?:\"[^\"]*\"|[^@＠﹫{_SEPARATORS}]+)[@＠﹫][^{_SEPARATORS}]+")
_ANGLED = re.compile(r"<([^<>]*)>")
_ADDRESS = re.compile(r"(?:\"[^\"]*\"|[^\s@＠﹫\"]+)[@＠﹫][^\s@＠﹫\"]+")
_OPENERS = "([{<'`"
_CLOSERS = ")]}>'`.,;:!?、，；：）】」』》〉。"
_NEEDS_QUOTES = re.compile(r"[\",;:()<>@\[\]\\]")


def is_plain(text: str) -> bool:
    """True when the text is one address with nothing around it (the cell every importer hopes for)."""
    return _PLAIN.fullmatch(text) is not None


def _trim(token: str) -> str:
    """An address without the brackets, quotes and punctuation around it, and without a `?query`."""
    address = token.strip().lstrip(_OPENERS)
    if address.startswith('"') and address.count('"') % 2:
        address = address[1:]
    sign = max(address.rfind(at) for at in _AT_SIGNS)
    if sign < 0:
        return address
    domain = address[sign + 1:].split("?", 1)[0].rstrip(_CLOSERS)
    if domain.endswith('"') and address.count('"') % 2:
        domain = domain[:-1].rstrip(_CLOSERS)
    return address[:sign + 1] + domain


def _found(text: str) -> list[tuple[str, str]]:
    """(display name, address) of every address in the text, in order, each once (by its lower case)."""
    text = _MAILTO.sub(r"\1", text.strip())
    names: dict[str, str] = {}
    if "<" in text and len(text) <= NAMES_UP_TO:  # a display name comes with angle brackets only
        angled = set(_ANGLED.findall(text))
        listed = text if '"' in text else text.replace(";", ",")  # `a@x;b@y`: a vCard's or Outlook's separator
        for name, address in getaddresses([listed]):
            if name.strip() and address in angled:
                names.setdefault(address, name.strip())
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for token in _TOKEN.findall(text):
        address = _trim(token)
        if _ADDRESS.fullmatch(address) and address.lower() not in seen:
            seen.add(address.lower())
            found.append((names.get(address, ""), address))
    return found


def addresses_in(text: str) -> list[str]:
    """Every address the text holds, in order, without display names or anything around them; [] when
    it holds none."""
    if is_plain(text):
        return [text]
    return [address for _name, address in _found(text)]


# A link naming a mailbox: `xmpp:jane@x.com/phone`, `sip:jane@x.com:5060`, `mailto:jane%40x.com`, `jane@x.com`.
_LINK = re.compile(r"\s*<?(?:([a-z][a-z0-9+.-]*):(?://)?)?([^\s/?#;:<>@]+@[^\s/?#;:<>@]+)", re.IGNORECASE)
_WEB = frozenset(("http", "https", "ftp", "ftps", "ws", "wss", "file"))


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def addresses_in_link(value: str) -> list[str]:
    """The address an IMPP or URL value names (an instant-messaging, SIP or mailto: link), [] for a web
    link (`x.com/@jane` is a page, `u:p@host` a login). Its %-escapes are decoded while that changes it, up to
    three times: `mailto:rex%2540x.com` escaped the `%` of `%40` once more, and names rex@x.com."""
    for _round in range(3):
        if "%" not in value:
            break
        decoded = _ESCAPES.sub(lambda m: bytes.fromhex(m.group().replace("%", "")).decode("utf-8", "replace"), value)
        if decoded == value:
            break
        value = decoded
    match = _LINK.match(value)
    if match is None or (match.group(1) or "").lower() in _WEB:
        return []
    return addresses_in(match.group(2))


def email_values(text: str) -> list[str]:
    """What an email cell becomes in a record: one value per address it holds, in order. A clean
    address, or one address with its display name (`Jane Doe <jane@x.com>`), stays as written; a
    cell holding no address at all stays as written too (nothing is lost)."""
    if is_plain(text.strip()):
        return [text]
    found = _found(text)
    if not found:
        return [text]
    stripped = text.strip()
    if len(found) == 1 and stripped.endswith(f"<{found[0][1]}>"):
        return [stripped]  # `Name <address>`: read as one everywhere already
    return [_display(name, address) if name else address for name, address in found]


def _display(name: str, address: str) -> str:
    """`Name <address>`, the name quoted when it holds what would split it again."""
    if _NEEDS_QUOTES.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def messy_email_cells(values: Iterable[str]) -> bool:
    """Whether any of these email cells holds more than one clean address, or text around one."""
    plain = _PLAIN.fullmatch
    return any(plain(value) is None and plain(value.strip()) is None for value in values)


def split_email_cells(record: Record) -> None:
    """Give the record one email per address its cells hold (each with its cell's label), keeping
    every cell that changed as an extra, word for word. Clean cells are left untouched, so their
    record's identity and stored data stay what they were."""
    plain = _PLAIN.fullmatch
    for labeled in record.emails:
        if plain(labeled.value) is None and plain(labeled.value.strip()) is None:
            break
    else:
        return  # the usual record (a loop, not all(...): 100k records import 0.1 s sooner)
    emails: list[Labeled] = []
    for labeled in record.emails:
        values = email_values(labeled.value)
        if values == [labeled.value]:
            emails.append(labeled)
            continue
        emails.extend(Labeled(value, labeled.label) for value in values)
        record.extras.append((AS_WRITTEN, labeled.value))
    record.emails = emails

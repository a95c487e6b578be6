"""One message's header block, reduced to what the mail importer counts.

Only the fields that say who wrote to whom, when, in which thread and whether it was bulk mail
are kept; bodies are never read. The parsing is deliberately lenient and fast (100,000 messages
must take seconds): a regular expression picks the wanted fields out of the raw block, the
common address shapes are parsed without `email.utils`, and everything unusual falls back to the
standard library. A field that cannot be read is dropped and named in `Message.trouble`, so the
caller can count it once per kind instead of failing the message.
"""
from __future__ import annotations

import base64
import binascii
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import getaddresses, parsedate_tz

from knowme.runtime import big_cache

# The header fields we read; everything else in the block is skipped unparsed.
_WANTED = ("from", "to", "cc", "bcc", "reply-to", "date", "message-id", "in-reply-to", "references", "subject",
           "list-unsubscribe", "list-id", "precedence", "auto-submitted", "x-autoreply", "x-autorespond",
           "x-gmail-labels")
_FIELD = re.compile(r"^(" + "|".join(re.escape(n) for n in _WANTED) + r")[ \t]*:(.*(?:\r?\n[ \t].*)*)",
                    re.IGNORECASE | re.MULTILINE)

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"\s*")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")

# One entry of an address list in its common shapes: `"Quoted, Name" <a@b>`, `Plain Name <a@b>`, `a@b`, or empty.
_ITEM = re.compile(r'\s*(?:(?:"((?:[^"\\]|\\.)*)"|([^",<>:;()\\@]*?))\s*<\s*([^<>\s,;]*)\s*>'
                   r'|([^\s<>",:;()\\]+@[^\s<>",:;()\\]+))?\s*(?:,|$)')
_VALID_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")
# Parsed address fields are cached: the same From/To text recurs in thousands of messages.
_ADDRESS_CACHE: dict[str, tuple[tuple[tuple[str, str], ...], frozenset[str]]] = {}
_ADDRESS_CACHE_MAX = 20_000
_ADDRESS_CACHE_VALUE_MAX = 1_000

_MSGID = re.compile(r"<([^<>\s]+)>")
MAX_REFERENCES = 20  # the root and the last ones are enough to find a thread
FUTURE_DAYS = 2  # a Date further ahead than this (time zones aside) is a wrong clock, not a real day

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec"), start=1)}
_RFC_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})\b")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_POSTMARK_DATE = re.compile(r"([A-Za-z]{3})\s+(\d{1,2})\s+\d{1,2}:\d\d(?::\d\d)?\s+(?:[-+]\d{4}\s+)?(\d{4})")

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|antw|rif|r|tr|res|enc|odp|ynt|vb|atb)\s*(?:\[\d+\])?\s*[:：]"
                           r"|\[[^\]]{1,40}\])\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")

# Senders that are machines: no-reply addresses, bounces, daemons.
_MACHINE_LOCAL = re.compile(r"(^|[._+-])(no-?reply|do-?not-?reply|donotreply|noreply\d*|mailer-daemon|postmaster|"
                            r"bounces?|notifications?|notify|alerts?|automated|daemon)([._+-]|\d|$)")
_BULK_PRECEDENCE = {"bulk", "list", "junk"}

# Names of sent-mail folders (and Gmail labels) in the languages mail clients ship in.
SENT_NAMES = frozenset("""sent|sent mail|sent items|sent messages|sentmail|sent-mail|outbox|gesendet|gesendete objekte|
gesendete elemente|gesendete nachrichten|envoyés|envoyes|éléments envoyés|elements envoyes|messages envoyés|
enviados|elementos enviados|mensajes enviados|enviadas|inviati|posta inviata|verzonden|verzonden items|
verzonden berichten|skickat|skickade objekt|sendt|sendte elementer|sendte|lähetetyt|wysłane|elementy wysłane|odeslané|
odeslaná pošta|отправленные|已发送|已傳送|送信済み|送信済みメール|보낸편지함|gönderilmiş|gönderilenler|
απεσταλμένα|elküldött|trimise|poslano|poslane""".replace("\n", "").split("|"))
_SENT_PREFIX = re.compile(r"^(\[(gmail|google mail)\]/|inbox[./])", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def is_sent_name(name: str) -> bool:
    """True for a mailbox or label name that holds the user's sent mail (`Sent`, `[Gmail]/Sent Mail`,
    `.INBOX.Sent Items`, `Gesendet.mbox`, `Envoyés`, ...)."""
    text = unicodedata.normalize("NFC", name).strip().strip('"').strip().lstrip(".")
    text = _SENT_PREFIX.sub("", text).rsplit("/", 1)[-1]
    for suffix in (".mbox", ".mbx", ".sbd", ".eml"):
        if text.lower().endswith(suffix):
            text = text[: -len(suffix)]
    candidates = (text, text.rsplit(".", 1)[-1])  # Maildir++ nests folders with dots: .Archive.Sent
    return any(_SPACES.sub(" ", c).strip().lower() in SENT_NAMES for c in candidates)


@dataclass(slots=True)
class Message:
    """What one message says about its correspondents; addresses are lower-cased."""

    sender: tuple[str, str] | None = None  # (address, display name)
    co_senders: tuple[tuple[str, str], ...] = ()  # any further From addresses (RFC 5322 3.6.2)
    recipients: list[tuple[str, str]] = field(default_factory=list)  # To, Cc and Bcc, each address once
    to_count: int = 0  # how many of the recipients (the first ones) came from To
    reply_to: list[tuple[str, str]] = field(default_factory=list)
    day: date | None = None
    msgid: str = ""
    references: list[str] = field(default_factory=list)  # In-Reply-To first, then References newest first
    subject: str = ""  # normalised: reply prefixes and list tags dropped, lower-cased
    is_reply: bool = False
    bulk: bool = False
    sent_label: bool = False  # Google Takeout: X-Gmail-Labels holds a sent label
    trouble: set[str] = field(default_factory=set)  # kinds of unreadable fields ("date", "from", "address", ...)
    encoding: str = "ascii"  # how the header bytes were read: ascii, utf-8, or latin-1 (8-bit, not UTF-8)


def decode_block(block: bytes) -> tuple[str, str]:
    """Header bytes as text: UTF-8 when valid, else Latin-1 (raw 8-bit headers of old mailers); and
    which of ascii, utf-8 and latin-1 it was."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        return block.decode("latin-1"), "latin-1"
    return text, "ascii" if text.isascii() else "utf-8"


def header_fields(text: str) -> dict[str, str]:
    """The wanted fields of a header block, unfolded; repeated address fields are joined."""
    fields: dict[str, str] = {}
    for name, value in _FIELD.findall(text):
        key = name.lower()
        value = value.replace("\r", "").replace("\n", "").strip()
        if key in fields:
            if key in ("to", "cc", "bcc", "reply-to", "references"):
                fields[key] += ", " + value if key != "references" else " " + value
            continue
        fields[key] = value
    return fields


def decode_words(text: str) -> tuple[str, bool]:
    """RFC 2047 encoded words decoded; (the raw text, False) when any word cannot be decoded."""
    if "=?" not in text:
        return text, True
    out: list[str] = []
    pos = 0
    last_was_word = False
    for match in _ENCODED_WORD.finditer(text):
        between = text[pos:match.start()]
        if not (last_was_word and _BETWEEN_WORDS.fullmatch(between)):
            out.append(between)
        charset, encoding, payload = match.groups()
        charset = charset.split("*", 1)[0]
        try:
            if encoding in "bB":
                raw = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
            else:
                raw = _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), payload.replace("_", " ").encode("ascii"))
            out.append(raw.decode(charset))
        except (binascii.Error, ValueError, LookupError, UnicodeError):
            return text, False
        pos = match.end()
        last_was_word = True
    out.append(text[pos:])
    return "".join(out), True


def clean_name(raw: str, address: str, trouble: set[str]) -> str:
    """A display name as a person would read it, or "" when it is empty or just the address again."""
    name, ok = decode_words(raw)
    if not ok:
        trouble.add("name")
    name = _SPACES.sub(" ", name).strip().strip("\"'").strip()
    if not name or name.lower().strip("<>") == address or name.lower() == "mailto:" + address:
        return ""
    return name


# an RFC 2047 encoded word in a display name that writes a comma or another special character as itself
# (`=?utf-8?Q?Doerfler,_Johnathan?=`, against the RFC, as some mailers do), not inside quotes already
_BARE_ENCODED_WORD = re.compile(r'(?<!")=\?[^?\s"]+\?[QqBb]\?[^?\s"]*[,;:<>()@][^?\s"]*\?=(?!")')


def _parse_address_field(value: str) -> list[tuple[str, str]]:
    """(raw display name, address) pairs: the common shapes by one regex, anything else by `email.utils`.
    An encoded word holding a comma is quoted first: split there, `Doerfler, Johnathan` became a name
    `Doerfler` with no address and a person named `_Johnathan?=` (who passed the exclusion's name check)."""
    if "=?" in value:
        value = _BARE_ENCODED_WORD.sub(lambda m: f'"{m.group(0)}"', value)
    pairs = []
    pos, size = 0, len(value)
    while pos < size:
        match = _ITEM.match(value, pos)
        if match is None or match.end() == pos:
            return _salvage(value)
        quoted, plain, angle, bare = match.groups()
        if angle is not None:
            pairs.append((quoted.replace('\\"', '"') if quoted is not None else plain, angle))
        elif bare is not None:
            pairs.append(("", bare))
        pos = match.end()
    return pairs


_BARE_ADDRESS = re.compile(r'[^\s<>",;:()\[\]\\@]+@[^\s<>",;:()\[\]\\@]+')
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def _salvage(value: str) -> list[tuple[str, str]]:
    """An address field the common shapes do not cover: every address written outside quotes, in
    order, with the display name `email.utils` gives it. Addresses parted by spaces alone
    (`a@x.com b@y.com`, as some mailers write a From of two authors) gave `email.utils` nothing, so
    neither person was read; what it reads that is written nowhere (`a@x.commailto`) is not taken."""
    try:
        parsed = getaddresses([value])
    except RecursionError:  # `email.utils` recurses once per `:` group opener: a field of 1,000 of them
        parsed = [(value[:80], "")]  # unreadable as a whole (named as such), what the scan below finds aside
    names = {address.strip().lower(): name for name, address in parsed if name}
    pairs: list[tuple[str, str]] = []
    read: set[str] = set()
    for chunk in _QUOTED.sub(" ", value).replace(";", ",").split(","):
        tokens = [token.strip(".") for token in _BARE_ADDRESS.findall(chunk)]
        if not any(_VALID_ADDRESS.fullmatch(token) for token in tokens) and chunk.strip():
            pairs.append((chunk, ""))  # text with no address in it: named as unreadable, as the regex path does
        for token in tokens:
            key = token.lower()
            if key not in read and _VALID_ADDRESS.fullmatch(token):
                read.add(key)
                pairs.append((names.get(key, ""), token))
    return pairs if read else parsed  # nothing readable: what `email.utils` gave names the trouble


@big_cache(50_000)
def _entry(raw_name: str, raw_address: str) -> tuple[str, str, str]:
    """One parsed list entry as (address, display name, trouble kind); "" where there is none.
    Cached apart from whole fields: a mass mailing's recipient list is new, its people are not."""
    address = raw_address.strip().strip("<>").strip().lower().removeprefix("mailto:")
    if not address:
        return "", "", "address" if raw_name.strip() and not raw_name.strip().endswith(":") else ""
    if not _VALID_ADDRESS.fullmatch(address):
        return "", "", "address"
    found: set[str] = set()
    name = clean_name(raw_name, address, found) if raw_name else ""
    return address, name, "name" if found else ""


def parse_addresses(value: str, trouble: set[str]) -> list[tuple[str, str]]:
    """The (address, display name) pairs of an address field; unreadable entries are skipped."""
    cached = _ADDRESS_CACHE.get(value)
    if cached is None:
        found: set[str] = set()
        out = []
        for raw_name, raw_address in _parse_address_field(value):
            address, name, kind = _entry(raw_name, raw_address)
            if kind:
                found.add(kind)
            if address:
                out.append((address, name))
        cached = (tuple(out), frozenset(found))
        if len(value) <= _ADDRESS_CACHE_VALUE_MAX:
            if len(_ADDRESS_CACHE) >= _ADDRESS_CACHE_MAX:
                _ADDRESS_CACHE.clear()
            _ADDRESS_CACHE[value] = cached
    trouble.update(cached[1])
    return list(cached[0])


def parse_day(value: str) -> date | None:
    """The calendar day a Date header names, as the sender wrote it (no time-zone shift)."""
    match = _RFC_DATE.search(value)
    if match:
        day, month, year = int(match.group(1)), _MONTHS.get(match.group(2).lower()), int(match.group(3))
        if month is not None:
            return _make_day(year, month, day)
    match = _ISO_DATE.search(value)
    if match:
        return _make_day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    parsed = parsedate_tz(value)
    if parsed is not None:
        return _make_day(parsed[0], parsed[1], parsed[2])
    return None


def postmark_day(postmark: str) -> date | None:
    """The delivery day of an mbox `From ` line (`From a@b Thu Mar 14 10:00:00 2024`)."""
    match = _POSTMARK_DATE.search(postmark)
    if match is None:
        return None
    month = _MONTHS.get(match.group(1).lower())
    return _make_day(int(match.group(3)), month, int(match.group(2))) if month else None


def _make_day(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000 if year < 50 else 1900
    if not 1970 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def normalise_subject(subject: str) -> tuple[str, bool]:
    """The subject a whole thread shares (prefixes like Re:/AW:/Fwd: and [list] tags dropped), and
    whether it was a reply."""
    text, _ = decode_words(subject)
    stripped = text
    while True:
        shorter = _REPLY_PREFIX.sub("", stripped, count=1)
        if shorter == stripped:
            break
        stripped = shorter
    return _SPACES.sub(" ", stripped).strip().lower(), stripped != text


def is_machine_address(address: str) -> bool:
    """No-reply, bounce and daemon senders: no person reads or writes their mail."""
    return bool(_MACHINE_LOCAL.search(address.rpartition("@")[0]))


def clear_caches() -> None:
    """Forget cached address parses (called after an import, so a long-running app does not keep them)."""
    _ADDRESS_CACHE.clear()
    _entry.cache_clear()
    _latest_plausible_day.cache_clear()


@functools.lru_cache(maxsize=1)
def _latest_plausible_day() -> date:
    return date.today() + timedelta(days=FUTURE_DAYS)


def parse_message(block: bytes, postmark: str = "") -> Message:
    """Read one header block (bytes up to the first blank line) into a `Message`."""
    text, encoding = decode_block(block)
    fields = header_fields(text)
    msg = Message(encoding=encoding)
    trouble = msg.trouble
    senders = parse_addresses(fields["from"], trouble) if "from" in fields else []
    if senders:
        msg.sender = senders[0]
        if len(senders) > 1:
            seen = {senders[0][0]}
            msg.co_senders = tuple(pair for pair in senders[1:] if pair[0] not in seen and not seen.add(pair[0]))
    else:
        trouble.add("from")
    listed: set[str] = set()
    for key in ("to", "cc", "bcc"):
        if key in fields:
            for pair in parse_addresses(fields[key], trouble):
                if pair[0] not in listed:
                    listed.add(pair[0])
                    msg.recipients.append(pair)
        if key == "to":
            msg.to_count = len(msg.recipients)
    if "reply-to" in fields:
        msg.reply_to = parse_addresses(fields["reply-to"], trouble)
    raw_date = fields.get("date", "")
    msg.day = parse_day(raw_date) if raw_date else None
    if msg.day is not None and msg.day > _latest_plausible_day():
        trouble.add("date-future")  # a sender's broken clock must not make them look recent
        msg.day = postmark_day(postmark) if postmark else None
    elif msg.day is None:
        msg.day = postmark_day(postmark) if postmark else None
        if msg.day is None:
            trouble.add("date")
        elif raw_date:
            trouble.add("date-postmark")
    ids = _MSGID.findall(fields.get("message-id", ""))
    msg.msgid = ids[0] if ids else fields.get("message-id", "").strip()
    in_reply_to = _MSGID.findall(fields.get("in-reply-to", ""))
    refs = _MSGID.findall(fields.get("references", ""))
    if len(refs) > MAX_REFERENCES:
        refs = refs[:1] + refs[-(MAX_REFERENCES - 1):]
    msg.references = in_reply_to[:1] + refs[::-1]
    msg.subject, re_prefixed = normalise_subject(fields.get("subject", ""))
    msg.is_reply = re_prefixed or bool(msg.references)
    msg.bulk = _is_bulk(fields, msg.sender)
    labels = fields.get("x-gmail-labels")
    if labels:
        msg.sent_label = any(is_sent_name(label) for label in labels.split(","))
    return msg


def _is_bulk(fields: dict[str, str], sender: tuple[str, str] | None) -> bool:
    """List and machine mail: List-Unsubscribe/List-Id, Precedence bulk, Auto-Submitted, no-reply senders."""
    if "list-unsubscribe" in fields or "list-id" in fields:
        return True
    if fields.get("precedence", "").strip().lower() in _BULK_PRECEDENCE:
        return True
    auto = fields.get("auto-submitted")
    if auto is not None and auto.strip().lower() not in ("", "no"):
        return True
    if "x-autoreply" in fields or "x-autorespond" in fields:
        return True
    return sender is not None and is_machine_address(sender[0])

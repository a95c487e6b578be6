"""Matching keys derived from a record, never replacing what the source said.

Emails are trimmed and lower-cased (the stored key) and folded further for matching
(Gmail ignores dots and everyone ignores `+tags`). Phones go to E.164 with `phonenumbers`.
Names are Unicode-normalised, case- and accent-folded, and split into first/last with
`nameparser` when the source only gave one string ("Smith, John", "Dr. John Q. Smith Jr.").
"""
from __future__ import annotations

import locale
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowme.addresses import addresses_in, is_plain
from knowme.model import Labeled, Record
from knowme.runtime import big_cache

if TYPE_CHECKING:
    import phonenumbers

_GMAIL = {"gmail.com", "googlemail.com"}
# One mailbox under each of its provider's domains (one namespace of user names: Apple's, Proton's,
# Yandex's): an excluded x@me.com is x@icloud.com too. Kept out of `mailbox_key` (the stored keys of
# every workspace use it); the suppression list matches each address under all of them (`mailbox_aliases`).
# Proton: every personal address exists under @proton.me, @protonmail.com, @protonmail.ch and @pm.me
# (proton.me/support/addresses-and-aliases). Yandex: one login under each domain alias it gives at sign-up
# (yandex.com/support/mail/reg.html); narod.ru, its old hosting service's, is one of them (the Delta Chat
# provider database, _providers/yandex.ru.md, lists the same set). GMX is not one namespace:
# name@gmx.net is another address than name@gmx.de or name@gmx.com, and its dots count
# (newsroom.gmx.net, 2015-07-31, "Doppelte E-Mail-Adresse: Ist das möglich?").
_ONE_MAILBOX = (("icloud.com", "me.com", "mac.com"), ("proton.me", "protonmail.com", "protonmail.ch", "pm.me"),
                ("yandex.ru", "yandex.com", "ya.ru", "yandex.by", "yandex.kz", "yandex.ua", "narod.ru"))
# Proton treats `.`, `_` and `-` in a user name as transparent: user.name, user_name and username are one
# account, never given to two people (proton.me/support/change-username). Folded like Gmail's dots.
_PROTON = frozenset(_ONE_MAILBOX[1])
_PROTON_TRANSPARENT = str.maketrans("", "", "._-")
_MAILBOX_DOMAINS = {domain: group for group in _ONE_MAILBOX for domain in group}
_EMAIL_RE = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_MAILTO = re.compile(r"^mailto:", re.I)

ROLE_LOCALPARTS = frozenset(
    """info information contact contacts hello hi office admin administrator support help helpdesk sales
    marketing billing accounts accounting invoices invoice finance hr jobs careers recruiting team press media
    news newsletter newsletters noreply no-reply donotreply do-not-reply notifications notification notify alerts
    alert mailer-daemon postmaster webmaster hostmaster abuse security privacy legal service services customerservice
    customer-service feedback enquiries enquiry inquiries booking bookings reservations orders order shop store
    team list lists listserv majordomo bounce bounces updates digest reply system robot daemon root""".split()
)
_ROLE_PATTERNS = re.compile(r"(^|[._+-])(no-?reply|do-?not-?reply|notifications?|mailer-daemon|bounces?|newsletters?)"
                            r"([._+-]|$)")


def clean_email(text: str) -> str:
    """The stored form of an email: trimmed, `mailto:` and angle brackets dropped, lower-cased."""
    if text.islower() and text.isprintable() and " " not in text and not text.startswith(("<", "mailto:")) \
            and not text.endswith(">"):
        return text  # already clean: the usual case
    value = _MAILTO.sub("", text.strip()).strip().strip("<>").strip()
    return value.lower()


def is_email(text: str) -> bool:
    """One address and nothing else, so it can be written as one: `[a@x.com]`, `(a@x.com)`,
    `'a@x.com'` or `a@x.com;` are text around an address, not an address."""
    return bool(_EMAIL_RE.match(text)) and is_plain(text)


def email_match_key(email: str) -> str:
    """The key two spellings of one mailbox share: `+tag` dropped, Gmail dots folded."""
    return _match_key(clean_email(email))


def _match_key(email: str) -> str:
    local, _, domain = email.rpartition("@")
    if not local:
        return email
    local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


_ATEXT = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_ANGLE = re.compile(r"<([^<>]*@[^<>]*)>")
_QUOTED = re.compile(r'"[^"]*"@[^\s@"<>()\[\],;]+')  # `"jane doe"@x.com`: one address, its local part quoted


def _invisible(ch: str) -> bool:
    """Format and zero-width characters (Cf: ZWSP, ZWJ, BOM, soft hyphen, bidi marks...)."""
    return unicodedata.category(ch) == "Cf"


def normalized_text(text: str) -> str:
    """Text as the keys read it: NFKC (fullwidth and small forms to plain ones: `﹫` is `@`), format and
    zero-width characters dropped."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not _invisible(ch))


@big_cache(262_144)
def mailbox_key(text: str) -> str | None:
    """The one key every spelling of a mailbox shares, as a mail provider would read it; None when
    the text holds no address.

    Beyond `email_match_key` (case, `+tags`, Gmail dots, googlemail.com): Unicode NFKC (fullwidth
    letters), format and zero-width characters dropped, `mailto:`, a display name and angle
    brackets dropped (`Jane <jane@x.com>`), the text around an address dropped (`[jane@x.com]`,
    `jane@x.com (work)`, `work: jane@x.com`, `mailto:jane@x.com?subject=hi`: `knowme.addresses`;
    a text holding several addresses gives the first one's key), a trailing dot on the domain, a quoted local part
    unquoted when the quotes change nothing (`"jane.doe"@x.com`), and the domain in IDNA form so
    `münchen.de` and `xn--mnchen-3ya.de` agree. Dots stay significant outside Gmail.
    """
    value = text.strip()
    if not value.isascii() or not value.isprintable():
        value = normalized_text(value).strip()
    if "<" in value:
        inner = _ANGLE.search(value)
        if inner:
            value = inner.group(1)
    value = _MAILTO.sub("", value.strip()).strip().strip("<>").strip()
    if not is_plain(value) and not _QUOTED.fullmatch(value):
        found = addresses_in(value)  # `[a@x.com]`, `a@x.com (work)`, `work: a@x.com`; of several, the first
        if found:
            value = found[0]
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return None
    if len(local) >= 2 and local[0] == local[-1] == '"':
        inner_local = local[1:-1]
        if _ATEXT.match(inner_local.lower()):
            local = inner_local
    local = local.lower() if local.isascii() else local.casefold()
    domain = domain.rstrip(".").strip()
    if not domain or " " in domain:
        return None
    domain = _idna(domain.lower() if domain.isascii() else domain)
    if not local.startswith('"'):
        local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        local = local.replace(".", "")
        domain = "gmail.com"
    elif domain in _PROTON and not local.startswith('"'):
        local = local.translate(_PROTON_TRANSPARENT) or local
    return f"{local}@{domain}"


def is_rekeyed_domain(key: str) -> bool:
    """Whether keys under this address's domain may be stored in an older reading (`rekeyed_mailbox`)."""
    return key.rpartition("@")[2] in _PROTON


def rekeyed_mailbox(key: str) -> str | None:
    """A mailbox key stored by an older version, as `mailbox_key` reads it now (None when unchanged):
    the suppression list reads its entries both ways, so an exclusion recorded before a provider's
    rule was known still holds every spelling the rule makes one."""
    local, at, domain = key.rpartition("@")
    if at and domain in _PROTON and not local.startswith('"'):
        now = local.translate(_PROTON_TRANSPARENT) or local
        if now != local:
            return f"{now}@{domain}"
    return None


def mailbox_aliases(key: str) -> list[str]:
    """The other spellings of one mailbox key (`mailbox_key`) under its provider's other domains:
    x@me.com gives x@icloud.com and x@mac.com; [] for a provider without such aliases."""
    local, _, domain = key.rpartition("@")
    group = _MAILBOX_DOMAINS.get(domain)
    return [f"{local}@{other}" for other in group if other != domain] if group and local else []


@big_cache(65_536)
def _idna(domain: str) -> str:
    """A domain in its ASCII (punycode) form; as it is when it is not a valid IDN."""
    if domain.isascii() and "xn--" not in domain:
        return domain
    import idna  # only for the rare domain not in ASCII: not loaded for the review UI's start

    try:  # UTS 46 maps case and compatibility forms the way browsers and mail servers do (ß stays ß)
        return idna.encode(domain, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain.casefold()


def email_domain(email: str) -> str:
    return clean_email(email).rpartition("@")[2]


def is_role_address(email: str) -> bool:
    """info@, sales@, noreply@, notifications@ and the like: addresses of a function, not a person."""
    local = clean_email(email).rpartition("@")[0]
    if not local:
        return False
    base = local.split("+", 1)[0]
    return base in ROLE_LOCALPARTS or bool(_ROLE_PATTERNS.search(base))


def default_region() -> str:
    """The phone region when `--region` is not given: from the locale, else US."""
    for var in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        value = os.environ.get(var, "")
        match = re.match(r"^[a-z]{2,3}_([A-Z]{2})", value)
        if match:
            return match.group(1)
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    match = re.match(r"^[a-z]{2,3}_([A-Z]{2})", loc)
    return match.group(1) if match else "US"


_NANP_CHARS = re.compile(r"^[\d\s().+-]+$")
_NANP_NUMBER = re.compile(r"^(?:\+1|0111|1)?([2-9]\d{2}[2-9]\d{6})$")
_NANP_REGIONS = frozenset({"US", "CA"})


def _nanp_fast(text: str, region: str) -> str | None:
    """E.164 for plainly written North American numbers without the cost of a full parse.

    phonenumbers.parse costs ~30 µs; a 100k-card import holds ~150k phones. Only inputs whose
    answer is certain take this path (tests compare it with the library); the rest fall through.
    """
    if not _NANP_CHARS.match(text):
        return None
    compact = text.replace(" ", "").replace("-", "").replace(".", "").replace("(", "").replace(")", "")
    if not (compact.startswith("+1") or (region in _NANP_REGIONS and "+" not in compact)):
        return None
    match = _NANP_NUMBER.match(compact)
    return "+1" + match.group(1) if match else None


# what a phone app dials after the number once the call is answered (`p` / `,` a pause, `w` a wait):
# touch tones for a menu, not part of the number
_DIAL_PAUSE = re.compile(r"(?<=\d)\s*[pPwW,][\d#*pPwW,\s]*$")


def dialled_part(raw: str) -> str:
    """The number a phone cell dials: in plain digits (`０７７００` is `07700`), without the touch tones
    dialled after a pause (`+15552010000p123`)."""
    text = raw.strip()
    if not text.isascii():
        text = normalized_text(text).strip()
    if "," in text or "p" in text or "P" in text or "w" in text or "W" in text:
        text = _DIAL_PAUSE.sub("", text)
    return text


@big_cache(200_000)
def phone_key(raw: str, region: str = "US") -> str | None:
    """E.164 form of a phone number, or None when it cannot be read as one.

    International prefixes written as `00` or `011` are understood; extensions are dropped
    from the key (they are kept in the stored raw text).
    """
    text = dialled_part(raw)
    fast = _nanp_fast(text, region)
    if fast:
        return fast
    if not text or sum(ch.isdigit() for ch in text) < 5:
        return None
    text = re.sub(r"^tel:", "", text, flags=re.I)
    import phonenumbers  # here, as nameparser below: half of the review UI's start-up went to them

    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        return None
    abroad = _dialled_abroad(text, region)
    if abroad and not phonenumbers.is_valid_number(number):  # validity costs: asked only when it may matter
        number = _abroad(text, abroad, not phonenumbers.is_possible_number(number)) or number
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Regions whose international call prefix a number may have been dialled with: `001 720 555 0144`
# written in Europe is +1 720 555 0144, `011 44 20 7946 0958` written in America is a London number.
_IDD_REGIONS = (("011", "US"), ("00", "DE"))


_NUMBER_SEPARATOR = re.compile(r"\s+(?:/|\||or|oder|ou|o)\s+|\s*;\s*(?![a-z]+=)|\s*\|\s*", re.IGNORECASE)


def numbers_in(cell: str) -> list[str]:
    """The numbers a phone cell holds: `555 201 0000 / 555 201 0009`, `... | ...`, `... or ...` are two
    (read as one, the second was never compared: an excluded person's number behind another one). A cell
    of one number, or with an `;ext=` parameter, is itself."""
    if not _may_hold_two(cell):
        return [cell]
    parts = [part for part in _NUMBER_SEPARATOR.split(cell) if part.strip()]
    if len(parts) < 2 or not all(sum(ch.isdigit() for ch in part) >= 7 for part in parts):
        return [cell]
    return parts


def _may_hold_two(cell: str) -> bool:
    """Whether a phone cell is long enough for two numbers of seven digits and holds a separator's mark
    (string tests in C: the usual cell, one number, costs no regular expression)."""
    return len(cell) >= 15 and ("/" in cell or "|" in cell or ";" in cell or " o" in cell or " O" in cell)


PHONE_AS_WRITTEN = "phone as written"  # the extra that keeps a cell split into its numbers, word for word


def split_phone_cells(record: Record) -> None:
    """Give the record one phone per number its cells hold (`numbers_in`, each with its cell's label), keeping
    every cell that was split as an extra, word for word: each number is then a key of its own, found by
    dedupe, by `mark` and by search (a cell read as one number was keyed as none). Other cells and records
    are left untouched, so their identity and stored data stay what they were."""
    for labeled in record.phones:  # a loop, not any(...): every record of every import passes here
        if _may_hold_two(labeled.value):
            break
    else:
        return
    phones: list[Labeled] = []
    for labeled in record.phones:
        numbers = numbers_in(labeled.value)
        if len(numbers) == 1:
            phones.append(labeled)
            continue
        phones.extend(Labeled(number.strip(), labeled.label) for number in numbers)
        record.extras.append((PHONE_AS_WRITTEN, labeled.value))
    record.phones = phones


def _dialled_abroad(text: str, region: str) -> list[str]:
    """The other regions whose international call prefix `text` starts with."""
    digits = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    return [other for prefix, other in _IDD_REGIONS if other != region and digits.startswith(prefix)]


def _abroad(text: str, regions: list[str], or_possible: bool) -> phonenumbers.PhoneNumber | None:
    """The valid number `text` is when read in one of these regions (with its international call prefix);
    with `or_possible` (no number at all at home), a possible one will do: `0033 6 39 98 95 23` in an
    American workspace is a French number whether or not its range is in the library's tables yet."""
    import phonenumbers

    possible = None
    for other in regions:
        try:
            number = phonenumbers.parse(text, other)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
        if or_possible and possible is None and phonenumbers.is_possible_number(number):
            possible = number
    return possible


_NON_WORD = re.compile(r"[^\w\s'-]")
# Combining marks (accents) left by NFKD; a C-speed regex instead of a per-character loop.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LETTERS = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae",
                          "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i"})
_SPECIAL_LETTERS = re.compile("[" + "".join(chr(c) for c in _LETTERS) + "]")


@big_cache(262_144)
def fold(text: str) -> str:
    """Case-, accent- and width-folded text for comparison ("Ré Smith" -> "re smith")."""
    if text.isascii():  # the common case, ten times cheaper
        return " ".join(_NON_WORD.sub(" ", text.lower()).replace("_", " ").split())
    if _SPECIAL_LETTERS.search(text):  # str.translate costs ~15 µs per name even when nothing changes
        text = text.translate(_LETTERS)
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class NameKey:
    """A person's name folded for matching: first and last name, and the whole."""

    first: str
    last: str
    full: str

    @property
    def is_empty(self) -> bool:
        return not self.full


_EMPTY = NameKey("", "", "")
_TITLES_ONLY = re.compile(r"^[\W\d_]*$")
# a firm named after its partners, as mail and address books write one: "Dean, Moore and King", "Smith,
# Jones & Partners" (read as "Last, First", the first became Moore and the surname Dean); conjunctions in
# lower case only but "and" (a capital Y or E is an initial or a name: "Nguyen, Thi Y Lan")
_PARTNERS = re.compile(r"^[^,]+,[^,]+\s(?:and|And|AND|&|und|et|y|e|en)\s[^,]+$")


@big_cache(100_000)
def _parse_name(text: str) -> tuple[str, str]:
    """First and last name of a free-text name, with nameparser (handles "Smith, John", titles, suffixes)."""
    from nameparser import HumanName

    human = HumanName(text)
    first, last = human.first, human.last
    if not first and not last:
        return "", ""
    return first, last


def name_key(record: Record) -> NameKey:
    """The folded name of a record: structured N parts when present, else the parsed display name."""
    given, family = record.given.strip(), record.family.strip()
    if not given and not family:
        text = record.formatted_name.strip()
        if not text or "@" in text or _TITLES_ONLY.match(text) or _PARTNERS.match(text) or (
                record.org and fold(text) == fold(record.org)):  # a company's card: its name is the company's
            return _EMPTY
        given, family = _parse_name(text)
        if not given and not family:
            given = text
    elif "," in family and not given:  # "Smith, Robert" typed into one field
        if _PARTNERS.match(family):
            return _EMPTY
        given, family = _parse_name(family)
    first = fold(given).split(" ")[0] if given else ""
    last = fold(family)
    full = " ".join(p for p in (first, last) if p)
    return NameKey(first, last, full)


# a profile's path on any LinkedIn host (www., m., uk. ..., and linkedin.cn, LinkedIn China's site, which showed
# the same members' profiles at the same slugs), after an optional locale (`/de/`), the
# mobile sites' `/mwlite/` or `/m/`, or the `/comm/` of the links in LinkedIn's own mails (doubled
# slashes read as one), or in the app's own links (`linkedin://in/slug`): `/in/slug`, the old
# `/pub/slug/...`, or a member number (`/profile/view?id=123`); the slug ends at a path, query or
# fragment separator, or a space
_PROFILE = re.compile(r"linkedin(?:\.com|\.cn|:)/+(?:[a-z]{2}(?:-[a-z]{2})?/+)?(?:(?:mwlite|comm|m)/+)?"
                      r"(?:(in|pub)/+([^/\\?#&\s]+)|profile/view\?(?:[^#\s]*&)?id=([^&#\s]+))", re.I)
# %-escapes in a row (`%C3%A9`: one UTF-8 letter); decoded here, as urllib.parse.unquote would: no module of
# the urllib family is imported anywhere (tests/test_privacy.py), as most of it opens connections
_PERCENT_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _unescaped(match: re.Match[str]) -> str:
    return bytes.fromhex(match.group().replace("%", "")).decode("utf-8", "replace")


# what ends a slug written inside a text (`(linkedin.com/in/jane)`, `linkedin.com/in/jane.`, `<...>`)
_SLUG_TAIL = ".,;:!)]}>'\"`"


# (a table's `|`, and a dash or an ellipsis glued to a link: `linkedin.com/in/jane—my old boss`; no slug holds one)
_LINK_SEPARATORS = re.compile(r"[\s,;<>()\[\]\"'|\u2013\u2014\u2026]+")
# the dashes a word processor writes for a hyphen (`rex–boss`): a slug holds only hyphens, so in a slug they are one
_HYPHENS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212", "-"))
_HYPHEN_LIKE = re.compile("[\u2010\u2011\u2012\u2013\u2212]")


def linkedin_keys_in(text: str) -> list[str]:
    """The `linkedin_key` of every profile link in a text (a note, a column no importer maps). An en dash glued
    to a link is read both ways, as the end of the link (`linkedin.com/in/jane–ex Acme`) and as the hyphen a word
    processor turned it into (`linkedin.com/in/rex–boss`): candidates, only ever compared with keys."""
    if not text.isascii():
        text = normalized_text(text)
    if "linkedin" not in text.lower():
        return []
    keys = [key for part in _LINK_SEPARATORS.split(text) if "linkedin" in part.lower() and (key := linkedin_key(part))]
    if _HYPHEN_LIKE.search(text):
        joined = _LINK_SEPARATORS.split(text.translate(_HYPHENS))
        keys += [key for part in joined if "linkedin" in part.lower() and (key := linkedin_key(part))]
    return list(dict.fromkeys(keys))


@big_cache(65_536)
def linkedin_key(url: str) -> str | None:
    """`linkedin.com/in/slug` for any spelling of a LinkedIn profile URL, else None.

    Any spelling: any host and scheme, a locale or the mobile site's path before the profile's, a
    slug with its %-escapes decoded or not (`j%C3%A9r%C3%B4me-dupont` is `jérôme-dupont`), in
    any case, in fullwidth letters or with invisible characters inside, its hyphens written as a word
    processor's dashes (`rex–boss`), followed by a query without its `?` (`&trk=...`) or by the
    punctuation of the text around it. A member-number link (`profile/view?id=...`) is keyed by its
    number (`linkedin.com/profile/...`): it names the same person only as that number."""
    text = url
    if not text.isascii() or not text.isprintable():
        text = normalized_text(text)
    for _round in range(3):  # `rex%252Dboss`: a link escaped twice over, as a redirect or a mail client writes it
        if "%" not in text:
            break
        decoded = normalized_text(_PERCENT_ESCAPES.sub(_unescaped, text))
        if decoded == text:
            break
        text = decoded
    match = _PROFILE.search(text)
    if not match:
        return None
    kind, slug, member = match.groups()
    if member is not None:
        member = member.rstrip(_SLUG_TAIL).lower()
        return f"linkedin.com/profile/{member}" if member else None
    slug = slug.rstrip(_SLUG_TAIL).strip().lower().translate(_HYPHENS)
    return f"linkedin.com/{kind.lower()}/{slug}" if slug else None


def profile_aliases(key: str) -> list[str]:
    """The other key one profile may be written under (`linkedin_key`): an old public profile path,
    `linkedin.com/pub/rex-boss/1/2/3`, names the profile `linkedin.com/in/rex-boss` its member may hold now, and
    the other way round; [] for a member number."""
    for kind, other in (("in", "pub"), ("pub", "in")):
        prefix = f"linkedin.com/{kind}/"
        if key.startswith(prefix) and len(key) > len(prefix):
            return [f"linkedin.com/{other}/{key[len(prefix):]}"]
    return []


@dataclass(frozen=True, slots=True)
class RecordKeys:
    """Every exact matching key of one record, by kind."""

    emails: tuple[str, ...]
    phones: tuple[str, ...]
    urls: tuple[str, ...]
    # addresses written with a display name (`Jane Doe <jane@x.com>`): matched on like the rest, but never
    # a record's identity (`prepare`), which they were not before they were keyed: re-imports keep their rkey
    named_emails: tuple[str, ...] = ()

    def items(self) -> list[tuple[str, str]]:
        return ([("email", e) for e in (*self.emails, *self.named_emails)] + [("phone", p) for p in self.phones]
                + [("url", u) for u in self.urls])


def record_keys(record: Record, region: str = "US") -> RecordKeys:
    """The normalised emails (match form), E.164 phones and LinkedIn profile keys of a record."""
    emails: list[str] = []
    named: list[str] = []
    for labeled in record.emails:
        value = clean_email(labeled.value)
        if _EMAIL_RE.match(value):
            key = _match_key(value)
            if key not in emails:
                emails.append(key)
        elif "<" in value and (inner := _ANGLE.search(labeled.value)) and _EMAIL_RE.match(
                address := clean_email(inner.group(1))):
            named.append(_match_key(address))
    phones: list[str] = []
    for labeled in record.phones:
        key = phone_key(labeled.value, region)
        if key and key not in phones:
            phones.append(key)
    urls: list[str] = []
    for labeled in record.urls:
        key = linkedin_key(labeled.value)
        if key and key not in urls:
            urls.append(key)
    return RecordKeys(tuple(emails), tuple(phones), tuple(urls),
                      tuple(dict.fromkeys(key for key in named if key not in emails)))

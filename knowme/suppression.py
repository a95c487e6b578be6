"""Exclusion as a suppression list: what identifies an excluded person, kept apart from ids.

Excluding a person records an *exclusion* (who, when, by which logged action) and, under it, an
*entry* for everything that identifies them: every address as a mail provider reads it
(`normalize.mailbox_key`), every phone in E.164 and the last nine digits of every phone however
written (`07700 900123`, no number in an American workspace, is +44 7700 900123 written without
its country code), every LinkedIn profile, every name form
(`nameforms.name_forms`: structured, display, First Name column, display part of an address,
organisation, address local part) and every record identity (`records.rkey`, which survives
re-import). Entries hold keys, not record or person ids, so no re-import, source replacement,
merge, split, undo or redo can remove one. While a person stays excluded, what they gain (a
merge, a newer card) is added to their exclusion (`capture`).

Only two things lift an exclusion: `mark --unexclude` on that person (logged: its undo puts the
exclusion back), and undoing the very action that excluded them (ctrl+z straight after `x`: that
action never happened, so neither did the exclusion; redo puts it back). Undoing anything else
never lifts one. A split of an excluded person whose parts stay excluded hands the person's exclusion
on to one per part (`after_split`): every entry stays on the list, in the exclusion of the part it
is, so lifting one part's never frees another's addresses.

`SuppressionIndex` loads the active entries and the people excluded right now (their identity
counts even before it is captured) and answers, for any person, which exclusion they match and
how: an identifier equal after normalisation, one of its records, a name alike; and, for the
export to ask about, a phone ending in the same nine digits (`tail_hits`).
"""
from __future__ import annotations

import base64
import binascii
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from knowme.addresses import addresses_in, addresses_in_link, is_plain
from knowme.model import Person, Record
from knowme.dedupe.matchitem import TAIL, calling_code
from knowme.dedupe.namesim import mail_spellings, nick_forms
from knowme.nameforms import Name, blocks, name_alike, name_forms, nicknamed, pet_blocks, spelled_name, split_name
from knowme.normalize import (
    dialled_part,
    is_role_address,
    linkedin_key,
    linkedin_keys_in,
    mailbox_aliases,
    mailbox_key,
    normalized_text,
    numbers_in,
    phone_key,
    profile_aliases,
    is_rekeyed_domain,
    rekeyed_mailbox,
)
from knowme.store import suppression as q
from knowme.store.sql import chunked, now

if TYPE_CHECKING:  # the store imports this module: it keeps what excluded people hold on every change
    from knowme.store.core import Store

FOCUSED_UP_TO = 200  # checking this many people or fewer loads only the part of the list they could match
SPELLED_ALIKE = 90  # `name_alike` of two names one spelled name (`spelled_name`) is at least this
KIND_WORDS = {"email": "address", "phone": "phone", "url": "profile", "record": "card", "name": "name"}
DIFFERENT_HELD_UP_TO = 500_000  # with more `different` verdicts than this, each check asks the workspace instead


@dataclass(slots=True)
class Identity:
    """What identifies one person: normalised identifiers (key -> as written), names, record identities."""

    emails: dict[str, str] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    names: set[Name] = field(default_factory=set)
    rkeys: set[str] = field(default_factory=set)
    tails: dict[str, str] = field(default_factory=dict)  # last nine digits of a phone -> as written
    # an address an excluded card names only in a link's query (`?with=ann@x.com`, a mailto's `cc=`) -> the link:
    # it may be someone else's, so the export says where it was found, and a `different` verdict lets the other
    # person's own address be written (`SuppressionIndex.linked_owners`, `exports.safe.KeptApart`)
    linked: dict[str, str] = field(default_factory=dict)

    def identifiers(self) -> Iterable[tuple[str, str, str]]:
        """(kind, key, shown) of every identifier, names excluded."""
        for kind, values in (("email", self.emails), ("phone", self.phones), ("url", self.urls)):
            for key, shown in values.items():
                yield kind, key, shown
        for rkey in self.rkeys:
            yield "record", rkey, rkey

    def entries(self) -> list[tuple[str, str, str]]:
        """Every suppression entry this identity makes: (kind, key, shown); an address named only in a link is
        shown by that link, so the list remembers where it was found."""
        return [*((kind, key, self.linked.get(key, shown) if kind == "email" else shown)
                  for kind, key, shown in self.identifiers()),
                *(("name", f"{first}|{last}", f"{first} {last}") for first, last in self.names),
                *(("tail", tail, shown) for tail, shown in self.tails.items())]

    def update(self, other: Identity) -> None:
        self.emails.update(other.emails)
        self.phones.update(other.phones)
        self.urls.update(other.urls)
        self.names |= other.names
        self.rkeys |= other.rkeys
        self.tails.update(other.tails)
        self.linked.update(other.linked)


_NOT_DIGIT = re.compile(r"\D")


_MAY_HOLD_EXTENSION = re.compile(r"[^\d\s()+./-]")  # a letter, `#`, `;`: "ext. 214", "x214", "#214", ";ext=214"


SHORT_NUMBER = 8  # digits: a whole national number in Denmark, Norway, Singapore, Hong Kong (`32 12 34 56`)


def phone_tail(written: str) -> str:
    """The last nine digits of a phone as written: what one number keeps whether it is written with its
    country code or in its national form (dedupe's `loose_tails`); a number written in eight digits
    whole (`SHORT_NUMBER`, `tail_hits` meets it with any number ending in them); "" when it has fewer.
    An extension is not part of the number (`020 7946 0958 ext. 214` ends in 079460958): phonenumbers
    finds it, whatever the number's country."""
    written = dialled_part(written)
    digits = _NOT_DIGIT.sub("", written)
    if _MAY_HOLD_EXTENSION.search(written):
        extension = _extension(written)
        if extension and digits.endswith(extension):
            digits = digits[:-len(extension)]
    return digits[-TAIL:] if len(digits) >= TAIL else digits if len(digits) == SHORT_NUMBER else ""


def _extension(written: str) -> str:
    import phonenumbers  # noqa: PLC0415  (only for phones written with more than digits)

    try:
        return phonenumbers.parse(written, "US").extension or ""
    except phonenumbers.NumberParseException:
        return ""


def identity_of(person: Person, keyed: Identity, deep: bool = False) -> Identity:
    """The identity of a person from their records, with the phones, profiles and record identities
    the import keyed for them (`keyed`: phones read in the workspace's region, never this machine's).

    `deep` (an excluded person's): also every address and profile link written anywhere else on their
    cards, in the note or a column no importer maps (`Contact`, `Profile`, `Social`): the same address
    given cleanly on another card is theirs too, and must not be uploaded."""
    ident = Identity()
    ident.phones.update(keyed.phones)
    ident.urls.update(keyed.urls)
    ident.rkeys |= keyed.rkeys
    for record in person.records:
        for labeled in record.emails:
            # a cell stored before cells were split may hold several; one no word of reads as an address
            # (`jane＠x.com` in NFKC only, say) is left to mailbox_key, as it always was
            found = addresses_in(labeled.value) or [labeled.value]
            for address in found:
                key = mailbox_key(address)
                if key:
                    ident.emails.setdefault(key, labeled.value.strip() if len(found) == 1 else address)
        for labeled in record.urls:
            url = linkedin_key(labeled.value)
            if url:
                ident.urls.setdefault(url, labeled.value.strip())
        for labeled in record.phones:
            for written in numbers_in(labeled.value):
                if tail := phone_tail(written):
                    ident.tails.setdefault(tail, written.strip())
        ident.names |= name_forms(record)
        if deep:
            written_elsewhere(record, ident)
    if ident.linked:  # an address the cards also give otherwise (an email cell, the note, a mailto's path) is his
        other = Identity()
        for record in person.records:
            for labeled in record.emails:
                for address in addresses_in(labeled.value) or [labeled.value]:
                    if key := mailbox_key(address):
                        other.emails.setdefault(key, address)
            written_elsewhere(record, other, queries=False)
        ident.linked = {key: link for key, link in ident.linked.items() if key not in other.emails}
    return ident


def written_elsewhere(record: Record, ident: Identity, queries: bool = True) -> None:
    """Addresses, phones and profile links in a card's note, its unmapped columns and its other free texts, and
    the addresses its links name (IMPP `xmpp:`/`sip:`, URL `mailto:`), into its identity; and (`queries`) those
    named in a link's query (`Identity.linked`)."""
    for labeled in record.urls:
        if "@" in labeled.value or "%" in labeled.value:
            path, fields = _mailto_parts(labeled.value)
            for address in (*addresses_in_link(labeled.value), *path):
                if key := mailbox_key(address):
                    ident.emails.setdefault(key, address)
            for address in (*_personal_addresses_in_query(labeled.value), *fields) if queries else ():
                if key := mailbox_key(address):
                    if key not in ident.emails:
                        ident.linked.setdefault(key, labeled.value.strip())
                    ident.emails.setdefault(key, address)
    # and the card's other free texts: its nickname, postal addresses and categories (its name, company and title
    # are read as names: a company's role address there is not his), and its phone links (`tel:`, `wa.me/...`)
    texts = (record.note, *(value for _name, value in record.extras), record.nickname,
             *(labeled.value for labeled in record.addresses), *record.categories,
             *(labeled.value for labeled in record.urls if _PHONE_LINK.match(labeled.value)))
    for text in texts:
        if not text or len(text) > ELSEWHERE_TEXT_MOST:
            continue
        for address in addresses_written_in(text):  # spelled out (`rex(at)x.com`) or behind a bullet too
            if key := mailbox_key(address):
                ident.emails.setdefault(key, address)
        for key in profile_keys_in(text):
            ident.urls.setdefault(key, key)
        # his other number in his note ("mobile +44 7700 900999"): on a knows-me card it is his card, as
        # the gate reads it in a knows-me card's note; nine digits at least (an order number, a date, a
        # postcode read as one are shorter; a longer run, an account number, is no phone); in a MIME encoded word too
        for run in phone_runs(encoded_words_read(text) if "=?" in text else text):
            digits = _NOT_DIGIT.sub("", run)
            if TAIL <= len(digits) <= 15 and (tail := phone_tail(run)):
                ident.tails.setdefault(tail, run.strip())
    for name, value in record.extras:  # `X-LINKEDIN:rex-boss`: a field named for LinkedIn holding a bare profile name
        if _LINKEDIN_FIELD.fullmatch(name.strip().lower()) and _BARE_SLUG.fullmatch(value.strip()) \
                and value.strip().lower() not in _NO_SLUG and (key := linkedin_key(f"linkedin.com/in/{value.strip()}")):
            ident.urls.setdefault(key, value.strip())


def _personal_addresses_in_query(link: str) -> list[str]:
    """The addresses a web link's query names (`cal.example/?u=rex.home%40x.example`: his booking page), but a
    role address (`?to=bookings%40cal.example`: the site's, not his); [] for a link without a query, or not to a
    web page (`addresses_in_link` reads those)."""
    if not _WEB_LINK.match(link):
        return []
    query = link.partition("?")[2]
    if not query or len(query) > ELSEWHERE_TEXT_MOST:
        return []
    values = (parameter.partition("=")[2] or parameter for parameter in _PARAMETERS.split(query))
    return [address for value in values for address in addresses_written_in(value) if not is_role_address(address)]


def mailto_recipients(link: str) -> list[str]:
    """Every recipient a mailto link names (`mailto:rex@x.com,rex.home@y.example?cc=rex%40z.example`): each address
    of its path and of its `to`, `cc` and `bcc` fields, however escaped, but a role address in a field (`cc=info@`:
    a company's, not his); not an address in its subject or body. [] for any other link."""
    path, fields = _mailto_parts(link)
    return path + fields


def _mailto_parts(link: str) -> tuple[list[str], list[str]]:
    """The addresses of a mailto link's path, and the personal ones of its `to`, `cc` and `bcc` fields."""
    if not _MAILTO_LINK.match(link) or len(link) > ELSEWHERE_TEXT_MOST:
        return [], []
    path, _, query = unescaped(link.strip().lstrip("<")[len("mailto:"):]).partition("?")
    fields: list[str] = []
    for parameter in _PARAMETERS.split(query):
        name, _, value = parameter.partition("=")
        if name.strip().lower() in _RECIPIENT_FIELDS:
            fields += [address for address in addresses_written_in(value) if not is_role_address(address)]
    return addresses_written_in(path), fields


_MAILTO_LINK = re.compile(r"\s*<?mailto:", re.I)
_LINK_SHOWN = re.compile(r"<?(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)", re.I)  # an entry shown by the link naming it
_RECIPIENT_FIELDS = frozenset(("to", "cc", "bcc"))
_PARAMETERS = re.compile(r"[&;#]")
_WEB_LINK = re.compile(r"\s*<?(?:(?:https?|ftps?)://|www\.)", re.I)
_PHONE_LINK = re.compile(r"\s*<?(?:tel|sms|callto|facetime(?:-audio)?|whatsapp):|\s*(?:https?://)?(?:api\.)?wa\.me/", re.I)
# a profile's name alone (a letter in it), and the fields that may give one: `X-LINKEDIN`, a `LinkedIn URL` column
_BARE_SLUG = re.compile(r"(?=[^\s/:?#@;,<>\"]*[^\W\d_])[^\s/:?#@;,<>\"]{3,100}")
_LINKEDIN_FIELD = re.compile(r"(?:x-)?(?:social-?)?linkedin(?:[ _-]?(?:profile|url|id|user|username|handle))?")
_NO_SLUG = frozenset(("true", "false", "yes", "no", "none", "null", "n/a"))
ELSEWHERE_TEXT_MOST = 20_000  # characters: a longer note (a pasted mail thread) is not read for addresses


def identities(store: Store, ids: Iterable[int], deep: bool = False) -> dict[int, Identity]:
    """The identity of each of these people (phones and record identities from the workspace's keys)."""
    wanted = sorted(set(ids))
    keyed: dict[int, Identity] = defaultdict(Identity)
    for pid, rkey in q.record_identities(store, wanted):
        keyed[pid].rkeys.add(rkey)
    for pid, kind, key in q.phone_and_profile_keys(store, wanted):
        (keyed[pid].phones if kind == "phone" else keyed[pid].urls)[key] = key
    people = store.people_by_id(wanted)
    return {pid: identity_of(person, keyed.get(pid, Identity()), deep) for pid, person in people.items()}


# ---- writing the list --------------------------------------------------------------------------------


def _excluded_among(store: Store, ids: Iterable[int] | None) -> list[int]:
    return q.excluded_people(store) if ids is None else q.excluded_among(store, sorted(set(ids)))


def exclude(store: Store, person_ids: Iterable[int], log_id: int | None) -> list[int]:
    """Record a new exclusion of each person, with every identifier they have (inside the action's
    transaction; `log_id` is the action, whose undo lifts these exclusions again)."""
    made: list[int] = []
    for pid, ident in identities(store, person_ids, deep=True).items():
        exclusion_id = q.add_exclusion(store, pid, q.person_name(store, pid), now(), log_id)
        q.add_entries(store, exclusion_id, ident.entries(), now())
        made.append(exclusion_id)
    return made


def capture(store: Store, person_ids: Iterable[int] | None = None) -> None:
    """Add what the excluded people among these (or all) hold now to their exclusion (made if missing).

    Called wherever an excluded person may gain or lose records: imports, merges, splits, undo and
    redo. Cheap when nobody is excluded.
    """
    if not q.anyone_excluded(store):
        return
    excluded = _excluded_among(store, person_ids)
    if not excluded:
        return
    for pid, ident in identities(store, excluded, deep=True).items():
        exclusion_id = _exclusion_holding(store, pid, ident.rkeys)
        if exclusion_id is None:
            exclusion_id = q.add_exclusion(store, pid, q.person_name(store, pid), now())
        q.add_entries(store, exclusion_id, ident.entries(), now())


def after_split(store: Store, parts: Iterable[int], log_id: int) -> None:
    """A split of an excluded person (action `log_id`) whose parts stay excluded: each part gets an
    exclusion of its own, made by the split, holding its identity and every entry of the person's
    exclusion that no other excluded part holds (what the parts going back to another decision held, and
    what cards gone since identified); the person's shared exclusion is lifted by the split. No entry
    leaves the list, and un-excluding one part lifts what is that part's, never the other's addresses
    (one shared exclusion did: the other part stayed excluded with nothing on the list). Undoing the
    split puts the shared exclusion back and lifts the parts' ones; its redo the other way round."""
    excluded = _excluded_among(store, parts)
    if len(excluded) < 2:
        return
    idents = identities(store, excluded, deep=True)
    shared: set[int] = set()
    for pid, ident in idents.items():
        shared |= q.active_exclusions_of(store, pid)
        for rkey in ident.rkeys:
            shared |= q.active_exclusions_with_entry(store, "record", rkey)
    held = [(kind, key, shown) for _eid, kind, key, shown in q.entries_of(store, sorted(shared))]
    mine = {pid: {(kind, key) for kind, key, _shown in ident.entries()} for pid, ident in idents.items()}
    for pid, ident in idents.items():
        others = set().union(*(keys for other, keys in mine.items() if other != pid))
        kept = [(kind, key, shown) for kind, key, shown in held if (kind, key) in mine[pid] or (kind, key) not in others]
        exclusion_id = q.add_exclusion(store, pid, q.person_name(store, pid), now(), log_id)
        q.add_entries(store, exclusion_id, [*ident.entries(), *kept], now())
    q.lift_exclusions(store, shared, log_id, now())


def _exclusion_holding(store: Store, pid: int, rkeys: set[str]) -> int | None:
    """The active exclusion these records (or this person id) already belong to."""
    held = q.active_exclusion_with_records(store, sorted(rkeys))
    return held if held is not None else min(q.active_exclusions_of(store, pid), default=None)


def returning_by_name(store: Store, source_id: int, source_name: str, first_new: int) -> list[tuple[int, str]]:
    """Exclude again the new people of this import (ids from `first_new`) whose card is, by the evidence a
    newer version of the book is matched on (`knowme.reimport`), a card of an excluded person who left
    every book: the exclusion recorded a card of this same address book, and this book now holds one
    card, one only, of exactly that person's full name (the address changed, so the card's identity did).
    Imported as a newer version of the book without the forget in between, the card kept its exclusion;
    it does now too, and the card's new address joins that exclusion. Two cards of that name (namesakes),
    an initial for a first name, or the user's "different" answer between the card and the exclusion's
    cards leave it to the user. Returns (id, name) of each."""
    gone = q.gone_exclusions_with_cards_of(store, source_name)
    if not gone:
        return []
    cards = q.new_cards_of_source(store, source_id, first_new)
    by_name: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for pid, name, rkey, first, last in cards:
        if len(first or "") >= 2 and last:
            by_name[f"{first}|{last}"].append((pid, name or "", rkey))
    found: dict[int, tuple[str, int]] = {}
    for exclusion_id, names in sorted(gone.items()):
        holders = {pid: (name, rkey) for key in names for pid, name, rkey in by_name.get(key, ())}
        if len(holders) != 1:
            continue
        [(pid, (name, rkey))] = holders.items()
        theirs = sorted({key for _eid, kind, key, _shown in q.entries_of(store, [exclusion_id]) if kind == "record"})
        if pid in found or q.records_kept_apart(store, [rkey], theirs):
            continue
        found[pid] = (name, exclusion_id)
    if not found:
        return []
    q.exclude_people(store, sorted(found), now())
    for pid, ident in identities(store, found, deep=True).items():
        q.add_entries(store, found[pid][1], ident.entries(), now())
    return [(pid, name) for pid, (name, _eid) in sorted(found.items())]


def returning_alike(store: Store, source_id: int, first_new: int) -> tuple[list[tuple[int, str]], list[Suppressed]]:
    """The new people of this import (ids from `first_new`) whom the suppression list covers, though no card
    of theirs is one it recorded (those `Store._exclude_returning` and `returning_by_name` excluded again).

    A card holding an address or profile of the exclusion of a person who left every book, under a name
    alike theirs, is that person's card back from another export (`_own_earlier`: what an un-exclude would
    take as their own exclusion): excluded again, its identity joining that exclusion. The others (the
    name alone, in another book or at a new address; another name on an excluded address) are held: left
    undecided, as a name alone is no proof, and returned so the import says so. Returns (excluded again
    as (id, name), held)."""
    candidates = sorted({*q.new_people_near_entries(store, source_id, first_new),
                         *_new_people_spelling_entries(store, source_id, first_new)})
    if not candidates:
        return [], []
    idents = identities(store, candidates)
    index = SuppressionIndex.load(store, around=idents)
    names = q.names_of(store, candidates)
    again: dict[int, int] = {}
    held: list[Suppressed] = []
    for pid, ident in sorted(idents.items()):
        hits = _hits(store, pid, ident, index)
        if not hits:
            continue
        own = [index.owners[number].exclusion_id for number, _how in hits
               if not index.owners[number].alive and _own_earlier(ident, index.owners[number].identity)]
        if own and own[0] is not None:
            again[pid] = own[0]
            continue
        number, how = hits[0]
        held.append(Suppressed(pid, names.get(pid, ""), index.owners[number], how))
    if again:
        q.exclude_people(store, sorted(again), now())
        for pid, ident in identities(store, again, deep=True).items():
            q.add_entries(store, again[pid], ident.entries(), now())
    return [(pid, names.get(pid, "")) for pid in sorted(again)], held


def _new_people_spelling_entries(store: Store, source_id: int, first_new: int) -> set[int]:
    """The new people of this import holding a card whose name is an excluded name spelled otherwise
    (Juergen Mueller for Jürgen Müller, "Boss, Rex" for Rex Boss): no key finds them, so the import's new
    cards' names are looked up as the matcher spells them."""
    if not q.any_active_exclusion(store):
        return set()
    by_key: dict[str, set[int]] = defaultdict(set)
    for pid, shown, first, last in q.new_named_cards(store, source_id, first_new):
        # a name read whole from the card's fields, else as the card shows it ("Boss, Rex" in a First Name cell)
        names: Iterable[Name] = [(first, last)] if first and last else split_name(shown) if shown else ()
        for name in names:
            if len(name[0]) >= 2 and name[1]:
                by_key[q.spelled_key(name)].add(pid)
    if not by_key:
        return set()
    return {pid for key in q.active_exclusions_spelled(store, by_key) for pid in by_key[key]}


def set_aside_answers(store: Store, record_ids: Iterable[int]) -> list[tuple[int, str]]:
    """Cards a newer export changed that now hold an address, phone or profile on the suppression list:
    the `different` answers between them and that exclusion's cards were given on what the cards held
    then, so they are set aside (deleted) and the export asks again. Kept, a namesake's card that came
    back holding the excluded person's address and a new one had that new address exported under the
    old answer. Returns (person id, name) of those asked again; none for an excluded person's own card."""
    ids = list(dict.fromkeys(record_ids))
    if not ids or not q.anyone_excluded(store):
        return []
    asked: dict[int, str] = {}
    for rid, pid, rkey in q.cards_of_records(store, ids):
        if q.is_excluded(store, pid):
            continue
        exclusions: set[int] = set()
        for kind, key in q.keys_of_record(store, rid):
            for spelled in {key, mailbox_key(key) or key} if kind == "email" else {key}:
                exclusions |= q.active_exclusions_with_entry(store, kind, spelled)
        if not exclusions:
            continue
        theirs = sorted({key for _eid, kind, key, _shown in q.entries_of(store, exclusions) if kind == "record"})
        if theirs and q.delete_different_verdicts(store, rkey, theirs):
            asked[pid] = q.person_name(store, pid)
    return sorted(asked.items())


def lift(store: Store, exclusion_ids: Iterable[int], log_id: int) -> None:
    """Lift exclusions for an explicit un-exclude (action `log_id`); their entries stay, inactive."""
    q.lift_exclusions(store, exclusion_ids, log_id, now())


def after_undo(store: Store, log_id: int) -> None:
    """Undoing action `log_id`: the exclusions it made are lifted, the ones it lifted come back."""
    q.reinstate_lifted_by(store, log_id)
    q.lift_made_by(store, log_id, now())


def after_redo(store: Store, log_id: int) -> None:
    """Redoing action `log_id`: the exclusions it made come back, the ones it lifted are lifted again."""
    q.reinstate_made_by(store, log_id)
    q.lift_again(store, log_id, now())


def summary(store: Store) -> dict[str, int]:
    """The active suppression list in numbers: exclusions, their entries, and those whose person is gone."""
    exclusions, entries, gone = q.active_list_size(store)
    return {"exclusions": exclusions, "entries": entries, "gone": gone}


def snapshot_people(snap: object) -> list[int]:
    """Person ids an undo-log snapshot names (to capture around an undo or redo)."""
    if isinstance(snap, dict):
        return [int(pid) for pid in snap.get("people", {})]
    return []


# ---- reading the list --------------------------------------------------------------------------------


@dataclass(slots=True)
class Owner:
    """Whom an entry suppresses: an exclusion (recorded), or a person excluded right now, or both."""

    exclusion_id: int | None
    person_id: int | None  # the excluded person now holding it, else the one excluded when it was made
    name: str
    alive: bool = False  # an excluded person holds these records now
    identity: Identity = field(default_factory=Identity)
    recorded: set[str] = field(default_factory=set)  # addresses the list recorded other than from a link's query

    @property
    def label(self) -> str:
        who = f"{self.person_id}: {self.name or '(no name)'}" if self.person_id is not None else self.name
        return f"{who} (excluded)" if self.alive else f"{who} (excluded, in no address book any more)"


@dataclass(frozen=True, slots=True)
class Hit:
    """One way a person matches an owner: an identifier (`kind`, `shown`) or a name (`score`)."""

    owner: int  # index into SuppressionIndex.owners
    kind: str
    shown: str
    score: int = 100


@dataclass(slots=True)
class SuppressionIndex:
    """The active suppression list and the people excluded now, indexed for matching."""

    owners: list[Owner] = field(default_factory=list)
    by_key: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    by_block: dict[str, list[tuple[int, Name]]] = field(default_factory=lambda: defaultdict(list))
    by_spelling: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # jsmith -> owners
    by_tail: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # 077009001 -> owners
    # the last eight digits of every phone on the list (met by a number written in eight digits), and the
    # eight-digit numbers on the list (met by any number ending in them)
    by_last8: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_short: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    excluded_people: dict[int, int] = field(default_factory=dict)  # live excluded person id -> owner
    _name_memo: dict[tuple[Name, int], list[tuple[int, int, Name]]] = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.owners)

    @classmethod
    def load(cls, store: Store, around: dict[int, Identity] | None = None) -> SuppressionIndex:
        """The whole list (for the export gate), or only the exclusions and excluded people that these
        identities could match (`around`: a mark of a few people stays instant at any size)."""
        index = cls()
        focus = _focus(store, around) if around is not None else None
        by_exclusion: dict[int, int] = {}
        for eid, pid, excluded_name in q.active_exclusions(store):
            if focus is None or eid in focus[0]:
                by_exclusion[eid] = len(index.owners)
                index.owners.append(Owner(eid, pid, excluded_name or "(no name)"))
        owner_of_rkey: dict[str, int] = {}
        recorded_plain: dict[int, set[str]] = defaultdict(set)  # owner -> addresses recorded other than from a link
        entries = q.active_entries(store) if focus is None else q.entries_of(store, sorted(focus[0]))
        for eid, kind, key, shown in entries:
            ident = index.owners[by_exclusion[eid]].identity
            if kind == "email" and shown and _LINK_SHOWN.match(shown):  # named in a link's query (`Identity.linked`)
                ident.emails.setdefault(key, key)
                ident.linked.setdefault(key, shown)
            elif kind == "email":
                recorded_plain[by_exclusion[eid]].add(key)
                ident.emails[key] = shown
                if (now := rekeyed_mailbox(key)) is not None:  # recorded before Proton's dots were folded
                    ident.emails.setdefault(now, shown)
                if not is_plain(key):  # recorded from a cell of several addresses, or of one in brackets,
                    for address in addresses_in(shown or key):  # before cells were split: each counts
                        if (clean := mailbox_key(address)) is not None:
                            ident.emails.setdefault(clean, address)
            elif kind == "phone":
                ident.phones[key] = shown
            elif kind == "url":
                ident.urls[key] = shown
                if (now := linkedin_key(shown)) is not None and now != key:  # recorded as an older version read it
                    ident.urls.setdefault(now, shown)
            elif kind == "record":
                ident.rkeys.add(key)
                owner_of_rkey.setdefault(key, by_exclusion[eid])
            elif kind == "name":
                first, _, last = key.partition("|")
                ident.names.add((first, last))
            elif kind == "tail":
                ident.tails[key] = shown
        live = q.excluded_people(store) if focus is None else sorted(focus[1])
        for pid, ident in identities(store, live, deep=True).items():
            known = sorted({owner_of_rkey[rk] for rk in ident.rkeys if rk in owner_of_rkey})
            if known:
                number = known[0]
            else:
                number = len(index.owners)
                index.owners.append(Owner(None, pid, ""))
            owner = index.owners[number]
            owner.person_id, owner.name, owner.alive = pid, q.person_name(store, pid) or "(no name)", True
            owner.identity.update(ident)
            owner.identity.linked = dict(ident.linked)  # named only in a link as the cards read now
            owner.recorded = recorded_plain[number]
            index.excluded_people[pid] = number
        for number, owner in enumerate(index.owners):
            for kind, key, _shown in owner.identity.identifiers():
                index.by_key[(kind, key)].append(number)
                # x@me.com is x@icloud.com; linkedin.com/pub/rex-boss/1/2/3, an old public path, is /in/rex-boss
                for alias in _aliases(kind, key):
                    index.by_key[(kind, alias)].append(number)
            for tail in owner.identity.tails:
                index.by_tail[tail].append(number)
                index.by_last8[tail[-SHORT_NUMBER:]].append(number)
                if len(tail) == SHORT_NUMBER:
                    index.by_short[tail].append(number)
            for name in owner.identity.names:
                for block in blocks(name) | pet_blocks(name):
                    index.by_block[block].append((number, name))
                first, last = name
                for spelled in mail_spellings(first, nick_forms(first), last) if first and last else ():
                    index.by_spelling[spelled].append(number)
        return index

    def linked_owners(self, key: str) -> list[int] | None:
        """The owners of an address on the list when each is excluded now and their cards name it only in a link's
        query (`Identity.linked`): a person the user kept apart from each of them may be written with it as their
        own. None when anyone else's entry holds it (their address, or recorded so before)."""
        owners = self.by_key.get(("email", key), [])
        for number in owners:
            owner = self.owners[number]
            spellings = (key, *mailbox_aliases(key))
            if not owner.alive or not any(k in owner.identity.linked and k not in owner.recorded for k in spellings):
                return None
        return owners or None

    def where(self, number: int, key: str) -> str:
        """The link an owner's card names this address in, when that is all it does ("" else)."""
        linked = self.owners[number].identity.linked
        return next((linked[k] for k in (key, *mailbox_aliases(key)) if k in linked), "")

    def identifier_hits(self, ident: Identity) -> list[Hit]:
        """Owners this identity shares an identifier with (address, phone, profile, record)."""
        hits: dict[int, Hit] = {}
        for kind, key, shown in ident.identifiers():
            for number in self.by_key.get((kind, key), ()):
                if number not in hits:
                    owner_shown = _shown(self.owners[number].identity, kind, key)
                    hits[number] = Hit(number, kind, owner_shown if kind != "record" else shown)
        return list(hits.values())

    def tail_hits(self, phones: Iterable[str], region: str) -> list[Hit]:
        """Owners holding a phone that ends in the same nine digits as one of these (as written), each once,
        shown as "mine and theirs": one number written with and without its country code, to be asked
        about (it is not proof, so `mark` never refuses on it). Two numbers of one country that both
        read as numbers and merely end alike are two numbers (+1 415 555 0123, +1 515 555 0123)."""
        hits: dict[int, Hit] = {}
        for written, shared_cell in ((number, len(numbers) > 1) for cell in phones
                                     for numbers in [numbers_in(cell)] for number in numbers):
            tail = phone_tail(written)
            if not tail:
                continue
            # nine digits meet nine, or an eight-digit number on the list they end in; eight meet any
            # number on the list ending in them (`32 12 34 56` and +45 32 12 34 56, which a workspace
            # of another region cannot read as one number)
            owners = (self.by_tail.get(tail, []) + self.by_short.get(tail[-SHORT_NUMBER:], []) if len(tail) == TAIL
                      else self.by_last8.get(tail, []))
            for number in owners:
                ident = self.owners[number].identity
                theirs = next((t for t in ident.tails if t == tail or t.endswith(tail) or tail.endswith(t)), tail)
                mine = phone_key(written, region)
                if number in hits or _two_numbers(mine, theirs, ident.phones) and not (shared_cell and mine in ident.phones):
                    continue  # (a number of a cell of two was keyed as no number: an exact match is this rule's too)
                hits[number] = Hit(number, "phone-tail", f"{written.strip()} and {ident.tails.get(theirs, theirs)}")
        return list(hits.values())

    def spelled_hits(self, aliases: dict[str, str]) -> list[Hit]:
        """Owners whose name a nameless card's address spells (`nameforms.address_aliases`: jsmith@,
        johnsmith77@), each once, shown by the address."""
        hits: dict[int, Hit] = {}
        for alias, address in sorted(aliases.items()):
            for number in self.by_spelling.get(alias, ()):
                hits.setdefault(number, Hit(number, "spelled", address))
        return list(hits.values())

    def name_hits(self, names: Iterable[Name], threshold: int) -> list[Hit]:
        """Owners with a name alike one of these (at or above `threshold`), the best score each."""
        best: dict[int, tuple[int, Name, Name]] = {}
        for name in names:
            for number, score, other in self._alike(name, threshold):
                # the best score, and among equals the first pair of names in sorted order: the same
                # message every run, whatever order the sets of name forms happen to iterate in
                held = best.get(number)
                if held is None or score > held[0] or (score == held[0] and (name, other) < held[1:]):
                    best[number] = (score, name, other)
        return [Hit(number, "name", f"{' '.join(name)} ~ {' '.join(other)}" if name != other else "", score)
                for number, (score, name, other) in best.items()]

    def same_name_hits(self, names: Iterable[Name]) -> list[Hit]:
        """Owners bearing one of these names, in either order, as written or as the matcher spells it
        (`spelled_name`: Juergen Mueller for Jürgen Müller); a nickname or a typo is another name here."""
        names = sorted(set(names))
        found = {hit.owner: hit for hit in self.name_hits(names, 100) if hit.score >= 100}
        for name in names:
            for number, _score, other in self._alike(name, SPELLED_ALIKE):
                if number not in found and spelled_name(other) == spelled_name(name):
                    found[number] = Hit(number, "name", f"{' '.join(name)} ~ {' '.join(other)}", 100)
        return list(found.values())

    def _alike(self, name: Name, threshold: int) -> list[tuple[int, int, Name]]:
        """(owner, score, their name) for the names alike this one; remembered, as names recur."""
        memo = self._name_memo.get((name, threshold))
        if memo is not None:
            return memo
        found: list[tuple[int, int, Name]] = []
        seen: set[tuple[int, Name]] = set()
        by_block = self.by_block
        for block in blocks(name):
            for candidate in by_block.get(block, ()):
                if candidate in seen:
                    continue
                seen.add(candidate)
                score = name_alike(name, candidate[1])
                if score >= threshold:
                    found.append((candidate[0], score, candidate[1]))
        for block in pet_blocks(name):  # Liam meets William here, and Dean meets Sean: only nicknames count
            for candidate in by_block.get(block, ()):
                if candidate in seen:
                    continue
                seen.add(candidate)
                if nicknamed(name, candidate[1]) and (score := name_alike(name, candidate[1])) >= threshold:
                    found.append((candidate[0], score, candidate[1]))
        self._name_memo[(name, threshold)] = found
        return found


def _focus(store: Store, around: dict[int, Identity]) -> tuple[set[int], set[int]]:
    """(active exclusion ids, excluded person ids) that could match these identities: by identifier,
    card or exact name, through the indexes (never a scan of the whole list)."""
    exclusions: set[int] = set()
    people: set[int] = set()
    for pid, ident in around.items():
        keys = list(ident.identifiers())
        for first, last in ident.names:
            keys += [("name", f"{first}|{last}", ""), ("name", f"{last}|{first}", "")]
        for kind, key, _shown_text in keys:
            for spelling in (key, *_aliases(kind, key)):
                exclusions |= q.active_exclusions_with_entry(store, kind, spelling)
                people |= _excluded_holding(store, kind, spelling)
                if kind == "email" and is_rekeyed_domain(spelling):  # an entry recorded before the rule
                    exclusions |= {eid for eid, stored in q.active_exclusions_with_mailbox_in(
                        store, spelling.rpartition("@")[2]) if rekeyed_mailbox(stored) == spelling}
        if q.is_excluded(store, pid):
            people.add(pid)
    # an excluded name spelled otherwise (Mueller for Müller), through the names as the matcher spells them
    wanted = {q.spelled_key(name) for ident in around.values() for name in ident.names if len(name[0]) >= 2 and name[1]}
    for held in q.active_exclusions_spelled(store, wanted).values():
        exclusions |= held
    for _eid, kind, key, _shown_text in q.entries_of(store, sorted(exclusions)):  # an entry read from a note or
        if kind == "record":  # a link is keyed nowhere else: its holder is found through the cards excluded
            people |= q.excluded_with_record(store, key)
    for pid, ident in identities(store, people).items():  # the exclusions the excluded people found belong to
        for rkey in ident.rkeys:
            exclusions |= q.active_exclusions_with_entry(store, "record", rkey)
        exclusions |= q.active_exclusions_of(store, pid)
    return exclusions, people


def _aliases(kind: str, key: str) -> list[str]:
    """The other keys one identifier is written under: a mailbox at its provider's other domains, a profile
    under its old public path."""
    return mailbox_aliases(key) if kind == "email" else profile_aliases(key) if kind == "url" else []


def _excluded_holding(store: Store, kind: str, key: str) -> set[int]:
    """The excluded people holding this entry now: its card, identifier, or exact name (`first|last`)."""
    if kind == "record":
        return q.excluded_with_record(store, key)
    if kind in ("email", "phone", "url"):
        return q.excluded_with_key(store, kind, key)
    first, _, last = key.partition("|")
    return q.excluded_named(store, first, last)


def _two_numbers(mine: str | None, tail: str, theirs: Iterable[str]) -> bool:
    """Whether my phone (E.164, None when it read as no number) and theirs ending in `tail` are two
    numbers, or the same one: both read as numbers of one country; an exact match is no tail's business."""
    if mine is None:
        return False
    keyed = [key for key in theirs if key.endswith(tail) and len(key) > TAIL + 1]
    return bool(keyed) and all(key == mine or calling_code(key[:4]) == calling_code(mine[:4]) for key in keyed)


def _shown(ident: Identity, kind: str, key: str) -> str:
    values = {"email": ident.emails, "phone": ident.phones, "url": ident.urls}.get(kind, {})
    return values.get(key, key)


def different_verdicts(store: Store) -> set[tuple[str, str]] | None:
    """Every `different` verdict as (a, b) record identities, when there are few enough to hold (else None)."""
    if q.different_verdict_count(store) > DIFFERENT_HELD_UP_TO:
        return None
    return q.different_verdicts(store)


def apart(store: Store, mine: set[str], theirs: set[str],
          verdicts: set[tuple[str, str]] | None = None) -> bool:
    """True when the user said these records' people are different: each of my records has a `different`
    verdict with one of theirs (`--not-same-as` writes one between every two of their records). A card
    that joined me since (a dedupe, a newer export) was never part of that answer: until the user
    answers again, it is not kept apart, so the excluded address or name it brings stops the export
    (it let the card's other, new address into the safe file)."""
    mine_only, theirs_only = mine - theirs, theirs - mine
    if not mine_only or not theirs_only:
        return False
    if verdicts is not None:
        return all(any((a, b) in verdicts or (b, a) in verdicts for b in theirs_only) for a in mine_only)
    return q.records_kept_apart(store, sorted(mine_only), sorted(theirs_only)) == mine_only


# ---- who is suppressed (for mark and bulk actions) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suppressed:
    """Why changing this person's decision would weaken an exclusion."""

    person_id: int
    name: str
    owner: Owner
    how: str  # "is excluded", "holds jane@x.com, an address of", ...

    @property
    def is_self(self) -> bool:
        return self.owner.alive and self.owner.person_id == self.person_id

    def __str__(self) -> str:
        who = f"{self.person_id}: {self.name or '(no name)'}"
        if self.is_self:
            return f"{who} is excluded"
        return f"{who} {self.how} {self.owner.label}"


def _hits(store: Store, pid: int, ident: Identity, index: SuppressionIndex) -> list[tuple[int, str]]:
    """(owner, how) for every exclusion this person falls under, their own first; `different`
    verdicts keep a person apart from another's exclusion."""
    found: list[tuple[int, str]] = []
    own = index.excluded_people.get(pid)
    if own is not None:
        found.append((own, "is excluded"))
    full_names = {(first, last) for first, last in ident.names if len(first) >= 2}  # an initial is no name
    hits = index.identifier_hits(ident) + index.same_name_hits(full_names)
    for hit in sorted(hits, key=lambda h: (h.kind == "name", h.owner)):
        if hit.owner in {number for number, _ in found}:
            continue
        owner = index.owners[hit.owner]
        if apart(store, ident.rkeys, owner.identity.rkeys):
            continue
        how = ("bears the name of" if hit.kind == "name" else "holds a card of" if hit.kind == "record" else
               f"holds {hit.shown}, {'an' if hit.kind == 'email' else 'a'} {KIND_WORDS[hit.kind]} of")
        if hit.kind == "email" and (where := index.where(hit.owner, mailbox_key(hit.shown) or hit.shown)):
            how = f"holds {hit.shown}, named only in the query of a link ({where}) on the card of"
        found.append((hit.owner, how))
    return found


def suppressed(store: Store, person_ids: Iterable[int], index: SuppressionIndex | None = None) -> dict[int, Suppressed]:
    """The people among these whom the suppression list covers: excluded themselves, or holding an
    excluded identifier or card, or bearing exactly an excluded name (order, accents and
    transliteration aside), unless the user said they are different people."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    if index is None and len(ids) > FOCUSED_UP_TO:
        index = SuppressionIndex.load(store)
    found: dict[int, Suppressed] = {}
    for chunk in chunked(ids):
        names = q.names_of(store, chunk)
        idents = identities(store, chunk)
        chunk_index = index if index is not None else SuppressionIndex.load(store, around=idents)
        if not chunk_index:
            continue
        for pid, ident in idents.items():
            hits = _hits(store, pid, ident, chunk_index)
            if hits:
                number, how = hits[0]
                found[pid] = Suppressed(pid, names.get(pid, ""), chunk_index.owners[number], how)
    return found


@dataclass(slots=True)
class Unexclusion:
    """What an explicit un-exclude of one person lifts, and what would keep them suppressed anyway."""

    lift: list[int]  # exclusion ids
    others: list[Suppressed]  # other people excluded now whom this person matches


def unexclusion(store: Store, person_id: int, index: SuppressionIndex | None = None) -> Unexclusion:
    """The exclusions an un-exclude of this person lifts: their own, and the earlier exclusion of
    theirs whose person is gone (`_own_earlier`); a match with anyone else's, excluded now or gone
    (a housemate's landline, a namesake), is not theirs to lift: lifting it let that person's own
    addresses into the safe file."""
    ident = identities(store, [person_id]).get(person_id, Identity())
    index = index if index is not None else SuppressionIndex.load(store, around={person_id: ident})
    name = q.person_name(store, person_id)
    lift = q.active_exclusions_of(store, person_id)
    others: list[Suppressed] = []
    for number, how in _hits(store, person_id, ident, index):
        owner = index.owners[number]
        if owner.alive and owner.person_id == person_id:
            lift.update([owner.exclusion_id] if owner.exclusion_id is not None else [])
        elif owner.alive or owner.exclusion_id is None or not _own_earlier(ident, owner.identity):
            others.append(Suppressed(person_id, name, owner, how))
        else:
            lift.add(owner.exclusion_id)
    return Unexclusion(sorted(lift), others)


def _own_earlier(ident: Identity, gone: Identity) -> bool:
    """Whether the exclusion of a person no book holds any more was this person's: it recorded one of
    their cards, or one of their addresses or profiles under a name alike theirs (their card came back
    from another export). Another name on a shared address, a shared phone, or only the same name is
    someone else."""
    if ident.rkeys & gone.rkeys:
        return True
    if not (ident.emails.keys() & gone.emails.keys() or ident.urls.keys() & gone.urls.keys()):
        return False
    return any(name_alike(mine, theirs) >= 90 for mine in ident.names for theirs in gone.names)


def phone_in_text(text: str, region: str) -> list[str]:
    """E.164 forms of the phone numbers written inside free text (a company or title cell), a number
    without its country code read in `region`: the workspace's, as its phone keys were made in it."""
    return [key for run in phone_runs(text) if (key := phone_key(run, region))]


def phone_runs(text: str) -> list[str]:
    """The runs of digits a phone may be written as in a text (each read by phonenumbers, or by its last
    nine digits): spaces, dots, dashes and brackets between the groups (`+44 (0) 7700-900 123`), and slashes
    or underscores (`+44/7700/900123`, `+44_7700_900123`) as one run too, beside the runs the slashes part
    (`07700 900123/07700 900456` is still two numbers, each compared)."""
    runs = [match.group(0) for match in _PHONE_TEXT.finditer(text)]
    if "/" in text or "_" in text:
        runs += [run for match in _PHONE_TEXT_SLASHED.finditer(text) if "/" in (run := match.group(0)) or "_" in run]
    return runs


_PHONE_TEXT = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
_PHONE_TEXT_SLASHED = re.compile(r"\+?\(?\d[\d\s()./_-]{5,}\d")
# a word holding an `@`; it starts only after a separator, so a long text without one is read once, not once a letter
EMAIL_TEXT = re.compile(r"(?<![^\s<>\"'(),;:\[\]])[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+")

# An address spelled out so that address harvesters miss it, as people write one into a note or a company
# cell: `rex(at)x.com`, `rex [at] x [dot] com`, `rex&#64;x.com` (an HTML entity), `rex%40x.com` (a link's
# escape, twice over too: `unescaped`), `rex\@x.com` (an escaped `@`, as a vCard writer or a shell leaves it),
# `rex @ x.com` (`rex @x.com`, `rex@ x.com`), `rex -at- x -dot- com` (dashes or underscores between spaces),
# `rex at x dot com`, a line break right before or after an `@` (`rex@` ending a wrapped note's line: `_BREAK`),
# every letter a character reference (`&#114;&#101;&#120;&#64;...`: `_NUMERIC_REFERENCE`). A
# plain `at` is read only with a spelled `dot` in the domain, or between a dotted name and a dotted domain
# (`rex.boss at x.com`: `sales at shop.com` is a job title). Every quantifier is bounded and no two repeat over
# the same characters, so a hostile text is read in time linear in its length; each rewrite is shorter than
# what it replaces.
_BREAK = r"(?:\r?\n|\\[nN])"  # a line break, or one a vCard writer escaped (`\n`, kept so in a field no importer maps)
_SPELLED_AT = re.compile(r" {0,3}(?:[(\[{<] {0,2}(?:at|@) {0,2}[)\]}>]|&#0{0,4}64;|&#x0{0,4}40;|&commat;|%40"
                         r"|\\{1,2}@) {0,3}|(?<=\w) {1,3}@ {0,3}(?=\w)|(?<=\w)@ {1,3}(?=\w)"
                         r"|(?<=\w) {1,3}[-_] {0,2}(?:at|@) {0,2}[-_] {1,3}(?=\w)", re.I)
# an `@` with a line break right before or after it, between two words (looked for only near an `@`: `_broken_at`)
_BROKEN_AT = re.compile(rf"(?<=\w)[ \t]{{0,3}}(?:{_BREAK}[ \t]{{0,3}}@|@[ \t]{{0,3}}{_BREAK})[ \t]{{0,3}}(?=\w)")
_SPELLED_DOT = re.compile(r" {0,3}(?:[(\[{<] {0,2}(?:dot|\.) {0,2}[)\]}>]|&#0{0,4}46;|&#x0{0,4}2e;|&period;|%2e) {0,3}"
                          r"|\\{1,2}\.|。|(?<=\w) {1,3}[-_] {0,2}(?:dot|\.) {0,2}[-_] {1,3}(?=\w)", re.I)
# its `;` may be left out, as browsers read `&#64oldcorp.com` (a reference ends where its digits do)
_NUMERIC_REFERENCE = re.compile(r"&#(?:[0-9]{1,7}(?![0-9])|[xX][0-9a-fA-F]{1,6}(?![0-9a-fA-F]));?")
# `rex.boss (a) oldcorp.com`: an `a` in brackets between a word and a dotted domain (`(a) the first point` is none)
_BRACKETED_A = re.compile(r"(?<=[\w.+-]) {0,3}[(\[] {0,2}[aA] {0,2}[)\]] {0,3}(?=[\w-]{1,63}\.\w)")
_MAY_BRACKET_A = re.compile(r"[(\[] {0,2}[aA] {0,2}[)\]]")  # one quick search first: most texts hold no `(a)`
# a MIME encoded word (`=?UTF-8?Q?rex.boss=40oldcorp.com?=`, `=?utf-8?B?cmV4...?=`), as a card exported from a
# mail client holds one in a note or a name; the space between two of them is no part of the text (RFC 2047)
_ENCODED_WORD = re.compile(r"=\?([\w.:-]{1,40})(?:\*[\w-]{1,20})?\?([QqBb])\?([^?\s]{1,2000})\?=")
_BETWEEN_ENCODED = re.compile(r"(?<=\?=)[ \t\r\n]{1,10}(?==\?[\w.:*-]{1,61}\?[QqBb]\?)")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
# `rex.boss at oldcorp.com`: a name with a dot or underscore inside, a plain `at`, a domain with a dot; the `at`
# may end or start a wrapped note's line (`rex.boss at` ending one, `oldcorp.com` starting the next)
_AT_WORD = (rf"(?:[ \t]{{1,3}}(?:at|AT|At)(?:[ \t]{{1,3}}|[ \t]{{0,3}}{_BREAK}[ \t]{{0,3}})"
            rf"|[ \t]{{0,3}}{_BREAK}[ \t]{{0,3}}(?:at|AT|At)[ \t]{{1,3}})")
_DOTTED_AT = re.compile(rf"(?<![\w.+@-])(?=[\w+-]{{1,64}}[._][\w+-])([\w.+-]{{1,64}}){_AT_WORD}"
                        r"([\w-]{1,63}(?:\.[\w-]{1,63}){1,8})(?![\w-])")
_MAY_AT_WORD = re.compile(rf"[ \t](?:at|AT|At)(?:[ \t]|[ \t]{{0,3}}{_BREAK})|{_BREAK}[ \t]{{0,3}}(?:at|AT|At)[ \t]")
# a dot of an address with spaces around it, or a wrapped note's line break before or after it (`rex.` ending a
# line, `com` starting the next: `rex.boss@oldcorp.` then `com`)
_DOT_GAP = rf"[ \t]{{0,3}}(?:{_BREAK}[ \t]{{0,3}})?\.[ \t]{{0,3}}(?:{_BREAK}[ \t]{{0,3}})?"
_MAY_DOT_GAP = re.compile(rf"\.[ \t]{{0,3}}{_BREAK}[ \t]{{0,3}}[a-z0-9_+-]|(?:\n|\\[nN])[ \t]{{0,3}}\.")
# a domain so written (`rex @ oldcorp . com`): joined only right behind an `@`, so a sentence's full stop joins no
# two words; read beside the text as written (`rex@x.com . Thanks` stays readable)
_SPACED_DOMAIN = re.compile(rf"@([\w-]{{1,63}}(?:{_DOT_GAP}[\w-]{{1,63}}){{1,8}})")
# and a local part so written (`rex . boss @`, `rex .boss@`, `rex. boss (at)`): only the words running into an `@`,
# each a dot apart; a full stop before a capital (`Thanks Rex. Boss@x.com is ...`) ends a sentence, not a word
_SPACED_LOCAL = re.compile(rf"(?<![\w.+-])[\w+-]{{1,64}}(?:{_DOT_GAP}[\w+-]{{1,64}}){{1,8}}(?=@)")
_LOCAL_DOT = re.compile(_DOT_GAP)


def _joined_local(match: re.Match[str]) -> str:
    """The words of a local part joined at their dots, from the last full stop ending a sentence on."""
    run = match.group()
    start = 0
    for dot in _LOCAL_DOT.finditer(run):
        if dot.group().startswith(".") and dot.end() > dot.start() + 1 and run[dot.end()].isupper():
            start = dot.end()
    return run[:start] + _LOCAL_DOT.sub(".", run[start:])


def _joined_domain(match: re.Match[str]) -> str:
    """The words of a domain behind an `@` joined at their dots, up to a full stop ending a sentence (`rex@x.\ncom.
    Never again` is rex@x.com, then a sentence)."""
    run = match.group(1)
    end = len(run)
    for dot in _LOCAL_DOT.finditer(run):
        if dot.group().startswith(".") and dot.end() > dot.start() + 1 and run[dot.end()].isupper():
            end = dot.start()
            break
    return "@" + _LOCAL_DOT.sub(".", run[:end]) + run[end:]


_DOT_WORD = r" {1,3}(?:dot|DOT|Dot) {1,3}"
_WORDS = re.compile(rf"(?<![\w.+-])([\w.+-]{{1,64}}(?:{_DOT_WORD}[\w+-]{{1,64}}){{0,8}}) {{1,3}}(?:at|AT|At) {{1,3}}"
                    rf"([\w-]{{1,63}}(?:{_DOT_WORD}[\w-]{{1,63}}){{1,8}})(?![\w-])")
_DOTS = re.compile(_DOT_WORD)
# a domain behind an `@` with spelled dots (`rex@oldcorp dot com`)
_AT_DOT_WORDS = re.compile(rf"@([\w-]{{1,63}}(?:{_DOT_WORD}[\w-]{{1,63}}){{1,8}})(?![\w-])")
_MAY_SPELL = re.compile(r"[%&(\[{<@。]|dot|DOT|Dot| at | AT | At |[-_] {0,2}(?:at|AT)|=\?"  # one search in C: most
                        rf"|{_MAY_AT_WORD.pattern}")  # cells hold none of these


def spelled_out(text: str) -> str:
    """The text with every address spelled out in it (`_SPELLED_AT`) written as one, its %-escapes and
    escaped HTML ampersands decoded first, twice escaped too (`rex%2540x.com`, `rex%40x%2Ecom`, `%72ex%40x.com`,
    `rex&amp;#64;x.com`), and MIME encoded words (`=?UTF-8?Q?rex=40x.com?=`) before them; never longer."""
    if not _MAY_SPELL.search(text):
        return text
    if "=?" in text:
        text = encoded_words_read(text)
    if "%" in text or "&amp;" in text:
        text = unescaped(text)
    if "&#" in text:
        text = _NUMERIC_REFERENCE.sub(_referenced, text)
    text = _SPELLED_DOT.sub(".", _SPELLED_AT.sub("@", text))
    if _broken_at(text):
        text = _BROKEN_AT.sub("@", text)
    if _MAY_BRACKET_A.search(text):
        text = _BRACKETED_A.sub("@", text)
    if "dot" in text or "DOT" in text or "Dot" in text:
        text = _WORDS.sub(lambda m: f"{_DOTS.sub('.', m.group(1))}@{_DOTS.sub('.', m.group(2))}", text)
        text = _AT_DOT_WORDS.sub(lambda m: f"@{_DOTS.sub('.', m.group(1))}", text)
    if " at " in text or " AT " in text or " At " in text or (
            ("\n" in text or "\\" in text) and _MAY_AT_WORD.search(text)):
        text = _DOTTED_AT.sub(r"\1@\2", text)
    return text


def _dot_broken_near_at(text: str) -> bool:
    """Whether a line break may stand beside a dot of an address of the text (`_DOT_GAP`): looked for only in the
    words around each `@`, as most notes hold a line ending in a full stop."""
    if "\n" not in text and "\\" not in text:
        return False
    at = text.find("@")
    while at != -1:
        if _MAY_DOT_GAP.search(text, max(0, at - 70), at + 70):
            return True
        at = text.find("@", at + 1)
    return False


def _broken_at(text: str) -> bool:
    """Whether a line break (`_BREAK`) may stand right beside an `@` of the text."""
    at = text.find("@")
    while at != -1:
        around = text[max(0, at - 7):at + 8]
        if "\n" in around or "\\" in around:
            return True
        at = text.find("@", at + 1)
    return False


def profile_keys_in(text: str) -> list[str]:
    """The profile links of a text (`normalize.linkedin_keys_in`), its HTML character references read too
    (`linkedin&#46;com/in/rex&#45;boss`, as a link pasted from a web page's source is written) and its MIME encoded
    words, and its links written with spaced or spelled dots and slashes (`_SPACED_PROFILE`)."""
    keys = linkedin_keys_in(text)
    if "&#" in text or "=?" in text:
        if "=?" in text:
            text = encoded_words_read(text)
        if "&#" in text:
            text = _NUMERIC_REFERENCE.sub(_referenced, text.replace("&amp;", "&"))
        keys += linkedin_keys_in(text)
    if "linkedin" in text.lower() and _MAY_SPACE_PROFILE.search(text):
        joined = _WRAPPED_PROFILE.sub(r"\1", _SPACED_PROFILE.sub(_joined_profile, spelled_out(text)))
        keys += linkedin_keys_in(_SPACED_SLUG.sub(_dashed_slug, joined))
    elif "linkedin" in text.lower() and _MAY_SPACE_SLUG.search(text):  # a link written whole but for its slug's hyphen
        keys += [key for match in _SPACED_SLUG.finditer(text) if (key := linkedin_key(_hyphened_slug(match)))]
    return list(dict.fromkeys(keys))


# a profile link written with spaces around its dots and slashes, or with them spelled (`linkedin . com /in/rex`,
# `linkedin dot com slash in slash rex`, `linkedin (dot) com`: the last after `spelled_out`): joined only from
# `linkedin` to the slug, so the slashes of a sentence (`page 3 / chapter 4`) join nothing; never longer
_SPACED_DOT = r"(?: {0,3}\. {0,3}| {1,3}dot {1,3})"
_SPACED_SLASH = rf"(?:[ \t]{{0,3}}/[ \t]{{0,3}}(?:{_BREAK}[ \t]{{0,3}})?| {{1,3}}slash {{1,3}})"
_SPACED_PROFILE = re.compile(rf"(linkedin){_SPACED_DOT}(com|cn){_SPACED_SLASH}(in|pub){_SPACED_SLASH}(?=[^\s/])", re.I)
# and a link a wrapped note broke after a slash or a hyphen (`linkedin.com/in/` ending a line, `rex-` ending one)
_WRAPPED_PROFILE = re.compile(rf"(linkedin[^\s\\]{{0,120}}?[/-])[ \t]{{0,3}}{_BREAK}[ \t]{{0,3}}(?=[\w%])", re.I)
# and a slug with spaces around its hyphens (`linkedin . com / in / rex - boss`): each such hyphen is written as an en
# dash glued to its words, which `linkedin_keys_in` reads both as the link's end (`linkedin.com/in/ann - my boss` is
# ann's) and as a hyphen (rex-boss): no reading more, so still two keys at most per link; never longer
_SLUG_GAP = rf"[ \t]{{0,3}}-[ \t]{{0,3}}(?:{_BREAK}[ \t]{{0,3}})?"
_SPACED_SLUG = re.compile(rf"(linkedin\.c(?:om|n)/+(?:in|pub)/+)([\w%]{{1,100}}(?:{_SLUG_GAP}[\w%]{{1,100}}){{1,8}})",
                          re.I)
_SLUG_HYPHEN = re.compile(_SLUG_GAP)
# what only such a link holds right behind `linkedin` (a spaced or spelled dot, a space or line break at a slash), or
# a line break after a slash or hyphen of a link: one search, as "found her on LinkedIn last year" holds none
_MAY_SPACE_PROFILE = re.compile(r"linkedin(?:[ \t]{1,3}(?:[.(\[{<]|dot[ \t])|[(\[{<]|\.[ \t]"
                                r"|\.c(?:om|n)(?:[ \t]|/[\s\\]|/(?:in|pub)(?:[ \t]|/[\s\\])))"
                                rf"|linkedin[^\s\\]{{0,120}}?[/-][ \t]{{0,3}}{_BREAK}", re.I)
_MAY_SPACE_SLUG = re.compile(r"linkedin\.c(?:om|n)/+(?:in|pub)/+[\w%-]{1,100}?(?:[ \t]{1,3}-|-[ \t]{1,3}\w)", re.I)


def _dashed_slug(match: re.Match[str]) -> str:
    """A slug's hyphens with spaces or a line break around them as en dashes glued to its words (`_SPACED_SLUG`)."""
    prefix, slug = match.groups()
    return prefix + _SLUG_HYPHEN.sub(lambda gap: "-" if gap.group() == "-" else "\u2013", slug)


def _hyphened_slug(match: re.Match[str]) -> str:
    """The link with its slug's spaced hyphens as hyphens (`_SPACED_SLUG`): the link as written, its slug ending at
    the first space, is read already."""
    prefix, slug = match.groups()
    return prefix + _SLUG_HYPHEN.sub("-", slug)


def _joined_profile(match: re.Match[str]) -> str:
    host, domain, kind = match.groups()
    return f"{host}.{domain}/{kind}/"


def _referenced(match: re.Match[str]) -> str:
    """The character an HTML numeric character reference names (`&#114;`, `&#x72;`: r), read as the keys read
    it (`&#65312;` is `@`); as written when it names none."""
    number = match.group()[2:].rstrip(";")
    code = int(number[1:], 16) if number[:1] in "xX" else int(number)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match.group()
    char = chr(code)
    if char.isascii():
        return char
    read = normalized_text(char)
    return read if len(read) <= len(match.group()) else char


def encoded_words_read(text: str) -> str:
    """The text with each MIME encoded word in it (`_ENCODED_WORD`) read as the text it holds; never longer."""
    return _ENCODED_WORD.sub(_encoded, _BETWEEN_ENCODED.sub("", text))


def _encoded(match: re.Match[str]) -> str:
    """The text a MIME encoded word holds, in its charset (UTF-8 when Python knows no such charset), read as the
    keys read text when that keeps it no longer; as written when its base64 is broken."""
    charset, encoding, payload = match.groups()
    if encoding in "Qq":
        raw = _Q_ESCAPE.sub(lambda m: bytes.fromhex(m.group(1).decode()),
                            payload.replace("_", " ").encode("utf-8", "replace"))
    else:
        try:
            raw = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
        except (binascii.Error, ValueError):
            return match.group()
    try:
        text = raw.decode(charset, "replace")
    except (LookupError, ValueError):  # no such charset, or no text encoding (`rot13`, `idna` of no domain)
        text = raw.decode("utf-8", "replace")
    read = normalized_text(text)
    return read if len(read) <= len(match.group()) else text if len(text) <= len(match.group()) else match.group()


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
ESCAPE_ROUNDS = 3  # `%252540` is `@` escaped three times; a fourth is read by `_SPELLED_AT` as `%40`


def unescaped(text: str) -> str:
    """The text with its %-escapes decoded (UTF-8) and `&amp;` read as `&`, again while that changes it, up to
    `ESCAPE_ROUNDS` times: a link escaped twice over (`rex%2540x.com`) reads as the address it names. Each
    round is one pass and never makes the text longer (a decoded run is NFKC-read only when that keeps it
    no longer: `%EF%BC%A0` is `@`)."""
    for _round in range(ESCAPE_ROUNDS):
        before = text
        if "%" in text:
            text = _ESCAPES.sub(_decoded, text)
        if "&amp;" in text:
            text = text.replace("&amp;", "&")
        if text == before:
            break
    return text


def _decoded(match: re.Match[str]) -> str:
    raw = bytes.fromhex(match.group().replace("%", "")).decode("utf-8", "replace")
    read = normalized_text(raw)
    return read if len(read) <= len(match.group()) else raw


# the end of a local part an address may be glued behind (`-rex`, `•rex`, `u=rex`), matched on the reversed
# local part: anchored, so a long one is read once
_GLUED_REVERSED = re.compile(r"[\w.+-]*")


def addresses_written_in(text: str) -> list[str]:
    """Every address a free text (a note, a name, company or title cell) may hold, read as the keys read
    text (NFKC, invisible characters dropped), spelled out (`spelled_out`) and as written, and each also without what is
    glued before it (`-rex@x.com`, `•rex@x.com`, `*rex@x.com`, `?u=rex@x.com`): the bullet of a list, a link's
    query. Candidates, for comparing with keys: most are no one's address."""
    value = text if text.isascii() else normalized_text(text)
    if not _MAY_SPELL.search(value):
        return []
    as_written = value
    value = spelled_out(value)
    if "@" not in value:
        return []
    readings = [value]
    if value != as_written and "@" in as_written:  # a clean address a spelled `@` behind it glued to a word
        readings.append(as_written)  # (`rex@x.com @ work` spells rex@x.com@work)
    if " ." in value or ". " in value or _dot_broken_near_at(value):  # one more reading: spaced or broken dots
        # joined on both sides of each `@`
        joined = _SPACED_DOMAIN.sub(_joined_domain, value)
        joined = _SPACED_LOCAL.sub(_joined_local, joined)
        if joined != value:
            readings.append(joined)
    found: dict[str, None] = {}
    for address in (address for reading in readings for address in (*addresses_in(reading),
                                                                     *EMAIL_TEXT.findall(reading))):
        found[address] = None
        local, _, domain = address.rpartition("@")
        bare = _GLUED_REVERSED.match(local[::-1]).group()[::-1].lstrip("._+-")  # type: ignore[union-attr]
        if bare and bare != local:
            found[f"{bare}@{domain}"] = None
    return list(found)

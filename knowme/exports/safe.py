"""The safe-to-sync export: exactly the knows-me people, and never anyone the suppression list covers.

What is written: every `knows-me` person who is not already `connected`, with their name,
company, title and the email addresses that are safe to upload. Phones are never written: the
network matches on email, and uploading less is safer.

An address is withheld when it is on the suppression list (`knowme.suppression`: every spelling
of every address an excluded person ever held, compared as a mail provider would, so
`J.Doe+x@googlemail.com`, `jdoe@gmail.com.` and a fullwidth or zero-width spelling are one), and
also when an undecided or personalize person holds it too (a shared household address would
invite them with the canned text).

The gate: the export is refused, writing nothing, while any knows-me person it would write
  - holds an identifier on the list (address, phone, LinkedIn profile) or a card of an excluded person,
  - holds a phone ending in the same nine digits as an excluded one's (the same number written with
    and without its country code, as dedupe reads it: strong, not proof, so it is asked about),
  - bears a name alike an excluded one, wherever the name was found (any order, nicknames,
    transliteration, compound surnames, a one-letter change: `knowme.nameforms`),
  - is one side of an open duplicate pair whose other side is excluded,
  - would carry an excluded address, phone or profile inside a name, company or title cell.
An address in a cell or anywhere else on a card (its note, a field no importer maps, its postal address,
nickname, categories, links: it counts as held) is read however it is spelled out there (`rex(at)x.com`,
`rex%2540x.com`, `rex\\@x.com`, `rex @ x . com`, a bullet glued to it: `suppression.addresses_written_in`), and
a phone or profile there is read as in a cell (`+44/7700/900123`, `linkedin.com/in/rex%252Dboss`, `rex–boss`,
the old `linkedin.com/pub/rex-boss/1/2/3`, `X-LINKEDIN:rex-boss`).
Each conflict names both people and the command that resolves it (`Lookalike.command`); a
`different` verdict (`knowme mark ID --not-same-as ID`) resolves all but the last kind. An address the
excluded cards name only in a link's query (`cal.example/?with=ann@x.com`, a mailto's `cc=`) may be the
other person's: the conflict says which link (`Lookalike.where`), and once they are kept apart the address is
written as theirs (`KeptApart`); every other address on the list is withheld whatever the answer.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from nameparser import HumanName

from knowme import prefs
from knowme.addresses import addresses_in
from knowme.dedupe.namesim import mail_spellings, nick_forms
from knowme.model import Decision, Person, Record
from knowme.nameforms import address_aliases, name_alike, name_forms
from knowme.normalize import (
    email_match_key,
    is_email,
    is_rekeyed_domain,
    linkedin_key,
    mailbox_aliases,
    mailbox_key,
    normalized_text,
)
from knowme.runtime import bulk_work
from knowme.store import exports as q
from knowme.store import suppression as suppression_q
from knowme.store.core import Store
from knowme.suppression import (
    ELSEWHERE_TEXT_MOST,
    Hit,
    Identity,
    SuppressionIndex,
    addresses_written_in,
    apart,
    different_verdicts,
    encoded_words_read,
    phone_in_text,
    phone_runs,
    profile_keys_in,
    written_elsewhere,
)
from knowme.text import plural


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One person as the safe file holds them."""

    person_id: int
    given: str
    middle: str
    family: str
    prefix: str
    suffix: str
    display_name: str
    emails: tuple[str, ...]
    org: str = ""
    title: str = ""


# The outreach queue's cells the user writes (`knowme mark --context/--why/--draft`): the draft is sent,
# and each is written to the queue file beside the person's address.
NOTE_CELLS = ("context", "why", "draft")
CONFLICT_KINDS = ("email", "phone", "url", "record", "phone-tail", "cell", "pair", "name", "spelled")


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A knows-me person the safe export will not write while they may be an excluded one.

    `kind` says why: an identifier both hold (`email`, `phone`, `url`: `shared` is the excluded
    spelling), a card of the excluded person (`record`), a phone ending in the same nine digits
    (`phone-tail`: `shared` gives both as written), an excluded identifier inside a cell it
    would write (`cell`: `field` names the cell), an open duplicate pair between them (`pair`), or
    a name alike (`name`: `similarity`, `shared` the two names), or a card with no name whose address spells
    the excluded name (`spelled`: jsmith@ for John Smith, `shared` says which). `excluded_id` is the excluded
    person's id (still usable with `--not-same-as` after their records left every address book).
    """

    knows_me_id: int
    knows_me_name: str
    excluded_id: int | None
    excluded_name: str
    similarity: int
    shared: str = ""
    kind: str = "name"
    pair_id: int | None = None
    field: str = ""
    decision: str = Decision.KNOWS_ME.value  # or personalize: the outreach export is gated the same way
    where: str = ""  # the link on the excluded card that names the shared address, when nothing else there does

    @property
    def _excluded(self) -> str:
        return f"{self.excluded_id}: {self.excluded_name}" if self.excluded_id is not None else self.excluded_name

    def __str__(self) -> str:
        me = f"{self.knows_me_id}: {self.knows_me_name or '(no name)'} ({self.decision})"
        them = f"{self._excluded} (excluded)"
        if self.kind == "pair":
            return f"{me} may be {them}: duplicate pair {self.pair_id} is still open"
        if self.kind == "cell":
            return f"{me} would carry {self.shared}, held by {them}, in the {self.field} cell"
        if self.kind == "record":
            return f"{me} holds a card of {them} ({self.shared})"
        if self.kind == "phone-tail":
            digits = "nine" if all(sum(ch.isdigit() for ch in part) > 8 for part in self.shared.split(" and ")) else "eight"
            return f"{me} has a phone that may be one of {them}: {self.shared} end in the same {digits} digits"
        if self.kind == "spelled":
            if self.shared == self.knows_me_name:  # the person is only that card: its address names them
                return f"{me} gives no name, and its address spells the name of {them}"
            return f"{me} holds a card with no name whose address {self.shared} spells the name of {them}"
        if self.kind == "name":
            alike = f" ({self.shared})" if self.shared else ""
            return f"{me} looks like {them}, {self.similarity}% alike{alike}"
        if self.where:
            return (f"{me} shares {self.shared} with {them}, whose card names it only in the query of a link "
                    f"({self.where}): if it is {self.knows_me_name or 'theirs'}'s own, say they are different people")
        return f"{me} shares {self.shared} with {them}"

    @property
    def command(self) -> str:
        """The command that resolves this conflict (alternatives joined by `  |  `)."""
        exclude = f"knowme mark {self.knows_me_id} --as exclude"
        if self.kind == "pair":
            return f"knowme resolve {self.pair_id} same  |  knowme resolve {self.pair_id} different"
        if self.kind == "cell" and self.field in NOTE_CELLS:  # the user's own words: say them without it
            return f"knowme mark {self.knows_me_id} --{self.field} TEXT"
        if self.kind == "cell":
            return f"{exclude}  |  knowme mark {self.knows_me_id} --as undecided"
        if self.kind == "record" or self.excluded_id is None:
            return f"{exclude}  |  knowme mark {self.knows_me_id} --as {self.decision} --unexclude"
        return f"{exclude}  |  knowme mark {self.knows_me_id} --not-same-as {self.excluded_id}"

    def to_dict(self) -> dict[str, object]:
        return {"knows_me": self.knows_me_id, "knows_me_name": self.knows_me_name, "excluded": self.excluded_id,
                "excluded_name": self.excluded_name, "kind": self.kind, "similarity": self.similarity,
                "shared": self.shared or None, "pair": self.pair_id, "field": self.field or None,
                "decision": self.decision, "where": self.where or None, "reason": str(self), "command": self.command}


@dataclass(slots=True)
class Preflight:
    """What the safe export would write and what it leaves out, and why."""

    written: int = 0  # people written
    addresses: int = 0  # email addresses written
    undecided: int = 0  # undecided people (not connected) left out: review them first
    personalize: int = 0  # personalize people: they go to the outreach queue instead
    excluded: int = 0  # excluded people: never written
    blocked_addresses: int = 0  # knows-me addresses withheld because an excluded person holds them
    shared_addresses: int = 0  # knows-me addresses withheld because an undecided/personalize person holds them
    connected: int = 0  # knows-me people skipped: already connected
    no_email: int = 0  # knows-me people with no address left to write
    holds_excluded: int = 0  # knows-me people not written because every address they have is an excluded one
    lookalikes: list[Lookalike] = field(default_factory=list)  # conflicts with the suppression list: they block

    @property
    def blocked(self) -> bool:
        return bool(self.lookalikes)

    def lines(self) -> list[str]:
        """The preflight summary, one fact a line, for the CLI and the UI."""
        out = [f"{'would write' if self.blocked else 'written'}: {plural(self.written, 'person')} "
               f"({plural(self.addresses, 'address')})",
               f"left out as undecided: {self.undecided}",
               (f"blocked as excluded: {plural(self.excluded, 'person')}, {self.blocked_addresses} more addresses of "
                "knows-me people that an excluded person also holds"),
               f"skipped as already connected: {self.connected}",
               f"no email: {self.no_email}"]
        if self.holds_excluded:
            out.append(f"knows-me people whose only addresses are excluded ones: {self.holds_excluded}")
        if self.shared_addresses:
            out.append("withheld as shared with an undecided or personalize person: "
                       f"{plural(self.shared_addresses, 'address')}")
        if self.personalize:
            out.append(f"personalize (go to the outreach queue instead): {self.personalize}")
        if self.lookalikes:
            people = len({lk.knows_me_id for lk in self.lookalikes})
            out.append(f"knows-me people who may be excluded ones: {people} (they block the export)")
        return out

    def to_dict(self) -> dict[str, object]:
        return {"written": self.written, "addresses": self.addresses, "undecided": self.undecided,
                "personalize": self.personalize, "excluded": self.excluded,
                "blocked_addresses": self.blocked_addresses, "shared_addresses": self.shared_addresses,
                "connected": self.connected, "no_email": self.no_email, "holds_excluded": self.holds_excluded,
                "blocked": self.blocked, "lookalikes": [lk.to_dict() for lk in self.lookalikes]}


@dataclass(slots=True)
class SafePlan:
    rows: list[ContactRow]
    preflight: Preflight


def withheld_email_keys(store: Store) -> tuple[set[str], set[str]]:
    """Email keys never to upload: (on the suppression list or held by an excluded person now, in
    `mailbox_key` form; held by an undecided or personalize person, in `email_match_key` form)."""
    blocked, _ = withheld_keys(store)
    return blocked, _shared_keys(store)


def withheld_keys(store: Store, index: SuppressionIndex | None = None) -> tuple[set[str], set[str]]:
    """The email keys (`mailbox_key` form) and LinkedIn profile keys (`linkedin_key` form) on the
    suppression list or held by an excluded person now: never written anywhere, whoever else holds
    them (a knows-me or personalize person kept apart from the excluded one with `--not-same-as`), but an
    address the excluded cards name only in a link's query, for a person kept apart from them (`KeptApart`)."""
    index = index if index is not None else SuppressionIndex.load(store)
    return ({key for kind, key in index.by_key if kind == "email"},
            {key for kind, key in index.by_key if kind == "url"})


class KeptApart:
    """Whether a person may be written with an address on the list as their own: only when every excluded card
    naming it names it only in a link's query (`SuppressionIndex.linked_owners`: `?with=ann@x.com` on his calendar
    link) and the user said this person and each of them are different people (`--not-same-as`)."""

    def __init__(self, store: Store, index: SuppressionIndex) -> None:
        self.store, self.index = store, index
        self._verdicts: set[tuple[str, str]] | None = None
        self._loaded = False

    def __call__(self, person_id: int, key: str) -> bool:
        owners = self.index.linked_owners(key)
        if owners is None:
            return False
        if not self._loaded:
            self._verdicts, self._loaded = different_verdicts(self.store), True
        mine = {rkey for _pid, rkey in suppression_q.record_identities(self.store, [person_id])}
        return all(apart(self.store, mine, self.index.owners[number].identity.rkeys, self._verdicts)
                   for number in owners)


def _shared_keys(store: Store) -> set[str]:
    return q.email_keys_held_by(store, (Decision.UNDECIDED, Decision.PERSONALIZE))


def plan_safe(store: Store) -> SafePlan:
    """Decide every row of the safe file, count everything left out, and find every knows-me person who
    may be an excluded one (nothing is written here; any such person blocks the export)."""
    pre = Preflight()
    for decision, connected, n in q.decision_counts(store):
        if decision == Decision.UNDECIDED.value and not connected:
            pre.undecided += n
        elif decision == Decision.PERSONALIZE.value:
            pre.personalize += n
        elif decision == Decision.EXCLUDE.value:
            pre.excluded += n
    index = SuppressionIndex.load(store)
    gate = _Gate(store, index, int(prefs.get(store, "lookalike-threshold")))
    kept_apart = KeptApart(store, index)
    shared = _shared_keys(store)
    # those the match key reads apart from the mailbox key (Proton's dots, hyphens and underscores), as a mail
    # provider reads them, under each of its domains
    shared_mailboxes = {key for held in shared if is_rekeyed_domain(held) and (key := mailbox_key(held)) is not None}
    rows: list[ContactRow] = []
    written_keys: set[str] = set()
    for person in store.iter_people(Decision.KNOWS_ME):
        if person.connected:
            pre.connected += 1
            continue
        emails: list[str] = []
        held = False
        for email in person.emails:
            # each bare address of the cell (`Jane Doe <jane@x.com>` is written as jane@x.com; it was left
            # out, so a knows-me person with only such a cell counted as "no email"); a cell stored before
            # cells were split that holds an excluded address is withheld whole
            found = [(address, key) for address in addresses_in(email) or [email]
                     if (key := mailbox_key(address)) is not None and is_email(address)]
            if not found:
                continue
            if any(("email", key) in index.by_key and not kept_apart(person.id, key) for _, key in found):
                pre.blocked_addresses += 1
                held = True
                continue
            for address, key in found:
                match = email_match_key(address)
                if match in shared or any(alias in shared for alias in mailbox_aliases(match)) or key in \
                        shared_mailboxes or any(alias in shared_mailboxes for alias in mailbox_aliases(key)):
                    pre.shared_addresses += 1
                elif key not in written_keys:
                    written_keys.add(key)
                    emails.append(address)
        gate.check_person(person)
        if not emails:
            if held:
                pre.holds_excluded += 1
            else:
                pre.no_email += 1
            continue
        row = contact_row(person, emails)
        gate.check_cells(row)
        rows.append(row)
    pre.written = len(rows)
    pre.addresses = sum(len(r.emails) for r in rows)
    pre.lookalikes = gate.conflicts()
    return SafePlan(rows, pre)


def outreach_conflicts(store: Store, people: list[Person], emails: dict[int, list[str]]) -> list[Lookalike]:
    """Every way a personalize person of the outreach queue may be an excluded one, found as the safe
    export finds them for knows-me people: the queue carries each person's LinkedIn profile, name,
    company and title to where a connection request is sent, so the ex-boss's profile on another
    card, a name alike his, or an open duplicate pair with him must stop it as surely."""
    index = SuppressionIndex.load(store)
    if not index or not people:
        return []
    gate = _Gate(store, index, int(prefs.get(store, "lookalike-threshold")), Decision.PERSONALIZE)
    for person in people:
        gate.check_person(person)
        row = contact_row(person, emails.get(person.id, []))
        gate.check_cells(row)
        # an excluded address, phone or profile in the note to send or beside it: the queue carries it to the
        # network in the note, and into the file next to the person's address
        gate.check_values(row, [(label, getattr(person, label)) for label in NOTE_CELLS])
    wanted = {person.id for person in people}
    return [conflict for conflict in gate.conflicts() if conflict.knows_me_id in wanted]


@bulk_work()
def preflight(store: Store) -> Preflight:
    """The counts of a safe export, without writing it."""
    return plan_safe(store).preflight


def contact_row(person: Person, emails: list[str]) -> ContactRow:
    """Name parts from the first record that has them structured, else parsed from the display name."""
    name = person.display_name if "@" not in person.display_name else ""
    for record in person.records:
        if record.given.strip() or record.family.strip():
            given, middle, family = record.given.strip(), record.middle.strip(), record.family.strip()
            prefix, suffix = record.prefix.strip(), record.suffix.strip()
            break
    else:  # only a formatted name: parse it, but keep titles out of N (HumanName takes "Prince" for one)
        human = HumanName(name) if name else None
        given, middle, family = (human.first, human.middle, human.last) if human else ("", "", "")
        prefix = suffix = ""
        if name and not (given or family):
            given = name
    return ContactRow(person.id, given, middle, family, prefix, suffix, name or " ".join(
        p for p in (given, family) if p), tuple(emails), person.org, person.title)


# ---- the gate: everyone written against the suppression list ------------------------------------------


class _Gate:
    """Collects, person by person, every way a knows-me person may be an excluded one."""

    def __init__(self, store: Store, index: SuppressionIndex, threshold: int,
                 decision: Decision = Decision.KNOWS_ME) -> None:
        self.store = store
        self.index = index
        self.threshold = threshold
        self.decision = decision  # whose export: knows-me (the safe file) or personalize (the outreach queue)
        self.region = prefs.phone_region(store)  # the one the workspace's phone keys were made in
        self.found: dict[tuple[int, int, str], Lookalike] = {}
        self.keyed = _keyed_hits(store, index, decision) if index else {}

    def _add(self, person: Person | ContactRow, owner_number: int, kind: str, shown: str, score: int = 100,
             pair_id: int | None = None, cell: str = "", where: str = "") -> None:
        pid = person.person_id if isinstance(person, ContactRow) else person.id
        name = person.display_name
        owner = self.index.owners[owner_number]
        key = (pid, owner_number, kind if kind in ("pair", "cell") else "match")
        if cell in NOTE_CELLS:
            key = (pid, owner_number, f"cell:{cell}")  # each its own fix: `--why`, `--draft`
        old = self.found.get(key)
        rank = CONFLICT_KINDS.index(kind)
        if old is not None and (CONFLICT_KINDS.index(old.kind), -old.similarity) <= (rank, -score):
            return
        self.found[key] = Lookalike(pid, name, owner.person_id, owner.name, score, shown, kind, pair_id, cell,
                                    self.decision.value, where)

    def check_person(self, person: Person) -> None:
        if not self.index:
            return
        for kind, number, shown in self.keyed.get(person.id, ()):
            self._add(person, number, kind, shown)
        for email in person.emails:
            for address in addresses_in(email) or [email]:  # a cell stored before cells were split may hold several
                key = mailbox_key(address)
                if key is None:
                    continue
                for number in self.index.by_key.get(("email", key), ()):
                    self._add(person, number, "email", _shown_email(self.index, number, key, email),
                              where=self.index.where(number, key))
        elsewhere = Identity()  # an excluded address or profile in a note, a link or a column no importer maps
        written = {person.display_name, person.org, person.title}  # cells the file writes: `check_cells` reads them
        for record in person.records:
            if record.note or record.extras or record.urls:
                written_elsewhere(record, elsewhere)
            for labeled in record.urls:  # as this version reads a link (a card imported before keeps an older key)
                if key := linkedin_key(labeled.value):
                    elsewhere.urls.setdefault(key, labeled.value)
            for text in _card_texts(record):
                if text in written or len(text) > ELSEWHERE_TEXT_MOST:
                    continue
                for address in addresses_written_in(text):
                    if key := mailbox_key(address):
                        elsewhere.emails.setdefault(key, address)
                for key in profile_keys_in(text):
                    elsewhere.urls.setdefault(key, key)
        for kind, found in (("email", elsewhere.emails), ("url", elsewhere.urls)):
            for key, shown in found.items():
                for number in self.index.by_key.get((kind, key), ()):
                    self._add(person, number, kind, shown)
        # an excluded number in a card's note, a field no importer maps (a vCard X- field, a CSV column) or any
        # other text of the card: it may be his, as with an address
        texts = (text for record in person.records
                 for text in (record.note, *(v for _n, v in record.extras), *_card_texts(record, emails=False)))
        for text in texts:
            if text and text not in written and len(text) <= ELSEWHERE_TEXT_MOST:
                keys, hits = self._phones_in(text if text.isascii() else normalized_text(text))
                for key in keys:
                    for number in self.index.by_key.get(("phone", key), ()):
                        self._add(person, number, "phone", _shown_key(self.index, number, "phone", key))
                for hit in hits:
                    self._add(person, hit.owner, hit.kind, hit.shown)
        if self.index.by_tail:
            phones = [labeled.value for record in person.records for labeled in record.phones]
            for hit in self.index.tail_hits(phones, self.region):
                self._add(person, hit.owner, hit.kind, hit.shown)
        names = set().union(*(name_forms(record) for record in person.records)) if person.records else set()
        for hit in self.index.name_hits(names, self.threshold):
            self._add(person, hit.owner, "name", hit.shown, hit.score)
        aliases = ({alias: address for record in person.records for alias, address in address_aliases(record).items()}
                   if self.index.by_spelling else {})
        if aliases:
            own = set().union(*(mail_spellings(first, nick_forms(first), last) for first, last in names))
            for hit in self.index.spelled_hits({a: address for a, address in aliases.items() if a not in own}):
                self._add(person, hit.owner, "spelled", hit.shown)  # jdoe@ on Joe Doe's own cards is his

    def _phones_in(self, value: str) -> tuple[list[str], list[Hit]]:
        """The E.164 keys of the numbers written in a text (NFKC already), and the excluded phones that end
        in the same digits as a number in it: written without its country code, or in a form the workspace's
        region does not read (`mob 07700900123` in an American workspace), as phones are compared; a MIME
        encoded word (`=?utf-8?B?KzQ0IDc3MDAgOTAwMTIz?=`) read as the text it holds."""
        if "=?" in value:
            value = encoded_words_read(value)
        if not _DIGIT.search(value) or len(_DIGIT.findall(value)) < 7:
            return [], []
        if not value.isascii():  # a word processor's dash in a number (`+44 7700–900123`) as the hyphen it is
            value = value.translate(_DASHES)
        runs = phone_runs(value)
        # two numbers with a spaced dash between them are one run: each is compared too, not only the last
        runs += [part for run in runs if " -" in run for part in _BETWEEN_NUMBERS.split(run)]
        runs = [run for run in runs if len(_DIGIT.findall(run)) >= 8]
        return (phone_in_text(value, self.region),
                self.index.tail_hits(runs, self.region) if runs and self.index.by_tail else [])

    def check_cells(self, row: ContactRow) -> None:
        """An excluded address, phone or profile written inside a name, company or title cell."""
        if not self.index:
            return
        self.check_values(row, [("first name", row.given), ("middle name", row.middle), ("last name", row.family),
                                ("name prefix", row.prefix), ("name suffix", row.suffix),
                                ("display name", row.display_name), ("company", row.org), ("title", row.title)])

    def check_values(self, row: ContactRow, cells: list[tuple[str, str]]) -> None:
        """An excluded address, phone or profile written inside any of these (label, text) cells of `row`'s person."""
        if not self.index:
            return
        for label, written in cells:
            if not written:
                continue
            # read as the keys are: every `@` and letter the way NFKC writes it (`﹫`, `ｌｉｎｋｅｄｉｎ`),
            # invisible characters dropped
            value = written if written.isascii() else normalized_text(written)
            found: list[tuple[str, str]] = []
            # an address spelled out (`rex(at)x.com`, `rex%40x.com`) or glued behind a bullet (`-rex@x.com`, `•rex@`)
            found += [("email", key) for address in addresses_written_in(value) if (key := mailbox_key(address))]
            keys, hits = self._phones_in(value)
            found += [("phone", key) for key in keys]
            for hit in hits:
                self._add(row, hit.owner, "cell", hit.shown.partition(" and ")[0], cell=label)
            if "linkedin" in value.lower() or "&#" in value or "=?" in value:
                found += [("url", key) for key in dict.fromkeys([linkedin_key(value), *profile_keys_in(value)]) if key]
            for kind, key in found:
                for number in self.index.by_key.get((kind, key), ()):
                    self._add(row, number, "cell", key, cell=label)

    def conflicts(self) -> list[Lookalike]:
        """Every conflict found, and the open duplicate pairs, less those the user kept apart."""
        if not self.index:
            return []
        self._pending_pairs()
        rkeys: dict[int, set[str]] = defaultdict(set)
        for pid, rkey in suppression_q.record_identities(self.store, sorted({pid for pid, _, _ in self.found})):
            rkeys[pid].add(rkey)
        verdicts = different_verdicts(self.store) if self.found else None
        found = []
        for (pid, number, _), conflict in self.found.items():
            if conflict.kind != "cell" and apart(self.store, rkeys[pid], self.index.owners[number].identity.rkeys,
                                                 verdicts):
                continue
            found.append(conflict)
        found.sort(key=lambda lk: (lk.knows_me_name.casefold(), lk.knows_me_id, CONFLICT_KINDS.index(lk.kind),
                                   -lk.similarity, lk.excluded_id or 0))
        return found

    def _pending_pairs(self) -> None:
        """Open duplicate pairs between a knows-me person being checked and an excluded person."""
        for pair_id, excluded, mine, name in suppression_q.pending_pairs_excluded_knows_me(self.store, self.decision):
            number = self.index.excluded_people.get(excluded)
            if number is None:
                continue
            key = (mine, number, "pair")
            if key not in self.found:
                owner = self.index.owners[number]
                self.found[key] = Lookalike(mine, name, owner.person_id, owner.name, 100, "", "pair", pair_id,
                                            decision=self.decision.value)


_DIGIT = re.compile(r"\d")
_BETWEEN_NUMBERS = re.compile(r"\s+-\s+")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def _card_texts(record: Record, emails: bool = True) -> list[str]:
    """The texts of a card, beyond its note and the fields no importer maps, that someone may write an address,
    phone or profile into: every card's name, nickname, company, department and title (not only those the file
    writes), its postal addresses, categories and links (`tel:`, `wa.me/...`), and (`emails`) its email cells
    as written (`mailto:REX%40OLDCORP.COM` gives no address to write, yet names his)."""
    texts = [record.formatted_name, record.nickname, record.phonetic, record.org, record.department, record.title,
             *(labeled.value for labeled in record.addresses), *record.categories,
             *(labeled.value for labeled in record.urls)]
    if emails:
        texts += [labeled.value for labeled in record.emails]
    return [text for text in texts if text]


def _keyed_hits(store: Store, index: SuppressionIndex,
                decision: Decision = Decision.KNOWS_ME) -> dict[int, list[tuple[str, int, str]]]:
    """Person id -> (kind, owner, shown) for every phone, profile and card on the list a knows-me person
    (or one of `decision`) holds, found from the list's side through the key and record indexes (never a
    scan of everyone)."""
    found: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for kind in ("record", "phone", "url"):
        keys = [key for (k, key) in index.by_key if k == kind]
        rows = (q.holders_of_records(store, keys, decision) if kind == "record" else
                q.holders_of_keys(store, kind, keys, decision))
        for pid, key in rows:
            for number in index.by_key[(kind, key)]:
                found[pid].append((kind, number, _shown_key(index, number, kind, key)))
    return found


def _shown_key(index: SuppressionIndex, number: int, kind: str, key: str) -> str:
    ident = index.owners[number].identity
    return {"phone": ident.phones, "url": ident.urls}.get(kind, {}).get(key, key)


def _shown_email(index: SuppressionIndex, number: int, key: str, mine: str) -> str:
    held = index.owners[number].identity.emails
    theirs = held.get(key) or next((held[alias] for alias in mailbox_aliases(key) if alias in held), key)
    return mine if mine == theirs else f"{mine} (= {theirs})"


def name_similarity(a: tuple[str, str], b: tuple[str, str]) -> int:
    """0-100: how alike two folded (first, last) names are (see `nameforms.name_alike`)."""
    return name_alike(a, b)

"""The safe-to-sync export: exactly the knows-me people, and never an address it must not hold.

What is written: every `knows-me` person who is not already `connected`, with their name,
company, title and the email addresses that are safe to upload. Phones are never written: the
network matches on email, and uploading less is safer.

An address is withheld when any excluded person holds it (now, or before a re-import dropped
their record: `Store.blocked_keys`), and also when an undecided or personalize person holds it
too (a shared household address would invite them with the canned text). Addresses are
compared by their match key, so `J.Doe+x@gmail.com` is `jdoe@gmail.com`.

A knows-me person whose name closely matches an excluded person blocks the whole export until
the user resolves it (exclude them too, or say they are different people): an ex-boss who turns
up in a second address book under a nickname must not get an invitation.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from nameparser import HumanName
from rapidfuzz import fuzz

from knowme import prefs
from knowme.gcpause import collector_paused
from knowme.model import Decision, Person
from knowme.namesim import INITIAL, NICK, TYPO, compare_first
from knowme.normalize import email_match_key, is_email
from knowme.store import Store
from knowme.triage import different_pairs
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


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A knows-me person who may be an excluded one: a close name, or an address both hold (`shared`)."""

    knows_me_id: int
    knows_me_name: str
    excluded_id: int
    excluded_name: str
    similarity: int
    shared: str = ""

    def __str__(self) -> str:
        if self.shared:
            return (f"{self.knows_me_id}: {self.knows_me_name} (knows-me) shares {self.shared} with "
                    f"{self.excluded_id}: {self.excluded_name} (excluded)")
        return (f"{self.knows_me_id}: {self.knows_me_name} (knows-me) looks like {self.excluded_id}: "
                f"{self.excluded_name} (excluded), {self.similarity}% alike")


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
    lookalikes: list[Lookalike] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.lookalikes)

    def lines(self) -> list[str]:
        """The preflight summary, one fact a line, for the CLI and the UI."""
        out = [f"written: {plural(self.written, 'person')} ({plural(self.addresses, 'address')})",
               f"left out as undecided: {self.undecided}",
               (f"blocked as excluded: {plural(self.excluded, 'person')}, {self.blocked_addresses} more addresses of "
                "knows-me people that an excluded person also holds"),
               f"skipped as already connected: {self.connected}",
               f"no email: {self.no_email}"]
        if self.shared_addresses:
            out.append("withheld as shared with an undecided or personalize person: "
                       f"{plural(self.shared_addresses, 'address')}")
        if self.personalize:
            out.append(f"personalize (go to the outreach queue instead): {self.personalize}")
        if self.lookalikes:
            out.append(f"lookalikes of excluded people: {len(self.lookalikes)}")
        return out

    def to_dict(self) -> dict[str, object]:
        return {"written": self.written, "addresses": self.addresses, "undecided": self.undecided,
                "personalize": self.personalize, "excluded": self.excluded,
                "blocked_addresses": self.blocked_addresses, "shared_addresses": self.shared_addresses,
                "connected": self.connected, "no_email": self.no_email,
                "lookalikes": [{"knows_me": lk.knows_me_id, "knows_me_name": lk.knows_me_name,
                                "excluded": lk.excluded_id, "excluded_name": lk.excluded_name,
                                "similarity": lk.similarity, "shared": lk.shared or None}
                               for lk in self.lookalikes]}


@dataclass(slots=True)
class SafePlan:
    rows: list[ContactRow]
    preflight: Preflight


def withheld_email_keys(store: Store) -> tuple[set[str], set[str]]:
    """Email match keys never to upload: (held by an excluded person now or ever, held by an undecided or
    personalize person)."""
    blocked = {key for kind, key in store.blocked_keys() if kind == "email"}
    shared = {key for (key,) in store.conn.execute(
        "SELECT DISTINCT k.key FROM keys k JOIN records r ON r.id = k.record_id JOIN people p ON p.id = r.person_id "
        "WHERE k.kind='email' AND p.decision IN ('undecided', 'personalize')")}
    return blocked, shared


def plan_safe(store: Store) -> SafePlan:
    """Decide every row of the safe file and count everything left out (nothing is written here)."""
    pre = Preflight()
    conn = store.conn
    for decision, connected, n in conn.execute("SELECT decision, connected, count(*) FROM people "
                                               "GROUP BY decision, connected"):
        if decision == Decision.UNDECIDED.value and not connected:
            pre.undecided += n
        elif decision == Decision.PERSONALIZE.value:
            pre.personalize += n
        elif decision == Decision.EXCLUDE.value:
            pre.excluded += n
    blocked, shared = withheld_email_keys(store)
    rows: list[ContactRow] = []
    written_keys: set[str] = set()
    for person in store.iter_people(Decision.KNOWS_ME):
        if person.connected:
            pre.connected += 1
            continue
        emails: list[str] = []
        for email in person.emails:
            if not is_email(email):
                continue
            key = email_match_key(email)
            if key in blocked:
                pre.blocked_addresses += 1
            elif key in shared:
                pre.shared_addresses += 1
            elif key not in written_keys:
                written_keys.add(key)
                emails.append(email)
        if not emails:
            pre.no_email += 1
            continue
        rows.append(contact_row(person, emails))
    pre.written = len(rows)
    pre.addresses = sum(len(r.emails) for r in rows)
    pre.lookalikes = find_lookalikes(store, {r.person_id for r in rows},
                                     int(prefs.get(store, "lookalike-threshold")))
    return SafePlan(rows, pre)


@collector_paused()
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


# ---- lookalikes ---------------------------------------------------------------------------------------


def find_lookalikes(store: Store, knows_me_ids: set[int], threshold: int) -> list[Lookalike]:
    """Knows-me people (of these ids) who may be excluded people under another record.

    Two signs: an email or LinkedIn URL both hold (that address is withheld anyway, but the
    person's other addresses would invite the excluded human), or a close name. Names are compared
    only within blocks (same folded last name; same first name and first two letters of the last
    name), so the work grows with the block sizes, not with people squared. Pairs the user
    declared different people are left out.
    """
    if not knows_me_ids:
        return []
    shared = _shared_keys(store, knows_me_ids)
    best = _close_names(store, knows_me_ids, threshold)
    pairs = set(best) | set(shared)
    if not pairs:
        return []
    ids = list({p for pair in pairs for p in pair})
    apart = different_pairs(store, ids)
    names_of = dict(store.conn.execute(f"SELECT id, name FROM people WHERE id IN ({','.join('?' * len(ids))})", ids))
    found = [Lookalike(a, names_of.get(a, ""), b, names_of.get(b, ""), best.get((a, b), 100), shared.get((a, b), ""))
             for (a, b) in pairs if (min(a, b), max(a, b)) not in apart]
    found.sort(key=lambda lk: (not lk.shared, -lk.similarity, lk.knows_me_name.casefold(), lk.knows_me_id,
                               lk.excluded_id))
    return found


def _shared_keys(store: Store, knows_me_ids: set[int]) -> dict[tuple[int, int], str]:
    """(knows-me id, excluded id) -> one email or URL key both hold."""
    found: dict[tuple[int, int], str] = {}
    for mine, theirs, key in store.conn.execute(
            "SELECT rk.person_id, rx.person_id, k1.key FROM people px JOIN records rx ON rx.person_id = px.id "
            "JOIN keys k2 ON k2.record_id = rx.id JOIN keys k1 ON k1.key = k2.key AND k1.kind = k2.kind "
            "JOIN records rk ON rk.id = k1.record_id JOIN people pk ON pk.id = rk.person_id "
            "WHERE px.decision='exclude' AND pk.decision='knows-me' AND k2.kind IN ('email', 'url')"):
        if mine in knows_me_ids:
            found.setdefault((mine, theirs), key)
    return found


def _close_names(store: Store, knows_me_ids: set[int], threshold: int) -> dict[tuple[int, int], int]:
    """(knows-me id, excluded id) -> name similarity, for the pairs at or above the threshold."""
    excluded_names: dict[int, set[tuple[str, str]]] = defaultdict(set)
    mine: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for pid, first, last, decision in store.conn.execute(
            "SELECT r.person_id, r.first, r.last, p.decision FROM records r JOIN people p ON p.id = r.person_id "
            "WHERE p.decision IN ('knows-me', 'exclude')"):
        if not (first or last):
            continue
        if decision == Decision.EXCLUDE.value:
            excluded_names[pid].add((first, last))
        elif pid in knows_me_ids:
            mine[pid].add((first, last))
    if not excluded_names or not mine:
        return {}
    index: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    for pid, names in excluded_names.items():
        for name in names:
            for block in _blocks(name):
                index[block].append((pid, name))
    best: dict[tuple[int, int], int] = {}
    for pid, names in mine.items():
        for name in names:
            for block in _blocks(name):
                for xpid, xname in index.get(block, ()):
                    score = name_similarity(name, xname)
                    if score >= threshold and score > best.get((pid, xpid), -1):
                        best[(pid, xpid)] = score
    return best


def _blocks(name: tuple[str, str]) -> list[str]:
    first, last = name
    blocks = []
    if last:
        blocks.append("L|" + last)
        blocks.append("L|" + first)  # "Smith John" against "John Smith"
    if first:
        blocks.append(f"F|{first}|{last[:2]}")
    return blocks


_ALIKE_FIRST = frozenset({NICK, INITIAL, TYPO})


def name_similarity(a: tuple[str, str], b: tuple[str, str]) -> int:
    """0-100: how alike two folded (first, last) names are, nicknames and initials counting as alike."""
    fa, la = a
    fb, lb = b
    score = fuzz.ratio(f"{fa} {la}".strip(), f"{fb} {lb}".strip())
    if fa and la and fa == lb and la == fb:
        score = max(score, 95.0)
    if la and la == lb and fa and fb:
        if fa == fb:
            return 100
        if compare_first(fa, fb) in _ALIKE_FIRST:
            score = max(score, 95.0)
    return round(score)

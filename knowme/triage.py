"""Decisions: find people by what the user typed, mark them, undo and redo.

Every mark is one logged transaction, so it is saved at once and `undo` restores it exactly.
Marking someone `exclude` remembers their addresses for good: they are never exported, even if
the same address comes back in another record or a later import.

Besides the decision, a person carries what their personal note needs (`how`, `context`, `why`,
`draft`, `priority`: see `knowme.outreach`) and where their request stands (`sent_on`,
`accepted_on`). Bulk selections (`in_category`, `at_domain`) feed the same `apply`.
`after_import` runs after every stored import: it notices sent requests that were accepted (the
person turns up in a LinkedIn Connections.csv) and refreshes the suggestions of the new records.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowme import prefs, suppression
from knowme.model import Decision, Person
from knowme.normalize import fold, linkedin_key, mailbox_key, phone_key
from knowme.outreach import HOW_CHOICES, note_fields, parse_day
from knowme.store import triage as q
from knowme.store.core import Store, now
from knowme.store.pairs import pending_pairs_between, rkeys_of, set_pair_status, set_verdicts, verdict_key
from knowme.store.sources import people_of_source
from knowme.store.suppression import active_exclusions_of, person_name


class QueryError(Exception):
    """A QUERY that names nobody, or more than one person (the message lists the candidates)."""


@dataclass(slots=True)
class MarkResult:
    changed: list[int]
    unchanged: list[int]
    decision: Decision | None
    left_excluded: list[int] = field(default_factory=list)  # bulk-selected people the suppression list covers
    unexcluded: list[int] = field(default_factory=list)  # exclusions lifted (with --unexclude)
    # people no longer in the workspace (another command merged or removed them since they were read):
    # nothing was done for them, and a caller holding their ids says so
    gone: list[int] = field(default_factory=list)


def find_people(store: Store, query: str) -> list[int]:
    """Ids of the people a query names: a person id, an email address or phone number in any spelling
    of it, a LinkedIn URL, or a name."""
    text = query.strip()
    if not text:
        return []
    if text.isdigit() and q.person_exists(store, int(text)):
        return [int(text)]
    mailbox = mailbox_key(text)
    if mailbox:
        return q.people_with_mailbox(store, mailbox)
    url = linkedin_key(text)
    if url:
        return q.people_with_key(store, "url", url)
    if _PHONE_QUERY.match(text):
        phone = phone_key(text, prefs.phone_region(store))
        if phone:
            return q.people_with_key(store, "phone", phone)
    folded = fold(text)
    rows = q.people_named_like(store, folded)
    exact = [pid for pid, name in rows if fold(name) == folded]
    if exact:
        return exact
    # "Smith, John" or "john smith" typed in another order than the stored name
    words = sorted(folded.split())
    return [pid for pid, name in rows if sorted(fold(name).split()) == words]


# what a phone number typed as a query looks like: digits and the punctuation people write them with
_PHONE_QUERY = re.compile(r"^(tel:)?\s*\+?[\d\s().\-/]+$", re.I)


def resolve_one(store: Store, query: str) -> int:
    """The one person a query names; QueryError (listing candidates) when it names none or several."""
    ids = find_people(store, query)
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise QueryError(f"nobody matches {query!r}")
    names = q.names_and_emails(store, ids, limit=10)
    listed = "; ".join(f"{pid}: {name}" + (f" <{email}>" if email else "") for pid, name, email in names)
    more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
    raise QueryError(f"{query!r} matches {len(ids)} people ({listed}{more}); use the id")


class ExcludedError(ValueError):
    """A decision change that would weaken an exclusion, refused: names each excluded person and the way out."""

    def __init__(self, covered: list[suppression.Suppressed], unexclude_blocked: bool = False,
                 decision: Decision | None = None) -> None:
        self.covered = covered
        self.unexclude_blocked = unexclude_blocked  # --unexclude would be refused too: nothing to ask about
        first = covered[0]
        more = f" (and {len(covered) - 1} more)" if len(covered) > 1 else ""
        if unexclude_blocked and first.owner.alive and decision is not None:
            # two excluded people (the parts of a split, a household): lifting one leaves the other's to them
            message = (f"{first}{more}: that exclusion is theirs, not this person's to lift; if they are different "
                       f"people: knowme mark {first.person_id} --not-same-as {first.owner.person_id}; to lift both: "
                       f"knowme mark {first.person_id} {first.owner.person_id} --as {decision.value} --unexclude")
        elif unexclude_blocked and not first.owner.alive:
            # a gone person's exclusion: nobody is left to un-exclude, so only an answer about who this is settles it
            me, them = first.name or f"person {first.person_id}", first.owner.name or f"person {first.owner.person_id}"
            held = first.how.removeprefix("holds ").rpartition(", ")[0]  # "holds x@y.com, an address of"
            shared = f" ({held} stays out of every upload all the same)" if first.how.startswith("holds ") and held \
                else ""
            message = (f"{first}{more}: {them}'s exclusion stays (--unexclude lifts no other name's); if {me} is "
                       f"someone else: knowme mark {first.person_id} --not-same-as {first.owner.person_id}{shared}; "
                       f"if {me} is {them}: knowme mark {first.person_id} --as exclude")
        elif unexclude_blocked:
            message = (f"{first}{more}: that exclusion is theirs, not this person's to lift; if they are different "
                       f"people: knowme mark {first.person_id} --not-same-as {first.owner.person_id}; if the same: "
                       f"knowme mark {first.person_id} --as exclude")
        elif first.is_self:
            message = (f"{first}{more}: changing that lifts the exclusion; add --unexclude if you mean it")
        else:
            other = f"knowme mark {first.person_id} --not-same-as {first.owner.person_id}"
            message = (f"{first}{more}: add --unexclude to lift that exclusion, or if they are different people: "
                       f"{other}")
        super().__init__(message)


def mark(store: Store, person_ids: Iterable[int], decision: Decision, note: str | None = None,
         action: str = "mark", *, unexclude: bool = False, bulk: Iterable[int] = ()) -> MarkResult:
    """Set the decision (and optionally the note) of people, as one undoable action (see `apply`)."""
    return apply(store, person_ids, decision=decision, note=note, action=action, unexclude=unexclude, bulk=bulk)


def apply(store: Store, person_ids: Iterable[int], *, decision: Decision | None = None, note: str | None = None,
          action: str = "mark", summary: str | None = None, per_person: dict[int, dict[str, object]] | None = None,
          unexclude: bool = False, bulk: Iterable[int] = (), **fields: Any) -> MarkResult:
    """Change the decision, note and outreach fields of people, all as one undoable action.

    `fields` are columns the user edits (see `OUTREACH_FIELDS`, plus `sent_on`/`accepted_on`), the
    same for everyone; `per_person` adds values that differ by person (a draft from a template).
    Everything is validated first, so a bad value changes nothing.

    A decision other than exclude never weakens an exclusion by accident: people the suppression
    list covers (excluded, or holding an excluded address, phone, profile, card or exact name) are
    left alone when they came in through a bulk selection (`bulk`: counted in `left_excluded`),
    and refused (ExcludedError, naming them) when named one by one, unless `unexclude`: then
    their exclusions are lifted, as part of this action. Marking exclude records a new exclusion.
    """
    ids = list(dict.fromkeys(person_ids))
    left: list[int] = []
    lifting: dict[int, list[int]] = {}
    if decision is not None and decision is not Decision.EXCLUDE:
        ids, left, lifting = _guard_exclusions(store, ids, set(bulk), unexclude, decision)
    values_wanted = _validated(fields)
    if note is not None:
        values_wanted["note"] = note
    own = {pid: _validated(extra) for pid, extra in (per_person or {}).items()}
    extra_cols = sorted({k for extra in own.values() for k in extra} - set(values_wanted))
    with store.transaction():
        before = store.snapshot(person_ids=ids)
        changed: list[int] = []
        unchanged: list[int] = []
        gone: list[int] = []
        stamp = now()
        excluding: set[int] = set()
        cols = ["decision", *values_wanted, *extra_cols]
        for pid in ids:
            current = q.person_fields(store, pid, cols)
            if current is None:
                gone.append(pid)
                continue
            wanted = {**values_wanted, **own.get(pid, {})}
            values: dict[str, object] = {k: v for k, v in wanted.items() if current[k] != v}
            if decision is not None and Decision(current["decision"]) != decision:
                values.update(decision=decision.value, decided_at=stamp)
                if decision is Decision.EXCLUDE:
                    excluding.add(pid)
            if not values and not lifting.get(pid):
                unchanged.append(pid)
                continue
            if values:
                store.update_person(pid, **values)
            changed.append(pid)
        if changed:
            after = store.snapshot(person_ids=ids)
            what = f"{len(changed)} people" if len(changed) > 1 else _name(store, changed[0])
            if summary is None:
                done = [f"marked {what} {decision.value}"] if decision is not None else [f"changed {what}"]
                done += [f"{k.replace('_on', '')}" for k in [*values_wanted, *extra_cols] if k != "note"]
                summary = done[0] + (f" ({', '.join(done[1:])})" if len(done) > 1 else "")
                if any(lifting.get(pid) for pid in changed):
                    summary += ", lifting the exclusion"
            log_id = store.log_action(action, summary, before, after)
            if decision is Decision.EXCLUDE:
                suppression.exclude(store, [pid for pid in changed if pid in excluding], log_id)
            lifted = sorted({eid for pid in changed for eid in lifting.get(pid, ())})
            if lifted:
                suppression.lift(store, lifted, log_id)
    return MarkResult(changed, unchanged, decision, left, sorted(pid for pid in changed if lifting.get(pid)), gone)


def _guard_exclusions(store: Store, ids: list[int], bulk: set[int], unexclude: bool,
                      decision: Decision) -> tuple[list[int], list[int], dict[int, list[int]]]:
    """(people to change, bulk-selected people left alone, exclusions to lift by person) for a decision
    other than exclude; ExcludedError for a named person the suppression list covers."""
    index = suppression.SuppressionIndex.load(store) if len(ids) > suppression.FOCUSED_UP_TO else None
    if index is not None and not index:
        return ids, [], {}
    covered = suppression.suppressed(store, ids, index)
    if not unexclude:  # only lifting an exclusion, or inviting someone who matches one, weakens it
        covered = {pid: why for pid, why in covered.items() if why.is_self or (
            decision is not Decision.UNDECIDED and q.decision_of(store, pid) is not decision)}
    if not covered:
        return ids, [], {}
    if not unexclude:
        named = [covered[pid] for pid in ids if pid in covered and pid not in bulk]
        if named:
            # the way out it names must be one that works: --unexclude never lifts another person's exclusion
            others = suppression.unexclusion(store, named[0].person_id, index).others
            raise ExcludedError(others, unexclude_blocked=True) if others else ExcludedError(named)
        return [pid for pid in ids if pid not in covered], [pid for pid in ids if pid in covered], {}
    lifting: dict[int, list[int]] = {}
    for pid in covered:
        plan = suppression.unexclusion(store, pid, index if index is not None else None)
        # an excluded person named in this same un-exclude lifts their own exclusion here: no one is left to ask
        others = [why for why in plan.others if not (why.owner.alive and why.owner.person_id in covered)]
        if others:
            # (`decision` for the way out that lifts both, when this person is excluded too)
            raise ExcludedError(others, unexclude_blocked=True, decision=decision if covered[pid].is_self else None)
        lifting[pid] = plan.lift
    return ids, [], lifting


def _name(store: Store, pid: int) -> str:
    return person_name(store, pid) or f"person {pid}"


# ---- outreach fields, bulk selection, sent/accepted ---------------------------------------------------

OUTREACH_FIELDS = ("how", "context", "why", "draft", "priority")


class TriageError(ValueError):
    """A triage change that cannot be made as asked (bad value, excluded person sent a request)."""


def _validated(fields: dict[str, object]) -> dict[str, object]:
    allowed = set(OUTREACH_FIELDS) | {"sent_on", "accepted_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise TriageError(f"cannot set {', '.join(sorted(unknown))}")
    values: dict[str, object] = {}
    for key, value in fields.items():
        if key == "priority":
            try:
                number = int(value)  # type: ignore[call-overload]
            except (TypeError, ValueError):
                raise TriageError(f"priority takes a whole number (1 = first, 0 = unset), not {value!r}") from None
            if number < 0:
                raise TriageError("priority must be 0 (unset) or more (1 = first)")
            values[key] = number
        elif key == "how":
            text = str(value or "").strip().lower()
            if text and text not in HOW_CHOICES:
                raise TriageError(f"how takes one of {', '.join(HOW_CHOICES)}, not {value!r}")
            values[key] = text
        elif key in ("sent_on", "accepted_on"):
            if value is not None and parse_day(str(value)) is None:
                raise TriageError(f"{key.replace('_on', '')} takes a date YYYY-MM-DD, not {value!r}")
            values[key] = value
        else:
            values[key] = str(value or "").strip() if key != "draft" else str(value or "")
    return values


def set_outreach(store: Store, person_id: int, since: dict[str, str] | None = None, **fields: Any) -> MarkResult:
    """Set how/context/why/draft/priority of one person, as one undoable action; PersonGone when another
    command merged or removed them since they were read (nothing saved: the caller keeps the text).

    `since`: the fields as the editor read them (`note_fields`). Only the fields changed since then are
    written, so what another window saved meanwhile in the others stays; EditConflict (nothing saved)
    when another window saved a field that was changed here too, to something else."""
    with store.transaction():  # the look and the write as one: no save slips in between
        if since is not None:
            person = store.person(person_id)
            if person is None:
                raise PersonGone(person_id)
            now = note_fields(person)
            mine = {k: v for k, v in _validated(fields).items() if k not in since or v != since[k]}
            theirs = {k: now[k] for k in now if now[k] != since.get(k, now[k])}
            clashing = {k: theirs[k] for k in mine if k in theirs and theirs[k] != mine[k]}
            if clashing:
                raise EditConflict(person_id, clashing, {k: mine[k] for k in clashing})
            fields = {k: fields[k] for k in fields if k in mine}
        result = apply(store, [person_id], action="outreach", **fields)
    if result.gone:
        raise PersonGone(person_id)
    return result


class PersonGone(TriageError):
    """The person an edit was for is no longer in the workspace: another command merged or removed them."""

    def __init__(self, person_id: int) -> None:
        super().__init__(f"person {person_id} is no longer in the workspace (another command merged or removed "
                         "them since they were shown); nothing was saved")
        self.person_id = person_id


class EditConflict(TriageError):
    """Another window saved a field of this person's note that the editor changed too, since it read them:
    nothing was saved. `theirs` and `mine` hold the clashing fields' two values."""

    def __init__(self, person_id: int, theirs: dict[str, str], mine: dict[str, str]) -> None:
        super().__init__(f"person {person_id}'s {', '.join(theirs)} changed in another window since they were "
                         "read; nothing was saved")
        self.person_id = person_id
        self.theirs = theirs
        self.mine = mine


def in_category(store: Store, category: str) -> list[int]:
    """People with a record in this address-book group or label (case- and accent-blind; `* starred` = starred)."""
    wanted = _category_key(category)
    return sorted({pid for pid, value in q.record_categories(store)
                   if isinstance(value, str) and _category_key(value) == wanted})


def _category_key(text: str) -> str:
    return fold(text.strip().lstrip("*").strip())


def at_domain(store: Store, domain: str) -> list[int]:
    """People with an email address at this domain or one of its subdomains."""
    domain = domain.strip().lower().lstrip("@").rstrip(".")
    if not domain:
        return []
    return sorted({pid for pid, key in q.emails_ending_with(store, domain)
                   if (d := key.rpartition("@")[2]) == domain or d.endswith("." + domain)})


def mark_sent(store: Store, person_ids: Iterable[int], day: date | None = None) -> MarkResult:
    """Record that a connection request went out (undecided people become personalize).

    An excluded person is never contacted: asking to record a request to one is an error.
    """
    ids = [pid for pid in dict.fromkeys(person_ids) if q.decision_of(store, pid) is not None]
    excluded = [pid for pid in ids if q.decision_of(store, pid) is Decision.EXCLUDE]
    if excluded:
        raise TriageError(f"{_name(store, excluded[0])} is excluded: mark them personalize first if you "
                          "really contacted them")
    stamp = (day or date.today()).isoformat()
    with store.transaction():
        before = store.snapshot(person_ids=ids)
        changed = []
        for pid in ids:
            values: dict[str, object] = {"sent_on": stamp, "accepted_on": None}
            if q.decision_of(store, pid) is Decision.UNDECIDED:
                values.update(decision=Decision.PERSONALIZE.value, decided_at=now())
            store.update_person(pid, **values)
            changed.append(pid)
        if changed:
            what = f"{len(changed)} people" if len(changed) > 1 else _name(store, changed[0])
            store.log_action("sent", f"recorded the request to {what} as sent on {stamp}", before,
                             store.snapshot(person_ids=ids))
    return MarkResult(changed, [], None)


def accepted_requests(store: Store) -> dict[int, str]:
    """People with a pending request who now show up as a connection, with the day it was seen.

    A sent person counts as accepted when their own records are connected, or when a connected
    record elsewhere shares an email, phone or LinkedIn URL with them, or carries the same folded
    first and last name as them and nobody else (a sure name match).
    """
    pending = q.pending_requests(store)
    if not pending:
        return {}
    connected_rows = q.connected_records(store)
    found: dict[int, str] = {}
    by_name: dict[tuple[str, str], set[int]] = {}
    for rid, pid, first, last, _on in connected_rows:
        if pid in pending:
            found[pid] = _seen_day(_on, pending[pid])
        if first and last:
            by_name.setdefault((first, last), set()).add(rid)
    connected_ids = {row[0]: row for row in connected_rows}
    for pid, rid in q.records_sharing_address(store, list(pending)):
        if rid in connected_ids and pid not in found:
            found[pid] = _seen_day(connected_ids[rid][4], pending[pid])
    names: dict[tuple[str, str], set[int]] = {}
    for pid, first, last in q.record_names(store, list(pending)):
        if first and last:
            names.setdefault((first, last), set()).add(pid)
    for key, pids in names.items():
        rids = by_name.get(key, set())
        if len(pids) == 1 and len(rids) == 1:
            pid = next(iter(pids))
            found.setdefault(pid, _seen_day(connected_ids[next(iter(rids))][4], pending[pid]))
    return found


def _seen_day(connected_on: str | None, sent_on: str) -> str:
    """The day a request counts as accepted: the connection date when readable and not before sending."""
    day = _connection_day(connected_on)
    sent = parse_day(sent_on)
    if day is not None and (sent is None or day >= sent):
        return day.isoformat()
    return date.today().isoformat()


def _connection_day(text: str | None) -> date | None:
    """LinkedIn writes `15 Jan 2023`; other exports ISO dates."""
    from datetime import datetime

    if not text:
        return None
    for fmt in ("%d %b %Y", "%Y-%m-%d", "%d %B %Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip()[:20], fmt).date()
        except ValueError:
            continue
    return parse_day(text)


def after_import(store: Store, source: str | None = None, ids: Iterable[int] | None = None,
                 people: Iterable[Person] | None = None) -> list[int]:
    """Run after an import stored records: note accepted requests, refresh suggestions of that source.

    Accepted requests are stamped (not logged as an undoable action: they follow from the data
    imported, as the import itself does). Returns the ids of the people newly accepted.
    """
    from knowme.suggest import refresh_suggestions

    accepted = accepted_requests(store)
    with store.transaction():
        for pid, day in accepted.items():
            store.update_person(pid, accepted_on=day)
    if people is not None or ids is not None:  # what the import touched, as the store reported it
        if people is not None:
            refresh_suggestions(store, people=people)
        if ids is not None:
            refresh_suggestions(store, ids)
    elif source is not None:
        refresh_suggestions(store, people_of_source(store, source))
    return sorted(accepted)


def mark_different(store: Store, person_a: int, person_b: int) -> int:
    """Record that two people are not the same (e.g. a knows-me lookalike of an excluded person).

    Stored as `different` verdicts between every pair of their records, so it survives re-imports
    (verdicts are kept by record identity); one undoable action. Returns the verdicts written.
    """
    if person_a == person_b:
        raise TriageError("a person cannot be different from themselves")
    rk_a = rkeys_of(store, person_a)
    rk_b = rkeys_of(store, person_b)
    if not rk_b:  # an excluded person no address book holds any more: their exclusion's cards
        rk_b = q.excluded_card_keys(store, person_b)
    pairs = {verdict_key(a, b) for a in rk_a for b in rk_b if a != b}
    if not pairs:
        raise TriageError("no records to compare")
    with store.transaction():
        queued = pending_pairs_between(store, person_a, person_b)  # answered too: the queue no longer asks
        before = store.snapshot(verdicts=pairs, pair_ids=queued)
        set_verdicts(store, pairs, "different")
        set_pair_status(store, queued, "different")
        gone = q.decision_of(store, person_b) is None  # only their exclusion remembers them
        name_b = _excluded_name(store, person_b) if gone else _name(store, person_b)
        store.log_action("different", f"{_name(store, person_a)} and {name_b} are different people",
                         before, store.snapshot(verdicts=pairs, pair_ids=queued))
    return len(pairs)


def _excluded_name(store: Store, person_id: int) -> str:
    return q.excluded_name(store, person_id) or f"person {person_id}"


def is_gone_excluded(store: Store, person_id: int) -> bool:
    """An id of an excluded person whom no address book holds any more, but whose exclusion stands."""
    return bool(active_exclusions_of(store, person_id)) and q.decision_of(store, person_id) is None

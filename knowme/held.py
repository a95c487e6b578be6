"""Who is held now: people alike someone the user excluded, left out of every upload until the user says
who they are.

An import holds a card that bears an excluded person's name (spelled another way too) or holds one of
their addresses, phones, profiles or cards, and names the first few (`ImportOutcome.held_line`). This
module finds every such person in the workspace at any time, whatever import brought them, so the user
can settle each one: `knowme mark ID --as exclude` when it is the excluded person, `knowme mark ID
--not-same-as OWNER` when it is not. The rule of who is covered is `suppression.suppressed` (the one
`mark` refuses by); this module only finds the few it may cover without working out everyone's identity,
and says why each one is held.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowme import suppression
from knowme.nameforms import Name, spelled_name
from knowme.normalize import mailbox_aliases, profile_aliases
from knowme.store import suppression as q
from knowme.store.sql import chunked

if TYPE_CHECKING:
    from knowme.store.core import Store


NAMELESS_CHUNK = 2_000  # people whose cards give no whole name, read this many at a time


@dataclass(frozen=True, slots=True)
class Held:
    """One person held now, and why: the excluded person they are alike, and by which name or identifier."""

    person_id: int
    name: str
    decision: str
    owner_id: int | None  # the excluded person (None for an exclusion made before exclusions named anyone)
    owner_name: str
    owner_in_a_book: bool  # False when no address book holds the excluded person any more
    how: str  # "bears the name of", "holds jane@x.com, an address of", ...
    matched: str  # the name or identifier they share: "jane doe", "jane@x.com"

    @property
    def ways_out(self) -> list[str]:
        """The commands that settle this person: the same person as the excluded one, or someone else."""
        ways = [f"knowme mark {self.person_id} --as exclude"]
        if self.owner_id is not None:
            ways.append(f"knowme mark {self.person_id} --not-same-as {self.owner_id}")
        return ways

    @property
    def owner_label(self) -> str:
        who = f"{self.owner_id}: {self.owner_name or '(no name)'}" if self.owner_id is not None else self.owner_name
        return f"{who} (excluded)" if self.owner_in_a_book else f"{who} (excluded, in no address book any more)"

    def why(self) -> str:
        """`bears the name of 17: Rex Boss (excluded)`, `holds rex@x.com, an address of 17: ...`."""
        return f"{self.how} {self.owner_label}"

    def to_dict(self) -> dict[str, object]:
        return {"id": self.person_id, "name": self.name, "decision": self.decision,
                "excluded": {"id": self.owner_id, "name": self.owner_name, "in_an_address_book": self.owner_in_a_book},
                "why": self.how, "matched": self.matched, "ways_out": self.ways_out}


def candidates(store: Store) -> list[int]:
    """The people, not excluded, whom the suppression list may cover: a card of theirs bears a name on it
    (either order, or spelled another way), or holds an address, phone, profile or card on it."""
    if not q.any_active_exclusion(store):
        return []
    found = q.people_near_entries(store)
    # an address at its provider's other domain, a profile under its old public path
    aliases = [(kind, alias) for kind, key in q.active_keys(store, ("email", "url"))
               for alias in (mailbox_aliases(key) if kind == "email" else profile_aliases(key))]
    found |= q.people_with_keys(store, aliases)
    spelled = q.all_active_spelled_keys(store)
    if spelled:
        names = [name for name in q.card_names(store) if _spelled_on_list(name, spelled)]
        found |= q.people_with_card_name(store, names)
        # a card without a whole name is named by what else it shows (its FN, a "Boss, Rex" cell, its
        # nickname, organisation, or a nameless card's rex.boss@ address): read as `mark` reads it
        nameless = q.people_without_card_name(store)
        for chunk in chunked(nameless, NAMELESS_CHUNK):
            found |= {pid for pid, ident in suppression.identities(store, chunk).items()
                      if any(_spelled_on_list(name, spelled) for name in ident.names)}
    return q.not_excluded(store, sorted(found))


def _spelled_on_list(name: Name, spelled: set[str]) -> bool:
    return len(name[0]) >= 2 and bool(name[1]) and q.spelled_key(name) in spelled


def held_now(store: Store) -> list[Held]:
    """Every person held now, in id order (none excluded: an excluded person is settled)."""
    return explain(store, candidates(store))


def explain(store: Store, person_ids: Sequence[int]) -> list[Held]:
    """Those of these people who are held now, and why, in id order."""
    ids = q.not_excluded(store, person_ids)
    if not ids:
        return []
    covered = suppression.suppressed(store, ids)
    decisions = q.decisions_by_id(store, sorted(covered))
    idents = suppression.identities(store, [pid for pid, why in covered.items() if why.how == "bears the name of"])
    found: list[Held] = []
    for pid, why in sorted(covered.items()):
        if why.is_self:
            continue
        owner = why.owner
        if why.how == "bears the name of":
            matched = _shared_name(idents.get(pid, suppression.Identity()).names, owner.identity.names)
        else:
            matched = why.how.removeprefix("holds ").partition(", ")[0]
        found.append(Held(pid, why.name, decisions.get(pid, ""), owner.person_id, owner.name, owner.alive,
                          why.how, matched))
    return found


def _shared_name(mine: Iterable[Name], theirs: Iterable[Name]) -> str:
    """The name of mine that is one of theirs as the matcher spells it (`rex boss`), or that name
    beside theirs when spelled otherwise (`juergen mueller ~ jürgen müller`)."""
    by_spelling = {spelled_name(name): name for name in sorted(theirs) if len(name[0]) >= 2 and name[1]}
    for name in sorted(mine):
        other = by_spelling.get(spelled_name(name)) if len(name[0]) >= 2 and name[1] else None
        if other is not None:
            return " ".join(name) if other == name else f"{' '.join(name)} ~ {' '.join(other)}"
    full = sorted(name for name in mine if len(name[0]) >= 2 and name[1])
    if full:
        return " ".join(full[0])
    return ""


def refresh(store: Store) -> list[Held]:
    """Every person held now, written for the Held view of this connection (`VIEW_WHERE['held']`)."""
    held = held_now(store)
    q.keep_held(store, [why.person_id for why in held])
    return held


def recheck(store: Store, person_ids: Iterable[int]) -> None:
    """Check these people again for the Held view (after a decision of theirs changed): cheap, as only
    the part of the list they could match is read."""
    ids = sorted(set(person_ids))
    if ids:
        q.keep_held(store, [why.person_id for why in explain(store, ids)], checked=ids)

"""Person lists: views, filters, sorts, windows and counts, and the rules that choose between them.

Both faces use these: the review UI reads the visible window of its contact list from here and
the sidebar its counts, the CLI can list the same views. The SQL is in `knowme.store.views`;
nothing here writes.

A list is materialised once as an ordered array of person ids (`person_ids`), which makes any
sort, filter or view scroll in constant time per window: rows are then read by id (`rows`).
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from knowme.model import Decision
from knowme.normalize import fold
from knowme.store import pairs
from knowme.store import views as q
from knowme.store.core import Store
from knowme.store.views import PersonRow, people_of_next_undo, rows

__all__ = ["PersonRow", "people_of_next_undo", "rows"]  # read straight from the store, for both faces


@dataclass(frozen=True, slots=True)
class View:
    """One named subset of the people, as the sidebar lists them (`knowme.store.views.VIEW_WHERE` says who)."""

    key: str
    label: str
    hint: str = ""
    #: the core works out who is in it (`knowme.held`), not an index: read by a list's worker, never on the
    #: UI thread, and counted whole (`view_counts`), not by the changes of the people marked
    worked_out: bool = False


VIEWS: tuple[View, ...] = (
    View("undecided", "Undecided", "to decide (people already connected are under Connected)"),
    View("knows-me", "Knows me", "go to the safe-to-sync file"),
    View("personalize", "Personalize", "go to the outreach queue"),
    View("exclude", "Exclude", "never invited, never uploaded"),
    View("connected", "Connected", "already connections: in neither export, nothing to decide"),
    View("suggestions", "Suggestions", "undecided people with a suggested decision"),
    View("duplicates", "Duplicates to review", "people in possible-duplicate pairs"),
    View("all", "All", "everybody"),
    View("notes", "Notes to fix", "personalize people whose note is missing or fails the linter"),
    View("held", "Held", "alike someone you excluded: uploaded by no mark until you say who they are", True),
)
VIEW_BY_KEY = {view.key: view for view in VIEWS}


@dataclass(frozen=True, slots=True)
class Sort:
    """One order of a list (`knowme.store.views.SORT_ORDER` says how)."""

    key: str
    label: str


SORTS: tuple[Sort, ...] = (
    Sort("name", "name"),
    Sort("company", "company"),
    Sort("signal", "signal strength"),
    Sort("suggestion", "suggestion"),
)
SORT_BY_KEY = {sort.key: sort for sort in SORTS}


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What a list shows: a view, a sort, and the filter text typed by the user."""

    view: str = "undecided"
    sort: str = "name"
    text: str = ""

    def __post_init__(self) -> None:
        if self.view not in VIEW_BY_KEY:
            raise ValueError(f"unknown view {self.view!r}")
        if self.sort not in SORT_BY_KEY:
            raise ValueError(f"unknown sort {self.sort!r}")

    def with_(self, **changes: Any) -> ListQuery:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, str]:
        return {"view": self.view, "sort": self.sort, "text": self.text}

    @classmethod
    def from_dict(cls, data: Any) -> ListQuery:
        """A saved query, falling back to the defaults for anything unknown."""
        if not isinstance(data, dict):
            return cls()
        view, sort, text = data.get("view"), data.get("sort"), data.get("text")
        return cls(view=view if isinstance(view, str) and view in VIEW_BY_KEY else "undecided",
                   sort=sort if isinstance(sort, str) and sort in SORT_BY_KEY else "name",
                   text=text if isinstance(text, str) else "")


# ---- filtering ------------------------------------------------------------------------------------

#: How a filter matched, best first: every typed word starts a word of the name, emails, company or
#: title (read from the full-text index); failing that, each word appears inside them (the words of
#: the index's vocabulary that contain it, then their people); failing that, its letters appear in
#: order from the start of a word ("jsmth" finds John Smith), the last resort and a scan.
MATCH_WORDS, MATCH_CONTAINS, MATCH_LETTERS = "words", "contains", "letters"
MATCH_MODES: tuple[str, ...] = (MATCH_WORDS, MATCH_CONTAINS, MATCH_LETTERS)
LOOSE_MODES: tuple[str, ...] = MATCH_MODES[1:]  # tried only when nobody's words start so

_FINDERS: dict[str, Callable[..., array[int]]] = {
    MATCH_WORDS: q.ids_with_word_starts,
    MATCH_CONTAINS: q.ids_with_words_inside,
    MATCH_LETTERS: q.ids_with_letters_in_order,
}


def filter_words(text: str) -> list[str]:
    """The folded words of a filter: matched the way the `search` column was folded."""
    return fold(text).split()


def matched_fields(row: PersonRow, text: str, mode: str = MATCH_WORDS) -> list[str]:
    """Which of a listed person's fields the filter matched ("name", "email", "company", "title")."""
    words = filter_words(text)
    if not words:
        return []
    if mode == MATCH_LETTERS:
        return ["letters in order"]
    fields = (("name", row.name), ("email", row.email), ("company", row.org), ("title", row.title))
    found = []
    for label, value in fields:
        folded = fold(value)
        if mode == MATCH_WORDS:
            hit = any((" " + folded).find(" " + word) >= 0 for word in words)
        else:
            hit = any(word in folded for word in words)
        if hit:
            found.append(label)
    return found or ["other email"]


# ---- lists and windows ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    """The people of a list in order, and how the filter matched them (see MATCH_MODES; "" unfiltered)."""

    ids: array[int]
    match: str = ""


def list_people(store: Store, query: ListQuery, offset: int = 0, limit: int | None = None,
                modes: Sequence[str] = MATCH_MODES, vocabulary: q.Vocabulary | None = None) -> Listing:
    """The people of a view, filtered and sorted, as an array of ids (all, or `limit` from `offset`).

    With a filter, people whose words start with the typed words come first from the full-text
    index (milliseconds at a million people), name matches first (whole words ahead of word
    starts, ahead of words inside the name); only when nobody matches so are the looser modes
    tried. `modes` limits which match modes are tried (a UI shows the word matches at once and
    runs the others after); a UI keeps one `vocabulary` of the index for its inside-word searches.
    A first page (`limit` from the start) of one- or two-letter words walks the list instead of
    ranking everyone (`knowme.store.views.first_page_of_word_starts`): the same people.
    """
    if VIEW_BY_KEY[query.view].worked_out and not offset:
        _work_out(store, query.view)
    words = filter_words(query.text)
    if not words:
        return Listing(q.view_ids(store, query.view, query.sort, offset, limit))
    if modes and modes[0] == MATCH_WORDS and limit is not None and not offset:
        page = q.first_page_of_word_starts(store, query.view, query.sort, words, limit)
        if page is not None:
            return Listing(page, MATCH_WORDS)
    finders = {**_FINDERS, MATCH_CONTAINS: partial(q.ids_with_words_inside, vocabulary=vocabulary)}
    for mode in modes:
        ids = finders[mode](store, query.view, query.sort, words, offset, limit)
        if ids or offset:
            return Listing(ids, mode)
    return Listing(array("q"), modes[-1] if modes else MATCH_WORDS)


def _work_out(store: Store, view: str) -> None:
    """Work out who is in a view the core decides (`View.worked_out`) for this connection's queries."""
    if view == "held":
        from knowme import held  # the suppression list's matching: loaded only when this view is opened

        held.refresh(store)


def person_ids(store: Store, query: ListQuery, offset: int = 0, limit: int | None = None) -> array[int]:
    """The ids of `list_people` (the order a list shows)."""
    return list_people(store, query, offset, limit).ids


def next_with_decision(store: Store, ids: Sequence[int], start: int, decision: Decision = Decision.UNDECIDED,
                       step: int = 1, chunk: int = 128) -> int | None:
    """The index of the first person after `start` (before it with step=-1) who has `decision`.

    People already connected are never "to decide": the next undecided person is one who is not.
    """
    position = start + step
    while 0 <= position < len(ids):
        if step > 0:
            window = list(ids[position:position + chunk])
        else:
            window = list(ids[max(0, position - chunk + 1):position + 1])[::-1]
        found = q.decisions_of(store, window)
        hits = {pid for pid, (value, connected) in found.items()
                if value == decision and not (connected and decision == Decision.UNDECIDED)}
        for offset, pid in enumerate(window):
            if pid in hits:
                return position + offset * step
        position += len(window) * step
    return None


def members(store: Store, query: ListQuery, ids: Iterable[int]) -> set[int]:
    """Which of these people (still) belong to a list, e.g. after their decision changed."""
    if query.view == "held":
        from knowme import held

        held.recheck(store, ids := list(ids))
    # the loosest match mode holds every tighter one: someone listed stays listed
    return q.members(store, query.view, filter_words(query.text), ids)


def duplicates_count(store: Store) -> int:
    """How many questions the review of possible duplicates asks (the sidebar's and the status line's
    figure, the same as the duplicates dialog's "1 of N")."""
    return pairs.pending_question_count(store)


def pending_pairs_of(store: Store, person_id: int) -> int:
    """How many possible-duplicate pairs waiting for review involve this person."""
    return len(pairs.pending_pairs_involving(store, person_id))


def window_at(store: Store, query: ListQuery, person_id: int, before: int, size: int) -> tuple[array[int], int] | None:
    """A window of a name-sorted, unfiltered list around a person and the row they (or the next by name,
    when the view no longer holds them) are on in it (`knowme.store.views.window_by_name`); None when
    only the whole list can tell."""
    if query.sort != "name" or query.text or VIEW_BY_KEY[query.view].worked_out:
        return None
    return q.window_by_name(store, query.view, person_id, before, size)


def records_of(store: Store, person_id: int) -> tuple[int, ...]:
    """A person's record ids, kept by the list for `merged_into` (cheap: one index lookup)."""
    return tuple(q.record_ids_of(store, person_id))


def merged_into(store: Store, person_id: int, records: Sequence[int]) -> int | None:
    """The one person now holding every remaining record of a person who is gone (merged into them by
    another command); None when the person is still here, or their records are gone or spread over
    several people (removed, re-imported, split): then nobody can be said to be them."""
    if not records or rows(store, [person_id]):
        return None
    holders = q.people_holding(store, records)
    return next(iter(holders)) if len(holders) == 1 else None


# ---- counts ---------------------------------------------------------------------------------------


def progress(counts: dict[str, int]) -> tuple[int, int]:
    """(decided, to decide in all): people already connected are outside triage, as in the exports."""
    total = max(0, counts.get("all", 0) - counts.get("connected", 0))
    return max(0, total - counts.get("undecided", 0)), total


#: Views counted in people by the changes of the people marked; "duplicates" is counted in pairs waiting for
#: review, and a view the core works out (`View.worked_out`) whole, as a mark may change who else is in it.
PEOPLE_VIEWS: tuple[str, ...] = tuple(view.key for view in VIEWS if view.key != "duplicates" and not view.worked_out)


def recount_after(store: Store, decision: Decision | None, counts: dict[str, int]) -> bool:
    """Whether the counts are to be read again whole after people were given this decision (None: an undo
    or redo): someone held may be settled, or an exclusion (made, or put back by an undo) hold others."""
    if decision is Decision.EXCLUDE or counts.get("held"):
        return True
    return decision is None and q.any_active_exclusion(store)


def memberships(store: Store, ids: Iterable[int]) -> dict[str, set[int]]:
    """Which of these people each people-counted view holds (read before and after a change)."""
    return q.memberships(store, PEOPLE_VIEWS, ids)


def apply_count_changes(counts: dict[str, int], before: dict[str, set[int]], after: dict[str, set[int]]) -> None:
    """Update view counts in place from the memberships of the changed people before and after."""
    for key in PEOPLE_VIEWS:
        counts[key] = counts.get(key, 0) + len(after[key]) - len(before[key])


def view_counts(store: Store) -> dict[str, int]:
    """How many people each sidebar view holds, and the pairs to review (all read from indexes)."""
    counts = {view.key: 0 for view in VIEWS}
    for decision, connected, n in q.people_by_decision(store):
        counts["all"] += n
        if connected:
            counts["connected"] += n
        if connected and decision == Decision.UNDECIDED:
            continue  # already a connection: nothing to decide
        counts[decision.value] += n
    counts["suggestions"] = q.view_size(store, "suggestions")
    counts["duplicates"] = duplicates_count(store)
    counts["notes"] = q.view_size(store, "notes")
    if q.any_active_exclusion(store):
        from knowme import held  # the suppression list's matching: loaded only when someone is excluded

        counts["held"] = len(held.refresh(store))
    return counts

# ---- overview -------------------------------------------------------------------------------------


@dataclass(slots=True)
class SourceProgress:
    """How far triage got for the people one source file contributes."""

    source: str
    format: str
    people: int
    decisions: dict[str, int] = field(default_factory=dict)  # "undecided": those to decide, as in `Overview`
    connected: int = 0  # undecided people already connected: outside triage

    @property
    def to_decide(self) -> int:
        return self.people - self.connected

    @property
    def decided(self) -> int:
        return self.to_decide - self.decisions.get(Decision.UNDECIDED.value, 0)


@dataclass(slots=True)
class Overview:
    """Triage progress as a whole, per source, and how recently the user was in touch (by year)."""

    people: int
    decisions: dict[str, int]  # "undecided" counts the people to decide (not those already connected)
    sources: list[SourceProgress]
    last_mail_years: dict[int, int]
    no_mail: int
    connected: int = 0  # undecided people already connected: outside triage, as in the sidebar

    @property
    def to_decide(self) -> int:
        return self.people - self.connected

    @property
    def decided(self) -> int:
        return self.to_decide - self.decisions.get(Decision.UNDECIDED.value, 0)

    def year_series(self) -> list[tuple[int, int]]:
        """(year, people last in touch that year) for every year from the first to the last."""
        if not self.last_mail_years:
            return []
        first, last = min(self.last_mail_years), max(self.last_mail_years)
        return [(year, self.last_mail_years.get(year, 0)) for year in range(first, last + 1)]


def overview(store: Store) -> Overview:
    """The figures of the overview screen (one pass over records, one over people)."""
    decisions = {d.value: 0 for d in Decision}
    connected = 0
    for decision, is_connected, n in q.people_by_decision(store):
        if is_connected and decision == Decision.UNDECIDED:
            connected += n
        else:
            decisions[decision.value] += n
    by_source = {name: SourceProgress(name, fmt, 0, {d.value: 0 for d in Decision}) for name, fmt in q.sources(store)}
    for name, decision, is_connected, n in q.people_by_source_and_decision(store):
        progress = by_source.get(name)
        if progress is not None:
            progress.people += n
            if is_connected and decision == Decision.UNDECIDED:  # a LinkedIn export's: nothing to decide
                progress.connected += n
            else:
                progress.decisions[decision.value] += n
    by_year = q.people_by_last_mail_year(store)
    years = {year: n for year, n in by_year if year is not None}
    no_mail = sum(n for year, n in by_year if year is None)
    return Overview(sum(decisions.values()) + connected, decisions, list(by_source.values()), years, no_mail,
                    connected)

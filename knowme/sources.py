"""The imported sources of a workspace: what each holds, and forgetting one imported by mistake.

`forget_source` removes a source as one undoable action: its records (with their matching keys
and review-queue pairs) and the people left without any record go; people who keep records from
other sources stay, with their decisions. What identified an excluded person of that source stays
suppressed: the suppression list (knowme.suppression) keeps every entry of theirs, and no undo or
redo removes one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowme import suppression
from knowme.model import Decision
from knowme.store import sources as q
from knowme.store.core import Store
from knowme.text import plural


class SourceError(Exception):
    """No such source (or several): the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One imported source, as `knowme sources` lists it."""

    id: int
    file: str
    path: str
    format: str
    records: int
    people: int
    problems: int
    imported_at: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "path": self.path, "format": self.format, "records": self.records,
                "people": self.people, "problems": self.problems, "imported_at": self.imported_at}


def source_summaries(store: Store) -> list[SourceSummary]:
    """Every source in import order, with how many people hold at least one of its records."""
    people = q.people_per_source(store)
    return [SourceSummary(s.id, s.name, s.path, s.format, s.records, people.get(s.id, 0), len(s.problems),
                          s.imported_at) for s in store.sources()]


def find_source(store: Store, query: str) -> SourceSummary:
    """The source named by its file name (as `status` shows it), its path, or its number in `sources`."""
    summaries = source_summaries(store)
    if not summaries:
        raise SourceError("the workspace has no sources; `knowme import FILE` adds one")
    by_name = [s for s in summaries if s.file == query]
    if by_name:
        return by_name[0]
    wanted = Path(query).expanduser()
    resolved = wanted.resolve() if wanted.exists() else wanted.absolute()
    by_path = [s for s in summaries if Path(s.path).expanduser().absolute() in (resolved, wanted.absolute())]
    if len(by_path) == 1:
        return by_path[0]
    if query.isdigit() and len(query) < 19:
        by_id = [s for s in summaries if s.id == int(query)]
        if by_id:
            return by_id[0]
    names = ", ".join(s.file for s in summaries[:10]) + (", ..." if len(summaries) > 10 else "")
    raise SourceError(f"no source {query!r} in the workspace (its sources: {names}); `knowme sources` lists them")


@dataclass(frozen=True, slots=True)
class ForgetResult:
    source: str
    records: int
    people_removed: int
    people_kept: int  # people who lost records of this source but keep records from others
    # the removed people the user had decided on or written for: (id, name, decision, wrote a note or draft)
    dropped: tuple[tuple[int, str, str, bool], ...] = ()

    def line(self) -> str:
        kept = (f"; {plural(self.people_kept, 'person')} {'keeps' if self.people_kept == 1 else 'keep'} "
                "their records from other sources") if self.people_kept else ""
        return (f"forgot {self.source}: {plural(self.records, 'record')} and "
                f"{plural(self.people_removed, 'person')} removed{kept}; `knowme undo` brings it back")

    def dropped_line(self) -> str | None:
        """One line saying which decisions (and notes) went with the removed people: counts by decision,
        the excluded by name (their exclusion stays on the suppression list, and their card comes back
        excluded); None when nobody removed had any."""
        decided = [row for row in self.dropped if row[2] != Decision.UNDECIDED.value]
        wrote = sum(1 for row in self.dropped if row[3])
        if not decided and not wrote:
            return None
        parts = []
        for decision in (Decision.EXCLUDE, Decision.KNOWS_ME, Decision.PERSONALIZE):
            names = [name or f"person {pid}" for pid, name, value, _ in decided if value == decision.value]
            if not names:
                continue
            part = f"{decision.value} {len(names)}"
            if decision is Decision.EXCLUDE:
                shown = "; ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
                part += (f" ({shown}: still on the suppression list, and excluded again should "
                         f"{'the card' if len(names) == 1 else 'their cards'} come back)")
            parts.append(part)
        said = [f"{plural(len(decided), 'person')} you had decided on went with it: {', '.join(parts)}"] if decided else []
        if wrote:
            said.append(f"{'and ' if decided else ''}the notes or drafts of {plural(wrote, 'person')}"
                        f"{'' if decided else ' went with it'}")
        return f"{self.source}: {'; '.join(said)}; `knowme undo` brings them back"


def forget_source(store: Store, query: str) -> ForgetResult:
    """Remove one source and what only it held, as one undoable action (see the module's docstring)."""
    with store.transaction():
        source = find_source(store, query)
        people = q.people_with_records_of(store, source.id)
        before = store.snapshot(person_ids=people)
        rows = q.rows_of_source(store, source.id)
        decided = q.decided_or_written(store, people)
        # an excluded person of this source stays on the suppression list whatever happens to their records:
        # what they hold now is captured first (the list never loses an entry, undo and redo included)
        suppression.capture(store, people)
        q.delete_rows_of_source(store, source.id)
        alive = {person.id for person in store.refresh_people(people)}
        after = store.snapshot(person_ids=people)
        before["rows"] = {"insert": rows}
        after["rows"] = {"delete": {table: _ids(table, data) for table, data in rows.items()}}
        dropped = tuple(row for row in decided if row[0] not in alive)
        result = ForgetResult(source.file, len(rows["records"]["rows"]), len(people) - len(alive), len(alive),
                              dropped)
        store.log_action("forget", f"forgot source {source.file}", before, after)
    return result


def _ids(table: str, data: dict[str, Any]) -> list[Any]:
    """What identifies each removed row, for redo: the id, or (record_id, kind, key) for keys."""
    columns = data["columns"]
    if table == "keys":
        at = [columns.index(c) for c in ("record_id", "kind", "key")]
        return [[row[i] for i in at] for row in data["rows"]]
    at_id = columns.index("id")
    return [row[at_id] for row in data["rows"]]

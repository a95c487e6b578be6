"""The two outputs: the safe-to-sync file and the personalised-outreach queue.

`export_safe(store, path, fmt)` writes exactly the knows-me people who are not connected, with
no address on the suppression list (see `knowme.exports.safe`); it refuses, writing nothing,
while a knows-me person may be an excluded one. `export_outreach(store, path, fmt)` writes
the personalize people's queue (see `knowme.exports.queue_files`). Formats come from the
registry (`exporters("safe")`, `exporters("outreach")`); files are private (0600), written whole
or not at all; an empty export still writes a header-only file and says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from knowme.addresses import addresses_in
from knowme.exports import contacts as _contacts  # noqa: F401  (registers the safe formats)
from knowme.exports import queue_files as _queue_files  # noqa: F401  (registers the outreach formats)
from knowme.exports.files import STDOUT, ExportError, Protected, check_output, protected_files, safe_cell, write_private
from knowme.exports.queue_files import OutreachData
from knowme.exports.registry import Exporter, exporters, get
from knowme.exports.safe import (
    ContactRow,
    KeptApart,
    Lookalike,
    Preflight,
    outreach_conflicts,
    plan_safe,
    preflight,
    withheld_keys,
)
from knowme.normalize import linkedin_key, mailbox_key
from knowme.outreach import Queue, queue_from_store
from knowme.runtime import bulk_work
from knowme.store.core import Store
from knowme.suppression import SuppressionIndex
from knowme.text import plural


def protected_files_of(store: Store) -> list[Protected]:
    """What an export from this workspace must never replace: it, its journal, every file imported into it,
    now or before (an earlier version of a source, a source since forgotten)."""
    current = [(s.name, s.path) for s in store.sources()]
    paths = {path for _, path in current}
    return protected_files(store.path, current + [(name, path) for name, path in store.imported_paths()
                                                  if path not in paths])


def _check_output(store: Store, path: Path | str, force: bool) -> None:
    """Refuse a bad output before the work of an export, not after (write_private checks again)."""
    if str(path) != STDOUT:
        check_output(Path(path), protected_files_of(store), force)


class LookalikesBlock(ExportError):
    """The safe export is refused: knows-me people look like excluded ones (listed in `preflight`)."""

    def __init__(self, pre: Preflight) -> None:
        self.preflight = pre
        n = len({lk.knows_me_id for lk in pre.lookalikes})
        super().__init__(f"{plural(n, 'knows-me person')} may be excluded (an excluded address, "
                         "phone or card, a phone ending in the same nine digits, a name alike, a nameless card's "
                         "address spelling an excluded name, an open duplicate pair, or an excluded address in a cell); "
                         "nothing was written. Resolve each with the command listed under it")


class OutreachBlock(ExportError):
    """The outreach export is refused: personalize people look like excluded ones (`lookalikes`)."""

    def __init__(self, lookalikes: list[Lookalike]) -> None:
        self.lookalikes = lookalikes
        n = len({lk.knows_me_id for lk in lookalikes})
        super().__init__(f"{plural(n, 'personalize person')} may be excluded ({lookalikes[0]}"
                         + (f"; and {plural(len(lookalikes) - 1, 'more conflict')}" if len(lookalikes) > 1 else "")
                         + "); nothing was written. Resolve each with the command `knowme export outreach` lists")


@dataclass(slots=True)
class ExportReport:
    """What an export wrote: the file, how many people, and the summary lines to show."""

    path: Path
    kind: str
    format: str
    written: int
    lines: list[str] = field(default_factory=list)
    preflight: Preflight | None = None
    queue: Queue | None = None

    @property
    def empty(self) -> bool:
        return self.written == 0


def _exporter(kind: str, fmt: str) -> Exporter:
    try:
        return get(kind, fmt)
    except KeyError as exc:
        raise ExportError(str(exc.args[0])) from None


@bulk_work()
def export_safe(store: Store, path: Path, fmt: str = "linkedin-csv", force: bool = False) -> ExportReport:
    """Write the safe-to-sync file; LookalikesBlock (nothing written) while lookalikes are unresolved.

    `path` "-" is standard output; an existing file is replaced only with `force` (see `write_private`).
    """
    exporter = _exporter("safe", fmt)
    _check_output(store, path, force)
    plan = plan_safe(store)
    if plan.preflight.blocked:
        raise LookalikesBlock(plan.preflight)
    write_private(path, lambda fh: exporter.write(fh, plan.rows), force=force, protected=protected_files_of(store))
    lines = plan.preflight.lines()
    if not plan.rows:
        lines.append("nothing to export: no knows-me person with an address that is safe to upload "
                     f"(wrote an empty {exporter.label} file)")
    return ExportReport(Path(path), "safe", fmt, len(plan.rows), lines, preflight=plan.preflight)


def _outreach_plan(store: Store, today: date) -> tuple[Queue, dict[int, list[str]], set[str], dict[int, str]]:
    """The outreach queue, each person's addresses it may write (every address a cell holds must be
    free of the suppression list), the withheld mailbox keys, and each person's LinkedIn profile it
    may write: their first one read as a profile (`linkedin_key`) that is no excluded person's (a person
    kept apart from an excluded one with `--not-same-as` may still hold his profile; it is never
    written, as his address is not)."""
    queue = queue_from_store(store, today)
    index = SuppressionIndex.load(store)
    blocked, profiles_blocked = withheld_keys(store, index)
    kept_apart = KeptApart(store, index)
    emails = {item.person.id: [e for e in item.person.emails
                               if not any((key := mailbox_key(a)) in blocked and not kept_apart(item.person.id, key)
                                          for a in addresses_in(e) or [e])]
              for item in queue.items}
    profiles = {item.person.id: next((url for record in item.person.records for url in record.linkedin_urls
                                      if (key := linkedin_key(url)) is not None and key not in profiles_blocked), "")
                for item in queue.items}  # (a link read as no profile is not one the queue needs, nor one it can check)
    return queue, emails, blocked, profiles


@bulk_work()
def outreach_preflight(store: Store, today: date | None = None) -> list[Lookalike]:
    """What would stop the outreach export (`OutreachBlock`), without writing it: each way a personalize
    person of the queue may be an excluded one."""
    queue, emails, _, _ = _outreach_plan(store, today or date.today())
    return outreach_conflicts(store, [item.person for item in queue.items], emails)


@bulk_work()
def export_outreach(store: Store, path: Path, fmt: str = "md", today: date | None = None,
                    force: bool = False) -> ExportReport:
    """Write the personalised-outreach queue; addresses an excluded person holds are left out here too,
    and OutreachBlock (nothing written) while a personalize person may be an excluded one."""
    exporter = _exporter("outreach", fmt)
    _check_output(store, path, force)
    today = today or date.today()
    queue, emails, blocked, profiles = _outreach_plan(store, today)
    conflicts = outreach_conflicts(store, [item.person for item in queue.items], emails)
    if conflicts:
        raise OutreachBlock(conflicts)
    # a card without a name shows its address as the name: never one an excluded person holds
    hidden = frozenset(item.person.id for item in queue.items if "@" in item.person.display_name
                       and mailbox_key(item.person.display_name) in blocked)
    write_private(path, lambda fh: exporter.write(fh, OutreachData(queue, emails, today, hidden, profiles)), force=force,
                  protected=protected_files_of(store))
    counts = queue.counts()
    lines = [f"in the queue: {plural(len(queue.items), 'person')} ("
             + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")"]
    if queue.lint_errors:
        lines.append(f"notes still to fix or write: {queue.lint_errors}")
    if queue.connected_skipped:
        lines.append(f"skipped as already connected: {queue.connected_skipped}")
    if queue.allowance:
        batches = sorted({i.batch for i in queue.items if i.batch})
        if batches:
            lines.append(f"planned into {plural(len(batches), 'monthly batch')} of up to {queue.allowance} "
                         f"({batches[0]} to {batches[-1]})")
    if not queue.items:
        lines.append(f"nothing to export: no personalize people in the queue (wrote an empty {exporter.label} file)")
    return ExportReport(Path(path), "outreach", fmt, len(queue.items), lines, queue=queue)


__all__ = ["ContactRow", "ExportError", "ExportReport", "Exporter", "Lookalike", "LookalikesBlock", "OutreachBlock",
           "Preflight",
           "export_outreach", "export_safe", "exporters", "get", "outreach_preflight", "plan_safe", "preflight",
           "safe_cell"]

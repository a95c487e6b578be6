"""How far a personalize person's note is: needed (no note), fix (the linter finds errors: it cannot be
sent), check (warnings only) or ready.

A rule of its own, below the store: every workspace connection answers it as the SQL function
`note_status` (see `knowme.outreach.NOTE_STATUS_SQL`), so a list can filter and count by it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from knowme.notelimit import DEFAULT_LIMIT

if TYPE_CHECKING:
    from knowme.lint import LintReport

NOTE_NEEDED, NOTE_FIX, NOTE_CHECK, NOTE_READY = "needed", "fix", "check", "ready"
NOTE_LABELS = {NOTE_NEEDED: "note needed", NOTE_FIX: "✗ to fix", NOTE_CHECK: "! check", NOTE_READY: "✓ ready"}
"""How far a personalize person's note is, as a list shows it."""


def note_status(report: LintReport | None) -> str:
    """needed (no note), fix (errors), check (warnings) or ready."""
    if report is None or any(f.code == "empty" for f in report.findings):
        return NOTE_NEEDED
    if report.errors:
        return NOTE_FIX
    return NOTE_CHECK if report.warnings else NOTE_READY


def note_status_of_row(draft: str, names: str, limit: object) -> str:
    """`note_status` from what the people and records tables hold (the SQL function `note_status`).

    `names` is the person's folded first names and nicknames, records apart by \\x1e and a first
    name from its nickname by \\x1f; `limit` the stored note-limit setting (JSON text) or None.
    """
    if not draft.strip():
        return NOTE_NEEDED
    try:
        note_limit = int(str(limit)) if limit is not None else DEFAULT_LIMIT
    except ValueError:
        note_limit = DEFAULT_LIMIT
    from knowme.lint import lint_note  # the linter's rules load with the first note a list shows

    given = [part for record in names.split("\x1e") for part in record.split("\x1f") if part.strip()]
    first = given[0] if given else None
    return note_status(lint_note(draft, limit=note_limit, first_name=first, nicknames=given[1:]))

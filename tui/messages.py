"""Messages the review UI's workers and screens post; workers never touch widgets, they post these."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class Progress(Message):
    """A long job moved on: `done` of `total` units (bytes, files, pairs) of `label`.

    Floods collapse: a newer progress message of the same job replaces one not yet handled.
    """

    job: str
    label: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Progress) and message.job == self.job


@dataclass
class JobDone(Message):
    """A worker finished; `result` is what the core returned (a report), `error` a readable cause."""

    job: str
    result: Any = None
    error: str | None = None


@dataclass
class CountsReady(Message):
    """Fresh sidebar counts, read in a worker; `generation` tells whether a change landed meanwhile."""

    counts: dict[str, int] = field(default_factory=dict)
    generation: int = 0


@dataclass
class WorkspaceChanged(Message):
    """Something changed the workspace (a decision, an undo, an import, a merge): widgets re-read the store.

    `people` names the people touched when known; `reload` asks for the list to be read again
    (people may have appeared or vanished), else only their rows and the counts are refreshed.
    `focus` is the person to put the cursor on afterwards; `counted` says the sidebar counts were
    already adjusted (else they are read again).
    """

    summary: str = ""
    people: tuple[int, ...] = ()
    reload: bool = False
    focus: int | None = None
    counted: bool = False


class QuitInTurn(Message):
    """ctrl+q or ctrl+c, sent the way keys go (from the focused widget up to the app), so the app quits
    behind the keys typed before it, once they have acted (`KnowmeApp.action_quit`)."""


class PaletteInTurn(Message):
    """ctrl+p, sent the way keys go, so the command palette opens behind the keys typed before it, once
    they have acted (`KnowmeApp.action_command_palette`)."""

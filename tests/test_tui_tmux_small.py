"""In a real terminal made small (tmux resize-window): every row still shows its person's name and decision,
and a decision key acts on a person shown. Under 60 columns the sidebar's 21 columns left the list none
(20 wide) or no room for the decision column (40 wide), so an excluded person's row showed no decision;
at 30x8 the list showed no name at all while x still excluded the highlighted person."""
from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import pytest
from test_tui_layout import many_people
from test_tui_tmux import ROOT, TMUX, Terminal
from tui_helpers import decisions, make_workspace

from knowme.model import Decision
from knowme.store.core import Store
from knowme.triage import mark

pytestmark = [pytest.mark.slow, pytest.mark.skipif(TMUX is None, reason="tmux is not installed")]


def review(workspace: Path, name: str, width: int = 100, height: int = 30) -> Terminal:
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review")
    terminal = Terminal(f"knowme-{name}-{os.getpid()}", command, width=width, height=height)
    terminal._tmux("set-option", "-t", "main", "window-size", "manual")
    return terminal


def resize(terminal: Terminal, width: int, height: int) -> str:
    terminal._tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))
    terminal.wait_for(lambda s: len(s.splitlines()) == height and all(len(line) <= width for line in s.splitlines()),
                      f"the screen at {width}x{height}")
    return terminal.settled()


def test_each_row_shows_its_decision_in_a_small_terminal(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        mark(store, [ids["Carol Chen"]], Decision.EXCLUDE)
        mark(store, [ids["Dan Dunn"]], Decision.KNOWS_ME)
    terminal = review(workspace, "small")
    try:
        terminal.wait_for(lambda s: "Undecided · 7 people" in s, "the list")
        terminal.keys("8", "Down", "Down")  # All, by name: Alice, Bob, Carol
        terminal.wait_for(lambda s: "All · 10 people" in s, "the All view")
        for width, height in [(59, 20), (40, 14), (30, 8), (20, 8)]:
            screen = resize(terminal, width, height)
            rows = {name: next((line for line in screen.splitlines() if name in line), None)
                    for name in ("Bob Bak", "Carol Ch", "Dan Dunn")}
            assert all(rows.values()), f"{width}x{height}:\n{screen}"
            assert re.search(r"\s(x|exclude)(\s|$)", rows["Carol Ch"]), f"{width}x{height}:\n{screen}"
            assert re.search(r"\s(k|knows me)(\s|$)", rows["Dan Dunn"]), f"{width}x{height}:\n{screen}"
            assert not re.search(r"\s(x|exclude|k|knows me)(\s|$)", rows["Bob Bak"]), f"{width}x{height}:\n{screen}"
        terminal.keys("Down", "x")  # Dan Dunn, shown
        terminal.wait_for(lambda s: "Dan Dunn →" in s, "Dan Dunn marked")
        assert decisions(workspace)["Dan Dunn"] == "exclude"
    finally:
        terminal.close()


def test_a_decision_in_a_scrolled_list_made_small_goes_to_a_person_shown(tmp_path: Path) -> None:
    workspace = many_people(tmp_path / "w.db", 300, 0)
    terminal = review(workspace, "scrolled")
    try:
        terminal.wait_for(lambda s: "Undecided · 300 people" in s, "the list")
        terminal.keys("End", "PageUp", "PageUp", "Up")
        terminal.settled()
        screen = resize(terminal, 30, 8)
        terminal.keys("x")
        terminal.wait_for(lambda s: "Undecided · 299 people" in s or "→ exclude" in s, "the exclusion")
        (excluded,) = [name for name, decision in decisions(workspace).items() if decision == "exclude"]
        assert excluded in screen, f"{excluded} was excluded, the screen showed:\n{screen}"
    finally:
        terminal.close()


def _dialog_text(screen: str) -> str:
    """The text inside the dialog's frame, its rows run together (a long path wraps over two rows)."""
    inside = [line.split("█")[1] for line in screen.splitlines() if line.count("█") >= 2]
    return "".join(line.strip() for line in inside)


def test_the_export_dialog_at_60x20_shows_who_goes_out_and_where_and_ctrl_e_writes(tmp_path: Path) -> None:
    """An ordinary tmux pane: the count and the file fitted no longer beside the button, and ctrl+e was refused."""
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        mark(store, [ids["Alice Archer"], ids["Dan Dunn"]], Decision.KNOWS_ME)
    folder = tmp_path / "out"
    folder.mkdir()
    command = (f"cd {shlex.quote(str(folder))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review")
    terminal = Terminal(f"knowme-export-{os.getpid()}", command, width=60, height=20)
    try:
        terminal.wait_for(lambda s: "Undecided · 7 people" in s, "the list")
        terminal.keys("e")
        shown = (f"{folder}/knowme-safe-to-sync.csv:", "ctrl+e writes it.")
        # waited for whole: a frame caught while the dialog is still being drawn holds its first rows only
        terminal.wait_for(lambda s: "2 knows-me people go out" in s and all(part in _dialog_text(s) for part in shown),
                          "the export dialog's count, file and key")
        terminal.keys("C-e")
        screen = terminal.wait_for(lambda s: "✓ Wrote 2 knows-me people" in s, "the file written")
        assert "too small" not in screen
    finally:
        terminal.close()
    written = (folder / "knowme-safe-to-sync.csv").read_text(encoding="utf-8")
    assert "alice@acme.com" in written and "Carol" not in written

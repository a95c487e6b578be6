"""In a real terminal: a note typed right behind the o that opens the editor is typed in (the terminal sends
the burst in one read), and a note saved meanwhile by `knowme mark --draft` in another terminal is not
overwritten by ctrl+s without a word."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from test_tui_tmux import ROOT, TMUX, Terminal
from tui_helpers import alice_personalized

from knowme.store.core import Store

pytestmark = [pytest.mark.slow, pytest.mark.skipif(TMUX is None, reason="tmux is not installed")]
THEIRS = "Hi Alice, we met at PyCon and talked packaging."


def draft(path: Path) -> str:
    with Store.open(path) as store:
        return store.conn.execute("SELECT draft FROM people WHERE name='Alice Archer'").fetchone()[0]


def test_a_note_typed_ahead_and_one_saved_elsewhere_in_a_real_terminal(tmp_path: Path) -> None:
    workspace = alice_personalized(tmp_path / "w.db", draft="Hello")
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review")
    terminal = Terminal(f"knowme-note-{os.getpid()}", command, width=120, height=40)
    try:
        terminal.wait_for(lambda s: "Undecided · 8 people" in s, "the list")
        terminal.keys("3")
        terminal.wait_for(lambda s: "Personalize · 1 person" in s, "the Personalize view")
        terminal.settled()
        terminal.burst("o", "End", " Ana")  # one read: the letters used to go to the list, and were lost
        terminal.wait_for(lambda s: "Hello Ana" in s, "the letters typed into the note")
        env = {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}
        marked = subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(workspace), "mark", "Alice Archer",
                                 "--draft", THEIRS], capture_output=True, text=True, check=False, cwd=ROOT, env=env,
                                timeout=60)
        assert marked.returncode == 0, marked.stderr
        terminal.keys("C-s")
        terminal.wait_for(lambda s: "changed in another window" in s and "Save mine" in s, "the question")
        assert draft(workspace) == THEIRS
        terminal.keys("n")
        terminal.wait_for(lambda s: "Saved in another window" in s, "theirs under the note")
        terminal.keys("C-s")
        terminal.wait_for(lambda s: "Saved the note for Alice Archer" in s, "the save")
        assert draft(workspace) == "Hello Ana"
    finally:
        terminal.close()

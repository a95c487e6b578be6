"""End to end in a real terminal: tmux runs `knowme review` on the sample data, keys triage a few people,
the screen shows it, and `knowme status --json` agrees afterwards."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from knowme import paths

ROOT = Path(__file__).resolve().parents[1]
TMUX = shutil.which("tmux")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(TMUX is None, reason="tmux is not installed")]


class Terminal:
    """One tmux server of our own (its own socket), running one command in a 100x30 window."""

    def __init__(self, socket: str, command: str) -> None:
        self.socket = socket
        env = {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}
        env["TERM"] = "xterm-256color"
        self._tmux("new-session", "-d", "-s", "main", "-x", "100", "-y", "30", command, env=env)

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run([TMUX or "tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False,
                              timeout=30, env=env)
        return proc.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "main", key)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "main")

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 180) -> str:
        """The screen once `predicate` holds; the deadline is generous, as a loaded machine is slow."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{text}")

    def close(self) -> None:
        self._tmux("kill-server")


def _count(screen: str, label: str) -> int:
    match = re.search(rf"\d {re.escape(label)}\s+(\d+)", screen)
    assert match, f"no {label!r} count on screen:\n{screen}"
    return int(match.group(1))


def _settled(screen: str) -> bool:
    """The sidebar's Undecided count and the list title agree (both read after the import)."""
    listed = re.search(r"Undecided · ([\d,]+) people", screen)
    counted = re.search(r"\d Undecided\s+([\d,]+)", screen)
    return bool(listed and counted and listed.group(1) == counted.group(1) != "0" and "Decided 0 of" in screen
                and "Imported 2 files" in screen)


def test_review_in_tmux_triages_and_status_agrees(tmp_path: Path) -> None:
    workspace = tmp_path / "w.db"
    samples = [p for p in paths.sample_files() if p.name in ("google_contacts.csv", "iphone.vcf")]
    assert samples, "the sample data is missing"
    done = tmp_path / "exit-code"
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review {' '.join(shlex.quote(str(p)) for p in samples)}; "
               f"echo $? > {shlex.quote(str(done))}")
    terminal = Terminal(f"knowme-test-{os.getpid()}", command)
    try:
        terminal.wait_for(lambda s: "Start reviewing" in s and "Done." in s, "the import to finish")
        terminal.keys("Enter")
        screen = terminal.wait_for(_settled, "the review screen, list and counts agreeing")
        undecided = _count(screen, "Undecided")
        for n, key in enumerate("kxp", 1):  # each key once the one before has shown, so none lands early
            terminal.keys(key)
            screen = terminal.wait_for(lambda s, n=n: f"Decided {n} of" in s, f"decision {n}")

        def counted(screen: str) -> bool:  # the sidebar's counts follow the title line, maybe a frame later
            counts = {label: re.search(rf"\d {re.escape(label)}\s+(\d+)", screen)
                      for label in ("Knows me", "Exclude", "Personalize", "Undecided")}
            return "→ personalize" in screen and all(counts.values()) and [
                int(m.group(1)) for m in counts.values() if m] == [1, 1, 1, undecided - 3]

        screen = terminal.wait_for(counted, "three decisions, one of each, in the sidebar")
        assert "→ personalize" in screen  # the status line names the last one
        assert _count(screen, "Knows me") == 1 and _count(screen, "Exclude") == 1
        assert _count(screen, "Personalize") == 1 and _count(screen, "Undecided") == undecided - 3
        terminal.keys("C-z")
        terminal.wait_for(lambda s: "Decided 2 of" in s and "Undone" in s, "the undo")
        terminal.keys("q")
        deadline = time.monotonic() + 120
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists() and done.read_text().strip() == "0", terminal.screen()
    finally:
        terminal.close()
    env = {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}
    status = subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(workspace), "status", "--json"],
                            capture_output=True, text=True, check=False, cwd=ROOT, env=env, timeout=60)
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["decisions"]["knows-me"] == 1 and data["decisions"]["exclude"] == 1
    assert data["decisions"]["personalize"] == 0 and data["decisions"]["undecided"] == undecided - 2
    assert {s["file"] for s in data["sources"]} == {"google_contacts.csv", "iphone.vcf"}

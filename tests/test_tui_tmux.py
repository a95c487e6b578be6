"""End to end in a real terminal: tmux runs `knowme review` on the sample data, keys triage a few people,
the screen shows it, and `knowme status --json` agrees afterwards; scrolling the list (keys and the mouse
wheel) repaints every row, which only a real terminal shows (pilot and snapshot tests repaint everything)."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.cells import cell_len

from tui_helpers import decisions, make_workspace

from knowme import paths
from knowme.store.core import Store

ROOT = Path(__file__).resolve().parents[1]
TMUX = shutil.which("tmux")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(TMUX is None, reason="tmux is not installed")]


class Terminal:
    """One tmux server of our own (its own socket), running one command in a window (100x30 by default)."""

    def __init__(self, socket: str, command: str, width: int = 100, height: int = 30) -> None:
        self.socket = socket
        # COLUMNS and LINES (set in the test workers) would fix the app's size whatever the window's
        env = {k: v for k, v in os.environ.items() if k not in ("KNOWME_DB", "COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        self._tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), command, env=env)

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run([TMUX or "tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False,
                              timeout=30, env=env)
        return proc.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "main", key)

    def burst(self, *keys: str) -> None:
        """Send keys in one call, so the app reads them at once (as a fast typist's, or a busy terminal's)."""
        self._tmux("send-keys", "-t", "main", *keys)

    def wheel(self, x: int, y: int, down: bool = True, times: int = 1) -> None:
        """Turn the mouse wheel over cell (x, y) (0-based): the SGR mouse report a terminal sends."""
        for _ in range(times):
            self._tmux("send-keys", "-t", "main", "-l", f"\x1b[<{65 if down else 64};{x + 1};{y + 1}M")
            time.sleep(0.1)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "main")

    def settled(self, quiet: float = 0.6, timeout: float = 20) -> str:
        """The screen once it stops changing (a wrong paint is as still as a right one)."""
        deadline = time.monotonic() + timeout
        last = self.screen()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.screen()
            if now == last:
                return now
            last = now
        return last

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


# ---- scrolling repaints every row -------------------------------------------------------------------


def _cells(text: str, width: int) -> str:
    """The first `width` terminal cells of `text` (wide characters take two)."""
    taken, used = [], 0
    for char in text:
        size = cell_len(char)
        if used + size > width:
            break
        taken.append(char)
        used += size
    return "".join(taken)


def _visible_names(screen: str) -> tuple[list[str], int]:
    """The names in the list's rows as drawn (cut to the Name column), and that column's width."""
    lines = screen.splitlines()
    header = next(n for n, line in enumerate(lines) if "▕" in line and " Name " in line and "Email" in line)
    head = lines[header].split("▕", 1)[1]
    start, width = head.index("Name"), head.index("Email") - head.index("Name") - 1
    names = []
    for line in lines[header + 1:]:
        text = line.split("▕", 1)[1] if "▕" in line else ""
        if len(text) < 2 or text[0] not in " ●✓" or text[1] != " ":
            break  # the status line under the list
        names.append(_cells(text[start:], width).rstrip())
    return names, width


def _expected_names(workspace: Path, width: int, view: str = "undecided") -> list[str]:
    """The store's order for a view sorted by name, cut as the Name column cuts."""
    from knowme.tui.widgets.columns import fit

    from knowme import views
    from knowme.store.core import Store

    with Store.open(workspace) as store:
        ids = views.person_ids(store, views.ListQuery(view=view))
        rows = views.rows(store, ids)
    return [fit(rows[pid].name or "(no name)", width).rstrip() for pid in ids]


def _check_window(screen: str, expected_all: list[str], what: str, top: int | None = None) -> int:
    """Every visible row is the right person: the rows are one unbroken stretch of the view's order."""
    names, _ = _visible_names(screen)
    assert len(names) >= 10, f"after {what} the list shows too few rows:\n{screen}"
    starts = [s for s in range(len(expected_all) - len(names) + 1) if expected_all[s:s + len(names)] == names]
    if top is not None:
        assert top in starts, (f"after {what} the rows should be people {top + 1}..{top + len(names)} of the view; "
                               f"the screen shows:\n{screen}")
        return top
    assert starts, f"after {what} the rows are not one stretch of the view's order; the screen shows:\n{screen}"
    return starts[0]


def _window(terminal: Terminal, expected_all: list[str], what: str, top: int | None = None,
            ok: Callable[[int], bool] = lambda start: True, timeout: float = 60) -> int:
    """`_check_window` on the settled screen, tried again until it holds (a loaded machine may pause
    longer than `settled`'s quiet time mid-key); a wrong paint never comes right, so it still fails."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            start = _check_window(terminal.settled(), expected_all, what, top)
            assert ok(start), f"after {what} the list starts at row {start + 1}:\n{terminal.screen()}"
            return start
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def test_scrolling_repaints_every_row_in_a_real_terminal(tmp_path: Path) -> None:
    workspace = tmp_path / "w.db"
    env = {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}
    samples = [str(p) for p in paths.sample_files() if p.suffix in (".vcf", ".csv")]
    imported = subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(workspace), "import", *samples],
                              capture_output=True, text=True, check=False, cwd=ROOT, env=env, timeout=120)
    assert imported.returncode == 0, imported.stderr
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review")
    terminal = Terminal(f"knowme-scroll-{os.getpid()}", command)
    try:
        screen = terminal.wait_for(lambda s: bool(re.search(r"Undecided · [\d,]+ people", s)) and " Name " in s,
                                   "the list")
        _, width = _visible_names(screen)
        expected = _expected_names(workspace, width)
        assert len(expected) > 100, "the sample data should fill many screens"
        rows = len(_visible_names(terminal.settled())[0])
        _window(terminal, expected, "opening", top=0)

        terminal.keys("End")
        _window(terminal, expected, "End", top=len(expected) - rows)
        terminal.keys("Home")
        _window(terminal, expected, "Home after End", top=0)
        terminal.keys("PageDown")
        first = _window(terminal, expected, "PageDown", ok=lambda start: start > 0)  # PageDown scrolls
        terminal.keys("PageDown")
        second = _window(terminal, expected, "a second PageDown", ok=lambda start: start > first)
        terminal.keys("PageUp")
        _window(terminal, expected, "PageUp", ok=lambda start: start < second)
        terminal.keys("Home", *["Down"] * (rows + 3))
        _window(terminal, expected, "Down past the bottom", top=4)

        # the mouse wheel over the list scrolls the rows without moving the cursor
        lines = terminal.screen().splitlines()
        header = next(n for n, line in enumerate(lines) if " Name " in line and "Email" in line)
        column = lines[header].index("▕") + 10
        terminal.wheel(column, header + 3, down=True, times=5)
        wheeled = _window(terminal, expected, "the wheel down", ok=lambda start: start > 4)
        terminal.wheel(column, header + 3, down=False, times=2)
        _window(terminal, expected, "the wheel up", ok=lambda start: start < wheeled)
        terminal.keys("Down")  # the cursor brings its row back into view
        _window(terminal, expected, "Down after the wheel")
        terminal.keys("End", "Up", "Up")
        _window(terminal, expected, "End then Up", top=len(expected) - rows)
        terminal.keys("Home")
        _window(terminal, expected, "Home after the wheel", top=0)

        # another view opens on the same person, its rows read around them first, then the whole list
        terminal.keys("End", "8")
        everyone = _expected_names(workspace, width, "all")
        _window(terminal, everyone, "the All view from the last undecided person",
                ok=lambda start: start + rows > everyone.index(expected[-1]) >= start)
        terminal.keys("1")
        _window(terminal, expected, "back to Undecided", top=len(expected) - rows)
    finally:
        terminal.close()


def _cmdline(proc: Path) -> list[str]:
    try:
        return (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    except OSError:  # gone meanwhile, or not ours to read
        return []


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds the process through /proc")
def test_review_stopped_by_kill_gives_the_terminal_back_and_keeps_its_decisions(tmp_path: Path) -> None:
    """`kill` (SIGTERM) on the review UI: killed by the signal's default, the shell was left in the app's
    alternate screen with the mouse still reported and the cursor hidden, and no line said what happened."""
    workspace = tmp_path / "w.db"
    samples = [p for p in paths.sample_files() if p.name == "iphone.vcf"]
    subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(workspace), "import", *map(str, samples)],
                   capture_output=True, check=True, cwd=ROOT, timeout=120,
                   env={k: v for k, v in os.environ.items() if k != "KNOWME_DB"})
    done = tmp_path / "exit-code"
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review; echo $? > {shlex.quote(str(done))}; sleep 30")
    terminal = Terminal(f"knowme-kill-{os.getpid()}", command)
    try:
        terminal.wait_for(lambda s: "Undecided ·" in s and "people" in s, "the review screen")
        terminal.keys("k")
        terminal.wait_for(lambda s: "Decided 1 of" in s, "the decision")
        [pid] = [int(proc.name) for proc in Path("/proc").iterdir() if proc.name.isdigit()
                 and _cmdline(proc)[-3:] == ["--db", str(workspace), "review"]]
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists() and done.read_text().strip() == str(128 + signal.SIGTERM), terminal.screen()
        screen = terminal.wait_for(lambda s: "knowme: stopped (SIGTERM)" in s, "the one line")
        assert "Decided" not in screen  # the app's screen is gone: the shell's own is back
        assert terminal._tmux("display", "-p", "-t", "main", "#{alternate_on}").strip() == "0"
    finally:
        terminal.close()
    with Store.open(workspace) as store:
        assert store.conn.execute("SELECT count(*) FROM people WHERE decision='knows-me'").fetchone()[0] == 1


def test_keys_typed_in_one_burst_act_on_what_the_screen_shows_in_a_real_terminal(tmp_path: Path) -> None:
    """In a real terminal a burst arrives in one read: ctrl+z x excluded the person the cursor had moved
    on to, not the one the undo put back; /hill enter x typed the x into the filter. (The pilot tests of
    test_tui_typeahead.py check each case; this checks the keys as a terminal sends them.)"""
    workspace = make_workspace(tmp_path / "w.db")
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review")
    terminal = Terminal(f"knowme-burst-{os.getpid()}", command, width=120, height=36)
    try:
        terminal.wait_for(lambda s: "Undecided · 9 people" in s and "Alice Archer" in s, "the list")
        terminal.keys("Down", "Down")
        terminal.wait_for(lambda s: "Carol Chen" in s.split("▔")[-1], "Carol Chen in the detail pane")
        terminal.keys("k")
        terminal.wait_for(lambda s: "Carol Chen → knows me" in s, "the decision")
        terminal.settled()
        terminal.burst("C-z", "x")
        terminal.wait_for(lambda s: "→ exclude" in s, "the exclusion")
        terminal.settled()
        assert decisions(workspace)["Carol Chen"] == "exclude"
        assert decisions(workspace)["Dan Dunn"] == "undecided"
        terminal.burst("/hill", "Enter", "x")
        terminal.wait_for(lambda s: "Henry Hill → exclude" in s, "Henry Hill excluded")
        assert decisions(workspace)["Henry Hill"] == "exclude"
    finally:
        terminal.close()


def test_another_terminals_change_shows_and_ctrl_c_leaves_in_a_real_terminal(tmp_path: Path) -> None:
    """`knowme mark "Carol Chen" --as exclude` in another terminal while the review is open on her: the
    review shows her excluded without a key (it showed her undecided until ctrl+r). Then ctrl+c, which
    only showed a hint, leaves as ctrl+q does: exit code 0, the shell's screen back, the mouse no longer
    reported."""
    workspace = make_workspace(tmp_path / "w.db")
    done = tmp_path / "exit-code"
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review; echo $? > {shlex.quote(str(done))}; sleep 30")
    terminal = Terminal(f"knowme-outside-{os.getpid()}", command, width=120, height=36)
    try:
        terminal.wait_for(lambda s: "Undecided · 9 people" in s and "Alice Archer" in s, "the list")
        terminal.keys("8", "Down", "Down")
        terminal.wait_for(lambda s: "Carol Chen" in s.split("▔")[-1], "Carol Chen in the detail pane")
        env = {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}
        marked = subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(workspace), "mark", "Carol Chen",
                                 "--as", "exclude"], capture_output=True, text=True, check=False, cwd=ROOT, env=env,
                                timeout=60)
        assert marked.returncode == 0, marked.stderr
        screen = terminal.wait_for(lambda s: "Carol Chen is now exclude" in s and re.search(r"4 Exclude\s+1", s),
                                   "the change made in the other terminal")
        assert re.search(r"Carol Chen\s+exclude", screen.split("▔")[-1]), screen  # the detail pane
        terminal.keys("C-c")
        deadline = time.monotonic() + 60
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists() and done.read_text().strip() == "0", terminal.screen()
        assert "Decided" not in terminal.screen()
        flags = terminal._tmux("display", "-p", "-t", "main", "#{alternate_on} #{mouse_any_flag} #{cursor_flag}")
        assert flags.split() == ["0", "0", "1"], flags
    finally:
        terminal.close()
    assert decisions(workspace)["Carol Chen"] == "exclude"


def test_the_last_cell_after_a_resize_in_a_real_terminal(tmp_path: Path) -> None:
    """Made smaller, the screen's bottom-right cell kept a letter after "^p palette" ("^p paletted")."""
    workspace = make_workspace(tmp_path / "w.db")
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m knowme.cli "
               f"--db {shlex.quote(str(workspace))} review")
    terminal = Terminal(f"knowme-resize-{os.getpid()}", command, width=120, height=40)
    try:
        terminal.wait_for(lambda s: "Undecided · 9 people" in s, "the list")
        terminal._tmux("set-option", "-t", "main", "window-size", "manual")
        for width, height in [(40, 12), (60, 15), (30, 8), (90, 30)]:
            terminal._tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))
            screen = terminal.wait_for(lambda s, w=width, h=height: len(s.splitlines()) == h and "palette" in s,
                                       f"the screen at {width}x{height}")
            last = terminal.settled().splitlines()[-1]
            assert last.endswith("▏^p palette"), f"{width}x{height}: {last!r}\n{screen}"
    finally:
        terminal.close()

"""A process with the workspace open never drops its own SQLite locks, so another knowme beside it loses nothing.

POSIX drops every lock a process holds on a file when the process closes any descriptor of it.
The review UI keeps its workspace open and opens more connections in worker threads; when opening
one read the file's header by a plain `open()`, its close unlocked the UI's connection. The next
`knowme status` or `knowme mark` in another terminal then took itself for the last connection,
checkpointed and deleted the write-ahead log on closing, and the UI went on writing into the
deleted log: its decisions vanished, and its next connections failed with "disk I/O error".
"""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.confirm import ConfirmScreen
from tui_helpers import decisions, make_workspace, pilot_test, workers_done

from knowme.filekinds import open_regular
from knowme.heldfiles import held_here, unless_held
from knowme.importing import import_path
from knowme.model import Decision
from knowme.store.core import Store
from knowme.triage import find_people, mark

ROOT = Path(__file__).resolve().parents[1]
SIZE = (120, 36)

# Whether another process could take SQLite's EXCLUSIVE lock on the workspace, which it does when
# it believes it is the last connection (and then deletes the log). SQLite's unix locks sit on the
# bytes after the "pending byte" at 1 GiB: a SHARED lock, held by every WAL connection as long as it
# is open, is a read lock on the 510 bytes from PENDING_BYTE + 2. Plain Python: starts in milliseconds.
PROBE = textwrap.dedent("""
    import fcntl, os, sys
    PENDING_BYTE, SHARED_SIZE = 0x40000000, 510
    fd = os.open(sys.argv[1], os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, SHARED_SIZE, PENDING_BYTE + 2)
    except OSError:
        print("locked")
    else:
        print("unlocked")
""")


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}


def locked_by_us(db: Path) -> bool:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(db)], capture_output=True, text=True, env=env(),
                          timeout=60, check=True)
    return proc.stdout.strip() == "locked"


def knowme(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in another process, as from another terminal."""
    return subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(db), *args], capture_output=True,
                          text=True, timeout=300, env=env(), cwd=ROOT, check=False)


def in_worker_thread(action: Callable[[], object]) -> None:
    """As the review UI's workers do: the action runs on another thread (and its failure fails the test)."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:  # handed to the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def open_like_the_app(db: Path) -> Store:
    """The workspace opened and read, as the review UI holds it for its whole session."""
    store = Store.open(db)
    store.conn.execute("SELECT count(*) FROM people").fetchone()
    return store


def mark_by_email(store: Store, email: str, decision: Decision) -> None:
    mark(store, find_people(store, email), decision)


# ---- the lock itself (fast: the probe is plain Python) ---------------------------------------------


def _second_store(store: Store) -> None:
    in_worker_thread(lambda: Store.open(store.path).close())


def _import_the_folder_holding_it(store: Store) -> None:
    import_path(store, store.path.parent)


def _import_the_workspace_itself(store: Store) -> None:
    report = import_path(store, store.path)
    assert report.error is not None and "open workspace" in report.error


@pytest.mark.parametrize("action", [_second_store, _import_the_folder_holding_it, _import_the_workspace_itself],
                         ids=["a second Store in a worker thread", "import of the folder holding it",
                              "import of the workspace file"])
def test_the_open_workspace_stays_locked_whatever_this_process_opens(
        tmp_path: Path, action: Callable[[Store], None]) -> None:
    db = make_workspace(tmp_path / "w.db")
    store = open_like_the_app(db)
    try:
        assert locked_by_us(db)
        action(store)
        assert locked_by_us(db), "the open connection lost its lock: another knowme could delete its log"
    finally:
        store.close()
    assert not locked_by_us(db)


def test_the_workspace_and_its_journal_are_not_opened_as_input_while_open(tmp_path: Path) -> None:
    db = make_workspace(tmp_path / "w.db")
    other_name = tmp_path / "copy.db"
    os.link(db, other_name)  # the same file: its locks are the workspace's
    with open_like_the_app(db):
        for name in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), other_name):
            with pytest.raises(OSError, match="open workspace"):
                open_regular(name)
    with open_regular(db) as fh:  # closed: nothing of ours to lose
        assert fh.read(6) == b"SQLite"


# ---- what the user sees: another knowme beside an open workspace -------------------------------------


@pytest.mark.slow  # two knowme processes
@pytest.mark.parametrize("command", [("mark", "jack@wonka.com", "--as", "exclude"), ("status",)],
                         ids=["mark", "status"])
def test_both_sides_writes_persist_when_a_command_runs_beside_an_open_workspace(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    db = make_workspace(tmp_path / "w.db")
    app = open_like_the_app(db)
    try:
        in_worker_thread(lambda: Store.open(db).close())  # a worker's reader, as the UI's list and counts
        proc = knowme(db, *command)
        assert proc.returncode == 0, proc.stderr
        mark_by_email(app, "alice@acme.com", Decision.KNOWS_ME)  # the UI's next decision
        seen = decisions(db)  # another connection meanwhile: "disk I/O error" when the log was deleted
    finally:
        app.close()
    expected_jack = "exclude" if command[0] == "mark" else "undecided"
    for saved in (seen, decisions(db)):
        assert saved["Alice Archer"] == "knows-me" and saved["Jack Jones"] == expected_jack


def listed(db: Path) -> dict[str, str]:
    """Name -> decision as `knowme list` in another terminal shows them."""
    proc = knowme(db, "list", "--json")
    assert proc.returncode == 0, proc.stderr
    return {person["name"]: person["decision"] for person in json.loads(proc.stdout)}


@pytest.mark.slow  # the review UI and knowme processes
@pilot_test
async def test_a_cli_exclusion_and_the_uis_next_decision_both_survive_the_ui(tmp_path: Path) -> None:
    db = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await workers_done(app)  # the list and counts read through workers' own connections
        proc = knowme(db, "mark", "jack@wonka.com", "--as", "exclude", "--note", "ex-boss")
        assert proc.returncode == 0, proc.stderr
        await pilot.press("k")  # Alice Archer, first of the Undecided view
        await workers_done(app)
        meanwhile = listed(db)  # the UI still open
        await pilot.press("q")
    for saved in (meanwhile, decisions(db)):
        assert saved["Alice Archer"] == "knows-me" and saved["Jack Jones"] == "exclude"


def test_a_workspace_dropped_unclosed_while_the_files_are_checked_does_not_hang_the_process(tmp_path: Path) -> None:
    """A Store nobody closed is released by the garbage collector, which runs wherever memory is asked for,
    also in the middle of the check that asks whether a file is held. The release used to wait there for
    the lock its own thread held: the review UI, a command or the test suite stopped dead, using no CPU."""
    db = make_workspace(tmp_path / "w.db")
    outcome: list[bool] = []

    def drop_a_store_inside_the_check() -> None:
        store = Store.open(db)
        cycle = [store]
        cycle.append(cycle)  # only the collector frees it, at a moment nobody chooses
        del store, cycle
        with unless_held(tmp_path / "other.txt") as may_read:
            gc.collect()  # the collector's moment: inside the check
            outcome.append(may_read)
        outcome.append(held_here(db))

    worker = threading.Thread(target=drop_a_store_inside_the_check, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the process hung: releasing a dropped workspace waited on its own thread"
    assert outcome == [True, False]  # and the dropped workspace is no longer counted as open


@pytest.mark.slow  # the review UI and a knowme process
@pilot_test
async def test_ctrl_z_asks_before_undoing_an_exclusion_made_in_another_terminal(tmp_path: Path) -> None:
    """The undo log is the workspace's: ctrl+z in the review undid, unseen, the exclusion the user had
    just made with `knowme mark` in another terminal. It now asks, and undoes only on `y`; the review's
    own decisions undo at once, as before."""
    db = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await workers_done(app)
        await pilot.press("k")  # Alice Archer: this review's own decision
        await workers_done(app)
        await pilot.press("ctrl+z")
        await workers_done(app)
        assert not isinstance(app.screen, ConfirmScreen)
        assert decisions(db)["Alice Archer"] == "undecided"
        proc = knowme(db, "mark", "jack@wonka.com", "--as", "exclude", "--note", "ex-boss")
        assert proc.returncode == 0, proc.stderr
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "not made in this review" in app.screen.question
        assert "Jack Jones" in app.screen.question
        await pilot.press("n")
        await workers_done(app)
        assert decisions(db)["Jack Jones"] == "exclude"
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.press("y")
        await workers_done(app)
        assert decisions(db)["Jack Jones"] == "undecided"
        await pilot.press("q")

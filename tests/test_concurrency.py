"""Two processes, one workspace: a writer waits briefly for another, then says "busy"; no update is lost.

Every case runs the real `knowme` command in separate processes against one workspace file.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from knowme.importing import store_records
from knowme.model import Labeled, Record
from knowme.store.core import BUSY_TIMEOUT_S, Store

ROOT = Path(__file__).resolve().parents[1]
# several real processes on one workspace: slow, left out of the fast lane (-m 'not slow')
pytestmark = pytest.mark.slow

N_PEOPLE = 12

HOLDER = """
import sys, time
from knowme.store.core import Store

store = Store.open(sys.argv[1])
with store.transaction() as conn:           # BEGIN IMMEDIATE: the write lock
    conn.execute("UPDATE settings SET value=value")
    print("holding", flush=True)
    sys.stdin.readline()                     # until the test says so
print("released", flush=True)
"""


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}


def knowme_cmd(db: Path, *args: object) -> list[str]:
    return [sys.executable, "-m", "knowme.cli", "--db", str(db), *map(str, args)]


def run(db: Path, *args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(knowme_cmd(db, *args), capture_output=True, text=True, timeout=timeout, env=env(),
                          cwd=ROOT, check=False)


def workspace(path: Path, n: int = N_PEOPLE) -> Path:
    records = [Record(source="book.vcf", index=i, given=f"Given{i}", family=f"Family{i}",
                      formatted_name=f"Given{i} Family{i}", emails=[Labeled(f"p{i}@example.org", "")])
               for i in range(1, n + 1)]
    with Store.open(path) as store:
        store_records(store, Path("book.vcf"), "vcard", records, [], "0" * 64, source_name="book.vcf")
        store.set_setting("created", True)
    return path


def decisions(db: Path) -> dict[str, str]:
    with Store.open(db) as store:
        return dict(store.conn.execute("SELECT email, decision FROM people"))


class Holder:
    """Another process holding the workspace's write lock until `release()`."""

    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env(), cwd=ROOT)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "holding"

    def release(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "released"
        assert self.proc.wait(timeout=30) == 0

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return workspace(tmp_path / "w.db")


CONTENDERS = {
    "mark": ("mark", "p1@example.org", "--as", "knows-me"),
    "import": ("import", str(ROOT / "sample_data" / "iphone.vcf")),
    "dedupe": ("dedupe",),
    "undo": ("undo",),
    "set": ("set", "note-limit", "200"),
}


def test_a_second_writer_waits_then_says_busy_in_one_line(db: Path) -> None:
    """Every kind of writer, all at once, against a workspace another process holds for writing."""
    before = decisions(db)
    holder = Holder(db)
    try:
        started = time.monotonic()
        procs = {name: subprocess.Popen(knowme_cmd(db, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env(), cwd=ROOT) for name, args in CONTENDERS.items()}
        done = {}
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=60)
            done[name] = (proc.returncode, out, err, time.monotonic() - started)
    finally:
        holder.kill()
    for name, (code, out, err, waited) in done.items():
        assert code == 1, (name, code, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "busy" in lines[0] and "Traceback" not in err, (name, err)
        assert lines[0].startswith("knowme: ") and str(db) in lines[0], (name, err)
        assert BUSY_TIMEOUT_S * 0.8 <= waited < BUSY_TIMEOUT_S * 3 + 10, (name, waited)  # waited, then gave up
    assert decisions(db) == before  # and changed nothing
    with Store.open(db) as store:
        assert store.setting("note_limit") is None and store.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 1


def test_a_writer_that_frees_the_workspace_in_time_lets_the_second_one_through(db: Path) -> None:
    holder = Holder(db)
    try:
        proc = subprocess.Popen(knowme_cmd(db, "mark", "p2@example.org", "--as", "exclude"), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT)
        time.sleep(min(1.5, BUSY_TIMEOUT_S / 3))
        assert proc.poll() is None  # still waiting for the lock
        holder.release()
        _, err = proc.communicate(timeout=60)
    finally:
        holder.kill()
    assert proc.returncode == 0, err
    assert decisions(db)["p2@example.org"] == "exclude"


def test_readers_are_not_blocked_by_a_writer(db: Path) -> None:
    holder = Holder(db)
    try:
        started = time.monotonic()
        status = run(db, "status", "--json")
        listed = run(db, "list", "--json")
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
    assert status.returncode == 0 and json.loads(status.stdout)["people"] == N_PEOPLE, status.stderr
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == N_PEOPLE
    assert elapsed < BUSY_TIMEOUT_S * 2  # WAL: reads go on while another process writes


def test_parallel_marks_on_different_people_all_land_and_undo_one_by_one(db: Path) -> None:
    wanted = {f"p{i}@example.org": ("knows-me", "personalize", "exclude")[i % 3] for i in range(1, N_PEOPLE + 1)}
    procs = [subprocess.Popen(knowme_cmd(db, "mark", email, "--as", decision, "--note", f"note {email}"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT)
             for email, decision in wanted.items()]
    results = [(p.args, *p.communicate(timeout=120), p.returncode) for p in procs]
    failed = [r for r in results if r[3] != 0]
    assert failed == [], failed
    assert decisions(db) == wanted
    with Store.open(db) as store:
        notes = dict(store.conn.execute("SELECT email, note FROM people"))
        log = store.conn.execute("SELECT count(*) FROM log WHERE action='mark' AND undone=0").fetchone()[0]
    assert notes == {email: f"note {email}" for email in wanted}
    assert log == N_PEOPLE  # one undoable action each, none overwritten
    for _ in range(N_PEOPLE):
        assert run(db, "undo").returncode == 0
    assert set(decisions(db).values()) == {"undecided"}
    assert "nothing to undo" in run(db, "undo").stdout


def test_parallel_marks_on_one_person_serialise(db: Path) -> None:
    """Decision and outreach fields written at once by several processes: each write is whole, none lost."""
    fields = [("--how", "event"), ("--context", "the Lisbon meetup"), ("--why", "talk"), ("--priority", "2"),
              ("--as", "personalize")]
    procs = [subprocess.Popen(knowme_cmd(db, "mark", "p1@example.org", *field), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT) for field in fields]
    results = [(p.args, *p.communicate(timeout=120), p.returncode) for p in procs]
    assert [r for r in results if r[3] != 0] == []
    with Store.open(db) as store:
        row = store.conn.execute("SELECT decision, how, context, why, priority FROM people "
                                 "WHERE email='p1@example.org'").fetchone()
    assert row == ("personalize", "event", "the Lisbon meetup", "talk", 2)


def test_first_use_of_a_new_workspace_by_several_processes_at_once(tmp_path: Path) -> None:
    """Creating the file, switching it to WAL and writing the schema races cleanly."""
    db = tmp_path / "fresh.db"
    books = sorted((ROOT / "sample_data").glob("*.vcf")) + sorted((ROOT / "sample_data").glob("*.csv"))
    procs = [subprocess.Popen(knowme_cmd(db, "import", book),  # each its own book: all make the workspace at once
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT)
             for book in books[:8]]
    results = [(*p.communicate(timeout=120), p.returncode) for p in procs]
    assert [r for r in results if r[2] != 0] == [], results
    assert [p.name for p in tmp_path.iterdir() if "knowme-new" in p.name] == []  # no creation left behind
    with Store.open(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("SELECT count(*) FROM records").fetchone()[0] > 0

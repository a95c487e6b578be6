"""ctrl+c (and SIGTERM) at the moments of `knowme import` a stop used to miss: each test puts the signal
in its window from inside the real command (`python -m knowme.cli` run by `runpy`, with one step of it
wrapped to send the signal to itself), so a loaded machine's timing plays no part.

- While the command starts, when whoever started it ignored ctrl+c (a shell starts `knowme import ... &`
  so from a script): the start-up left it ignored, the command's own stop took over only once the
  import began, and a ctrl+c in between (its first second on a loaded machine: 7 of 241 stops there)
  was lost; the import ran to the end and exited 0, silently.
- Once the import is committed, before the process has ended: handed back to Python's defaults, ctrl+c
  was told "nothing half-done was saved" (the import was saved), gave a traceback after `main` had
  returned, or was lost when the starter ignored it; SIGTERM killed the command without a word. Now
  each gets one line saying the import is kept, and a stop's status; a second ctrl+c while the first
  is answered adds no line.
- Under `nohup` (started with hangups ignored): a closed terminal was ignored while the command
  started, as nohup asks, but stopped the import once it had begun.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CARDS = 30

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signals")


def _book(folder: Path) -> Path:
    book = folder / "book.vcf"
    book.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Family{i};Given{i};;;\r\nFN:Given{i} Family{i}\r\n"
                            f"EMAIL:given{i}@example.org\r\nEND:VCARD\r\n" for i in range(CARDS)), encoding="utf-8")
    return book


def _records(db: Path) -> int | None:
    if not db.exists():
        return None
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()


def _ignoring_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ignoring_hangups() -> None:  # as `nohup` starts a command
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _import(tmp_path: Path, setup: str, starter_ignores_ctrl_c: bool,
            starter: Callable[[], None] | None = None) -> tuple[subprocess.CompletedProcess, int | None]:
    """`knowme --db W import book.vcf` as the real command runs, after `setup` (Python that wraps one of
    its steps, with `cli_main`, `os`, `signal` and `time` at hand); `starter` sets what the command
    inherits before it starts."""
    db, book = tmp_path / "w.db", _book(tmp_path)
    code = ("import knowme.cli.main as cli_main, os, runpy, signal, sys, time\n"
            f"{setup}\n"
            f"sys.argv = ['knowme', '--db', {str(db)!r}, 'import', {str(book)!r}]\n"
            "runpy.run_module('knowme.cli', run_name='__main__', alter_sys=True)\n")
    env = {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env, cwd=ROOT,
                          preexec_fn=_ignoring_ctrl_c if starter_ignores_ctrl_c else starter)
    return done, _records(db)


WHILE_THE_ARGUMENTS_ARE_READ = """
real = cli_main.build_parser
def parser(argv=None):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)
    return real(argv)
cli_main.build_parser = parser
"""


def test_ctrl_c_while_the_command_starts_stops_it_even_when_its_starter_ignored_ctrl_c(tmp_path: Path) -> None:
    done, records = _import(tmp_path, WHILE_THE_ARGUMENTS_ARE_READ, starter_ignores_ctrl_c=True)
    assert (done.returncode, done.stderr) == (
        130, "knowme: interrupted while starting; nothing half-done was saved (nothing had begun)\n")
    assert records is None and done.stdout == ""  # nothing imported, no workspace made


def test_ctrl_c_during_the_imports_before_main_stops_it_even_when_its_starter_ignored_ctrl_c() -> None:
    code = ("import knowme.cli.main, os, signal, sys, time\n"
            "os.kill(os.getpid(), signal.SIGINT)\n"
            "time.sleep(10)\n"
            "sys.exit(0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          preexec_fn=_ignoring_ctrl_c)
    assert (done.returncode, done.stderr) == (
        130, "knowme: interrupted while starting; nothing half-done was saved (nothing had begun)\n")


# the import's transaction has committed and its workers are gone: the command's own stop has ended
AFTER_THE_COMMIT = """
real = cli_main.signals_stop_cleanly
import contextlib
@contextlib.contextmanager
def stops(*args, **kwargs):
    with real(*args, **kwargs):
        yield
    os.kill(os.getpid(), signal.{name})
    time.sleep(0.2)
cli_main.signals_stop_cleanly = stops
"""

# `main` has returned its status; the process is ending
AFTER_MAIN = """
real = cli_main.main
def main(*args, **kwargs):
    status = real(*args, **kwargs)
    os.kill(os.getpid(), signal.{name})
    time.sleep(0.2)
    return status
cli_main.main = main
"""

# the very end: the stops are held back (blocked) for the last check, and one arrives then
AT_THE_LAST_CHECK = """
real = signal.pthread_sigmask
def sigmask(how, mask):
    old = real(how, mask)
    if how == signal.SIG_BLOCK:
        os.kill(os.getpid(), signal.{name})
    return old
signal.pthread_sigmask = sigmask
"""


@pytest.mark.parametrize("starter_ignores_ctrl_c", [False, True],
                         ids=["ctrl+c answered", "ctrl+c ignored by the starter"])
@pytest.mark.parametrize(("name", "line", "status"), [
    ("SIGINT", "knowme: interrupted as it was ending; nothing half-done was saved (what it had done is)\n", 130),
    ("SIGTERM", "knowme: stopped (SIGTERM) as it was ending; nothing half-done was saved "
                "(what it had done is)\n", 143)])
@pytest.mark.parametrize("moment", [AFTER_THE_COMMIT, AFTER_MAIN, AT_THE_LAST_CHECK],
                         ids=["after the commit", "after main returned", "at the last check"])
def test_a_stop_once_the_import_is_committed_is_answered_and_says_the_import_is_kept(
        tmp_path: Path, moment: str, name: str, line: str, status: int, starter_ignores_ctrl_c: bool) -> None:
    done, records = _import(tmp_path, moment.format(name=name), starter_ignores_ctrl_c)
    assert (done.returncode, done.stderr) == (status, line)
    assert records == CARDS and done.stdout == f"book.vcf: {CARDS} records (vcard)\n"  # what it printed is not lost


def test_an_import_left_alone_ends_as_before(tmp_path: Path) -> None:
    done, records = _import(tmp_path, "", starter_ignores_ctrl_c=False)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", f"book.vcf: {CARDS} records (vcard)\n")
    assert records == CARDS


# ctrl+c as the import begins, answered; and a second one while the command ends
def _signalled_twice(name: str) -> str:
    """A start-up script sending `name` to the command once its import has begun and again once it has ended."""
    return f"""
real_run, real_main = cli_main._run, cli_main.main
def run(*args):
    os.kill(os.getpid(), signal.{name})
    time.sleep(0.2)
    return real_run(*args)
def main(*args, **kwargs):
    status = real_main(*args, **kwargs)
    os.kill(os.getpid(), signal.{name})
    time.sleep(0.2)
    return status
cli_main._run, cli_main.main = run, main
"""


TWICE = _signalled_twice("SIGINT")


def test_a_second_ctrl_c_while_the_first_is_answered_adds_no_line(tmp_path: Path) -> None:
    done, records = _import(tmp_path, TWICE, starter_ignores_ctrl_c=False)
    assert (done.returncode, done.stderr) == (130, "knowme: interrupted; nothing half-done was saved\n")
    assert records is None


# a hangup once the import has begun, and another once the command has ended
HANGUPS = _signalled_twice("SIGHUP")


def test_under_nohup_a_closed_terminal_leaves_the_import_to_finish(tmp_path: Path) -> None:
    done, records = _import(tmp_path, HANGUPS, starter_ignores_ctrl_c=False, starter=_ignoring_hangups)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", f"book.vcf: {CARDS} records (vcard)\n")
    assert records == CARDS

"""The `knowme` command: `main` parses the command line and hands each command to the module of its group
(`core`, `sources`, `dedupe`, `triage`, `export`, `review`); `errors.UserError` is what they raise for
something the user can fix.

ctrl+c, SIGTERM or SIGHUP while the command is still starting (importing what it needs, reading its
arguments: a few hundred milliseconds on a cold disk, seconds on a loaded machine) end it with one line
and the exit status a stop gives later (`main.main` takes over from `starting_stopped` once it runs):
Python's own answer to ctrl+c was a traceback through whichever import it was in, and SIGTERM ended
it without a word. ctrl+c is answered so even when whoever started the command ignored it (a shell
starts `knowme import ... &` so from a script): ignored only until the command began, a ctrl+c in its
first second was lost and the import it was meant to stop ran to the end, while one a moment later
stopped it. Once the command's work is done, `finished_stopped` answers a stop until the process ends
(`main.run`).
"""
from __future__ import annotations

import os
import signal
import sys
import threading

STARTING_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def starting_stopped(number: int, _frame: object) -> None:
    """A stop before the command has begun: nothing was done, so nothing is left to unwind."""
    how = "interrupted" if number == signal.SIGINT else f"stopped ({signal.Signals(number).name})"
    try:
        sys.stderr.write(f"knowme: {how} while starting; nothing half-done was saved (nothing had begun)\n")
        sys.stderr.flush()
    finally:
        os._exit(128 + number)


def finished_stopped(number: int, _frame: object) -> None:
    """A stop once the command has done its work (or said why it could not), before its process has
    ended: what it did stays done. Said in one line (unless a stop was answered already) and ended
    with a stop's status."""
    how = "interrupted" if number == signal.SIGINT else f"stopped ({signal.Signals(number).name})"
    try:
        try:
            sys.stdout.flush()  # what the command printed comes before the line, and is not lost to os._exit
        except (OSError, ValueError, RuntimeError):  # a closed pipe or stream, or one being flushed: as it is
            pass
        if not stop_said:
            sys.stderr.write(f"knowme: {how} as it was ending; nothing half-done was saved (what it had done is)\n")
            sys.stderr.flush()
    finally:
        os._exit(stop_status if stop_said else 128 + number)


stop_said = False  # `main` has told the user that a stop ended the command
stop_status = 0  # and the status it ends with


def _install() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for name in STARTING_SIGNALS:
        number = getattr(signal, name, None)
        if number is None:
            continue
        handler = signal.getsignal(number)
        # only where nothing else answers it: not under a host (a test runner, an IDE) that set its own;
        # ctrl+c also when it was ignored, as the command answers it once it has begun
        ignored_ctrl_c = number == signal.SIGINT and handler == signal.SIG_IGN
        if handler in (signal.default_int_handler, signal.SIG_DFL) or ignored_ctrl_c:
            signal.signal(number, starting_stopped)


_install()

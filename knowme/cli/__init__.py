"""The `knowme` command: `main` parses the command line and hands each command to the module of its group
(`core`, `sources`, `dedupe`, `triage`, `export`, `review`); `errors.UserError` is what they raise for
something the user can fix.

ctrl+c while the command is still starting (importing what it needs, reading its arguments: a few
hundred milliseconds on a cold disk) ends it with one line and exit status 130, as it does later
(`main.main` takes over from `starting_interrupted` once it runs): Python's own answer was a traceback
through whichever import it was in.
"""
from __future__ import annotations

import os
import signal
import sys
import threading


def starting_interrupted(_number: int, _frame: object) -> None:
    """ctrl+c before the command has begun: nothing was done, so nothing is left to unwind."""
    try:
        sys.stderr.write("knowme: interrupted while starting; nothing was done\n")
        sys.stderr.flush()
    finally:
        os._exit(130)


if threading.current_thread() is threading.main_thread() and \
        signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not under a host that set its own
    signal.signal(signal.SIGINT, starting_interrupted)

"""The `knowme` command: a thin face over the core, per the contract in docs/design.md.

Exit 0 on success, 1 on a user error (one line on stderr, never a traceback), 2 on bad usage.
Each group of commands lives in a module of its own in `knowme.cli` and registers its sub-commands
here through `add_commands(subparsers)`.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from knowme import paths
from knowme.cli.errors import UserError
from knowme.store import DatabaseError, WorkspaceError, describe_error
from knowme.store.core import SCHEMA_VERSION, Store
from knowme.store.workspace import check_integrity, upgrade_notice

TOP_EPILOG = """\
a first session:
  knowme import phone.vcf google.csv Connections.csv
  knowme dedupe
  knowme review
  knowme export safe -o contacts.csv

The workspace is a file: --db PATH (before or after the command), else
$KNOWME_DB, else one in your user data folder. Only import, review FILE... and
demo make a new one. `knowme COMMAND --help` explains each command, with
examples."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # bad usage: exit 2 with the usage line
        self.print_usage(sys.stderr)
        self.exit(2, f"knowme: error: {message}\n")


def _command_of(argv: Sequence[str]) -> str | None:
    """The sub-command named in argv (skipping --db PATH), or None."""
    args = iter(argv)
    for arg in args:
        if arg == "--db":
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def command_groups(command: str | None) -> tuple[ModuleType, ...]:
    """The modules whose sub-commands the parser needs; each has `add_commands(sub)` and `cmd_*(args, store)`.

    `review` and `demo` need only their own: the review UI starts without importing the other
    groups and what they bring (dedupe, exports: a third of its start-up in a real terminal), so
    they are imported here, when a command needs them, rather than at the top of the module.
    """
    if command in ("review", "demo"):
        from knowme.cli import review

        return (review,)
    from knowme.cli import core, dedupe, export, review, sources, triage

    return (core, sources, dedupe, triage, export, review)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    command = _command_of(sys.argv[1:] if argv is None else argv)
    parser = Parser(prog="knowme", description="Review your address books before any bulk sync to a "
                                               "professional network.", epilog=TOP_EPILOG,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in command_groups(command):
        module.add_commands(sub)
    _accept_db_after_command(sub)
    return parser


DB_HELP = "the workspace file (default: $KNOWME_DB, else one in your user data folder)"


def _accept_db_after_command(sub: argparse._SubParsersAction) -> None:
    """`knowme status --db X` as well as `knowme --db X status` (and in nested commands: `export safe`).

    The sub-command's `--db` defaults to SUPPRESS, so when it is not given the global one stands.
    """
    for parser in {id(p): p for p in sub.choices.values()}.values():
        if getattr(parser, "_defaults", {}).get("no_workspace"):  # demo, doctor: no workspace is read
            continue
        parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_db_after_command(action)


def creates_workspace(args: argparse.Namespace) -> bool:
    """Only `import`, `review FILE...` and `demo` make a workspace; the rest need one already."""
    creates = getattr(args, "creates_workspace", False)
    return bool(creates(args) if callable(creates) else creates)


def refuse_nothing_to_import(args: argparse.Namespace) -> None:
    """A command that would make the workspace to import FILEs, none of which can be imported, says
    why before anything is made or changed: a mistyped path or a stray text file left an empty
    workspace behind at the default place."""
    files = getattr(args, "files", None)
    if not files or not getattr(args, "creates_workspace", False):
        return
    from knowme.importing import refusal

    fmt, mapped = getattr(args, "format", "auto") or "auto", bool(getattr(args, "map", None))
    reasons = [refusal(Path(f), fmt, mapped) for f in files]
    if all(reasons):
        raise UserError("\nknowme: ".join(r for r in reasons if r))


def open_store(args: argparse.Namespace) -> Store:
    path = paths.workspace_path(args.db)
    if (notice := upgrade_notice(path, SCHEMA_VERSION)) is not None:
        print(f"knowme: {notice}", file=sys.stderr, flush=True)
    store = Store.open(path, create=creates_workspace(args))
    try:
        check_integrity(path)
    except WorkspaceError:
        store.close()
        raise
    return store


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (`kill`, `timeout`, a closed terminal): stop as ctrl+c stops, the transaction
    rolled back and the worker processes ended."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number
        self.signal_name = signal.Signals(number).name


@contextmanager
def signals_stop_cleanly(ending: bool = False) -> Iterator[None]:
    """While a command runs, a signal that would stop it stops it cleanly. Left to their defaults,
    SIGTERM killed the main process at once and its forked workers (dedupe, import) then failed to send
    their results to it, each printing a traceback after the command had ended; ctrl+c reached every
    worker of the process group too, and each printed its own. Now the main process raises `Stopped`
    (or KeyboardInterrupt), whose unwinding ends the workers (SIGTERM, which kills a worker as it
    always did, silently), and a worker leaves ctrl+c and SIGHUP to the main process: it says what
    happened. A signal the command was started ignoring stays ignored (`nohup`: a closed terminal
    stopped the import once it had begun). The earlier handlers come back afterwards; or, `ending` (the
    process ends with the command, `run`), a stop stays answered until it has
    (`knowme.cli.finished_stopped`): handed back to Python's defaults, ctrl+c then gave a traceback,
    SIGTERM a silent kill, and a ctrl+c the starter had ignored nothing at all."""
    main_pid = os.getpid()

    def stop(number: int, _frame: object) -> None:
        if os.getpid() != main_pid:  # a forked worker: the main process ends it (SIGTERM) when it stops
            if number == signal.SIGTERM:  # die as SIGTERM kills, silently; a Python exit could hang the pool
                signal.signal(number, signal.SIG_DFL)
                os.kill(os.getpid(), number)
            return  # ctrl+c and a closed terminal reach the whole process group: the main process answers
        if number == signal.SIGINT:
            raise KeyboardInterrupt
        raise Stopped(number)

    earlier: dict[int, Any] = {}
    try:
        for name in ("SIGTERM", "SIGHUP", "SIGINT"):
            number = getattr(signal, name, None)
            if number is not None and not ignored(number):
                earlier[number] = signal.signal(number, stop)
    except ValueError:  # not the main thread (a test calling main from a thread): left as they are
        pass
    try:
        yield
    finally:
        from knowme.cli import starting_stopped

        if ending:
            stops_answered_until_exit()
        else:
            for number, handler in earlier.items():  # the command has run: no longer "while starting"
                signal.signal(number, signal.SIG_DFL if handler is starting_stopped else handler)


# C0 controls but tab and line feed, DEL and C1: shown as ^[, ^M, ^?, <9b>. A name that is a terminal
# sequence ("Evil\x1b[2K\x1b[1AName") erased the lines printed before it, a refusal among them, and a
# carriage return let a name write over its own line
_VISIBLE = {**{c: f"^{chr(c + 64)}" for c in range(0x20) if c not in (0x09, 0x0A)}, 0x7F: "^?",
            **{c: f"<{c:02x}>" for c in range(0x80, 0xA0)}}


class _Visible:
    """A text stream whose control characters are written visibly (`_VISIBLE`); the rest as it is."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(text.translate(_VISIBLE))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def controls_shown() -> Iterator[None]:
    """While a command runs, what it says shows control characters from the user's data instead of
    obeying them: on stderr always (only messages go there), on stdout when it is a terminal (a file
    or a pipe gets the export's bytes unchanged)."""
    saved = sys.stdout, sys.stderr
    try:
        sys.stderr = _Visible(sys.stderr)  # type: ignore[assignment]
        if saved[0].isatty():
            sys.stdout = _Visible(sys.stdout)  # type: ignore[assignment]
        yield
    finally:
        sys.stdout, sys.stderr = saved


def started(names: Sequence[str] = ("SIGINT",)) -> None:
    """Hand the signals `names` back from `knowme.cli.starting_stopped`: ctrl+c then raises
    KeyboardInterrupt, which `main` answers, and SIGTERM and SIGHUP get their defaults (the review UI).
    A command other than the review UI keeps them on `starting_stopped` until `signals_stop_cleanly`
    takes over: reset to their defaults while the arguments were read, they ended it without a word."""
    from knowme.cli import starting_stopped

    for name in names:
        number = getattr(signal, name, None)
        try:
            if number is not None and signal.getsignal(number) is starting_stopped:
                signal.signal(number, signal.default_int_handler if number == signal.SIGINT else signal.SIG_DFL)
        except ValueError:  # not the main thread
            pass


def _run(handler: Callable[..., int], args: argparse.Namespace) -> int:
    if getattr(args, "no_store", False):
        return handler(args, None) or 0
    refuse_nothing_to_import(args)
    with open_store(args) as store:
        return handler(args, store) or 0


def main(argv: Sequence[str] | None = None, *, ending: bool = False) -> int:
    """Run the command `argv` (default: the process's arguments) and return its exit status. `ending`:
    the process ends with it (`run`), so a stop stays answered once the command is done."""
    started()
    try:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        _stop_said(130)
        if ending:
            stops_answered_until_exit()
        print("knowme: interrupted while starting; nothing half-done was saved (nothing had begun)", file=sys.stderr)
        return 130
    handler: Callable[..., int] | None = getattr(args, "handler", None)
    if handler is None:
        if ending:
            stops_answered_until_exit()
        parser.print_help(sys.stderr)
        return 2
    terminal_ui = getattr(args, "terminal_ui", False)  # the review UI reads its keys (ctrl+c among them) itself
    if terminal_ui:
        started(("SIGTERM", "SIGHUP"))
    with nullcontext() if terminal_ui else controls_shown():
        try:
            if terminal_ui:
                return _run(handler, args)
            with signals_stop_cleanly(ending):
                return _run(handler, args)
        except (UserError, WorkspaceError) as exc:
            print(f"knowme: {exc}", file=sys.stderr)
            return 1
        except DatabaseError as exc:
            print(f"knowme: {describe_error(paths.workspace_path(args.db), exc)}", file=sys.stderr)
            return 1
        except OverflowError as exc:  # an id or number beyond what the workspace can hold
            print(f"knowme: a number is too large ({exc})", file=sys.stderr)
            return 1
        except Stopped as exc:
            _stop_said(128 + exc.number)
            print(f"knowme: stopped ({exc.signal_name}); nothing half-done was saved (what had finished stays, "
                  "a file written whole included)", file=sys.stderr)
            return 128 + exc.number
        except KeyboardInterrupt:
            _stop_said(130)
            print("knowme: interrupted; nothing half-done was saved", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0


def _stop_said(status: int) -> None:
    """A stop is being answered (one line, `status`): a second one while the process ends adds no line."""
    import knowme.cli

    knowme.cli.stop_said, knowme.cli.stop_status = True, status


ENDING_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def stops_answered_until_exit() -> None:
    """From now until the process ends, a stop is answered by `knowme.cli.finished_stopped` (`run`)."""
    from knowme.cli import finished_stopped

    for name in ENDING_SIGNALS:
        number = getattr(signal, name, None)
        try:
            if number is not None and not ignored(number):
                signal.signal(number, finished_stopped)
        except ValueError:  # not the main thread
            pass


def ignored(number: int) -> bool:
    """Whether the signal `number` is ignored here (as `nohup` starts a command with SIGHUP): left so."""
    return signal.getsignal(number) == signal.SIG_IGN


def run() -> NoReturn:
    """The `knowme` program (the installed command and `python -m knowme.cli`): `main`, then the
    process ends with its status. A stop from the moment the command's work is done to the process's
    end is answered like one during it, in one line with a stop's status: left to Python's shutdown, a
    ctrl+c there gave a traceback, SIGTERM and SIGHUP a silent kill, a ctrl+c landing in its last steps
    was dropped (exit 0) and one ignored by whoever started the command was never seen.

    The review UI reads ctrl+c as a key and ends through Python's own shutdown, as before."""
    try:
        status = main(ending=True)
    except SystemExit as exc:  # argparse: --help (0), bad usage (2), already said
        if not isinstance(exc.code, int):
            raise
        status = exc.code
        stops_answered_until_exit()
    from knowme.cli import finished_stopped

    if signal.getsignal(signal.SIGINT) is not finished_stopped or not hasattr(signal, "pthread_sigmask"):
        sys.exit(status)  # the review UI, not the main thread, or not POSIX: Python's own ending
    numbers = {getattr(signal, name) for name in ENDING_SIGNALS if hasattr(signal, name)}
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away: nothing more to show it
        pass
    except OSError as exc:  # a full disk under a redirected output: the command's output is not whole
        print(f"knowme: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        status = status or 1
    # From here the stops wait in the kernel; one that came before is answered by `finished_stopped`
    # at the next line of Python, one that comes after is found pending. None is left to Python's
    # shutdown, which is skipped: the command's work, its workers and its workspace are done with.
    signal.pthread_sigmask(signal.SIG_BLOCK, numbers)
    pending = sorted(numbers & signal.sigpending())
    if pending:  # delivered on unblocking, and answered by `finished_stopped` before this call returns
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {pending[0]})
    try:
        sys.stderr.flush()
    finally:
        os._exit(status)

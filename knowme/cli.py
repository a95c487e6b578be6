"""The `knowme` command: a thin face over the core, per the contract in DESIGN.md.

Exit 0 on success, 1 on a user error (one line on stderr, never a traceback), 2 on bad usage.
Each group of commands lives in its own `knowme.cli_*` module and registers its sub-commands
here through `add_commands(subparsers)`.
"""
from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any

from knowme import paths
from knowme.store import Store, WorkspaceError

# Modules that add sub-commands; each defines add_commands(sub) and handlers `cmd_*(args, store)`.
COMMAND_MODULES = ("knowme.cli_core", "knowme.cli_dedupe", "knowme.cli_triage", "knowme.cli_export",
                   "knowme.cli_review")


class UserError(Exception):
    """Something the user can fix: printed as one line, exit 1."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # bad usage: exit 2 with the usage line
        self.print_usage(sys.stderr)
        self.exit(2, f"knowme: error: {message}\n")


#: Commands whose module is all `main` needs: the review UI starts without importing the rest
#: (importers, dedupe, exports: a third of its start-up in a real terminal).
_ALONE = {"review": "knowme.cli_review", "demo": "knowme.cli_review"}


def _command_of(argv: Sequence[str]) -> str | None:
    """The sub-command named in argv (skipping --db PATH), or None."""
    args = iter(argv)
    for arg in args:
        if arg == "--db":
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    command = _command_of(sys.argv[1:] if argv is None else argv)
    modules = (_ALONE[command],) if command in _ALONE else COMMAND_MODULES
    parser = Parser(prog="knowme", description="Review your address books before any bulk sync to a "
                                               "professional network.")
    parser.add_argument("--db", metavar="PATH", help="workspace file (default: $KNOWME_DB or the user data dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command group not built yet
            if exc.name != name:
                raise
            continue
        module.add_commands(sub)
    return parser


def open_store(args: argparse.Namespace) -> Store:
    return Store.open(paths.workspace_path(args.db))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler: Callable[..., int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if getattr(args, "no_store", False):
            return handler(args, None) or 0
        with open_store(args) as store:
            return handler(args, store) or 0
    except (UserError, WorkspaceError) as exc:
        print(f"knowme: {exc}", file=sys.stderr)
        return 1
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            print(f"knowme: the workspace is busy: another knowme is writing to it ({exc})", file=sys.stderr)
        else:
            print(f"knowme: workspace error: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        print(f"knowme: the workspace is damaged or not a knowme workspace: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("knowme: interrupted; nothing half-done was saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    # Run as `python -m knowme.cli`, this file is `__main__`; the command modules raise
    # `knowme.cli.UserError`, so call the `knowme.cli` module's main or they would not be caught.
    from knowme.cli import main as _main

    raise SystemExit(_main())

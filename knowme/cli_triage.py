"""`knowme mark`: decisions from the command line."""
from __future__ import annotations

import argparse

from knowme.cli_core import cmd_mark_simple
from knowme.model import Decision


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mark", help="set the decision of people (by id, email or exact name)")
    p.add_argument("queries", nargs="+", metavar="QUERY")
    p.add_argument("--as", dest="decision", required=True, choices=[d.value for d in Decision])
    p.add_argument("--note", default=None)
    p.set_defaults(handler=cmd_mark_simple)

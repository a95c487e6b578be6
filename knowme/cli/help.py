"""How each sub-command presents itself in `--help`: a one-line summary in `knowme --help`, and in
`knowme COMMAND --help` a description and examples, worded as git, gh and khard word theirs."""
from __future__ import annotations

import argparse
import textwrap

WIDTH = 78


def command(sub: argparse._SubParsersAction, name: str, summary: str, about: str,
            examples: list[tuple[str, str]] | None = None, notes: str = "") -> argparse.ArgumentParser:
    """Add sub-command `name`: `summary` for the command list, `about` (paragraphs split by blank lines)
    above its options, and an epilog of `examples` (command, what it does) and `notes`."""
    description = "\n\n".join(textwrap.fill(" ".join(part.split()), WIDTH) for part in about.strip().split("\n\n"))
    return sub.add_parser(name, help=summary, description=description, epilog=epilog(examples or [], notes),
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def epilog(examples: list[tuple[str, str]], notes: str = "") -> str:
    """`examples:` with each command on its own line and what it does indented under it (as gh does)."""
    lines = ["examples:"] if examples else []
    for example, what in examples:
        lines.append(f"  {example}")
        if what:
            lines += textwrap.wrap(what, WIDTH, initial_indent="      ", subsequent_indent="      ")
    if notes:
        lines += [""] + [textwrap.fill(" ".join(part.split()), WIDTH) for part in notes.strip().split("\n\n")]
    return "\n".join(lines)


JSON_HELP = "print JSON instead of text, for scripts"


def add_replacing(parser: argparse.ArgumentParser) -> None:
    """`--replace` and `--as-new-source`: how FILEs may replace earlier imports (`import`, `review FILE`)."""
    replacing = parser.add_mutually_exclusive_group()
    replacing.add_argument("--replace", dest="mode", action="store_const", const="replace", default="auto",
                           help="let a newer export of an address book replace its earlier import even though "
                                "it no longer holds people you decided on: they go (exclusions stay suppressed)")
    replacing.add_argument("--as-new-source", dest="mode", action="store_const", const="new",
                           help="import FILEs as new sources beside any earlier import with the same file name; "
                                "nothing earlier is replaced")

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

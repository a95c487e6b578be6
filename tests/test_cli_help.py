"""Help a person can use: every command describes itself with examples that really parse, every
argument and option says what it takes, and counts read right ("1 pair", "2 pairs")."""
from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from knowme.cli.main import build_parser
from knowme.text import plural, plural_of


def commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every sub-command parser, nested ones (`export safe`) included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name), sub
                yield from commands(sub, (*prefix, name))


COMMANDS = list(commands(build_parser()))
IDS = [" ".join(name) for name, _ in COMMANDS]


def examples(parser: argparse.ArgumentParser) -> list[str]:
    return [line.strip() for line in (parser.epilog or "").splitlines() if line.startswith("  knowme ")]


@pytest.mark.parametrize(("name", "parser"), COMMANDS, ids=IDS)
def test_every_command_has_a_description_and_examples_that_parse(name: tuple[str, ...],
                                                                 parser: argparse.ArgumentParser) -> None:
    assert parser.description and len(parser.description) > 40, name
    found = examples(parser)
    assert found, f"{' '.join(name)}: no examples in --help"
    for example in found:
        words = shlex.split(re.split(r" (?:\||&&|<|>) ", example)[0])[1:]  # up to a pipe or redirection
        words = [w.replace("$NOTE", "a note") for w in words]
        try:
            args = build_parser().parse_args(words)
        except SystemExit as exc:  # pragma: no cover - the message is the failure
            pytest.fail(f"example does not parse: {example} (exit {exc.code})")
        assert getattr(args, "handler", None) is not None, example


@pytest.mark.parametrize(("name", "parser"), COMMANDS, ids=IDS)
def test_every_argument_and_option_says_what_it_takes(name: tuple[str, ...], parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        assert action.help, f"{' '.join(name)}: {action.dest} has no help"
        if action.option_strings and action.nargs != 0 and not action.choices:
            assert action.metavar, f"{' '.join(name)}: {action.option_strings[0]} does not say what it takes"


def test_help_text_shows_choices_examples_and_db_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    from knowme.cli.main import main

    for argv, wanted in ((["review", "--help"], "vcard, csv"), (["resolve", "--help"], "same|different"),
                         (["pairs", "--help"], "knowme resolve PAIR same"), (["dedupe", "--help"], "examples:"),
                         (["status", "--help"], "--db PATH"), (["--help"], "a first session:"),
                         (["export", "safe", "--help"], "-o - --format google-csv")):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert wanted in out, (argv, out)
        assert "--json" not in out or "print JSON" in out or "JSON" in out


@pytest.mark.parametrize(("count", "word", "expected"), [
    (0, "pair", "0 pairs"), (1, "pair", "1 pair"), (2, "pair", "2 pairs"),
    (1, "possible duplicate", "1 possible duplicate"), (3, "possible duplicate", "3 possible duplicates"),
    (1, "person", "1 person"), (2, "person", "2 people"), (2, "knows-me person", "2 knows-me people"),
    (2, "address", "2 addresses"), (2, "monthly batch", "2 monthly batches"), (2, "entry", "2 entries"),
    (2, "day", "2 days"), (1234, "record", "1234 records")])
def test_plural(count: int, word: str, expected: str) -> None:
    assert plural(count, word) == expected


def test_plural_with_thousands_and_an_own_plural() -> None:
    assert plural(12345, "record", sep=True) == "12,345 records"
    assert plural(2, "criterion", "criteria") == "2 criteria" and plural(1, "criterion", "criteria") == "1 criterion"
    assert plural_of("is") == "are"


# Counts written into a message as "{n} pairs" (or people, records, ...) print "1 pairs" for one:
# every count a user reads goes through knowme.text.plural instead.
COUNTED = re.compile(r"\{[^{}]*\}(?:,)? (?:pairs|records|sources|problems|possible duplicates|duplicates|suggestions|"
                     r"notes|files|cards|rows|addresses|merges)\b")
# Messages where the count is never 1 (a merge joins two or more, a shared address has two holders).
NEVER_ONE = {"knowme/dedupe/merge.py", "knowme/dedupe/scoring.py", "knowme/dedupe/evidence.py", "knowme/triage.py", "tui/screens/duplicates.py",
             "knowme/suggest.py", "importers/vcard.py"}


def test_no_message_counts_without_the_plural_helper() -> None:
    found = []
    for package in ("knowme", "tui", "importers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            if rel in NEVER_ONE:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if COUNTED.search(line):
                    found.append(f"{rel}:{number}: {line.strip()}")
    assert found == [], "use knowme.text.plural for these counts:\n" + "\n".join(found)


def test_help_files_are_where_the_readme_says(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("knowme sources", "knowme forget", "knowme doctor", "--force", "-o -"):
        assert command in readme, command

"""Exports are safe to open and land only where the user said.

- vCard output escapes `,` `;` `\\` and line breaks so that any name, company or title (hostile
  strings, every script, emoji, combining marks) re-imports identical through our own importer;
  the CSV writers do the same for every string a spreadsheet would not evaluate.
- Every CSV cell a spreadsheet could read as a formula is neutralised, whatever the data.
- File names: the only names knowme writes to are the user's own (`-o FILE`, the export dialog's
  path) and a temporary file beside it; no file name is built from the data. A link planted at the
  temporary name, an odd file name, or a link at the destination never makes the write land
  outside the chosen folder.
"""
from __future__ import annotations

import ast
import csv
import io
import re
import os
import secrets
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowme import importers
from knowme.exports import ExportError, exporters
from knowme.exports.contacts import write_google_csv, write_linkedin_csv, write_vcard
from knowme.exports.files import FORMULA_STARTS, safe_cell, write_private
from knowme.exports.safe import ContactRow

ROOT = Path(__file__).resolve().parents[1]

# Text as people type it into address books, and as attackers do: every separator vCard and CSV
# know, quotes, backslashes, line breaks, tabs, other scripts, emoji, combining and invisible marks.
SPECIALS = list(",;:\\\"'=+-@\t\n ") + ["\\n", "\\,", "\\;", "\\\\", "\r\n", "é", "ø", "ß", "中文", "日本",
                                         "Ω", "😀", "👩‍💻", "\u0301", "\u200b", "\u00a0", "\u2028", "ﬁ", "ı",
                                         "İ", "עברית", "العربية", "ǅ", "BEGIN:VCARD", "END:VCARD", "=0D=0A"]
hostile = st.lists(st.sampled_from(SPECIALS) | st.text(alphabet=st.characters(codec="utf-8",
                                                                              exclude_categories=("Cs", "Cc")),
                                                        max_size=6), max_size=8).map("".join)


def canonical(text: str) -> str:
    """What a value is once stored: CRLF and CR read as LF, no blank at either end (importers strip them)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def read_back(text: str) -> str:
    """What a value written to a vCard is once read again: a line break of any kind `str.splitlines`
    knows (U+2028, U+0085, VT, FF...) is written as one (\\n), so no reader splitting lines so finds a
    line of its own inside a value."""
    return canonical(text.translate({ord(c): "\n" for c in "\v\f\x1c\x1d\x1e\x85\u2028\u2029"}))


words = hostile.map(canonical)
# (an address may start with "-" or "+"; the CSV writers then prefix it like any formula-like cell)
emails = st.lists(st.from_regex(r"[a-z0-9._%][a-z0-9._%+-]{0,11}@[a-z0-9-]{1,10}\.(org|com|de)", fullmatch=True),
                  min_size=1, max_size=5, unique=True)


def row_of(given: str, family: str, org: str, title: str, mails: list[str]) -> ContactRow:
    return ContactRow(1, given, "", family, "", "", " ".join(p for p in (given, family) if p), tuple(mails),
                      org, title)


def parsed(tmp: Path, name: str, text: str, fmt: str) -> list:
    path = tmp / name
    path.write_bytes(text.encode("utf-8"))
    result = importers.parse(path, fmt)
    assert result.problems == [], [str(p) for p in result.problems]
    return result.records


def text_of(write, rows: list[ContactRow]) -> str:
    buffer = io.StringIO(newline="")
    write(buffer, rows)
    return buffer.getvalue()


# ---- vCard: escaping that re-imports identical ----------------------------------------------------------


@given(given_name=words, family=words, org=words, title=words, mails=emails)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
def test_vcard_reimports_identical_whatever_the_text(tmp_path: Path, given_name: str, family: str, org: str,
                                                      title: str, mails: list[str]) -> None:
    if not (given_name or family):
        given_name = "X"
    row = row_of(given_name, family, org, title, mails)
    text = text_of(write_vcard, [row])
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line  # folded
        assert "\n" not in line and "\r" not in line
    [record] = parsed(tmp_path, "safe.vcf", text, "vcard")
    assert (record.given, record.family, record.org, record.title) == tuple(
        map(read_back, (given_name, family, org, title)))
    assert record.formatted_name == read_back(row.display_name)
    assert [e.value for e in record.emails] == mails


@pytest.mark.parametrize(("value", "escaped"), [
    ("a,b", "a\\,b"), ("a;b", "a\\;b"), ("a\\b", "a\\\\b"), ("a\nb", "a\\nb"), ("a\r\nb", "a\\nb"),
    ("\\n", "\\\\n"), ("\\,", "\\\\\\,"), (",;\\\n", "\\,\\;\\\\\\n"),
])
def test_vcard_escapes_each_special_character(tmp_path: Path, value: str, escaped: str) -> None:
    text = text_of(write_vcard, [row_of("Ann", "Lee", value, value, ["ann@example.org"])])
    unfolded = text.replace("\r\n ", "")
    assert f"\r\nORG:{escaped}\r\n" in unfolded and f"\r\nTITLE:{escaped}\r\n" in unfolded
    [record] = parsed(tmp_path, "one.vcf", text, "vcard")
    assert record.org == canonical(value) and record.title == canonical(value)


# ---- CSV: formula injection and round trips ---------------------------------------------------------------

formula_text = st.tuples(st.sampled_from(list(FORMULA_STARTS) + ["=", "+", "-", "@"]), hostile).map("".join)


@given(cells=st.lists(formula_text | hostile, min_size=5, max_size=5), mails=emails)
@settings(max_examples=150, deadline=None)
def test_no_csv_cell_is_ever_a_formula(cells: list[str], mails: list[str]) -> None:
    given_name, family, org, title, extra = cells
    row = row_of(given_name, family, org, title, [*mails, extra])
    for name, exporter in exporters("safe").items():
        if exporter.extension != ".csv":
            continue
        for out_row in csv.reader(io.StringIO(text_of(exporter.write, [row]), newline="")):
            for value in out_row:
                assert not value.startswith(FORMULA_STARTS), (name, value)


_CELL_STARTS = re.compile(r"(?:^|[;\t\r\n])[ \u00a0\";\t\r\n]*([^ \u00a0\";\t\r\n])")


def cell_starts(text: str) -> list[str]:
    """The first character of every cell a spreadsheet may read in `text`: splitting at commas as CSV
    says, or at every `;`, tab and line break (Excel in a `;` locale honours quotes only at a cell's start)."""
    return [m.group(1) for m in _CELL_STARTS.finditer(text)]


@given(cells=st.lists(formula_text | hostile, min_size=5, max_size=5), mails=emails)
@settings(max_examples=150, deadline=None)
def test_no_cell_any_spreadsheet_may_split_out_is_a_formula(cells: list[str], mails: list[str]) -> None:
    """`Acme;=HYPERLINK(...)` was one cell here and two in German Excel, which splits a .csv at `;`; a
    line break inside a quoted draft ended the row there, its next line a formula."""
    given_name, family, org, title, extra = cells
    row = row_of(given_name, family, org, title, [*mails, extra])
    for name, exporter in exporters("safe").items():
        if exporter.extension != ".csv":
            continue
        text = text_of(exporter.write, [row])
        for value in csv.reader(io.StringIO(text, newline="")):
            for cell in value:
                assert not cell.lstrip(" \u00a0").startswith(FORMULA_STARTS), (name, cell)
        for start in cell_starts(text):
            assert start not in FORMULA_STARTS, (name, text)


def test_inner_and_spaced_formulas_get_an_apostrophe() -> None:
    assert [safe_cell(v) for v in ("Acme;=1+1", " =1+1", "Hi Ann,\n@SUM(1)", "a;b=c", "plain")] == [
        "Acme;'=1+1", "' =1+1", "Hi Ann,\n'@SUM(1)", "a;b=c", "plain"]


# cells a spreadsheet would not evaluate (they get no apostrophe, so they must come back exactly);
# a cell reading BEGIN:VCARD makes our CSV importer take the file for a vCard (known, harmless)
plain = words.filter(lambda s: not s.lstrip(" \u00a0").startswith(FORMULA_STARTS) and not s.startswith("'")
                     and not any(start in FORMULA_STARTS for start in cell_starts(s))
                     and "BEGIN:VCARD" not in s.upper())


@pytest.mark.parametrize(("write", "fmt"), [(write_google_csv, "google"), (write_linkedin_csv, "outlook")],
                         ids=["google-csv", "linkedin-csv"])
def test_csv_reimports_identical_whatever_the_text(tmp_path: Path, write, fmt: str) -> None:
    @given(given_name=plain, family=plain, org=plain, title=plain, mails=emails)
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def check(given_name: str, family: str, org: str, title: str, mails: list[str]) -> None:
        if not (given_name or family):
            given_name = "X"
        # the LinkedIn file carries no middle name: a given name with a space splits back the same way
        row = row_of(given_name, family, org, title, mails)
        records = parsed(tmp_path, f"safe-{fmt}.csv", text_of(write, [row]), fmt)
        got = {(r.given, r.middle, r.family, r.org, r.title) for r in records}
        assert len(got) == 1, got
        g, m, f, o, t = got.pop()
        assert (" ".join(p for p in (g, m) if p), f, o, t) == (given_name, family, org, title)
        assert [e.value for r in records for e in r.emails] == mails

    check()


# ---- where files land ---------------------------------------------------------------------------------------

ODD_NAMES = ["..safe.csv", "-o.csv", " spaced name .csv", "naïve 中文 😀.csv", "a\\b.csv", "line\nbreak.csv",
             "x" * 240 + ".csv", ".hidden.vcf", "safe.csv.knowme-tmp-1"]


def _write_demo(path: Path) -> None:
    write_private(path, lambda fh: fh.write("First Name\r\nAnn\r\n"))


@pytest.mark.parametrize("name", ODD_NAMES, ids=range(len(ODD_NAMES)))
def test_an_odd_file_name_is_written_exactly_there_and_nowhere_else(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "chosen"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text("untouched")
    before_outside = sorted(p.name for p in tmp_path.iterdir())
    _write_demo(folder / name)
    assert [p.name for p in folder.iterdir()] == [name]
    assert (folder / name).read_bytes() == b"First Name\r\nAnn\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before_outside
    assert (tmp_path / "outside.txt").read_text() == "untouched"


def test_a_link_planted_at_the_temporary_name_is_never_followed(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone who can write to the chosen folder (a shared /tmp) guesses the temporary name."""
    folder = tmp_path / "shared"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    monkeypatch.setattr(secrets, "token_hex", lambda n=None: "guessed")
    (folder / f".safe.csv.knowme-tmp-{os.getpid()}-guessed").symlink_to(victim)
    with pytest.raises(ExportError, match="cannot write"):
        _write_demo(folder / "safe.csv")
    assert victim.read_text() == "precious"
    assert not (folder / "safe.csv").exists()
    assert (folder / f".safe.csv.knowme-tmp-{os.getpid()}-guessed").is_symlink()  # theirs, left alone


def test_the_temporary_name_cannot_be_guessed(tmp_path: Path) -> None:
    """Without the monkeypatch above: a link at the old, pid-only name does not matter."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / f".safe.csv.knowme-tmp-{os.getpid()}").symlink_to(victim)
    _write_demo(tmp_path / "safe.csv")
    assert victim.read_text() == "precious"
    assert (tmp_path / "safe.csv").read_text().startswith("First Name")
    assert not (tmp_path / "safe.csv").is_symlink()


def test_a_link_at_the_destination_is_refused_even_with_force(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    folder = tmp_path / "chosen"
    folder.mkdir()
    (folder / "safe.csv").symlink_to(victim)
    for force in (False, True):
        with pytest.raises(ExportError, match="symbolic link"):
            write_private(folder / "safe.csv", lambda fh: fh.write("x"), force=force)
    assert victim.read_text() == "precious"
    assert (folder / "safe.csv").is_symlink()
    assert [p.name for p in folder.iterdir()] == ["safe.csv"]  # no temporary file left behind


# Calls that create or move files. Each use in our code is listed with why its path is safe;
# a new one fails this test until someone checks that no part of its name comes from the data.
FILE_MAKERS = {"open", "write_text", "write_bytes", "touch", "mkdir", "makedirs", "mkstemp", "mkdtemp",
               "NamedTemporaryFile", "TemporaryDirectory", "copy", "copyfile", "copy2", "copytree", "move",
               "rename", "replace", "symlink_to", "link", "symlink", "connect"}
REVIEWED = {
    ("knowme/exports/files.py", "open"): "write_private: the user's path and a temp file beside it",
    ("knowme/exports/files.py", "replace"): "write_private: temp file over the user's path",
    ("knowme/store/core.py", "mkdir"): "Store.open: the workspace folder (--db, KNOWME_DB or platformdirs)",
    ("knowme/store/core.py", "open"): "Store.open: creates the workspace file 0600 (under a random name beside it)",
    ("knowme/store/core.py", "link"): "Store.open: the new workspace into place at --db's path, never replacing",
    ("knowme/store/core.py", "rename"): "Store.open: the same, where the file system has no hard links",
    ("knowme/store/core.py", "connect"): "Store.open: sqlite3 on the workspace path",
    ("knowme/store/merging.py", "connect"): "dedupe workers: the workspace path, read-only (mode=ro creates nothing)",
    ("knowme/cli/review.py", "mkdtemp"): "knowme demo: a throwaway folder from tempfile",
    ("knowme/exports/files.py", "link"): "write_private: the finished temp file at the user's path, never replacing",
    ("knowme/filekinds.py", "open"): "open_regular: os.open O_RDONLY of an input, creates nothing",
    ("knowme/store/workspace.py", "connect"): "the workspace check: immutable or mode=ro, creates nothing beside it",
}
READ_ONLY_OPEN = {"r", "rb", "rt"}


def _file_makers(path: Path) -> list[tuple[int, str]]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in FILE_MAKERS:
            continue
        if name == "open":
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"),
                                                                 None)
            if isinstance(node.func, ast.Name) and (mode is None or (isinstance(mode, ast.Constant)
                                                                     and mode.value in READ_ONLY_OPEN)):
                continue  # builtin open for reading
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id == "Store":
                continue  # Store.open(path): the workspace (reviewed in knowme/store/core.py)
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id in ("gzip", "bz2", "lzma", "codecs", "io") and mode is None:
                continue
        if name == "replace" and not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                                      and node.func.value.id == "os"):
            continue  # str.replace
        if name in ("copy", "move", "link") and not (isinstance(node.func, ast.Attribute)
                                                     and isinstance(node.func.value, ast.Name)
                                                     and node.func.value.id in ("shutil", "os")):
            continue  # dict.copy and friends
        if name == "connect" and not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                                      and node.func.value.id == "sqlite3"):
            continue
        found.append((node.lineno, name))
    return found


def test_every_place_that_creates_a_file_is_reviewed() -> None:
    unreviewed = []
    seen = set()
    for package in ("knowme", "importers", "tui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            for line, name in _file_makers(path):
                seen.add((rel, name))
                if (rel, name) not in REVIEWED:
                    unreviewed.append(f"{rel}:{line}: {name}(...)")
    assert unreviewed == [], "new file-creating code: check that no part of the name comes from the data, " \
                             "then list it in REVIEWED\n" + "\n".join(unreviewed)
    assert seen >= {("knowme/exports/files.py", "open"), ("knowme/store/core.py", "connect")}

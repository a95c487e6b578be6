"""Only the storage package (`knowme/store/`) holds SQL: every other module asks it questions by name.

Like `test_core_no_textual.py` for Textual, this reads the source of every module outside the store and
fails naming the file and line of anything that would talk to SQLite directly: importing sqlite3, calling
`.execute`/`.executemany`/`.executescript`, reaching for a store's `.conn`, or a string that is a SQL
statement.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "knowme" / "store"
SQL_CALLS = {"execute", "executemany", "executescript"}
# a statement as code writes one (upper-case keywords), not an English sentence that starts "Select ..."
SQL_TEXT = re.compile(r"^\s*(SELECT\s.*\sFROM\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|"
                      r"(CREATE|DROP)\s+(TABLE|INDEX|TRIGGER|VIEW|VIRTUAL)\s|ALTER\s+TABLE\s|PRAGMA\s+\w|"
                      r"WITH\s+\w+\s+AS\s)", re.DOTALL)


def _outside_store() -> list[Path]:
    files = [*(ROOT / "knowme").rglob("*.py"), *(ROOT / "importers").rglob("*.py"), *(ROOT / "tui").rglob("*.py")]
    return sorted(path for path in files if STORE not in path.parents)


def _violations(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "sqlite3" for alias in node.names):
            found.append(f"{where}:{node.lineno}: imports sqlite3")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlite3":
            found.append(f"{where}:{node.lineno}: imports from sqlite3")
        elif isinstance(node, ast.Attribute) and node.attr in SQL_CALLS:
            found.append(f"{where}:{node.lineno}: calls .{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append(f"{where}:{node.lineno}: reaches for a connection (.conn)")
        elif isinstance(node, ast.Constant | ast.JoinedStr) and SQL_TEXT.match(_text_of(node)):
            found.append(f"{where}:{node.lineno}: a SQL statement in a string")
    return list(dict.fromkeys(found))  # an f-string and its first part are one finding


def _text_of(node: ast.Constant | ast.JoinedStr) -> str:
    """A string literal's text; an f-string's with `{}` where it formats a value."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    return "".join(_text_of(part) if isinstance(part, ast.Constant) else "{}" for part in node.values)


def test_the_walk_sees_the_whole_project() -> None:
    files = {path.relative_to(ROOT).as_posix() for path in _outside_store()}
    assert {"knowme/triage.py", "knowme/suppression.py", "knowme/views.py", "knowme/dedupe/run.py",
            "knowme/cli/main.py", "tui/widgets/contact_list.py", "importers/vcard.py"} <= files
    assert not any(name.startswith("knowme/store/") for name in files)


def test_no_module_outside_the_store_talks_sql() -> None:
    problems = [line for path in _outside_store() for line in _violations(path)]
    assert problems == [], "\n".join(problems)


def test_the_check_catches_each_kind_of_leak(tmp_path: Path) -> None:
    leak = tmp_path / "leak.py"
    leak.write_text("import sqlite3\nfrom sqlite3 import Row\n"
                    "def f(store):\n    store.conn.executemany('x', [])\n"
                    "Q = 'DELETE FROM people WHERE id = ?'\nR = f'SELECT {1} FROM {2}'\n", encoding="utf-8")
    kinds = sorted(line.split(": ", 1)[1] for line in _violations(leak, tmp_path))
    assert kinds == ["a SQL statement in a string", "a SQL statement in a string", "calls .executemany", "imports from sqlite3", "imports sqlite3",
                     "reaches for a connection (.conn)"]

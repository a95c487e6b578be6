"""The core and the importers import without Textual: only `tui/` (installed as `knowme.tui`) may use it."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules(folder: str, package: str) -> list[str]:
    names = [package]
    for info in pkgutil.walk_packages([str(ROOT / folder)], prefix=f"{package}."):
        if not info.name.endswith(".__main__"):  # running the command is not importing it
            names.append(info.name)
    return names


def test_core_and_importers_import_without_textual() -> None:
    modules = _modules("knowme", "knowme") + _modules("importers", "knowme.importers")
    assert "knowme.views" in modules and "knowme.cli.review" in modules
    script = (
        "import importlib, sys\n"
        "sys.modules['textual'] = None\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert leaked == ['textual'], leaked\n"
        "print('ok', len(" + repr(modules) + "))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok")


def test_knowme_status_does_not_load_textual(tmp_path: Path) -> None:
    book = ROOT / "sample_data" / "iphone.vcf"  # status needs a workspace: import makes one
    script = ("import sys\nfrom knowme.cli.main import main\n"
              f"assert main(['--db', {str(tmp_path / 'w.db')!r}, 'import', {str(book)!r}]) == 0\n"
              f"code = main(['--db', {str(tmp_path / 'w.db')!r}, 'status'])\n"
              "assert 'textual' not in sys.modules, 'status imported textual'\n"
              "raise SystemExit(code)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_knowme_review_starts_without_the_other_commands_dedupe_or_exports() -> None:
    """`review` and `demo` parse their command line without importing what only other commands use."""
    script = ("import sys\nfrom knowme.cli.main import main\n"
              "for command in ('review', 'demo'):\n"
              "    try:\n"
              "        main([command, '--help'])\n"
              "    except SystemExit:\n"
              "        pass\n"
              "heavy = sorted(m for m in sys.modules if m.startswith(('knowme.exports', 'knowme.dedupe.', 'knowme.cli.'))\n"
              "               and m not in ('knowme.cli.main', 'knowme.cli.errors', 'knowme.cli.help', 'knowme.cli.review',\n"
              "                             'knowme.dedupe.namesim'))\n"  # names: record preparation's match keys
              "assert heavy == [], heavy\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr

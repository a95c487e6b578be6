"""Shared fixtures: a fresh workspace, the corpus and sample-data locations, and a `knowme` runner."""
from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from knowme.store.core import Store

SAMPLE_BOOKS = Path(__file__).resolve().parents[1] / "sample_data"

# CI runs property tests with a fixed seed and a fixed budget; locally they explore more.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "sample_data"
# The real-world exports (../shared/corpus) are not in the repository: tests that need them say so.
CORPUS_MISSING = (f"needs the corpus of real vCard and CSV exports at ../shared/corpus beside the checkout "
                  f"({CORPUS} is missing)")


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "w.db")
    yield s
    s.close()


class Knowme:
    """Runs `knowme` against one workspace: `knowme.cli.main(argv)` in this process, as the command
    would run it (its own stdin, stdout and stderr, no KNOWME_DB, the repository as the working
    folder), or with `.subprocess(...)` the real command in a new Python where the process matters."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, *args: object, input: str | None = None) -> subprocess.CompletedProcess:
        from knowme.cli.main import main

        argv = ["--db", str(self.db), *map(str, args)]
        out, err = io.StringIO(), io.StringIO()
        saved_env, saved_cwd, saved_stdin = os.environ.pop("KNOWME_DB", None), os.getcwd(), sys.stdin
        sys.stdin = io.StringIO(input or "")
        os.chdir(ROOT)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as exc:  # argparse: --help (0) and bad usage (2)
                    code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdin = saved_stdin
            os.chdir(saved_cwd)
            if saved_env is not None:
                os.environ["KNOWME_DB"] = saved_env
        return subprocess.CompletedProcess(["knowme", *argv], code, out.getvalue(), err.getvalue())

    def subprocess(self, *args: object, input: str | None = None, env: dict[str, str] | None = None
                   ) -> subprocess.CompletedProcess:
        """The real command in its own Python process (for what a process changes: signals, imports, exit)."""
        env = {**{k: v for k, v in os.environ.items() if k != "KNOWME_DB"}, **(env or {})}
        return subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(self.db), *map(str, args)],
                              capture_output=True, text=True, timeout=300, env=env, input=input, cwd=ROOT)

    def init(self) -> None:
        """Create the empty workspace (only import, review FILE and demo would make one)."""
        Store.open(self.db).close()

    def json(self, *args: object) -> object:
        proc = self(*args)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)


@pytest.fixture
def knowme(tmp_path: Path) -> Knowme:
    return Knowme(tmp_path / "w.db")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A workspace of the bundled sample address books, deduplicated: one per test module that asks."""
    from knowme.dedupe.run import run_dedupe
    from knowme.importing import import_paths

    store = Store.open(tmp_path_factory.mktemp("sample") / "w.db")
    import_paths(store, sorted(p for p in SAMPLE_BOOKS.iterdir() if p.suffix in (".vcf", ".csv")))
    run_dedupe(store)
    yield store
    store.close()

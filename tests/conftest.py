"""Shared fixtures: a fresh workspace, the corpus and sample-data locations, and a `knowme` runner."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from knowme.store import Store

# CI runs property tests with a fixed seed and a fixed budget; locally they explore more.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "sample_data"


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "w.db")
    yield s
    s.close()


class Knowme:
    """Runs the real `knowme` command against one workspace."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, *args: object, input: str | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}
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

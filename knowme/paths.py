"""Every path knowme uses, in one place (platformdirs for the per-user defaults)."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "knowme"
PACKAGE_ROOT = Path(__file__).resolve().parent
# Installed from a wheel the sample books are package data (knowme/sample_data/); in a checkout
# (an editable install, or tests run from the repository) they are the top-level sample_data/.
_INSTALLED_SAMPLES = PACKAGE_ROOT / "sample_data"
SAMPLE_DATA = _INSTALLED_SAMPLES if _INSTALLED_SAMPLES.is_dir() else PACKAGE_ROOT.parent / "sample_data"


def default_workspace() -> Path:
    """The workspace when neither `--db` nor `KNOWME_DB` names one."""
    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "workspace.db"


def workspace_path(cli_value: str | None) -> Path:
    """`--db PATH`, else `KNOWME_DB`, else the per-user default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("KNOWME_DB")
    if env:
        return Path(env).expanduser()
    return default_workspace()


def sample_files() -> list[Path]:
    """The bundled sample address books (and mail), in the order a demo imports them."""
    order = ["google_contacts.csv", "outlook_contacts.csv", "iphone.vcf", "android.vcf", "Connections.csv",
             "sent.mbox", "inbox.mbox"]
    return [SAMPLE_DATA / name for name in order if (SAMPLE_DATA / name).exists()]

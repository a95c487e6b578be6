"""What importing a folder reads: the folder as one source, the files in it imported on their own, and
the files that are no address book (named, never passed over in silence).

A folder that is one address book of one kind (a vdir of .vcf files, a Maildir, a folder of mail) stays
one source, read by the importer that recognises it. Any other file in it that knowme can read (a
Google CSV beside the .vcf files, an mbox beside them, a Maildir inside a folder of cards) is imported
on its own, exactly as if it had been named on the command line, so it gets the source name it would
get then and a later import of the folder, or of the file, finds that source again. A folder of CSVs is
each CSV. Hidden files and folders (.DS_Store, .git) are left out; links, FIFOs and devices are never
read, as on the command line, and are named.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from knowme import importers
from knowme.filekinds import special_input
from knowme.importers import Importer
from knowme.model import NotAnAddressBook

#: Files whose name says they are meant as address books or mail: a member of the folder even when
#: unreadable, so the refusal is an error as for a file named on the command line, not a passing note.
MEANT = (".vcf", ".vcard", ".csv", ".tsv", ".mbox", ".mbx", ".eml")


@dataclass(slots=True)
class FolderPlan:
    """How a folder is imported."""

    whole: Importer | None  # reads the folder itself as one source (None: no such importer)
    read: list[Path] = field(default_factory=list)  # the files `whole` reads, in sorted order
    members: list[Path] = field(default_factory=list)  # files or Maildirs inside, each imported on its own
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (file, why it is not read)


def plan_folder(root: Path, fmt: str = "auto") -> FolderPlan:
    """Split folder `root` into what its own importer reads, what is imported on its own and what is skipped.

    With a `fmt` other than auto, the folder is read as that format and the rest is skipped (named):
    the user asked for one format.
    """
    whole = _whole(root, fmt)
    read: set[Path] = set()
    if whole is not None and whole.claims is not None:
        read = set(whole.claims(root))
        if not read and fmt == "auto":  # its files lie where it does not look (a hidden folder): none
            whole = None
    plan = FolderPlan(whole, read=sorted(read))
    if whole is not None and whole.claims is None:
        return plan  # reads no folder: its own refusal says so
    units: dict[Path, None] = {}
    for path in folder_files(root):
        if path in read:
            continue
        special = special_input(path)
        if special is not None:
            plan.skipped.append((path, f"is {special}; not read"))
            continue
        if fmt != "auto":
            plan.skipped.append((path, f"not read as {whole.label if whole else fmt} (--format {fmt}); "
                                       "import it on its own"))
            continue
        units.setdefault(_unit(root, path), None)
    for unit in units:
        reason = _unreadable(unit)
        if reason is None or unit.is_dir() or unit.suffix.lower() in MEANT:
            plan.members.append(unit)
        else:
            plan.skipped.append((unit, reason))
    return plan


def folder_files(root: Path) -> list[Path]:
    """Every file below `root` (links, FIFOs and links to folders included: never followed), in sorted
    order, leaving out hidden files and folders (.DS_Store, .git, .Trash): what a folder's import must
    account for."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        found.extend(here / name for name in filenames if not name.startswith("."))
        found.extend(here / name for name in dirnames if os.path.islink(here / name))
    return sorted(found)


def _whole(root: Path, fmt: str) -> Importer | None:
    if fmt != "auto":
        return importers.all_importers().get(fmt)
    try:
        importer = importers.detect(root)
    except (NotAnAddressBook, OSError):
        return None
    return importer if importer.claims is not None else None


def _unit(root: Path, path: Path) -> Path:
    """What `path` is imported as: the outermost Maildir below `root` holding it (a Maildir is named as a
    whole, with its messages and its store's own files), else the file itself."""
    for folder in reversed(path.relative_to(root).parents):
        if folder != Path(".") and _is_maildir(root / folder):
            return root / folder
    return path


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() or (path / "new").is_dir()


def _unreadable(path: Path) -> str | None:
    """Why `path` holds nothing knowme reads (the import's own words); None if it may."""
    try:
        importers.detect(path)
    except NotAnAddressBook as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    return None

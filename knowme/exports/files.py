"""Writing export files safely: private (0600), whole or not at all, spreadsheet-safe CSV cells.

A file is written to a temporary name beside the target and moved into place only when complete,
so a failed export never leaves half a file (or clobbers the previous one). An export never
replaces the workspace, its journal or a file imported into it, replaces another existing file
only when told to (`force`), and never writes through a symbolic link or into a FIFO or device. Every CSV cell that
a spreadsheet would read as a formula is neutralised with a leading apostrophe (OWASP's advice
against CSV injection).
"""
from __future__ import annotations

import csv
import errno
import io
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from knowme.filekinds import mode_kind
from knowme.heldfiles import JOURNALS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class ExportError(Exception):
    """An export that cannot be done as asked; the message is one line for the user."""


# Where a spreadsheet may start a new cell inside one of ours: Excel in a locale whose list separator is
# `;` (German, French, ...) opens a .csv split at every `;`, honours quotes only at the start of what it
# takes for a cell (so a line break inside our quoted cell ends its row there), and a tab-separated reading
# splits at tabs; a formula start right there (spaces before it allowed) gets its apostrophe too.
_CELL_FORMULA_STARTS = "".join(c for c in FORMULA_STARTS if c not in "\t\r\n")
_INNER_FORMULA = re.compile(r"([;\t\r\n][ \u00a0\"]*)(?=[" + re.escape(_CELL_FORMULA_STARTS) + "])")


def safe_cell(value: object) -> str:
    """A CSV cell that no spreadsheet will evaluate: formula-like starts get a leading apostrophe, also
    after leading spaces (` =1+1`) and after a `;`, tab or line break inside the cell (`Acme;=1+1` is
    two cells to a spreadsheet that splits at `;`)."""
    text = "" if value is None else str(value)
    if ";" in text or "\t" in text or "\n" in text or "\r" in text:
        text = _INNER_FORMULA.sub(r"\1'", text)
    if text.startswith(FORMULA_STARTS) or (text[:1] in (" ", "\u00a0")
                                           and text.lstrip(" \u00a0").startswith(FORMULA_STARTS)):
        return "'" + text
    return text


def write_csv(fh: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """RFC 4180 CSV (CRLF, minimal quoting) with every cell neutralised."""
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


STDOUT = "-"  # `-o -`: the export goes to standard output


@dataclass(frozen=True, slots=True)
class Protected:
    """A file an export must never replace, and what it is (said when refusing)."""

    path: Path
    what: str


def protected_files(workspace: Path, sources: Iterable[tuple[str, str]]) -> list[Protected]:
    """The workspace, its journal files and every imported file or folder (name, path)."""
    workspace = Path(workspace)
    found = [Protected(workspace, "is the workspace")]
    found += [Protected(Path(f"{workspace}{suffix}"), "is the workspace's journal") for suffix in JOURNALS]
    found += [Protected(Path(path), f"was imported into the workspace (source {name})") for name, path in sources]
    return found


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a loop of links: compare as written
        return path.expanduser().absolute()


def check_output(path: Path, protected: Iterable[Protected] = (), force: bool = False) -> None:
    """ExportError (one line) unless `path` may receive an export.

    Refused always: a symbolic link, a folder, a FIFO, device or socket; the workspace, its journal,
    any file imported into it or anything inside an imported folder (same resolved path, or the
    same file under another name: device and inode). Refused without `force`: any other existing file.
    """
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # the folder check says what is wrong
        info = None
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = mode_kind(info.st_mode)
        hint = "; give the file it leads to, or another name" if stat.S_ISLNK(info.st_mode) else ""
        raise ExportError(f"cannot write {path}: it is {kind}{hint}")
    target = _resolved(path)
    identity = None if info is None else (info.st_dev, info.st_ino)
    for guard in protected:
        guarded = _resolved(guard.path)
        inside = guarded in target.parents and guard.what.startswith("was imported")
        if target == guarded or inside or (identity is not None and identity == _identity(guard.path)):
            what = f"is inside a folder that {guard.what}" if inside else guard.what
            raise ExportError(f"cannot write {path}: it {what}; choose another file")
    if info is not None and not force:
        raise ExportError(f"{path} exists; pass --force to replace it, or choose another file")


def write_private(path: Path | str, produce: Callable[[TextIO], None], encoding: str = "utf-8", *,
                  force: bool = False, protected: Iterable[Protected] = ()) -> None:
    """Create `path` (mode 0600) with what `produce` writes; ExportError with one line if impossible.

    `path` "-" writes to standard output. Otherwise the file is written whole to a temporary
    name in the same folder, then moved into place: it replaces an existing file only with
    `force`, and never one of `protected` (see `check_output`).
    """
    if str(path) == STDOUT:
        buffer = io.StringIO(newline="")
        produce(buffer)
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
        return
    path = Path(path).expanduser()
    protected = list(protected)
    check_output(path, protected, force)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        reason = "is not a folder" if folder.exists() else "does not exist"
        raise ExportError(f"cannot write {path}: {folder} {reason}")
    buffer = io.StringIO(newline="")
    produce(buffer)
    data = buffer.getvalue().encode(encoding)
    # an unguessable name, created new (never through a link planted there): the write stays in `folder`
    tmp = folder / f".{path.name[:100]}.knowme-tmp-{os.getpid()}-{secrets.token_hex(6)}"
    created = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        created = True
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        _move_into_place(tmp, path, protected, force)
        created = False
    except OSError as exc:
        _remove(tmp, created, path, exc)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except ExportError:
        _remove(tmp, created, path, None)
        raise


def _move_into_place(tmp: Path, path: Path, protected: list[Protected], force: bool) -> None:
    """Rename the finished file to `path`: a hard link when nothing may be replaced (it fails, atomically,
    if a file appeared there meanwhile), else a rename after looking once more."""
    if not force:
        try:
            os.link(tmp, path, follow_symlinks=False)
        except FileExistsError as exc:
            raise ExportError(f"{path} exists; pass --force to replace it, or choose another file") from exc
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            check_output(path, protected, force)  # a file system without hard links
            os.replace(tmp, path)
            return
        os.unlink(tmp)
        return
    check_output(path, protected, force)
    os.replace(tmp, path)


def _remove(tmp: Path, created: bool, path: Path, cause: OSError | None) -> None:
    """Remove our temporary file (never what someone else put there)."""
    if not created:
        return
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    except OSError as cleanup:
        raise ExportError(f"cannot write {path}: {(cause.strerror or cause) if cause else 'refused'} (and could "
                          f"not remove {tmp}: {cleanup.strerror or cleanup})") from cause

"""Writing export files safely: private (0600), whole or not at all, spreadsheet-safe CSV cells.

A file is written to a temporary name beside the target and renamed over it only when complete,
so a failed export never leaves half a file (or clobbers the previous one). Every CSV cell that
a spreadsheet would read as a formula is neutralised with a leading apostrophe (OWASP's advice
against CSV injection).
"""
from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class ExportError(Exception):
    """An export that cannot be done as asked; the message is one line for the user."""


def safe_cell(value: object) -> str:
    """A CSV cell that no spreadsheet will evaluate: formula-like starts get a leading apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(fh: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """RFC 4180 CSV (CRLF, minimal quoting) with every cell neutralised."""
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def write_private(path: Path, produce: Callable[[TextIO], None], encoding: str = "utf-8") -> None:
    """Create `path` (mode 0600) with what `produce` writes; ExportError with one line if impossible."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
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
        os.replace(tmp, path)
    except OSError as exc:
        try:
            if created:  # never remove what someone else put there
                tmp.unlink()
        except FileNotFoundError:
            pass
        except OSError as cleanup:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc} (and could not remove {tmp}: "
                              f"{cleanup.strerror or cleanup})") from exc
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc

"""What kind of thing a path is, for refusing what is not a plain file before opening it.

Opening a FIFO for reading waits for a writer forever; a device or socket is no address book and
no place for an export; a symbolic link may lead a write anywhere. Of ours it imports only `knowme.heldfiles`, which
imports nothing (like `knowme.model`), so the importers use it too.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from knowme.heldfiles import held_here


def mode_kind(mode: int) -> str:
    """'a folder', 'a FIFO (named pipe)', 'a device', ... for a `st_mode` that is not a regular file."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def special_input(path: Path) -> str | None:
    """Why an import input (file or folder) is refused: a link, FIFO, device or socket; None if fine."""
    try:
        info = os.lstat(path)
    except OSError:
        return None  # missing or unreadable: the import says which
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return None
    return mode_kind(info.st_mode)


class NotAFile(OSError):
    """An input that is not a regular file (a FIFO, device, socket): skipped, never read."""


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading; NotAFile (an OSError) for anything else, without blocking.

    The file is opened non-blocking and then looked at, so a FIFO found in a folder is refused
    at once instead of waiting for a writer, and nothing can swap the file between look and read.
    A workspace this process has open (or its journal), imported by name or found in a folder, is
    refused before it is opened: closing the file would drop that workspace's locks (`knowme.heldfiles`).
    """
    if held_here(path):
        raise OSError(errno.EBUSY, "it is the open workspace or its journal; not read", str(path))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(errno.EINVAL, f"{mode_kind(info.st_mode)}, not a file; skipped", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file (see `open_regular`)."""
    with open_regular(path) as fh:
        return fh.read()

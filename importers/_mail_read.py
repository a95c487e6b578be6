"""Finding mailboxes and streaming the header blocks of their messages, never the bodies.

An mbox is read in fixed-size binary chunks: each message's header block is cut out, the body is
skipped by searching for the next `From ` separator line, and the chunk is dropped. Memory stays
bounded (a chunk plus the largest header block) however big the file is, and the byte offset
gives a progress bar. `mailbox.mbox` is not used because it builds a table of contents of the
whole file first. Maildir folders and `.eml` files are read one file at a time, up to the first
blank line.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from knowme.importers._mail_headers import is_sent_name

from knowme.filekinds import open_regular

CHUNK_BYTES = 1 << 20
MAX_HEADER_BYTES = 8 << 20  # a header block beyond this (hundreds of thousands of recipients) is cut
SNIFF_BYTES = 8192

_HEADER_END = re.compile(rb"\n\r?\n|\nFrom ")
_SEPARATOR = re.compile(rb"\nFrom ")
# A `From ` line that is an mbox postmark even without a blank line before it: sender, weekday, month, day, time.
_POSTMARK = re.compile(rb"From \S+\s+[A-Za-z]{3}\s+[A-Za-z]{3}\s+\d{1,2}\s+\d{1,2}:\d\d")
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
# a message's own header fields: at least one opens every real message's header block, none of them a
# body's "To: be honest..." lines after an unescaped `From what I heard` (which made body lines people)
_OWN_FIELD = re.compile(rb"\n(?:from|date|message-id|received|return-path|delivered-to|x-gm-thrid)[ \t]*:", re.I)
_HEADERS_LOOKED_AT = 16384  # bytes after a `From ` line searched for the header block it opens
_MESSAGE_FIELDS = (b"from", b"to", b"date", b"message-id", b"subject")
# Files in mail folders that are indexes or settings, never messages.
_NOT_MAIL_SUFFIXES = (".msf", ".dat", ".json", ".plist", ".sqlite", ".db", ".vcf", ".csv", ".html", ".htm", ".log",
                      ".ini", ".cache", ".lock", ".xml", ".pdf", ".jpg", ".png", ".gif", ".zip", ".gz")
_NOT_MAIL_NAMES = ("maildirfolder", "subscriptions", "courierimapuiddb", "courierimapkeywords", "dovecot-uidlist",
                   "dovecot-keywords", "dovecot.index", "dovecot.index.log", "dovecot.index.cache",
                   "dovecot-uidvalidity", "msgFilterRules.dat", "popstate.dat")


@dataclass(slots=True)
class Mailbox:
    """One mailbox found under the input: an mbox file, a Maildir folder, or some `.eml` files."""

    kind: str  # "mbox", "maildir" or "eml"
    name: str  # relative to the input, for messages and provenance
    sent: bool  # its name says it holds sent mail
    path: Path | None = None  # the mbox file
    files: list[Path] = field(default_factory=list)  # Maildir and .eml messages, in a stable order
    size: int = 0


@dataclass(slots=True)
class RawMessage:
    """One message's header block as bytes, with where it starts."""

    header: bytes
    line: int  # 1-based line of the `From ` line in an mbox; 0 for single-message files
    postmark: str = ""
    where: str = ""  # a file name inside a folder, when there is no line to point at
    cut: bool = False  # the header block was larger than MAX_HEADER_BYTES and was cut


def looks_like_mbox(head: bytes) -> bool:
    """An mbox starts with a `From ` postmark line followed by header lines."""
    head = head.lstrip(b"\xef\xbb\xbf").lstrip(b"\r\n")
    if not head.startswith(b"From "):
        return False
    lines = head.split(b"\n", 3)
    return len(lines) > 1 and bool(_HEADER_LINE.match(lines[1]) or (lines[1].strip() == b"" and len(head) < 200))


def looks_like_message(head: bytes) -> bool:
    """A single message (`.eml`): a block of RFC 822 header lines with at least two of From, To, Date,
    Message-ID and Subject. vCards and CSV files never pass: a vCard is refused outright and a CSV
    header line has no `Name:` shape."""
    head = head.lstrip(b"\xef\xbb\xbf").lstrip(b"\r\n")
    if head.startswith(b"From ") and b"\n" in head:
        head = head.split(b"\n", 1)[1]
    if b"begin:vcard" in head[:4096].lower():
        return False
    block = _HEADER_END.split(head, 1)[0] if _HEADER_END.search(head) else head
    lines = [line for line in block.split(b"\n") if line.strip()]
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    names, bad = set(), 0
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            bad += 1
        else:
            names.add(match.group(0).rstrip(b": \t").lower())
    return bad * 5 <= len(lines) and sum(name in names for name in _MESSAGE_FIELDS) >= 2


def sniff_file(path: Path) -> bytes:
    with open_regular(path) as fh:
        return fh.read(SNIFF_BYTES)


def is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() or (path / "new").is_dir()


def _mbox_name(path: Path, root: Path) -> str:
    """Apple Mail exports `Sent Messages.mbox/mbox`: the folder carries the name."""
    if path.name == "mbox" and path.parent != root.parent:
        return str(path.parent.relative_to(root.parent))
    return str(path.relative_to(root.parent)) if path != root else path.name


def find_mailboxes(root: Path) -> list[Mailbox]:
    """Every mailbox at or under `root`, in a stable order; sent-mail folders are flagged by name."""
    if not root.is_dir():
        head = sniff_file(root)
        if looks_like_mbox(head):
            name = root.parent.name if root.name == "mbox" and root.parent.name else root.name
            return [Mailbox("mbox", root.name, is_sent_name(name), path=root, size=root.stat().st_size)]
        if looks_like_message(head):
            return [Mailbox("eml", root.name, False, files=[root], size=root.stat().st_size)]
        return []
    found: list[Mailbox] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames.sort()
        label = here.name if here != root else root.name
        if is_maildir(here):
            files, size = _maildir_files(here)
            # The root of a Maildir++ tree is the inbox; its sub-folders are `.Sent`, `.Drafts`, ...
            found.append(Mailbox("maildir", str(here.relative_to(root.parent)), is_sent_name(label), files=files,
                                 size=size))
            dirnames[:] = [d for d in dirnames if d not in ("cur", "new", "tmp")]
        loose: list[Path] = []
        loose_size = 0
        for filename in sorted(filenames):
            path = here / filename
            if filename.startswith(".") or filename in _NOT_MAIL_NAMES or filename.lower().endswith(_NOT_MAIL_SUFFIXES):
                continue
            is_eml = filename.lower().endswith(".eml")
            try:
                head = b"" if is_eml else sniff_file(path)
                size = path.stat().st_size
            except OSError:
                loose.append(path)  # reading it again reports why it cannot be read
                continue
            if is_eml:
                loose.append(path)
                loose_size += size
            elif looks_like_mbox(head):
                found.append(Mailbox("mbox", _mbox_name(path, root),
                                     is_sent_name(here.name if filename == "mbox" else filename),
                                     path=path, size=size))
            elif looks_like_message(head):
                loose.append(path)
                loose_size += size
        if loose:
            found.append(Mailbox("eml", str(here.relative_to(root.parent)), is_sent_name(label), files=loose,
                                 size=loose_size))
    return found


def mailbox_files(root: Path) -> set[Path]:
    """The files below folder `root` that a mail import reads (mboxes, messages, Maildir files), or knows
    to be parts of a mail store (a Maildir's tmp/ deliveries, Thunderbird and Dovecot indexes)."""
    files: set[Path] = set()
    for box in find_mailboxes(root):
        if box.path is not None:
            files.add(box.path)
        files.update(box.files)
    for dirpath, _dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        in_maildir = here.name in ("cur", "new", "tmp") and is_maildir(here.parent)
        files.update(here / name for name in filenames
                     if in_maildir or name in _NOT_MAIL_NAMES or name.lower().endswith(".msf"))
    return files


def _maildir_files(folder: Path) -> tuple[list[Path], int]:
    files: list[Path] = []
    size = 0
    for sub in ("cur", "new"):
        try:
            entries = sorted(os.scandir(folder / sub), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_file():
                continue
            files.append(Path(entry.path))
            try:
                size += entry.stat().st_size
            except OSError:
                pass  # vanished since the listing: reported when it is read
    return files, size


def read_header_block(path: Path) -> tuple[bytes, bool]:
    """The header block of a single-message file (a leading mbox `From ` line dropped), and whether it was cut."""
    with open_regular(path) as fh:
        data = fh.read(SNIFF_BYTES * 8).removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM hid the first field, From
        while True:
            end = _HEADER_END.search(data)
            if end is not None and not data.startswith(b"From "):
                return data[:end.start()], False
            if data.startswith(b"From ") and b"\n" in data:
                data = data.split(b"\n", 1)[1]
                continue
            if len(data) > MAX_HEADER_BYTES:
                return data[:MAX_HEADER_BYTES].rpartition(b"\n")[0], True
            more = fh.read(CHUNK_BYTES)
            if not more:
                return data, False
            data += more


def _message_follows(buf: bytes, start: int) -> bool:
    """Whether the `From ` line at `start` (after a blank line) opens a message: the lines after it are a
    header block holding one of a message's own fields. A `From ` line in a body that no writer escaped
    (`>From`) is text, and the lines under it too."""
    line_end = buf.find(b"\n", start)
    if line_end < 0:
        return False
    block_end = buf.find(b"\n\n", line_end, line_end + _HEADERS_LOOKED_AT)
    block = buf[line_end:block_end if block_end >= 0 else line_end + _HEADERS_LOOKED_AT]
    return _HEADER_LINE.match(buf, line_end + 1) is not None and _OWN_FIELD.search(block) is not None


class MboxReader:
    """Streams the header blocks of one mbox file in constant memory.

    `done` is the byte offset reached (for progress); `truncated` says the file ended inside a
    message's header block or without a final newline (a cut download or copy).
    """

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.buf = b""
        self.base = 0  # file offset of buf[0]
        self.eof = False
        self.truncated = False
        self._lines_before = 0  # newlines before buf[0]
        self._count_pos = 0  # newlines in buf[:_count_pos] are in _count_lines
        self._count_lines = 0

    @property
    def done(self) -> int:
        return self.base

    def _fill(self, drop: int) -> bool:
        """Drop buf[:drop], read another chunk; False at the end of the file."""
        if drop:
            self._line_at(drop)
            self._lines_before += self._count_lines
            self._count_pos = self._count_lines = 0
            self.buf = self.buf[drop:]
            self.base += drop
        if self.eof:
            return False
        more = self.fh.read(CHUNK_BYTES)
        if not more:
            self.eof = True
            return False
        self.buf += more
        return True

    def _line_at(self, pos: int) -> int:
        """1-based line number of buf[pos] (cheap when asked in increasing order, as the reader does)."""
        if pos >= self._count_pos:
            self._count_lines += self.buf.count(b"\n", self._count_pos, pos)
        else:
            self._count_lines -= self.buf.count(b"\n", pos, self._count_pos)
        self._count_pos = pos
        return self._lines_before + self._count_lines + 1

    def __iter__(self) -> Iterator[RawMessage]:
        pos = self._first_message()
        while pos is not None:
            found = self._header(pos)
            while found is None:
                self._fill(drop=pos)
                pos = 0
                found = self._header(pos)
            message, after, next_start = found
            yield message
            pos = after if next_start else self._next_message(after)
        self.base += len(self.buf)
        self.buf = b""

    def _first_message(self) -> int | None:
        self._fill(drop=0)
        while True:
            start = 3 if self.buf.startswith(b"\xef\xbb\xbf") else 0
            while self.buf[start:start + 1] in (b"\n", b"\r"):
                start += 1
            if self.buf.startswith(b"From ", start):
                return start
            if len(self.buf) - start >= 5 or self.eof:
                return self._next_message(start)
            self._fill(drop=0)

    def _header(self, pos: int) -> tuple[RawMessage, int, bool] | None:
        """The message starting at buf[pos]; then where its body starts, or (True) where the next message
        starts right away. None when more data is needed."""
        buf = self.buf
        newline = buf.find(b"\n", pos)
        if newline < 0:
            if not self.eof:
                return None
            self.truncated = True
            return RawMessage(b"", self._line_at(pos), buf[pos:].decode("latin-1")), len(buf), False
        end = _HEADER_END.search(buf, newline)
        cut = next_start = False
        if end is None:
            if not self.eof and len(buf) - newline <= MAX_HEADER_BYTES:
                return None
            if self.eof:
                self.truncated = True
                header_end = after = len(buf)
            else:
                header_end = buf.rfind(b"\n", newline + 1, newline + MAX_HEADER_BYTES)
                header_end = header_end if header_end > newline else newline + MAX_HEADER_BYTES
                after, cut = header_end, True
        elif end.group(0).endswith(b"From "):
            header_end, after, next_start = end.start(), end.start() + 1, True  # no body: the next message
        else:
            header_end, after = end.start(), end.end() - 1
        line = self._line_at(pos)
        postmark = buf[pos:newline].rstrip(b"\r").decode("latin-1")
        return RawMessage(buf[newline + 1:header_end], line, postmark, cut=cut), after, next_start

    def _next_message(self, pos: int) -> int | None:
        """Skip a body from buf[pos] to the next `From ` separator line (its offset), or None at the end.

        A separator is a `From ` line after a blank line (as `mailbox` writes them), or one that reads
        like a postmark even without the blank line."""
        while True:
            buf = self.buf
            resume = None
            for match in _SEPARATOR.finditer(buf, pos):
                i = match.start()
                after_blank = (i >= 1 and buf[i - 1] == 10) or (i >= 2 and buf[i - 2:i] == b"\n\r")
                if i == 0 and self.base == 0:
                    return i + 1
                if not self.eof and (buf.find(b"\n", i + 1) < 0 or after_blank and
                                     buf.find(b"\n\n", i + 1, i + _HEADERS_LOOKED_AT) < 0 and
                                     len(buf) < i + _HEADERS_LOOKED_AT):
                    resume = i  # the line (or the header block after it) is not complete yet: decide after the next chunk
                    break
                if _POSTMARK.match(buf, i + 1) or after_blank and _message_follows(buf, i + 1):
                    return i + 1
            if self.eof:
                if buf and not buf.endswith(b"\n"):
                    self.truncated = True
                return None
            if resume is not None:
                keep = max(resume - 2, 0)
                self._fill(drop=keep)
                pos = resume - keep
            else:
                search = max(pos, len(buf) - 5)  # a separator starting here may straddle the chunk boundary
                keep = max(search - 3, 0)
                self._fill(drop=keep)
                pos = search - keep

"""Mail as an address book: mbox files, Maildir folders and `.eml` files (`--format mbox`).

A network's "sync email" reads every address you ever wrote to or heard from, so each of them
must be reviewed; and the mail itself is the best evidence of who will know you. This importer
reads message headers only (never a body), and yields ONE record per correspondent address with
a `MailSignal`: personal messages sent and received, two-way threads, first and last exchange,
and the bulk and mass mailings that do not count as knowing someone.

Who "me" is: `ImportOptions.me`, else guessed (`guess_me` in `_mail_tally`): the most frequent
sender of a sent-mail folder, else the address in the most messages as both sender and
recipient. The guess is returned in `ImportResult.me` for the user to confirm.

Two-way threads: a thread counts for an address when it holds a message from me to them (To, Cc
or Bcc) and one from them to me. Several mailboxes read together (a folder holding `Sent` and
`Inbox`, or `parse_mailboxes`) see both sides. Read alone, an inbox still shows the thread when
their reply is addressed To me alone and answers a message we do not hold (mine); my replies in a
sent folder read alone prove nothing, so importing `Sent` and `Inbox` one by one counts each
thread once, not twice.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from email.utils import parseaddr
from pathlib import Path

from knowme.importers import Importer, ImportOptions, Sniff, register
from knowme.importers._mail_headers import clear_caches, is_machine_address, parse_message
from knowme.importers._mail_read import (
    MAX_HEADER_BYTES,
    Mailbox,
    MboxReader,
    RawMessage,
    find_mailboxes,
    is_maildir,
    looks_like_mbox,
    looks_like_message,
    mailbox_files,
    read_header_block,
)
from knowme.importers._mail_tally import CROWD_THRESHOLD, Tally, guess_me

from knowme.filekinds import open_regular
from knowme.model import ImportResult, Labeled, MailSignal, NotAnAddressBook, Problem, Record

FORMAT = "mbox"
# Messages read to guess "me" before counting (sent folders first); the full count checks the
# guess and counts again only when it turns out different.
GUESS_SAMPLE = 5_000
PROGRESS_EVERY = 2_000  # messages between progress reports and cancellation checks

__all__ = ["CROWD_THRESHOLD", "ImportCancelled", "detect", "is_machine_address", "parse", "parse_mailboxes"]


class ImportCancelled(NotAnAddressBook):
    """The user stopped the import: nothing from it is stored."""


_TROUBLE_TEXT = {
    "date": "had no readable date; they count without one",
    "date-postmark": "had unreadable Date headers; the mbox delivery date was used instead",
    "date-future": "had a Date in the future (a wrong clock); the mbox delivery date, if any, was used instead",
    "from": "had no readable From address",
    "address": "had unreadable addresses in From/To/Cc/Reply-To; those addresses were skipped",
    "name": "had display names that could not be decoded (RFC 2047); the raw text was kept",
    "cut": f"had header blocks over {MAX_HEADER_BYTES >> 20} MB; the rest of each was skipped",
    "empty": "had no header lines at all",
    "unreadable": "could not be read",
}


def detect(sniff: Sniff) -> int:
    """90 for an mbox or a Maildir, 85 for a tree of Maildirs, 80 for a folder of mail files, 70 for one message."""
    if not sniff.is_dir:
        if looks_like_mbox(sniff.head):
            return 90
        return 70 if looks_like_message(sniff.head) else 0
    if is_maildir(sniff.path):
        return 90
    parts = [Path(name).parts for name in sniff.names]
    if any(len(p) >= 2 and p[-2] in ("cur", "new") for p in parts):
        return 85  # Maildir++ or a folder of Maildirs
    names = [p[-1].lower() for p in parts if p]
    mail = sum(n.endswith((".eml", ".mbox")) or n == "mbox" or f"{n}.msf" in names for n in names)
    other = sum(n.endswith((".vcf", ".csv", ".txt", ".ldif")) for n in names)
    if mail and mail >= other:
        return 80
    return 0


def parse(path: Path, options: ImportOptions) -> ImportResult:
    """Every correspondent of the mail at `path` (a file or a folder), one record each."""
    return parse_mailboxes([Path(path)], options)


def parse_mailboxes(paths: Sequence[Path], options: ImportOptions) -> ImportResult:
    """Read several inputs as one mailbox set, so a thread split between `Sent` and `Inbox` is two-way.

    Raises NotAnAddressBook when there is no message at all, ImportCancelled when cancelled.
    """
    try:
        return _parse_mailboxes([Path(p) for p in paths], options)
    finally:
        clear_caches()


def _parse_mailboxes(paths: list[Path], options: ImportOptions) -> ImportResult:
    boxes: list[Mailbox] = []
    for path in paths:
        boxes.extend(find_mailboxes(path))
    where = ", ".join(p.name or str(p) for p in paths)
    if not boxes:
        raise NotAnAddressBook(f"no mail messages found in {where}")
    boxes.sort(key=lambda box: not box.sent)  # sent mail first: the guess of "me" needs it most
    given = _addresses(options.me)
    me = given or _guess_sample(boxes, options)
    tally = _count(boxes, me, options)
    if tally.messages == 0:
        raise NotAnAddressBook(f"no mail messages found in {where}")
    problems: list[Problem] = []
    if not given:
        final, _rule = guess_me(tally.stats, tally.personal, tally.sent_messages)
        if set(final) != set(me):
            me = final
            tally = _count(boxes, me, options)
        if not me:
            problems.append(Problem(where, 0, "could not tell which address is yours (pass --me ADDRESS): "
                                              "every message was counted as received"))
    elif not any(address in tally.stats for address in me):
        problems.append(Problem(where, 0, f"none of your addresses ({', '.join(sorted(me))}) appears in this "
                                          "mail: nothing counts as sent by you; check --me"))
    source = paths[0].name if len(paths) == 1 else where
    problems.extend(_problems(tally))
    return ImportResult(FORMAT, _records(tally, source, several=len(boxes) > 1), problems, me=sorted(me),
                        reading={"encoding": _encodings(tally.encodings)})


_ENCODING_TEXT = {"ascii": "ascii", "utf-8": "utf-8", "latin-1": "latin-1 (8-bit, not UTF-8)"}


def _encodings(counts: dict[str, int]) -> str:
    """How the header bytes were read, for `doctor`: `ascii headers`, or each reading with its count of
    messages when there are several (RFC 2047 words name their own charset)."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) == 1:
        text = f"{_ENCODING_TEXT[ranked[0][0]]} headers"
    else:
        text = "headers: " + ", ".join(f"{_ENCODING_TEXT[name]} in {n:,} {'message' if n == 1 else 'messages'}"
                                         for name, n in ranked)
    return text + " (=?charset?...?= words decoded by their own charset)"


def _addresses(values: Sequence[str]) -> list[str]:
    """`--me` values as bare lower-cased addresses (`Name <a@b>` and `mailto:` accepted)."""
    out = []
    for value in values:
        address = parseaddr(value)[1] or value
        address = address.strip().strip("<>").lower().removeprefix("mailto:")
        if address and address not in out:
            out.append(address)
    return out


def _messages(boxes: list[Mailbox], options: ImportOptions, limit: int | None = None,
              progress: bool = False) -> Iterator[tuple[RawMessage, Mailbox]]:
    """Every message's header block, mailbox by mailbox, with progress and cancellation."""
    total = sum(box.size for box in boxes) or 1
    finished = 0
    count = 0
    for box in boxes:
        if box.kind == "mbox" and box.path is not None:
            with open_regular(box.path) as fh:
                reader = MboxReader(fh)
                for raw in reader:
                    raw.where = box.name
                    yield raw, box
                    count += 1
                    if count % PROGRESS_EVERY == 0:
                        _tick(options, progress, finished + reader.done, total)
                    if limit is not None and count >= limit:
                        return
                if reader.truncated:
                    yield RawMessage(b"", -1, where=box.name), box  # a marker, counted as a problem
            finished += box.size
        else:
            for path in box.files:
                name = f"{box.name}/{path.name}" if box.kind != "eml" or len(box.files) > 1 else box.name
                try:
                    header, cut = read_header_block(path)
                    finished += path.stat().st_size
                except OSError as exc:
                    yield RawMessage(b"", -2, postmark=str(exc.strerror or exc), where=name), box
                    continue
                yield RawMessage(header, 0, where=name, cut=cut), box
                count += 1
                if count % PROGRESS_EVERY == 0:
                    _tick(options, progress, finished, total)
                if limit is not None and count >= limit:
                    return
    if progress:
        options.report(total, total)


def _tick(options: ImportOptions, progress: bool, done: int, total: int) -> None:
    if options.cancelled is not None and options.cancelled():
        raise ImportCancelled("import cancelled: nothing was stored")
    if progress:
        options.report(done, total)


def _guess_sample(boxes: list[Mailbox], options: ImportOptions) -> list[str]:
    """A first guess of "me" from the first GUESS_SAMPLE messages (sent folders come first)."""
    tally = Tally(())
    for raw, box in _messages(boxes, options, limit=GUESS_SAMPLE):
        if raw.line >= 0:
            tally.add(parse_message(raw.header, raw.postmark), raw.line, raw.where, box.sent, box.name)
    return guess_me(tally.stats, tally.personal, tally.sent_messages)[0]


def _count(boxes: list[Mailbox], me: list[str], options: ImportOptions) -> Tally:
    tally = Tally(me)
    for raw, box in _messages(boxes, options, progress=True):
        if raw.line == -1:
            tally.note("truncated", 0, raw.where)
            continue
        if raw.line == -2:
            tally.note("unreadable", 0, raw.where, raw.postmark)
            continue
        if not raw.header.strip():
            tally.note("empty", raw.line, raw.where)
        if raw.cut:
            tally.note("cut", raw.line, raw.where)
        tally.add(parse_message(raw.header, raw.postmark), raw.line, raw.where, box.sent, box.name)
    return tally


def _problems(tally: Tally) -> list[Problem]:
    """One problem per kind of trouble, counted, pointing at its first occurrence."""
    problems = []
    for kind, trouble in tally.trouble.items():
        if kind == "truncated":
            problems.append(Problem(trouble.where, 0, "the file ends in the middle of a message (cut off?); "
                                                      "what is there was counted", incomplete=True))
            continue
        noun = ("file" if trouble.count == 1 else "files") if kind == "unreadable" else (
            "message" if trouble.count == 1 else "messages")
        text = f"{trouble.count} {noun} {_TROUBLE_TEXT.get(kind, kind)}"
        if trouble.detail:
            text += f" ({trouble.detail})"
        if trouble.count > 1:
            text += " (the first one here)" if trouble.line else f" (the first: {trouble.where})"
        problems.append(Problem(trouble.where, trouble.line, text, incomplete=kind == "unreadable"))
    return problems


def _records(tally: Tally, source: str, several: bool) -> list[Record]:
    records: list[Record] = []
    for address, stats in tally.stats.items():
        if address in tally.me:
            continue
        names = sorted(stats.names.items(), key=lambda item: -item[1])  # stable: first seen wins ties
        extras = [("X-MAIL-NAME", name) for name, _ in names[1:]]
        if several:
            extras.append(("X-MAIL-MAILBOX", stats.where))
        signal = MailSignal(sent=stats.sent, received=stats.received, two_way_threads=stats.two_way,
                            first=stats.first.isoformat() if stats.first else None,
                            last=stats.last.isoformat() if stats.last else None, bulk=stats.bulk, crowd=stats.crowd)
        records.append(Record(source=source, index=len(records) + 1, line=max(stats.line, 0),
                              formatted_name=names[0][0] if names else "", emails=[Labeled(address, "mail")],
                              signal=signal, extras=extras))
    return records


register(Importer(name=FORMAT, label="mail (mbox, Maildir, .eml)", detect=detect, parse=parse, kind="mail",
                  claims=mailbox_files))

"""Counting what the mail says about each correspondent: the evidence for "will 100% know me".

For every address other than the user's own, a `Tally` keeps the display names seen, the personal
messages sent and received, the threads with messages from both sides, the first and last day of
a personal exchange, and the bulk and crowd messages that do not count as knowing someone.
Memory grows with the number of distinct addresses, never with the number of messages: threads
are tracked in bounded generational maps (see `MAX_TRACKED_THREADS`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from knowme.importers._mail_headers import Message, is_machine_address

# A message with more recipients (To, Cc, Bcc) than this is a broadcast (an all-hands, a farewell,
# a party invitation): each recipient gets `crowd` counted, and nobody in it gets a personal
# sent/received or a thread from it. Personal mail rarely goes to more than a dozen people.
CROWD_THRESHOLD = 15
# How many threads (and Message-IDs, and subjects) are remembered at once. When a map fills up, its
# older half is forgotten wholesale; a thread idle for that long that comes back starts afresh,
# so in a huge mailbox a very long-lived thread can be counted as two-way twice. Bounded memory
# matters more: a 10 GB mailbox must not grow these maps with its size.
MAX_TRACKED_THREADS = 20_000
MAX_TRACKED_IDS = 60_000
MAX_TRACKED_SUBJECTS = 20_000
# A reply without In-Reply-To/References joins the last thread with the same normalised subject
# when that thread had a message within this many days.
SUBJECT_WINDOW_DAYS = 30
# Display-name variants kept per address (the most frequent becomes the name, the others extras).
MAX_NAME_VARIANTS = 12

# Guessing the user's address (see `guess_me`).
ALIAS_SHARE = 0.10  # another From address of a sent folder with this share of its messages is an alias
RECIPIENT_SHARE = 0.30  # an address in To/Cc of this share of messages is a candidate even if it never sent
SENDER_SHARE = 0.50  # an address sending this share of messages is a candidate even if it never received

OUT, IN, COUNTED = 1, 2, 4  # per-thread flags for one address: I wrote to them / they wrote to me / counted

K = TypeVar("K")
V = TypeVar("V")


class BoundedMap(Generic[K, V]):
    """A dict that forgets its oldest entries in bulk: two generations, each at most `limit` long.

    A hit in the old generation moves the entry to the young one, so what is still in use survives.
    O(1) per operation and no per-entry bookkeeping, unlike an OrderedDict LRU.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(limit // 2, 1)
        self.young: dict[K, V] = {}
        self.old: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        value = self.young.get(key)
        if value is None:
            value = self.old.pop(key, None)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        if key not in self.young and len(self.young) >= self.limit:
            self.old = self.young
            self.young = {}
        self.young[key] = value


@dataclass(slots=True)
class Stats:
    """Everything counted for one address."""

    line: int  # first message that mentioned it (mbox line, else 0)
    where: str  # the mailbox of that message
    names: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    received: int = 0
    two_way: int = 0
    first: date | None = None
    last: date | None = None
    bulk: int = 0
    crowd: int = 0
    # for guessing who "me" is: messages with this address as From / in To-Cc-Bcc / as From in sent mail
    as_from: int = 0
    as_rcpt: int = 0
    as_sent_from: int = 0

    def saw(self, day: date | None) -> None:
        if day is not None:
            if self.first is None or day < self.first:
                self.first = day
            if self.last is None or day > self.last:
                self.last = day


@dataclass(slots=True)
class Trouble:
    """One kind of unreadable input, counted, with where it first happened."""

    count: int = 0
    line: int = 0
    where: str = ""
    detail: str = ""


class Tally:
    """Adds messages one by one; `me` (lower-cased addresses) must be known before the first."""

    def __init__(self, me: Iterable[str]) -> None:
        self.me = frozenset(me)
        self.stats: dict[str, Stats] = {}
        self.messages = 0
        self.personal = 0  # non-bulk messages, the base of the "me" guess shares
        self.sent_messages = 0  # messages in sent folders or with a Gmail sent label
        self.trouble: dict[str, Trouble] = {}
        self.encodings: dict[str, int] = {}  # messages by how their header bytes were read (`Message.encoding`)
        self._ids: BoundedMap[int, int] = BoundedMap(MAX_TRACKED_IDS)
        self._subjects: BoundedMap[str, tuple[int, int]] = BoundedMap(MAX_TRACKED_SUBJECTS)
        self._threads: BoundedMap[int, dict[str, int]] = BoundedMap(MAX_TRACKED_THREADS)
        self._next_thread = 0

    def note(self, kind: str, line: int, where: str, detail: str = "") -> None:
        trouble = self.trouble.get(kind)
        if trouble is None:
            trouble = self.trouble[kind] = Trouble(line=line, where=where, detail=detail)
        trouble.count += 1

    def _stats(self, address: str, name: str, line: int, box: str) -> Stats:
        stats = self.stats.get(address)
        if stats is None:
            stats = self.stats[address] = Stats(line=line, where=box)
        if name:
            names = stats.names
            if name in names:
                names[name] += 1
            elif len(names) < MAX_NAME_VARIANTS:
                names[name] = 1
        return stats

    def add(self, msg: Message, line: int, where: str, in_sent_folder: bool, box: str) -> None:
        """Count one message: `where` names it in problems, `box` is its mailbox."""
        self.messages += 1
        self.encodings[msg.encoding] = self.encodings.get(msg.encoding, 0) + 1
        for kind in msg.trouble:
            self.note(kind, line, where)
        me = self.me
        sender = msg.sender[0] if msg.sender else None
        # a From of several authors (`From: Ann <a@x>, Bob <b@x>`) is from each of them: every one is a
        # correspondent (read only the first, the others were no record the exclusion list could see)
        co_senders = msg.co_senders
        from_me = sender in me or bool(co_senders) and any(address in me for address, _ in co_senders)
        sent_mail = in_sent_folder or msg.sent_label
        if sent_mail:
            self.sent_messages += 1
        crowd = len(msg.recipients) > CROWD_THRESHOLD
        personal = not msg.bulk and not crowd

        authors = co_senders if msg.sender is None else ((sender, msg.sender[1]), *co_senders)
        for address, name in authors:
            stats = self._stats(address, name, line, box)  # type: ignore[arg-type]
            if not msg.bulk:
                stats.as_from += 1
                if sent_mail:
                    stats.as_sent_from += 1
            if msg.bulk and not from_me:
                stats.bulk += 1
        for address, name in msg.reply_to:
            stats = self._stats(address, name, line, box)
            if msg.bulk and address != sender and address not in me:
                stats.bulk += 1
        recipients = []
        for address, name in msg.recipients:
            stats = self._stats(address, name, line, box)
            if not msg.bulk:
                stats.as_rcpt += 1
            if address not in me:
                recipients.append(stats)
                if crowd:
                    stats.crowd += 1
        if not msg.bulk:
            self.personal += 1
        if not personal:
            return

        marks: list[tuple[str, int]] = []
        if from_me:
            for address, _ in msg.recipients:
                if address not in me:
                    marks.append((address, OUT))
            for stats in recipients:
                stats.sent += 1
                stats.saw(msg.day)
        elif sender is not None:
            for author in (sender, *(address for address, _ in co_senders)) if co_senders else (sender,):
                stats = self.stats[author]
                stats.received += 1
                stats.saw(msg.day)
                marks.append((author, IN))
        if marks:
            self._mark_thread(msg, marks, sender if not from_me else None)

    def _thread_of(self, msg: Message) -> tuple[int, bool]:
        """The thread a message belongs to (by In-Reply-To/References, else by subject for replies), and
        whether the message it answers is one we have read."""
        thread = None
        parent_seen = False
        for number, ref in enumerate(msg.references):
            known = self._ids.get(hash(ref))
            if known is not None:
                thread = known >> 1
                parent_seen = number == 0 and bool(known & 1)
                break
        ordinal = msg.day.toordinal() if msg.day is not None else None
        if thread is None and msg.is_reply and len(msg.subject) >= 3:
            by_subject = self._subjects.get(msg.subject)
            if by_subject is not None and (ordinal is None or abs(ordinal - by_subject[1]) <= SUBJECT_WINDOW_DAYS):
                thread = by_subject[0]
        if thread is None:
            self._next_thread += 1
            thread = self._next_thread
        for ref in msg.references:
            key = hash(ref)
            known = self._ids.get(key)
            self._ids.put(key, (thread << 1) | (known & 1 if known is not None else 0))
        if msg.msgid:
            self._ids.put(hash(msg.msgid), (thread << 1) | 1)
        if len(msg.subject) >= 3:
            self._subjects.put(msg.subject, (thread, ordinal if ordinal is not None else 0))
        return thread, parent_seen

    def _mark_thread(self, msg: Message, marks: list[tuple[str, int]], sender: str | None) -> None:
        thread, parent_seen = self._thread_of(msg)
        if sender is not None and msg.references and not parent_seen and self._answers_me(msg):
            # they answered a message of mine that this import does not hold
            marks = [(address, IN | OUT) for address, _ in marks]
        state = self._threads.get(thread)
        if state is None:
            state = {}
            self._threads.put(thread, state)
        for address, direction in marks:
            flags = state.get(address, 0)
            if flags & COUNTED:
                continue
            flags |= direction
            if flags & (OUT | IN) == OUT | IN:
                flags |= COUNTED
                self.stats[address].two_way += 1
            state[address] = flags

    def _answers_me(self, msg: Message) -> bool:
        """A reply addressed To me alone answers a message of mine (a reply-all to someone else has them in To)."""
        to = msg.recipients[:msg.to_count]
        return bool(to) and all(address in self.me for address, _ in to)


def guess_me(stats: dict[str, Stats], personal: int, sent_messages: int) -> tuple[list[str], str]:
    """The user's own addresses, guessed from who sent and received what, and the rule that decided.

    1. Mail from a sent folder (named Sent, Gesendet, Envoyés, Sent Items, ...; or Gmail-labelled
       Sent in a Takeout mbox): its most frequent From address, plus any other From address with at
       least ALIAS_SHARE of those messages (aliases).
    2. Otherwise the address that appears in the most personal (non-bulk) messages as From plus as
       To/Cc/Bcc, among addresses that appear both as sender and as recipient, or as recipient of at
       least RECIPIENT_SHARE of the messages (an inbox), or as sender of at least SENDER_SHARE (an
       unnamed sent folder).
    No-reply and other machine addresses are never the user. No candidate: nobody (all received).
    """
    people = {a: s for a, s in stats.items() if not is_machine_address(a)}
    if sent_messages:
        ranked = sorted(((s.as_sent_from, a) for a, s in people.items() if s.as_sent_from), key=lambda x: (-x[0], x[1]))
        if ranked:
            total = sum(n for n, _ in ranked)
            chosen = [ranked[0][1]] + [a for n, a in ranked[1:] if n >= max(ALIAS_SHARE * total, 2)]
            return chosen, "the most frequent sender of the sent-mail folder"
    best: tuple[int, str] | None = None
    scores: dict[str, tuple[int, bool]] = {}  # candidate -> (messages, whether it both sends and receives)
    for address, s in people.items():
        both = s.as_from > 0 and s.as_rcpt > 0
        if both or s.as_rcpt >= RECIPIENT_SHARE * personal or s.as_from >= SENDER_SHARE * personal:
            score = s.as_from + s.as_rcpt
            if score > 0:
                scores[address] = (score, both)
                if best is None or score > best[0] or (score == best[0] and address < best[1]):
                    best = (score, address)
    if best is None:
        return [], "nobody: no address both sends and receives"
    if not scores[best[1]][1] and sum(1 for score, _ in scores.values() if score == best[0]) > 1:
        # one message, or a few between the same two: its sender and its recipient are as likely the user
        # (a received .eml took its only correspondent for the user, who was then left out)
        return [], "nobody: the mail does not show which address is yours (give it with --me)"
    return [best[1]], "the address in the most messages as sender and as recipient"

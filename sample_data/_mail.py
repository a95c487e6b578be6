"""sent.mbox and inbox.mbox: the user's correspondence, consistent with the address books.

The mail tells the triage who really knows the user: close friends mailed often and
recently in both directions with threaded replies; old colleagues wrote years ago from
their previous employer's address; some people wrote once and never got an answer;
newsletters (List-Id, List-Unsubscribe, Precedence: bulk) and a no-reply sender
(Auto-Submitted) are machine mail; one message went to a crowd. Non-ASCII display names
are RFC 2047 encoded. Files are mboxrd: `From ` separator lines, and body lines that
start with `From ` (or `>From `) get one more `>`.
"""
from __future__ import annotations

import base64
import datetime as dt
import random
from dataclasses import dataclass, field
from email.utils import format_datetime, formataddr
from pathlib import Path

from _people import Person
from _tables import (
    BODY_LINES,
    EVENTS,
    FRIEND_SUBJECTS,
    ME_EMAIL,
    ME_NAME,
    NEWSLETTER_TOPICS,
    ONCE_SUBJECTS,
    WORK_SUBJECTS,
)

START = dt.datetime(2018, 11, 1, tzinfo=dt.timezone.utc)
END = dt.datetime(2026, 10, 31, 23, 0, tzinfo=dt.timezone.utc)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TZ_HOURS = {"en_US": (-5, -6, -7, -8), "en_GB": (0,), "de_DE": (1,), "fr_FR": (1,), "es_ES": (1,), "it_IT": (1,),
             "pl_PL": (1,), "pt_BR": (-3,), "ja_JP": (9,), "zh_CN": (8,)}
_REPLY_PREFIX = {"de_DE": "AW: ", "fr_FR": "RE: ", "es_ES": "RE: "}
#: Thread partner weights per role (a close friend counts as "close").
_THREAD_WEIGHT = {"close": 9.0, "friend": 1.5, "family": 3.0, "colleague": 3.0, "old-colleague": 1.5,
                  "ex-boss": 4.0, "ex-partner": 4.0, "acquaintance": 0.15}
#: Thread windows per role, as (start, end) datetimes.
_WINDOW = {
    "close": (dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc), END),
    "colleague": (dt.datetime(2023, 6, 1, tzinfo=dt.timezone.utc), END),
    "old-colleague": (START, dt.datetime(2021, 12, 31, tzinfo=dt.timezone.utc)),
    "ex-boss": (START, dt.datetime(2021, 6, 30, tzinfo=dt.timezone.utc)),
    "ex-partner": (dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2022, 3, 31, tzinfo=dt.timezone.utc)),
}

Addr = tuple[str, str]  # (display name, address)


@dataclass(slots=True)
class Message:
    """One message, before rendering."""

    when: dt.datetime
    sender: Addr
    to: list[Addr]
    subject: str
    body: str
    msgid: str
    outgoing: bool
    tz_hours: int = 0
    cc: list[Addr] = field(default_factory=list)
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    kind: str = "personal"  # personal | bulk | auto
    list_id: str = ""


def encode_word(name: str, rng: random.Random) -> str:
    """An RFC 2047 encoded word: Q for mostly-Latin names, B for everything else."""
    charset = "UTF-8" if rng.random() < 0.7 else "utf-8"
    raw = name.encode("utf-8")
    latin = sum(ch.isascii() for ch in name) > len(name) / 2
    if latin:
        text = "".join(chr(b) if (chr(b).isalnum() and b < 128) or chr(b) in "!*+-/" else
                       "_" if b == 32 else f"={b:02X}" for b in raw)
        return f"=?{charset}?Q?{text}?="
    return f"=?{charset}?B?{base64.b64encode(raw).decode('ascii')}?="


def _mailbox(addr: Addr, rng: random.Random) -> str:
    name, address = addr
    if not name:
        return address
    if name.isascii():
        return formataddr((name, address))
    return f"{encode_word(name, rng)} <{address}>"


def _address_list(addrs: list[Addr], rng: random.Random) -> str:
    """Comma-separated mailboxes, folded onto continuation lines when long."""
    parts = [_mailbox(a, rng) for a in addrs]
    line = ", ".join(parts)
    return line if len(line) < 70 else ",\n ".join(parts)


def _from_line(when: dt.datetime, who: str) -> str:
    u = when.astimezone(dt.timezone.utc)
    return f"From {who} {_DAYS[u.weekday()]} {_MONTHS[u.month - 1]} {u.day:2d} {u:%H:%M:%S} {u.year}"


def _mboxrd_body(body: str) -> str:
    out = []
    for line in body.split("\n"):
        stripped = line.lstrip(">")
        out.append(">" + line if stripped.startswith("From ") else line)
    return "\n".join(out)


def render(m: Message, rng: random.Random) -> str:
    """One mbox entry (separator line, headers, blank line, body, blank line)."""
    local = m.when.astimezone(dt.timezone(dt.timedelta(hours=m.tz_hours)))
    headers = [f"From: {_mailbox(m.sender, rng)}", f"To: {_address_list(m.to, rng)}"]
    if m.cc:
        headers.append(f"Cc: {_address_list(m.cc, rng)}")
    headers += [f"Subject: {m.subject}", f"Date: {format_datetime(local)}", f"Message-ID: {m.msgid}"]
    if m.in_reply_to:
        headers.append(f"In-Reply-To: {m.in_reply_to}")
        headers.append("References: " + "\n ".join(m.references))
    if m.kind == "bulk":
        host = m.sender[1].split("@")[1]
        headers += [f"List-Id: {m.sender[0]} <{m.list_id}>",
                    f"List-Unsubscribe: <mailto:unsubscribe@{host}?subject=unsubscribe>, "
                    f"<https://{host}/unsubscribe?u={m.msgid[1:9]}>",
                    "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Precedence: bulk"]
    elif m.kind == "auto":
        headers += ["Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All"]
    cte = "7bit" if m.body.isascii() else "8bit"
    headers += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="UTF-8"', f"Content-Transfer-Encoding: {cte}"]
    sep = _from_line(m.when, "-" if m.outgoing else m.sender[1])
    return sep + "\n" + "\n".join(headers) + "\n\n" + _mboxrd_body(m.body) + "\n\n"


class MailMaker:
    """Builds the message list for a population; `make(n)` returns exactly `n` messages."""

    def __init__(self, people: list[Person], rng: random.Random) -> None:
        self.people = people
        self.rng = rng
        self.me: Addr = (ME_NAME, ME_EMAIL)
        self._seq = 0
        self._tz = [rng.choice(_TZ_HOURS.get(p.locale, (0,))) for p in people]
        self.close = {p.index for p in people if p.role == "friend" and rng.random() < 0.3}

    # -- addresses and names ---------------------------------------------------------------------
    def address(self, p: Person) -> str:
        """The address a person mails from, given how the user knows them."""
        if p.role in ("old-colleague", "ex-boss") and p.old_job and p.old_job.email:
            return p.old_job.email
        if p.role == "colleague" and p.job and p.job.email:
            return p.job.email
        if p.personal_email:
            return p.personal_email
        for job in (p.job, p.old_job):
            if job and job.email:
                return job.email
        return p.household_email

    def their_name(self, p: Person) -> str:
        """How a person's own mail client presents them."""
        if p.org_display:
            if p.org_display == p.personal_email:
                return p.job.company if p.job else ""
            return p.org_display
        given, family = (p.given, p.family)
        if p.native_cjk and self.rng.random() < 0.5:
            given, family = p.given_roman, p.family_roman
        elif p.native_cjk:
            return p.display_name()
        if p.role in ("colleague", "old-colleague", "ex-boss") and self.rng.random() < 0.25:
            return f"{family}, {given}"
        if p.nick and p.uses_nick and self.rng.random() < 0.4:
            given = p.nick
        return f"{given} {family}" if self.rng.random() < 0.93 else ""

    def first_name(self, p: Person) -> str:
        return p.nick if p.nick and p.uses_nick else (p.given_roman or p.given)

    def addr(self, p: Person, address: str | None = None) -> Addr:
        return (self.their_name(p), address or self.address(p))

    def _msgid(self, sender: str) -> str:
        self._seq += 1
        return f"<{self.rng.getrandbits(64):016x}.{self._seq}@{sender.split('@')[1]}>"

    def _when(self, start: dt.datetime, end: dt.datetime, recent: bool = False) -> dt.datetime:
        span = (end - start).total_seconds()
        if recent:  # most mail with close friends is from the last two years
            back = min(span, self.rng.expovariate(1 / (550 * 86400)))
            return end - dt.timedelta(seconds=back)
        return start + dt.timedelta(seconds=self.rng.random() * span)

    def _body(self, greet: str, sign: str, quote: Message | None = None) -> str:
        """A short note; a reply quotes the first line of the message it answers."""
        rng = self.rng
        lines = [f"Hi {greet}," if greet else "Hi,", ""]
        lines += rng.sample(BODY_LINES, rng.randrange(1, 3))
        lines += ["", rng.choice(("Best,", "Cheers,", "Thanks,", "--")), sign]
        if quote is not None:
            who = quote.sender[0] or quote.sender[1]
            w = quote.when
            on = f"{_DAYS[w.weekday()]}, {_MONTHS[w.month - 1]} {w.day}, {w.year}"
            lines += ["", f"On {on}, {who} wrote:", "> " + quote.body.split("\n")[2]]
        return "\n".join(lines)

    # -- kinds of mail -------------------------------------------------------------------------
    def _thread(self, p: Person, length: int, out: list[Message]) -> None:
        rng = self.rng
        key = "close" if p.index in self.close else p.role
        start, end = _WINDOW.get(key, (START, END))
        when = self._when(start, end, recent=key == "close")
        work = p.role in ("colleague", "old-colleague", "ex-boss")
        subject = rng.choice(WORK_SUBJECTS if work else FRIEND_SUBJECTS).format(event=rng.choice(EVENTS))
        them = self.addr(p)
        cc: list[Addr] = []
        if work and rng.random() < 0.3:
            peers = [q for q in self.people[max(0, p.index - 40): p.index + 40]
                     if q.role == p.role and q.index != p.index and self.address(q)]
            if peers:
                cc = [self.addr(rng.choice(peers))]
        outgoing = rng.random() < (0.55 if key == "close" else 0.45)
        refs: list[str] = []
        previous: Message | None = None
        for k in range(length):
            if when > END:
                break
            sender, to = (self.me, [them]) if outgoing else (them, [self.me])
            greet = self.first_name(p) if outgoing else "Alex"
            sign = "Alex" if outgoing else self.first_name(p)
            body = self._body(greet, sign, previous)
            prefix = "" if k == 0 else _REPLY_PREFIX.get(p.locale, "Re: ") if not outgoing else "Re: "
            msg = Message(when, sender, to, prefix + subject, body, self._msgid(sender[1]), outgoing,
                          _my_tz(when) if outgoing else self._tz[p.index], cc=cc)
            if refs:
                msg.in_reply_to, msg.references = refs[-1], list(refs[-10:])
            refs.append(msg.msgid)
            previous = msg
            out.append(msg)
            outgoing = not outgoing
            when += dt.timedelta(minutes=rng.randrange(20, 4 * 24 * 60))

    def _once(self, p: Person, out: list[Message]) -> None:
        subject = self.rng.choice(ONCE_SUBJECTS).format(event=self.rng.choice(EVENTS))
        them = self.addr(p)
        body = self._body("Alex", self.first_name(p))
        out.append(Message(self._when(START, END), them, [self.me], subject, body, self._msgid(them[1]), False,
                           self._tz[p.index]))

    def _newsletter(self, p: Person, issues: int, out: list[Message]) -> None:
        rng = self.rng
        sender = self.addr(p)
        step = (END - START) / max(1, issues)
        local, host = sender[1].split("@")
        list_id = f"{local}.{host}"
        for k in range(issues):
            when = START + step * k + dt.timedelta(minutes=rng.randrange(0, 48 * 60))
            body = (f"{p.org_display}, issue {k + 1}\n\nIn this issue: {rng.choice(NEWSLETTER_TOPICS)}.\n\n"
                    f"You are receiving this because you subscribed at https://{host}/.\n"
                    f"Unsubscribe: https://{host}/unsubscribe")
            out.append(Message(when, sender, [("", ME_EMAIL)], f"{p.org_display} #{k + 1}", body,
                               self._msgid(sender[1]), False, 0, kind="bulk", list_id=list_id))

    def _automated(self, p: Person, count: int, out: list[Message]) -> None:
        sender = self.addr(p)
        company = p.job.company if p.job else "Your account"
        for _ in range(count):
            when = self._when(START, END)
            subject = self.rng.choice((f"Your {company} receipt", "Password reset", "Your weekly summary",
                                       "Security alert: new sign-in", "Your order has shipped"))
            body = f"This is an automated message from {company}.\nPlease do not reply to this email."
            out.append(Message(when, sender, [self.me], subject, body, self._msgid(sender[1]), False, 0, kind="auto"))

    def _crowd(self, out: list[Message]) -> None:
        """One invitation the user sent to many, and one farewell an old colleague sent to many."""
        rng = self.rng
        friends = [p for p in self.people if p.role in ("friend", "colleague", "family") and self.address(p)]
        olds = [p for p in self.people if p.role == "old-colleague" and self.address(p)]
        if len(friends) >= 8:
            chosen = rng.sample(friends, min(len(friends), rng.randrange(18, 30)))
            addrs = [self.addr(p) for p in chosen]
            body = "Hi all,\n\nWe're having a party on Saturday, everyone's welcome.\n\nAlex"
            when = self._when(dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc), END)
            out.append(Message(when, self.me, addrs[:12], "Party at our place!", body, self._msgid(ME_EMAIL), True,
                               _my_tz(when), cc=addrs[12:]))
        if len(olds) >= 6:
            sender, *rest = rng.sample(olds, min(len(olds), rng.randrange(25, 40)))
            addrs = [self.addr(p) for p in rest]
            addrs.insert(rng.randrange(len(addrs) + 1), self.me)
            body = "Hi everyone,\n\nToday is my last day. It was a pleasure working with you all.\n\n" + \
                self.first_name(sender)
            out.append(Message(self._when(START, dt.datetime(2021, 6, 1, tzinfo=dt.timezone.utc)),
                               self.addr(sender), addrs, "Farewell and thank you", body,
                               self._msgid(self.address(sender)), False, self._tz[sender.index]))

    def make(self, n: int) -> list[Message]:
        """Exactly `n` messages (fewer only when the population has no one to mail)."""
        rng = self.rng
        out: list[Message] = []
        self._crowd(out)
        reachable = [p for p in self.people if self.address(p)]
        news = [p for p in reachable if p.role == "newsletter"]
        bots = [p for p in reachable if p.role == "role-account" and p.personal_email.split("@")[0] in
                ("noreply", "no-reply")]
        n_news = round(n * 0.18) if news else 0
        for k, p in enumerate(news):
            self._newsletter(p, n_news // len(news) + (k < n_news % len(news)), out)
        n_auto = round(n * 0.07) if bots else 0
        for k, p in enumerate(bots):
            self._automated(p, n_auto // len(bots) + (k < n_auto % len(bots)), out)
        once = [p for p in reachable if p.role == "acquaintance"]
        rng.shuffle(once)
        once = once[: round(n * 0.05)]
        for p in once:
            self._once(p, out)
        wrote_once = {p.index for p in once}
        partners = [p for p in reachable if p.role in _THREAD_WEIGHT and p.index not in wrote_once]
        weights = [_THREAD_WEIGHT["close" if p.index in self.close else p.role] for p in partners]
        cum = list(_accumulate(weights))
        while len(out) < n and partners:
            p = rng.choices(partners, cum_weights=cum)[0]
            length = rng.randrange(2, 7) if p.index in self.close else rng.randrange(1, 5)
            self._thread(p, min(length, n - len(out)), out)
        del out[n:]
        return out


def _my_tz(when: dt.datetime) -> int:
    """The user lives on US Pacific time (daylight saving roughly March to October)."""
    return -7 if 3 <= when.month <= 10 else -8


def _accumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for v in values:
        total += v
        out.append(total)
    return out


def mail_addresses(people: list[Person], messages: list[Message]) -> list[list[str]]:
    """Per person, the addresses of theirs that the messages use, in order of first use."""
    owners: dict[str, list[int]] = {}
    for p in people:
        jobs = [j.email for j in (p.job, p.old_job) if j and j.email]
        for address in (p.personal_email, p.extra_email, p.household_email, *jobs):
            if address and p.index not in owners.setdefault(address, []):
                owners[address].append(p.index)
    used: list[list[str]] = [[] for _ in people]
    for m in messages:
        for _, address in (m.sender, *m.to, *m.cc):
            for index in owners.get(address, ()):
                if address not in used[index]:
                    used[index].append(address)
    return used


def write_mboxes(out_dir: Path, people: list[Person], n: int, seed: int) -> list[list[str]]:
    """Write sent.mbox and inbox.mbox (each in date order); return each person's mail addresses."""
    messages = MailMaker(people, random.Random(f"{seed}:mail")).make(n)
    messages.sort(key=lambda m: (m.when, m.msgid))
    render_rng = random.Random(f"{seed}:mail-render")
    with (out_dir / "sent.mbox").open("w", encoding="utf-8", newline="") as sent, \
            (out_dir / "inbox.mbox").open("w", encoding="utf-8", newline="") as inbox:
        for m in messages:
            (sent if m.outgoing else inbox).write(render(m, render_rng))
    return mail_addresses(people, messages)

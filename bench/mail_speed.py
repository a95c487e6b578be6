"""Mail import speed: headers of N messages read and counted, messages/s and peak memory.

usage: python bench/mail_speed.py [--sizes 20000 100000] [--keep DIR] [--me]

Generates a seeded mbox per size (realistic header blocks: Received chains, DKIM signatures,
threads with In-Reply-To/References, newsletters with List-Unsubscribe, a few mass mailings,
non-ASCII names in RFC 2047, short bodies) and imports each in a fresh child process through the
mail importer alone, so the peak RSS printed is that case's own. Comparing sizes shows memory
does not grow with the mailbox. Without --me the user's address is guessed, as a user would run it.
Target (2 cores): 100,000 messages in < 20 s, memory independent of the mailbox size.
"""
from __future__ import annotations

import argparse
import base64
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ME = "jane.doe@example.org"
FIRST = ["Ana", "Bob", "Chloé", "Dmitri", "Eve", "François", "Grace", "Hiro", "Inès", "José", "Kate", "Liam",
         "Mei", "Noah", "Olga", "Priya", "Quinn", "Raúl", "Sofia", "Tomás", "Uma", "Viktor", "Wen", "Yusuf", "Zoë"]
LAST = ["Smith", "Müller", "García", "Rossi", "Nowak", "Dubois", "Tanaka", "Silva", "Kowalski", "Johnson",
        "O'Brien", "Nguyen", "Schmidt", "López", "Andersson", "Popescu", "Horvat", "Yılmaz", "Cohen", "Novak"]
DOMAINS = ["example.com", "acme.test", "globex.test", "initech.test", "mail.test", "uni.example.edu"]
NEWSLETTERS = [("Weekly Digest", "digest@news.example.net"), ("Shop Offers", "offers@shop.example.com"),
               ("Tech Daily", "newsletter@techdaily.example"), ("Notifications", "noreply@social.example")]
SUBJECTS = ["Lunch next week?", "Quarterly report", "Slides for Thursday", "Re-org plans", "Your question",
            "Conference travel", "Draft contract", "Photos from the weekend", "Budget 2024", "Intro call"]


def _name_header(name: str, address: str) -> str:
    if name.isascii():
        return f'"{name}" <{address}>' if "'" in name else f"{name} <{address}>"
    encoded = base64.b64encode(name.encode("utf-8")).decode("ascii")
    return f"=?UTF-8?B?{encoded}?= <{address}>"


def write_mbox(path: Path, count: int, seed: int = 7, contacts: int = 3000) -> None:
    """A Takeout-like mbox: received mail, sent mail labelled Sent, newsletters and mass mailings."""
    rng = random.Random(seed)
    pool = []
    for i in range(contacts):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        pool.append((f"{first} {last}", f"{first[0].lower()}.{last[:3].lower()}{i}@{rng.choice(DOMAINS)}".replace(
            "'", "")))
    when = datetime(2015, 1, 1, 9, 0, tzinfo=UTC)
    open_threads: list[tuple[str, str, int]] = []  # (message id, subject, contact)
    with open(path, "wb") as fh:
        for n in range(count):
            when += timedelta(minutes=rng.randint(1, 90))
            msgid = f"<{n}.{rng.getrandbits(40):x}@mail.example.org>"
            kind = rng.random()
            received = (f"Received: from mx{rng.randint(1, 9)}.example.org (mx.example.org [10.0.{rng.randint(0, 255)}"
                        f".{rng.randint(0, 255)}])\n\tby mail.example.org with ESMTPS id {rng.getrandbits(48):x}\n"
                        f"\tfor <{ME}>; {when:%a, %d %b %Y %H:%M:%S +0000}")
            received_2 = (f"Received: by 2002:a05:6000:{rng.getrandbits(16):x} with SMTP id {rng.getrandbits(32):x};\n"
                          f"        {when:%a, %d %b %Y %H:%M:%S -0800 (PST)}")
            dkim = ("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=2023;\n"
                    f"\th=from:to:subject:date:message-id; bh={base64.b64encode(rng.randbytes(32)).decode()};\n"
                    f"\tb={base64.b64encode(rng.randbytes(96)).decode()}")
            headers = [received, received_2, dkim,
                       f"Message-ID: {msgid}", f"Date: {when:%a, %d %b %Y %H:%M:%S +0000}", "MIME-Version: 1.0",
                       'Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: 8bit"]
            labels = "Inbox,Category Personal,Opened"
            if kind < 0.12:  # newsletter or no-reply notification
                name, address = rng.choice(NEWSLETTERS)
                headers += [f"From: {name} <{address}>", f"To: {ME}", f"Subject: {name} #{n}",
                            f"List-Unsubscribe: <mailto:unsubscribe@{address.split('@')[1]}?subject={n}>",
                            f"List-Id: <{name.lower().replace(' ', '-')}.{address.split('@')[1]}>",
                            "Precedence: bulk"]
                labels = "Inbox,Category Promotions"
            elif kind < 0.14:  # a mass mailing from a colleague to an all-hands list of people
                sender = rng.choice(pool)
                crowd = rng.sample(pool, 120)
                headers += [f"From: {_name_header(*sender)}",
                            "To: " + ",\n ".join(_name_header(*p) for p in crowd) + f",\n {ME}",
                            "Subject: All hands: office move"]
            else:
                reply = open_threads and rng.random() < 0.5
                if reply:
                    parent, subject, who = open_threads.pop(rng.randrange(len(open_threads)))
                    subject = "Re: " + subject
                else:
                    parent, subject, who = "", rng.choice(SUBJECTS), rng.randrange(contacts)
                contact = pool[who]
                from_me = rng.random() < 0.45
                cc = [rng.choice(pool) for _ in range(rng.choice((0, 0, 0, 1, 2)))]
                if from_me:
                    headers += [f"From: Jane Doe <{ME}>", f"To: {_name_header(*contact)}"]
                    labels = "Sent"
                else:
                    headers += [f"From: {_name_header(*contact)}", f"To: Jane Doe <{ME}>"]
                if cc:
                    headers.append("Cc: " + ", ".join(_name_header(*p) for p in cc))
                headers.append(f"Subject: {subject}")
                if parent:
                    headers += [f"In-Reply-To: {parent}", f"References: {parent}"]
                if len(open_threads) < 500:
                    open_threads.append((msgid, subject.removeprefix("Re: "), who))
            headers.insert(0, f"X-GM-THRID: {rng.getrandbits(60)}\nX-Gmail-Labels: {labels}")
            body = f"Hello,\n\nmessage {n}: {rng.choice(SUBJECTS).lower()}\n>From the notes: fine.\n\n-- \nsent\n"
            fh.write(f"From {rng.getrandbits(60)}@xxx {when:%a %b %d %H:%M:%S +0000 %Y}\n".encode())
            fh.write("\n".join(headers).encode("utf-8") + b"\n\n" + body.encode("utf-8") + b"\n")


def run_case(path: str, me: bool) -> None:
    """Child process: import one mbox, print one JSON line of figures."""
    import resource

    from knowme.importers import ImportOptions
    from knowme.importers.mail import parse

    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = parse(Path(path), ImportOptions(me=[ME] if me else []))
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak_kb = after.ru_maxrss
    two_way = sum(1 for r in result.records if r.signal and r.signal.two_way_threads)
    print(json.dumps({"seconds": round(elapsed, 2), "cpu": round(cpu, 2), "records": len(result.records), "two_way": two_way,
                      "me": result.me, "peak_mb": round(peak_kb / 1024, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000, 200_000])
    parser.add_argument("--keep", type=Path, help="write the mboxes here and keep them")
    parser.add_argument("--me", action="store_true", help="pass the user's address instead of guessing it")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_case(args.child, args.me)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            path = folder / f"mail_{size}.mbox"
            if not path.exists():
                write_mbox(path, size)
            cmd = [sys.executable, __file__, "--child", str(path)] + (["--me"] if args.me else [])
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=Path(__file__).parents[1])
            figures = json.loads(out.stdout)
            rate = size / figures["seconds"] if figures["seconds"] else float("inf")
            mb = path.stat().st_size / 1e6
            print(f"{size:>8} messages ({mb:.0f} MB): {figures['seconds']:.2f} s ({figures['cpu']:.2f} s CPU), "
                  f"{rate:,.0f} messages/s, "
                  f"peak RSS {figures['peak_mb']} MB; {figures['records']} correspondents, "
                  f"{figures['two_way']} two-way, me={','.join(figures['me'])}")


if __name__ == "__main__":
    main()

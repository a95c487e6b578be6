"""Import speed: records/s for vCard and CSV, parse + normalise + store, with peak memory.

usage: python bench/import_speed.py [--sizes 10000 100000] [--keep DIR] [--newer]

With --newer, each case then imports a newer version of the same book into the same workspace:
its cards in another order, one in 20 with a new address, one in 50 gone (the re-import path:
matching each card to its earlier record, keeping its person).

Each case runs in a fresh child process (so peak RSS is that case's alone) importing one
generated file into an empty workspace through the same code path as `knowme import`.
Targets (2 cores): 100k-card vCard < 10 s, 100k-row CSV < 5 s, memory < 500 MB.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = ["Ana", "Bob", "Chloé", "Dmitri", "Eve", "François", "Grace", "Hiro", "Ines", "José", "Kate", "Liam",
         "Mei", "Noah", "Olga", "Priya", "Quinn", "Raúl", "Sofia", "Tomás", "Uma", "Viktor", "Wen", "Yusuf", "Zoë"]
LAST = ["Smith", "Müller", "García", "Rossi", "Nowak", "Dubois", "Tanaka", "Silva", "Kowalski", "Johnson",
        "O'Brien", "Nguyen", "Schmidt", "López", "Andersson", "Popescu", "Horvat", "Yılmaz", "Cohen", "Novak"]
ORGS = ["Acme Corp", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay"]


def people(n: int, seed: int = 1):
    rng = random.Random(seed)
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        yield {"first": first, "last": last, "email": f"{first[0].lower()}{i}@example.com",
               "work": f"{first.lower()}.{i}@{rng.choice(ORGS).split()[0].lower()}.com",
               "phone": f"+1 {rng.randint(201, 989)}-555-{rng.randint(0, 9999):04d}",
               "org": rng.choice(ORGS), "title": rng.choice(["Engineer", "Manager", "Director", "Analyst"]),
               "uid": f"{seed}-{i:08d}"}


def write_vcard(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for p in people(n):
            fh.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\n"
                     f"N:{p['last']};{p['first']};;;\r\nFN:{p['first']} {p['last']}\r\nORG:{p['org']};\r\n"
                     f"TITLE:{p['title']}\r\nitem1.EMAIL;type=INTERNET;type=pref:{p['email']}\r\n"
                     f"item1.X-ABLabel:_$!<Other>!$_\r\nEMAIL;type=INTERNET;type=WORK:{p['work']}\r\n"
                     f"TEL;type=CELL;type=VOICE;type=pref:{p['phone']}\r\nUID:{p['uid']}\r\nEND:VCARD\r\n")


def write_google_csv(path: Path, n: int) -> None:
    import csv

    header = ["First Name", "Middle Name", "Last Name", "Nickname", "File As", "Organization Name",
              "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
              "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for p in people(n, seed=2):
            writer.writerow([p["first"], "", p["last"], "", "", p["org"], p["title"], "", "", "* myContacts",
                             "* Home", p["email"], "Work", p["work"], "Mobile", p["phone"]])


def write_newer(path: Path, out: Path) -> None:
    """The next export of the same book: reordered, one card in 20 with a new address, one in 50 left out."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".vcf":
        head, cards = "", ["BEGIN:VCARD" + c for c in text.split("BEGIN:VCARD")[1:]]
    else:
        lines = text.splitlines(keepends=True)
        head, cards = lines[0], lines[1:]
    kept = [c.replace("@example.com", "@example.org") if n % 20 == 0 else c
            for n, c in enumerate(cards) if n % 50 != 49]
    random.Random(7).shuffle(kept)
    out.write_text(head + "".join(kept), encoding="utf-8")


def run_case(path: Path, workspace: Path) -> dict[str, float]:
    """Child process: import one file, report time and peak RSS."""
    import resource

    from knowme.importing import import_path
    from knowme.store.core import Store

    start = time.perf_counter()
    with Store.open(workspace) as store:
        report = import_path(store, path)
    elapsed = time.perf_counter() - start
    assert report.ok, report.error
    records = report.outcome.records if report.outcome else 0
    return {"records": records, "seconds": elapsed,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--newer", action="store_true", help="then import a newer version of each book")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(Path(args.child[0]), Path(args.child[1]))))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="knowme-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'case':<22}{'records':>9}{'seconds':>9}{'records/s':>11}{'peak MB':>9}")
    for size in args.sizes:
        for kind, writer, suffix in (("vCard 3.0", write_vcard, "vcf"), ("Google CSV", write_google_csv, "csv")):
            path = work / f"bench_{size}.{suffix}"
            if not path.exists():
                writer(path, size)
            db = work / f"bench_{size}_{suffix}.db"
            for stale in work.glob(db.name + "*"):
                stale.unlink()
            out = subprocess.run([sys.executable, __file__, "--child", str(path), str(db)], capture_output=True,
                                 text=True, check=True)
            fig = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{kind + ' ' + str(size):<22}{fig['records']:>9}{fig['seconds']:>9.2f}"
                  f"{fig['records'] / fig['seconds']:>11,.0f}{fig['peak_mb']:>9.0f}")
            if args.newer:
                newer = work / "newer" / path.name
                newer.parent.mkdir(exist_ok=True)
                write_newer(path, newer)
                out = subprocess.run([sys.executable, __file__, "--child", str(newer), str(db)], capture_output=True,
                                     text=True, check=True)
                fig = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{'  newer version':<22}{fig['records']:>9}{fig['seconds']:>9.2f}"
                      f"{fig['records'] / fig['seconds']:>11,.0f}{fig['peak_mb']:>9.0f}")


if __name__ == "__main__":
    main()

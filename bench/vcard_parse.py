"""Micro-benchmark: cards per second of our vCard parser against vobject, on generated cards.

Run by hand (never in CI):  python bench/vcard_parse.py [CARDS]
It writes a temporary .vcf of CARDS simple 3.0 cards (default 100,000) in the shape Google
and Apple export, imports it with `importers.vcard`, then parses a slice with vobject, and
prints cards/s for both plus the peak memory of our import.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

FIRST = ["Anna", "Bob", "Chloé", "Dmitri", "Eva", "François", "Grace", "Hiro", "Ivan", "Jürgen", "Kate"]
LAST = ["Smith", "Müller", "Dubois", "Tanaka", "Ivanov", "O'Brien", "García", "Rossi", "Nowak", "Lee"]
ORGS = ["Acme\\, Inc.", "Globex", "Initech;R&D", "Umbrella Corp", "", "Stark Industries"]


def generate(count: int, seed: int = 7) -> bytes:
    """`count` simple vCard 3.0 cards, CRLF line ends, some folded lines and Apple groups."""
    rnd = random.Random(seed)
    out: list[str] = []
    for i in range(count):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        lines = [
            "BEGIN:VCARD", "VERSION:3.0",
            f"N:{last};{first};;;", f"FN:{first} {last}",
            f"EMAIL;TYPE=INTERNET;TYPE=HOME:{first.lower()}.{last.lower()}{i}@example.com",
            f"TEL;TYPE=CELL:+1 555 {i % 1000:03d} {i % 10000:04d}",
        ]
        org = rnd.choice(ORGS)
        if org:
            lines.append(f"ORG:{org}")
            lines.append("TITLE:Engineer")
        if i % 3 == 0:
            lines += [f"item1.EMAIL;type=INTERNET:{first.lower()}@work.example", "item1.X-ABLabel:_$!<Work>!$_"]
        if i % 5 == 0:
            lines.append("NOTE:Met at the conference in Berlin\\, talked about the migration project and\r\n"
                         " followed up by mail.")
        if i % 7 == 0:
            lines.append("CATEGORIES:friends,work")
        lines.append(f"UID:{i:08d}-card")
        lines.append("END:VCARD")
        out.append("\r\n".join(lines))
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def main() -> None:
    from knowme.importers import ImportOptions, vcard

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data = generate(count)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.vcf"
        path.write_bytes(data)
        runs = []
        for _ in range(3):  # best of three: other work on the machine only ever slows a run down
            start, cpu = time.perf_counter(), time.process_time()
            result = vcard.parse(path, ImportOptions())
            runs.append((time.perf_counter() - start, time.process_time() - cpu))
            assert len(result.records) == count, (len(result.records), result.problems[:3])
        fast, fast_cpu = min(runs)
        tracemalloc.start()
        result = vcard.parse(path, ImportOptions())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"fast path: {count} cards ({len(data) / 1e6:.1f} MB) in {fast:.2f} s = {count / fast:,.0f} cards/s "
          f"(CPU {fast_cpu:.2f} s = {count / fast_cpu:,.0f} cards/s); peak traced memory {peak / 1e6:.0f} MB")

    import vobject

    sample = min(count, 5_000)
    text = generate(sample).decode("utf-8")
    start, cpu = time.perf_counter(), time.process_time()
    parsed = sum(1 for _ in vobject.readComponents(text))
    slow, slow_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"vobject:   {parsed} cards in {slow:.2f} s = {parsed / slow:,.0f} cards/s "
          f"(CPU {slow_cpu:.2f} s = {parsed / slow_cpu:,.0f} cards/s)")
    print(f"speed-up (CPU): {(count / fast_cpu) / (parsed / slow_cpu):.1f}x")


if __name__ == "__main__":
    main()

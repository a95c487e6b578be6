"""Dedupe speed: time and peak memory of `run_dedupe` on 10k, 100k and 1M generated records.

    python bench/dedupe_speed.py                  # 10k and 100k
    python bench/dedupe_speed.py --records 1000000

Each workspace is generated once (seeded, `bench/dupgen.py`) into a cache folder, then dedupe
runs in a fresh process on a copy so its peak RSS (getrusage) is the matcher's own, not the
generator's. Phases come from the progress callback. Never run by CI.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
RECORDS_PER_PERSON = 2.45  # what dupgen makes on average


def build(records: int, path: Path, seed: int = 5) -> None:
    from dupgen import generate

    from knowme.importing import store_records
    from knowme.store.core import Store

    people = max(1, int(records / RECORDS_PER_PERSON))
    gen = generate(people=people, seed=seed)
    with Store.open(path) as store:
        for name, recs in gen.sources.items():
            store_records(store, Path(name), "generated", recs, [], f"{name}-{seed}-{people}", "US")
        print(json.dumps({"records": gen.records, "people": people}))


def run(path: Path) -> None:
    from knowme.dedupe.run import run_dedupe
    from knowme.store.core import Store

    marks: dict[int, float] = {}
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        for step in (10, 30, 90):
            if done >= step and step not in marks:
                marks[step] = time.perf_counter() - started

    with Store.open(path) as store:
        report = run_dedupe(store, progress)
    total = time.perf_counter() - started
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    peak_mb = max(own.ru_maxrss, kids.ru_maxrss) / 1024
    print(json.dumps({"records": report.records, "seconds": round(total, 2), "cpu_s": round(cpu, 2),
                      "peak_mb": round(peak_mb),
                      "load_s": round(marks.get(10, 0), 2), "block_s": round(marks.get(30, 0) - marks.get(10, 0), 2),
                      "score_cluster_s": round(marks.get(90, 0) - marks.get(30, 0), 2),
                      "write_s": round(total - marks.get(90, 0), 2), "candidates": report.candidates,
                      "pairs_per_s": round(report.candidates / max(marks.get(90, 0) - marks.get(30, 0), 1e-9)),
                      "auto_merged": report.auto_merged, "queued": report.queued}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "knowme-bench")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        return build(args.build, args.path)
    if args.run:
        return run(args.run)
    args.cache.mkdir(parents=True, exist_ok=True)
    for records in args.records:
        source = args.cache / f"speed-{records}.db"
        if not source.exists():
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--build", str(records), "--path", str(source)], check=True)
            print(f"  (generated {records} records in {time.perf_counter() - started:.0f} s)", file=sys.stderr)
        # a copy of its own: two benches sharing the cache (two checkouts timed in turns) never run on one file
        work = Path(tempfile.mkdtemp(dir=args.cache, prefix=f"run-{records}-")) / "run.db"
        shutil.copy(source, work)
        out = subprocess.run([sys.executable, __file__, "--run", str(work)], check=True, capture_output=True,
                             text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        print(f"{result['records']:>8} records: {result['seconds']:7.2f} s wall, {result['cpu_s']} s CPU, "
              f"peak {result['peak_mb']} MB "
              f"(load {result['load_s']} s, block {result['block_s']} s, score+cluster {result['score_cluster_s']} s,"
              f" write {result['write_s']} s; {result['candidates']} candidate pairs, {result['pairs_per_s']} pairs/s;"
              f" merged {result['auto_merged']}, queued {result['queued']})")
        shutil.rmtree(work.parent)


if __name__ == "__main__":
    main()

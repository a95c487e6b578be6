"""Scale: a million records imported, deduped, reviewed and exported on one machine.

    python bench/scale.py [--records 1000000] [--work DIR] [--reuse] [--presses 30]

1. Generates address books with `sample_data/generate.py` (Google, Outlook, LinkedIn CSV, iPhone
   and Android vCard, sent and received mbox; cross-file duplicates, namesakes, households),
   sized so the files hold about `--records` records (in parts of 50,000 people).
2. Runs each step as its own process, as a user would: the real `knowme` command for import,
   dedupe, bulk triage and the exports; a Textual pilot session (`App.run_test()`) for the
   review UI, which opens the workspace, moves, filters, switches views and marks.
3. Prints, per step, wall time, CPU time (the step's process and any workers it forked) and
   peak RSS (the process, and separately its largest worker), and writes them as JSON to
   `<work>/scale.json`.

Never run by CI. On the 2-core development machine a million records take on the order of
half an hour end to end; `--records 100000` is a quick look.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RECORDS_PER_PERSON = 2.11  # what sample_data/generate.py makes per person (measured at 40k people)

# Runs one `knowme` command in this process and reports its own and its workers' resource use.
MEASURED = textwrap.dedent("""
    import json, resource, sys, time
    from knowme.cli.main import main
    started = time.perf_counter()
    code = main(sys.argv[1:])
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stdout.flush()
    print("\\nMEASURED " + json.dumps({
        "code": code, "seconds": time.perf_counter() - started,
        "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "peak_mb": own.ru_maxrss / 1024, "worker_peak_mb": kids.ru_maxrss / 1024}), file=sys.stderr)
    sys.exit(code)
""")

# Opens the review UI on the workspace and drives it like a user; prints its measurements as JSON.
REVIEW = textwrap.dedent("""
    import asyncio, json, resource, statistics, sys, time
    from pathlib import Path

    async def handled(pilot, key):
        # from the key reaching the app to its handlers done and the screen painted
        from textual import events
        app = pilot.app
        char = key if len(key) == 1 else {"slash": "/", "space": " "}.get(key)
        t0 = time.perf_counter()
        app._driver.send_message(events.Key(key, char))
        await pilot._wait_for_screen()
        await pilot._wait_for_screen()
        app.screen._on_timer_update()
        return time.perf_counter() - t0

    async def main(db, presses):
        from knowme.tui.app import KnowmeApp
        from knowme.tui.widgets.contact_list import ContactList
        out = {}
        painted = []
        original = ContactList.render_line
        def render_line(self, y):
            if not painted and self.row_count and y == 1:
                painted.append(time.perf_counter())
            return original(self, y)
        ContactList.render_line = render_line
        from knowme.store.core import Store
        with Store.open(Path(db)) as store:  # a first session: not where an earlier run left off
            store.conn.execute("DELETE FROM settings WHERE key='review.state'")
        started = time.perf_counter()
        app = KnowmeApp(Path(db))
        async with app.run_test(size=(120, 40)) as pilot:
            contacts = app.main.query_one(ContactList)
            while not painted:
                await pilot.pause(0.01)
            ContactList.render_line = original
            out["first_screen_s"] = painted[0] - started
            await contacts.wait_loaded()
            out["whole_list_s"] = time.perf_counter() - started
            out["listed"] = contacts.row_count
            for worker in list(app.workers):
                try:
                    await worker.wait()
                except Exception:
                    pass
            out["counts_s"] = time.perf_counter() - started
            await pilot.pause()

            def stats(name, values):
                ordered = sorted(values)
                out[name] = {"median_ms": statistics.median(values) * 1000,
                             "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
                             "max_ms": max(values) * 1000, "n": len(values)}

            stats("move", [await handled(pilot, "down") for _ in range(presses)])
            stats("page_down", [await handled(pilot, "pagedown") for _ in range(max(5, presses // 5))])
            stats("mark", [await handled(pilot, k) for k in ("k", "p", "x") * (presses // 3 + 1)][:presses])
            await contacts.wait_loaded()
            await handled(pilot, "slash")
            shown = []
            for char in "smith":
                t0 = time.perf_counter()
                await handled(pilot, char)
                await contacts.wait_loaded()
                await pilot._wait_for_screen()
                app.screen._on_timer_update()
                shown.append(time.perf_counter() - t0)
            stats("filter_keystroke_shown", shown)
            out["filter_matches"] = contacts.row_count
            await handled(pilot, "escape")
            await contacts.wait_loaded()
            views = []
            for key in ("8", "2", "5", "1"):
                t0 = time.perf_counter()
                await handled(pilot, key)
                await contacts.wait_loaded()
                views.append(time.perf_counter() - t0)
            stats("switch_view_shown", views)
            t0 = time.perf_counter()
            await handled(pilot, "ctrl+z")
            out["undo_s"] = time.perf_counter() - t0
            await pilot.press("q")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out["seconds"] = time.perf_counter() - started
        out["cpu"] = usage.ru_utime + usage.ru_stime
        out["peak_mb"] = usage.ru_maxrss / 1024
        print("REVIEW " + json.dumps(out))

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
""")


class Bench:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.db = work / "workspace.db"
        self.steps: list[dict[str, Any]] = []
        self.env = {k: v for k, v in os.environ.items() if k != "KNOWME_DB"}

    def knowme(self, step: str, *args: object, allow: tuple[int, ...] = (0,), keep_output: bool = True,
               memory_limit_gb: float | None = None) -> dict[str, Any]:
        """Run `knowme --db W ARGS` as its own process; record and return its measurements and output.

        Output goes to files, not into this process: Linux carries a parent's peak RSS over into
        the child's (across fork and exec), so a bloated parent would inflate every later figure.
        """
        print(f"-> {step}: knowme {' '.join(map(str, args))[:120]}", flush=True)
        out_path, err_path = self.work / "step.out", self.work / "step.err"

        def limit() -> None:
            if memory_limit_gb:
                size = int(memory_limit_gb * 2**30)
                resource.setrlimit(resource.RLIMIT_AS, (size, size))

        started = time.perf_counter()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.run([sys.executable, "-c", MEASURED, "--db", str(self.db), *map(str, args)], cwd=ROOT,
                                  env=self.env, stdout=out, stderr=err, preexec_fn=limit, check=False)
        wall = time.perf_counter() - started
        stderr = err_path.read_text(errors="replace")
        stderr, _, tail = stderr.rpartition("MEASURED ")
        if not tail or proc.returncode not in allow:
            raise SystemExit(f"{step} failed (exit {proc.returncode}):\n{stderr[-3000:]}")
        data = json.loads(tail)
        data.update(step=step, wall=wall, stdout=out_path.read_text() if keep_output else "", stderr=stderr[-2000:])
        self.steps.append({k: v for k, v in data.items() if k not in ("stdout", "stderr")})
        print(f"   {wall:8.1f} s wall, {data['cpu']:8.1f} s CPU, peak {data['peak_mb']:6.0f} MB"
              + (f" (workers {data['worker_peak_mb']:.0f} MB)" if data["worker_peak_mb"] > 1 else ""), flush=True)
        return data

    def review(self, presses: int) -> dict[str, Any]:
        print("-> review: the UI on the workspace (pilot)", flush=True)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", REVIEW, str(self.db), str(presses)], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        _, _, tail = proc.stdout.rpartition("REVIEW ")
        if proc.returncode != 0 or not tail:
            raise SystemExit(f"review failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        data = json.loads(tail)
        self.steps.append({"step": "review UI session", "wall": wall, "cpu": data["cpu"], "peak_mb": data["peak_mb"],
                           "worker_peak_mb": 0, "review": data})
        print(f"   {wall:8.1f} s wall, first screen {data['first_screen_s']:.2f} s, whole list "
              f"{data['whole_list_s']:.2f} s, peak {data['peak_mb']:.0f} MB", flush=True)
        return data


def generate(work: Path, records: int, reuse: bool, chunk: int = 50_000) -> tuple[list[Path], dict[str, Any]]:
    """Address books holding about `records` records, in parts of `chunk` people.

    One `generate.py` run slows down more than linearly past ~100k people, so larger sets are made
    as several runs with their own seeds (each a full set: Google, Outlook, LinkedIn, iPhone,
    Android, mbox), every file renamed with its part number so each imports as its own source.
    People of different parts are different people; same names across parts are namesakes.
    """
    books = work / "books"
    people = max(100, round(records / RECORDS_PER_PERSON))
    marker = books / f".people-{people}"
    if reuse and marker.exists():
        print(f"-> generate: reusing {books}", flush=True)
        info = json.loads(marker.read_text())
    else:
        shutil.rmtree(books, ignore_errors=True)
        books.mkdir(parents=True)
        parts = max(1, -(-people // chunk))
        print(f"-> generate: {people:,} people in {parts} parts with sample_data/generate.py", flush=True)
        started = time.perf_counter()
        for part in range(1, parts + 1):
            size = people // parts + (1 if part <= people % parts else 0)
            tmp = books / f"part-{part:02d}"
            subprocess.run([sys.executable, str(ROOT / "sample_data" / "generate.py"), "--people", str(size),
                            "--seed", str(1000 + part), "--out", str(tmp), "--mbox-messages",
                            str(min(size // 4, 20_000)), "--quiet"], check=True, cwd=ROOT)
            for path in tmp.iterdir():
                if path.name != "truth.json":  # ground truth: not an address book
                    path.rename(books / f"{path.stem}-{part:02d}{path.suffix}")
            shutil.rmtree(tmp)
        info = {"people": people, "parts": parts, "seconds": time.perf_counter() - started}
        marker.write_text(json.dumps(info))
        print(f"   {info['seconds']:.1f} s", flush=True)
    files = sorted(p for p in books.iterdir() if p.is_file() and not p.name.startswith("."))
    info["files"] = {p.name: p.stat().st_size for p in files}
    return files, info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: bench/out/scale-N)")
    parser.add_argument("--reuse", action="store_true", help="reuse the generated address books of an earlier run")
    parser.add_argument("--presses", type=int, default=30, help="key presses per measured UI action")
    parser.add_argument("--generate-only", action="store_true", help="make the address books and stop")
    parser.add_argument("--after-dedupe", action="store_true",
                        help="keep the workspace of an earlier run (imported and deduped) and go on from the review UI")
    args = parser.parse_args()
    work = args.work or ROOT / "bench" / "out" / f"scale-{args.records}"
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work)
    if not args.after_dedupe:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{bench.db}{suffix}").unlink(missing_ok=True)

    files, gen = generate(work, args.records, args.reuse)
    if args.generate_only:
        print(f"{len(files)} files, {sum(gen['files'].values()) / 2**20:.0f} MB in {work / 'books'}")
        return 0
    total_started = time.perf_counter()

    if args.after_dedupe:  # the import and dedupe figures are in the earlier run's output
        status = after = json.loads(bench.knowme("status (earlier run's workspace)", "status", "--json")["stdout"])
        dedupe = {}
    else:
        bench.knowme("import", "import", *files)
        status = json.loads(bench.knowme("status after import", "status", "--json")["stdout"])
        dedupe = json.loads(bench.knowme("dedupe", "dedupe", "--json")["stdout"])
        after = json.loads(bench.knowme("status after dedupe", "status", "--json")["stdout"])

    review = bench.review(args.presses)

    # bulk triage, as someone with a million records would start
    bench.knowme("suggest --accept all", "suggest", "--accept", "all")
    bench.knowme("mark a group knows-me", "mark", "--all-in-category", "Friends", "--as", "knows-me", allow=(0, 1))
    bench.knowme("mark a domain knows-me", "mark", "--domain", "example.com", "--as", "knows-me", allow=(0, 1))
    bench.knowme("mark a domain personalize", "mark", "--domain", "example.net", "--as", "personalize", allow=(0, 1))

    out = work / "exports"
    out.mkdir(exist_ok=True)
    first = bench.knowme("export safe (linkedin-csv)", "export", "safe", "-o", out / "safe.csv", "--json",
                         allow=(0, 1))
    lookalikes = 0
    if first["code"] == 1:  # blocked by knows-me people who look like excluded ones: put them back to undecided
        pre = json.loads(first["stdout"])["preflight"]
        ids = sorted({str(lk["knows_me"]) for lk in pre["lookalikes"]})
        lookalikes = len(pre["lookalikes"])
        bench.knowme(f"resolve {lookalikes:,} lookalikes (mark undecided)", "mark", *ids, "--as", "undecided")
        bench.knowme("export safe (linkedin-csv)", "export", "safe", "-o", out / "safe.csv", "--json")
    bench.knowme("export safe (vcard)", "export", "safe", "-o", out / "safe.vcf")
    bench.knowme("export safe (google-csv)", "export", "safe", "-o", out / "google.csv", "--format", "google-csv")
    bench.knowme("export outreach (md)", "export", "outreach", "-o", out / "queue.md")
    final = json.loads(bench.knowme("status at the end", "status", "--json")["stdout"])
    total = time.perf_counter() - total_started
    try:  # the whole review queue as JSON: last, under a memory limit, since it grows with the queue
        bench.knowme("pairs --json (whole review queue)", "pairs", "--json", keep_output=False, memory_limit_gb=12)
    except SystemExit as exc:
        print(f"   pairs --json did not finish within 12 GB: {str(exc)[-300:]}", flush=True)

    summary = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "generated": gen, "records": status["records"], "people_after_import": status["people"],
        "people_after_dedupe": after["people"], "pending_pairs": after["pending_pairs"],
        "dedupe": {k: v for k, v in dedupe.items() if isinstance(v, (int, float, str))},
        "lookalikes_resolved": lookalikes, "decisions": final["decisions"], "review": review,
        "workspace_mb": round(bench.db.stat().st_size / 2**20), "total_s": total, "steps": bench.steps,
        "exports_mb": {p.name: round(p.stat().st_size / 2**20, 1) for p in out.iterdir()},
    }
    (work / "scale.json").write_text(json.dumps(summary, indent=2))
    print_table(summary)
    return 0


def print_table(s: dict[str, Any]) -> None:
    print()
    print(f"{s['records']:,} records from {len(s['generated']['files'])} files "
          f"({sum(s['generated']['files'].values()) / 2**20:.0f} MB), {s['people_after_import']:,} people after import, "
          f"{s['people_after_dedupe']:,} after dedupe, {s['pending_pairs']:,} pairs queued; workspace "
          f"{s['workspace_mb']:,} MB; {s['machine']['cpus']} CPUs, {s['machine']['memory_gb']} GB")
    print(f"{'step':<44} {'wall s':>9} {'CPU s':>9} {'peak MB':>9} {'worker MB':>10}")
    for step in s["steps"]:
        worker = f"{step['worker_peak_mb']:.0f}" if step.get("worker_peak_mb", 0) > 1 else ""
        print(f"{step['step']:<44} {step['wall']:9.1f} {step['cpu']:9.1f} {step['peak_mb']:9.0f} {worker:>10}")
    r = s["review"]
    print()
    print(f"review UI: first screen {r['first_screen_s']:.2f} s, whole list ({r['listed']:,}) {r['whole_list_s']:.2f} s, "
          f"sidebar counts {r['counts_s']:.2f} s, undo {r['undo_s'] * 1000:.0f} ms")
    for key in ("move", "page_down", "mark", "filter_keystroke_shown", "switch_view_shown"):
        v = r[key]
        print(f"  {key:<26} median {v['median_ms']:8.1f} ms   p95 {v['p95_ms']:8.1f} ms   max {v['max_ms']:8.1f} ms")
    print(f"total (import to last export): {s['total_s'] / 60:.1f} min")


if __name__ == "__main__":
    raise SystemExit(main())

"""Triage benchmarks: suggestion quality on the sample data, and the speed of triage and exports.

    python bench/triage_bench.py                      # quality on sample_data + speed at 20k records
    python bench/triage_bench.py --records 100000     # speed at 100k records (a few minutes)

Quality: the sample data's ground truth gives each person a role; a suggestion is right when it
matches what that role calls for (family/friend/colleague -> knows-me, acquaintance/old colleague
-> personalize, role account/newsletter/ex-partner/ex-boss -> exclude). Reported per suggested
decision: how many were made and how many were right.

Speed: a generated workspace (bench/dupgen.py) with 60% knows-me, 5% excluded, 15% personalize;
times `refresh_suggestions` over everyone, the safe export's preflight (with the suppression-list
gate: identifiers, cards, names alike, open pairs, cells), writing each safe format, the outreach
export, `status`'s outreach counts, and the linter per call. CPU seconds, so a busy machine cannot fake a regression.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from knowme.importing import store_records
from knowme.store.core import Store

EXPECTED = {"family": "knows-me", "friend": "knows-me", "colleague": "knows-me", "acquaintance": "personalize",
            "old-colleague": "personalize", "role-account": "exclude", "newsletter": "exclude",
            "ex-partner": "exclude", "ex-boss": "exclude"}


def quality() -> dict[str, object]:
    from knowme.dedupe.run import run_dedupe
    from knowme.importing import import_path
    from knowme.paths import SAMPLE_DATA, sample_files
    from knowme.suggest import refresh_suggestions

    truth = json.loads((SAMPLE_DATA / "truth.json").read_text())
    role_of = {(r["source"], r["index"]): p["role"] for p in truth for r in p["records"]}
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "w.db") as store:
        for path in sample_files():
            import_path(store, path)
        run_dedupe(store)
        refresh_suggestions(store)
        made: Counter[str] = Counter()
        right: Counter[str] = Counter()
        wrong: Counter[tuple[str, str]] = Counter()
        people = 0
        for pid, suggestion in store.conn.execute("SELECT id, suggestion FROM people"):
            people += 1
            roles = Counter(role_of.get((m["source"], m["index"])) for m in store.record_meta(pid))
            roles.pop(None, None)
            if not suggestion or not roles:
                continue
            role = roles.most_common(1)[0][0]
            made[suggestion] += 1
            if EXPECTED.get(role) == suggestion:
                right[suggestion] += 1
            else:
                wrong[(suggestion, role)] += 1
    return {"people": people, "suggested": sum(made.values()),
            "by_decision": {d: {"made": made[d], "right": right[d]} for d in ("knows-me", "personalize", "exclude")},
            "wrong_most": [f"{s} for {r}: {n}" for (s, r), n in wrong.most_common(4)]}


def _cpu(fn, *args, **kw) -> tuple[float, object]:
    start = time.process_time()
    result = fn(*args, **kw)
    return round(time.process_time() - start, 2), result


def speed(records: int, seed: int = 5) -> dict[str, object]:
    from dupgen import generate

    from knowme.exports import OutreachBlock, export_outreach, export_safe, exporters, preflight
    from knowme.lint import lint_note
    from knowme.outreach import outreach_status
    from knowme.suggest import refresh_suggestions

    people = max(1, int(records / 2.45))
    gen = generate(people=people, seed=seed)
    out: dict[str, object] = {"records": gen.records}
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "w.db") as store:
        for name, recs in gen.sources.items():
            store_records(store, Path(name), "generated", recs, [], f"{name}-{seed}", "US")
        conn = store.conn
        out["people"] = conn.execute("SELECT count(*) FROM people").fetchone()[0]
        conn.execute("UPDATE people SET decision=CASE WHEN id % 20 = 0 THEN 'exclude' WHEN id % 20 < 13 "
                     "THEN 'knows-me' WHEN id % 20 < 16 THEN 'personalize' ELSE 'undecided' END")
        conn.execute("UPDATE people SET draft='Hi there, we met at the meetup. I would like to keep in touch.' "
                     "WHERE decision='personalize' AND id % 2 = 0")
        out["refresh_suggestions_s"], _ = _cpu(refresh_suggestions, store)
        out["preflight_s"], pre = _cpu(preflight, store)
        out["written"] = pre.written  # type: ignore[attr-defined]
        out["lookalikes"] = len(pre.lookalikes)  # type: ignore[attr-defined]
        # resolve the lookalikes as a user would (they are different people), so the files get written
        for lk in pre.lookalikes:  # type: ignore[attr-defined]
            conn.execute("UPDATE people SET decision='undecided' WHERE id=?", (lk.knows_me_id,))
        for fmt in exporters("safe"):
            out[f"export_{fmt}_s"], _ = _cpu(export_safe, store, Path(tmp) / f"safe.{fmt}", fmt)
        # the outreach export is gated too: its conflicts are resolved the same way before it is timed
        try:
            export_outreach(store, Path(tmp) / "q.md", "md")
        except OutreachBlock as block:
            out["outreach_lookalikes"] = len(block.lookalikes)
            for lk in block.lookalikes:
                conn.execute("UPDATE people SET decision='undecided' WHERE id=?", (lk.knows_me_id,))
        out["export_outreach_md_s"], _ = _cpu(export_outreach, store, Path(tmp) / "q.md", "md", force=True)
        out["status_outreach_s"], _ = _cpu(outreach_status, store)
    note = "Hi Ana, great to meet you at the Lisbon data meetup. I enjoyed your talk and would like to keep in touch."
    start = time.process_time()
    for n in range(2000):
        lint_note(note[: 40 + n % 80])
    out["lint_ms_per_call"] = round((time.process_time() - start) / 2000 * 1000, 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--no-quality", action="store_true")
    args = parser.parse_args()
    if not args.no_quality:
        print(json.dumps({"quality": quality()}, ensure_ascii=False))
    print(json.dumps({"speed": speed(args.records)}))


if __name__ == "__main__":
    main()

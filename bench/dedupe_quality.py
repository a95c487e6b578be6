"""Dedupe quality: pairwise precision, recall and F1 of auto-merge alone and of auto + review.

    python bench/dedupe_quality.py                 # sample data (if present) + generated sets
    python bench/dedupe_quality.py --people 20000 --seed 3

"auto" is what `knowme dedupe` merged by itself. "auto+review" assumes the user answers every
queued pair correctly (an oracle): true maybe pairs are merged, false ones refused; its
precision equals auto's, so "queue precision" reports how many queued pairs were really the
same person (the cost of reviewing). "all maybe" merges every queued pair blindly: a floor.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from knowme.dedupe.run import pending_pairs, run_dedupe
from knowme.importing import store_records
from knowme.store.core import Store


def pairwise(clusters: Iterable[Iterable[object]], truth: dict[object, object]) -> dict[str, float]:
    """Pairwise precision/recall/F1 of predicted clusters (of truth keys) against the truth labels."""
    joint: Counter[tuple[int, object]] = Counter()
    pred: Counter[int] = Counter()
    for n, cluster in enumerate(clusters):
        for key in cluster:
            if key in truth:
                joint[(n, truth[key])] += 1
                pred[n] += 1
    true_sizes = Counter(truth.values())
    tp = sum(c * (c - 1) // 2 for c in joint.values())
    predicted = sum(c * (c - 1) // 2 for c in pred.values())
    actual = sum(c * (c - 1) // 2 for c in true_sizes.values())
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": actual, "predicted_pairs": predicted,
            "right_pairs": tp}


def evaluate(store: Store, truth: dict[tuple[str, int], object]) -> dict[str, object]:
    """P/R/F1 for the workspace's people (auto) and with the review queue answered by an oracle."""
    record_key: dict[int, tuple[str, int]] = {}
    person_of: dict[int, int] = {}
    for rid, pid, name, idx in store.conn.execute("SELECT r.id, r.person_id, s.name, r.idx FROM records r "
                                                  "JOIN sources s ON s.id = r.source_id"):
        record_key[rid] = (name, idx)
        person_of[rid] = pid
    members: dict[int, list[tuple[str, int]]] = {}
    for rid, pid in person_of.items():
        members.setdefault(pid, []).append(record_key[rid])
    auto = pairwise(members.values(), truth)
    parent = {pid: pid for pid in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    queue = pending_pairs(store)
    right = 0
    blind_parent = dict(parent)
    for pair in queue:
        a, b = record_key[pair.a_record], record_key[pair.b_record]
        same = truth.get(a) is not None and truth.get(a) == truth.get(b)
        right += same
        if same:
            parent[find(pair.a_person)] = find(pair.b_person)
    reviewed: dict[int, list[tuple[str, int]]] = {}
    for pid, keys in members.items():
        reviewed.setdefault(find(pid), []).extend(keys)
    oracle = pairwise(reviewed.values(), truth)
    parent = blind_parent
    for pair in queue:
        parent[find(pair.a_person)] = find(pair.b_person)
    blind: dict[int, list[tuple[str, int]]] = {}
    for pid, keys in members.items():
        blind.setdefault(find(pid), []).extend(keys)
    return {"auto": auto, "auto+review": oracle, "all maybe": pairwise(blind.values(), truth),
            "queued": len(queue), "queue precision": right / len(queue) if queue else 1.0}


def wrong_merges(store: Store, truth: dict[tuple[str, int], object]) -> list[str]:
    """The people auto-merge made of more than one true person: each one's records (source, index,
    name, organisation, title, addresses, phones), one line a record, under a line naming the person."""
    people: dict[int, list[tuple[tuple[str, int], dict[str, object]]]] = {}
    for pid, name, idx, data in store.conn.execute("SELECT r.person_id, s.name, r.idx, r.data FROM records r "
                                                   "JOIN sources s ON s.id = r.source_id ORDER BY r.id"):
        people.setdefault(pid, []).append(((name, idx), json.loads(data)))
    lines = []
    for pid, records in people.items():
        if len({truth.get(key) for key, _ in records}) < 2:
            continue
        lines.append(f"person {pid} holds {len(records)} records of "
                     f"{', '.join(sorted({str(truth.get(key)) for key, _ in records}))}:")
        for key, d in records:
            values = [str(v.get("value", "")) for field in ("emails", "phones", "urls")
                      for v in d.get(field) or [] if isinstance(v, dict)]
            lines.append(f"  {truth.get(key)} {key[0]}:{key[1]} {d.get('given', '')} {d.get('family', '')} | "
                         f"{d.get('org', '')} | {d.get('title', '')} | {' '.join(values)}")
    return lines


def generated_workspace(people: int, seed: int, workdir: Path, kind: str = "mixed", **options: object
                        ) -> tuple[Store, dict[tuple[str, int], object], int]:
    """A workspace holding a generated book, its truth and its record count (nothing deduped yet).

    `kind` "mixed" is dupgen's exports of one person; the others are dupgen_books' kinds.
    """
    if kind == "mixed":
        from dupgen import generate

        gen = generate(people=people, seed=seed, **options)  # type: ignore[arg-type]
    else:
        from dupgen_books import generate_book

        gen = generate_book(kind, people=people, seed=seed)
    store = Store.open(workdir / f"gen-{kind}-{people}-{seed}.db")
    for name, records in gen.sources.items():
        store_records(store, Path(name), "generated", records, [], f"{name}-{seed}", "US")
    return store, gen.truth, gen.records


def run_generated(people: int, seed: int, workdir: Path, kind: str = "mixed", show_wrong: bool = False,
                  **options: object) -> dict[str, object]:
    store, truth, records = generated_workspace(people, seed, workdir, kind, **options)
    started = time.perf_counter()
    report = run_dedupe(store)
    result = evaluate(store, truth)
    if show_wrong:
        print("\n".join(wrong_merges(store, truth)))
    result.update(records=records, people=people, seconds=round(time.perf_counter() - started, 2),
                  auto_merged=report.auto_merged, kind=kind)
    store.close()
    return result


def sample_workspace(workdir: Path, people: int = 0, seed: int = 7
                     ) -> tuple[Store, dict[tuple[str, int], object]] | None:
    """A workspace holding the sample books as committed (`people` 0), or as the sample generator
    writes them for `people` (five realistic exports), and their truth; None without a truth file."""
    folder = ROOT / "sample_data"
    if people:
        import subprocess

        folder = workdir / f"sample-{people}-{seed}"
        subprocess.run([sys.executable, str(ROOT / "sample_data" / "generate.py"), "--people", str(people),
                        "--seed", str(seed), "--out", str(folder), "--quiet"], check=True)
    truth_file = folder / "truth.json"
    if not truth_file.exists():
        return None
    from knowme.importing import import_path

    entries = json.loads(truth_file.read_text(encoding="utf-8"))
    truth = {(r["source"], r["index"]): e["person"] for e in entries for r in e["records"]}
    store = Store.open(workdir / f"sample-{people}-{seed}.db")
    for source in sorted({s for s, _ in truth}):
        import_path(store, folder / source)
    return store, truth


def run_sample(workdir: Path, people: int = 0, seed: int = 7, show_wrong: bool = False) -> dict[str, object] | None:
    """Dedupe quality on the sample books (see `sample_workspace`)."""
    loaded = sample_workspace(workdir, people, seed)
    if loaded is None:
        return None
    store, truth = loaded
    run_dedupe(store)
    result = evaluate(store, truth)
    if show_wrong:
        print("\n".join(wrong_merges(store, truth)))
    store.close()
    return result


def _line(label: str, result: dict[str, object]) -> str:
    parts = []
    for mode in ("auto", "auto+review", "all maybe"):
        m = result[mode]
        assert isinstance(m, dict)
        parts.append(f"{mode}: P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f}")
    return f"{label}: " + " | ".join(parts) + f" | queued {result['queued']} (precision " \
                                              f"{float(result['queue precision']):.2f})"  # type: ignore[arg-type]


def _label(res: dict[str, object]) -> str:
    return f"{res['kind']} {res['people']} people / {res['records']} records"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="*", default=[2000, 20000])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--kind", nargs="*", default=["mixed"],
                        help="generated books: mixed (dupgen), pim, city-email, phonebook, linkedin (dupgen_books)")
    parser.add_argument("--no-sample", action="store_true", help="skip the committed sample books")
    parser.add_argument("--sample-people", type=int, nargs="*", default=[],
                        help="also the sample generator's books (four realistic exports) for these many people")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-wrong", action="store_true",
                        help="print the records of every person auto-merge made of two true people or more")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        sample = None if args.no_sample else run_sample(Path(tmp), show_wrong=args.show_wrong)
        if sample:
            results["sample"] = sample
            print(_line("sample_data", sample))
        for people in args.sample_people:
            res = run_sample(Path(tmp), people, args.seed, args.show_wrong)
            if res:
                results[f"sample-{people}"] = res
                print(_line(f"sample generator {people} people", res))
        for kind in args.kind:
            for people in args.people:
                res = run_generated(people, args.seed, Path(tmp), kind, args.show_wrong)
                results[f"{kind}-{people}"] = res
                print(_line(_label(res), res) + f", {int(res['queued']) / int(res['records']):.3f} per record")
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

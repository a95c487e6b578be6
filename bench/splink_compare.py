"""knowme's dedupe beside Splink (a well-known probabilistic record linker) on the same generated data.

    pip install -e '.[bench]'                      # Splink and DuckDB: a bench-only extra
    python bench/splink_compare.py                 # 20k people (about 49k records), seed 11
    python bench/splink_compare.py --people 2000 20000 --seed 3
    python bench/splink_compare.py --people 2000 --kind pim city-email phonebook linkedin

Both read the same records, normalised the same way (the match items knowme's matcher sees:
folded first name and surname, Gmail-folded addresses, E.164 phones, profile URLs, organisation),
so only the matching differs. Splink gets a textbook setup: blocking on full name, on surname and
first initial, on each exact key, on birthday and on street; Fellegi-Sunter comparisons of first
name, surname (Jaro-Winkler levels with term frequencies), email, phone, profile, organisation,
birthday, street, postcode and city (the last three with term frequencies); m and u learnt
by expectation maximisation and random sampling, without labels. Its pairwise links are clustered
(connected components) at several match-probability thresholds; the truth is never shown to it.

knowme is scored twice: "auto" is what `knowme dedupe` merges alone, "auto+review" adds the
queued pairs a user would confirm (the truth answers for them). Splink has no review queue: its
clusters at a threshold are its final answer. Times are wall clock on this machine, each tool's
own work only (not the generator or the import). Never run by CI.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dedupe_quality import evaluate, pairwise

from knowme.dedupe.run import load_items, run_dedupe
from knowme.importing import store_records
from knowme.store.core import Store

THRESHOLDS = (0.5, 0.9, 0.99, 0.999)


def _rows(store: Store) -> tuple[dict[str, list[object]], dict[int, tuple[str, int]]]:
    """One row per record for Splink (columns as lists), and each record id's (source, index)."""
    key_of = {rid: (name, idx) for rid, name, idx in store.conn.execute(
        "SELECT r.id, s.name, r.idx FROM records r JOIN sources s ON s.id = r.source_id")}
    cols: dict[str, list[object]] = {c: [] for c in ("unique_id", "first_name", "surname", "email", "phone",
                                                     "profile", "org", "birthday", "street", "postcode",
                                                     "city")}
    for item in load_items(store):
        cols["unique_id"].append(item.rid)
        cols["first_name"].append(item.first or None)
        cols["surname"].append(item.last or None)
        cols["email"].append(item.emails[0] if item.emails else None)
        cols["phone"].append(item.phones[0] if item.phones else None)
        cols["profile"].append(item.urls[0] if item.urls else None)
        cols["org"].append(item.org or None)
        cols["birthday"].append("-".join(map(str, item.birthday)) if item.birthday else None)
        cols["street"].append(item.streets[0] if item.streets else None)
        cols["postcode"].append(item.postcodes[0] if item.postcodes else None)
        cols["city"].append(item.cities[0] if item.cities else None)
    return cols, key_of


def run_splink(cols: dict[str, list[object]]) -> tuple[dict[float, list[list[int]]], float]:
    """Splink's clusters (lists of record ids) at each threshold, and its wall time."""
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.internals.exceptions import EMTrainingException

    started = time.perf_counter()
    con = duckdb.connect()
    db = DuckDBAPI(connection=con)
    table = db.register(pa.table(cols))
    present = {name for name, values in cols.items() if any(v is not None for v in values)}
    blocking = [block_on("first_name", "surname"), block_on("surname", "substr(first_name, 1, 1)"),
                *(block_on(c) for c in ("email", "phone", "profile") if c in present)]
    if "org" in present:
        blocking.append(block_on("first_name", "org"))
    if "birthday" in present:
        blocking += [block_on("birthday", "substr(surname, 1, 1)"), block_on("birthday", "substr(first_name, 1, 1)")]
    if "street" in present:
        blocking.append(block_on("street"))
    comparisons = [cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
                   cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                   *(cl.ExactMatch(c) for c in ("email", "phone", "profile", "birthday") if c in present)]
    if "org" in present:
        comparisons.append(cl.JaroWinklerAtThresholds("org", [0.9]))
    comparisons += [cl.ExactMatch(c).configure(term_frequency_adjustments=True)
                    for c in ("street", "postcode", "city") if c in present]
    settings = SettingsCreator(link_type="dedupe_only", blocking_rules_to_generate_predictions=blocking,
                               comparisons=comparisons, retain_intermediate_calculation_columns=False)
    linker = Linker(table, settings, log_level=logging.ERROR)
    training = linker.training
    sure_rules = [block_on(c) for c in ("email", "phone", "profile") if c in present]
    if "birthday" in present:
        sure_rules.append(block_on("first_name", "surname", "birthday"))
    training.estimate_probability_two_random_records_match(sure_rules, recall=0.6)
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("first_name", "surname"),
                 *(block_on(c) for c in ("email", "phone", "birthday", "street") if c in present)):
        try:
            training.estimate_parameters_using_expectation_maximisation(rule)
        except EMTrainingException:
            continue  # no pairs agree on it in this book
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    out: dict[float, list[list[int]]] = {}
    for threshold in THRESHOLDS:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        groups: dict[object, list[int]] = {}
        for uid, cid in con.execute(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").fetchall():
            groups.setdefault(cid, []).append(uid)
        out[threshold] = list(groups.values())
    return out, time.perf_counter() - started


def compare(people: int, seed: int, workdir: Path, kind: str = "mixed") -> None:
    if kind == "mixed":
        from dupgen import generate

        gen = generate(people=people, seed=seed)
    else:
        from dupgen_books import generate_book

        gen = generate_book(kind, people=people, seed=seed)
    store = Store.open(workdir / f"cmp-{kind}-{people}-{seed}.db")
    for name, records in gen.sources.items():
        store_records(store, Path(name), "generated", records, [], f"{name}-{seed}", "US")
    cols, key_of = _rows(store)
    started = time.perf_counter()
    run_dedupe(store)
    ours_seconds = time.perf_counter() - started
    ours = evaluate(store, gen.truth)
    store.close()
    theirs, splink_seconds = run_splink(cols)
    print(f"{kind}: {people} people / {gen.records} records (seed {seed})")
    for mode in ("auto", "auto+review"):
        m = ours[mode]
        assert isinstance(m, dict)
        print(f"  knowme {mode:12s} P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f}"
              + (f"  {ours_seconds:6.1f} s" if mode == "auto" else f"  ({ours['queued']} questions)"))
    for threshold, clusters in theirs.items():
        m = pairwise(([key_of[rid] for rid in cluster] for cluster in clusters), gen.truth)
        print(f"  splink p>={threshold:<6}    P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f}"
              + (f"  {splink_seconds:6.1f} s (training, prediction and the four clusterings)"
                 if threshold == THRESHOLDS[0] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="*", default=[20000])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--kind", nargs="*", default=["mixed"],
                        help="mixed (dupgen) or the kinds of dupgen_books: pim, city-email, phonebook, linkedin")
    args = parser.parse_args()
    try:
        import splink  # noqa: F401
    except ImportError:
        sys.exit("splink_compare: Splink is not installed; run: pip install -e '.[bench]'")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kind:
            for people in args.people:
                compare(people, args.seed, Path(tmp), kind)


if __name__ == "__main__":
    main()

"""knowme's dedupe beside Splink (a well-known probabilistic record linker) on the same generated data.

    pip install -e '.[bench]'                      # Splink and DuckDB: a bench-only extra
    python bench/splink_compare.py                 # 20k people (about 49k records), seed 11
    python bench/splink_compare.py --people 2000 20000 --seed 3
    python bench/splink_compare.py --people 300 --seed 1 2 3 4 5 6 7 8 9 10 11   # small books, pooled
    python bench/splink_compare.py --people 2000 --kind pim city-email phonebook linkedin mixed sample

Kinds: "mixed" is `dupgen`'s exports of one person, pim / city-email / phonebook / linkedin are
`dupgen_books`' kinds, "sample" the sample generator's five realistic exports (imported from the
files it writes, as a user would). Both tools read the same records, normalised the same way (the
match items knowme's matcher sees: folded first name and surname, Gmail-folded addresses, E.164
phones, profile URLs, organisation, birthday, street, postcode, city), so only the matching differs.

Splink gets a tuned textbook setup: blocking on full name, on surname and first initial, on each
exact key, on birthday and on street; Fellegi-Sunter comparisons of first name and surname
(Jaro-Winkler levels with term frequencies), email, phone, profile, organisation, birthday (the same
date, the same day of the year for year-less or mistyped years, one digit apart) and the postal
address as one comparison (street and postcode, street, postcode, city: three separate ones counted
one shared home three times and linked households); m and u learnt by expectation maximisation
(on names, keys and birthdays: training on streets taught it that a household is one person) and
random sampling, without labels. Its pairwise links are clustered (connected components) at six
match-probability thresholds; the truth is never shown to it. The last line of each book names
Splink's best F1 among the thresholds whose precision is at least knowme's auto-merge precision.

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

from dedupe_quality import evaluate, generated_workspace, pairwise, sample_workspace

from knowme.dedupe.run import load_items, run_dedupe
from knowme.store.core import Store

THRESHOLDS = (0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999)


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


def _birthday_comparison() -> object:
    """Birthdays (year-month-day, the year empty when the card gives none): the same date, the same
    day of the year (one card gives no year, or the year is mistyped), one digit apart, or not."""
    import splink.comparison_level_library as cll
    from splink.comparison_library import CustomComparison

    return CustomComparison([
        cll.NullLevel("birthday"), cll.ExactMatchLevel("birthday"),
        cll.CustomLevel("substr(birthday_l, -5) = substr(birthday_r, -5)", "the same day of the year"),
        cll.DamerauLevenshteinLevel("birthday", 1), cll.ElseLevel()], output_column_name="birthday")


def _address_comparison() -> object:
    """One postal address as one comparison (street and postcode, street, postcode, city, none): three
    separate ones would count one shared home three times, as if independent, and link a household."""
    import splink.comparison_level_library as cll
    from splink.comparison_library import CustomComparison

    def same(*columns: str) -> str:
        return " AND ".join(f"{c}_l = {c}_r" for c in columns)

    return CustomComparison([
        cll.CustomLevel("(street_l IS NULL AND city_l IS NULL) OR (street_r IS NULL AND city_r IS NULL)",
                        "no address").configure(is_null_level=True),
        cll.CustomLevel(same("street", "postcode"), "the same street and postcode"),
        cll.CustomLevel(same("street", "city"), "the same street and city"),
        cll.CustomLevel(same("postcode"), "the same postcode"),
        cll.CustomLevel(same("city"), "the same city"), cll.ElseLevel()], output_column_name="address")


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
    keys = [c for c in ("email", "phone", "profile") if c in present]
    blocking = [block_on("first_name", "surname"), block_on("surname", "substr(first_name, 1, 1)"),
                *(block_on(c) for c in keys)]
    if "org" in present:
        blocking.append(block_on("first_name", "org"))
    if "birthday" in present:
        blocking += [block_on("birthday", "substr(surname, 1, 1)"), block_on("birthday", "substr(first_name, 1, 1)")]
    if "street" in present:
        blocking.append(block_on("street"))
    comparisons = [cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
                   cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                   *(cl.ExactMatch(c) for c in keys)]
    if "birthday" in present:
        comparisons.append(_birthday_comparison())
    if "org" in present:
        comparisons.append(cl.JaroWinklerAtThresholds("org", [0.9]))
    if "street" in present:
        comparisons.append(_address_comparison())
    else:
        comparisons += [cl.ExactMatch(c).configure(term_frequency_adjustments=True)
                        for c in ("postcode", "city") if c in present]
    settings = SettingsCreator(link_type="dedupe_only", blocking_rules_to_generate_predictions=blocking,
                               comparisons=comparisons, retain_intermediate_calculation_columns=False)
    linker = Linker(table, settings, log_level=logging.ERROR)
    training = linker.training
    sure_rules = [block_on(c) for c in keys]
    if "birthday" in present:
        sure_rules.append(block_on("first_name", "surname", "birthday"))
    training.estimate_probability_two_random_records_match(sure_rules, recall=0.6)
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("first_name", "surname"),
                 *(block_on(c) for c in ("email", "phone", "birthday") if c in present)):
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


def _workspace(kind: str, people: int, seed: int, workdir: Path) -> tuple[Store, dict[tuple[str, int], object]]:
    """The book of `kind` for `people` people, imported into a fresh workspace, and its truth."""
    if kind != "sample":
        store, truth, _ = generated_workspace(people, seed, workdir, kind)
        return store, truth
    loaded = sample_workspace(workdir, people, seed)
    assert loaded is not None, "the sample generator writes truth.json"
    return loaded


def _best_at(theirs: dict[float, dict[str, float]], precision: float) -> tuple[float, dict[str, float]] | None:
    """Splink's threshold with the best F1 among those at `precision` or better, if any."""
    fair = [(m["f1"], t) for t, m in theirs.items() if m["precision"] >= precision]
    if not fair:
        return None
    threshold = max(fair)[1]
    return threshold, theirs[threshold]


def compare(people: int, seed: int, workdir: Path, kind: str = "mixed"
            ) -> tuple[dict[str, float], dict[float, dict[str, float]]]:
    """Both tools on one book, printed; returns knowme's auto-merge figures and Splink's per threshold."""
    store, truth = _workspace(kind, people, seed, workdir)
    cols, key_of = _rows(store)
    started = time.perf_counter()
    run_dedupe(store)
    ours_seconds = time.perf_counter() - started
    ours = evaluate(store, truth)
    store.close()
    clusters, splink_seconds = run_splink(cols)
    theirs = {t: pairwise(([key_of[rid] for rid in cluster] for cluster in found), truth)
              for t, found in clusters.items()}
    records = len(key_of)
    print(f"{kind}: {people} people / {records} records (seed {seed})")
    for mode in ("auto", "auto+review"):
        m = ours[mode]
        assert isinstance(m, dict)
        print(f"  knowme {mode:12s} P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f}"
              + (f"  {ours_seconds:6.1f} s" if mode == "auto"
                 else f"  ({ours['queued']} questions, {int(ours['queued']) / records:.3f} per record)"))
    for threshold, m in theirs.items():
        print(f"  splink p>={threshold:<8}  P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f}"
              + (f"  {splink_seconds:6.1f} s (training, prediction and the clusterings)"
                 if threshold == THRESHOLDS[0] else ""))
    auto = ours["auto"]
    assert isinstance(auto, dict)
    print(f"  splink {_verdict(auto, theirs)}")
    return auto, theirs


def _verdict(auto: dict[str, float], theirs: dict[float, dict[str, float]]) -> str:
    best = _best_at(theirs, auto["precision"])
    return "no threshold reaches knowme's precision" if best is None else \
        f"best F1 at knowme's precision or better: p>={best[0]} F1={best[1]['f1']:.4f} " \
        f"({'knowme higher' if auto['f1'] > best[1]['f1'] else 'SPLINK HIGHER OR LEVEL'})"


def pooled(results: list[dict[str, float]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 over several books together: their pairs added up, so that a
    few pairs of one small book do not decide (at 300 people one wrong pair is a precision of 0.99)."""
    right = sum(r["right_pairs"] for r in results)
    predicted = sum(r["predicted_pairs"] for r in results)
    actual = sum(r["true_pairs"] for r in results)
    precision = right / predicted if predicted else 1.0
    recall = right / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "right_pairs": right, "predicted_pairs": predicted,
            "true_pairs": actual}


def print_pooled(kind: str, people: int, seeds: list[int],
                 runs: list[tuple[dict[str, float], dict[float, dict[str, float]]]]) -> None:
    auto = pooled([ours for ours, _ in runs])
    theirs = {t: pooled([found[t] for _, found in runs]) for t in THRESHOLDS}
    print(f"{kind}: {people} people, {len(seeds)} books pooled (seeds {' '.join(map(str, seeds))})")
    print(f"  knowme auto         P={auto['precision']:.4f} R={auto['recall']:.4f} F1={auto['f1']:.4f}"
          f"  ({auto['predicted_pairs'] - auto['right_pairs']} wrong pairs)")
    for threshold, m in theirs.items():
        print(f"  splink p>={threshold:<8}  P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f}"
              f"  ({m['predicted_pairs'] - m['right_pairs']} wrong pairs)")
    print(f"  splink {_verdict(auto, theirs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="*", default=[20000])
    parser.add_argument("--seed", type=int, nargs="*", default=[11],
                        help="one book per seed; with several, also their pairs pooled (small books)")
    parser.add_argument("--kind", nargs="*", default=["mixed"],
                        help="mixed (dupgen), the kinds of dupgen_books (pim, city-email, phonebook, linkedin) "
                             "or sample (the sample generator's five realistic exports)")
    args = parser.parse_args()
    try:
        import splink  # noqa: F401
    except ImportError:
        sys.exit("splink_compare: Splink is not installed; run: pip install -e '.[bench]'")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kind:
            for people in args.people:
                runs = [compare(people, seed, Path(tmp), kind) for seed in args.seed]
                if len(runs) > 1:
                    print_pooled(kind, people, args.seed, runs)


if __name__ == "__main__":
    main()

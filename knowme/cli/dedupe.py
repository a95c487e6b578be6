"""`knowme dedupe`, `pairs`, `resolve PAIR same|different`, `split PERSON`."""
from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

from knowme.cli.core import resolve_queries
from knowme.cli.errors import UserError
from knowme.cli.help import JSON_HELP, command
from knowme.dedupe.merge import split_person
from knowme.dedupe.pairgroups import PairGroup, pair_groups, resolve_group
from knowme.dedupe.run import AlreadyAnswered, PairView, answer_pair, pending_pairs, run_dedupe
from knowme.model import Person
from knowme.store.core import Store
from knowme.store.pairs import pair_status, withdrawn_count
from knowme.store.sources import record_with_source
from knowme.text import plural

_TEXT_MERGES = 20
MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger id names nobody
PAIR_BATCH = 1000  # pairs whose people are read at once


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = command(sub, "dedupe", "merge sure duplicates, queue the doubtful ones for review", """
        Find the people who appear more than once across your address books (and within one). The sure
        ones are merged at once, each merge with its reasons; the doubtful ones wait in a queue for
        you to answer with `knowme pairs` and `knowme resolve`. All the automatic merges are one
        action: `knowme undo` takes them back together. Run it again after each import.""",
                [("knowme dedupe", ""), ("knowme dedupe --json", "the counts and every merge with its reasons")])
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_dedupe)

    p = command(sub, "pairs", "the review queue of possible duplicates, with scores and reasons", """
        List the possible duplicates `knowme dedupe` was not sure of: each PAIR's number, its score,
        both records (with the person each belongs to now) and the reasons for and against. With
        --groups, the queue grouped by the shape of its evidence, each group with examples, to answer
        a whole group at once.""",
                [("knowme pairs", ""), ("knowme pairs --json", "the queue as a JSON array"),
                 ("knowme pairs --groups", "the queue grouped by the shape of its evidence")],
                "Answer each with `knowme resolve PAIR same` or `knowme resolve PAIR different`, a group with "
                "`knowme resolve --group GROUP same|different`.")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.add_argument("--groups", action="store_true",
                   help="the queue grouped by the shape of its evidence, with examples (answer a group with "
                        "`resolve --group GROUP`)")
    p.set_defaults(handler=cmd_pairs)

    p = command(sub, "resolve", "answer a queued pair (or a whole group): the same person, or different people",
                """
        Answer one possible duplicate from `knowme pairs`: `same` merges the two people (one undoable
        action), `different` keeps them apart and remembers it, so the pair is never asked again,
        even after a re-import. --group answers every pair of a group from `knowme pairs --groups`
        as one undoable action.""",
                [("knowme resolve 12 same", "pair 12 is one person: merge them"),
                 ("knowme resolve 13 different", "pair 13 are two people"),
                 ("knowme resolve --group 3f2a9c1b different",
                  "every pair of that group (its id from `knowme pairs --groups`) are two people")])
    p.add_argument("pair", metavar="PAIR", type=int, nargs="?", help="the pair's number, as `knowme pairs` shows it")
    p.add_argument("--group", metavar="GROUP",
                   help="answer every pair of this group (see `pairs --groups`) at once")
    p.add_argument("answer", metavar="same|different", choices=["same", "different"],
                   help="same: merge them; different: keep them apart")
    p.set_defaults(handler=cmd_resolve)

    p = command(sub, "split", "give each record of a merged person its own person again", """
        Undo a merge you disagree with, whenever it happened: every record of PERSON becomes a person of
        its own, each keeping the decision and notes. The split is remembered: a later dedupe asks before
        joining the parts again instead of merging them by itself. One undoable action.""",
                [("knowme split 42", "person 42 (an id from `knowme list`)"),
                 ("knowme split jane.doe@gmail.com", "the one person holding that address, however spelled")])
    p.add_argument("person", metavar="PERSON", help="the person's id, as `knowme list` shows it, or an address, "
                   "phone or name naming one person (as for `mark`)")
    p.set_defaults(handler=cmd_split)


def cmd_dedupe(args: argparse.Namespace, store: Store) -> int:
    report = run_dedupe(store)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{plural(report.records, 'record')}, {plural(report.people_before, 'person')} before, "
          f"{report.people_after} after: merged {plural(report.auto_merged, 'duplicate')} automatically, "
          f"{plural(report.queued, 'possible duplicate')} to review ({report.new_pairs} new)"
          + (f"; {plural(report.closed, 'question')} closed: your earlier answers settle "
             "them" if report.closed else ""))
    for merge in report.merges[:_TEXT_MERGES]:
        print(f"  person {merge.keep} <- {', '.join(map(str, merge.merged))}")
        for reason in merge.reasons:
            print(f"    {reason}")
    if len(report.merges) > _TEXT_MERGES:
        print(f"  ... and {plural(len(report.merges) - _TEXT_MERGES, 'more merge')} (dedupe --json lists them all)")
    if report.queued:
        print("review them with `knowme pairs` and `knowme resolve PAIR same|different`")
    return 0


def _side(store: Store, person: Person | None, record_id: int) -> dict[str, Any]:
    source, index, uid, record = record_with_source(store, record_id)
    return {
        "person": person.id if person else None,
        "record": {"source": source, "index": index, "uid": uid},
        "name": record.display_name,
        "emails": [e.value for e in record.emails],
        "phones": [p.value for p in record.phones],
        "org": record.org,
        "title": record.title,
        "person_name": person.display_name if person else "",
        "person_records": len(person.records) if person else 0,
    }


def pair_json(store: Store, pair: PairView, people: dict[int, Person]) -> dict[str, Any]:
    return {"id": pair.id, "score": pair.score, "reasons": pair.reasons,
            "a": _side(store, people.get(pair.a_person), pair.a_record),
            "b": _side(store, people.get(pair.b_person), pair.b_record)}


def _pair_items(store: Store) -> Iterator[dict[str, Any]]:
    """The review queue as JSON-ready items, reading the people of a batch of pairs at a time
    (a million records queue millions of pairs: all their people at once do not fit in memory)."""
    pairs = pending_pairs(store)
    for start in range(0, len(pairs), PAIR_BATCH):
        batch = pairs[start:start + PAIR_BATCH]
        people = store.people_by_id([pid for p in batch for pid in (p.a_person, p.b_person)])
        for pair in batch:
            yield pair_json(store, pair, people)


def _group_items(store: Store) -> Iterator[tuple[PairGroup, dict[str, Any]]]:
    """The queue's groups, each with its JSON-ready item holding its first few pairs as examples."""
    for group in pair_groups(store):
        shown = group.examples()
        people = store.people_by_id([pid for p in shown for pid in (p.a_person, p.b_person)])
        yield group, group.to_dict([pair_json(store, p, people) for p in shown])


def _print_groups(store: Store, as_json: bool) -> int:
    groups = list(_group_items(store))
    items = [item for _, item in groups]
    if as_json:
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return 0
    if not items:
        print("no possible duplicates to review")
        return 0
    for group, item in groups:
        answered = item["answered"]
        history = f"; you answered {answered['same'] + answered['different']} like these before, " \
                  f"{answered['same']} the same" if answered["same"] + answered["different"] else ""
        print(f"group {item['id']}: {item['shape']}: {plural(item['pairs'], 'pair', sep=True)}, "
              f"{group.likely_words()}{history}")
        for example in item["examples"]:
            a, b = example["a"], example["b"]
            print(f"    pair {example['id']}: {a['name']} [{a['record']['source']} #{a['record']['index']}] / "
                  f"{b['name']} [{b['record']['source']} #{b['record']['index']}]: {'; '.join(example['reasons'])}")
    print(f"{plural(sum(i['pairs'] for i in items), 'pair')} in {plural(len(items), 'group')}; "
          "answer a whole group with "
          "`knowme resolve --group GROUP same|different` (undo takes it back)", file=sys.stderr)
    return 0


def cmd_pairs(args: argparse.Namespace, store: Store) -> int:
    if args.groups:
        return _print_groups(store, args.json)
    if args.json:  # the same text as json.dumps(all items, indent=2), written as it goes
        out = sys.stdout
        count = 0
        for item in _pair_items(store):
            out.write(("[\n" if not count else ",\n")
                      + textwrap.indent(json.dumps(item, indent=2, ensure_ascii=False), "  "))
            count += 1
        out.write("\n]\n" if count else "[]\n")
        return 0
    count = 0
    for item in _pair_items(store):
        count += 1
        a, b = item["a"], item["b"]
        print(f"pair {item['id']}  score {item['score']:.2f}")
        for side in (a, b):
            contact = ", ".join([*side["emails"], *side["phones"], side["org"]][:4])
            print(f"  person {side['person']}: {side['name']}  [{side['record']['source']} #"
                  f"{side['record']['index']}]  {contact}".rstrip())
        for reason in item["reasons"]:
            print(f"    - {reason}")
    if not count:
        withdrawn = withdrawn_count(store)
        print("no possible duplicates to review" + (
            f" ({plural(withdrawn, 'question')} withdrawn by undoing a dedupe: `knowme redo` or `knowme dedupe` "
            "asks them again)" if withdrawn else ""))
        return 0
    print(f"{plural(count, 'pair')}; answer with `knowme resolve PAIR same|different`", file=sys.stderr)
    return 0


def cmd_resolve(args: argparse.Namespace, store: Store) -> int:
    if (args.pair is None) == (args.group is None):
        raise UserError("resolve takes a PAIR or --group GROUP (not both): `knowme pairs [--groups]` lists them")
    same = args.answer == "same"
    if args.group is not None:
        try:
            group = resolve_group(store, args.group, same)
        except KeyError:
            raise UserError(f"no group {args.group} in the review queue; `knowme pairs --groups` lists them") from None
        print(f"group {group.id} ({group.shape}): {plural(len(group.pairs) - group.held, 'pair')} answered "
              f"{'the same person' if same else 'different people'} (one action: `knowme undo` takes it back)")
        if group.held:
            print(f"{plural(group.held, 'pair')} left to ask one by one: {'it joins' if group.held == 1 else 'they join'}"
                  f" {group.held_why} (`knowme pairs`)")
        return 0
    if not (0 < args.pair <= MAX_ID and pair_status(store, args.pair)):
        raise UserError(f"no pair {args.pair}; `knowme pairs` lists the queue")
    try:
        answered = answer_pair(store, args.pair, same)
    except AlreadyAnswered as earlier:
        then = "the same person" if earlier.same else "different people"
        if earlier.same == same:
            print(f"pair {args.pair}: already answered {then}; nothing changed")
            return 0
        raise UserError(f"pair {args.pair} was already answered {then}; `knowme undo` takes back the latest "
                        f"answers, and `knowme split PERSON` parts a merged person") from None
    print(f"pair {args.pair}: merged into person {answered.kept}" if same else f"pair {args.pair}: kept apart, "
          "and will not be asked again")
    if also := answered.also_closed():
        print(also)
    return 0


def cmd_split(args: argparse.Namespace, store: Store) -> int:
    person_id = resolve_queries(store, [args.person])[0]  # an id, or anything `mark` accepts
    ids = split_person(store, person_id)
    if len(ids) <= 1:
        print(f"person {person_id} has only one record; nothing to split")
    else:
        print(f"split person {person_id} into {len(ids)} people: {', '.join(map(str, ids))}")
    return 0

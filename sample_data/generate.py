#!/usr/bin/env python3
"""Generate knowme's sample address books, mail and ground truth (deterministic for a seed).

    python sample_data/generate.py [--people 300] [--seed 7] [--out sample_data/] [--mbox-messages N]

The default run rewrites exactly the committed files in sample_data/ (byte for byte, with
the faker version named in FAKER_VERSION). Output: google_contacts.csv,
outlook_contacts.csv, iphone.vcf, android.vcf, Connections.csv, sent.mbox, inbox.mbox and
truth.json (who is who: every address-book record belongs to exactly one person).

Only the standard library and faker are used, and nothing from knowme: the sample data
must not be shaped by the code it is meant to test.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mail import write_mboxes  # noqa: E402
from _people import SOURCES, A, G, I, L, O, Person, build_people  # noqa: E402
from _pools import build_pools  # noqa: E402
from _records import Card, CardMaker  # noqa: E402
from _writers import write_android, write_google, write_iphone, write_linkedin, write_outlook, write_truth  # noqa: E402

#: The faker release the committed sample files were generated with (pools come from faker).
FAKER_VERSION = "40.54.0"
DEFAULT_PEOPLE = 300
DEFAULT_SEED = 7


def default_messages(people: int) -> int:
    """Mail volume when --mbox-messages is not given: two per person, at most 2000."""
    return min(2 * people, 2000)


def _order(source: int, cards: list[Card], rng: random.Random) -> list[Card]:
    """Cards in the order each program exports them."""
    if source == I:  # Apple sorts by last name, then first name (company cards by company)
        return sorted(cards, key=lambda c: ((c.family or c.org or c.given or c.emails[0][0]).casefold(),
                                            c.given.casefold(), c.person))
    if source == O:  # Outlook lists by "File As" (Last, First)
        return sorted(cards, key=lambda c: (c.family.casefold(), c.given.casefold(), c.person))
    if source == L:  # LinkedIn: most recent connection first
        return sorted(cards, key=lambda c: (_connected_key(c.connected), c.person))
    rng.shuffle(cards)  # Google and Android: creation order, i.e. no visible order
    return cards


_MONTH_NO = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                         "Nov", "Dec"))}


def _connected_key(text: str) -> tuple[int, int, int]:
    """Sort key putting the newest 'Connected On' date first."""
    day, month, year = text.split()
    return (-int(year), -_MONTH_NO[month], -int(day))


def write_address_books(out: Path, people: list[Person], seed: int
                        ) -> tuple[list[list[tuple[str, int]]], list[list[str]], dict[str, int]]:
    """Write the five address-book files; return per person their (file, index) records and traps."""
    records: list[list[tuple[str, int]]] = [[] for _ in people]
    traps: list[list[str]] = [[] for _ in people]
    counts: dict[str, int] = {}
    writers = {G: write_google, O: write_outlook, A: write_android, L: write_linkedin}
    for source, name in enumerate(SOURCES):
        rng = random.Random(f"{seed}:{name}")
        maker = CardMaker(people, source, rng)
        cards = [maker.make(p) for p in people for _ in range(p.sources[source])]
        cards = _order(source, cards, rng)
        if source == I:
            write_iphone(out / name, cards, rng)
        else:
            writers[source](out / name, cards)
        seen: dict[int, int] = {}
        for index, card in enumerate(cards, start=1):
            records[card.person].append((name, index))
            seen[card.person] = seen.get(card.person, 0) + 1
            if seen[card.person] == 2:
                card.trap("dup-in-file")
            for trap in card.traps:
                if trap not in traps[card.person]:
                    traps[card.person].append(trap)
        counts[name] = len(cards)
    return records, traps, counts


def generate(out: Path, n_people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED,
             n_messages: int | None = None) -> dict[str, int]:
    """Generate every file into `out`; return the number of records (or messages) per file."""
    out.mkdir(parents=True, exist_ok=True)
    pools = build_pools(seed)
    people = build_people(n_people, pools, seed)
    records, traps, counts = write_address_books(out, people, seed)
    n_messages = default_messages(n_people) if n_messages is None else n_messages
    mail = write_mboxes(out, people, n_messages, seed)
    write_truth(out / "truth.json", people, records, traps, mail)
    counts["messages"] = n_messages
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE, help="number of people (default 300)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output directory")
    parser.add_argument("--mbox-messages", type=int, default=None,
                        help="messages across sent.mbox and inbox.mbox (default: 2 per person, at most 2000)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    if args.people < 30:
        parser.error("--people must be at least 30")
    installed = metadata.version("faker")
    if installed != FAKER_VERSION and not args.quiet:
        print(f"note: faker {installed} is installed, the committed files were made with {FAKER_VERSION}; "
              "names and places will differ (update FAKER_VERSION if you commit the result)", file=sys.stderr)
    started = time.perf_counter()
    counts = generate(args.out, args.people, args.seed, args.mbox_messages)
    if not args.quiet:
        summary = ", ".join(f"{name} {n}" for name, n in counts.items())
        print(f"wrote {args.out}: {summary} ({time.perf_counter() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Small, fixed workspaces for the review UI's pilot and snapshot tests (no importer involved)."""
from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from knowme import importing
from knowme.model import Labeled, MailSignal, Record
from knowme.store.core import Store

T = TypeVar("T")

# given, family, email, org, title, extra record fields
PEOPLE: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    ("Alice", "Archer", "alice@acme.com", "Acme", "Engineer", {"phones": [Labeled("+1 415 555 0101", "cell")]}),
    ("Bob", "Baker", "bob.baker@globex.com", "Globex", "Sales Lead", {}),
    ("Carol", "Chen", "carol@initech.com", "Initech", "CTO",
     {"signal": MailSignal(sent=12, received=20, two_way_threads=5, first="2019-02-01", last="2024-05-06")}),
    ("Dan", "Dunn", "dan@dunn.org", "", "", {"note": "met at PyCon"}),
    ("Erin", "Evans", "erin@hooli.com", "Hooli", "Designer",
     {"connected_on": "2021-06-01", "urls": [Labeled("https://www.linkedin.com/in/erin-evans", "")]}),
    ("Frank", "Fischer", "frank@stark.com", "Stark", "Director",
     {"signal": MailSignal(sent=1, received=3, two_way_threads=0, first="2015-01-01", last="2016-03-03")}),
    ("Grace", "Green", "grace@wayne.com", "Wayne", "Consultant", {"extras": [("X-SKYPE", "grace.green")]}),
    ("Henry", "Hill", "henry@oscorp.com", "Oscorp", "Engineer", {}),
    ("Ines", "Ibáñez", "ines@tyrell.com", "Tyrell", "Data Scientist", {}),
    ("Jack", "Jones", "jack@wonka.com", "Wonka", "Recruiter", {}),
]


def person_records(source: str = "phone.vcf") -> list[Record]:
    records = []
    for n, (given, family, email, org, title, extra) in enumerate(PEOPLE, start=1):
        records.append(Record(source=source, index=n, given=given, family=family,
                              formatted_name=f"{given} {family}", org=org, title=title,
                              emails=[Labeled(email, "work")], **extra))
    return records


def store_records(store: Store, name: str, records: list[Record]) -> None:
    importing.store_records(store, Path(name), "vcard", records, [], hashlib.sha256(name.encode()).hexdigest(),
                            source_name=name)


def make_workspace(path: Path, duplicates: bool = False) -> Path:
    """Ten people from one source.

    With `duplicates`, a second source holds Daniel Dunn (merged into Dan Dunn automatically) and
    four people the dedupe queues for review: Bob Baker and Erin Evans (same name, nothing else),
    Jack Jones (another company) and G. Green (same company as Grace Green).
    """
    with Store.open(path) as store:
        store_records(store, "phone.vcf", person_records())
        if duplicates:
            from knowme.dedupe.run import run_dedupe

            store_records(store, "google.csv", [
                Record(source="google.csv", index=1, given="Daniel", family="Dunn", formatted_name="Daniel Dunn",
                       emails=[Labeled("daniel.dunn@work.example", "work")], org="Dunn & Co", title="Owner",
                       phones=[Labeled("+1 212 555 0199", "mobile")]),
                Record(source="google.csv", index=2, given="Bob", family="Baker", formatted_name="Bob Baker",
                       phones=[Labeled("+1 646 555 0143", "")]),
                Record(source="google.csv", index=3, given="Erin", family="Evans", formatted_name="Erin Evans"),
                Record(source="google.csv", index=4, given="Jack", family="Jones", formatted_name="Jack Jones",
                       emails=[Labeled("jjones@other.example", "")], org="Initrode", title="Manager"),
                Record(source="google.csv", index=5, given="G.", family="Green", formatted_name="G. Green",
                       org="Wayne"),
            ])
            run_dedupe(store)
    return path


def alice_personalized(path: Path, **outreach: str) -> Path:
    """`make_workspace` with Alice Archer marked personalize and these outreach fields saved (a draft...)."""
    from knowme.model import Decision
    from knowme.triage import mark, set_outreach

    make_workspace(path)
    with Store.open(path) as store:
        alice = store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0]
        mark(store, [alice], Decision.PERSONALIZE)
        set_outreach(store, alice, **outreach)
    return path


def decisions(path: Path) -> dict[str, str]:
    """Name -> decision, read straight from the workspace."""
    with Store.open(path) as store:
        return dict(store.conn.execute("SELECT name, decision FROM people ORDER BY sort_name"))


def pilot_test(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async pilot test on its own event loop (no pytest async plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def workers_done(app: Any) -> None:
    """Wait for the app's workers (a superseded, cancelled one counts as done)."""
    from textual.worker import WorkerCancelled

    for worker in list(app.workers):
        try:
            await worker.wait()
        except WorkerCancelled:
            continue


async def list_settled(pilot: Any, app: Any) -> None:
    """After a keystroke: the app's workers done and the contact list loaded, then one more paint."""
    from knowme.tui.widgets.contact_list import ContactList

    await pilot.pause()
    await workers_done(app)
    await app.main.query_one(ContactList).wait_loaded()
    await pilot.pause()


async def open_screen(pilot: Any, key: str, kind: type[T]) -> T:
    """Press `key` on the main screen and return the screen it opened, which must be a `kind`."""
    await pilot.press(key)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"{key!r} opened {type(screen).__name__}, not {kind.__name__}"
    return screen


async def open_pairs(pilot: Any) -> Any:
    """Press d and return the duplicates dialog once its worker has read the queue."""
    from knowme.tui.screens.duplicates import DuplicatesScreen

    screen = await open_screen(pilot, "d", DuplicatesScreen)
    await workers_done(pilot.app)
    await pilot.pause()
    return screen

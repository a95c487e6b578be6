"""Pilot tests: the review UI's Held view (key 0) lists the people alike someone excluded, and a held
person settled there leaves it."""
from __future__ import annotations

from pathlib import Path

from knowme.tui.app import KnowmeApp
from knowme.tui.widgets.contact_list import ContactList
from knowme.tui.widgets.sidebar import Sidebar
from tui_helpers import list_settled, make_workspace, pilot_test, store_records

from knowme.model import Decision, Labeled, Record
from knowme.store.core import Store
from knowme.triage import mark

SIZE = (120, 36)


def held_alices(tmp_path: Path) -> Path:
    """Alice Archer excluded, then a second book with two Alice Archer cards at new addresses (held) and
    Zoe Zane (not)."""
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        alice = store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0]
        mark(store, [alice], Decision.EXCLUDE)
        store_records(store, "work.vcf", [
            Record(source="work.vcf", index=n, given=given, family=family, formatted_name=f"{given} {family}",
                   emails=[Labeled(email, "work")])
            for n, (given, family, email) in enumerate([("Alice", "Archer", "a.archer@newjob.io"),
                                                        ("Alice", "Archer", "alice@elsewhere.org"),
                                                        ("Zoe", "Zane", "zoe@zane.io")], start=1)])
    return workspace


def excluded(workspace: Path) -> int:
    with Store.open(workspace) as store:
        return store.conn.execute("SELECT count(*) FROM people WHERE decision='exclude'").fetchone()[0]


def listed(app: KnowmeApp) -> list[str]:
    contacts = app.main.query_one(ContactList)
    return [row.email for n in range(contacts.row_count) if (row := contacts.row_at(n)) is not None]


@pilot_test
async def test_the_held_view_lists_the_held_people_and_one_marked_exclude_leaves_it(tmp_path: Path) -> None:
    workspace = held_alices(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        sidebar = app.main.query_one(Sidebar)
        assert sidebar.counts["held"] == 2
        await pilot.press("0")
        await list_settled(pilot, app)
        assert sidebar.current == "held"
        assert sorted(listed(app)) == ["a.archer@newjob.io", "alice@elsewhere.org"]
        title = str(app.main.query_one("#list-title").render())
        assert "Held" in title and "2 people" in title
        first = app.main.query_one(ContactList).current_row
        assert first is not None
        await pilot.press("x")  # the same person as the excluded Alice: excluded, and off the list
        await list_settled(pilot, app)
        assert first.email not in listed(app) and len(listed(app)) == 1
        assert sidebar.counts["held"] == 1
        assert excluded(workspace) == 2
        await pilot.press("ctrl+z")  # undone: held again
        await list_settled(pilot, app)
        assert sidebar.counts["held"] == 2 and excluded(workspace) == 1

"""Pilot tests of a filter's first page: the first people show before the whole list is read and counted,
they are the whole list's first rows (nothing moves when it lands), and an older keystroke's people never
replace a newer one's."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from knowme.tui.app import KnowmeApp
from knowme.tui.widgets import contact_list
from knowme.tui.widgets.contact_list import ContactList
from tui_helpers import list_settled, make_workspace, pilot_test

from knowme import views
from knowme.views import ListQuery

SIZE = (120, 36)
list_people = views.list_people


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(contact_list, "FIRST_PAGE", 3)  # ten people: a page of three
    return make_workspace(tmp_path / "w.db")


def _hold(monkeypatch: pytest.MonkeyPatch, held: Callable[[ListQuery, int | None], bool]) -> threading.Event:
    """Make the reads `held(query, limit)` selects wait (in their worker thread) until the event is set."""
    gate = threading.Event()

    def read(store, query: ListQuery, offset: int = 0, limit: int | None = None, **options) -> views.Listing:
        if held(query, limit):
            assert gate.wait(10)
        return list_people(store, query, offset, limit, **options)

    monkeypatch.setattr(views, "list_people", read)
    return gate


def _names(contacts: ContactList) -> list[str]:
    return [contacts.row_at(i).name for i in range(contacts.row_count)]


def _title(app: KnowmeApp) -> str:
    return str(app.main.query_one("#list-title").render())


@pilot_test
async def test_a_filter_shows_its_first_people_while_the_rest_are_counted(workspace: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    gate = _hold(monkeypatch, lambda query, limit: bool(query.text) and limit is None)  # the whole list waits
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        contacts = app.main.query_one(ContactList)
        await pilot.press("slash", "c")  # Carol Chen by name, then everyone with a .com email
        await contacts.wait_shown()
        await pilot.pause()
        first = _names(contacts)
        assert first[0] == "Carol Chen" and len(first) == 3 and contacts.is_loading
        assert "counting" in _title(app) and "Carol Chen" in contacts.render_line(1).text
        await pilot.press("down", "down")  # into the list, onto the second person, while it counts
        gate.set()
        await list_settled(pilot, app)
        whole = _names(contacts)
        assert len(whole) == 8 and whole[:3] == first  # Dan Dunn (dunn.org) and Erin Evans (connected) are not
        assert contacts.current_row.name == first[1] and contacts.cursor == 1  # nothing moved
        assert "8 people matching “c”, best first" in _title(app)


@pilot_test
async def test_an_older_keystrokes_people_never_replace_a_newer_ones(workspace: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    gate = _hold(monkeypatch, lambda query, limit: query.text == "c")  # "c" is read slower than "ch"
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        contacts = app.main.query_one(ContactList)
        await pilot.press("slash", "c")
        await pilot.pause()
        await pilot.press("h")
        await contacts.wait_loaded()  # "ch" is shown: Carol Chen alone
        assert _names(contacts) == ["Carol Chen"]
        gate.set()  # only now does "c" find its first page (and its whole list)
        await list_settled(pilot, app)
        assert contacts.query_spec.text == "ch" and _names(contacts) == ["Carol Chen"]
        assert "1 person matching “ch”" in _title(app)
        assert "Frank Fischer" not in "".join(contacts.render_line(y).text for y in range(1, 10))


@pilot_test
async def test_a_view_shows_its_first_people_while_the_rest_are_read(workspace: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The All view of a million people takes a second to read whole: its first rows come at once."""
    gate = _hold(monkeypatch, lambda query, limit: query.view == "all" and limit is None)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        contacts = app.main.query_one(ContactList)
        await pilot.press("8")  # All
        await asyncio.wait_for(contacts.wait_shown(), 5)  # not after the whole list: it is held
        await pilot.pause()
        first = _names(contacts)
        assert len(first) == 3 and contacts.is_loading and "counting" in _title(app)
        assert contacts.query_spec.view == "all" and first[0] in contacts.render_line(1).text
        await pilot.press("down")
        gate.set()
        await list_settled(pilot, app)
        whole = _names(contacts)
        assert len(whole) == 10 and whole[:3] == first
        assert contacts.current_row.name == first[1] and contacts.cursor == 1  # nothing moved
        assert "10 people" in _title(app)


@pilot_test
async def test_another_view_opens_on_the_same_person_before_its_whole_list_is_read(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Switching view waited for the whole new list whenever the person under the cursor was not among
    its first rows (two seconds at a million people): the rows around them come from the index at once."""
    from knowme.tui.screens import main as main_screen

    monkeypatch.setattr(main_screen, "HEAD_BEFORE", 1)
    monkeypatch.setattr(main_screen, "HEAD_SIZE", 3)
    gate = _hold(monkeypatch, lambda query, limit: query.view == "all" and limit is None)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        contacts = app.main.query_one(ContactList)
        await pilot.press(*["down"] * 6)
        await pilot.pause()
        person = contacts.current_row.name
        await pilot.press("8")  # All: the whole list is held
        await pilot.pause()
        assert contacts.query_spec.view == "all" and contacts.is_loading
        assert contacts.current_row.name == person and contacts.row_count == 3
        gate.set()
        await list_settled(pilot, app)
        assert contacts.current_row.name == person and contacts.row_count == 10

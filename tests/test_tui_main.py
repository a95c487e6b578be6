"""Pilot tests of the main screen: keys pressed, then the workspace checked."""
from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import decisions, make_workspace, person_records, pilot_test, workers_done

from knowme.model import Decision
from knowme.store import Store
from knowme.triage import find_people, mark
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.main import MainScreen
from knowme.tui.widgets.contact_list import ContactList
from knowme.tui.widgets.detail import DetailPane
from knowme.tui.widgets.sidebar import Sidebar

SIZE = (120, 36)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "w.db")


async def settle(pilot, app: KnowmeApp) -> None:
    """Let workers (list loads, counts) finish and their messages land."""
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()
    await app.screen.query_one(ContactList).wait_loaded() if isinstance(app.screen, MainScreen) else None
    await pilot.pause()


def contacts(app: KnowmeApp) -> ContactList:
    return app.main.query_one(ContactList)


def current_name(app: KnowmeApp) -> str:
    row = contacts(app).current_row
    assert row is not None
    return row.name


@pilot_test
async def test_first_screen_lists_undecided_with_counts_and_detail(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert contacts(app).row_count == 10
        assert current_name(app) == "Alice Archer"
        counts = app.main.query_one(Sidebar).counts
        assert counts["undecided"] == 10 and counts["all"] == 10 and counts["connected"] == 1
        detail = app.main.query_one(DetailPane).plain_text()
        assert "alice@acme.com" in detail and "phone.vcf #1" in detail


@pilot_test
async def test_decision_keys_save_at_once_and_move_to_next_undecided(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("k")
        assert decisions(workspace)["Alice Archer"] == "knows-me"
        assert current_name(app) == "Bob Baker"  # Alice left the Undecided view; Bob is next
        await pilot.press("p", "x")
        await settle(pilot, app)
        saved = decisions(workspace)
        assert saved["Bob Baker"] == "personalize" and saved["Carol Chen"] == "exclude"
        assert contacts(app).row_count == 7
        assert app.main.query_one(Sidebar).counts["knows-me"] == 1
        assert "Carol Chen → exclude" in str(app.main.query_one("#status").render())


@pilot_test
async def test_space_selects_and_a_decision_applies_to_the_selection(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("space", "down", "space", "x")
        saved = decisions(workspace)
        assert saved["Alice Archer"] == "exclude" and saved["Carol Chen"] == "exclude"
        assert saved["Bob Baker"] == "undecided"
        assert not contacts(app).selected


@pilot_test
async def test_undo_and_redo_restore_the_decision_and_the_cursor(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "k")
        assert decisions(workspace)["Bob Baker"] == "knows-me"
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert decisions(workspace)["Bob Baker"] == "undecided"
        assert current_name(app) == "Bob Baker"
        await pilot.press("ctrl+y")
        await settle(pilot, app)
        assert decisions(workspace)["Bob Baker"] == "knows-me"


@pilot_test
async def test_all_view_moves_on_to_the_next_undecided(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "k", "8")  # Bob decided; then the All view
        await settle(pilot, app)
        assert contacts(app).row_count == 10
        await pilot.press("home", "k")  # Alice -> knows me; Bob is decided, so on to Carol
        assert decisions(workspace)["Alice Archer"] == "knows-me"
        assert current_name(app) == "Carol Chen"


@pilot_test
async def test_filter_is_fuzzy_and_escape_clears_it(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"hooli")
        await settle(pilot, app)
        assert contacts(app).row_count == 1 and current_name(app) == "Erin Evans"
        for _ in "hooli":
            await pilot.press("backspace")
        await pilot.press(*"grgrn")  # letters in order: Grace Green
        await settle(pilot, app)
        assert current_name(app) == "Grace Green"
        await pilot.press("enter", "k")  # back in the list: the key decides again
        assert decisions(workspace)["Grace Green"] == "knows-me"
        await pilot.press("escape")
        await settle(pilot, app)
        assert contacts(app).query_spec.text == "" and contacts(app).row_count == 9


@pilot_test
async def test_filter_matches_accents_and_email(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"ibanez")
        await settle(pilot, app)
        assert current_name(app) == "Ines Ibáñez"
        await pilot.press("escape", "slash", *"bob.baker@")
        await settle(pilot, app)
        assert contacts(app).row_count == 1 and current_name(app) == "Bob Baker"


@pilot_test
async def test_sort_cycles_and_keeps_the_person(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("s")  # by company: Acme, Globex, Hooli, Initech, ...
        await settle(pilot, app)
        assert contacts(app).query_spec.sort == "company"
        assert current_name(app) == "Alice Archer"
        names = [contacts(app).row_at(i).name for i in range(4)]
        assert names == ["Alice Archer", "Bob Baker", "Erin Evans", "Carol Chen"]
        await pilot.press("s")  # signal strength: Carol wrote most
        await settle(pilot, app)
        assert contacts(app).row_at(0).name == "Carol Chen"


@pilot_test
async def test_views_by_digit_and_by_sidebar(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("k", "5")
        await settle(pilot, app)
        assert contacts(app).query_spec.view == "connected" and current_name(app) == "Erin Evans"
        await pilot.press("2")
        await settle(pilot, app)
        assert contacts(app).row_count == 1 and current_name(app) == "Alice Archer"


@pilot_test
async def test_reopening_resumes_where_you_left_off(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("s", "down", "down")
        await settle(pilot, app)
        left_on = current_name(app)
        await pilot.press("q")
    again = KnowmeApp(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, again)
        assert contacts(again).query_spec.sort == "company"
        assert current_name(again) == left_on


@pilot_test
async def test_decided_person_resumes_at_the_next_one(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down", "k")  # Carol decided, cursor on Dan
        await pilot.press("q")
    again = KnowmeApp(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, again)
        assert current_name(again) == "Dan Dunn"


@pilot_test
async def test_accept_suggestion(workspace: Path) -> None:
    with Store.open(workspace) as store:
        store.conn.execute("UPDATE people SET suggestion='exclude', suggestion_reason='role account' "
                           "WHERE name='Alice Archer'")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert app.main.query_one(Sidebar).counts["suggestions"] == 1
        await pilot.press("a")
        await settle(pilot, app)
        assert decisions(workspace)["Alice Archer"] == "exclude"


@pilot_test
async def test_command_palette_reaches_actions(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p", *"knows me")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, app)
        assert decisions(workspace)["Alice Archer"] == "knows-me"
        await pilot.press("ctrl+p", *"sort by signal")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, app)
        assert contacts(app).query_spec.sort == "signal"


@pilot_test
async def test_theme_toggle_is_remembered(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("t")
        assert app.theme == "textual-light"
    again = KnowmeApp(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


@pilot_test
async def test_small_terminal_still_shows_list_and_detail(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.main.has_class("-narrow")
        assert contacts(app).size.height >= 8
        assert app.main.query_one("#detail").size.height >= 5


@pilot_test
async def test_accept_every_suggestion_after_asking(workspace: Path) -> None:
    with Store.open(workspace) as store:
        store.conn.execute("UPDATE people SET suggestion='knows-me', suggestion_reason='mail' "
                           "WHERE name IN ('Carol Chen', 'Frank Fischer')")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        saved = decisions(workspace)
        assert saved["Carol Chen"] == "knows-me" and saved["Frank Fischer"] == "knows-me"
        assert app.main.query_one(Sidebar).counts["suggestions"] == 0
        assert contacts(app).row_count == 8
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert decisions(workspace)["Carol Chen"] == "undecided"


@pilot_test
async def test_a_long_list_opens_at_its_place_and_then_lists_everyone(tmp_path: Path) -> None:
    """The first screen comes from a window read off the index; the whole list follows without a jump."""
    from knowme.model import Labeled, Record
    from tui_helpers import store_records

    workspace = tmp_path / "w.db"
    with Store.open(workspace) as store:
        store_records(store, "big.vcf", [Record(source="big.vcf", index=n, given=f"Person{n:04d}", family="Zed",
                                                emails=[Labeled(f"p{n}@example.org", "")]) for n in range(1, 901)])
        target = store.conn.execute("SELECT id FROM people WHERE name='Person0700 Zed'").fetchone()[0]
        store.set_setting("review.state", {"query": {"view": "undecided", "sort": "name", "text": ""},
                                           "person": target, "index": 0})
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current_name(app) == "Person0700 Zed"
        await settle(pilot, app)
        assert contacts(app).row_count == 900 and contacts(app).cursor == 699
        assert current_name(app) == "Person0700 Zed"
        await pilot.press("k", "down")
        assert current_name(app) == "Person0702 Zed"
        await pilot.press("end")
        assert current_name(app) == "Person0900 Zed"


@pilot_test
async def test_an_undo_a_later_import_made_impossible_is_refused_on_the_status_line(workspace: Path) -> None:
    with Store.open(workspace) as store:
        mark(store, find_people(store, "bob.baker@globex.com"), Decision.KNOWS_ME)
        newer = [r for r in person_records() if r.given != "Bob"]  # the newer phone book no longer holds Bob
        store.store_import(Path("phone.vcf"), "vcard", newer, [], "newer", source_name="phone.vcf")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        before = decisions(workspace)
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        status = str(app.main.query_one("#status").render())
        assert status.startswith('cannot undo "marked Bob Baker knows-me"') and "is gone" in status
        assert decisions(workspace) == before

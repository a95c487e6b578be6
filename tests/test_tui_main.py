"""Pilot tests of the main screen: keys pressed, then the workspace checked."""
from __future__ import annotations

from pathlib import Path

import pytest
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.main import MainScreen
from knowme.tui.widgets.contact_list import ContactList
from knowme.tui.widgets.detail import DetailPane
from knowme.tui.widgets.sidebar import Sidebar
from tui_helpers import decisions, make_workspace, person_records, pilot_test, workers_done

from knowme.importing import store_records
from knowme.model import Decision
from knowme.store.core import Store
from knowme.triage import find_people, mark

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
        assert contacts(app).row_count == 9  # Erin Evans is already a connection: nothing to decide
        assert current_name(app) == "Alice Archer"
        counts = app.main.query_one(Sidebar).counts
        assert counts["undecided"] == 9 and counts["all"] == 10 and counts["connected"] == 1
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
        assert contacts(app).row_count == 6
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
        await pilot.press("slash", *"stark")
        await settle(pilot, app)
        assert contacts(app).row_count == 1 and current_name(app) == "Frank Fischer"
        for _ in "stark":
            await pilot.press("backspace")
        await pilot.press(*"grgrn")  # letters in order: Grace Green
        await settle(pilot, app)
        assert current_name(app) == "Grace Green"
        await pilot.press("enter", "k")  # back in the list: the key decides again
        assert decisions(workspace)["Grace Green"] == "knows-me"
        await pilot.press("escape")
        await settle(pilot, app)
        assert contacts(app).query_spec.text == "" and contacts(app).row_count == 8


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
async def test_sort_cycles_and_shows_the_top(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down", "down")  # mid-list: a new sort still starts at its top
        await pilot.press("s")  # by company: Acme, Globex, Initech, Oscorp, ...
        await settle(pilot, app)
        assert contacts(app).query_spec.sort == "company"
        assert current_name(app) == "Alice Archer"
        names = [contacts(app).row_at(i).name for i in range(4)]
        assert names == ["Alice Archer", "Bob Baker", "Carol Chen", "Henry Hill"]
        assert "Sorted by company, from the top" in str(app.main.query_one("#status").render())
        await pilot.press("s")  # signal strength: Carol wrote most
        await settle(pilot, app)
        assert contacts(app).row_at(0).name == "Carol Chen" and current_name(app) == "Carol Chen"
        assert contacts(app).scroll_y == 0


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
async def test_reopening_resumes_where_you_left_off(workspace: Path, monkeypatch) -> None:
    """In the order left (by company here), on the person left on; a list in an order other than by name
    is read by a worker (sorting a million people by company takes seconds) while the screen draws."""
    import threading

    from knowme.store import views as q

    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("s", "down", "down")
        await settle(pilot, app)
        left_on = current_name(app)
        await pilot.press("q")
    readers, real = [], q.view_ids
    monkeypatch.setattr(q, "view_ids", lambda *args, **kw: readers.append(threading.current_thread()) or
                        real(*args, **kw))
    again = KnowmeApp(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, again)
        assert contacts(again).query_spec.sort == "company"
        assert current_name(again) == left_on
    assert readers and threading.main_thread() not in readers


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
async def test_accept_every_suggestion_after_asking(workspace: Path, monkeypatch) -> None:
    """Accepted in a worker: 4,000 suggestions of a 20,000-person book took 0.6 s on the UI thread."""
    import threading

    from knowme import suggest

    threads, real = [], suggest.accept_suggestions
    monkeypatch.setattr(suggest, "accept_suggestions",
                        lambda store: threads.append(threading.current_thread()) or real(store))
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
        assert threads and threading.main_thread() not in threads
        assert "Accepted 2 suggestions" in str(app.main.query_one("#status").render())
        saved = decisions(workspace)
        assert saved["Carol Chen"] == "knows-me" and saved["Frank Fischer"] == "knows-me"
        assert app.main.query_one(Sidebar).counts["suggestions"] == 0
        assert contacts(app).row_count == 7
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert decisions(workspace)["Carol Chen"] == "undecided"


@pilot_test
async def test_a_long_list_opens_at_its_place_and_then_lists_everyone(tmp_path: Path) -> None:
    """The first screen comes from a window read off the index; the whole list follows without a jump."""
    from tui_helpers import store_records

    from knowme.model import Labeled, Record

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
async def test_connected_people_have_their_own_view_and_are_not_to_decide(workspace: Path) -> None:
    """Erin Evans is already a connection: not in Undecided, listed under Connected with a marker, and
    the sidebar, the progress line and the safe export agree on how many are left to decide."""
    from knowme.tui.widgets.columns import cell_text

    from knowme.exports import plan_safe

    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert "Erin Evans" not in [contacts(app).row_at(i).name for i in range(contacts(app).row_count)]
        sidebar = app.main.query_one(Sidebar)
        with Store.open(workspace) as store:
            assert sidebar.counts["undecided"] == plan_safe(store).preflight.undecided == 9
        assert "Decided 0 of 9" in str(sidebar.query_one("#progress-label").render())
        await pilot.press("5")
        await settle(pilot, app)
        assert contacts(app).row_count == 1 and current_name(app) == "Erin Evans"
        row = contacts(app).current_row
        assert cell_text(row, "decision", False) == "connected" and cell_text(row, "mark", False) == "✓"
        assert "Already a connection: nothing to decide" in app.main.query_one(DetailPane).plain_text()
        await pilot.press("8", "home", "down", "down", "down")  # All: Dan Dunn, then Erin (connected)
        await settle(pilot, app)
        assert current_name(app) == "Dan Dunn"
        await pilot.press("k")
        assert current_name(app) == "Frank Fischer"  # the next person to decide, not Erin
        await pilot.press("k")
        await settle(pilot, app)
        assert "Decided 2 of 9" in str(sidebar.query_one("#progress-label").render())


@pilot_test
async def test_filter_ranks_word_starts_and_shows_where_it_matched(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"acme")
        await settle(pilot, app)
        assert contacts(app).row_count == 1 and current_name(app) == "Alice Archer"
        assert "Matched in" in contacts(app).render_line(0).text
        assert "email, company" in contacts(app).render_line(1).text
        assert "best first" in str(app.main.query_one("#list-title").render())
        for _ in "acme":
            await pilot.press("backspace")
        await pilot.press(*"grgrn")  # no word starts so: letters in order, and the title says so
        await settle(pilot, app)
        assert current_name(app) == "Grace Green"
        assert "letters in order" in str(app.main.query_one("#list-title").render())
        assert "Suggests" not in contacts(app).render_line(0).text


@pilot_test
async def test_reopening_keeps_the_view_and_person_but_not_the_filter(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"zzzz")
        await settle(pilot, app)
        assert contacts(app).row_count == 0
        await pilot.press("q")
    again = KnowmeApp(workspace)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, again)
        assert contacts(again).query_spec.text == "" and contacts(again).row_count == 9
        assert not again.main.query_one("#filter").display


@pilot_test
async def test_space_says_what_it_selected_and_a_bulk_mark_skips_nobody(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("space")
        status = str(app.main.query_one("#status").render())
        assert "Selected Alice Archer · 1 person selected" in status and "esc clears" in status
        await pilot.press("space")
        assert "2 people selected" in str(app.main.query_one("#status").render())
        assert "2 selected" in str(app.main.query_one("#list-title").render())
        assert current_name(app) == "Carol Chen"
        await pilot.press("x")  # Alice and Bob excluded; Carol, under the cursor, is next, not skipped
        saved = decisions(workspace)
        assert saved["Alice Archer"] == saved["Bob Baker"] == "exclude" and saved["Carol Chen"] == "undecided"
        assert current_name(app) == "Carol Chen"
        assert "selected" not in str(app.main.query_one("#list-title").render())


def test_columns_give_name_email_and_work_room_before_counts() -> None:
    from knowme.tui.widgets.columns import layout_columns

    widths = {c.key: w for c, w in layout_columns(73, frozenset({"decision", "note", "matched"}))}
    assert widths["name"] >= 20 and widths["email"] >= 22 and widths["company"] >= 15
    assert "suggestion" in widths and "mail" not in widths  # the mail counts go before the addresses shrink
    wide = {c.key: w for c, w in layout_columns(130, frozenset({"decision", "note", "matched"}))}
    assert wide["email"] == 30 and "mail" in wide


def test_the_mail_column_says_how_many_and_when() -> None:
    from knowme.tui.widgets.columns import cell_text

    from knowme.model import Decision
    from knowme.views import PersonRow

    row = PersonRow(1, "Gordon Allen", "g@acme.com", "Acme", "", "a.vcf", 1, False, 3, 10, 2, "2021-05-01",
                    Decision.UNDECIDED, None, "")
    assert cell_text(row, "mail", False) == "13 mails · 2021"


@pilot_test
async def test_a_suggestion_is_shown_only_for_someone_still_to_decide(workspace: Path) -> None:
    from knowme.tui.widgets.columns import cell_text

    with Store.open(workspace) as store:
        store.conn.execute("UPDATE people SET suggestion='knows-me', suggestion_reason='mail' WHERE name='Alice Archer'")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert cell_text(contacts(app).current_row, "suggestion", False) == "→ knows me"
        await pilot.press("x", "8", "home")  # excluded: no "→ knows me" beside it any more
        await settle(pilot, app)
        assert current_name(app) == "Alice Archer"
        assert cell_text(contacts(app).current_row, "suggestion", False) == ""
        assert "Suggested" not in app.main.query_one(DetailPane).plain_text()


@pilot_test
async def test_letters_typed_right_after_the_slash_go_to_the_filter(workspace: Path) -> None:
    """A fast typist's "/acme" arrives in one burst: no letter may be lost, or run as a key ("e" exports)."""
    from textual import events

    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        for key, char in (("slash", "/"), ("a", "a"), ("c", "c"), ("m", "m"), ("e", "e")):
            app._driver.send_message(events.Key(key, char))  # no pause between them
        await settle(pilot, app)
        assert app.screen is app.main  # "e" did not open the export dialog
        assert app.main.query_one("#filter").value == "acme"
        assert contacts(app).query_spec.text == "acme" and current_name(app) == "Alice Archer"


@pilot_test
async def test_an_undo_a_later_import_made_impossible_is_refused_on_the_status_line(workspace: Path) -> None:
    with Store.open(workspace) as store:
        mark(store, find_people(store, "bob.baker@globex.com"), Decision.KNOWS_ME)
        newer = [r for r in person_records() if r.given != "Bob"]  # the newer phone book no longer holds Bob
        store_records(store, Path("phone.vcf"), "vcard", newer, [], "newer", source_name="phone.vcf", mode="replace")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        before = decisions(workspace)
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        status = str(app.main.query_one("#status").render())
        assert status.startswith('cannot undo "marked Bob Baker knows-me"') and "is gone" in status
        assert decisions(workspace) == before

"""The open review follows what another knowme does to the workspace (`knowme mark`, `import`, `dedupe` in
another terminal): the list, the detail and the counts are read again without a key, the cursor stays on
the same person, and the status line says so. It showed the old decisions until ctrl+r, and a person just
excluded elsewhere was shown, and acted on, as undecided. The review's own changes are never taken for
another's, and keys typed while the list is read again wait for it, none lost."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tui_helpers import decisions, list_settled, make_workspace, pilot_test

from knowme import views
from knowme.model import Decision
from knowme.store.core import Store
from knowme.triage import mark
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.main import MainScreen
from knowme.tui.widgets.contact_list import ContactList
from knowme.tui.widgets.detail import DetailPane

SIZE = (120, 36)
OUTSIDE = "Changed in another window"


@pytest.fixture(autouse=True)
def quick_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainScreen, "WATCH_EVERY", 0.05)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "w.db")


def marked_elsewhere(path: Path, name: str, decision: Decision) -> None:
    """What `knowme mark NAME --as ...` in another terminal does."""
    with Store.open(path) as store:
        (pid,) = store.conn.execute("SELECT id FROM people WHERE name=?", (name,)).fetchone()
        mark(store, [pid], decision)


def status(app: KnowmeApp) -> str:
    return str(app.main.query_one("#status").render())


def contacts(app: KnowmeApp) -> ContactList:
    return app.main.query_one(ContactList)


def names(app: KnowmeApp) -> list[str]:
    rows = views.rows(app.store, list(contacts(app).ids))
    return [rows[pid].name for pid in contacts(app).ids]


def current(app: KnowmeApp) -> str:
    row = contacts(app).current_row
    return row.name if row else ""


async def seen(pilot, app: KnowmeApp, what: str = OUTSIDE, timeout: float = 5.0) -> None:
    """Wait, pressing nothing, until the status line says `what` and the list read again is shown."""
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if what in status(app) and not app.main.settling:
            await list_settled(pilot, app)
            return
    raise AssertionError(f"the review never said {what!r}; its status line: {status(app)!r}")


@pilot_test
async def test_a_person_excluded_in_another_terminal_is_shown_excluded_without_a_key(workspace: Path) -> None:
    """The cursor on Carol Chen in the All view; `knowme mark "Carol Chen" --as exclude` elsewhere: the
    row, the detail and the Exclude count show it with no key pressed, the cursor still on Carol."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("8")  # All
        await list_settled(pilot, app)
        contacts(app).move_to(names(app).index("Carol Chen"))
        await pilot.pause()
        marked_elsewhere(workspace, "Carol Chen", Decision.EXCLUDE)
        await seen(pilot, app)
        assert current(app) == "Carol Chen"
        assert contacts(app).current_row.decision == Decision.EXCLUDE
        assert "Carol Chen is now exclude" in status(app)
        assert app.main.counts["exclude"] == 1
        assert app.main.query_one(DetailPane).plain_text().splitlines()[0].split() == ["Carol", "Chen", "exclude"]


@pilot_test
async def test_a_person_decided_elsewhere_leaves_the_undecided_list_and_the_cursor_moves_on(workspace: Path) -> None:
    """In the Undecided view, another terminal marks the highlighted Bob Baker knows-me: he leaves the
    list (the list would have offered him for a decision again), the cursor goes to the next person, and
    x then excludes that one, the one shown."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        contacts(app).move_to(names(app).index("Bob Baker"))
        await pilot.pause()
        marked_elsewhere(workspace, "Bob Baker", Decision.KNOWS_ME)
        await seen(pilot, app)
        assert "Bob Baker" not in names(app) and "Bob Baker is now knows me" in status(app)
        assert current(app) == "Carol Chen"
        await pilot.press("x")
        await list_settled(pilot, app)
        assert decisions(workspace)["Carol Chen"] == "exclude" and decisions(workspace)["Bob Baker"] == "knows-me"


@pilot_test
async def test_the_reviews_own_changes_are_not_taken_for_another_windows(workspace: Path) -> None:
    """Decisions, an undo and accepting every suggestion (that one written on a connection of its own,
    in a worker): the review never says another window changed the workspace."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        for keys in (("k",), ("x",), ("ctrl+z",), ("p",), ("A",), ("enter",), ("8",), ("s",)):
            await pilot.press(*keys)
            await list_settled(pilot, app)
            await pilot.pause(0.2)  # several looks
            assert OUTSIDE not in status(app), keys
        assert not any(OUTSIDE in n.message for n in app._notifications)


@pilot_test
async def test_keys_typed_while_another_windows_change_is_read_wait_for_it(workspace: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Another terminal excludes Alice Archer while the cursor is on Carol Chen (Undecided view); the
    list is read again, slowly; down and x typed meanwhile wait, then act on the new list: Dan Dunn, the
    person below Carol in it, is excluded, nothing typed is lost."""
    reading, gate = gate_list_reads(monkeypatch)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        contacts(app).move_to(names(app).index("Carol Chen"))
        await pilot.pause()
        reading.set()
        marked_elsewhere(workspace, "Alice Archer", Decision.EXCLUDE)
        for _ in range(100):
            await pilot.pause(0.05)
            if app.main.settling:
                break
        assert app.main.settling, "the change was never noticed"
        await pilot.press("down", "x")
        await pilot.pause(0.2)
        assert decisions(workspace)["Dan Dunn"] == "undecided"  # waiting for the list
        reading.clear()
        gate.set()
        await list_settled(pilot, app)
        await list_settled(pilot, app)
        assert "Alice Archer" not in names(app)
        assert decisions(workspace)["Dan Dunn"] == "exclude"
        assert decisions(workspace)["Carol Chen"] == "undecided"


@pilot_test
async def test_an_import_and_duplicate_answers_made_in_the_review_are_its_own(tmp_path: Path) -> None:
    """`review FILE` imports on a connection of its own, and the duplicates dialog writes its answers on
    another: neither is said to come from another window."""
    from tui_helpers import open_pairs

    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    book = tmp_path / "more.vcf"
    book.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kim Kline\r\nN:Kline;Kim;;;\r\nEMAIL:kim@kline.example\r\n"
                    "END:VCARD\r\n", encoding="utf-8")
    app = KnowmeApp(workspace, import_paths=[book])
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if getattr(app.screen, "done", False):
                break
        await pilot.press("enter")
        await list_settled(pilot, app)
        await pilot.pause(0.3)
        assert "Kim Kline" in names(app) and OUTSIDE not in status(app)
        await open_pairs(pilot)
        await pilot.press("y", "n")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await list_settled(pilot, app)
        await pilot.pause(0.3)
        assert OUTSIDE not in status(app)
        assert not any(OUTSIDE in n.message for n in app._notifications)


def gate_list_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """(reading, gate): while `reading` is set, the list's reads wait for `gate`."""
    list_people, gate, reading = views.list_people, threading.Event(), threading.Event()

    def read(store, query, offset=0, limit=None, **options):
        if reading.is_set():
            assert gate.wait(10)
        return list_people(store, query, offset, limit, **options)

    monkeypatch.setattr(views, "list_people", read)
    return reading, gate


@pytest.mark.parametrize("how", ["ctrl+r", "another window"])
@pilot_test
async def test_a_click_while_the_list_is_read_again_is_kept(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                           how: str) -> None:
    """The cursor on Bob Baker; the list is read again (ctrl+r, or a change made in another terminal) and,
    with no key waiting, the user clicks Dan Dunn: the list, once read, put the cursor back on Bob, and the
    x typed next excluded Bob, a person the user had not chosen."""
    reading, gate = gate_list_reads(monkeypatch)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        contacts(app).move_to(names(app).index("Bob Baker"))
        await pilot.pause()
        reading.set()
        if how == "ctrl+r":
            await pilot.press("ctrl+r")
        else:
            marked_elsewhere(workspace, "Jack Jones", Decision.KNOWS_ME)
        for _ in range(100):
            await pilot.pause(0.05)
            if contacts(app).is_loading:
                break
        assert contacts(app).is_loading, "the list was never read again"
        await pilot.click(ContactList, offset=(5, 1 + names(app).index("Dan Dunn")))
        await pilot.pause()
        assert current(app) == "Dan Dunn"
        reading.clear()
        gate.set()
        await list_settled(pilot, app)
        await pilot.pause(0.1)
        assert current(app) == "Dan Dunn"
        await pilot.press("x")
        await list_settled(pilot, app)
        assert decisions(workspace)["Dan Dunn"] == "exclude"
        assert decisions(workspace)["Bob Baker"] == "undecided"


@pilot_test
async def test_a_long_write_elsewhere_is_read_once_it_settles_or_every_few_seconds(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long import in another terminal commits again and again: the list was read again at every look
    (a second apart), and at 100,000 people each read held the keys typed meanwhile. A change after a
    quiet spell is read at once; while changes keep coming, the list is read once a look finds no new
    one, or every WATCH_BUSY_EVERY seconds of them (the looks made by hand here, on a fake clock)."""
    now = [0.0]
    monkeypatch.setattr(MainScreen, "WATCH_EVERY", 1000.0)  # no look but those made here
    monkeypatch.setattr(MainScreen, "clock", staticmethod(lambda: now[0]))
    app = KnowmeApp(workspace)

    async def look(at: float) -> None:
        now[0] = at
        app.main._watch_outside()
        await list_settled(pilot, app)

    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        marked_elsewhere(workspace, "Alice Archer", Decision.EXCLUDE)
        await look(0)
        assert "Alice Archer" not in names(app)  # after a quiet spell: at once
        marked_elsewhere(workspace, "Bob Baker", Decision.EXCLUDE)
        await look(1)
        marked_elsewhere(workspace, "Carol Chen", Decision.EXCLUDE)
        await look(2)
        assert {"Bob Baker", "Carol Chen"} <= set(names(app))  # still being written: not read yet
        await look(3)  # no write since the last look: read
        assert not {"Bob Baker", "Carol Chen"} & set(names(app))
        for n, name in enumerate(("Dan Dunn", "Erin Evans", "Frank Fischer", "Grace Green", "Henry Hill")):
            marked_elsewhere(workspace, name, Decision.KNOWS_ME)
            await look(4 + 2 * n)  # a write before every look, for 8 seconds
        assert "Dan Dunn" in names(app)
        marked_elsewhere(workspace, "Ines Ibáñez", Decision.KNOWS_ME)
        await look(3 + MainScreen.WATCH_BUSY_EVERY)  # ten seconds of writes: read, though they go on
        assert not {"Dan Dunn", "Ines Ibáñez"} & set(names(app))
        assert "Changed in another window" in status(app)


@pilot_test
async def test_selected_people_merged_away_or_decided_elsewhere_are_said_to_leave_the_selection(
        workspace: Path) -> None:
    """Bob, Carol and Dan selected in the Undecided view; another terminal merges Carol into Frank and marks
    Dan knows-me. The list read again no longer selects them, and said nothing: x then excluded Bob alone,
    Carol's card (Frank's now) stayed undecided, and the user believed her excluded."""
    from knowme.dedupe.merge import merge_people

    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("down", "space", "space", "space")  # Bob, Carol, Dan; the cursor on Erin
        await list_settled(pilot, app)
        assert len(contacts(app).selected) == 3
        with Store.open(workspace) as other:
            ids = dict(other.conn.execute("SELECT name, id FROM people"))
            merge_people(other, ids["Frank Fischer"], [ids["Carol Chen"]])
        marked_elsewhere(workspace, "Dan Dunn", Decision.KNOWS_ME)
        await seen(pilot, app)
        said = status(app)
        assert "1 selected person merged or removed there" in said, said
        assert "1 selected person taken out of this view there: no longer selected" in said, said
        assert len(contacts(app).selected) == 1 and "1 selected" in str(app.main.query_one("#list-title").render())


def merged_elsewhere(path: Path, kept: str, gone: str) -> None:
    """What answering "same" for these two in another terminal does: `gone` is merged into `kept`."""
    from knowme.dedupe.merge import merge_people

    with Store.open(path) as other:
        ids = dict(other.conn.execute("SELECT name, id FROM people"))
        merge_people(other, ids[kept], [ids[gone]])


async def on_carol(pilot, app) -> None:
    """The list settled with the cursor on Carol Chen (third in the Undecided view)."""
    await list_settled(pilot, app)
    await pilot.press("down", "down")
    await list_settled(pilot, app)
    assert current(app) == "Carol Chen"


@pilot_test
async def test_the_cursor_follows_a_person_merged_away_elsewhere_into_whom_they_were_merged(
        workspace: Path) -> None:
    """The cursor on Carol Chen in the Undecided view; another terminal merges Carol into Bob Baker (the row
    above, which keeps Bob's place and takes Carol's name). The list read again kept the cursor on Carol's
    row, now Dan Dunn's, and an x typed right then excluded Dan. The cursor now goes to the merged person,
    who holds Carol's card, and says so; x excludes them."""
    with Store.open(workspace) as store:
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await on_carol(pilot, app)
        merged_elsewhere(workspace, "Bob Baker", "Carol Chen")
        await seen(pilot, app)
        assert contacts(app).current_id == ids["Bob Baker"]
        assert "Carol Chen was merged with another person there" in status(app), status(app)
        assert "the cursor follows them to the merged person (Carol Chen)" in status(app), status(app)
        await pilot.press("x")
        await list_settled(pilot, app)
        with Store.open(workspace) as store:
            saved = dict(store.conn.execute("SELECT id, decision FROM people"))
        assert saved[ids["Bob Baker"]] == "exclude" and saved[ids["Dan Dunn"]] == "undecided"


@pilot_test
async def test_a_row_whose_person_was_merged_out_of_the_view_takes_no_decision_until_the_cursor_moves(
        workspace: Path) -> None:
    """As above, but Frank is decided (knows-me), so not in the Undecided view: the cursor cannot follow
    Carol and stays on her row, now Dan's. x there excluded Dan unseen; it now changes nothing and says
    to move the cursor; once moved (down, up), x excludes Dan."""
    marked_elsewhere(workspace, "Frank Fischer", Decision.KNOWS_ME)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await on_carol(pilot, app)
        merged_elsewhere(workspace, "Frank Fischer", "Carol Chen")
        await seen(pilot, app)
        assert current(app) == "Dan Dunn"
        assert "move it to decide" in status(app), status(app)
        await pilot.press("x")
        await list_settled(pilot, app)
        assert decisions(workspace)["Dan Dunn"] == "undecided"
        assert "Nothing changed: Carol Chen was merged or removed in another window" in status(app), status(app)
        await pilot.press("down", "up", "x")
        await list_settled(pilot, app)
        assert decisions(workspace)["Dan Dunn"] == "exclude"

"""Another knowme changes the workspace while a dialog of the review is open (`knowme resolve`, a merge,
`knowme forget` in another terminal): the dialog stays, never acts on people the user was not shown, and
says so in a line, with no traceback; the list behind is read again once it closes."""
from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import list_settled, make_workspace, open_pairs, pilot_test, workers_done

from knowme.dedupe.merge import merge_people
from knowme.dedupe.run import resolve_pair
from knowme.sources import forget_source
from knowme.store.core import Store
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.duplicates import DuplicatesScreen
from knowme.tui.screens.main import MainScreen

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def quick_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainScreen, "WATCH_EVERY", 0.05)


def person_named(path: Path, name: str) -> int:
    with Store.open(path) as store:
        return store.conn.execute("SELECT id FROM people WHERE name=? ORDER BY id", (name,)).fetchone()[0]


def records_of(path: Path, person: int) -> int:
    with Store.open(path) as store:
        return store.conn.execute("SELECT count(*) FROM records WHERE person_id=?", (person,)).fetchone()[0]


def warned(app: KnowmeApp, words: str) -> bool:
    return any(words in n.message for n in app._notifications)


async def settle_dialog(pilot, app: KnowmeApp) -> None:
    """After a key in a dialog: its workers (a queue read, a group answered) done, then a paint."""
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


@pilot_test
async def test_a_pair_whose_person_was_merged_elsewhere_is_not_answered(tmp_path: Path) -> None:
    """The dialog shows a pair (Bob Baker and Bob Baker); another terminal merges its second person into
    Alice Archer. y merged Alice's and both Bobs' records into one person, a merge the user never saw: it
    is refused, said, and the queue shown as it is now."""
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        screen = await open_pairs(pilot)
        pair = screen.current
        alice = person_named(workspace, "Alice Archer")
        first, second = sorted((pair.a_person, pair.b_person))
        with Store.open(workspace) as other:
            merge_people(other, alice, [second])
        await pilot.press("y")
        await settle_dialog(pilot, app)
        assert isinstance(app.screen, DuplicatesScreen)
        assert warned(app, "merged or split in another window")
        assert records_of(workspace, alice) == 2  # Alice's own and the one merged elsewhere: nothing more
        assert records_of(workspace, first) >= 1
        await pilot.press("escape")
        await list_settled(pilot, app)
        assert isinstance(app.screen, MainScreen)


@pilot_test
async def test_a_pair_answered_elsewhere_is_not_answered_again(tmp_path: Path) -> None:
    """`knowme resolve PAIR different` in another terminal while the dialog shows that pair; y here: refused,
    said, nothing merged."""
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        screen = await open_pairs(pilot)
        pair = screen.current
        with Store.open(workspace) as other:
            resolve_pair(other, pair.id, False)
        await pilot.press("y")
        await settle_dialog(pilot, app)
        assert warned(app, "already answered in another window")
        assert records_of(workspace, pair.a_person) == 1 and records_of(workspace, pair.b_person) == 1
        assert all(p.id != pair.id for p in screen.pairs)


@pilot_test
async def test_the_next_pair_after_its_address_book_was_forgotten_elsewhere_is_said_not_shown(
        tmp_path: Path) -> None:
    """`knowme forget google.csv` in another terminal while the dialog is open: every queued pair had a
    card of it. Skipping to the next pair stopped the app with a KeyError traceback; now the dialog says
    so and shows the queue as it is now (empty)."""
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        screen = await open_pairs(pilot)
        assert len(screen.pairs) >= 2
        with Store.open(workspace) as other:
            forget_source(other, "google.csv")
        await pilot.press("space")
        await settle_dialog(pilot, app)
        assert app.is_running and isinstance(app.screen, DuplicatesScreen)
        assert warned(app, "in another window")
        assert screen.pairs == []
        assert "No possible duplicates left" in str(screen.query_one("#pair-title").render())
        await pilot.press("escape")
        await list_settled(pilot, app)
        assert app.main.counts.get("duplicates", 0) == 0


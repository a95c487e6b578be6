"""The duplicates screen answers every pair whose evidence reads like the current one's, after asking."""
from __future__ import annotations

from pathlib import Path

from knowme.tui.app import KnowmeApp
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.widgets.contact_list import ContactList
from test_pair_groups import people_book
from tui_helpers import open_pairs, pilot_test, workers_done

from knowme.dedupe.pairgroups import evidence_shape
from knowme.dedupe.run import pending_pairs, run_dedupe
from knowme.importing import store_records
from knowme.model import Record
from knowme.store.core import Store

SIZE = (120, 36)


async def settle(pilot, app: KnowmeApp) -> None:
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()
    await app.main.query_one(ContactList).wait_loaded()
    await pilot.pause()


def _queued_book(tmp_path: Path) -> Path:
    """Six questions of one shape (same name + same address) and one of another (a rare name alone)."""
    workspace = tmp_path / "w.db"
    with Store.open(workspace) as store:
        people_book(store)
        for source in ("a.vcf", "b.vcf"):  # and a question of another shape: a rare name, nothing else
            store_records(store, Path(source), "vcard", [Record(index=1, given="Zebulon", family="Quartermaine",
                                                               formatted_name="Zebulon Quartermaine")], [], source, "US")
        run_dedupe(store)
    return workspace


@pilot_test
async def test_shift_y_answers_the_whole_group_after_a_confirmation_and_ctrl_z_takes_it_back(tmp_path: Path) -> None:
    workspace = _queued_book(tmp_path)
    with Store.open(workspace) as store:
        queued = len(pending_pairs(store))
        shape = next(evidence_shape(p.reasons) for p in pending_pairs(store) if "same address" in p.reasons[1])
        in_group = sum(evidence_shape(p.reasons) == shape for p in pending_pairs(store))
    assert in_group == 6 and queued > in_group
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_pairs(pilot)
        while evidence_shape(screen.current.reasons) != shape:
            await pilot.press("space")
        await pilot.press("Y")
        await workers_done(app)  # the group is read off the UI thread
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"{in_group} pairs read: {shape}" in str(app.screen.question)
        await pilot.press("n")  # cancelled: nothing answered
        await pilot.pause()
        assert app.screen is screen and len(screen.pairs) == queued
        await pilot.press("Y")
        await workers_done(app)
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        assert len(screen.pairs) <= queued - in_group  # merged people also join their other questions
        assert not any(evidence_shape(p.reasons) == shape for p in screen.pairs)
        await pilot.press("ctrl+z")
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        assert len(screen.pairs) == queued
    with Store.open(workspace) as store:
        assert store.conn.execute("SELECT count(*) FROM pairs WHERE status='same'").fetchone()[0] == 0
        assert len(pending_pairs(store)) == queued


@pilot_test
async def test_the_dialog_says_how_many_pairs_read_alike_and_reads_the_queue_off_the_ui_thread(
        tmp_path: Path, monkeypatch) -> None:
    """Shift+Y is not in the footer: the dialog says when other pairs read like this one, and how many,
    and keeps the count as answers go. The queue (70,000 pairs at 100k records) is read in a worker."""
    import threading

    from knowme.tui.screens import duplicates

    workspace = _queued_book(tmp_path)
    readers, read = [], threading.Event()
    real = duplicates.pending_pairs

    def held(store):  # the queue of a big book: still being read when the first key comes
        readers.append(threading.current_thread())
        read.wait(10)
        return real(store)

    monkeypatch.setattr(duplicates, "pending_pairs", held)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert "Reading the possible duplicates" in str(screen.query_one("#pair-title").render())
        await pilot.press("y")  # not lost in silence, and nothing answered
        await pilot.pause()
        assert any("Reading the possible duplicates… One moment." in n.message for n in app._notifications)
        read.set()
        await workers_done(app)
        await pilot.pause()
        assert readers and threading.main_thread() not in readers
        assert screen.answered == 0 and screen.pairs
        while "same address" not in " ".join(screen.current.reasons):
            await pilot.press("space")
        hint = str(screen.query_one("#alike").render())
        assert "5 more pairs read like this one: shift+Y answers all of them the same person" in hint, hint
        await pilot.press("y")
        await pilot.pause()
        while "same address" not in " ".join(screen.current.reasons):
            await pilot.press("space")
        assert "4 more pairs read like" in str(screen.query_one("#alike").render())
        while "same address" in " ".join(screen.current.reasons):
            await pilot.press("space")
        assert not screen.query_one("#alike").display  # a question unlike any other


def test_the_question_for_a_group_of_one_pair_reads_as_one() -> None:
    from types import SimpleNamespace

    from knowme.dedupe.pairgroups import PairGroup
    from knowme.tui.screens.duplicates import _group_question

    one = PairGroup("g", "same name, a rare name", [SimpleNamespace(score=0.8)])  # type: ignore[list-item]
    question = _group_question(one, True, "  • same name (Mercedes Foconi), a rare name")
    assert question.startswith("1 pair reads: same name, a rare name.\nIt looks like the same person.\n")
    assert "Answer it as the same person (they merge)?" in question and "all 1" not in question
    many = PairGroup("g", "same name", [SimpleNamespace(score=0.8)] * 6)  # type: ignore[list-item]
    assert _group_question(many, False, "").startswith("6 pairs read: same name.\nAbout 6 look like the same "
                                                       "person. For example:")
    assert "Answer all 6 as different people (never asked again)?" in _group_question(many, False, "")

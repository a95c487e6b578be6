"""What the review screen shows at the sizes terminals come in: the sidebar's progress is read in full,
and the footer's last cell belongs to the footer's last key at every width (a real terminal showed a
stray letter there: the compact footer left it to the keys scrolled under "^p palette")."""
from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import list_settled, pilot_test, store_records

from knowme.model import Decision, Labeled, Record
from knowme.store.core import Store
from knowme.triage import mark
from knowme.tui.app import KnowmeApp
from knowme.tui.widgets.sidebar import progress_text


def screen_lines(app: KnowmeApp) -> list[str]:
    """The screen as a terminal shows it, one string a row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def many_people(path: Path, people: int, decided: int) -> Path:
    records = [Record(source="book.vcf", index=n, given=f"Given{n}", family=f"Family{n}",
                      formatted_name=f"Given{n} Family{n}", emails=[Labeled(f"p{n}@example.org", "")])
               for n in range(1, people + 1)]
    with Store.open(path) as store:
        store_records(store, "book.vcf", records)
        ids = [pid for (pid,) in store.conn.execute("SELECT id FROM people ORDER BY id LIMIT ?", (decided,))]
        mark(store, ids, Decision.KNOWS_ME)
    return path


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 40)])
@pilot_test
async def test_the_sidebar_shows_the_whole_progress_line_at_common_sizes(tmp_path: Path,
                                                                          size: tuple[int, int]) -> None:
    """1,000 of 1,234 decided: "Decided 1,000 of 1,2…" was cut at 80 and 100 columns."""
    workspace = many_people(tmp_path / "w.db", 1234, 1000)
    app = KnowmeApp(workspace, stable=True)
    async with app.run_test(size=size) as pilot:
        await list_settled(pilot, app)
        await pilot.pause(0.2)
        sidebar = [line.split("▕")[0].strip() for line in screen_lines(app) if "▕" in line]
        shown = " ".join(line for line in sidebar if line.startswith(("Decided", "of ")))
        assert shown == "Decided 1,000 of 1,234", sidebar
        assert not any("…" in line for line in sidebar), sidebar


def test_the_progress_line_breaks_before_of_when_it_does_not_fit() -> None:
    assert progress_text(12, 1560, 18) == "Decided 12\nof 1,560"
    assert progress_text(0, 1560, 18) == "Decided 0 of 1,560"
    assert progress_text(1_234_567, 2_000_000, 18) == "Decided 1,234,567\nof 2,000,000"


@pytest.mark.parametrize("size", [(40, 12), (60, 15), (30, 8), (90, 30), (120, 40)])
@pilot_test
async def test_the_footers_last_cell_is_the_palette_keys_after_a_resize(tmp_path: Path,
                                                                         size: tuple[int, int]) -> None:
    """Opened at 120x40 then made smaller: the last cell read "^p paletted" (a key scrolled under it)."""
    workspace = many_people(tmp_path / "w.db", 30, 0)
    app = KnowmeApp(workspace, stable=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await list_settled(pilot, app)
        await pilot.resize_terminal(*size)
        await pilot.pause(0.2)
        assert screen_lines(app)[-1].endswith("▏^p palette"), screen_lines(app)[-1]


@pilot_test
async def test_a_pair_too_small_to_be_shown_is_not_answered(tmp_path: Path) -> None:
    """At 30x8 the duplicates dialog showed its title and buttons but none of the pair: y merged two people
    the user had not been shown. It now says to make the terminal taller; made taller, y answers."""
    from tui_helpers import make_workspace, open_pairs

    workspace = make_workspace(tmp_path / "w.db", duplicates=True)

    def people() -> int:
        with Store.open(workspace) as store:
            return store.conn.execute("SELECT count(*) FROM people").fetchone()[0]

    before = people()
    app = KnowmeApp(workspace, stable=True)
    async with app.run_test(size=(30, 8)) as pilot:
        await list_settled(pilot, app)
        await open_pairs(pilot)
        await pilot.press("y")
        await pilot.pause(0.2)
        assert people() == before
        assert any("too small to show this pair" in n.message for n in app._notifications)
        await pilot.resize_terminal(120, 36)
        await pilot.pause(0.3)
        await pilot.press("y")
        await pilot.pause(0.3)
        assert people() == before - 1


@pilot_test
async def test_a_question_too_small_to_be_shown_is_not_answered(tmp_path: Path) -> None:
    """At 30x8 the yes/no dialog showed its title and buttons but not the question: y lifted an exclusion
    the user had not been told of. Now neither y, n nor enter answers; it says to make the terminal
    taller, esc still leaves it (nothing changed); made taller, y answers."""
    from tui_helpers import decisions, make_workspace

    from knowme.tui.screens.confirm import ConfirmScreen

    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        alice = store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0]
        mark(store, [alice], Decision.EXCLUDE)
    app = KnowmeApp(workspace, stable=True)
    async with app.run_test(size=(30, 8)) as pilot:
        await list_settled(pilot, app)
        await pilot.press("8", "up")  # the All view, then Alice (excluded) at the top
        await list_settled(pilot, app)
        assert app.main.contacts.current_row.name == "Alice Archer"
        await pilot.press("k")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmScreen)
        assert not any("Alice Archer is excluded" in line for line in screen_lines(app))
        for key in ("y", "enter", "n"):
            await pilot.press(key)
            await pilot.pause(0.2)
            assert isinstance(app.screen, ConfirmScreen), key
        assert decisions(workspace)["Alice Archer"] == "exclude"
        assert any("too small to show this question" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen)
        assert decisions(workspace)["Alice Archer"] == "exclude"
        await pilot.resize_terminal(120, 36)
        await pilot.pause(0.3)
        await pilot.press("k")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await list_settled(pilot, app)
        assert decisions(workspace)["Alice Archer"] == "knows-me"

"""What the review screen shows at the sizes terminals come in: the footer's last cell belongs to the
footer's last key at every width (a real terminal showed a stray letter there: the compact footer left
it to the keys scrolled under "^p palette")."""
from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import list_settled, pilot_test, store_records

from knowme.model import Decision, Labeled, Record
from knowme.store.core import Store
from knowme.triage import mark
from knowme.tui.app import KnowmeApp


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

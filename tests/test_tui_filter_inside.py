"""Pilot tests of the filter inside words: "mit" lists Schmitt first and says where it matched."""
from __future__ import annotations

from pathlib import Path

from knowme.tui.app import KnowmeApp
from knowme.tui.widgets.contact_list import ContactList
from tui_helpers import list_settled, person_records, pilot_test, store_records

from knowme.model import Labeled, Record
from knowme.store.core import Store

SIZE = (120, 36)


def _workspace(path: Path) -> Path:
    with Store.open(path) as store:
        store_records(store, "phone.vcf", person_records() + [
            Record(source="phone.vcf", index=11, given="Anna", family="Schmitt", formatted_name="Anna Schmitt",
                   emails=[Labeled("anna@example.org", "home")]),
            Record(source="phone.vcf", index=12, given="Carl", family="Kumar", formatted_name="Carl Kumar",
                   emails=[Labeled("carl@goldsmith.example", "work")]),
        ])
    return path


@pilot_test
async def test_a_word_inside_names_lists_them_first_and_says_where_it_matched(tmp_path: Path) -> None:
    app = KnowmeApp(_workspace(tmp_path / "w.db"))
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("slash", *"mit")
        await list_settled(pilot, app)
        contacts = app.main.query_one(ContactList)
        assert contacts.row_count == 2
        assert "Anna Schmitt" in contacts.render_line(1).text and "name" in contacts.render_line(1).text
        assert "Carl Kumar" in contacts.render_line(2).text and "email" in contacts.render_line(2).text
        assert "inside words" in str(app.main.query_one("#list-title").render())
        await pilot.press("backspace", "backspace", "backspace", *"ohnso")  # nobody: says so
        await list_settled(pilot, app)
        assert contacts.row_count == 0 and "Nobody" in contacts.render_line(1).text


@pilot_test
async def test_a_name_typed_after_an_inside_word_search_lists_at_once(tmp_path: Path) -> None:
    app = KnowmeApp(_workspace(tmp_path / "w.db"))
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("slash", *"chmi")  # inside Schmitt
        await list_settled(pilot, app)
        contacts = app.main.query_one(ContactList)
        assert contacts.current_row is not None and contacts.current_row.name == "Anna Schmitt"
        await pilot.press(*"tt anna")  # "chmitt anna": both inside her words
        await list_settled(pilot, app)
        assert contacts.row_count == 1 and contacts.current_row.name == "Anna Schmitt"
        await pilot.press("escape")
        await list_settled(pilot, app)
        assert contacts.row_count == 11  # Erin Evans is already connected

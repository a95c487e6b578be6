"""Snapshots of the review UI (pytest-textual-snapshot): main screen, duplicates, outreach, export.

Stable by construction: a fixed workspace, fixed terminal sizes, no clock, no blinking cursor
(`stable=True`), exports offered in a fixed folder, and workers awaited before the picture.
Update with `pytest tests/test_tui_snapshots.py --snapshot-update` after looking at the diff.
"""
from __future__ import annotations

import json
from pathlib import Path

from knowme.tui.app import KnowmeApp
from knowme.tui.widgets.contact_list import ContactList
from tui_helpers import make_workspace, store_records, workers_done

from knowme.model import Decision, Labeled, Record
from knowme.store.core import Store
from knowme.triage import mark, set_outreach


def _app(tmp_path: Path, duplicates: bool = False) -> KnowmeApp:
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        if duplicates:  # one queued pair, written as the dedupe would, so the picture does not follow its tuning
            store_records(store, "google.csv", [Record(
                source="google.csv", index=1, given="Jack", family="Jones", formatted_name="Jack Jones",
                emails=[Labeled("jjones@other.example", "home")], org="Initrode", title="Manager")])
            a = store.conn.execute("SELECT id FROM records WHERE data LIKE '%jack@wonka.com%'").fetchone()[0]
            b = store.conn.execute("SELECT id FROM records WHERE data LIKE '%jjones@other.example%'").fetchone()[0]
            reasons = ["same name (Jack Jones), a rare name", "different emails",
                       "different companies (Wonka / Initrode), maybe an old job"]
            store.conn.execute("INSERT INTO pairs(a, b, score, reasons, status) VALUES (?, ?, 0.68, ?, 'pending')",
                               (a, b, json.dumps(reasons)))
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        mark(store, [ids["Alice Archer"]], Decision.KNOWS_ME)
        mark(store, [ids["Carol Chen"]], Decision.PERSONALIZE)
        set_outreach(store, ids["Carol Chen"], how="colleague", context="Initech",
                     draft="Hi Carol, we worked together at Initech. I enjoyed the migration project with you.")
        store.conn.execute("UPDATE people SET suggestion='exclude', suggestion_reason='rule: recruiters' "
                           "WHERE name='Jack Jones'")
    return KnowmeApp(workspace, export_dir=Path("/exports"), stable=True)


async def _settled(pilot) -> None:
    await pilot.pause()
    await workers_done(pilot.app)
    await pilot.app.main.query_one(ContactList).wait_loaded()
    await pilot.pause()
    await workers_done(pilot.app)
    await pilot.pause()


def test_main_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=(100, 30), run_before=_settled)


def test_main_screen_small_terminal(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=_settled)


def test_main_screen_wide_all_view(snap_compare, tmp_path: Path) -> None:
    async def all_view(pilot) -> None:
        await _settled(pilot)
        await pilot.press("8", "down", "space", "down")
        await _settled(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(160, 36), run_before=all_view)


def test_duplicates_modal(snap_compare, tmp_path: Path) -> None:
    async def open_pairs(pilot) -> None:
        await _settled(pilot)
        await pilot.press("d")
        await _settled(pilot)

    assert snap_compare(_app(tmp_path, duplicates=True), terminal_size=(100, 30), run_before=open_pairs)


def test_outreach_editor(snap_compare, tmp_path: Path) -> None:
    async def open_editor(pilot) -> None:
        await _settled(pilot)
        await pilot.press("3")
        await _settled(pilot)
        await pilot.press("o")
        await _settled(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(100, 34), run_before=open_editor)


def test_export_dialog(snap_compare, tmp_path: Path) -> None:
    async def open_export(pilot) -> None:
        await _settled(pilot)
        await pilot.press("e")
        await _settled(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(100, 30), run_before=open_export)


def test_light_theme(snap_compare, tmp_path: Path) -> None:
    async def light(pilot) -> None:
        await _settled(pilot)
        await pilot.press("t")
        await _settled(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(100, 30), run_before=light)


def test_filter_first_page_while_counting(snap_compare, tmp_path: Path, monkeypatch) -> None:
    """A filter's first people on screen while the rest are still read and counted: the title says so."""
    from knowme.store.reader import Interrupted
    from knowme.tui.widgets import contact_list

    from knowme import views

    list_people = views.list_people

    def first_pages_only(store, query, offset=0, limit=None, **options):
        if query.text and limit is None:  # the whole list never comes: the picture keeps the first page
            raise Interrupted("held for the picture")
        return list_people(store, query, offset, limit, **options)

    monkeypatch.setattr(contact_list, "FIRST_PAGE", 3)
    monkeypatch.setattr(views, "list_people", first_pages_only)

    async def type_c(pilot) -> None:
        await _settled(pilot)
        await pilot.press("slash", "c")
        await pilot.app.main.query_one(ContactList).wait_shown()
        await pilot.pause()
        await workers_done(pilot.app)
        await pilot.pause()

    assert snap_compare(_app(tmp_path), terminal_size=(100, 30), run_before=type_c)

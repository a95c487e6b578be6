"""The export, import and outreach dialogs in a terminal a few rows high (20x8, 40x12): nothing crashes,
and no key acts on what the dialog cannot show (ctrl+e wrote a file whose count and name were cut
off, ctrl+o imported files never listed, n imported refused files as new sources unexplained, and
the outreach editor opened on the linter's findings with the note being typed out of sight). As the
yes/no dialog does: the key says to make the terminal taller; made taller, it acts.

Where the essentials fit, the key acts: the export dialog at 60x20 and 40x12 holds who goes out, the file
and ctrl+e at its top (it was refused there for good, as the count, the file and the button never fitted
together)."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_flows import import_screen_done, people, refused_import
from test_tui_layout import screen_lines
from tui_helpers import alice_personalized, list_settled, make_workspace, pilot_test, store_records, workers_done

from knowme.model import Decision, Record
from knowme.store.core import Store
from knowme.triage import mark
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.screens.export import ExportScreen
from knowme.tui.screens.imports import FilePickerScreen, ImportScreen
from knowme.tui.screens.outreach import OutreachScreen

SMALL = [(20, 8), (40, 12)]
COMPACT = [(60, 20), (40, 12)]
TALL = (120, 36)


def told_too_small(app: KnowmeApp) -> bool:
    return any("The terminal is too small to show" in n.message for n in app._notifications)


async def settled(pilot, app: KnowmeApp, wait: float = 0.3) -> None:
    await pilot.pause(wait)
    await workers_done(app)
    await pilot.pause()


@pytest.mark.parametrize("size", [(20, 8)])
@pilot_test
async def test_ctrl_e_writes_no_file_the_export_dialog_cannot_show(tmp_path: Path, size: tuple[int, int]) -> None:
    out = tmp_path / "safe.csv"
    app = KnowmeApp(make_workspace(tmp_path / "w.db"), stable=True)
    async with app.run_test(size=size) as pilot:
        await list_settled(pilot, app)
        await pilot.press("e")
        await settled(pilot, app)
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#path").value = str(out)
        await pilot.press("ctrl+e")
        await settled(pilot, app)
        assert not out.exists() and told_too_small(app) and isinstance(app.screen, ExportScreen)
        await pilot.resize_terminal(*TALL)
        await settled(pilot, app)
        assert any("goes out" in line or "go out" in line for line in screen_lines(app))
        await pilot.press("ctrl+e")
        await settled(pilot, app)
        assert out.exists()


def knows_me(workspace: Path, *names: str) -> Path:
    with Store.open(workspace) as store:
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        mark(store, [ids[name] for name in names], Decision.KNOWS_ME)
    return workspace


def joined(app: KnowmeApp, dialog: str = "#export-dialog", sep: str = "") -> str:
    """The dialog's text as the screen shows it, its rows run together (a long path wraps over two: no
    `sep`; words: a space)."""
    region = app.screen.query_one(dialog).content_region
    rows = screen_lines(app)[region.y:region.bottom]
    return sep.join(row[region.x:region.right].strip() for row in rows)


@pytest.mark.parametrize("size", COMPACT)
@pilot_test
async def test_the_export_dialog_shows_who_goes_out_and_where_and_ctrl_e_writes_in_a_small_terminal(
        tmp_path: Path, size: tuple[int, int]) -> None:
    out = tmp_path / "safe.csv"
    app = KnowmeApp(knows_me(make_workspace(tmp_path / "w.db"), "Alice Archer", "Bob Baker"), stable=True)
    async with app.run_test(size=size) as pilot:
        await list_settled(pilot, app)
        await pilot.press("e")
        await settled(pilot, app)
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#path").value = str(out)
        await settled(pilot, app)
        shown = joined(app)
        assert "2 knows-me people go out" in shown and str(out) in shown and "ctrl+e" in shown, screen_lines(app)
        await pilot.press("ctrl+e")
        await settled(pilot, app)
        assert out.exists() and not told_too_small(app)
        assert "alice@acme.com" in out.read_text(encoding="utf-8")
        assert "✓ Wrote 2 knows-me people" in joined(app), screen_lines(app)


@pytest.mark.parametrize("size", COMPACT)
@pilot_test
async def test_a_file_name_typed_in_a_small_export_dialog_is_the_one_shown_and_written(
        tmp_path: Path, size: tuple[int, int]) -> None:
    app = KnowmeApp(knows_me(make_workspace(tmp_path / "w.db"), "Alice Archer"), stable=True)
    async with app.run_test(size=size) as pilot:
        await list_settled(pilot, app)
        await pilot.press("e")
        await settled(pilot, app)
        path = app.screen.query_one("#path")
        path.value = str(tmp_path) + "/"
        await pilot.press("tab", "tab", "end", *"mine.csv")  # to the file box, scrolled into sight, and typed
        await settled(pilot, app)
        assert app.screen.focused is path
        shown = joined(app)
        assert "1 knows-me person goes out" in shown and str(tmp_path / "mine.csv") in shown, screen_lines(app)
        await pilot.press("ctrl+e")
        await settled(pilot, app)
        assert (tmp_path / "mine.csv").exists() and not told_too_small(app)


@pytest.mark.parametrize("size", SMALL)
@pilot_test
async def test_the_outreach_editor_opens_on_the_note_and_saves_only_what_it_shows(tmp_path: Path,
                                                                                  size: tuple[int, int]) -> None:
    workspace = alice_personalized(tmp_path / "w.db", draft="Hi Alice")

    def draft() -> str:
        with Store.open(workspace) as store:
            return store.conn.execute("SELECT draft FROM people WHERE name='Alice Archer'").fetchone()[0]

    app = KnowmeApp(workspace, stable=True)
    async with app.run_test(size=size) as pilot:
        await list_settled(pilot, app)
        await pilot.press("3")  # Personalize: Alice
        await list_settled(pilot, app)
        await pilot.press("o")
        await settled(pilot, app)
        editor = app.screen
        assert isinstance(editor, OutreachScreen)
        # the note being typed is on screen (it opened on the linter's findings, the note scrolled away)
        assert any("Hi" in line and "│" in line for line in screen_lines(app)), screen_lines(app)
        await pilot.press(*"Oh ")  # typed where the cursor waits, at the start
        await pilot.pause(0.2)
        assert any("Oh Hi" in line for line in screen_lines(app)), screen_lines(app)
        editor.query_one("#outreach-dialog").scroll_end(animate=False, immediate=True)  # the note out of sight
        await pilot.pause(0.2)
        assert not any("Oh Hi" in line for line in screen_lines(app))
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is editor and told_too_small(app) and draft() == "Hi Alice"
        editor.query_one("#draft").scroll_visible(animate=False, immediate=True)
        await pilot.pause(0.2)
        await pilot.press("ctrl+s")
        await settled(pilot, app)
        assert app.screen is not editor and draft() == "Oh Hi Alice"


def one_more_book(tmp_path: Path) -> tuple[Path, Path]:
    """A one-card book to import, and a workspace of the usual people."""
    book = tmp_path / "more.vcf"
    book.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Zed Zulu\nEMAIL:zed@zulu.example\nEND:VCARD\n", encoding="utf-8")
    return book, make_workspace(tmp_path / "w.db")


async def picker_with_path(pilot, app: KnowmeApp, book: Path) -> FilePickerScreen:
    """The file picker opened from the list, `book` typed in its path box (not yet chosen)."""
    await list_settled(pilot, app)
    await pilot.press("i")
    await pilot.pause(0.3)
    picker = app.screen
    assert isinstance(picker, FilePickerScreen)
    picker.query_one("#path").focus()
    picker.query_one("#path").value = str(book)
    return picker


@pytest.mark.parametrize("size", [(20, 8)])
@pilot_test
async def test_ctrl_o_imports_no_file_the_picker_cannot_list(tmp_path: Path, size: tuple[int, int]) -> None:
    book, workspace = one_more_book(tmp_path)
    app = KnowmeApp(workspace, stable=True)
    async with app.run_test(size=size) as pilot:
        picker = await picker_with_path(pilot, app, book)
        await pilot.press("enter")  # chosen, but the list of chosen files is cut off
        await pilot.pause(0.2)
        assert picker.chosen and not any("Chosen (1)" in line for line in screen_lines(app))
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        assert app.screen is picker and told_too_small(app) and "Zed Zulu" not in people(workspace)
        await pilot.resize_terminal(*TALL)
        await pilot.pause(0.3)
        assert any("Chosen (1): more.vcf" in line for line in screen_lines(app))
        await pilot.press("ctrl+o")
        await settled(pilot, app, 0.5)
        assert isinstance(app.screen, ImportScreen)
    assert "Zed Zulu" in people(workspace)


@pytest.mark.parametrize("size", [(20, 8)])
@pilot_test
async def test_n_imports_no_refused_file_the_import_dialog_cannot_explain(tmp_path: Path,
                                                                           size: tuple[int, int]) -> None:
    app, workspace = await refused_import(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await import_screen_done(app, pilot)
        assert not any("press n" in line for line in screen_lines(app))
        await pilot.press("n")
        await settled(pilot, app)
        assert screen.refused() and told_too_small(app) and "Alan Turing" not in people(workspace)
        await pilot.resize_terminal(*TALL)
        await pilot.pause(0.3)
        await n_imports(pilot, app, screen)
    assert "Alan Turing" in people(workspace)


def told_to_scroll(app: KnowmeApp) -> bool:
    return any("scroll through it" in n.message for n in app._notifications)


@pytest.mark.parametrize("size", COMPACT)
@pilot_test
async def test_the_refusal_says_why_and_n_imports_once_read_in_a_small_terminal(tmp_path: Path,
                                                                                size: tuple[int, int]) -> None:
    app, workspace = await refused_import(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await import_screen_done(app, pilot)
        await pilot.pause(0.2)
        shown = joined(app, "#import-dialog", " ")
        # why, readable: the Outcome column held it on one line cut at "not imported: /tmp/…"
        assert "1 file not imported" in shown and "remove 1 person you decided on" in shown, screen_lines(app)
        assert "Charles Babbage (knows-me)" in shown and "--replace" not in shown  # the keys, not the commands
        if size == (40, 12):  # its start is shown first, the keys below: n waits until they are read
            assert "beside their earlier imports" not in shown
            await n_refused(pilot, app, screen, workspace)
            await pilot.press("end")
            await pilot.pause(0.3)
            assert "beside their earlier imports" in joined(app, "#import-dialog", " "), screen_lines(app)
        await n_imports(pilot, app, screen)
    assert "Alan Turing" in people(workspace)


async def n_refused(pilot, app: KnowmeApp, screen, workspace: Path) -> None:
    """n before the refusal was read through: refused, told to scroll, nothing imported."""
    await pilot.press("n")
    await settled(pilot, app)
    assert screen.refused() and told_to_scroll(app) and "Alan Turing" not in people(workspace)


async def n_imports(pilot, app: KnowmeApp, screen) -> None:
    """n once the refusal was read: answered (the files are imported once the dialog closes)."""
    await pilot.press("n")
    await settled(pilot, app, 0.5)
    assert not screen.refused()


@pilot_test
async def test_n_imports_once_the_refusal_was_scrolled_through_at_20x8(tmp_path: Path) -> None:
    """Taller than the terminal, the refusal is read a screenful at a time: n counts the rows scrolled past,
    and a jump to the end that skipped its middle is not reading it."""
    app, workspace = await refused_import(tmp_path)
    async with app.run_test(size=(20, 8)) as pilot:
        screen = await import_screen_done(app, pilot)
        await pilot.press("end")
        await pilot.pause(0.3)
        await n_refused(pilot, app, screen, workspace)
        for _ in range(16):  # back up through its middle, a row at a time
            await pilot.press("up")
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        await n_imports(pilot, app, screen)
    assert "Alan Turing" in people(workspace)


@pilot_test
async def test_the_picker_lists_the_files_chosen_and_ctrl_o_imports_them_at_40x12(tmp_path: Path) -> None:
    """Its compact layout: ctrl+o was refused for good at 40x12, the "Chosen (1)" line cut off under the tree."""
    book, workspace = one_more_book(tmp_path)
    app = KnowmeApp(workspace, stable=True)
    async with app.run_test(size=(40, 12)) as pilot:
        picker = await picker_with_path(pilot, app, book)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "Chosen (1): more.vcf" in joined(app, "#picker", " "), screen_lines(app)
        await pilot.press("ctrl+o")
        await settled(pilot, app, 0.5)
        assert isinstance(app.screen, ImportScreen) and not told_too_small(app)
    assert "Zed Zulu" in people(workspace)


async def refusal_read(app: KnowmeApp, pilot, size: tuple[int, int]) -> ImportScreen:
    """The import dialog done, with its refusal scrolled through (from its end back up, a row at a time)."""
    screen = await import_screen_done(app, pilot)
    await pilot.pause(0.2)
    await pilot.press("end")
    await pilot.pause(0.3)
    for _ in range(16 if size[1] < 10 else 4):
        await pilot.press("up")
        await pilot.pause(0.05)
    await pilot.pause(0.3)
    return screen


@pytest.mark.parametrize("size", SMALL)
@pilot_test
async def test_r_asks_a_question_read_by_scrolling_and_answered_once_read(tmp_path: Path,
                                                                           size: tuple[int, int]) -> None:
    """At 40x12 the question r asks (who goes, with their decisions) did not fit and did not scroll: y was
    refused for good. It scrolls now, y waiting until every row of it has been on screen."""
    app, workspace = await refused_import(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await refusal_read(app, pilot, size)
        await pilot.press("r")
        await pilot.pause(0.3)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen), screen_lines(app)
        shown = joined(app, "#confirm", " ")
        assert "Replace earlier imports Let phone.vcf" in shown, screen_lines(app)
        if size == (40, 12):  # compact, the whole of it shows
            assert "Charles Babbage (knows-me)" in shown and "suppression list" in shown, screen_lines(app)
        else:  # opened on its start: y waits until the rest has been on screen
            assert "suppression list" not in shown, screen_lines(app)
            await pilot.press("y")
            await pilot.pause(0.2)
            assert app.screen is confirm and told_to_scroll(app) and "Charles Babbage" in people(workspace)
            seen = shown
            for _ in range(40):  # read down a row at a time
                await pilot.press("down")
                await pilot.pause(0.05)
                seen += " " + joined(app, "#confirm", " ")
            await pilot.pause(0.3)
            assert "Charles Babbage (knows-me)" in seen and "suppression list" in seen, screen_lines(app)
        await pilot.press("y")
        await settled(pilot, app, 0.5)
        assert app.screen is screen and not screen.refused()
    assert "Charles Babbage" not in people(workspace) and "Alan Turing" in people(workspace)


@pilot_test
async def test_n_counts_only_the_rows_of_the_refusal_painted_not_a_scroll_in_the_same_frame(tmp_path: Path) -> None:
    """A jump to the refusal's end and n in the same frame: its rows were counted read from the scroll
    offset as it was set, before any frame had drawn them."""
    app, workspace = await refused_import(tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await import_screen_done(app, pilot)
        await pilot.pause(0.2)
        assert "beside their earlier imports" not in joined(app, "#import-dialog", " ")
        dialog = screen.query_one("#import-dialog")
        with app.batch_update():  # no frame drawn between the jump to the end and n
            dialog.scroll_end(animate=False, immediate=True)
            await pilot.press("n")
        await settled(pilot, app)
        assert screen.refused() and told_to_scroll(app) and "Alan Turing" not in people(workspace)
        assert "beside their earlier imports" in joined(app, "#import-dialog", " "), screen_lines(app)
        await n_imports(pilot, app, screen)  # painted now: read
    assert "Alan Turing" in people(workspace)


def lookalikes(workspace: Path) -> Path:
    """Jack Jones (knows-me) alike an excluded Jack Jones, and Alice Archer and Bob Baker knows-me too."""
    with Store.open(workspace) as store:
        store_records(store, "old.csv", [Record(source="old.csv", index=1, given="Jack", family="Jones",
                                                formatted_name="Jack Jones", org="Initrode")])
        first, second = [pid for (pid,) in store.conn.execute("SELECT id FROM people WHERE name = 'Jack Jones' "
                                                             "ORDER BY id")]
        mark(store, [first], Decision.KNOWS_ME)
        mark(store, [second], Decision.EXCLUDE)
    return knows_me(workspace, "Alice Archer", "Bob Baker")


def jack_joneses(workspace: Path) -> list[str]:
    with Store.open(workspace) as store:
        return [d for (d,) in store.conn.execute("SELECT decision FROM people WHERE name='Jack Jones' ORDER BY id")]


@pytest.mark.parametrize("key", ["x", "n"])
@pilot_test
async def test_x_and_n_act_only_on_a_conflict_shown_in_the_compact_export_dialog(tmp_path: Path, key: str) -> None:
    """Compact, the conflict list scrolls under the summary held at the top: x excluded (n kept apart) a
    person whose row, name and why, was out of sight. Now the key scrolls it into sight and acts on the
    next press."""
    workspace = lookalikes(make_workspace(tmp_path / "w.db"))
    app = KnowmeApp(workspace, stable=True)
    async with app.run_test(size=(40, 12)) as pilot:
        await list_settled(pilot, app)
        await pilot.press("e")
        await settled(pilot, app)
        screen = app.screen
        assert isinstance(screen, ExportScreen) and screen.conflicts
        screen.query_one("#export-dialog").scroll_end(animate=False, immediate=True)
        await pilot.pause(0.2)
        assert "Jack Jones (knows-me)" not in joined(app, sep=" "), screen_lines(app)
        assert app.screen.focused is screen.query_one("#lookalikes")
        await pilot.press(key)
        await settled(pilot, app)
        assert told_too_small(app) and jack_joneses(workspace) == ["knows-me", "exclude"]
        assert screen.conflicts and "Jack Jones (knows-me)" in joined(app, sep=" "), screen_lines(app)
        await pilot.press(key)
        await settled(pilot, app)
        assert not screen.conflicts
    assert jack_joneses(workspace) == (["exclude", "exclude"] if key == "x" else ["knows-me", "exclude"])

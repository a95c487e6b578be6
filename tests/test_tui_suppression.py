"""Pilot tests: the review UI never weakens an exclusion by accident, and the export dialog shows why it is blocked."""
from __future__ import annotations

from pathlib import Path

from knowme.tui.app import KnowmeApp
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.screens.export import ExportScreen
from knowme.tui.screens.main import MainScreen
from knowme.tui.widgets.contact_list import ContactList
from textual.widgets import Button, OptionList, Static
from tui_helpers import decisions, make_workspace, pilot_test, store_records, workers_done

from knowme.model import Decision, Labeled, Record
from knowme.store.core import Store
from knowme.triage import mark

SIZE = (120, 36)


async def settle(pilot, app: KnowmeApp) -> None:
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()
    if isinstance(app.screen, MainScreen):
        await app.screen.query_one(ContactList).wait_loaded()
    await pilot.pause()


def excluded_alice(tmp_path: Path) -> Path:
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        alice = store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0]
        mark(store, [alice], Decision.EXCLUDE)
    return workspace


def active_exclusions(workspace: Path) -> int:
    with Store.open(workspace) as store:
        return store.conn.execute("SELECT count(*) FROM exclusions WHERE lifted_at IS NULL").fetchone()[0]


def status(app: KnowmeApp) -> str:
    return str(app.main.query_one("#status").render())


@pilot_test
async def test_a_new_decision_for_an_excluded_person_asks_first(tmp_path: Path) -> None:
    workspace = excluded_alice(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("8", "up")  # the All view (on Bob, as before), then Alice (excluded) above him
        await settle(pilot, app)
        assert app.main.query_one(ContactList).current_row.name == "Alice Archer"
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Alice Archer is excluded" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert decisions(workspace)["Alice Archer"] == "exclude" and active_exclusions(workspace) == 1
        assert "stay excluded" in status(app)
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        assert decisions(workspace)["Alice Archer"] == "knows-me" and active_exclusions(workspace) == 0
        assert "exclusion lifted" in status(app)
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert decisions(workspace)["Alice Archer"] == "exclude" and active_exclusions(workspace) == 1


@pilot_test
async def test_a_decision_on_a_selection_leaves_excluded_people_alone_and_says_so(tmp_path: Path) -> None:
    workspace = excluded_alice(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("8", "up")
        await settle(pilot, app)
        await pilot.press("space", "down", "space", "k")  # space moves on: Alice and Carol are selected
        await settle(pilot, app)
        saved = decisions(workspace)
        assert saved["Alice Archer"] == "exclude" and saved["Carol Chen"] == "knows-me"
        assert "left 1 person matching an exclusion alone" in status(app)
        assert not isinstance(app.screen, ConfirmScreen)


@pilot_test
async def test_the_export_dialog_lists_each_conflict_with_its_command(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        store_records(store, "old.vcf", [Record(source="old.vcf", index=1, given="Henry", family="Hill",
                                                formatted_name="Henry Hill", emails=[Labeled("HENRY@Oscorp.com.")])])
        ids = dict(store.conn.execute("SELECT email, id FROM people"))
        mark(store, [ids["henry@oscorp.com"]], Decision.KNOWS_ME)
        mark(store, [ids["henry@oscorp.com."]], Decision.EXCLUDE)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#export", Button).disabled
        listed = screen.query_one("#lookalikes", OptionList)
        prompts = [str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)]
        knows = ids["henry@oscorp.com"]
        assert any(f"{knows}: Henry Hill (knows-me) shares henry@oscorp.com" in p and
                   f"→ knowme mark {knows} --as exclude" in p for p in prompts), prompts
        assert "Blocked: 1 knows-me person may be excluded" in str(screen.query_one("#preflight", Static).render())
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "Nothing written" in str(screen.query_one("#result", Static).render())
        await pilot.press("x")  # the same person after all: exclude the knows-me one too
        await workers_done(app)
        await pilot.pause()
        assert not screen.query_one("#lookalikes", OptionList).display
        assert decisions(workspace)["Henry Hill"] == "exclude"


@pilot_test
async def test_un_excluding_one_part_of_a_split_person_is_refused_before_any_question(tmp_path: Path) -> None:
    """Jane's two cards merged, excluded, then split (each part keeps an exclusion of its own), and the book
    of one part forgotten: un-excluding the other part is refused, as that exclusion is not this one's to
    lift. The review asked "Lift an exclusion?" first, and only after the user said yes showed the refusal."""
    from knowme.dedupe.merge import split_person
    from knowme.dedupe.run import run_dedupe
    from knowme.sources import forget_source

    workspace = tmp_path / "w.db"
    with Store.open(workspace) as store:
        phone = [Labeled("+1 415 555 0142", "cell")]
        store_records(store, "phone.vcf", [Record(source="phone.vcf", index=1, given="Jane", family="Doe",
                                                  formatted_name="Jane Doe", emails=[Labeled("jane.doe@gmail.com")],
                                                  phones=phone)])
        store_records(store, "google.csv", [Record(source="google.csv", index=1, given="Jane", family="Doe",
                                                   formatted_name="Jane Doe", emails=[Labeled("jdoe@work.com")],
                                                   phones=phone)])
        run_dedupe(store)
        [(merged,)] = store.conn.execute("SELECT id FROM people").fetchall()
        mark(store, [merged], Decision.EXCLUDE)
        split_person(store, merged)
        forget_source(store, "google.csv")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("8")  # the All view
        await settle(pilot, app)
        row = app.main.query_one(ContactList).current_row
        assert row is not None and row.name == "Jane Doe"
        await pilot.press("k")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen), app.screen.question
        said = status(app)
        assert "Jane Doe's exclusion stays (--unexclude lifts no other name's)" in said, said
        assert f"knowme mark {row.id} --not-same-as" in said and f"knowme mark {row.id} --as exclude" in said
    assert decisions(workspace) == {"Jane Doe": "exclude"} and active_exclusions(workspace) == 2


def test_the_import_table_says_a_card_alike_an_excluded_person_is_held(tmp_path: Path) -> None:
    """Jane excluded, her book forgotten, another book brings a Jane Doe at a new address: the review's
    import table said "1 new person" only (the command line names her since)."""
    from knowme.importing import import_path
    from knowme.sources import forget_source
    from knowme.tui.screens.imports import report_line

    workspace = tmp_path / "w.db"
    with Store.open(workspace) as store:
        store_records(store, "phone.vcf", [Record(source="phone.vcf", index=1, given="Jane", family="Doe",
                                                  formatted_name="Jane Doe", emails=[Labeled("jane@x.io")])])
        [(jane,)] = store.conn.execute("SELECT id FROM people").fetchall()
        mark(store, [jane], Decision.EXCLUDE)
        forget_source(store, "phone.vcf")
        book = tmp_path / "google.csv"
        book.write_text("First Name,Last Name,E-mail Address\nJane,Doe,jd@new.io\nAl,Kay,al@kay.io\n")
        report = import_path(store, book)
    assert report_line(report)[3] == ("2 new people; 1 alike someone you excluded, held undecided (Jane Doe): "
                                      "the Held view (0) lists them")


@pilot_test
async def test_the_import_table_names_every_held_card_or_counts_the_rest(tmp_path: Path) -> None:
    """Five cards held, two of them Jane Doe's name: the import row named the first three cards and "…"
    ("Jane Doe; Jane Doe; Rex Boss, …"), never how many more. Each name once with its count, the first
    three names, and how many cards more."""
    from knowme.tui.screens.imports import ImportScreen

    workspace = tmp_path / "w.db"
    names = [("Jane", "Doe"), ("Rex", "Boss"), ("Nina", "Ex"), ("Tom", "Lee")]
    with Store.open(workspace) as store:
        store_records(store, "phone.vcf", [Record(source="phone.vcf", index=n, given=given, family=family,
                                                  formatted_name=f"{given} {family}",
                                                  emails=[Labeled(f"{given.lower()}@old.example")])
                                           for n, (given, family) in enumerate(names, start=1)])
        mark(store, [pid for (pid,) in store.conn.execute("SELECT id FROM people")], Decision.EXCLUDE)
    book = tmp_path / "google.csv"
    book.write_text("First Name,Last Name,E-mail Address\n" + "".join(
        f"{given},{family},{given.lower()}{n}@new.example\n"
        for n, (given, family) in enumerate([names[0], *names], start=1)))
    app = KnowmeApp(workspace, import_paths=[book])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        outcome = str(screen.query_one("#files").get_cell("0", "Outcome"))
    assert outcome == "5 new people; 5 alike someone you excluded, held undecided (Jane Doe ×2; Rex Boss; Nina Ex " \
                      "and 1 more card): the Held view (0) lists them"

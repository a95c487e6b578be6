"""The note linter: errors stop a note, warnings coach it; length counted as the network counts."""
from __future__ import annotations

import json
import time

import pytest

from knowme.lint import lint_note, note_length
from knowme.model import Person, Record
from knowme.outreach import TEMPLATES, WHY_CHOICES, draft_for
from knowme.store.outreach import NOTE_STATUS_SQL

GOOD = ("Hi Ana, great to meet you at the Lisbon data meetup on Tuesday. I enjoyed your point on survey design "
        "and would like to keep in touch.")


def codes(text: str, **kw: object) -> list[str]:
    return [f.code for f in lint_note(text, **kw).findings]  # type: ignore[arg-type]


def test_a_personal_note_passes_clean() -> None:
    report = lint_note(GOOD)
    assert report.ok and report.findings == []
    assert report.length == len(GOOD)


@pytest.mark.parametrize("text", [
    "I'd like to add you to my professional network on LinkedIn.",
    "I’d like to add you to my professional network.",
    "Hi Ana, I'd like to add you to my professional network on LinkedIn.",
    "I would like to add you to my network",
    "Please join my network on LinkedIn",
    "I'd like to connect with you on LinkedIn.",
    "  I WANT TO ADD YOU TO MY PROFESSIONAL NETWORK  ",
])
def test_canned_default_and_variants_are_errors(text: str) -> None:
    report = lint_note(text)
    assert not report.ok
    assert "canned" in [f.code for f in report.errors]


def test_limit_counts_exactly_with_spaces_and_line_breaks() -> None:
    base = "Hi Ana, we met at the meetup and I would like to keep in touch. "
    text = (base * 10)[:300]
    assert lint_note(text).length == 300
    assert "too-long" not in codes(text)
    assert "too-long" in codes(text + "x")
    assert "too-long" in codes(text[:200], limit=199)
    # a line break counts once, however it is written
    assert note_length("a\r\nb") == note_length("a\nb") == note_length("a\rb") == 3
    # astral characters count as two (UTF-16, as the browser's maxlength does)
    assert note_length("😀") == 2 and note_length("é") == 1


def test_free_account_limit_is_a_warning_when_the_limit_is_higher() -> None:
    text = GOOD + " " + "I also liked the panel on open data and the discussion on public registries a lot."
    report = lint_note(text)
    assert 200 < report.length <= 300
    assert [f.code for f in report.warnings] == ["free-limit"] and report.ok
    assert "too-long" in codes(text, limit=200)
    assert "free-limit" not in codes(text, limit=200)


@pytest.mark.parametrize("placeholder", ["{first_name}", "{context}", "{why}", "[Name]", "<company>", "XXX", "TODO"])
def test_unfilled_placeholders_are_errors(placeholder: str) -> None:
    text = GOOD.replace("the Lisbon data meetup", placeholder)
    report = lint_note(text)
    assert [f.code for f in report.errors] == ["placeholder"]
    span = report.errors[0].span
    assert span is not None and placeholder in text[span[0]:span[1]]


def test_greeting_by_first_name() -> None:
    assert "no-greeting" not in codes(GOOD)
    assert "no-greeting" not in codes(GOOD, first_name="Ana")
    assert codes(GOOD, first_name="Maria") == ["wrong-name"]  # greets Ana: an error, not a nudge
    assert "no-greeting" in codes("Great to meet you at the meetup, would like to keep in touch.")
    assert "no-greeting" in codes("hi there, great to meet you at the meetup, would like to keep in touch.")
    assert "no-greeting" not in codes("Dear José, great to meet you at the meetup.", first_name="jose")


def test_missing_context_and_reason_are_warnings() -> None:
    report = lint_note("Hi Ana, hope you are doing well.")
    assert report.ok
    assert {"no-context", "no-reason"} <= {f.code for f in report.warnings}
    assert "no-context" not in codes("Hi Ana, we worked together at Acme. I would like to stay in touch.")
    assert "no-reason" not in codes("Hi Ana, we worked together at Acme. I would value your advice.")


@pytest.mark.parametrize("phrase", ["I think I have something that will be of interest to you.",
                                    "It would make sense for us to be connected.",
                                    "Could we hop on a quick call?", "Our product helps teams like yours."])
def test_bait_and_pitch_are_warnings(phrase: str) -> None:
    assert "bait" in codes(f"Hi Ana, we met at the meetup. {phrase}")


@pytest.mark.parametrize("phrase", ["I came across your profile and was impressed.", "You have an impressive profile!",
                                    "You are a true thought leader."])
def test_generic_flattery_is_a_warning(phrase: str) -> None:
    assert "flattery" in codes(f"Hi Ana, {phrase} I would like to keep in touch.")


def test_empty_note_is_an_error() -> None:
    assert codes("") == ["empty"] and codes("   \n ") == ["empty"]


@pytest.mark.parametrize("template", list(TEMPLATES))
@pytest.mark.parametrize("why", list(WHY_CHOICES) + ["I'm curious how you scaled the data team"])
def test_every_filled_template_passes_without_findings(template: str, why: str) -> None:
    person = Person(1, records=[Record(given="Ana", family="Silva")], context="the Lisbon data meetup", why=why)
    draft = draft_for(person, template)
    report = lint_note(draft, first_name="Ana")
    assert report.findings == [], (draft, report.findings)


def test_unfinished_template_reports_its_placeholders() -> None:
    draft = draft_for(Person(1, records=[Record(given="Ana")]), "event")
    assert "{context}" in draft and "{why}" in draft
    assert [f.code for f in lint_note(draft).errors] == ["placeholder", "placeholder"]


def test_fast_enough_for_every_keystroke() -> None:
    text = GOOD * 2
    start = time.perf_counter()
    for n in range(500):
        lint_note(text[: 50 + n % 200])
    per_call = (time.perf_counter() - start) / 500
    assert per_call < 0.005, per_call


def test_report_as_dict() -> None:
    data = lint_note("I'd like to add you to my professional network").to_dict()
    assert data["ok"] is False and data["limit"] == 300
    assert {"level", "code", "message"} <= set(data["findings"][0])


# ---- the command ---------------------------------------------------------------------------------------


def test_cli_lint_exit_codes_and_json(knowme, tmp_path) -> None:
    p = knowme("lint", "I'd like to add you to my professional network on LinkedIn.")
    assert p.returncode == 1 and "canned" in p.stdout and "Traceback" not in p.stderr
    p = knowme("lint", GOOD)
    assert p.returncode == 0 and p.stdout.startswith("ok: 134/300")
    p = knowme("lint", GOOD, "--limit", "100", "--json")
    data = json.loads(p.stdout)
    assert p.returncode == 1 and data["limit"] == 100 and data["findings"][0]["code"] == "too-long"
    p = knowme("lint", "-", input=GOOD)
    assert p.returncode == 0
    assert not knowme.db.exists(), "lint needs no workspace and must not create one"


def test_cli_lint_uses_the_workspace_note_limit(knowme) -> None:
    knowme.init()
    assert knowme("set", "note-limit", "200").returncode == 0
    long_note = GOOD + " I also liked the panel on open data and the discussion on public registries a lot."
    p = knowme("lint", long_note)
    assert p.returncode == 1 and "too-long" in p.stdout
    assert knowme("lint", long_note, "--limit", "300").returncode == 0


# ---- greeting the right person ------------------------------------------------------------------------


@pytest.mark.parametrize(("note", "first_name", "nicknames"), [
    ("Hi Bob, we met at PyCon and I would like to keep in touch.", "Kevin", ()),
    ("Hello Maria, thanks for your talk at the meetup. I'd love to learn more.", "Marta", ()),
    ("Dear Sam, we worked together at Initech. I would value your advice.", "Caleb", ()),
    ("Kevin, great to meet you at the summit. I would like to stay in touch.", "Kim", ()),
])
def test_greeting_someone_else_is_an_error(note: str, first_name: str, nicknames: tuple[str, ...]) -> None:
    report = lint_note(note, first_name=first_name, nicknames=nicknames)
    assert [f.code for f in report.errors] == ["wrong-name"] and not report.ok
    assert first_name in report.errors[0].message


@pytest.mark.parametrize(("note", "first_name", "nicknames"), [
    ("Hi Bob, we met at PyCon and I would like to keep in touch.", "Robert", ()),
    ("Hi Robert, we met at PyCon and I would like to keep in touch.", "Bob", ()),
    ("Hi Kev, we met at PyCon and I would like to keep in touch.", "Kevin", ()),
    ("Hi Kevin, we met at PyCon and I would like to keep in touch.", "Kevin", ()),
    ("Hi Bunny, we met at PyCon and I would like to keep in touch.", "Barbara", ("Bunny",)),
    ("Hi José, we met at PyCon and I would like to keep in touch.", "Jose", ()),
    ("Hi Mary Ann, we met at PyCon and I would like to keep in touch.", "Mary Ann", ()),
])
def test_the_name_its_nicknames_and_their_own_nicknames_are_fine(note: str, first_name: str,
                                                                 nicknames: tuple[str, ...]) -> None:
    assert codes(note, first_name=first_name, nicknames=nicknames) == []


def test_a_generic_greeting_is_a_warning_not_a_wrong_name() -> None:
    assert codes("Hi there, we met at PyCon and I would like to keep in touch.", first_name="Kevin") == ["no-greeting"]
    assert codes("Hello team, we met at PyCon and I would like to keep in touch.", first_name="Kevin") == ["no-greeting"]


def test_the_cli_fails_a_note_greeting_the_wrong_person(capsys: pytest.CaptureFixture[str]) -> None:
    from knowme.cli.main import main

    assert main(["lint", "Hi Bob, we met at PyCon and I would like to keep in touch.", "--first-name", "Kevin"]) == 1
    assert "wrong-name" in capsys.readouterr().out


# ---- context and reason, on notes people really write ------------------------------------------------

# (note, says how we know each other, says why connect)
NOTES = [
    ("Hi Ana, after our Acme product days I'd love to stay in touch.", True, True),
    ("Hi Ana, great to meet you at the Lisbon data meetup. I'd value your take on survey design.", True, True),
    ("Hi Tom, we worked together at Globex back in 2019. Would be great to reconnect.", True, True),
    (("Hi Priya, Sam Lee suggested I get in touch. I'm moving into data engineering and would welcome "
      "your perspective."), True, True),
    (("Hi Jo, I read your article on queueing theory. I'm building a scheduler and would appreciate your "
      "thoughts."), True, True),
    (("Hi Lena, we spoke after your keynote at PyData Berlin. I'd like to continue our conversation about "
      "tooling."), True, True),
    (("Hi Marc, thanks for the intro call last week. Let's keep the conversation going; I'd be glad to help "
      "with the hiring plan."), True, True),
    ("Hi Omar, we were classmates at ETH. I'm hiring for a data team and thought of you.", True, True),
    ("Hi Grace, since our time on the Wayne audit I've wanted to catch up properly.", True, True),
    (("Hi Ines, your team at Tyrell runs the forecasting work I follow; I'd like to learn how you evaluate "
      "models."), True, True),
    # no context
    ("Hi Ana, I'd love to stay in touch.", False, True),
    ("Hi Tom, I would value your advice on my career.", False, True),
    ("Hi Priya, I'm hiring for a data team and would like to talk.", False, True),
    # no reason
    ("Hi Ana, we met at the Lisbon data meetup.", True, False),
    ("Hi Tom, we worked together at Globex.", True, False),
    ("Hi Lena, I saw your keynote at PyData Berlin.", True, False),
    # neither
    ("Hi Ana.", False, False),
    ("Hi Tom, connecting.", False, False),
]


@pytest.mark.parametrize(("note", "has_context", "has_reason"), NOTES)
def test_context_and_reason_on_real_sounding_notes(note: str, has_context: bool, has_reason: bool) -> None:
    found = codes(note)
    assert ("no-context" not in found) == has_context, found
    assert ("no-reason" not in found) == has_reason, found


def test_a_merged_person_is_greeted_by_the_name_most_of_their_cards_give(tmp_path) -> None:
    """One card of three misspells the first name ("Cleb"): the draft greets Caleb, a note greeting
    either is fine (both are on their cards), the list's note status and the editor's linter agree,
    and the list sorts them as Caleb."""
    from pathlib import Path

    from knowme.dedupe.merge import merge_people
    from knowme.importing import store_records
    from knowme.outreach import lint_person_note
    from knowme.store.core import Store

    cards = [Record(index=n, given=given, family="Andrade", formatted_name=f"{given} Andrade")
             for n, given in enumerate(["Cleb", "Caleb", "Caleb"], start=1)]
    with Store.open(tmp_path / "w.db") as store:
        store_records(store, Path("cards.vcf"), "vcard", cards, [], "cards")
        ids = [pid for (pid,) in store.conn.execute("SELECT id FROM people ORDER BY id")]
        merge_people(store, ids[0], ids[1:])
        person = store.person(ids[0])
        assert person.first_name == "Caleb" and draft_for(person, "event").startswith("Hi Caleb,")
        assert store.conn.execute("SELECT sort_name FROM people WHERE id=?", (ids[0],)).fetchone()[0] == \
            "andrade caleb"
        for greeting, fine in (("Caleb", True), ("Cleb", True), ("Bob", False)):
            note = f"Hi {greeting}, we met at PyCon and I would like to keep in touch about data tooling."
            store.update_person(ids[0], decision="personalize", draft=note)
            listed = store.conn.execute(f"SELECT {NOTE_STATUS_SQL} FROM people WHERE id=?", (ids[0],)).fetchone()[0]
            wrong = "wrong-name" in [f.code for f in lint_person_note(store.person(ids[0])).findings]
            assert wrong is not fine and (listed == "fix") is not fine, greeting

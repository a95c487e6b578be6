"""Triage: marking (one, several, by group, by domain), outreach fields, sent/accepted, undo, re-import."""
from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest
from helpers_triage import add, decision, pid, rec

from knowme.model import Decision
from knowme.outreach import QueueState, outreach_status, queue_from_store
from knowme.triage import (
    QueryError,
    TriageError,
    after_import,
    apply,
    at_domain,
    in_category,
    mark,
    mark_different,
    mark_sent,
    resolve_one,
    set_outreach,
)


@pytest.fixture
def book(store):
    add(store, [
        rec("Ana", "Silva", ["ana@example.com"], categories=("Family", "* starred")),
        rec("Bo", "Berg", ["bo@oldcorp.com"], org="OldCorp"),
        rec("Cy", "Chen", ["cy@mail.oldcorp.com", "cy.chen@gmail.com"]),
        rec("Di", "Dahl", ["di@newcorp.com"], categories=("Coworkers",)),
        rec("Ed", "Eng", ["ed@notoldcorp.com"]),
    ])
    return store


def test_bulk_selection_by_group_and_domain(book) -> None:
    assert in_category(book, "family") == [pid(book, "ana@example.com")]
    assert in_category(book, "Starred") == [pid(book, "ana@example.com")]
    assert in_category(book, "nobody") == []
    assert at_domain(book, "oldcorp.com") == sorted([pid(book, "bo@oldcorp.com"), pid(book, "cy.chen@gmail.com")])
    assert at_domain(book, "@OLDCORP.COM") == at_domain(book, "oldcorp.com")


def test_mark_and_undo_restore_exactly(book) -> None:
    ids = at_domain(book, "oldcorp.com")
    result = mark(book, ids, Decision.EXCLUDE, note="former employer")
    assert sorted(result.changed) == ids
    assert all(decision(book, i) == "exclude" for i in ids)
    assert mark(book, ids, Decision.EXCLUDE).changed == []
    assert "marked 2 people exclude" in book.undo().summary
    assert all(decision(book, i) == "undecided" for i in ids)
    assert book.conn.execute("SELECT count(*) FROM people WHERE note != ''").fetchone()[0] == 0
    assert book.redo() is not None and decision(book, ids[0]) == "exclude"


def test_outreach_fields_are_validated_and_undoable(book) -> None:
    ana = pid(book, "ana@example.com")
    set_outreach(book, ana, how="event", context="PyCon Lisbon", why="talk", priority=2)
    person = book.person(ana)
    assert (person.how, person.context, person.why, person.priority) == ("event", "PyCon Lisbon", "talk", 2)
    with pytest.raises(TriageError):
        set_outreach(book, ana, how="met-in-a-bar")
    with pytest.raises(TriageError):
        set_outreach(book, ana, priority=-1)
    with pytest.raises(TriageError):
        apply(book, [ana], sent_on="yesterday")
    book.undo()
    assert book.person(ana).how == ""


def test_sent_makes_undecided_personalize_and_refuses_excluded(book) -> None:
    ana, bo = pid(book, "ana@example.com"), pid(book, "bo@oldcorp.com")
    mark(book, [bo], Decision.EXCLUDE)
    with pytest.raises(TriageError, match="excluded"):
        mark_sent(book, [ana, bo])
    assert book.person(ana).sent_on is None
    mark_sent(book, [ana], date(2026, 1, 5))
    person = book.person(ana)
    assert person.sent_on == "2026-01-05" and person.decision is Decision.PERSONALIZE
    book.undo()
    person = book.person(ana)
    assert person.sent_on is None and person.decision is Decision.UNDECIDED


def test_queue_states_sent_stale_and_accepted_after_connections_import(book) -> None:
    ana, di, ed = pid(book, "ana@example.com"), pid(book, "di@newcorp.com"), pid(book, "ed@notoldcorp.com")
    mark(book, [ana, di, ed], Decision.PERSONALIZE)
    today = date.today()
    mark_sent(book, [ana], today - timedelta(days=3))
    mark_sent(book, [di], today - timedelta(weeks=5))
    states = {i.person.id: i.state for i in queue_from_store(book).items}
    assert states == {ana: QueueState.SENT, di: QueueState.STALE, ed: QueueState.TO_SEND}
    # LinkedIn's Connections.csv: Ana by a sure name match (no email there), Di by email
    add(book, [rec("Ana", "Silva", [], org="Acme", connected_on="02 Jan 2099"),
               rec("Di", "Dahl", ["di@newcorp.com"], connected_on="not a date")], name="Connections.csv",
        fmt="linkedin")
    assert after_import(book, "Connections.csv") == sorted([ana, di])
    queue = queue_from_store(book)
    states = {i.person.id: i.state for i in queue.items}
    assert states[ana] is QueueState.SAY_THANKS and states[di] is QueueState.SAY_THANKS
    assert book.person(ana).accepted_on == "2099-01-02"
    assert book.person(di).accepted_on == today.isoformat()
    thanks = next(i for i in queue.items if i.person.id == ana).follow_up
    assert thanks.startswith("Thanks for connecting, Ana!")
    assert queue.counts() == {"say-thanks": 2, "to-send": 1, "stale": 0, "sent": 0}


def test_a_common_name_is_not_a_sure_match_for_acceptance(store) -> None:
    add(store, [rec("John", "Smith", ["js1@a.com"]), rec("John", "Smith", ["js2@b.com"])])
    mark_sent(store, [pid(store, "js1@a.com"), pid(store, "js2@b.com")])
    add(store, [rec("John", "Smith", [], connected_on="01 Jan 2099")], name="Connections.csv")
    assert after_import(store) == []


def test_monthly_batches_follow_priority_and_the_allowance(store) -> None:
    add(store, [rec(f"P{n}", "Person", [f"p{n}@x.com"]) for n in range(1, 8)])
    ids = [pid(store, f"p{n}@x.com") for n in range(1, 8)]
    mark(store, ids, Decision.PERSONALIZE)
    set_outreach(store, ids[6], priority=1)
    set_outreach(store, ids[5], priority=2)
    mark_sent(store, [ids[0]], date(2026, 3, 10))  # one of March's allowance is used
    store.set_setting("monthly_allowance", 2)
    queue = queue_from_store(store, today=date(2026, 3, 20))
    to_send = [(i.person.id, i.batch) for i in queue.items if i.state is QueueState.TO_SEND]
    assert to_send[0] == (ids[6], "2026-03")
    assert to_send[1] == (ids[5], "2026-04")
    assert [b for _, b in to_send] == ["2026-03", "2026-04", "2026-04", "2026-05", "2026-05", "2026-06"]
    # status counts the same queue from the people table alone
    status = outreach_status(store, today=date(2026, 3, 20))
    assert {k: status[k] for k in queue.counts()} == queue.counts()
    assert status["batches"] == 4 and status["notes_to_fix"] == queue.lint_errors == 6


def test_decisions_and_notes_survive_reimport_of_a_newer_export(store) -> None:
    first = [rec("Ana", "Silva", ["ana@example.com"], uid="u1"), rec("Bo", "Berg", ["bo@oldcorp.com"], uid="u2"),
             rec("Cy", "Chen", ["cy@x.com"])]
    add(store, first, name="contacts.vcf")
    mark(store, [pid(store, "ana@example.com")], Decision.KNOWS_ME, note="sister")
    mark(store, [pid(store, "bo@oldcorp.com")], Decision.EXCLUDE)
    set_outreach(store, pid(store, "cy@x.com"), how="colleague", context="Acme")
    newer = [rec("Ana", "Silva-Berg", ["ana@example.com", "ana@new.org"], uid="u1"),
             rec("Bo", "Berg", ["bo@newjob.com"], uid="u2"), rec("Cy", "Chen", ["cy@x.com"], phones=("555 0100",)),
             rec("New", "Person", ["new@x.com"])]
    out = add(store, newer, name="contacts.vcf")
    assert out.replaced and out.kept == 3
    ana = store.person(pid(store, "ana@new.org"))
    assert ana.decision is Decision.KNOWS_ME and ana.note == "sister"
    assert decision(store, pid(store, "bo@newjob.com")) == "exclude"
    assert store.person(pid(store, "cy@x.com")).context == "Acme"
    # the excluded person's old address stays blocked though it vanished from the source
    assert ("email", "bo@oldcorp.com") in store.blocked_keys()


def test_mark_different_is_undoable(store) -> None:
    add(store, [rec("Bob", "Smith", ["bob@a.com"]), rec("Robert", "Smith", ["rob@b.com"])])
    a, b = pid(store, "bob@a.com"), pid(store, "rob@b.com")
    assert mark_different(store, a, b) == 1
    assert store.conn.execute("SELECT verdict FROM verdicts").fetchone()[0] == "different"
    store.undo()
    assert store.conn.execute("SELECT count(*) FROM verdicts").fetchone()[0] == 0
    with pytest.raises(TriageError):
        mark_different(store, a, a)


# ---- the command ---------------------------------------------------------------------------------------


def _workspace(knowme) -> None:
    from knowme.store.core import Store

    with Store.open(knowme.db) as s:
        add(s, [rec("Ana", "Silva", ["ana@example.com"], categories=("Family",)),
                rec("Bo", "Berg", ["bo@oldcorp.com"]), rec("Cy", "Chen", ["cy@oldcorp.com"]),
                rec("John", "Smith", ["js1@a.com"]), rec("John", "Smith", ["js2@b.com"])])


def test_cli_mark_forms(knowme) -> None:
    _workspace(knowme)
    p = knowme("mark", "--domain", "oldcorp.com", "--as", "exclude")
    assert p.returncode == 0 and "2 people" in p.stdout
    p = knowme("mark", "--all-in-category", "Family", "--as", "knows-me", "--note", "family")
    assert p.returncode == 0
    p = knowme("mark", "js1@a.com", "js2@b.com", "--as", "personalize", "--how", "event", "--context",
               "PyCon", "--why", "talk", "--priority", "1", "--draft-template", "event")
    assert p.returncode == 0, p.stderr
    people = {q["emails"][0]: q for q in knowme.json("list", "--json")}
    assert people["bo@oldcorp.com"]["decision"] == "exclude"
    assert people["ana@example.com"]["decision"] == "knows-me" and people["ana@example.com"]["note"] == "family"
    assert knowme("mark", "js1@a.com", "--sent", "2026-01-02").returncode == 0
    status = knowme.json("status", "--json")
    assert status["outreach"]["say-thanks"] == 0 and status["outreach"]["to-send"] == 1
    assert status["outreach"]["sent"] + status["outreach"]["stale"] == 1
    assert knowme("undo").returncode == 0
    assert knowme.json("status", "--json")["outreach"]["to-send"] == 2


def test_cli_mark_errors_are_one_line(knowme) -> None:
    _workspace(knowme)
    for args, needle in [(("nobody@nowhere.invalid", "--as", "knows-me"), "nobody matches"),
                         (("John Smith", "--as", "knows-me"), "matches 2 people"),
                         (("--all-in-category", "Nope", "--as", "exclude"), "nobody is in the group"),
                         (("--domain", "nowhere.invalid", "--as", "exclude"), "nobody has an address"),
                         (("ana@example.com",), "say what to change"),
                         (("--as", "exclude"), "say who"),
                         (("ana@example.com", "--sent", "soon"), "YYYY-MM-DD")]:
        p = knowme("mark", *args)
        assert p.returncode == 1, (args, p.stderr)
        assert needle in p.stderr and "Traceback" not in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    p = knowme("mark", "John Smith", "--as", "knows-me")
    assert "js1@a.com" in p.stderr and "js2@b.com" in p.stderr  # the candidates are listed
    assert knowme("mark", "ana@example.com", "--as", "maybe").returncode == 2
    assert json.loads(knowme("status", "--json").stdout)["decisions"]["undecided"] == 5


def test_cli_settings(knowme) -> None:
    knowme.init()  # `set` needs a workspace (only import, review FILE and demo make one)
    assert knowme("set", "monthly-allowance", "5").returncode == 0
    assert knowme.json("settings", "--json")["monthly-allowance"] == 5
    p = knowme("set", "stale-weeks", "zero")
    assert p.returncode == 1 and "whole number" in p.stderr
    assert knowme("set", "colour", "blue").returncode == 2


def _vcf(*cards: tuple[str, str, str]) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nN:{family};{given};;;\r\nFN:{given} {family}\r\n"
                   f"EMAIL:{email}\r\nEND:VCARD\r\n" for uid, given, family, email in
                   [(f"u-{c[2]}", *c) for c in cards])


def test_cli_user_story_reimport_keeps_decisions_and_the_safe_file_is_exact(knowme, tmp_path) -> None:
    book = tmp_path / "contacts.vcf"
    book.write_text(_vcf(("Ana", "Silva", "ana@x.com"), ("Bo", "Berg", "bo@oldcorp.com"), ("Cy", "Chen", "cy@x.com"),
                         ("Di", "Dahl", "di@x.com")))
    assert knowme("import", book).returncode == 0
    assert knowme("mark", "ana@x.com", "di@x.com", "--as", "knows-me").returncode == 0
    assert knowme("mark", "bo@oldcorp.com", "--as", "exclude", "--note", "ex-boss").returncode == 0
    assert knowme("mark", "cy@x.com", "--as", "personalize", "--how", "colleague", "--context", "Acme").returncode == 0
    # a newer export of the same address book: Bo has a new job address, Di is gone, Ed is new
    book.write_text(_vcf(("Ana", "Silva", "ana@x.com"), ("Bo", "Berg", "bo@newjob.com"), ("Cy", "Chen", "cy@x.com"),
                         ("Ed", "Eng", "ed@x.com")).replace("UID:u-bo@newjob.com", "UID:u-bo@oldcorp.com"))
    p = knowme("import", book)  # Di, decided on, would go: not without being told
    assert p.returncode == 1 and "Di Dahl (knows-me)" in p.stderr and "--replace" in p.stderr
    p = knowme("import", book, "--replace")
    assert p.returncode == 0 and "3 kept" in p.stdout
    people = {q["emails"][0]: q for q in knowme.json("list", "--json")}
    assert people["ana@x.com"]["decision"] == "knows-me"
    assert people["bo@newjob.com"]["decision"] == "exclude" and people["bo@newjob.com"]["note"] == "ex-boss"
    assert people["cy@x.com"]["decision"] == "personalize" and people["ed@x.com"]["decision"] == "undecided"
    out = tmp_path / "safe.csv"
    assert knowme("export", "safe", "-o", out).returncode == 0
    lines = out.read_text().splitlines()
    assert lines[1:] == ["Ana,Silva,ana@x.com,,,,"]


def test_cli_connections_import_turns_a_sent_request_into_say_thanks(knowme, tmp_path) -> None:
    book = tmp_path / "contacts.vcf"
    book.write_text(_vcf(("Ana", "Silva", "ana@x.com"), ("Bo", "Berg", "bo@x.com")))
    assert knowme("import", book).returncode == 0
    assert knowme("mark", "ana@x.com", "--as", "personalize", "--why", "advice").returncode == 0
    assert knowme("mark", "ana@x.com", "--sent").returncode == 0
    connections = tmp_path / "Connections.csv"
    connections.write_text('Notes:\n"When exporting your connection data, you may notice..."\n\n'
                           "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                           "Ana,Silva,https://www.linkedin.com/in/anasilva,,Acme,CTO,15 Jan 2099\n")
    p = knowme("import", connections)
    assert p.returncode == 0, p.stderr
    status = knowme.json("status", "--json")
    assert status["outreach"]["say-thanks"] == 1 and status["outreach"]["sent"] == 0
    data = knowme.json("export", "outreach", "-o", tmp_path / "q.json", "--format", "json", "--json")
    assert data["counts"]["say-thanks"] == 1
    queue = json.loads((tmp_path / "q.json").read_text())
    assert queue["people"][0]["follow_up"].startswith("Thanks for connecting, Ana!")
    assert queue["people"][0]["accepted_on"] == "2099-01-15"


# SQLite builds before 3.32 (and some system builds since) take at most 999 parameters in one statement
OLD_SQLITE_PARAMETERS = 999


def test_a_name_shared_by_more_people_than_one_statement_takes_still_lists_them(store) -> None:
    add(store, [rec("Sam", "Roe", [f"sam{n}@example.com"]) for n in range(1200)])
    store.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_SQLITE_PARAMETERS)
    with pytest.raises(QueryError, match=r"matches 1200 people \(.*Sam Roe <sam.*and 1190 more\); use the id"):
        resolve_one(store, "sam roe")


def test_acceptance_is_found_among_more_sent_requests_than_one_statement_takes(store) -> None:
    add(store, [rec("Sam", f"Roe{n}", [f"sam{n}@example.com"]) for n in range(1200)])
    sent = [pid(store, f"sam{n}@example.com") for n in range(1200)]
    mark_sent(store, sent, date(2026, 3, 10))
    add(store, [rec("Samuel", "Roe", ["sam1100@example.com"], connected_on="12 Mar 2026")], name="Connections.csv",
        fmt="linkedin")
    store.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_SQLITE_PARAMETERS)
    assert after_import(store) == [sent[1100]]
    assert store.person(sent[1100]).accepted_on == "2026-03-12"

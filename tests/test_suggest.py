"""Suggestions: role addresses, address-book groups, mail signals, the rules file; accepting is undoable."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers_triage import add, decision, pid, rec

from knowme.model import Decision, MailSignal, Person
from knowme.paths import SAMPLE_DATA
from knowme.suggest import (
    MailThresholds,
    RulesError,
    accept_suggestions,
    load_rules,
    pending,
    refresh_suggestions,
    rules_from_data,
    suggestion_for,
)
from knowme.triage import mark

TODAY = date(2026, 6, 1)


def suggest(record, rules=(), mail=None) -> tuple[str | None, str]:
    value, reason = suggestion_for(Person(1, records=[record]), rules, mail, TODAY)
    return (value.value if value else None), reason


@pytest.mark.parametrize("email", ["info@shop.com", "sales@acme.io", "noreply@github.com", "no-reply@x.com",
                                   "notifications@app.com", "mailer-daemon@mx.org", "team-list@lists.example.org",
                                   "someone@bounce.mailer.com", "newsletter@paper.com"])
def test_role_and_machine_addresses_suggest_exclude(email: str) -> None:
    value, reason = suggest(rec("Shop", "Team", [email]))
    assert value == "exclude" and "role or machine" in reason


def test_a_person_with_one_real_address_is_not_a_role() -> None:
    assert suggest(rec("Ana", "Silva", ["info@shop.com", "ana@shop.com"]))[0] is None


@pytest.mark.parametrize("group", ["Family", "* starred", "Friends", "Coworkers", "STARRED"])
def test_address_book_groups_suggest_knows_me(group: str) -> None:
    value, reason = suggest(rec("Ana", "Silva", ["ana@x.com"], categories=(group,)))
    assert value == "knows-me" and reason.startswith("address book")


def test_no_name_and_a_single_unknown_address_suggests_exclude() -> None:
    assert suggest(rec(emails=["qx77@randommail.com"], fn="qx77@randommail.com"))[0] == "exclude"
    assert suggest(rec(emails=["x7f3q@deals.biz"]))[0] == "exclude"
    assert suggest(rec("Ana", "", ["ana@x.com"]))[0] is None
    assert suggest(rec(emails=["a@x.com", "b@y.com"]))[0] is None
    # an address book entry holding only an address that reads as a name is someone: the user decides
    for email in ("ana.silva@x.com", "john.smith26@example.com", "asmith@post.example.org", "cjones@x.net",
                  "johnsmith@x.com", "charlesa@jones.co.uk"):
        assert suggest(rec(emails=[email]))[0] is None, email


def test_connected_people_get_no_suggestion() -> None:
    assert suggest(rec("Shop", "", ["info@shop.com"], connected_on="01 Jan 2020")) == (None, "")


def test_mail_signals_with_numbers_in_the_reason() -> None:
    two_way = MailSignal(sent=12, received=9, two_way_threads=4, last="2026-04-01")
    value, reason = suggest(rec("Ana", "Silva", ["ana@x.com"], signal=two_way))
    assert value == "knows-me" and "12 sent, 9 received, 4 two-way threads, last 2026-04-01" in reason
    old = MailSignal(sent=12, received=9, two_way_threads=4, last="2015-04-01")
    assert suggest(rec("Ana", "Silva", ["ana@x.com"], signal=old))[0] is None
    once = MailSignal(sent=1, received=1, two_way_threads=1, last="2026-04-01")
    assert suggest(rec("Ana", "Silva", ["ana@x.com"], signal=once))[0] is None
    strict = MailThresholds(min_threads=5)
    assert suggest(rec("Ana", "Silva", ["ana@x.com"], signal=two_way), mail=strict)[0] is None
    inbound = MailSignal(received=3, last="2026-04-01")
    assert suggest(rec("Ana", "Silva", ["ana@x.com"], signal=inbound))[0] == "personalize"
    bulk = MailSignal(received=30, bulk=28, last="2026-04-01")
    value, reason = suggest(rec("Deals", "Daily", ["deals@shop.com"], signal=bulk))
    assert value == "exclude" and "30 received" in reason
    # a named contact of an address book who once sent a mass mail is not a newsletter
    both = Person(1, records=[rec("Ana", "Silva", ["ana@x.com"]),
                              rec("Ana", "Silva", ["ana@x.com"], signal=MailSignal(received=1, bulk=1))])
    assert suggestion_for(both, (), None, TODAY) == (None, "")


def test_rules_match_domain_category_org_name_title() -> None:
    rules = rules_from_data([
        {"name": "oldcorp", "suggest": "exclude", "reason": "former employer", "when": {"domain": "oldcorp.com"}},
        {"name": "recruiters", "suggest": "personalize", "when": {"title": ["*recruit*"]}},
        {"name": "acme-team", "suggest": "knows-me", "when": {"org": "Acme*", "category": "Coworkers"}},
        {"name": "smiths", "suggest": "exclude", "when": {"name": "smith"}},
    ])
    assert suggest(rec("A", "B", ["a@eu.oldcorp.com"]), rules) == ("exclude", "rule oldcorp: former employer")
    assert suggest(rec("A", "B", ["a@notoldcorp.com"]), rules)[0] is None
    assert suggest(rec("A", "B", ["a@x.com"], title="Senior Technical Recruiter"), rules)[0] == "personalize"
    assert suggest(rec("A", "B", ["a@x.com"], org="ACME Corp", categories=("coworkers",)), rules)[0] == "knows-me"
    assert suggest(rec("A", "B", ["a@x.com"], org="ACME Corp"), rules)[0] is None  # AND of conditions
    assert suggest(rec("Jo", "Smith", ["jo@x.com"]), rules)[0] == "exclude"
    assert suggest(rec("Jo", "Smithers", ["jo@x.com"]), rules)[0] is None  # whole words only
    # rules come before the built-in suggestions
    assert suggest(rec("A", "B", ["info@oldcorp.com"]), rules)[1].startswith("rule oldcorp")


def test_the_example_rules_file_loads() -> None:
    rules = load_rules(SAMPLE_DATA / "rules.example.toml")
    assert [r.name for r in rules] == ["former-employer", "recruiters", "family", "team-at-acme"]


@pytest.mark.parametrize("text, needle", [
    ("[[rule]]\nname='x'\nsuggest='maybe'\nwhen.domain='a.com'\n", "suggest must be"),
    ("[[rule]]\nname='x'\nsuggest='exclude'\n", "at least one condition"),
    ("[[rule]]\nname='x'\nsuggest='exclude'\nwhen.colour='red'\n", "unknown condition"),
    ("[[rule]]\nname='x'\nsuggest='exclude'\ndomain='a.com'\n", "unknown key"),
    ("[[rule]]\nname='x'\nsuggest='exclude'\nwhen.domain=[]\n", "a text or a list"),
    ("[[rule]\n", "not valid TOML"),
])
def test_bad_rules_files_say_what_is_wrong(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(RulesError, match=needle):
        load_rules(path)
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.toml")


def test_refresh_and_accept_as_one_undoable_action(store) -> None:
    add(store, [rec("Shop", "", ["info@shop.com"]), rec("Ana", "Silva", ["ana@x.com"], categories=("Family",)),
                rec("Bo", "Berg", ["bo@oldcorp.com"]), rec("Cy", "Chen", ["cy@x.com"], categories=("Family",))])
    rules = rules_from_data([{"name": "oldcorp", "suggest": "exclude", "when": {"domain": "oldcorp.com"}}])
    assert refresh_suggestions(store, rules=rules) == 4
    assert refresh_suggestions(store, rules=rules) == 0
    mark(store, [pid(store, "cy@x.com")], Decision.EXCLUDE)  # the user decided otherwise: never overridden
    assert {p.name for p in pending(store)} == {"Shop", "Ana Silva", "Bo Berg"}
    assert [p.id for p in accept_suggestions(store, rule="oldcorp")] == [pid(store, "bo@oldcorp.com")]
    accepted = accept_suggestions(store)
    assert len(accepted) == 2
    assert decision(store, pid(store, "info@shop.com")) == "exclude"
    assert decision(store, pid(store, "ana@x.com")) == "knows-me"
    assert decision(store, pid(store, "cy@x.com")) == "exclude"
    assert "accepted suggestions" in store.undo().summary
    assert decision(store, pid(store, "info@shop.com")) == "undecided"
    assert decision(store, pid(store, "ana@x.com")) == "undecided"
    assert decision(store, pid(store, "bo@oldcorp.com")) == "exclude"


def test_cli_suggest_list_rules_and_accept(knowme, tmp_path: Path) -> None:
    from knowme.store.core import Store

    with Store.open(knowme.db) as s:
        add(s, [rec("Shop", "", ["info@shop.com"]), rec("Bo", "Berg", ["bo@oldcorp.com"]),
                rec("Ana", "Silva", ["ana@x.com"], categories=("Family",))])
    items = knowme.json("suggest", "--json")
    assert {(i["email"], i["suggestion"]) for i in items} == {("info@shop.com", "exclude"),
                                                               ("ana@x.com", "knows-me")}
    p = knowme("suggest", "--rules", SAMPLE_DATA / "rules.example.toml")
    assert p.returncode == 0 and "former employer" in p.stdout
    assert {i["rule"] for i in knowme.json("suggest", "--json")} == {None, "former-employer", "family"}
    # the rules are remembered
    p = knowme("suggest", "--accept", "--rule", "former-employer")
    assert p.returncode == 0 and "1 exclude" in p.stdout
    assert knowme("suggest", "--accept").returncode == 1
    assert knowme("suggest", "--accept", "x1").returncode == 1
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nname='x'\n")
    p = knowme("suggest", "--rules", bad)
    assert p.returncode == 1 and "bad.toml" in p.stderr and "Traceback" not in p.stderr
    p = knowme("suggest", "--accept", "all")
    assert p.returncode == 0 and "1 exclude, 1 knows-me" in p.stdout and "undo takes it back" in p.stdout
    assert knowme.json("status", "--json")["decisions"]["undecided"] == 0
    # nothing left to accept: nothing logged, and no promise that undo takes "it" back (it took back the
    # accept before, the action the user did not mean)
    p = knowme("suggest", "--accept", "all")
    assert p.returncode == 0 and p.stdout.strip() == "accepted: nothing"

"""Held people can be found again: `knowme list --held` names every person alike someone excluded, why,
and the two commands that settle each, whatever import brought them and however long ago.

An import of more than ten held cards named ten and said "and N more" with no ids, and nothing listed
held people afterwards: a user who imported 200 of them (or closed the terminal) could find them only by
trying `mark` on everyone.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_suppression import GOOGLE_HEADER, Cli, cli, exclude_jane, vcard  # noqa: F401  (cli: the fixture)


def held(cli: Cli) -> dict[int, dict]:
    return {row["id"]: row for row in json.loads(cli.ok("list", "--held", "--json"))}


def twelve_janes(cli: Cli) -> tuple[int, list[int], str]:
    """Jane excluded, then twelve Jane Doe cards at new addresses (one spelled Jäne Döe, one "Doe, Jane"
    in one cell) and Al Kay: (Jane's id, the twelve's ids, what the import said)."""
    jane = exclude_jane(cli)
    rows = "".join(f"Jane,,Doe,Home,jd{n}@new{n}.io,,,,\n" for n in range(1, 11))
    rows += "Jäne,,Döe,Home,jd11@new11.io,,,,\n\"Doe, Jane\",,,Home,jd12@new12.io,,,,\nAl,,Kay,Home,al@kay.io,,,,\n"
    said = cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + rows))
    return jane, [cli.id(f"jd{n}@new{n}.io") for n in range(1, 13)], said


def test_an_import_of_twelve_held_cards_points_to_the_list_and_it_names_all_twelve(cli: Cli) -> None:
    jane, twelve, said = twelve_janes(cli)
    said = " ".join(said.split())
    assert "and 2 more (knowme list --held lists every one, with its ways out)" in said
    assert not any(f"{pid}:" in said for pid in twelve[10:])  # the import named ten of them
    out = cli.ok("list", "--held")
    assert out.startswith("12 people alike someone you excluded")
    for pid in twelve:
        assert f"knowme mark {pid} --as exclude" in out and f"knowme mark {pid} --not-same-as {jane}" in out
    assert "Al Kay" not in out and "Bo Berg" not in out
    rows = held(cli)
    assert sorted(rows) == sorted(twelve)
    assert {row["excluded"]["id"] for row in rows.values()} == {jane}
    assert all(row["decision"] == "undecided" and row["why"] == "bears the name of" for row in rows.values())
    assert rows[twelve[10]]["matched"] == "jane doe"
    assert rows[twelve[0]]["ways_out"] == [f"knowme mark {twelve[0]} --as exclude",
                                           f"knowme mark {twelve[0]} --not-same-as {jane}"]


def test_each_way_out_the_list_prints_runs_and_takes_the_person_off_it(cli: Cli) -> None:
    """The attacker's check: a held person kept apart or marked exclude leaves the list, the others stay,
    and mark still refuses knows-me to anyone left on it. One kept apart from Jane bears the name of the
    Jane Doe excluded next as well: held again, by that one, with the way out that names them."""
    jane, twelve, _said = twelve_janes(cli)
    rows = held(cli)
    other = rows[twelve[1]]["ways_out"][1]
    cli.ok(*other.split()[1:])
    assert sorted(held(cli)) == sorted([twelve[0], *twelve[2:]])
    same = rows[twelve[0]]["ways_out"][0]
    cli.ok(*same.split()[1:])
    left = held(cli)
    assert sorted(left) == sorted(twelve[1:])
    assert left[twelve[1]]["excluded"]["id"] == twelve[0]
    assert {left[pid]["excluded"]["id"] for pid in twelve[2:]} == {jane}
    cli.ok(*left[twelve[1]]["ways_out"][1].split()[1:])
    assert sorted(held(cli)) == sorted(twelve[2:])
    decisions = {int(p["id"]): p["decision"] for p in cli.people().values()}
    assert decisions[twelve[0]] == "exclude" and decisions[twelve[1]] == "undecided"
    cli.ok("mark", twelve[1], "--as", "knows-me")  # kept apart from both: no longer held
    code, _out, err = cli("mark", twelve[2], "--as", "knows-me")
    assert code == 1 and f"--not-same-as" in err


def test_a_held_card_imported_again_after_being_forgotten_comes_back_on_the_list(cli: Cli) -> None:
    """Kept apart, then its book forgotten and imported again: the new card is no part of that answer,
    so it is held again and listed."""
    jane = exclude_jane(cli)
    book = cli.file("google.csv", GOOGLE_HEADER + "Jane,,Doe,Home,jd@newmail.io,,,,\n")
    cli.ok("import", book)
    first = cli.id("jd@newmail.io")
    assert list(held(cli)) == [first]
    cli.ok("mark", first, "--not-same-as", jane)
    assert held(cli) == {}
    cli.ok("forget", "google.csv")
    cli.ok("import", cli.file("other.csv", GOOGLE_HEADER + "Jane,,Doe,Work,jd@other.io,,,,\n"))
    again = cli.id("jd@other.io")
    assert list(held(cli)) == [again]
    assert held(cli)[again]["excluded"]["id"] == jane


def test_a_card_holding_an_excluded_address_under_another_name_is_listed_by_that_address(cli: Cli) -> None:
    jane = exclude_jane(cli)
    cli.ok("import", cli.file("work.vcf", vcard("N:Smith;Sam;;;\nFN:Sam Smith\nEMAIL:jane@acme.com")))
    sam = cli.id("jane@acme.com")
    rows = held(cli)
    assert list(rows) == [sam] and rows[sam]["matched"] == "jane@acme.com"
    assert rows[sam]["excluded"] == {"id": jane, "name": "Jane Doe", "in_an_address_book": True}
    out = cli.ok("list", "--held")
    assert f"holds jane@acme.com, an address of {jane}: Jane Doe (excluded)" in out


def test_nobody_held_says_so_and_held_with_a_decision_is_bad_usage(cli: Cli) -> None:
    cli.ok("import", cli.file("phone.vcf", vcard("N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@acme.com")))
    assert "nobody is held" in cli.ok("list", "--held")
    assert json.loads(cli.ok("list", "--held", "--json")) == []
    with pytest.raises(SystemExit) as usage:
        cli("list", "--held", "--decision", "undecided")
    assert usage.value.code == 2


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cards=st.lists(st.sampled_from(["Jane,,Doe", "Jane,,Roe", "Doe,,Jane", "JANE,,DOE", "Al,,Kay"]),
                      min_size=1, max_size=14))
def test_the_list_is_exactly_the_people_mark_refuses(cli: Cli, cards: list[str]) -> None:
    """Whatever cards come in, `list --held` names exactly the new people `mark --as knows-me` refuses."""
    if cli.db.exists():
        for suffix in ("", "-wal", "-shm"):
            (cli.tmp / f"w.db{suffix}").unlink(missing_ok=True)
    exclude_jane(cli)
    rows = "".join(f"{name},Home,c{n}@cards{n}.io,,,,\n" for n, name in enumerate(cards))
    cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + rows))
    listed = set(held(cli))
    for n in range(len(cards)):
        pid = cli.id(f"c{n}@cards{n}.io")
        code, _out, _err = cli("mark", pid, "--as", "knows-me")
        assert (code == 1) is (pid in listed), (cards[n], code)


def test_a_card_named_only_by_its_address_company_or_nickname_is_listed_as_mark_refuses_it(cli: Cli) -> None:
    """A nameless card's jane.doe@ address, a card whose only name is its company or its nickname: mark
    refuses each knows-me as bearing Jane's name, so the list names each (it missed the nameless one)."""
    jane = exclude_jane(cli)
    cli.ok("import", cli.file("b.vcf", vcard("EMAIL:jane.doe@other.io", "N:;;;;\nFN:\nORG:Jane Doe\nEMAIL:x@y.io",
                                             "NICKNAME:Jane Doe\nEMAIL:nick@y.io", "N:Kay;Al;;;\nFN:Al Kay")))
    three = [cli.id(key) for key in ("jane.doe@other.io", "x@y.io", "nick@y.io")]
    rows = held(cli)
    assert sorted(rows) == sorted(three)
    assert all(row["excluded"]["id"] == jane and row["matched"] == "jane doe" for row in rows.values())
    for pid in three:
        code, _out, err = cli("mark", pid, "--as", "knows-me")
        assert code == 1 and f"--not-same-as {jane}" in err

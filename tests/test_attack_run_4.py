"""Routes a fourth attack run found by which an excluded person reached the safe file through a sequence
of ordinary commands, each replayed from the user's side.

Un-excluding one person lifted every exclusion of a person no book holds any more that they matched:
a housemate's, through the landline they share, or a namesake's. That person's own addresses were then
exported. An un-exclude lifts only the person's own exclusion, and their own earlier one (their card,
or their address under their name, back from another export).
"""
from __future__ import annotations

import json

from test_suppression import Cli, cli, vcard  # noqa: F401 (cli is a fixture)


def _card(first: str, last: str, email: str, extra: str = "") -> str:
    return f"N:{last};{first};;;\nFN:{first} {last}\nEMAIL:{email}" + (f"\n{extra}" if extra else "")


def _listed(cli: Cli) -> list[dict]:
    return json.loads(cli.ok("list", "--json"))


def _safe_file(cli: Cli) -> str:
    code, out, err = cli("export", "safe", "-o", "-")
    return out if code == 0 else ""


def test_lifting_one_housemates_exclusion_keeps_the_other_whose_card_left_the_book(cli: Cli) -> None:
    landline = "TEL;TYPE=HOME:+1 555 201 0005"
    for folder in ("v1", "v2"):
        (cli.tmp / folder).mkdir()
    cli.ok("import", cli.file("v1/phone.vcf", vcard(_card("Tom", "Berg", "tom@berg.net", landline),
                                                     _card("Lisa", "Berg", "lisa@berg.net", landline))))
    tom, lisa = cli.id("tom@berg.net"), cli.id("lisa@berg.net")
    cli.ok("mark", tom, "--as", "exclude")
    cli.ok("mark", lisa, "--as", "exclude")
    cli.ok("import", cli.file("v2/phone.vcf", vcard(_card("Lisa", "Berg", "lisa@berg.net", landline))), "--replace")
    code, _out, err = cli("mark", lisa, "--as", "knows-me", "--unexclude")
    assert code == 1 and f"a phone of {tom}: Tom Berg (excluded, in no address book any more)" in err
    assert f"knowme mark {lisa} --not-same-as {tom}" in err
    cli.ok("mark", lisa, "--not-same-as", tom)  # the way out it names: then her own exclusion is hers to lift
    cli.ok("mark", lisa, "--as", "knows-me", "--unexclude")
    assert "lisa@berg.net" in _safe_file(cli)
    # Tom's exclusion stands: his address under his name from another book is his card back, excluded again
    # (refused without --unexclude), and never exported
    said = cli.ok("import", cli.file("outlook.csv", "First Name,Last Name,E-mail Address\nThomas,Berg,tom@berg.net\n"))
    assert "came back, excluded again: Thomas Berg" in said
    code, _out, err = cli("mark", cli.id("tom@berg.net"), "--as", "knows-me")
    assert code == 1 and "Thomas Berg is excluded" in err
    assert "tom@berg.net" not in _safe_file(cli)


def test_lifting_one_namesakes_exclusion_keeps_the_other_namesakes(cli: Cli) -> None:
    for folder in ("v1", "v2"):
        (cli.tmp / folder).mkdir()
    x, y = _card("Ann", "Lee", "ann.lee@x.com", "ORG:Xco"), _card("Ann", "Lee", "ann.lee@y.org", "ORG:Yorg")
    cli.ok("import", cli.file("v1/phone.vcf", vcard(x, y)))
    ann_x, ann_y = cli.id("ann.lee@x.com"), cli.id("ann.lee@y.org")
    cli.ok("mark", ann_y, "--as", "exclude")
    cli.ok("mark", ann_x, "--as", "exclude")
    cli.ok("import", cli.file("v2/phone.vcf", vcard(x)), "--replace")
    code, _out, err = cli("mark", ann_x, "--as", "knows-me", "--unexclude")
    assert code == 1 and f"bears the name of {ann_y}: Ann Lee (excluded, in no address book any more)" in err
    cli.ok("import", cli.file("google.csv", "First Name,Last Name,E-mail 1 - Value\nAnn,Lee,ann.lee@y.org\n"))
    assert cli("mark", cli.id("ann.lee@y.org"), "--as", "knows-me")[0] == 1
    assert "ann.lee@y.org" not in _safe_file(cli)


def test_a_persons_own_earlier_exclusion_is_theirs_to_lift(cli: Cli) -> None:
    """Jane's card left the book she was excluded from and came back from another export: the same
    address under her name. Un-excluding her lifts that exclusion, as before."""
    (cli.tmp / "v1").mkdir()
    (cli.tmp / "v2").mkdir()
    cli.ok("import", cli.file("v1/phone.vcf", vcard(_card("Jane", "Doe", "jane@doe.example"),
                                                     _card("Kim", "Park", "kim@park.example"))))
    cli.ok("mark", cli.id("jane@doe.example"), "--as", "exclude")
    cli.ok("import", cli.file("v2/phone.vcf", vcard(_card("Kim", "Park", "kim@park.example"))), "--replace")
    cli.ok("import", cli.file("google.csv", "First Name,Last Name,E-mail 1 - Value\nJane,Doe,jane@doe.example\n"))
    jane = cli.id("jane@doe.example")
    code, _out, err = cli("mark", jane, "--as", "knows-me")
    assert code == 1 and "--unexclude" in err
    assert "lifted the exclusion" in cli.ok("mark", jane, "--as", "knows-me", "--unexclude")
    assert "jane@doe.example" in _safe_file(cli)


LINKEDIN = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def test_a_reordered_newer_export_keeps_each_namesakes_decision_on_their_own_card(cli: Cli) -> None:
    """Two Ann Lees with no address or profile (LinkedIn rows often have neither): the same rows in another
    order moved the exclusion from Ann at Xco to Ann at Yorg."""
    xco, yorg, kim = ("Ann,Lee,,,Xco,Engineer,15 Jan 2023\n", "Ann,Lee,,,Yorg,Engineer,15 Jan 2023\n",
                      "Kim,Park,,,Park,Engineer,15 Jan 2023\n")
    for folder in ("v1", "v2"):
        (cli.tmp / folder).mkdir()
    cli.ok("import", cli.file("v1/Connections.csv", LINKEDIN + xco + yorg + kim))
    by_org = {p["org"]: p["id"] for p in _listed(cli)}
    cli.ok("mark", by_org["Xco"], "--as", "exclude")
    cli.ok("mark", by_org["Yorg"], "--not-same-as", by_org["Xco"])
    cli.ok("mark", by_org["Yorg"], "--as", "knows-me")
    out = cli.ok("import", cli.file("v2/Connections.csv", LINKEDIN + yorg + kim + xco))
    assert "3 kept" in out
    decided = {p["org"]: (p["id"], p["decision"]) for p in _listed(cli)}
    assert decided["Xco"] == (by_org["Xco"], "exclude") and decided["Yorg"] == (by_org["Yorg"], "knows-me")


def test_a_reordered_newer_export_never_puts_the_excluded_namesakes_new_address_on_the_other(cli: Cli) -> None:
    for folder in ("v1", "v2"):
        (cli.tmp / folder).mkdir()
    xco, yorg = "N:Lee;Ann;;;\nFN:Ann Lee\nORG:Xco", "N:Lee;Ann;;;\nFN:Ann Lee\nORG:Yorg"
    kim = _card("Kim", "Park", "kim@park.com")
    cli.ok("import", cli.file("v1/phone.vcf", vcard(xco, yorg, kim)))
    by_org = {p["org"]: p["id"] for p in _listed(cli)}
    cli.ok("mark", by_org["Xco"], "--as", "exclude")
    cli.ok("mark", by_org["Yorg"], "--not-same-as", by_org["Xco"])
    cli.ok("mark", by_org["Yorg"], "--as", "knows-me")
    cli.ok("import", cli.file("v2/phone.vcf", vcard(yorg, kim, xco + "\nEMAIL:ann.lee@xco.com")))
    people = cli.people()
    assert people["ann.lee@xco.com"]["id"] == by_org["Xco"] and people["ann.lee@xco.com"]["decision"] == "exclude"
    assert "ann.lee@xco.com" not in _safe_file(cli)

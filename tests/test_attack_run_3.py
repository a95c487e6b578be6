"""Routes a third attack run found by which an excluded person still reached an export, each replayed
from the user's side: a LinkedIn profile written another way (%-escaped, on the mobile site, with
punctuation after it), the profile of an excluded person kept apart with `--not-same-as`, two addresses
in one cell split by a Chinese or Japanese comma, a phone written with an extension, and a given name
in another language or a diminutive the nickname table lacks. Each must stop the card (mark refuses
it, or the export blocks) or keep the excluded identifier out of every file."""
from __future__ import annotations

import json

import pytest
from test_lookalike_readings import conflicts_with, exclude, knows_me
from test_suppression import Cli, blocked, cli, vcard  # noqa: F401 (cli is a fixture)

from knowme.normalize import linkedin_key
from knowme.store.core import Store

JEROME = "N:Dupont;Jérôme;;;\nFN:Jérôme Dupont\nEMAIL:jerome@oldco.fr\nURL:https://www.linkedin.com/in/j%C3%A9r%C3%B4me-dupont-4a1b2c"


@pytest.mark.parametrize("written", [
    "https://www.linkedin.com/in/jérôme-dupont-4a1b2c",
    "https://www.linkedin.com/in/J%C3%A9R%C3%B4ME-DUPONT-4a1b2c/",
    "https://www.linkedin.com/mwlite/in/j%C3%A9r%C3%B4me-dupont-4a1b2c",
    "https://fr.linkedin.com/in/jérôme-dupont-4a1b2c&trk=people",
    "(linkedin.com/in/jérôme-dupont-4a1b2c).",
    "https://www.linkedin.com/in/jérô\u200bme-dupont-4a1b2c",
])
def test_a_card_giving_the_excluded_profile_written_another_way_is_stopped(cli: Cli, written: str) -> None:
    exclude(cli, JEROME)
    cli.ok("import", cli.file("new.vcf", vcard(f"FN:Newco Consulting\nEMAIL:hello@newco.io\nURL:{written}")))
    code, _out, err = cli("mark", cli.id("hello@newco.io"), "--as", "knows-me")
    assert code == 1 and "a profile of" in err and "Jérôme Dupont (excluded)" in err


def test_profile_keys_read_every_spelling_of_one_profile_and_no_other_page() -> None:
    one = {linkedin_key(u) for u in ("https://www.linkedin.com/in/jane-doe", "http://uk.linkedin.com/in/Jane-Doe/",
                                     "linkedin.com/in/jane%2Ddoe?trk=x", "https://m.linkedin.com/mwlite/in/jane-doe",
                                     "<https://www.linkedin.com/in/jane-doe>", "ｌｉｎｋｅｄｉｎ.ｃｏｍ/ｉｎ/ｊａｎｅ-ｄｏｅ")}
    assert one == {"linkedin.com/in/jane-doe"}
    assert linkedin_key("https://www.linkedin.com/profile/view?id=AAAB123&trk=x") == "linkedin.com/profile/aaab123"
    assert linkedin_key("https://www.linkedin.com/company/acme") is None
    assert linkedin_key("https://www.linkedin.com/in/jane-doe-2") != "linkedin.com/in/jane-doe"


def test_the_outreach_queue_never_carries_an_excluded_persons_profile(cli: Cli) -> None:
    """Paul holds Jérôme's profile on his card; the user says they are different people (`--not-same-as`)
    and Paul goes to the queue: his own address is written, the excluded profile is not (as an excluded
    address is not)."""
    [jerome] = exclude(cli, JEROME)
    cli.ok("import", cli.file("paul.vcf", vcard(
        "N:Martin;Paul;;;\nFN:Paul Martin\nEMAIL:paul.martin@newco.io\n"
        "URL:https://www.linkedin.com/in/jérôme-dupont-4a1b2c")))
    paul = cli.id("paul.martin@newco.io")
    cli.ok("mark", paul, "--not-same-as", jerome)
    cli.ok("mark", paul, "--as", "personalize", "--draft", "Hi Paul, good to meet you in Paris; I'd value your advice.")
    for fmt in ("csv", "md", "json"):
        out = cli.tmp / f"queue.{fmt}"
        cli.ok("export", "outreach", "-o", out, "--format", fmt)
        text = out.read_text(encoding="utf-8")
        assert "paul.martin@newco.io" in text and "dupont" not in text.lower(), fmt
    assert json.loads((cli.tmp / "queue.json").read_text(encoding="utf-8"))["people"][0]["linkedin"] is None


@pytest.mark.parametrize("cell", ["wei.wang@oldco.cn、wangwei1988@163.com", "wei.wang@oldco.cn，wangwei1988@163.com",
                                  "wei.wang@oldco.cn；wangwei1988@163.com"])
def test_an_excluded_cell_of_two_addresses_split_by_a_cjk_comma_keeps_both_out(cli: Cli, cell: str) -> None:
    cli.ok("import", cli.file("old.csv", f'First Name,Last Name,E-mail Address\nWei,Wang,"{cell}"\n'))
    cli.ok("mark", cli.people()["wei.wang@oldco.cn"]["id"], "--as", "exclude")
    for n, address in enumerate(("wei.wang@oldco.cn", "wangwei1988@163.com")):
        cli.ok("import", cli.file(f"new{n}.csv", f"First Name,Last Name,E-mail Address\nTom,Zhou{n},{address}\n"))
        code, _out, err = cli("mark", cli.id(address), "--as", "knows-me")
        assert code == 1 and "Wei Wang (excluded)" in err, address


def test_a_phone_written_with_an_extension_meets_the_same_number_with_its_country_code(cli: Cli) -> None:
    """A US workspace cannot read a British number written nationally: only its last nine digits tie it
    to the same number written with +44, and an extension's digits must not be taken for them."""
    cli.ok("import", cli.file("ex.vcf", vcard("N:Whitfield;Graham;;;\nFN:Graham Whitfield\nEMAIL:graham@old.co.uk\n"
                                              "TEL:020 7946 0958 ext. 214")), "--region", "US")
    cli.ok("mark", cli.id("graham@old.co.uk"), "--as", "exclude")
    cli.ok("import", cli.file("new.vcf", vcard("FN:Whitfield Consulting Ltd\nEMAIL:office@wc.example\n"
                                               "TEL:+44 20 7946 0958")))
    cli.ok("mark", cli.id("office@wc.example"), "--as", "knows-me")
    [conflict] = blocked(cli)
    assert conflict["kind"] == "phone-tail" and conflict["excluded_name"] == "Graham Whitfield"


@pytest.mark.parametrize("excluded,other", [
    ("Jerome", "Jerry"), ("Catherine", "Kate"), ("Alexander", "Sasha"), ("Alexandra", "Sasha"), ("Ekaterina", "Katya"),
    ("Natalia", "Natasha"), ("Francisco", "Paco"), ("Johannes", "Hans"), ("Mohamed", "Muhammad"), ("Juan", "John"),
])
def test_a_given_name_in_another_language_or_a_diminutive_blocks(cli: Cli, excluded: str, other: str) -> None:
    knows_me(cli, "new.vcf", vcard(f"N:Becker;{other};;;\nFN:{other} Becker\nEMAIL:nb@newmail.example"))
    [them] = exclude(cli, f"N:Becker;{excluded};;;\nFN:{excluded} Becker\nEMAIL:old@oldco.example")
    assert list(conflicts_with(cli, them)) == [cli.id("nb@newmail.example")]


def test_names_the_table_does_not_relate_stay_apart(cli: Cli) -> None:
    """Sasha is Alexander's and Alexandra's, yet Sandra (Alexandra's) is not Alexander, nor Heinz (Henry's)
    Hans (John's): no conflict, the file is written."""
    knows_me(cli, "new.vcf", vcard("N:Becker;Sandra;;;\nFN:Sandra Becker\nEMAIL:sb@newmail.example")
             + vcard("N:Becker;Heinz;;;\nFN:Heinz Becker\nEMAIL:hb@newmail.example"))
    exclude(cli, "N:Becker;Alexander;;;\nFN:Alexander Becker\nEMAIL:old@oldco.example",
            "N:Becker;Hans;;;\nFN:Hans Becker\nEMAIL:hans@oldco.example")
    code, out, err, path = cli.export()
    assert code == 0, (out, err)
    text = path.read_text(encoding="utf-8")
    assert "sb@newmail.example" in text and "hb@newmail.example" in text


def test_opening_an_older_workspace_keys_its_profiles_as_they_are_read_now(cli: Cli) -> None:
    """A v8 workspace keyed a %-escaped profile by its escapes: its records and its suppression entry get
    the key every spelling shares, so a card giving the profile plainly is stopped."""
    [jerome] = exclude(cli, JEROME)
    old = "linkedin.com/in/j%c3%a9r%c3%b4me-dupont-4a1b2c"
    with Store.open(cli.db) as store:
        store.conn.execute("UPDATE keys SET key=? WHERE kind='url'", (old,))
        store.conn.execute("DELETE FROM suppressions WHERE kind='url'")
        store.conn.execute("INSERT INTO suppressions(exclusion_id, kind, key, shown, at) SELECT id, 'url', ?, ?, "
                           "'2026-01-01' FROM exclusions", (old, old))
        store.conn.execute("PRAGMA user_version=8")
    cli.ok("status")  # opens (and upgrades) the workspace
    with Store.open(cli.db) as store:
        assert {k for (k,) in store.conn.execute("SELECT key FROM keys WHERE kind='url'")} == \
            {"linkedin.com/in/jérôme-dupont-4a1b2c"}
        assert {k for (k,) in store.conn.execute("SELECT key FROM suppressions WHERE kind='url'")} == \
            {old, "linkedin.com/in/jérôme-dupont-4a1b2c"}
    cli.ok("import", cli.file("new.vcf", vcard("FN:Newco\nEMAIL:hello@newco.io\n"
                                               "URL:https://www.linkedin.com/in/jérôme-dupont-4a1b2c")))
    code, _out, err = cli("mark", cli.id("hello@newco.io"), "--as", "knows-me")
    assert code == 1 and f"{jerome}: Jérôme Dupont (excluded)" in err


def test_a_card_that_joins_a_person_kept_apart_holding_the_excluded_address_blocks_again(cli: Cli) -> None:
    """The user said the knows-me Robert Stone (Acme) is not the excluded one. A later card gives the
    excluded Robert's address beside a new one, and dedupe merges it into the knows-me Robert: the answer
    covered his cards then, not this one, so the export stops and asks again, rather than writing the new
    card's other address (the excluded man's new mailbox)."""
    [excluded] = exclude(cli, "N:Stone;Robert;;;\nFN:Robert Stone\nEMAIL:rob.stone@oldfirm.com")
    cli.ok("import", cli.file("acme.vcf", vcard("N:Stone;Robert;;;\nFN:Robert Stone\nEMAIL:robert.stone@acme.com\n"
                                                "ORG:Acme")))
    robert = cli.id("robert.stone@acme.com")
    cli.ok("mark", robert, "--not-same-as", excluded)
    cli.ok("mark", robert, "--as", "knows-me")
    code, _out, err, path = cli.export()
    assert code == 0, err  # the answer holds for the cards it was given on
    cli.ok("import", cli.file("later.csv", "First Name,Last Name,E-mail 1 - Value,E-mail 2 - Value,Organization 1 - Name\n"
                                           "Robert,Stone,robert.stone@acme.com ::: rob.stone@oldfirm.com,"
                                           "bobby.stone77@gmail.com,Acme\n"))
    cli.ok("dedupe")
    [conflict] = [c for c in blocked(cli) if c["knows_me"] == robert]
    assert conflict["excluded"] == excluded and conflict["kind"] in ("email", "record", "name")
    code, out, err = cli("export", "safe", "-o", "-")
    assert code == 1 and "bobby.stone77@gmail.com" not in out
    cli.ok("mark", robert, "--not-same-as", excluded)  # answered again, for every card he holds now
    code, _out, err, path = cli.export()
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "bobby.stone77@gmail.com" in text and "rob.stone@oldfirm.com" not in text


# ---- a fourth attack run ------------------------------------------------------------------------------

JANE = "N:Doe;Jane;;;\nFN:Jane Doe\nEMAIL:jane.doe@example.com\nURL:https://www.linkedin.com/in/jane-doe-123\nTEL:+1 555 201 0000"


@pytest.mark.parametrize("card", ["N:;;;Jane;Doe\nEMAIL:jd1975@hotmail.com", "N:;;Jane Doe;;\nEMAIL:jd1975@hotmail.com",
                                  "ORG:Jane Doe LLC\nEMAIL:jd1975@hotmail.com"],
                         ids=["prefix-and-suffix", "middle-only", "organisation-with-a-legal-suffix"])
def test_a_name_the_export_writes_from_other_name_fields_blocks(cli: Cli, card: str) -> None:
    """The export writes such a card's display name as its first and last name ("Jane", "Doe"): the gate
    must read that name too (it read only given, family, FN, nickname and a plain organisation)."""
    knows_me(cli, "new.vcf", vcard(card))
    [jane] = exclude(cli, JANE)
    assert list(conflicts_with(cli, jane)) == [cli.id("jd1975@hotmail.com")]


@pytest.mark.parametrize("link", ["https://www.linkedin.com/comm/in/jane-doe-123?midToken=AQE", "https://www.linkedin.com/m/in/jane-doe-123",
                                  "linkedin.com//in//jane-doe-123"])
def test_the_profile_links_of_linkedins_mails_and_old_mobile_site_are_the_profile(cli: Cli, link: str) -> None:
    exclude(cli, JANE)
    cli.ok("import", cli.file("new.csv", f"Name,E-mail Address,LinkedIn Profile\nJane Smith,js@newco.com,{link}\n"))
    code, _out, err = cli("mark", cli.id("js@newco.com"), "--as", "knows-me")
    assert code == 1 and "a profile of" in err


def test_the_outreach_queue_writes_only_links_read_as_a_profile(cli: Cli) -> None:
    """A LinkedIn link no rule reads as a profile (a company page, a Sales Navigator link) cannot be
    checked against the suppression list: the queue's profile column leaves it out."""
    cli.ok("import", cli.file("p.csv", "Name,E-mail Address,LinkedIn Profile\n"
                                       "Pat Lee,pat@lee.example,https://www.linkedin.com/sales/lead/ACwAAB123\n"))
    cli.ok("mark", cli.id("pat@lee.example"), "--as", "personalize", "--draft", "Hi Pat, good to see you at the meetup.")
    out = cli.tmp / "q.json"
    cli.ok("export", "outreach", "-o", out, "--format", "json")
    assert json.loads(out.read_text(encoding="utf-8"))["people"][0]["linkedin"] is None


@pytest.mark.parametrize("org,title", [("ｌｉｎｋｅｄｉｎ.com/in/jane-doe-123", "Partner"),
                                       ("Acme", "assistant to jane.doe\ufe6bexample.com")])
def test_an_excluded_identifier_in_a_cell_is_read_as_the_keys_read_it(cli: Cli, org: str, title: str) -> None:
    exclude(cli, JANE)
    knows_me(cli, "bob.vcf", vcard(f"N:Friend;Bob;;;\nFN:Bob Friend\nEMAIL:bob@friend.org\nORG:{org}\nTITLE:{title}"))
    assert [c["kind"] for c in blocked(cli)] == ["cell"]


@pytest.mark.parametrize("phone", ["+1 555 201 ００００", "+15552010000p123", "+1 555 201 0000,,42#"])
def test_an_excluded_phone_in_fullwidth_digits_or_with_touch_tones_after_it_is_the_phone(cli: Cli, phone: str) -> None:
    exclude(cli, JANE)
    cli.ok("import", cli.file("honey.vcf", vcard(f"N:Bunny;Honey;;;\nFN:Honey Bunny\nEMAIL:honey@newmail.io\nTEL:{phone}")))
    code, _out, err = cli("mark", cli.id("honey@newmail.io"), "--as", "knows-me")
    assert code == 1 and "a phone of" in err


def test_an_excluded_cards_address_in_a_column_no_importer_maps_is_suppressed(cli: Cli) -> None:
    """`Contact` is read as the name column's neighbour, not as an address: the excluded card's address
    sat in its extras, off the suppression list, and the same address on a new card was exported."""
    cli.ok("import", cli.file("old.csv", "Name,Contact\nJane Doe,honeybunny@example.com\n"))
    cli.ok("mark", cli.people()["Jane Doe"]["id"], "--as", "exclude")
    cli.ok("import", cli.file("new.vcf", vcard("N:Bunny;Honey;;;\nFN:Honey Bunny\nEMAIL:honeybunny@example.com")))
    code, _out, err = cli("mark", cli.id("honeybunny@example.com"), "--as", "knows-me")
    assert code == 1 and "honeybunny@example.com, an address of" in err


def test_the_excluded_profile_in_a_knows_me_cards_note_or_unmapped_column_blocks(cli: Cli) -> None:
    exclude(cli, JANE)
    knows_me(cli, "new.csv", "Name,E-mail Address,Profile,Notes\n"
                             "Janet Smithers,janet@newco.com,https://www.linkedin.com/in/jane-doe-123,\n"
                             'Ben Other,ben@newco.com,,"LinkedIn: https://www.linkedin.com/in/jane-doe-123"\n')
    assert sorted(c["knows_me_name"] for c in blocked(cli)) == ["Ben Other", "Janet Smithers"]


def test_an_excluded_cards_base64_address_is_suppressed(cli: Cli) -> None:
    """A vCard 2.1 writer put the address in base64: kept as an extra, it never reached the suppression
    list, and the same address on another card was exported."""
    cli.ok("import", cli.file("old.vcf", vcard("VERSION:2.1\nN:Ex;Partner;;;\nFN:Partner Ex\n"
                                               "EMAIL;INTERNET;ENCODING=BASE64:c3Vuc2hpbmU3N0BnbXguZGU=")))
    cli.ok("mark", cli.id("sunshine77@gmx.de"), "--as", "exclude")
    cli.ok("import", cli.file("new.csv", "Name,E-mail Address\nSunny Bear,sunshine77@gmx.de\n"))
    [sunny] = [p["id"] for p in json.loads(cli.ok("list", "--json")) if p["name"] == "Sunny Bear"]
    code, _out, err = cli("mark", sunny, "--as", "knows-me")
    assert code == 1 and "sunshine77@gmx.de, an address of" in err


@pytest.mark.parametrize("theirs,mine", [("+45 32 12 34 56", "32 12 34 56"), ("+65 9123 4567", "9123 4567"),
                                         ("9123 4567", "+65 9123 4567")])
def test_a_number_written_in_eight_digits_meets_the_same_number_with_its_country_code(cli: Cli, theirs: str,
                                                                                       mine: str) -> None:
    """Danish, Norwegian and Singaporean numbers are eight digits whole: written without the country code,
    they have no nine digits to compare, and an American workspace reads them as no number."""
    cli.ok("import", cli.file("old.vcf", vcard(f"N:Hansen;Mette;;;\nFN:Mette Hansen\nEMAIL:mette@old.dk\nTEL:{theirs}")))
    cli.ok("mark", cli.id("mette@old.dk"), "--as", "exclude")
    knows_me(cli, "new.vcf", vcard(f"N:Jensen;Mia;;;\nFN:Mia Jensen\nEMAIL:mj@newmail.dk\nTEL:{mine}"))
    [conflict] = blocked(cli)
    assert conflict["kind"] == "phone-tail" and "end in the same eight digits" in conflict["reason"]


def test_eight_digit_numbers_that_merely_end_alike_are_not_asked_about(cli: Cli) -> None:
    """Two full numbers of one country ending in the same eight digits are two numbers."""
    cli.ok("import", cli.file("old.vcf", vcard("N:Hansen;Mette;;;\nFN:Mette Hansen\nEMAIL:mette@old.dk\nTEL:+1 415 555 0123")))
    cli.ok("mark", cli.id("mette@old.dk"), "--as", "exclude")
    knows_me(cli, "new.vcf", vcard("N:Jensen;Mia;;;\nFN:Mia Jensen\nEMAIL:mj@newmail.dk\nTEL:+1 515 555 0123"))
    code, _out, err, _path = cli.export()
    assert code == 0, err


def test_a_name_written_without_its_space_blocks(cli: Cli) -> None:
    knows_me(cli, "new.vcf", vcard("FN:JaneDoe\nEMAIL:n21@new21.io"))
    [jane] = exclude(cli, JANE)
    assert list(conflicts_with(cli, jane)) == [cli.id("n21@new21.io")]


def test_a_kept_apart_card_that_comes_back_holding_the_excluded_address_is_asked_about_again(cli: Cli) -> None:
    """The user said the namesake Jane Doe (her own card, UID b-1) is not the excluded one. A newer export
    of her book gives that card the excluded Jane's address and phone beside a new address: the answer
    was given on what the card held then; kept, the new address went into the safe file."""
    [jane] = exclude(cli, "N:Doe;Jane;;;\nFN:Jane Doe\nUID:a-1\nEMAIL:jane.doe@example.com\nTEL:+1 555 201 0000")
    card = "N:Doe;Jane;;;\nFN:Jane Doe\nUID:b-1\nEMAIL:jdoe@other.org"
    (cli.tmp / "v1").mkdir()
    (cli.tmp / "v2").mkdir()
    cli.ok("import", cli.file("v1/book.vcf", vcard(card, "N:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@lee.org")))
    namesake = cli.id("jdoe@other.org")
    cli.ok("mark", namesake, "--not-same-as", jane)
    cli.ok("mark", namesake, "--as", "knows-me")
    # the same book again, her card unchanged: the answer stands
    cli.ok("import", cli.file("v2/book.vcf", vcard(card, "N:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@lee.org\nNOTE:new")))
    code, _out, err, _path = cli.export()
    assert code == 0, err
    (cli.tmp / "v3").mkdir()
    out = cli.ok("import", cli.file("v3/book.vcf", vcard(
        card + "\nEMAIL:jane.doe@example.com\nEMAIL:jane.d@newmail.com\nTEL:+1 555 201 0000",
        "N:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@lee.org\nNOTE:new")))
    assert "the answer is asked again" in out and "Jane Doe" in out
    [conflict] = [c for c in blocked(cli) if c["knows_me"] == namesake]
    assert conflict["excluded"] == jane
    code, out, _err = cli("export", "safe", "-o", "-")
    assert code == 1 and "jane.d@newmail.com" not in out


def test_an_excluded_number_behind_another_in_one_phone_cell_is_refused(cli: Cli) -> None:
    """The cell is read as the two numbers it holds: `mark` finds the excluded one by itself."""
    exclude(cli, JANE)
    cli.ok("import", cli.file("pea.vcf", vcard("N:Pod;Pea;;;\nFN:Pea Pod\nEMAIL:pea@newmail.io\n"
                                               "TEL:555 201 0009 / 555 201 0000")))
    code, _out, err = cli("mark", cli.id("pea@newmail.io"), "--as", "knows-me")
    assert code == 1 and "+15552010000, a phone of" in err and "Jane Doe (excluded)" in err


def test_a_kept_apart_card_sharing_the_excluded_persons_new_address_of_the_same_import_is_asked_again(cli: Cli) -> None:
    """Both cards are in one book: the newer export gives the excluded Jane a new address, and her
    namesake's card that same address beside another new one. Checked before the excluded card's new
    address was on the list, the namesake's other new address was exported."""
    jane_a = "N:Doe;Jane;;;\nFN:Jane Doe\nUID:a-1\nEMAIL:jane.doe@example.com"
    jane_b = "N:Doe;Jane;;;\nFN:Jane Doe\nUID:b-1\nEMAIL:jdoe@other.org"
    for folder in ("v1", "v2"):
        (cli.tmp / folder).mkdir()
    cli.ok("import", cli.file("v1/book.vcf", vcard(jane_a, jane_b, "N:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@lee.org")))
    excluded, namesake = cli.id("jane.doe@example.com"), cli.id("jdoe@other.org")
    cli.ok("mark", excluded, "--as", "exclude")
    cli.ok("mark", namesake, "--not-same-as", excluded)
    cli.ok("mark", namesake, "--as", "knows-me")
    out = cli.ok("import", cli.file("v2/book.vcf", vcard(jane_a + "\nEMAIL:jane.new@fresh.io",
                                                         jane_b + "\nEMAIL:jane.new@fresh.io\nEMAIL:jd2@another.net",
                                                         "N:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@lee.org")))
    assert "the answer is asked again" in out
    code, out, _err = cli("export", "safe", "-o", "-")
    assert code == 1 and "jd2@another.net" not in out

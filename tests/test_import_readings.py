"""Files an attack run found misread on import, replayed through the command line: a Central European,
Turkish or Baltic code page read as Western, an Apple social profile, an address in IMPP or a mailto:
URL, a file name that is not UTF-8, translated Outlook and Thunderbird headers, placeholder birthdays.
Where the misreading let an excluded person through, the test shows the knows-me card is now stopped."""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from test_suppression import Cli, blocked, cli, vcard  # noqa: F401 (cli is a fixture)

from knowme import importers
from knowme.importers.csvio import decode


def write_bytes(cli: Cli, name: str, data: bytes) -> Path:
    path = cli.tmp / name
    path.write_bytes(data)
    return path


def outlook_csv(encoding: str, *rows: list[str]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["First Name", "Last Name", "E-mail Address", "Company", "Notes"])
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


# ---- code pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "text"), [
    ("cp1250", "Łukasz,Żółkiewski,Były szef – nie zapraszać\nOrsolya,Szőke Fűzfa,Kovács Ödön\n"),
    ("cp1254", "Ayşe,Yılmaz\nGülşen,Doğan,Işık Şahin\n"),
    ("cp1257", "Šarūnas,Žemaitis,Gintarė Šimkutė\nJānis,Bērziņš,Kārlis Kalniņš\n"),
    ("cp1252", "Jürgen,Groß,Lefèvre,crème brûlée\nGuðrún,Þórsdóttir,Sigurður Jónsson\n"),
    ("cp1252", "Søren,Ærø,Åse Kjær,José Muñoz\n"),
    ("cp1252", "Förnamn,Efternamn,Företag\nLars,Andersson,Göteborg\n"),  # not cp1256: "Fِrnamn" (an Arabic mark)
])
def test_a_latin_code_page_is_read_as_the_language_it_spells(encoding: str, text: str) -> None:
    decoded = decode(text.encode(encoding))
    assert (decoded.text, decoded.encoding) == (text, encoding)


def test_an_excluded_person_in_a_polish_cp1250_outlook_csv_blocks_her_namesake(cli: Cli) -> None:
    """Read as cp1252 she was "£ukasz ¯ó³kiewski", and the knows-me Łukasz from a vCard went out."""
    row = ["Łukasz", "Żółkiewski", "lukasz.z@firma.pl", "Firma Sp. z o.o.", "Były szef – nie zapraszać"]
    path = write_bytes(cli, "outlook_pl.csv", outlook_csv("cp1250", row))
    assert "encoding: cp1250;" in cli.ok("doctor", path)
    cli.ok("import", path)
    (boss,) = json.loads(cli.ok("list", "--json"))
    assert boss["name"] == "Łukasz Żółkiewski"
    cli.ok("mark", boss["id"], "--as", "exclude")
    cli.ok("import", cli.file("phone.vcf", vcard(
        "N:Żółkiewski;Łukasz;;;\nFN:Łukasz Żółkiewski\nEMAIL:lukasz.zolkiewski@gmail.com")))
    namesake = cli.id("lukasz.zolkiewski@gmail.com")
    code, _out, err = cli("mark", namesake, "--as", "knows-me")
    assert code == 1 and "Łukasz Żółkiewski (excluded)" in err


def test_a_raw_turkish_cp1254_vcard_21_reads_its_names(cli: Cli) -> None:
    people = [("Şahin;Işık", "Işık Şahin"), ("Doğan;Gülşen", "Gülşen Doğan"), ("Çelik;Ömer", "Ömer Çelik")]
    data = "".join(f"BEGIN:VCARD\r\nVERSION:2.1\r\nN:{n}\r\nFN:{fn}\r\nTEL;CELL:+90 500 000 00 0{i}\r\n"
                   "END:VCARD\r\n" for i, (n, fn) in enumerate(people)).encode("cp1254")
    records = importers.parse(write_bytes(cli, "tr.vcf", data), "vcard").records
    assert [r.formatted_name for r in records] == [fn for _, fn in people]


# ---- Apple's social profiles ------------------------------------------------------------------------


@pytest.mark.parametrize("prop", [
    "item1.X-SOCIALPROFILE;type=linkedin;x-user=bossex77:x-apple:bossex77",
    "X-SOCIALPROFILE;type=linkedin;x-user=bossex77:",
    "X-SOCIALPROFILE;type=linkedin;x-userid=ACoAAA123;x-user=bossex77:http://www.linkedin.com/in/ACoAAA123",
    "X-SOCIALPROFILE;TYPE=linkedin:bossex77",
])
def test_an_excluded_apple_social_profile_stops_a_card_giving_that_profile(cli: Cli, prop: str) -> None:
    path = cli.file("excluded.vcf", vcard(f"N:Ex;Boss;;;\nFN:Boss Ex\n{prop}"))
    (boss,) = importers.parse(path).records
    assert "https://www.linkedin.com/in/bossex77" in boss.linkedin_urls
    assert any(name.endswith(prop.partition(":")[0]) and value == prop.partition(":")[2]
               for name, value in boss.extras)  # the property as written is kept
    cli.ok("import", cli.file("knows.vcf", vcard(
        "N:Smith;Robert;;;\nFN:Robert Smith\nEMAIL:rsmith@example.org\nURL:https://www.linkedin.com/in/bossex77")))
    cli.ok("mark", "Robert Smith", "--as", "knows-me")  # before the exclusion: the export must stop him
    cli.ok("import", path)
    cli.ok("mark", "Boss Ex", "--as", "exclude")
    assert {(c["knows_me"], c["excluded"]) for c in blocked(cli)} == {(cli.id("rsmith@example.org"), cli.id("Boss Ex"))}
    cli.ok("mark", "Robert Smith", "--as", "undecided")
    code, _out, err = cli("mark", "Robert Smith", "--as", "knows-me")
    assert code == 1 and "a profile of" in err and "Boss Ex (excluded)" in err


# ---- addresses in IMPP and URL links ----------------------------------------------------------------


@pytest.mark.parametrize(("prop", "address"), [
    ("IMPP;X-SERVICE-TYPE=GoogleTalk;type=HOME:xmpp:boss.private@gmail.com", "bossprivate@gmail.com"),
    ("IMPP;X-SERVICE-TYPE=Jabber:xmpp:boss@evil.example/phone", "boss@evil.example"),
    ("IMPP:sip:boss@evil.example:5060", "Boss@Evil.example"),
    ("URL:mailto:boss%40evil.example?subject=hi", "boss@evil.example"),
])
def test_an_excluded_address_in_an_impp_or_mailto_link_stops_a_card_giving_it_as_email(
        cli: Cli, prop: str, address: str) -> None:
    cli.ok("import", cli.file("knows.vcf", vcard(f"N:Smith;Robert;;;\nFN:Robert Smith\nEMAIL:{address}")))
    robert = cli.id(address.lower())
    cli.ok("mark", robert, "--as", "knows-me")  # before the exclusion: the export must stop him
    cli.ok("import", cli.file("excluded.vcf", vcard(f"N:Ex;Boss;;;\nFN:Boss Ex\n{prop}")))
    cli.ok("mark", "Boss Ex", "--as", "exclude")
    assert {c["knows_me"] for c in blocked(cli)} == {robert}
    cli.ok("mark", robert, "--as", "undecided")
    code, _out, err = cli("mark", robert, "--as", "knows-me")
    assert code == 1 and "Boss Ex (excluded)" in err


def test_a_knows_me_card_holding_an_excluded_address_as_a_chat_link_blocks_the_export(cli: Cli) -> None:
    cli.ok("import", cli.file("excluded.vcf", vcard("N:Ex;Boss;;;\nFN:Boss Ex\nEMAIL:boss@evil.example")))
    cli.ok("mark", "Boss Ex", "--as", "exclude")
    cli.ok("import", cli.file("knows.vcf", vcard(
        "N:Smith;Robert;;;\nFN:Robert Smith\nEMAIL:rsmith@example.org\nIMPP:xmpp:boss@evil.example",
        "N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@acme.example\nURL:https://medium.com/@boss")))
    cli.ok("mark", cli.id("rsmith@example.org"), cli.id("bo@acme.example"), "--as", "knows-me")
    assert {c["knows_me"] for c in blocked(cli)} == {cli.id("rsmith@example.org")}  # a web page is no address


# ---- a file name that is not UTF-8 ------------------------------------------------------------------


def test_a_file_whose_name_is_not_utf8_imports_and_is_the_same_source_next_time(cli: Cli) -> None:
    """`caf\\xe9.vcf` from an old zip or USB stick ended the import with a UnicodeEncodeError traceback."""
    card = "N:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@x.example"
    path = cli.tmp / os.fsdecode(b"caf\xe9.vcf")
    try:
        path.write_text(vcard(card), encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    assert "caf\\xe9.vcf: 1 record" in cli.ok("import", path)
    assert "unchanged since the last import" in cli.ok("import", path)
    path.write_text(vcard(card, "N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@x.example"), encoding="utf-8")
    assert "replaced the earlier import" in cli.ok("import", path)
    (source,) = json.loads(cli.ok("status", "--json"))["sources"]
    assert (source["file"], source["records"]) == ("caf\\xe9.vcf", 2)
    assert {r["source"] for p in json.loads(cli.ok("list", "--json")) for r in p["records"]} == {"caf\\xe9.vcf"}

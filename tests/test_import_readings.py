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


# ---- translated CSV headers -------------------------------------------------------------------------

OUTLOOK_IT = (
    "Titolo,Nome,Secondo nome,Cognome,Suffisso,Società,Reparto,Posizione,Via (uff.),Città (uff.),Provincia (uff.),"
    "CAP (uff.),Paese/Regione (uff.),Telefono ufficio,Cellulare,Abitazione,Indirizzo posta elettronica,"
    "Tipo posta elettronica,Nome visualizzato posta elettronica,Indirizzo posta elettronica 2,"
    "Tipo posta elettronica 2,Nome visualizzato posta elettronica 2,Compleanno,Categorie,Note,Pagina Web\r\n"
    "Dott.,Mario,,Rossi,,Acme S.p.A.,Vendite,Direttore,Via Roma 1,Milano,MI,20121,Italia,02 1234 5678,,,"
    "mario.rossi@example.it,SMTP,Mario Rossi (mario.rossi@example.it),m.rossi@gmail.com,SMTP,"
    "Mario (m.rossi@gmail.com),0/0/00,Lavoro,,\r\n")
THUNDERBIRD_FR = (
    "Prénom,Nom de famille,Nom à afficher,Surnom,Adresse électronique principale,Adresse électronique secondaire,"
    "Nom d'écran,Tél. professionnel,Tél. personnel,Fax,Pager,Portable,Adresse privée,Adresse privée 2,Ville,"
    "Pays/État,Code postal,Pays/Région,Profession,Service,Société,Notes\r\n"
    "Jean,Dupont,Jean Dupont,Jeannot,jean.dupont@exemple.fr,jdupont@gmail.com,,01 23 45 67 89,,,,06 12 34 56 78,"
    "3 rue de la Paix,,Paris,,75002,France,Ingénieur,R&D,Exemple SA,Ancien collègue\r\n")
OUTLOOK_SV = (
    "Förnamn,Mellannamn,Efternamn,Titel,Företag,Avdelning,Befattning,Gatuadress arbete,Postort arbete,"
    "Postnummer arbete,Arbetstelefon,Mobiltelefon,E-postadress,E-posttyp,E-post visningsnamn,E-post 2 adress,"
    "Kategorier,Anteckningar\r\n"
    "Lars,,Andersson,,Volvo AB,IT,Chef,Gatan 1,Göteborg,41101,031-123 45 67,070-123 45 67,"
    "lars.andersson@volvo.example,SMTP,Lars Andersson (lars.andersson@volvo.example),lars@privat.example,Arbete,"
    "Gammal kollega\r\n")
OUTLOOK_BR = (
    "Tratamento,Nome,Segundo Nome,Sobrenome,Sufixo,Empresa,Departamento,Cargo,Rua do endereço comercial,"
    "Cidade do endereço comercial,Estado do endereço comercial,CEP do endereço comercial,"
    "País/Região do endereço comercial,Telefone comercial,Telefone celular,Telefone residencial,Endereço de email,"
    "Tipo de email,Nome de exibição do email,Endereço de email 2,Tipo de email 2,Nome de exibição do email 2,"
    "Aniversário,Categorias,Anotações,Página da Web\r\n"
    "Sra.,Ana,Paula,Souza,,Empresa Ltda,TI,Gerente,Av. Paulista 1000,São Paulo,SP,01310-100,Brasil,(11) 3333-4444,"
    "(11) 98765-4321,,ana.souza@empresa.com.br,SMTP,Ana Souza (ana.souza@empresa.com.br),anasouza@gmail.com,SMTP,"
    "Ana (anasouza@gmail.com),0/0/00,Trabalho,,\r\n")


@pytest.mark.parametrize(("name", "text", "encoding", "expected"), [
    ("outlook_it.csv", OUTLOOK_IT, "cp1252",
     ("Mario", "", "Rossi", ["mario.rossi@example.it", "m.rossi@gmail.com"], 1, "Acme S.p.A.", "Direttore")),
    ("thunderbird_fr.csv", THUNDERBIRD_FR, "utf-8",
     ("Jean", "", "Dupont", ["jean.dupont@exemple.fr", "jdupont@gmail.com"], 2, "Exemple SA", "Ingénieur")),
    ("outlook_sv.csv", OUTLOOK_SV, "cp1252",
     ("Lars", "", "Andersson", ["lars.andersson@volvo.example", "lars@privat.example"], 2, "Volvo AB", "Chef")),
    ("outlook_br.csv", OUTLOOK_BR, "cp1252",
     ("Ana", "Paula", "Souza", ["ana.souza@empresa.com.br", "anasouza@gmail.com"], 2, "Empresa Ltda", "Gerente")),
])
def test_translated_outlook_and_thunderbird_headers_give_names_emails_and_phones(
        cli: Cli, name: str, text: str, encoding: str, expected: tuple) -> None:
    path = write_bytes(cli, name, text.encode(encoding))
    result = importers.parse(path)
    (rec,) = result.records
    given, middle, family, emails, phones, org, title = expected
    assert (rec.given, rec.middle, rec.family) == (given, middle, family)
    assert [e.value for e in rec.emails] == emails and len(rec.phones) == phones
    assert (rec.org, rec.title) == (org, title)
    assert not any("@" in a.value for a in rec.addresses)  # no address swallowed into a street
    assert not result.problems


def test_an_email_address_in_a_column_read_as_an_address_part_is_an_email(cli: Cli) -> None:
    """A translated `Email address` we do not know may read as a street; its cells still are emails."""
    path = cli.file("contacts.csv", "First Name,Last Name,Adresse mél,Ville\r\nAnn,Lee,ann@x.example,Paris\r\n")
    (rec,) = importers.parse(path).records
    assert [e.value for e in rec.emails] == ["ann@x.example"]
    assert [a.value for a in rec.addresses] == ["Paris"]


def test_a_file_whose_name_columns_are_not_understood_says_so(cli: Cli) -> None:
    path = cli.file("finnish.csv", "Etunimi,Sukunimi,E-mail Address\r\nMatti,Virtanen,matti@x.example\r\n")
    assert "1 problem" in cli.ok("import", path)
    said = cli.ok("doctor", path)
    assert "no column is read as a name" in said and "Etunimi, Sukunimi" in said and "--map" in said


# ---- placeholder birthdays --------------------------------------------------------------------------


def test_a_german_outlook_birthday_placeholder_is_no_birthday(cli: Cli) -> None:
    text = ('"Anrede","Vorname","Nachname","Firma","E-Mail-Adresse","E-Mail-Typ","Mobiltelefon","Geburtstag",'
            '"Jahrestag"\r\n"Herr","Jürgen","Weiß","Müller GmbH","juergen.weiss@mueller.example","SMTP",'
            '"0171 1234567","0.0.00","0.0.00"\r\n'
            '"Frau","Anna","Berg","","anna@berg.example","SMTP","","15.3.1980","0.0.00"\r\n')
    result = importers.parse(write_bytes(cli, "outlook_de.csv", text.encode("cp1252")))
    assert result.format == "outlook"
    jurgen, anna = result.records
    assert (jurgen.given, jurgen.family, jurgen.birthday) == ("Jürgen", "Weiß", "")
    assert anna.birthday == "15.3.1980"


@pytest.mark.parametrize(("bday", "expected"), [
    ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-05", "--03-05"),
    ("BDAY;VALUE=date;X-APPLE-OMIT-YEAR=1604:16040305", "--03-05"),
    ("BDAY;X-APPLE-OMIT-YEAR=1604:1980-03-05", "1980-03-05"),  # a year of its own: kept
    ("BDAY:1604-03-05", "1604-03-05"),  # no word that the year is a stand-in
])
def test_an_apple_birthday_without_a_year_has_no_year(cli: Cli, bday: str, expected: str) -> None:
    path = cli.file("apple.vcf", vcard(f"N:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@x.example\n{bday}"))
    (ann,) = importers.parse(path).records
    assert ann.birthday == expected
    if expected.startswith("--"):
        assert (bday.partition(":")[0], bday.partition(":")[2]) in ann.extras  # the property as written is kept

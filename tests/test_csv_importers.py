"""CSV importers on real exports: detection, the values real files must yield, broken input, properties.

The corpus (`shared/corpus/csv` beside the repository) holds files written by Google, LinkedIn,
Thunderbird, Yahoo and roundcube's csv2vcard tests; the expected values below were read off the
files (and off the vCards roundcube expects for its CSVs) by eye.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import CORPUS_MISSING
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knowme.importers import ImportOptions, Sniff, generic_csv, google, linkedin, outlook, thunderbird, yahoo
from knowme.importers.csvio import decode, sniff_delimiter

from knowme import importers
from knowme.model import ImportResult, NotAnAddressBook, Record

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CSV_CORPUS = CORPUS / "csv"
FIXTURES = Path(__file__).parent / "fixtures" / "csv"
DETECTORS = {"linkedin": linkedin.detect, "google": google.detect, "outlook": outlook.detect,
             "thunderbird": thunderbird.detect, "yahoo": yahoo.detect, "csv": generic_csv.detect}
needs_corpus = pytest.mark.skipif(not CSV_CORPUS.is_dir(), reason=CORPUS_MISSING)


def csv_format(path: Path) -> str | None:
    """The CSV flavour that claims `path` (registry order breaks ties), or None when none does."""
    sniff = Sniff.of(path)
    scores = {name: detect(sniff) for name, detect in DETECTORS.items()}
    best = max(scores.values())
    return next(name for name, score in scores.items() if score == best) if best else None


def load(path: Path, fmt: str | None = None, **mapping: str) -> ImportResult:
    return importers.parse(path, fmt or csv_format(path) or "csv", ImportOptions(mapping=mapping))


def values(items: list) -> list[str]:
    return [item.value for item in items]


def labelled(items: list) -> list[tuple[str, str]]:
    return [(item.value, item.label) for item in items]


# --- the corpus: every file, its format, no crash -------------------------------------------

CORPUS_FORMATS = {
    "google-old/google.csv": "google",
    "google-old/imampi-google-contacts.redacted.csv": "google",
    "google-old/integrity.csv": "outlook",  # `E-mail Address` with first/last name: Outlook's weak claim
    "linkedin/tombarr-Connections.redacted.csv": "linkedin",
    "roundcube-csv2vcard/all.csv": "outlook",
    "roundcube-csv2vcard/email.csv": "thunderbird",  # a lone `Primary Email` column
    "roundcube-csv2vcard/gmail.csv": "google",
    "roundcube-csv2vcard/outlook.csv": "outlook",
    "roundcube-csv2vcard/tb_plain.csv": "thunderbird",
    "thunderbird/basic_addressbook.csv": "thunderbird",
    "thunderbird/basic_csv_addressbook.csv": "thunderbird",
    "thunderbird/csv_no_header.csv": "csv",  # no header: only the generic importer, which asks for --map
    "thunderbird/csv_semicolon.csv": "thunderbird",
    "thunderbird/export.csv": "thunderbird",
    "thunderbird/export.txt": "thunderbird",
    "thunderbird/import.csv": "csv",
    "thunderbird/quote.csv": "thunderbird",
    "thunderbird/shiftjis_addressbook.csv": "thunderbird",
    "thunderbird/tab_comma_mixed.csv": "csv",
    "thunderbird/utf16_addressbook.csv": "thunderbird",
    "yahoo/yahoo_contacts.redacted.csv": "yahoo",
}
CORPUS_FILES = sorted(str(p.relative_to(CSV_CORPUS)) for p in CSV_CORPUS.rglob("*")
                      if p.suffix in (".csv", ".txt")) if CSV_CORPUS.is_dir() else []
REFUSED = {"thunderbird/csv_no_header.csv", "thunderbird/tab_comma_mixed.csv"}


@needs_corpus
def test_every_corpus_file_has_a_pinned_format() -> None:
    assert sorted(CORPUS_FORMATS) == CORPUS_FILES


@needs_corpus
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_imports_without_escaping_errors(name: str) -> None:
    path = CSV_CORPUS / name
    assert csv_format(path) == CORPUS_FORMATS[name]
    for fmt in DETECTORS:  # whatever format is forced, only NotAnAddressBook may escape
        try:
            importers.parse(path, fmt, ImportOptions())
        except NotAnAddressBook:
            pass
    if name in REFUSED:
        with pytest.raises(NotAnAddressBook, match="--map"):
            load(path)
        return
    result = load(path)
    assert result.format == CORPUS_FORMATS[name]
    assert result.records and not result.problems
    assert [r.index for r in result.records] == list(range(1, len(result.records) + 1))
    assert all(r.source == path.name and r.line > 1 for r in result.records)


@needs_corpus
@pytest.mark.parametrize("name", sorted(CORPUS_FORMATS))
def test_registry_detection_agrees(name: str) -> None:
    """Through the whole registry (vCard and mail detectors included) a CSV stays a CSV."""
    path = CSV_CORPUS / name
    if CORPUS_FORMATS[name] == "csv" and name in REFUSED:
        with pytest.raises(NotAnAddressBook):
            importers.parse(path)
        return
    assert importers.detect(path).name == CORPUS_FORMATS[name]


@needs_corpus
def test_linkedin_connections_are_connected_with_date_and_url() -> None:
    (rec,) = load(CSV_CORPUS / "linkedin/tombarr-Connections.redacted.csv").records
    assert (rec.given, rec.family) == ("Donp", "Zishnkgn")
    assert (rec.org, rec.title) == ("Wsieqjswr Cuulibns", "Sgobspij Gciehutk")
    assert rec.connected_on == "2003-01-13"
    assert rec.linkedin_urls == ["https://www.linkedin.com/in/rmclnjsqkbeu"]
    assert rec.emails == [] and rec.line == 5 and rec.index == 1  # three preamble lines, then the header


@needs_corpus
def test_google_old_splits_packed_values_and_groups() -> None:
    result = load(CSV_CORPUS / "google-old/imampi-google-contacts.redacted.csv")
    assert len(result.records) == 114
    by_line = {r.line: r for r in result.records}
    assert labelled(by_line[45].phones) == [("+412 24 65 931 65", "mobile"), ("107 21 091 99", "mobile")]
    assert values(by_line[65].phones) == ["291 31 893 26", "726 30 424 51"]
    assert by_line[65].org == "Afatkd" and ("Organization 1 - Type", "Other") in by_line[65].extras
    assert by_line[35].categories == ["myContacts", "starred"]
    first = result.records[0]
    assert (first.formatted_name, first.given) == ("Donp Zi Shnkg", "Nrmc Ln Jsqkb")
    assert labelled(first.phones) == [("294 28 498 15", "mobile"), ("406 99 370 97", "work")]
    simple = load(CSV_CORPUS / "google-old/google.csv").records
    assert [(r.formatted_name, values(r.emails)) for r in simple] == [
        ("Oero Smith", ["email@localhost"]), ("corn last", ["mail@unicorn.com"]), ("Ike snake", ["snail@127.0.0.1"])]
    assert simple[0].note == "info" and simple[0].categories == ["My Contacts"]


@needs_corpus
def test_thunderbird_encodings_delimiters_and_quoted_controls() -> None:
    (jp,) = load(CSV_CORPUS / "thunderbird/shiftjis_addressbook.csv").records
    assert (jp.formatted_name, jp.family, jp.given) == ("名無しの権兵衛", "名無し", "権兵衛")
    assert values(jp.emails) == ["名無しの権兵衛@host.invalid"]
    (wide,) = load(CSV_CORPUS / "thunderbird/utf16_addressbook.csv").records
    assert (wide.display_name, values(wide.emails)) == ("John Doe", ["johndoe@host.invalid"])
    semi = load(CSV_CORPUS / "thunderbird/csv_semicolon.csv").records
    assert [(r.given, r.family, values(r.emails)) for r in semi] == [
        ("John", "Doe", ["john@doe.invalid"]), ("Jane", "Doe", ["jane@doe.invalid"])]
    for name in ("export.csv", "export.txt"):  # comma and tab delimited, CR/LF/TAB inside quotes
        one, two = load(CSV_CORPUS / "thunderbird" / name).records
        assert (one.formatted_name, two.formatted_name) == ("contact number one", "contact number two")
        assert two.title == '"worker"' and two.note == "here's some unicode text…"
        assert [x for x in two.extras if x[0].startswith("Custom")] == [
            ("Custom 1", "custom, 1"), ("Custom 2", "custom\t2"), ("Custom 3", "custom\r3"), ("Custom 4", "custom\n4")]
    (acer,) = load(CSV_CORPUS / "thunderbird/quote.csv").records
    assert (acer.formatted_name, acer.org, labelled(acer.phones)) == ("Acer America", "Acer America",
                                                                     [("(800) 000-0000", "work")])
    (one,) = load(CSV_CORPUS / "thunderbird/import.csv").records
    assert (one.formatted_name, values(one.emails)) == ("contact number one", ["contact1@invalid"])


@needs_corpus
def test_headerless_file_imports_with_numbered_mapping() -> None:
    result = load(CSV_CORPUS / "thunderbird/csv_no_header.csv", "csv", formatted_name="1", given="2", family="3",
                  email="4")
    assert [(r.line, r.index, r.formatted_name, r.family, values(r.emails)) for r in result.records] == [
        (1, 1, "John Doe", "Doe", ["john@doe.invalid"]), (2, 2, "Jane Doe", "Doe", ["jane@doe.invalid"])]


@needs_corpus
def test_yahoo_entities_free_text_phones_and_multiline_notes() -> None:
    records = load(CSV_CORPUS / "yahoo/yahoo_contacts.redacted.csv").records
    assert len(records) == 143
    first = records[0]
    assert (first.given, first.nickname, values(first.emails)) == ("DO npzi sh Nkg", "Nrm", ["clnjsqkbe@gmail.com"])
    assert labelled(first.phones) == [("540-699-3709", "mobile")] and first.categories == ["UWSIEQJSWRCU"]
    assert ("Primary", "mobile") in first.extras
    families = {r.family for r in records}
    assert {"Zfrfv H'Oudnu", "R'Cwdka (Gpdvmaan)", "M'Enzmeo"} <= families
    assert not any("&#39;" in r.note or "&#39;" in r.family for r in records)
    assert any(r.nickname == "Hcufs pq &qelr;Jvotr&pxmp;" for r in records)  # unknown entities stay as written
    assert any(("ghcitwckeyfv", "home") in labelled(r.phones) for r in records)  # free text kept
    multi = next(r for r in records if r.given == "Rjs")
    assert multi.line == 5 and records[records.index(multi) + 1].line == 7  # a cell spanning two lines


# --- roundcube's csv2vcard pairs: what the CSV must give, per the .vcf roundcube expects -----

@needs_corpus
def test_roundcube_all_matches_vcard() -> None:
    (r,) = load(CSV_CORPUS / "roundcube-csv2vcard/all.csv").records
    assert (r.formatted_name, r.prefix, r.given, r.middle, r.family, r.suffix) == (
        "Display Name", "Prefix", "First Name", "Middle Name", "Last Name", "Suffix")
    assert (r.nickname, r.org, r.department, r.title, r.note) == ("Nickname", "Company", "Department", "Job Title",
                                                                  "Notes")
    assert labelled(r.emails) == [("home@example.com", "home"), ("work@example.com", "work"),
                                  ("other@example.com", "other")]
    assert values(r.phones) == ["100", "200", "300", "400", "500", "600", "700", "800", "900", "111", "222", "333",
                                "444"]
    assert values(r.urls) == ["https://blog", "https://home", "https://other", "https://profile", "https://work"]
    assert labelled(r.addresses)[0] == ("Home Street, Home City, Home State, Home Zip, Home Country", "home")
    assert [a.label for a in r.addresses] == ["home", "work", "other"] and r.categories == ["test"]


@needs_corpus
def test_roundcube_gmail_matches_vcard() -> None:
    (r,) = load(CSV_CORPUS / "roundcube-csv2vcard/gmail.csv").records
    assert (r.formatted_name, r.family, r.given, r.middle, r.prefix, r.suffix, r.nickname) == (
        "Prefix Firstname Middle Lastname Suffix", "Lastname", "Firstname", "Middle", "Prefix", "Suffix", "nick")
    assert (r.birthday, r.note, r.org, r.title) == ("1975-12-12", 'note"note', "company", "jobtitle")
    assert r.categories == ["My Contacts", "Test"]
    assert labelled(r.emails) == [("home@aaa.pl", "home"), ("work@email.pl", "work"), ("unknown@email.com", ""),
                                  ("other@email.com", "other")]
    assert values(r.phones) == ["pager", "mainphone", "homephone", "homefax", "mobile", "workphone", "workfax"]
    assert values(r.urls) == ["test.com", "home.page.com"]
    assert [a.label for a in r.addresses] == ["home", "work"] and "home_city" in r.addresses[0].value


@needs_corpus
def test_roundcube_email_outlook_and_thunderbird_match_vcards() -> None:
    emails = load(CSV_CORPUS / "roundcube-csv2vcard/email.csv").records
    assert [values(r.emails) for r in emails] == [[f"test{i}@domain.tld"] for i in range(1, 5)]
    (ol,) = load(CSV_CORPUS / "roundcube-csv2vcard/outlook.csv").records
    assert values(ol.emails) == ["test1@domain.tld", "test2@domain.tld", "test3@domain.tld"]
    (tb,) = load(CSV_CORPUS / "roundcube-csv2vcard/tb_plain.csv").records
    assert (tb.formatted_name, tb.family, tb.given, tb.nickname) == ("Displayname", "Lastname", "Firstname", "Nick")
    assert values(tb.emails) == ["test@domain.tld", "next@domain.tld"]
    assert labelled(tb.phones) == [("phone work", "work"), ("phone home", "home"), ("fax", "fax"),
                                   ("pager", "pager"), ("mobile", "mobile")]
    assert (tb.title, tb.department, tb.org, tb.birthday) == ("title", "department", "Organization", "1970-11-15")
    assert values(tb.urls) == ["http://page.com", "http://webpage.tld"]
    assert values(tb.addresses) == ["Priv address, City, region, xx-xxx, USA",
                                    "Addr work, Wcity, Wstate, 33-333, Poland"]


# --- hand-written fixtures in the shape of real exports --------------------------------------

def test_google_current_starred_multi_values_and_extras() -> None:
    path = FIXTURES / "google_current.csv"
    assert csv_format(path) == "google"
    result = load(path)
    grete, soren, dental, kenta = result.records
    assert (grete.prefix, grete.given, grete.family, grete.nickname) == ("Dr.", "Margarethe", "Oyelaran-Whitfield",
                                                                         "Grete")
    assert grete.categories == ["myContacts", "starred", "Conference"]
    assert labelled(grete.emails) == [("grete@northwind.example", "work"), ("m.oyelaran@northwind.example", "work"),
                                      ("grete.ow@mailbox.example", "home")]
    assert labelled(grete.phones) == [("+49 151 2345 6789", "mobile"), ("+49 160 9876 543", "mobile"),
                                      ("+49 30 1234 5670", "work")]
    assert labelled(grete.addresses) == [("Friedrichstraße 123\n10117 Berlin\nDE", "work")]
    assert grete.linkedin_urls == ["https://www.linkedin.com/in/grete-oyelaran"]
    assert (grete.org, grete.title, grete.department, grete.birthday) == ("Northwind Analytics", "Head of Data Science",
                                                                          "Research", "1984-03-07")
    assert grete.note.startswith("Met at PyData Berlin 2023.\nAsked")
    assert ("Relation 1 - Label", "Spouse") in grete.extras
    assert ("Custom Field 1 - Value", "PyData Berlin") in grete.extras
    assert ("Photo", "https://lh3.googleusercontent.com/contacts/AOi9x") in grete.extras
    assert (soren.line, soren.index, soren.birthday) == (6, 2, "--05-05")  # line 2 + 3 lines of packed cells
    assert (dental.display_name, dental.index) == ("Blue Harbor Dental", 3)
    assert (kenta.given, kenta.family, kenta.phonetic, kenta.index) == ("健太", "佐藤", "けんた さとう", 5)
    assert "starred" in kenta.categories
    assert [str(p) for p in result.problems] == ["google_current.csv:8: row 4 has no name, email or phone"]


def test_outlook_web_and_desktop_cp1252() -> None:
    web = FIXTURES / "outlook_web.csv"
    desk = FIXTURES / "outlook_desktop.csv"
    assert csv_format(web) == csv_format(desk) == "outlook"
    priya, tomas = load(web).records
    assert (priya.prefix, priya.given, priya.family, priya.title, priya.org) == (
        "Ms.", "Priya", "Raghunathan", "Program Manager", "Contoso Ltd.")
    assert values(priya.emails) == ["priya.r@contoso.example", "priya.raghu@outlook.example"]
    assert labelled(priya.phones) == [("+1 425 555 0100", "work"), ("+1 (425) 555-0143", "mobile")]
    assert labelled(priya.addresses) == [("1 Microsoft Way, Redmond, WA, 98052, United States", "work")]
    assert priya.linkedin_urls == ["https://www.linkedin.com/in/priya-raghunathan"]
    assert ("Spouse", "Arjun") in priya.extras
    assert (tomas.given, tomas.family, tomas.birthday) == ("Tomás", "Ó Briain", "1990-07-21")
    jurgen, elodie = load(desk).records
    assert (jurgen.prefix, jurgen.given, jurgen.family, jurgen.org) == ("Herr", "Jürgen", "Groß", "Müller & Söhne GmbH")
    assert jurgen.title == "Geschäftsführer" and jurgen.categories == ["Kunden", "Messe 2023"]
    assert labelled(jurgen.addresses) == [("Königsallee 12, Düsseldorf, 40212, Deutschland", "work")]
    assert jurgen.note == "Trifft man auf der Anuga.\r\nSpricht Französisch." and jurgen.birthday == ""
    assert not any(value in ("0/0/00", "Normal", "False", "Unspecified") for _, value in jurgen.extras)
    assert (elodie.line, elodie.given, elodie.family, elodie.org) == (4, "Élodie", "Bérubé-Çelik", "Société Générale")
    assert values(elodie.emails) == ["elodie.berube@socgen.example"]  # the Exchange DN is no address ...
    assert any(name == "E-mail Address" and value.startswith("/o=") for name, value in elodie.extras)  # ... but kept


def test_linkedin_with_bom_preamble_url_and_older_export() -> None:
    amara, li, chloe = load(FIXTURES / "linkedin_connections.csv").records
    assert (amara.line, amara.given, amara.family, amara.title) == (5, "Amara", "Nwosu-Becker",
                                                                    "Director, Platform Engineering")
    assert amara.connected_on == "2023-01-15" and labelled(amara.urls) == [
        ("https://www.linkedin.com/in/amara-nwosu-becker", "linkedin")]
    assert li.connected_on == "2021-03-03" and values(li.emails) == ["li.wei@example.cn"]
    assert chloe.connected_on == "sometime in 2019"  # unparseable dates are kept as written
    rafael, hannah = load(FIXTURES / "linkedin_old.csv").records
    assert csv_format(FIXTURES / "linkedin_old.csv") == "linkedin"
    assert (rafael.family, rafael.connected_on, rafael.urls) == ("Gómez", "2016-11-07", [])
    assert (hannah.title, hannah.connected_on, hannah.emails) == ("Analyst, Risk", "2018-02-22", [])


@pytest.mark.parametrize(("text", "iso"), [("15 Jan 2023", "2023-01-15"), ("1 Sept 2020", "2020-09-01"),
                                           ("Mar 3, 2021", "2021-03-03"), ("2019-12-31", "2019-12-31"),
                                           ("4/30/22", "2022-04-30"), ("31 Foo 2020", "31 Foo 2020"), ("", "")])
def test_linkedin_dates(text: str, iso: str) -> None:
    assert linkedin.connected_date(text) == iso


# --- generic CSV: heuristics, mapping, refusal ------------------------------------------------

def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(("text", "encoding"), [
    ("Vorname;Nachname;E-Mail-Adresse;Mobiltelefon;Firma\nJürgen;Groß;j@x.de;+49 171 1;ACME\n", "cp1252"),
    ("Prénom,Nom,Adresse de messagerie,Téléphone mobile,Société\nJürgen,Groß,j@x.de,+49 171 1,ACME\n", "cp1252"),
    ("Nombre\tApellidos\tCorreo electrónico\tTeléfono móvil\tEmpresa\n"
     "Jürgen\tGroß\tj@x.de\t+49 171 1\tACME\n", "utf-8"),
    ("First Name,Last Name,Email,Mobile,Company\nJürgen,Groß,j@x.de,+49 171 1,ACME\n", "utf-16"),
])
def test_translated_headers(tmp_path: Path, text: str, encoding: str) -> None:
    (rec,) = load(write(tmp_path, "people.csv", text, encoding)).records
    assert (rec.given, rec.family, values(rec.emails), rec.org) == ("Jürgen", "Groß", ["j@x.de"], "ACME")
    assert labelled(rec.phones) == [("+49 171 1", "mobile")]


def test_mapping_by_header_and_refusal_of_unknown_layouts(tmp_path: Path) -> None:
    path = write(tmp_path, "crm.csv", "Who,Reach,Digits,Misc\nAda Byron,ada@example.org,123,x\n")
    with pytest.raises(NotAnAddressBook, match=r"unknown CSV layout; headers: Who, Reach, Digits, Misc.*--map"):
        load(path, "csv")
    (rec,) = load(path, "csv", name="Who", email="reach", phone="Digits").records
    assert (rec.formatted_name, values(rec.emails), values(rec.phones), rec.extras) == (
        "Ada Byron", ["ada@example.org"], ["123"], [("Misc", "x")])
    with pytest.raises(NotAnAddressBook, match="no such column"):
        load(path, "csv", email="Nope")
    with pytest.raises(NotAnAddressBook, match="unknown field"):
        load(path, "csv", shoe_size="Misc")


def test_mapping_also_applies_to_a_detected_flavour() -> None:
    grete = load(FIXTURES / "google_current.csv", None, nickname="Custom Field 1 - Value").records[0]
    assert grete.nickname == "PyData Berlin" and ("Nickname", "Grete") in grete.extras


def test_mapping_overrides_a_heuristic_column(tmp_path: Path) -> None:
    path = write(tmp_path, "people.csv", "Name,Full name (as printed),Email\nAda,Ada King Lovelace,ada@example.org\n")
    (rec,) = load(path, "csv", formatted_name="Full name (as printed)").records
    assert rec.formatted_name == "Ada King Lovelace" and ("Name", "Ada") in rec.extras


# --- broken input -----------------------------------------------------------------------------

HEADER = "First Name,Last Name,E-mail Address,Mobile Phone\n"


def test_ragged_rows_keep_every_cell(tmp_path: Path) -> None:
    text = HEADER + "Ann,Lee,ann@x.org\nBob,Ray,bob@x.org,555,surplus,more\n,,,\n\nCy,Dee,cy@x.org,556\n"
    result = load(write(tmp_path, "ragged.csv", text))
    ann, bob, cy = result.records
    assert (ann.index, bob.index, cy.index, cy.line) == (1, 2, 3, 6)  # blank rows: skipped, not counted
    assert bob.extras == [("column 5", "surplus"), ("column 6", "more")] and values(bob.phones) == ["555"]
    assert result.problems == []


def test_unterminated_quote_at_eof_is_cut_back_to_its_line(tmp_path: Path) -> None:
    text = HEADER + 'Ann,Lee,ann@x.org\n"Bob,Ray,bob@x.org\nCy,Dee,cy@x.org\nDan,Fox,dan@x.org'
    result = load(write(tmp_path, "open.csv", text))
    assert [(r.line, r.given, values(r.emails)) for r in result.records] == [
        (2, "Ann", ["ann@x.org"]), (3, "Bob", ["bob@x.org"]), (4, "Cy", ["cy@x.org"]), (5, "Dan", ["dan@x.org"])]
    assert [str(p) for p in result.problems] == [
        "open.csv:3: a quote opened on this line is never closed; the row was read up to the end of its line"]


def test_quote_left_open_mid_file_does_not_swallow_the_rows_after_it(tmp_path: Path) -> None:
    text = HEADER + '"Bob,Ray,bob@x.org\nAnn,Lee,ann@x.org,1\nCy,"Dee",cy@x.org\nDan,Fox,dan@x.org\n'
    result = load(write(tmp_path, "open.csv", text))  # the very first data row: checked once the header is known
    assert [(r.line, r.given, r.family) for r in result.records] == [
        (2, "Bob", "Ray"), (3, "Ann", "Lee"), (4, "Cy", "Dee"), (5, "Dan", "Fox")]
    assert [p.line for p in result.problems] == [2]
    later = load(write(tmp_path, "later.csv", text.replace(HEADER, HEADER + "Al,Bo,al@x.org,2\n"))).records
    assert [(r.line, r.given) for r in later] == [(2, "Al"), (3, "Bob"), (4, "Ann"), (5, "Cy"), (6, "Dan")]
    # a real multi-line note with commas in every line is no runaway quote: its row has all its cells
    note = HEADER.replace("Mobile Phone", "Notes") + 'Eve,Ng,eve@x.org,"met at PyCon, Berlin\nlunch, drinks, fun"\n'
    (eve,) = load(write(tmp_path, "note.csv", note)).records
    assert eve.note == "met at PyCon, Berlin\nlunch, drinks, fun"


def test_nul_bytes_and_rows_without_anybody(tmp_path: Path) -> None:
    data = HEADER.encode() + b"Ann,L\x00ee,ann@x.org\n,,,\n,,,\x00\nBob,Ray,bob@x.org\n" + b",,,\n"
    data += b'"",,," "\n' + b"First Name,Last Name,E-mail Address,Mobile Phone\n"
    result = load(write(tmp_path, "nul.csv", data))
    assert [r.display_name for r in result.records] == ["Ann Lee", "Bob Ray", "First Name Last Name"]
    assert [str(p) for p in result.problems] == ["nul.csv:2: 2 NUL bytes removed"]
    notes = write(tmp_path, "notes.csv", "First Name,Notes\nAnn,hi\n,just a note\n")
    assert [str(p) for p in load(notes).problems] == ["notes.csv:3: row 2 has no name, email or phone"]


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    (bytes(range(256)) * 40, "binary"),
    (b'{"contacts": [{"name": "Ann"}]}', "JSON"),
    (b"", "empty"),
    (b"\xef\xbb\xbf", "empty"),
    (b"\xff\xfe", "empty"),
    (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n", "vCard"),
    (b"From ann@example.org Mon Jan  1 00:00:00 2024\nSubject: hi\n\nbody\n", "mailbox"),
    (b"Return-Path: <ann@example.org>\r\nFrom: Ann <ann@example.org>\r\nTo: bob@example.org, cy@x.org\r\n", "email"),
])
def test_not_csv_is_refused_with_one_line_and_detected_as_nothing(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path, "contacts.csv", data)
    assert all(detect(Sniff.of(path)) == 0 for detect in DETECTORS.values())
    for fmt in DETECTORS:
        with pytest.raises(NotAnAddressBook, match=reason) as info:
            importers.parse(path, fmt, ImportOptions())
        assert "\n" not in str(info.value)


def test_progress_and_cancel(tmp_path: Path) -> None:
    rows = "".join(f"P{i},Q{i},p{i}@x.org,\n" for i in range(10_000))
    path = write(tmp_path, "big.csv", HEADER + rows)
    seen: list[tuple[int, int]] = []
    result = importers.parse(path, "outlook", ImportOptions(progress=lambda d, t: seen.append((d, t))))
    size = path.stat().st_size
    assert len(result.records) == 10_000 and len(seen) >= 3 and seen[-1] == (size, size)
    assert all(0 < d <= t == size for d, t in seen) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    stopped = importers.parse(path, "outlook", ImportOptions(cancelled=lambda: True))
    assert len(stopped.records) < 10_000 and "cancelled" in stopped.problems[-1].message


def test_decoding_and_delimiters() -> None:
    assert decode("Zoë,Ünal\n".encode("utf-16-le")).text == "Zoë,Ünal\n"  # no BOM
    assert decode("Zoë,Ünal\n".encode("utf-16-be")).text == "Zoë,Ünal\n"
    assert decode("\ufeffZoë\n".encode("utf-8")).text == "Zoë\n"
    assert decode("Groß,Lefèvre\n".encode("cp1252")).encoding == "cp1252"
    assert decode("山田,太郎,やまだ\n".encode("shift_jis")).text == "山田,太郎,やまだ\n"
    assert decode("Иван,Петров,Сидорова Мария\n".encode("cp1251")).text == "Иван,Петров,Сидорова Мария\n"
    assert sniff_delimiter('Notes:\n"a, b, c"\n\nA;B;C\n') == ";"
    assert sniff_delimiter('"A,1"\t"B"\t"C"\n') == "\t"
    assert sniff_delimiter("Email\nann@x.org, bob@x.org\n") == ","  # one column: data rows do not vote


def test_excel_separator_hint(tmp_path: Path) -> None:
    text = "sep=;\r\nVorname;Nachname;E-Mail\r\nAda;Lovelace;ada@x.org\r\n"
    (rec,) = load(write(tmp_path, "excel.csv", text)).records
    assert (rec.line, rec.given, rec.family, values(rec.emails)) == (3, "Ada", "Lovelace", ["ada@x.org"])


# --- properties ---------------------------------------------------------------------------------

_CELL_CHARS = st.one_of(
    st.sampled_from(list(',;"\t\r\n \'*:-@.')),
    st.characters(blacklist_categories=("Cs", "Cc")),  # any letter, mark, symbol, space of any script
)
CELL = st.text(_CELL_CHARS, max_size=12)
GOOGLE = ["First Name", "Last Name", "Organization Name", "Notes", "E-mail 1 - Label", "E-mail 1 - Value",
          "Phone 1 - Label", "Phone 1 - Value"]
OUTLOOK = ["First Name", "Last Name", "Company", "Notes", "E-mail Address", "Mobile Phone", "Business Phone", "Spouse"]


def _expected(fmt: str, row: list[str]) -> dict[str, object] | None:
    """What one written row must come back as (None: a blank row, or no one in it)."""
    s = [c.strip() for c in row]
    if fmt == "google":
        emails, phones = _packed(row[4], s[5]), _packed(row[6], s[7])
        extras = [(GOOGLE[4], s[4])] if s[4] and not s[5] else []
        extras += [(GOOGLE[6], s[6])] if s[6] and not s[7] else []
    else:
        emails = [(s[4], "")] if s[4] else []
        phones = [(v, lab) for v, lab in ((s[5], "mobile"), (s[6], "work")) if v]
        extras = [("Spouse", s[7])] if s[7] else []
    if not (s[0] or s[1] or s[2] or emails or phones):
        return None
    return {"given": s[0], "family": s[1], "org": s[2], "note": s[3], "emails": emails, "phones": phones,
            "extras": extras}


def _packed(label: str, value: str) -> list[tuple[str, str]]:
    """Google's ` ::: ` values, each with its own label when the label cell packs as many."""
    parts = [v.strip() for v in value.split(" ::: ") if v.strip()] if value else []
    labels = [p.strip().lstrip("*").strip().lower() for p in label.split(" ::: ")]
    if len(labels) != len(parts) or len(labels) == 1:
        labels = [label.strip().lstrip("*").strip().lower()] * len(parts)
    return list(zip(parts, labels))


def _got(rec: Record) -> dict[str, object]:
    return {"given": rec.given, "family": rec.family, "org": rec.org, "note": rec.note, "emails": labelled(rec.emails),
            "phones": labelled(rec.phones), "extras": rec.extras}


@settings(deadline=None, derandomize=True, max_examples=120,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["google", "outlook"]), rows=st.lists(st.lists(CELL, min_size=8, max_size=8), max_size=8))
def test_written_rows_round_trip(tmp_path: Path, fmt: str, rows: list[list[str]]) -> None:
    header = GOOGLE if fmt == "google" else OUTLOOK
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    starts = []
    for row in rows:
        starts.append(len(io.StringIO(out.getvalue(), newline="").readlines()) + 1)
        writer.writerow(row)
    path = write(tmp_path, "rt.csv", out.getvalue())
    assert csv_format(path) == fmt
    result = load(path)
    expected, problem_lines, index = [], [], 0
    for line, row in zip(starts, rows):
        want = _expected(fmt, row)
        if want is None and any(c.strip() for c in row):
            index += 1
            problem_lines.append(line)
        elif want is not None:
            index += 1
            expected.append({**want, "line": line, "index": index})
    assert [{**_got(r), "line": r.line, "index": r.index} for r in result.records] == expected
    assert [p.line for p in result.problems] == problem_lines


def _valid_csv() -> bytes:
    return (FIXTURES / "google_current.csv").read_bytes()


@settings(deadline=None, derandomize=True, max_examples=150,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mangled_bytes_only_ever_raise_not_an_address_book(tmp_path: Path, data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from([
        _valid_csv(), (FIXTURES / "outlook_desktop.csv").read_bytes(),
        (FIXTURES / "linkedin_connections.csv").read_bytes(),
        "First Name,Last Name\nZoë,Ünal\n".encode("utf-16"), b""])))
    for _ in range(data.draw(st.integers(0, 6))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[at] = data.draw(st.integers(0, 255))
        elif op == "insert":
            raw[at:at] = data.draw(st.binary(max_size=8) | st.sampled_from([b'"', b"\x00", b"\r", b"\xff\xfe", b",,,"]))
        elif op == "delete":
            del raw[at:at + data.draw(st.integers(1, 40))]
        else:
            del raw[at:]
    path = write(tmp_path, "mangled.csv", bytes(raw))
    for detect in DETECTORS.values():
        assert 0 <= detect(Sniff.of(path)) <= 100
    for fmt in DETECTORS:
        try:
            result = importers.parse(path, fmt, ImportOptions())
        except NotAnAddressBook as exc:
            assert "\n" not in str(exc)
            continue
        assert all(not r.is_empty and r.index >= 1 and r.line >= 1 for r in result.records)


@settings(deadline=None, derandomize=True, max_examples=100,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=600))
def test_random_bytes_never_crash(tmp_path: Path, blob: bytes) -> None:
    path = write(tmp_path, "random.csv", blob)
    for fmt, detect in DETECTORS.items():
        detect(Sniff.of(path))
        try:
            importers.parse(path, fmt, ImportOptions())
        except NotAnAddressBook:
            pass


def test_google_address_parts_the_formatted_address_leaves_out_are_kept(tmp_path: Path) -> None:
    """`Address 1 - Formatted` wins over the part columns, but a part it does not hold was dropped unseen
    (Formatted "Berlin": the street, postcode and country were nowhere)."""
    path = tmp_path / "google.csv"
    path.write_text("First Name,Last Name,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,"
                    "Address 1 - Postal Code,Address 1 - Country\n"
                    "Ada,Lovelace,Home,Berlin,Hauptstraße 5,Berlin,10115,Germany\n"
                    "Bo,Berg,Home,\"Hauptstraße 9, 10115 Berlin\",Hauptstraße 9,Berlin,10115,\n", encoding="utf-8")
    ada, bo = importers.parse(path, "auto", ImportOptions()).records
    assert [a.value for a in ada.addresses] == ["Berlin"]
    assert ("address parts the formatted address leaves out", "Hauptstraße 5, 10115, Germany") in ada.extras
    assert not any(name.startswith("address parts") for name, _ in bo.extras)  # all in its formatted text


def test_a_spanish_outlook_export_is_outlook_and_its_type_and_display_columns_are_no_addresses(tmp_path: Path) -> None:
    path = tmp_path / "contactos.csv"
    path.write_text("Tratamiento,Nombre,Apellidos,Organización,Móvil,Particular,Dirección de correo electrónico,"
                    "Tipo de correo electrónico,Nombre para mostrar del correo electrónico,Dirección de correo electrónico 2\n"
                    "Sr.,Juan,García López,Acme SA,+34 600 111 222,+34 91 765 4321,juan@acme.es,SMTP,"
                    "Juan García (juan@acme.es),jgl@gmail.com\n", encoding="utf-8")
    assert importers.detect(path).name == "outlook"
    [juan] = importers.parse(path, "auto", ImportOptions()).records
    assert [e.value for e in juan.emails] == ["juan@acme.es", "jgl@gmail.com"]  # not "SMTP", nor the display text
    assert [(p.value, p.label) for p in juan.phones] == [("+34 600 111 222", "mobile"), ("+34 91 765 4321", "home")]
    assert (juan.given, juan.family, juan.org, juan.prefix) == ("Juan", "García López", "Acme SA", "Sr.")

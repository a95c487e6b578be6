"""The export gate run as a user runs it (`knowme import`, `mark`, `export`), against other spellings of an
excluded person's phone, address and profile written anywhere on a knows-me card: its note, a vCard X- field,
its links. Each of these let the card, and so the ex-boss's number or address, into the safe file."""
from __future__ import annotations

from pathlib import Path

import pytest

from knowme.store.core import SCHEMA_VERSION, Store

REX = "rex@oldcorp.com"
ANN = "ann@able.example"


def _card(*lines: str) -> str:
    return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(f"{line}\r\n" for line in lines) + "END:VCARD\r\n"


def _book(tmp_path: Path, *ann: str, rex_email: str = REX) -> Path:
    path = tmp_path / "phone.vcf"
    rex = _card("FN:Rex Boss", "N:Boss;Rex;;;", f"EMAIL:{rex_email}", "TEL:+44 7700 900123",
                "URL:https://www.linkedin.com/in/rex-boss")
    path.write_text(rex + _card("FN:Ann Able", "N:Able;Ann;;;", f"EMAIL:{ANN}", *ann), encoding="utf-8")
    return path


def _export(knowme, tmp_path: Path, *ann: str, region: str = "GB", rex_email: str = REX):
    """Import the book, mark Ann knows-me and Rex excluded, and export the safe file."""
    assert knowme("import", _book(tmp_path, *ann, rex_email=rex_email), "--region", region).returncode == 0
    assert knowme("mark", ANN, "--as", "knows-me").returncode == 0
    assert knowme("mark", "Rex Boss", "--as", "exclude").returncode == 0
    out = tmp_path / "safe.csv"
    return knowme("export", "safe", "-o", out), out


def _refused(knowme, tmp_path: Path, *ann: str, **kw: str) -> str:
    proc, out = _export(knowme, tmp_path, *ann, **kw)
    assert proc.returncode == 1, proc.stdout
    assert not out.exists()
    assert "Traceback" not in proc.stderr
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("written", ["+44/7700/900123", "+44.7700.900123", "(+44) 7700-900 123", "0044 7700 900123",
                                     "07700 900123", "+44 (0)7700/900123", "0044/7700/900123", "+44_7700_900123"])
@pytest.mark.parametrize("field", ["NOTE", "X-OTHER-PHONE", "ORG"])
def test_an_excluded_phone_however_grouped_in_a_knows_me_card_stops_the_safe_export(knowme, tmp_path: Path,
                                                                                    written: str, field: str) -> None:
    """Slashes between the groups (`+44/7700/900123`) read as no number, and a number in an X- field was never
    read: the ex-boss's mobile went into the safe file with Ann's card."""
    err = _refused(knowme, tmp_path, f"{field}:Rex {written}")
    assert "Ann Able" in err and "Rex Boss" in err


def test_two_numbers_parted_by_a_slash_are_each_compared(knowme, tmp_path: Path) -> None:
    err = _refused(knowme, tmp_path, "NOTE:mob 07700 900123/07700 900456")
    assert "Rex Boss" in err


def test_numbers_that_are_no_excluded_phone_leave_the_card_in_the_safe_file(knowme, tmp_path: Path) -> None:
    proc, out = _export(knowme, tmp_path, "NOTE:met 12/03/2019, ref 2019/03/04, order 4471_2231, +44/7700/900999",
                        "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Annie;1;;;;;;;;;;;;;")
    assert proc.returncode == 0, proc.stderr
    assert ANN in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("written", ["NOTE:old boss rex%2540oldcorp.com", "NOTE:rex%40oldcorp%2Ecom",
                                     "NOTE:%72ex%40oldcorp.com", "NOTE:rex%2540oldcorp%252Ecom",
                                     "NOTE:rex&amp;#64;oldcorp.com", "NOTE:rex @oldcorp.com", "NOTE:rex@ oldcorp.com",
                                     "URL:mailto:rex%2540oldcorp.com", "URL:mailto:rex%40oldcorp%2Ecom",
                                     "URL:https://cal.example/book?u=rex%2540oldcorp.com",
                                     "X-ALT-MAIL:rex%252540oldcorp.com"])
def test_an_excluded_address_escaped_twice_stops_the_safe_export(knowme, tmp_path: Path, written: str) -> None:
    """A %-escape of a %-escape (`%2540` is `%40`, is `@`), an escaped dot or letter: read as no address, so
    the card went into the safe file with the ex-boss's address in its note or link."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


@pytest.mark.parametrize("written", ["NOTE:rex%40m%C3%BCnchen.de", "NOTE:REX@XN--MNCHEN-3YA.DE",
                                     "URL:mailto:rex%40xn--mnchen-3ya%252Ede"])
def test_an_excluded_address_at_an_international_domain_however_spelled_stops_the_safe_export(
        knowme, tmp_path: Path, written: str) -> None:
    assert "Rex Boss" in _refused(knowme, tmp_path, written, rex_email="rex@münchen.de")


ELSEWHERE_ON_THE_CARD = [
    "ADR;TYPE=home:;;c/o rex@oldcorp.com;London;;;", "ADR;TYPE=home:;;Flat 2 (+44 7700 900123);London;;;",
    "NICKNAME:rex(at)oldcorp(dot)com", "NICKNAME:Annie +44/7700/900123", "CATEGORIES:work,rex@oldcorp.com",
    "EMAIL;TYPE=work:mailto:REX%40OLDCORP.COM", "URL:https://www.linkedin.com/in/rex%252Dboss",
    "URL:linkedin://in/rex-boss", "X-LINKEDIN:rex-boss", "URL:tel:+447700900123", "URL:https://wa.me/447700900123",
    "IMPP:sms:+44 7700 900123",
]


@pytest.mark.parametrize("written", ELSEWHERE_ON_THE_CARD)
def test_an_excluded_identifier_anywhere_on_a_knows_me_card_stops_the_safe_export(knowme, tmp_path: Path,
                                                                                  written: str) -> None:
    """Only the note, the unmapped fields and the links of a card were read: the ex-boss's address or number in
    its postal address, nickname or categories, an email cell escaping his address, his profile escaped twice,
    as the app links it, or by its bare name in an X-LINKEDIN field let the card into the safe file."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


@pytest.mark.parametrize("written", ["ADR;TYPE=home:;;c/o rex@oldcorp.com;London;;;", "X-LINKEDIN:rex-boss",
                                     "NOTE:rex%2540oldcorp.com", "NICKNAME:Annie +44/7700/900123",
                                     "NOTE:rex\\@oldcorp.com", "URL:http://www.linkedin.com/pub/rex-boss/1/2/3"])
def test_an_excluded_identifier_on_a_personalize_card_stops_the_outreach_export(knowme, tmp_path: Path,
                                                                             written: str) -> None:
    assert knowme("import", _book(tmp_path, written), "--region", "GB").returncode == 0
    assert knowme("mark", ANN, "--as", "personalize").returncode == 0
    assert knowme("mark", "Rex Boss", "--as", "exclude").returncode == 0
    out = tmp_path / "queue.csv"
    proc = knowme("export", "outreach", "-o", out)
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


def test_ordinary_card_texts_leave_the_card_in_the_safe_file(knowme, tmp_path: Path) -> None:
    """Reading every text of a card compares candidates with the list only: a postal address with numbers, a
    company's role address, a flag named for LinkedIn, ordinary words do not stop the export."""
    proc, out = _export(knowme, tmp_path, "ADR;TYPE=work:;;221B Baker Street 1st floor;London;;NW1 6XE;UK",
                        "CATEGORIES:friends,oldcorp alumni,sales at oldcorp.com", "NICKNAME:Annie",
                        "X-LINKEDIN-CONNECTED:true", "X-LINKEDIN:true", "ORG:Oldcorp;Sales (info@oldcorp.com)",
                        "TITLE:Head of sales at oldcorp.com", "URL:https://oldcorp.com/team/@ann",
                        "URL:https://www.linkedin.com/in/ann-able-447700901")
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


def _rex_and_ann(knowme, tmp_path: Path, rex_line: str, ann_line: str):
    path = tmp_path / "phone.vcf"
    path.write_text(_card("FN:Rex Boss", "N:Boss;Rex;;;", f"EMAIL:{REX}", rex_line)
                    + _card("FN:Ann Able", "N:Able;Ann;;;", f"EMAIL:{ANN}", ann_line), encoding="utf-8")
    assert knowme("import", path, "--region", "GB").returncode == 0
    assert knowme("mark", ANN, "--as", "knows-me").returncode == 0
    assert knowme("mark", "Rex Boss", "--as", "exclude").returncode == 0
    out = tmp_path / "safe.csv"
    return knowme("export", "safe", "-o", out), out


@pytest.mark.parametrize(("rex_line", "ann_line"), [
    ("URL:tel:+447700900999", "TEL:+44 7700 900999"), ("IMPP:sms:+44 7700 900999", "TEL:07700 900999"),
    ("URL:https://wa.me/447700900999", "TEL:+44 7700 900999"),
    ("ADR;TYPE=home:;;home: rex.home@x.example;;;;", "EMAIL:rex.home@x.example"),
    ("NICKNAME:rex.home(at)x.example", "EMAIL:rex.home@x.example"),
    ("CATEGORIES:exes,linkedin.com/in/rex-home", "URL:https://www.linkedin.com/in/rex-home"),
])
def test_an_excluded_persons_other_identifier_on_his_own_card_stops_a_knows_me_card_holding_it(
        knowme, tmp_path: Path, rex_line: str, ann_line: str) -> None:
    """Rex's card gives his other number as a link, his home address in its postal address or nickname: only his
    note and unmapped fields were read, so Ann's card holding that number or address went into the safe file."""
    proc, out = _rex_and_ann(knowme, tmp_path, rex_line, ann_line)
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr


def test_a_role_address_in_an_excluded_persons_company_cell_is_not_his(knowme, tmp_path: Path) -> None:
    proc, out = _rex_and_ann(knowme, tmp_path, "ORG:Oldcorp (info@oldcorp.com);Sales", "EMAIL:info@oldcorp.com")
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("written", ["NOTE:old boss rex\\@oldcorp.com", "NOTE:rex\\@oldcorp\\.com",
                                     "NOTE:mail rex @ oldcorp . com", "NOTE:rex@oldcorp . com, not the office",
                                     "X-ALT-MAIL:rex @oldcorp. com", "NICKNAME:rex \\@ oldcorp . com"])
def test_an_excluded_address_with_an_escaped_at_or_spaced_dots_stops_the_safe_export(
        knowme, tmp_path: Path, written: str) -> None:
    """An `@` escaped with a backslash (`rex\\@oldcorp.com`, as a vCard writer leaves it), a domain with spaces
    around its dots (`rex @ oldcorp . com`): read as no address, and the card went into the safe file with the
    ex-boss's address in its note."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


@pytest.mark.parametrize("written", ["URL:https://www.linkedin.com/in/rex\u2013boss",
                                     "NOTE:his profile linkedin.com/in/rex\u2013boss",
                                     "X-SOCIAL:linkedin.com/in/rex\u2010boss",
                                     "URL:http://www.linkedin.com/pub/rex-boss/1/2/3",
                                     "NOTE:old profile: linkedin.com/pub/rex-boss/a1/b2/c3 (2012)"])
def test_an_excluded_profile_with_a_dash_or_on_its_old_public_path_stops_the_safe_export(
        knowme, tmp_path: Path, written: str) -> None:
    """A profile's hyphen turned into a dash by a word processor (`rex–boss`) and the old public profile path
    (`linkedin.com/pub/rex-boss/1/2/3`) were read as other profiles: the card went into the safe file."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)




def test_sentences_with_spaced_dots_and_other_profiles_leave_the_card_in_the_safe_file(knowme, tmp_path: Path) -> None:
    """Spaced dots are joined only right behind an `@`: full stops between ordinary words join nothing, and a
    profile that only begins like his, or another person's old public path, is not his."""
    proc, out = _export(knowme, tmp_path, "NOTE:Worked with rex . He left oldcorp . com was his firm. Ask @ oldcorp",
                        "X-NOTE:rex \\@ home . Sales @ oldcorp . com",
                        "URL:https://www.linkedin.com/pub/ann-able/1/2/3",
                        "X-SOCIAL:linkedin.com/in/rex\u2013bossy and linkedin.com/pub/rex-b/1/2/3")
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("rex_line", ["URL:https://cal.example/?u=rex.home%40x.example",
                                      "URL:https://cal.example/book?team=1&u=rex.home%2540x.example#slot",
                                      "URL:http://www.cal.example/r?a=1&owner=REX.HOME%40X.EXAMPLE"])
def test_an_address_in_a_web_link_on_an_excluded_persons_card_stops_a_knows_me_card_holding_it(
        knowme, tmp_path: Path, rex_line: str) -> None:
    """Rex's card links his booking page, his home address in its query: web links were read for nothing, so
    Ann's card holding that address went into the safe file."""
    proc, out = _rex_and_ann(knowme, tmp_path, rex_line, "EMAIL:rex.home@x.example")
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr and "rex.home@x.example" in proc.stdout + proc.stderr


@pytest.mark.parametrize(("rex_line", "ann_line"), [
    ("URL:https://cal.example/?to=info%40oldcorp.com", "EMAIL:info@oldcorp.com"),
    ("URL:https://cal.example/book?u=bookings%40cal.example&cc=sales%40oldcorp.com", "EMAIL:sales@oldcorp.com"),
    ("URL:https://shop.example/?u=noreply%40shop.example", "EMAIL:noreply@shop.example"),
])
def test_a_role_address_in_a_web_link_on_an_excluded_persons_card_is_not_his(knowme, tmp_path: Path, rex_line: str,
                                                                           ann_line: str) -> None:
    proc, out = _rex_and_ann(knowme, tmp_path, rex_line, ann_line)
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("written", ["NOTE:old boss rex . boss @ oldcorp.com", "NOTE:rex .boss@oldcorp.com",
                                     "NOTE:rex. boss (at) oldcorp (dot) com", "ORG:Acme (rex . boss @ oldcorp . com)",
                                     "X-ALT-MAIL:rex .boss @oldcorp. com", "NOTE:rex . boss at oldcorp dot com"])
def test_an_excluded_address_with_spaced_dots_before_its_at_stops_the_safe_export(knowme, tmp_path: Path,
                                                                                  written: str) -> None:
    """Spaced dots were joined only in the domain behind an `@`: `rex . boss @ oldcorp.com` read as
    boss@oldcorp.com, no one's, and the card went into the safe file with the ex-boss's address in its note."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written, rex_email="rex.boss@oldcorp.com")


def test_full_stops_before_an_address_in_a_sentence_leave_the_card_in_the_safe_file(knowme, tmp_path: Path) -> None:
    """A full stop ends a sentence: the word before it is not read as the start of the address after it."""
    proc, out = _export(knowme, tmp_path, "NOTE:Met Rex. Boss at Oldcorp. Thanks Rex. Boss@oldcorp.com is the "
                        "board's inbox", "ORG:Oldcorp (Rex. Boss (at) oldcorp (dot) com)",
                        rex_email="rex.boss@oldcorp.com")
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("rex_line", ["URL:mailto:?to=rex.home%40x.example",
                                      "URL:mailto:rex@oldcorp.com,rex.home@x.example",
                                      "URL:mailto:rex@oldcorp.com?cc=rex.home@x.example",
                                      "IMPP:mailto:rex@oldcorp.com?bcc=rex.home%40x.example",
                                      "URL:mailto:rex@oldcorp.com?subject=hi&to=x%40y.example%2C%20rex.home"
                                      "%40x.example",
                                      "URL:MAILTO:rex@oldcorp.com?CC=REX.HOME%2540X.EXAMPLE"])
def test_a_recipient_of_a_mailto_link_on_an_excluded_persons_card_stops_a_knows_me_card_holding_it(
        knowme, tmp_path: Path, rex_line: str) -> None:
    """Rex's card links a mail to him at his home address too: only the first address of a mailto link was read
    (its query not at all, and a second recipient after a comma was cut off at its @), so Ann's card holding
    that address went into the safe file."""
    proc, out = _rex_and_ann(knowme, tmp_path, rex_line, "EMAIL:rex.home@x.example")
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr and "rex.home@x.example" in proc.stdout + proc.stderr


@pytest.mark.parametrize("rex_line", ["URL:mailto:rex@oldcorp.com?cc=info%40oldcorp.com",
                                      "URL:mailto:rex@oldcorp.com?subject=ask%20ann@able.example&body=hi"])
def test_a_role_address_or_a_word_of_a_mailto_links_subject_on_an_excluded_persons_card_is_not_his(
        knowme, tmp_path: Path, rex_line: str) -> None:
    proc, out = _rex_and_ann(knowme, tmp_path, rex_line, "EMAIL:info@oldcorp.com")
    assert proc.returncode == 0, proc.stdout
    assert "info@oldcorp.com" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("written", ["URL:mailto:ann@able.example?cc=rex%40oldcorp.com",
                                     "URL:mailto:ann@able.example?bcc=x%40y.example,rex%40oldcorp.com",
                                     "URL:mailto:?to=rex%2540oldcorp.com",
                                     "IMPP:mailto:ann@able.example?cc=rex@oldcorp.com",
                                     "NOTE:mailto:ann@able.example?subject=hi&cc=x@y.example%2Crex@oldcorp.com",
                                     "URL:mailto:ann@able.example%3Fcc%3Drex%2540oldcorp.com",
                                     "NOTE:<a href=\"mailto:ann@able.example?subject=Hi&amp;cc=rex%40oldcorp.com\">"])
def test_an_excluded_recipient_of_a_mailto_link_on_a_knows_me_card_stops_the_safe_export(knowme, tmp_path: Path,
                                                                                        written: str) -> None:
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


CALENDAR = "https://cal.example/?with=ann%40able.example"


def _ids(knowme, *names: str) -> list[int]:
    people = knowme.json("list", "--json")
    return [next(p["id"] for p in people if p["name"] == name) for name in names]


def test_an_address_an_excluded_card_names_only_in_a_links_query_says_where_and_a_different_answer_writes_it(
        knowme, tmp_path: Path) -> None:
    """Rex's card links a calendar page with Ann: her address, in its query, went on his list, and Ann (knows-me)
    was refused with only 'shares ann@able.example with Rex Boss'; answered `--not-same-as`, her address stayed
    withheld for ever, so she was never written. The refusal now names the link on his card, and once the user
    says they are different people her own address is written."""
    proc, out = _rex_and_ann(knowme, tmp_path, f"URL:{CALENDAR}", "NOTE:friend")
    said = proc.stdout + proc.stderr
    assert proc.returncode == 1 and not out.exists()
    assert "Ann Able" in said and "Rex Boss" in said and f"only in the query of a link ({CALENDAR})" in said
    assert "--not-same-as" in said
    rex, ann = _ids(knowme, "Rex Boss", "Ann Able")
    assert knowme("mark", str(ann), "--not-same-as", str(rex)).returncode == 0
    proc = knowme("export", "safe", "-o", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ANN in out.read_text(encoding="utf-8") and REX not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("rex_line", [f"URL:{CALENDAR}", "URL:mailto:rex@oldcorp.com?cc=ann%40able.example"])
def test_mark_says_where_an_excluded_card_names_the_address_it_refuses(knowme, tmp_path: Path, rex_line: str) -> None:
    path = tmp_path / "phone.vcf"
    path.write_text(_card("FN:Rex Boss", "N:Boss;Rex;;;", f"EMAIL:{REX}", rex_line)
                    + _card("FN:Ann Able", "N:Able;Ann;;;", f"EMAIL:{ANN}"), encoding="utf-8")
    assert knowme("import", path).returncode == 0
    assert knowme("mark", "Rex Boss", "--as", "exclude").returncode == 0
    proc = knowme("mark", ANN, "--as", "knows-me")
    assert proc.returncode == 1
    assert f"named only in the query of a link ({rex_line[4:]}) on the card of" in proc.stderr
    assert "Rex Boss" in proc.stderr


@pytest.mark.parametrize("also", ["NOTE:Ann's old mailbox: ann@able.example", "X-ALT-MAIL:ann@able.example"])
def test_an_address_an_excluded_card_also_gives_otherwise_stays_withheld_after_a_different_answer(
        knowme, tmp_path: Path, also: str) -> None:
    """The link's query is not all his card says of the address: it is his, and no answer writes it."""
    path = tmp_path / "phone.vcf"
    path.write_text(_card("FN:Rex Boss", "N:Boss;Rex;;;", f"EMAIL:{REX}", f"URL:{CALENDAR}", also)
                    + _card("FN:Ann Able", "N:Able;Ann;;;", f"EMAIL:{ANN}", "EMAIL:ann.home@able.example"),
                    encoding="utf-8")
    assert knowme("import", path).returncode == 0
    assert knowme("mark", ANN, "--as", "knows-me").returncode == 0
    assert knowme("mark", "Rex Boss", "--as", "exclude").returncode == 0
    out = tmp_path / "safe.csv"
    proc = knowme("export", "safe", "-o", out)
    assert proc.returncode == 1 and "only in the query of a link" not in proc.stdout + proc.stderr
    rex, ann = _ids(knowme, "Rex Boss", "Ann Able")
    assert knowme("mark", str(ann), "--not-same-as", str(rex)).returncode == 0
    assert knowme("export", "safe", "-o", out).returncode == 0
    written = out.read_text(encoding="utf-8")
    assert "ann.home@able.example" in written and "ann@able.example" not in written


@pytest.mark.parametrize("written", ["NOTE:linkedin&#46;com/in/rex-boss", "NOTE:linkedin.com/in/rex&#45;boss",
                                     "X-SOCIAL:&#108;inkedin.com&#47;in&#47;rex-boss",
                                     "ORG:Acme linkedin.com/in/rex&#x2D\\;boss"])
def test_an_excluded_profile_with_html_character_references_stops_the_safe_export(knowme, tmp_path: Path,
                                                                                  written: str) -> None:
    """A profile link pasted from a web page's source (`linkedin&#46;com/in/rex&#45;boss`) read as no profile."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


def test_an_address_named_in_a_link_of_a_card_no_book_holds_any_more_stays_withheld(knowme, tmp_path: Path) -> None:
    """Once no address book holds Rex's card, the list alone cannot tell that his card named the address only in a
    link: the refusal still says which link, and a different-people answer keeps the address out of the file."""
    (tmp_path / "rex.vcf").write_text(_card("FN:Rex Boss", "N:Boss;Rex;;;", f"EMAIL:{REX}", f"URL:{CALENDAR}"),
                                      encoding="utf-8")
    (tmp_path / "ann.vcf").write_text(_card("FN:Ann Able", "N:Able;Ann;;;", f"EMAIL:{ANN}"), encoding="utf-8")
    assert knowme("import", tmp_path / "rex.vcf", tmp_path / "ann.vcf").returncode == 0
    assert knowme("mark", ANN, "--as", "knows-me").returncode == 0
    rex, ann = _ids(knowme, "Rex Boss", "Ann Able")
    assert knowme("mark", str(rex), "--as", "exclude").returncode == 0
    assert knowme("forget", "rex.vcf").returncode == 0
    out = tmp_path / "safe.csv"
    proc = knowme("export", "safe", "-o", out)
    assert proc.returncode == 1 and f"only in the query of a link ({CALENDAR})" in proc.stdout + proc.stderr
    assert knowme("mark", str(ann), "--not-same-as", str(rex)).returncode == 0
    proc = knowme("export", "safe", "-o", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ANN not in out.read_text(encoding="utf-8") and "only addresses are excluded ones: 1" in proc.stdout


@pytest.mark.parametrize("written", ["URL:https://www.linkedin.cn/in/rex-boss", "URL:linkedin.cn/in/rex-boss/",
                                     "NOTE:his old profile: https://www.linkedin.cn/in/rex-boss?trk=x",
                                     "URL:https://de.linkedin.com/in/rex-boss",
                                     "URL:https://m.linkedin.com/in/rex-boss",
                                     "X-SOCIAL:https://uk.linkedin.com/pub/rex-boss/1/2/3"])
def test_an_excluded_profile_on_another_linkedin_host_stops_the_safe_export(knowme, tmp_path: Path,
                                                                            written: str) -> None:
    """A public profile's slug names one member whichever LinkedIn host shows it: LinkedIn China's linkedin.cn was
    read as no profile, so a knows-me card linking the ex-boss's profile there went into the safe file."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


def test_a_profile_on_linkedin_cn_on_an_excluded_card_stops_a_knows_me_card_holding_it(knowme, tmp_path: Path) -> None:
    proc, out = _rex_and_ann(knowme, tmp_path, "URL:https://www.linkedin.cn/in/rex-home",
                             "URL:https://www.linkedin.com/in/rex-home")
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr


def test_other_profiles_on_other_linkedin_hosts_leave_the_card_in_the_safe_file(knowme, tmp_path: Path) -> None:
    proc, out = _export(knowme, tmp_path, "URL:https://www.linkedin.cn/in/ann-able",
                        "NOTE:see de.linkedin.com/in/rex-bossy and linkedin.cn/company/oldcorp")
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("written", ["NOTE:linkedin . com/in/rex-boss", "NOTE:linkedin.com /in/rex-boss",
                                     "NOTE:linkedin dot com/in/rex-boss", "NOTE:LinkedIn (dot) com / in / rex-boss",
                                     "X-SOCIAL:linkedin dot com slash in slash rex-boss",
                                     "ORG:Acme (www . linkedin . com/pub/rex-boss/1/2/3)"])
def test_an_excluded_profile_with_spaced_or_spelled_dots_and_slashes_stops_the_safe_export(knowme, tmp_path: Path,
                                                                                         written: str) -> None:
    """A profile link written as people write one to keep it from being a link (`linkedin . com/in/rex-boss`,
    `linkedin dot com/in/rex-boss`) read as no profile: the card went into the safe file."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


def test_a_spaced_profile_on_an_excluded_card_stops_a_knows_me_card_holding_it(knowme, tmp_path: Path) -> None:
    proc, out = _rex_and_ann(knowme, tmp_path, "NOTE:private profile linkedin dot com/in/rex-home",
                             "URL:https://www.linkedin.com/in/rex-home")
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr


def test_sentences_with_spaced_slashes_and_other_spaced_profiles_leave_the_card_in_the_safe_file(
        knowme, tmp_path: Path) -> None:
    proc, out = _export(knowme, tmp_path, "NOTE:see page 3 / chapter 4 / in / rex-boss's memo; met on LinkedIn . com",
                        "X-SOCIAL:linkedin . com/in/ann-able, linkedin dot com / in / rex-bossy",
                        "TITLE:Sales in / out at LinkedIn / Oldcorp")
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


BOSS = "rex.boss@oldcorp.com"
Q_WORD = "=?UTF-8?Q?rex.boss=40oldcorp.com?="
B_WORD = "=?utf-8?B?cmV4LmJvc3NAb2xkY29ycC5jb20=?="


@pytest.mark.parametrize("written", ["NOTE:rex.boss&#64oldcorp.com", "NOTE:rex.boss&#x40oldcorp&#46com",
                                     "NOTE:old boss rex.boss@\\noldcorp.com", "NOTE:old boss rex.boss\\n@oldcorp.com",
                                     "X-NOTE:rex.boss @ \\n oldcorp.com", "NOTE:rex.boss (a) oldcorp.com",
                                     "ORG:Acme [rex.boss (A) oldcorp (dot) com]", f"NOTE:{Q_WORD}", f"NOTE:{B_WORD}",
                                     "NICKNAME:=?UTF-8?Q?Annie_<rex.boss=40oldcorp.com>?=",
                                     "NOTE:=?UTF-8?Q?rex.boss?= =?UTF-8?Q?=40oldcorp.com?=",
                                     f"ORG:Acme {B_WORD}", "NOTE:=?utf-8?B?bGlua2VkaW4uY29tL2luL3JleC1ib3Nz?="])
def test_an_excluded_address_as_a_web_page_or_mail_client_leaves_it_stops_the_safe_export(knowme, tmp_path: Path,
                                                                                          written: str) -> None:
    """A character reference without its `;` (browsers read `&#64`), a line break before or after the `@` of a
    wrapped note, `(a)` for `@`, and a MIME encoded word (`=?UTF-8?Q?rex.boss=40oldcorp.com?=`, as a card a mail
    client exported holds one; the last his profile so written): each read as no address, so a knows-me card
    holding the ex-boss's address that way went into the safe file."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written, rex_email=BOSS)


@pytest.mark.parametrize("rex_line", ["NOTE:home: =?UTF-8?Q?rex.home=40x.example?=",
                                      "NOTE:home rex.home@\\nx.example",
                                      "NOTE:rex.home&#64x.example", "NOTE:rex.home (a) x.example"])
def test_an_address_so_written_on_an_excluded_card_stops_a_knows_me_card_holding_it(knowme, tmp_path: Path,
                                                                                    rex_line: str) -> None:
    proc, out = _rex_and_ann(knowme, tmp_path, rex_line, "EMAIL:rex.home@x.example")
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr


def test_lists_line_breaks_handles_and_encoded_words_of_ordinary_text_leave_the_card_in_the_safe_file(
        knowme, tmp_path: Path) -> None:
    """`(a)` before no domain is a list's letter, a line ending with a name before a line starting with an
    `@handle` joins into no excluded address, and an encoded word of an ordinary text reads as that text."""
    proc, out = _export(knowme, tmp_path, "NOTE:(a) the first point\\n(b) see page 3 / chapter 4\\nmet Rex Boss\\n"
                        "@rexboss on X\\nmy old boss\\n@oldcorp.com then", "ORG:Oldcorp (a) division",
                        "TITLE:Q&#1 lead", "X-NOTE:=?UTF-8?Q?Caf=C3=A9_at_Oldcorp?= =?utf-8?B?!!?=",
                        "NICKNAME:=?x-unknown?Q?Annie?=", rex_email=BOSS)
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


PHONE_WORD = "=?utf-8?B?KzQ0IDc3MDAgOTAwMTIz?="  # +44 7700 900123


@pytest.mark.parametrize("written", [f"NOTE:mob {PHONE_WORD}", f"TITLE:Sales, {PHONE_WORD}", f"X-OTHER:{PHONE_WORD}",
                                     "NOTE:his profile linkedin.com/in/\\nrex-boss",
                                     "NOTE:his profile https://www.linkedin.com/in/rex-\\nboss (old)",
                                     "NOTE:linkedin . com / in /\\n rex-boss"])
def test_an_excluded_phone_in_an_encoded_word_or_a_profile_broken_at_a_line_end_stops_the_safe_export(
        knowme, tmp_path: Path, written: str) -> None:
    """A base64 encoded word of the ex-boss's number, and his profile link a wrapped note broke after a slash or a
    hyphen, read as no phone and no profile: the card went into the safe file."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


def test_a_number_in_an_encoded_word_on_an_excluded_card_stops_a_knows_me_card_holding_it(knowme,
                                                                                        tmp_path: Path) -> None:
    proc, out = _rex_and_ann(knowme, tmp_path, "NOTE:home =?utf-8?B?KzQ0IDc3MDAgOTAwOTk5?=", "TEL:+44 7700 900999")
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr


@pytest.mark.parametrize("written", ["NOTE:old boss rex.boss@oldcorp.\\ncom", "NOTE:old boss rex.\\nboss@oldcorp.com",
                                     "NOTE:old boss rex.boss@oldcorp\\n.com (home)", "NOTE:mail rex.boss at\\noldcorp.com",
                                     "NOTE:mail rex.boss\\nat oldcorp.com", "X-NOTE:rex.\\nboss@oldcorp.com",
                                     "X-NOTE:rex.boss AT\\noldcorp.com", "ORG:Acme (rex.boss@oldcorp.\\ncom)"])
def test_an_excluded_address_a_wrapped_note_broke_inside_stops_the_safe_export(knowme, tmp_path: Path,
                                                                               written: str) -> None:
    """A line break inside the address, not at its `@` (after a dot of the domain or of the name, or beside a plain
    `at`), as a note wrapped at its width leaves one: read as no address, the card went into the safe file."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written, rex_email=BOSS)


@pytest.mark.parametrize("written", ["NOTE:linkedin . com / in / rex - boss", "NOTE:see linkedin.com/in/rex - boss (old)",
                                     "X-SOCIAL:https://www.linkedin.com/in/rex -boss", "NOTE:linkedin.com/in/rex- boss",
                                     "NOTE:linkedin dot com slash in slash rex - boss", "NOTE:linkedin.com/in/rex -\\n boss"])
def test_an_excluded_profile_with_spaces_around_its_hyphen_stops_the_safe_export(knowme, tmp_path: Path,
                                                                                 written: str) -> None:
    """`linkedin . com / in / rex - boss`: the slug ended at the space, read as linkedin.com/in/rex, no one's, so the
    card went into the safe file."""
    assert "Rex Boss" in _refused(knowme, tmp_path, written)


def test_an_address_broken_inside_on_an_excluded_card_stops_a_knows_me_card_holding_it(knowme, tmp_path: Path) -> None:
    proc, out = _rex_and_ann(knowme, tmp_path, "NOTE:home rex.home@x.\\nexample, profile linkedin.com/in/rex - home",
                             "EMAIL:rex.home@x.example")
    assert proc.returncode == 1 and not out.exists()
    assert "Rex Boss" in proc.stdout + proc.stderr


def test_wrapped_sentences_and_hyphenated_words_around_slashes_leave_the_card_in_the_safe_file(knowme,
                                                                                             tmp_path: Path) -> None:
    """A sentence ending in `at` before a line starting with a domain-like word, a time after a wrapped `at`, a full
    stop ending a line before a capitalised address, and hyphenated words around slashes join into no excluded
    address or profile."""
    proc, out = _export(knowme, tmp_path, "NOTE:lunch with my boss at\\noldcorp.com's office, see you at\\n9.30\\n"
                        "Thanks Rex.\\nBoss@oldcorp.com is the desk, not him",
                        "X-SOCIAL:linkedin.com/in/ann-able - ex-oldcorp / rex-boss's team, linkedin . com / in / rex - bossy",
                        "TITLE:Sales in-house / rex - boss / out-sourced at LinkedIn / Oldcorp", rex_email=BOSS)
    assert proc.returncode == 0, proc.stdout
    assert ANN in out.read_text(encoding="utf-8")


def test_a_profile_an_older_knowme_never_read_on_an_excluded_card_since_forgotten_stops_the_safe_export(
        knowme, tmp_path: Path) -> None:
    """Rex was excluded while knowme read `www.linkedin.cn/in/rex-boss` as no profile, so his exclusion recorded none,
    and his book was forgotten since: nothing held the profile, and Ann holding linkedin.com/in/rex-boss went into
    the safe file. Opening the workspace reads his forgotten card again: marking her knows-me is refused, naming him."""
    rex = tmp_path / "rex.vcf"
    rex.write_text(_card("FN:Rex Boss", "N:Boss;Rex;;;", f"EMAIL:{BOSS}", "URL:https://www.linkedin.cn/in/rex-boss"),
                   encoding="utf-8")
    assert knowme("import", rex, "--region", "GB").returncode == 0
    assert knowme("mark", "Rex Boss", "--as", "exclude").returncode == 0
    assert knowme("forget", "rex.vcf").returncode == 0
    with Store.open(knowme.db) as store, store.transaction():  # as that knowme left it: schema 13, no profile entry
        store.conn.execute("DELETE FROM suppressions WHERE kind = 'url'")
        store.conn.execute("PRAGMA user_version=13")
    ann = tmp_path / "ann.vcf"
    ann.write_text(_card("FN:Ann Able", "N:Able;Ann;;;", f"EMAIL:{ANN}", "URL:https://www.linkedin.com/in/rex-boss"),
                   encoding="utf-8")
    assert knowme("import", ann, "--region", "GB").returncode == 0  # opens (and upgrades) the workspace
    marked = knowme("mark", ANN, "--as", "knows-me")
    assert marked.returncode == 1 and "Rex Boss" in marked.stdout + marked.stderr
    out = tmp_path / "safe.csv"
    proc = knowme("export", "safe", "-o", out)
    assert "Traceback" not in proc.stderr
    assert not out.exists() or ANN not in out.read_text(encoding="utf-8")
    with Store.open(knowme.db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("SELECT shown FROM suppressions WHERE kind = 'url' AND key = "
                                  "'linkedin.com/in/rex-boss'").fetchone() == ("https://www.linkedin.cn/in/rex-boss",)


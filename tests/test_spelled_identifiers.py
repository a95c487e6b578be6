"""An excluded person's address, phone or profile written inside free text however people write one there:
spelled out for harvesters (`rex(at)oldcorp.com`, `rex&#64;oldcorp.com`), behind a bullet on a card's note
(`•rex@oldcorp.com`), as a `tel:` link or with `(0)`, as a profile link without its scheme. A knows-me card's
note, company or title cell holding one let the card into the safe file, and a personalize person's draft
or context into the outreach queue. Ordinary text (a company "at" a place, `@handles`) still exports.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers_triage import add, pid, rec
from hypothesis import given, settings
from hypothesis import strategies as st

from knowme.exports import LookalikesBlock, OutreachBlock, export_outreach, export_safe
from knowme.model import Decision, Record
from knowme.normalize import mailbox_key, normalized_text
from knowme.store.core import Store
from knowme.suppression import addresses_written_in, profile_keys_in, spelled_out
from knowme.triage import mark, set_outreach

REX = "rex.boss@oldcorp.com"
SPELLINGS = [
    "rex.boss(at)oldcorp.com",
    "rex.boss (at) oldcorp (dot) com",
    "rex.boss [at] oldcorp [dot] com",
    "rex.boss{AT}oldcorp{DOT}com",
    "rex.boss <at> oldcorp.com",
    "rex.boss&#64;oldcorp.com",
    "rex.boss&#x40;oldcorp&#46;com",
    "rex.boss&commat;oldcorp.com",
    "rex.boss%40oldcorp.com",
    "rex.boss\uff20oldcorp.com",
    "rex.boss @ oldcorp.com",
    "rex dot boss at oldcorp dot com",
    "rex.boss AT oldcorp DOT com",
    "rex.boss@oldcorp[.]com",
]
# as a web page, a wrapped note or a mail client leaves one: a reference without its `;`, a line break at the
# `@`, `(a)`, MIME encoded words (Q, B, and one split in two)
WRAPPED = ["rex.boss&#64oldcorp.com", "rex.boss&#x40oldcorp&#46com", "rex.boss@\noldcorp.com",
           "rex.boss\r\n@oldcorp.com", "rex.boss @\\n oldcorp.com", "rex.boss (a) oldcorp.com",
           "rex.boss [A] oldcorp [dot] com",
           "=?UTF-8?Q?rex.boss=40oldcorp.com?=", "=?utf-8?B?cmV4LmJvc3NAb2xkY29ycC5jb20=?=",
           "=?UTF-8?Q?rex.boss?= =?UTF-8?q?=40oldcorp.com?=", "=?iso-8859-1*en?Q?rex.boss=40oldcorp.com?=",
           "rex.boss@oldcorp.\ncom", "rex.\nboss@oldcorp.com", "rex.boss@oldcorp\r\n.com", "rex.boss at\noldcorp.com",
           "rex.boss\nAT oldcorp.com", "rex.\\nboss@oldcorp.\\ncom"]
BULLETS = ["-rex.boss@oldcorp.com", "\u2022rex.boss@oldcorp.com", "*rex.boss@oldcorp.com",
           "\u2013rex.boss@oldcorp.com", ">rex.boss@oldcorp.com", "\u00b7rex.boss@oldcorp.com"]


def _workspace(db: Path, ann: Record, decision: Decision = Decision.KNOWS_ME) -> tuple[int, int]:
    with Store.open(db) as store:
        add(store, [rec("Rex", "Boss", [REX], phones=("+44 7700 900123",),
                        urls=("https://www.linkedin.com/in/rex-boss",)), ann])
        rex, ann_id = pid(store, REX), pid(store, "ann@able.example")
        mark(store, [rex], Decision.EXCLUDE)
        mark(store, [ann_id], decision)
    return rex, ann_id


def _ann(note: str = "", **cells: str) -> Record:
    record = rec("Ann", "Able", ["ann@able.example"], **cells)
    record.note = note
    return record


def _refused(db: Path, out: Path) -> list[tuple[str, str]]:
    with Store.open(db) as store, pytest.raises(LookalikesBlock) as block:
        export_safe(store, out)
    assert not out.exists()
    return [(c.kind, c.field) for c in block.value.preflight.lookalikes]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_spelled_out_excluded_address_in_a_knows_me_card_stops_the_safe_export(tmp_path: Path,
                                                                                 spelling: str) -> None:
    db = tmp_path / "w.db"
    _workspace(db, _ann(f"Old boss: {spelling}. Never again.", org=f"Acme (ex {spelling})"))
    assert ("cell", "company") in _refused(db, tmp_path / "s.csv")
    assert ("email", "") in _refused(db, tmp_path / "s.csv")  # the note: the card may be his


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_spelled_out_excluded_address_in_a_note_to_send_stops_the_outreach_export(tmp_path: Path,
                                                                                   spelling: str) -> None:
    db = tmp_path / "w.db"
    _, ann = _workspace(db, _ann(), Decision.PERSONALIZE)
    with Store.open(db) as store:
        set_outreach(store, ann, context=f"ask {spelling} first")
    out = tmp_path / "q.csv"
    with Store.open(db) as store, pytest.raises(OutreachBlock) as block:
        export_outreach(store, out, "csv")
    assert not out.exists()
    assert [(c.knows_me_id, c.kind, c.field) for c in block.value.lookalikes] == [(ann, "cell", "context")]


@pytest.mark.parametrize("bullet", BULLETS)
def test_an_excluded_address_behind_a_bullet_in_a_knows_me_cards_note_stops_the_safe_export(tmp_path: Path,
                                                                                          bullet: str) -> None:
    """The cells were read behind a `-`; the card's note, read by the suppression list, was not."""
    db = tmp_path / "w.db"
    _workspace(db, _ann(f"Contacts at Oldcorp:\n{bullet}\n-someone@else.example"))
    assert _refused(db, tmp_path / "s.csv") == [("email", "")]


@pytest.mark.parametrize("bullet", BULLETS)
def test_an_excluded_persons_own_note_puts_the_address_behind_a_bullet_on_the_list(tmp_path: Path,
                                                                                   bullet: str) -> None:
    """Rex's card says `•rex@home.example` in its note: that address, on Ann's card, is his."""
    db = tmp_path / "w.db"
    with Store.open(db) as store:
        rex = rec("Rex", "Boss", [REX])
        rex.note = f"private:\n{bullet.replace(REX, 'rex@home.example')}"
        add(store, [rex, rec("Ann", "Able", ["ann@able.example", "rex@home.example"])])
        mark(store, [pid(store, "ann@able.example")], Decision.KNOWS_ME)  # (marked after, `mark` refuses)
        mark(store, [pid(store, REX)], Decision.EXCLUDE)
    assert _refused(db, tmp_path / "s.csv") == [("email", "")]


@pytest.mark.parametrize("title", [
    "tel:+447700900123", "tel:+44-7700-900123", "+44 (0) 7700 900123", "+44 (0)7700 900 123",
    "mob07700900123", "Rex:+447700900123", "07700900123(mobile)", "call+447700900123now",
    "+44 7700\u2013900123", "+44\u00a07700\u00a0900123", "07700 900123 - 07700 900456", "07700 900123 \u2013 555 0100",
])
def test_an_excluded_phone_however_written_in_a_cell_stops_the_safe_export(tmp_path: Path, title: str) -> None:
    db = tmp_path / "w.db"
    _workspace(db, _ann(title=title))
    assert _refused(db, tmp_path / "s.csv") == [("cell", "title")]


@pytest.mark.parametrize(("note", "kind"), [("Rex's mobile: tel:+44-7700-900123", "phone"),
                                          ("old boss, mob+44 (0) 7700 900123", "phone"),
                                          ("ring Rex on 07700 900123 after six", "phone-tail")])
def test_an_excluded_phone_in_a_knows_me_cards_note_stops_the_safe_export(tmp_path: Path, note: str,
                                                                         kind: str) -> None:
    """An excluded address in a card's note says the card may be his; his number there says it as surely
    (it was not read at all), and `--not-same-as` resolves it the same way."""
    from knowme.cli.main import main

    db = tmp_path / "w.db"
    rex, ann = _workspace(db, _ann(note))
    assert _refused(db, tmp_path / "s.csv") == [(kind, "")]
    assert main(["--db", str(db), "mark", str(ann), "--not-same-as", str(rex)]) == 0
    with Store.open(db) as store:
        export_safe(store, tmp_path / "s.csv")
    assert "ann@able.example" in (tmp_path / "s.csv").read_text(encoding="utf-8")


PROFILES = [
    "linkedin.com/in/rex-boss", "www.linkedin.com/in/rex-boss/", "m.linkedin.com/in/rex-boss?trk=x",
    "https://uk.linkedin.com/in/rex%2Dboss", "LinkedIn.com/in/Rex-Boss#about", "(linkedin.com/in/rex-boss)",
    "| linkedin.com/in/rex-boss|", "linkedin.com/in/%72%65%78-boss", "linkedin.com/in/rex-boss\u2014old boss",
    "https%3A%2F%2Fwww.linkedin.com%2Fin%2Frex-boss", "linkedin . com / in / rex - boss", "linkedin.com/in/rex -boss",
]


@pytest.mark.parametrize("profile", PROFILES)
def test_an_excluded_profile_however_linked_in_a_cell_or_note_stops_the_safe_export(tmp_path: Path,
                                                                                   profile: str) -> None:
    db = tmp_path / "w.db"
    _workspace(db, _ann(f"see {profile}", org=f"Acme {profile}"))
    assert ("cell", "company") in _refused(db, tmp_path / "s.csv")
    assert ("url", "") in _refused(db, tmp_path / "s.csv")


def test_ordinary_text_with_at_dot_and_handles_does_not_stop_the_export(tmp_path: Path) -> None:
    """Words that look like a spelling are read only as candidates compared with the list: a company "at"
    a place, `@handles`, a role address of the excluded one's domain in a job title, and Ann's own address
    in her note leave her in the safe file."""
    db = tmp_path / "w.db"
    with Store.open(db) as store:
        ann = _ann("Met at Oldcorp (at) the fair; polka dot tie. Twitter @rexboss, mail ann(at)able.example, "
                   "-ann@able.example, rex.boss@oldcorp.com.au is her Aussie cousin's? no: rex.boss@oldcorp.co",
                   org="Lunch at Noon Ltd", title="Head of sales at shop.com")
        add(store, [rec("Rex", "Boss", [REX, "sales@shop.com"]), ann])
        mark(store, [pid(store, REX)], Decision.EXCLUDE)
        mark(store, [pid(store, "ann@able.example")], Decision.KNOWS_ME)
        export_safe(store, tmp_path / "s.csv")
    assert "ann@able.example" in (tmp_path / "s.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("spelling", SPELLINGS + BULLETS + WRAPPED)
@given(before=st.text("bcfghkmnpqrsuvwxyz0123456789 ,;!?", max_size=40),
       after=st.text("bcfghkmnpqrsuvwxyz0123456789 ,;!?", max_size=40))
def test_a_spelling_is_read_wherever_it_stands_in_a_text(spelling: str, before: str, after: str) -> None:
    keys = {mailbox_key(a) for a in addresses_written_in(f"{before}\n{spelling} {after}")}
    assert mailbox_key(REX) in keys


FRAGMENTS = ["a", "x" * 70, " ", "   ", "@", ".", " at ", " AT ", " dot ", "(at)", "[dot]", "(", "[", "%40", "%2e",
             "&#64;", "&#x40;", "&", "-", "\u2022", "\uff20", "\u3002", "rex", "oldcorp", "com", "\n", "%25", "%2540",
             "%252E", "&amp;", "%C3%BC", "%EF%BC%A0", "%", " @", "@ ", " . ", ". ", "\\", "\\@", " .", "A", "+",
             "&#114;", "&#x72;", "&#65312;", " -at- ", " _dot_ ", "a.b", " At ", "linkedin", "LinkedIn", "/", " / ",
             " slash ", "in", "pub", "cn", "linkedin . com /in/", "linkedin dot com slash in slash ", "&#64", "&#x40",
             "&#6", "\r\n", "\\n", "(a)", "[A]", " (a) ", "=?UTF-8?Q?", "=?utf-8?B?", "?=", "=40", "_",
             "=?x?q?a=40b.c?= ", "=?a?B?cmV4QGEuYg==?=", "linkedin.com/in/\n", "-\n", "/\\n", "-",
             "=?utf-8?B?bGlua2VkaW4uY29tL2luL3I=?=", "at\n", "\nat ", "\\nAT ", ".\n", "\n.", ".\\n", " - ", "- ",
             "linkedin.com/in/a - ", "rex - boss"]


@settings(deadline=None, max_examples=200)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=3000).map("".join))
def test_a_hostile_text_is_read_within_its_own_size(text: str) -> None:
    """No rewrite makes a text longer, and a text gives no more candidates than twelve per `@` it holds once
    spelled out (three readings: spelled out, spelled out with spaced dots joined around each `@`, and as
    written, which holds no more `@` than the spelled-out text; each at most four per `@`): the reading is
    bounded by the text, whatever it repeats."""
    assert len(spelled_out(text)) <= len(text)
    found = addresses_written_in(text)
    assert len(found) <= 12 * spelled_out(normalized_text(text)).count("@")
    assert all(len(address) <= len(text) for address in found)
    _profiles_within(text)


def _profiles_within(text: str) -> None:
    """A text gives no more profile keys than six per `linkedin` it holds once its references are read (three
    readings: as written, references read, spaced or spelled dots and slashes joined; each read twice when a
    dash may be a hyphen), none longer than the text."""
    keys = profile_keys_in(text)
    assert len(keys) <= 6 * spelled_out(normalized_text(text)).lower().count("linkedin")
    assert all(len(key) <= len(text) + len("linkedin.com/") for key in keys)


@pytest.mark.parametrize("fragment", ["a", " ", " at ", " dot ", "a dot ", "(at", "%4", "&#6", "a@", "@a", "-a@b ",
                                      "x" * 63 + " at ", "a.b dot " * 9, "%25", "%2525", "&amp;amp;", "%2540a ",
                                      "a @", "a @a", "@a . b ", "a @ b . ", "\\@", "@" + "a" * 63 + " . ",
                                      "a\\@b . c . ", "a . ", "a . b@", "a .b @c . ", "Ab. A", "x" * 64 + " . ",
                                      "a. " + "b" * 64 + "@", "a.b at c.d ", "&#114;", "a -at- ",
                                      "@a dot b ", "a.b at " + "c" * 63 + ".", "&#64;&#32;",
                                      "linkedin . com / in / ", "linkedin dot com slash in slash a ", "linkedin ",
                                      "linkedin . com /in/a ", "in / ", "&#64", "a\n@", "a@\n", "a\\n@b ",
                                      "a (a) b.c ", "(a)", "=?a?Q?", "=?a?Q?a=40b.c?=", "=?a?Q?a?= ",
                                      "=?a?B?YUBiLmM=?=", "linkedin.com/in/a-\n", "linkedin/\n", "linkedin" + "a-" * 70,
                                      "=?a?Q?" + "x" * 2100, "a.b at\n", "a.b\nat ", "a.\n", "a@b.\n", "a\n.b@",
                                      "a .\n ", "linkedin.com/in/a - ", "linkedin . com / in / a - b ",
                                      "linkedin.com/in/" + "a - " * 50, "linkedin.com/in/a-\n "])
def test_a_long_repetition_is_read_once(fragment: str) -> None:
    text = fragment * (200_000 // len(fragment))
    assert len(spelled_out(text)) <= len(text)
    assert len(addresses_written_in(text)) <= 4 * spelled_out(text).count("@")
    assert len(profile_keys_in(text)) <= 6 * text.count("linkedin")


@pytest.mark.parametrize("note", ["his mobile: +44 7700 900999", "home 07700 900999 (evenings)",
                                  "tel:+44-7700-900999"])
def test_an_excluded_persons_other_number_in_his_own_note_stops_a_knows_me_card_holding_it(
        tmp_path: Path, note: str) -> None:
    """Rex's note gives his other number; Ann's card (knows-me) holds that number: the card may be his,
    as when his address is in his note (only addresses and profiles of his note were read)."""
    db = tmp_path / "w.db"
    with Store.open(db) as store:
        rex_card = rec("Rex", "Boss", [REX], phones=("+44 7700 900123",))
        rex_card.note = note
        add(store, [rex_card, rec("Ann", "Able", ["ann@able.example"], phones=("+44 7700 900999",))])
        mark(store, [pid(store, REX)], Decision.EXCLUDE)
        mark(store, [pid(store, "ann@able.example")], Decision.KNOWS_ME)
    assert _refused(db, tmp_path / "s.csv") in ([("phone-tail", "")], [("phone", "")])


def test_numbers_in_an_excluded_persons_note_that_are_no_phones_stop_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with Store.open(db) as store:
        rex_card = rec("Rex", "Boss", [REX])
        rex_card.note = "order 4471 of 2019-03-04, IBAN GB29 NWBK 6016 1331 9268 19, postcode 10115"
        add(store, [rex_card, rec("Ann", "Able", ["ann@able.example"], phones=("+49 30 2019 0304",))])
        mark(store, [pid(store, REX)], Decision.EXCLUDE)
        mark(store, [pid(store, "ann@able.example")], Decision.KNOWS_ME)
        export_safe(store, tmp_path / "s.csv")
    assert "ann@able.example" in (tmp_path / "s.csv").read_text(encoding="utf-8")


MORE_SPELLINGS = [
    "rex.boss at oldcorp.com", "rex.boss AT oldcorp.com",
    "&#114;&#101;&#120;&#46;&#98;&#111;&#115;&#115;&#64;&#111;&#108;&#100;&#99;&#111;&#114;&#112;&#46;&#99;&#111;"
    "&#109;",
    "&#x72;&#x65;&#x78;.boss&#x40;oldcorp.com", "rex.boss&#32;&#64;&#32;oldcorp.com",
    "rex.boss -at- oldcorp -dot- com", "rex.boss _at_ oldcorp _dot_ com", "rex.boss@oldcorp dot com",
]


@pytest.mark.parametrize("spelling", MORE_SPELLINGS + WRAPPED)
def test_an_address_spelled_as_harvest_guards_write_it_stops_the_safe_export(tmp_path: Path, spelling: str) -> None:
    """A plain `at` between a dotted name and a domain, every letter an HTML character reference (what an
    address-hiding tool writes into a web page), `-at-`/`_at_` between spaces, a spelled `dot` behind an `@`:
    each read as no address, so a knows-me card holding the ex-boss's address in its note or company went into
    the safe file."""
    db = tmp_path / "w.db"
    _workspace(db, _ann(f"Old boss: {spelling}. Never again.", org=f"Acme (ex {spelling})"))
    assert ("cell", "company") in _refused(db, tmp_path / "s.csv")
    assert ("email", "") in _refused(db, tmp_path / "s.csv")


def test_ordinary_text_around_the_new_spellings_does_not_stop_the_export(tmp_path: Path) -> None:
    """A title `at` a company's site, HTML entities of ordinary words, dashes around words and a `dot` in a
    sentence with an `@handle` read as no excluded address."""
    db = tmp_path / "w.db"
    with Store.open(db) as store:
        ann = _ann("Sales director at shop.com, V.P. at oldcorp.com; caf&#233; &#38; bar; lunch -at- noon; "
                   "@rexboss on polka dot ties; Rex. Boss at Oldcorp.", org="Head of sales at shop.com",
                   title="sales.lead at shop.com")
        add(store, [rec("Rex", "Boss", [REX, "sales@shop.com"]), ann])
        mark(store, [pid(store, REX)], Decision.EXCLUDE)
        mark(store, [pid(store, "ann@able.example")], Decision.KNOWS_ME)
        export_safe(store, tmp_path / "s.csv")
    assert "ann@able.example" in (tmp_path / "s.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("note", ["mail rex.boss@oldcorp.com @ work, rex@home.example @ home",
                                  "rex.boss@oldcorp.com (at) work", "rex.boss@oldcorp.com - at - the office",
                                  "rex.boss@oldcorp.com at work dot com, ask"])
def test_an_excluded_address_written_clean_before_an_at_sign_or_word_stops_the_safe_export(tmp_path: Path,
                                                                                           note: str) -> None:
    """A spelled `@` (`@ work`, `(at) work`) right behind a clean address glued the two into one word
    (rex.boss@oldcorp.com@work), no one's, so a knows-me card noting the ex-boss's address that way went into
    the safe file: the text as written is read beside the text spelled out."""
    db = tmp_path / "w.db"
    _workspace(db, _ann(note, org=f"Acme ({note})"))
    assert ("cell", "company") in _refused(db, tmp_path / "s.csv")
    assert ("email", "") in _refused(db, tmp_path / "s.csv")

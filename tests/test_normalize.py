"""Matching keys: what two spellings of one email, phone or name must share, and what they must not."""
from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowme.model import Labeled, Record
from knowme.normalize import (
    _nanp_fast,
    clean_email,
    email_match_key,
    fold,
    is_role_address,
    linkedin_key,
    linkedin_keys_in,
    name_key,
    phone_key,
    record_keys,
)


@pytest.mark.parametrize("a, b", [
    ("John.Doe@GMail.com", "johndoe@gmail.com"),
    ("john.doe+news@googlemail.com", "johndoe@gmail.com"),
    ("  <Ana@Example.COM> ", "ana@example.com"),
    ("mailto:ana+work@example.com", "ana@example.com"),
])
def test_email_spellings_share_a_key(a: str, b: str) -> None:
    assert email_match_key(a) == email_match_key(b)


def test_dots_matter_outside_gmail() -> None:
    assert email_match_key("john.doe@example.com") != email_match_key("johndoe@example.com")
    assert clean_email(" John.Doe@Example.com ") == "john.doe@example.com"


@pytest.mark.parametrize("addr", ["info@acme.com", "noreply@x.io", "no-reply@x.io", "notifications@github.com",
                                  "mailer-daemon@x.org", "sales+eu@acme.com", "newsletter@shop.com"])
def test_role_addresses(addr: str) -> None:
    assert is_role_address(addr)


@pytest.mark.parametrize("addr", ["john@acme.com", "ana.info@x.com", "replyguy@x.com", "noreen@x.com"])
def test_personal_addresses_are_not_roles(addr: str) -> None:
    assert not is_role_address(addr)


@pytest.mark.parametrize("raw, region, e164", [
    ("001 720 555 0144", "US", "+17205550144"),  # dialled from Europe: 00 + 1
    ("00 1 720 555 0144", "US", "+17205550144"),
    ("0044 20 7946 0958", "US", "+442079460958"),
    ("011 44 20 7946 0958", "DE", "+442079460958"),  # dialled from America
    ("0033 6 39 98 95 23", "US", "+33639989523"),  # from Europe, a range the library's tables lack yet
    ("0044 7700 900632", "US", "+447700900632"),
    ("+44 (0)20 7946 0958", "US", "+442079460958"),  # the trunk prefix written in brackets
    ("(415) 555-0134", "US", "+14155550134"),
    ("+1 415-555-0134", "GB", "+14155550134"),
    ("001 415 555 0134", "DE", "+14155550134"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("+44 20 7946 0958", "US", "+442079460958"),
    ("030 1234567", "DE", "+49301234567"),
    ("tel:+33-1-23-45-67-89", "US", "+33123456789"),
])
def test_phones_to_e164(raw: str, region: str, e164: str) -> None:
    assert phone_key(raw, region) == e164


@pytest.mark.parametrize("raw", ["", "call me", "12", "ext. 44", "++++"])
def test_unreadable_phones_have_no_key(raw: str) -> None:
    assert phone_key(raw, "US") is None


_sep = st.sampled_from(["", " ", "-", ".", "(", ")"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(prefix=st.sampled_from(["", "+1", "1", "+1 ", "0111", "001", "+"]),
       digits=st.text(alphabet="0123456789", min_size=7, max_size=12),
       seps=st.lists(_sep, min_size=12, max_size=12), region=st.sampled_from(["US", "CA", "GB", "DE"]))
def test_nanp_fast_path_agrees_with_phonenumbers(prefix: str, digits: str, seps: list[str], region: str) -> None:
    """The fast path may decline (None) but, when it answers, must say what the library says."""
    raw = prefix + "".join(d + s for d, s in zip(digits, seps))
    fast = _nanp_fast(raw, region)
    if fast is None:
        return
    number = phonenumbers.parse(raw, region)
    assert phonenumbers.is_possible_number(number)
    assert fast == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("record, first, last", [
    (Record(formatted_name="Smith, Robert J."), "robert", "smith"),
    (Record(formatted_name="Dr. John Q. Smith Jr."), "john", "smith"),
    (Record(formatted_name="JOHN SMITH"), "john", "smith"),
    (Record(formatted_name="Róbert Smith"), "robert", "smith"),
    (Record(given="José", family="Müller-Lüdenscheidt"), "jose", "muller-ludenscheidt"),
    (Record(family="Smith, Robert"), "robert", "smith"),
    (Record(given="Mary Ann", family="O'Neil"), "mary", "o'neil"),
])
def test_name_keys(record: Record, first: str, last: str) -> None:
    key = name_key(record)
    assert (key.first, key.last) == (first, last)


def test_email_as_name_is_no_name() -> None:
    assert name_key(Record(formatted_name="ana@example.com")).is_empty


@pytest.mark.parametrize("text", ["Dean, Moore and King", "Smith, Jones & Partners", "Müller, Schmidt und Partner"])
def test_a_firm_named_after_its_partners_is_no_persons_name(text: str) -> None:
    """Read as "Last, First", "Dean, Moore and King" was a Moore Dean, the same name as Dean Moore's."""
    assert name_key(Record(formatted_name=text)).is_empty
    assert name_key(Record(family=text)).is_empty
    assert (name_key(Record(formatted_name="Garcia, Ana")).first, name_key(Record(family="Garcia, Ana")).last) == \
        ("ana", "garcia")
    assert name_key(Record(formatted_name="John and Mary Smith")).last == "smith"  # a couple's card keeps its name
    assert name_key(Record(formatted_name="Nguyen, Thi Y Lan")).last == "nguyen"  # Y is a name here


def test_a_companys_card_is_no_persons_name() -> None:
    """A card for a company (Apple's X-ABShowAs:COMPANY, or no name but the company's as its display
    name) read as "Acme Ltd", a person whom dedupe compared with people."""
    assert name_key(Record(formatted_name="Acme Plumbing Ltd", org="Acme Plumbing Ltd")).is_empty
    assert name_key(Record(formatted_name="ACME plumbing ltd", org="Acme Plumbing Ltd.")).is_empty
    person = name_key(Record(formatted_name="Jane Smith", org="Acme Plumbing Ltd"))
    assert (person.first, person.last) == ("jane", "smith")


def test_fold_keeps_non_latin_scripts() -> None:
    assert fold("山田 太郎") == "山田 太郎"
    assert fold("ΑΛΕΞΗΣ") == fold("Αλέξης")
    assert fold("Straße") == "strasse"


def test_linkedin_keys() -> None:
    assert linkedin_key("https://www.linkedin.com/in/Ana-Lima-12ab/?trk=x") == "linkedin.com/in/ana-lima-12ab"
    assert linkedin_key("http://linkedin.com/in/ana-lima-12ab") == "linkedin.com/in/ana-lima-12ab"
    assert linkedin_key("https://example.com/in/ana") is None


@pytest.mark.parametrize("text", ["| linkedin.com/in/ana-lima|", "linkedin.com/in/ana-lima\u2014my old boss",
                                  "see linkedin.com/in/ana-lima\u2026"])
def test_a_profile_link_glued_to_a_tables_bar_or_a_dash_in_text_is_that_profile(text: str) -> None:
    """A note's `linkedin.com/in/ana-lima—my old boss` read as the profile `ana-lima—my`: no one's."""
    assert linkedin_keys_in(text) == ["linkedin.com/in/ana-lima"]


def test_an_en_dash_glued_to_a_profile_link_is_read_as_its_end_and_as_a_hyphen() -> None:
    """`ana-lima–ex Acme` ends the link at the dash; `rex–boss` is a hyphen a word processor turned into one:
    both are read (candidates for comparing with keys), and a link's own slug keys its dashes as hyphens."""
    assert linkedin_keys_in("linkedin.com/in/ana-lima\u2013ex Acme") == ["linkedin.com/in/ana-lima",
                                                                        "linkedin.com/in/ana-lima-ex"]
    assert linkedin_keys_in("see linkedin.com/in/rex\u2013boss.") == ["linkedin.com/in/rex", "linkedin.com/in/rex-boss"]
    assert linkedin_key("https://www.linkedin.com/in/rex\u2010boss\u2212uk/") == "linkedin.com/in/rex-boss-uk"


def test_record_keys_dedupe_and_skip_junk() -> None:
    record = Record(emails=[Labeled("Ana@Example.com"), Labeled("ana@example.com", "work"), Labeled("not an email")],
                    phones=[Labeled("(415) 555-0134"), Labeled("+14155550134"), Labeled("n/a")],
                    urls=[Labeled("https://www.linkedin.com/in/ana/"), Labeled("https://ana.dev")])
    keys = record_keys(record, "US")
    assert keys.emails == ("ana@example.com",)
    assert keys.phones == ("+14155550134",)
    assert keys.urls == ("linkedin.com/in/ana",)


def test_provider_rules_for_proton_yandex_and_gmx() -> None:
    """Proton's `.`, `_` and `-` are transparent (proton.me/support/change-username); GMX's domains are
    separate namespaces and its dots count (newsroom.gmx.net); Yandex's domain aliases are one mailbox."""
    from knowme.normalize import mailbox_aliases, mailbox_key

    assert mailbox_key("John_Doe@PM.me") == mailbox_key("j.o-h.n.doe+news@pm.me") == "johndoe@pm.me"
    assert "johndoe@proton.me" in mailbox_aliases(mailbox_key("john.doe@protonmail.com") or "")
    assert mailbox_key('"john.doe"@proton.me') == "johndoe@proton.me"  # quotes that change nothing
    assert mailbox_key("john.doe@gmx.de") == "john.doe@gmx.de" != mailbox_key("johndoe@gmx.de")
    assert mailbox_aliases("john@gmx.de") == []
    assert "ivan@narod.ru" in mailbox_aliases("ivan@ya.ru")

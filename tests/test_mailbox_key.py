"""The address normaliser behind the suppression list: every spelling of one mailbox gives one key, and
two different mailboxes never share one."""
from __future__ import annotations

import unicodedata

import idna
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from knowme.normalize import mailbox_key

ATOM = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
LOCAL = st.lists(ATOM, min_size=1, max_size=3).map(".".join)
LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=2, max_size=10)
DOMAIN = st.builds(lambda a, tld: f"{a}.{tld}", LABEL, st.sampled_from(["com", "de", "org", "io", "co.uk"]))
INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"])
FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def _fullwidth(text: str, mask: list[bool]) -> str:
    return "".join(FULLWIDTH.get(ch, ch) if mask[n % len(mask)] else ch for n, ch in enumerate(text))


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """A mailbox and one equivalent spelling of it, as another address book might hold it."""
    local, domain = draw(LOCAL), draw(DOMAIN)
    if draw(st.booleans()):
        domain = draw(st.sampled_from(["gmail.com", "googlemail.com"]))
    base = f"{local}@{domain}"
    spelled_local, spelled_domain = local, domain
    if domain in ("gmail.com", "googlemail.com"):
        spelled_domain = draw(st.sampled_from(["gmail.com", "googlemail.com", "GMail.com"]))
        dots = draw(st.lists(st.integers(0, len(local)), max_size=3))
        plain = local.replace(".", "")
        for n in sorted(set(dots), reverse=True):
            plain = plain[:n] + "." + plain[n:]
        if not (plain.startswith(".") or plain.endswith(".") or ".." in plain):
            spelled_local = plain
    if draw(st.booleans()):
        spelled_local += "+" + draw(ATOM)
    if draw(st.booleans()):
        spelled_local = "".join(ch.upper() if draw(st.booleans()) else ch for ch in spelled_local[:12]) + \
            spelled_local[12:]
    if draw(st.booleans()):
        spelled_local = f'"{spelled_local}"'
    if draw(st.booleans()):
        spelled_domain += "."
    text = f"{spelled_local}@{spelled_domain}"
    if draw(st.booleans()):
        text = _fullwidth(text, draw(st.lists(st.booleans(), min_size=1, max_size=5)))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(INVISIBLE) + text[at:]
    wrap = draw(st.sampled_from(["{}", "<{}>", "mailto:{}", "Jane Doe <{}>", " {} "]))
    return base, wrap.format(text)


@given(spellings())
def test_equivalent_spellings_share_one_key(pair: tuple[str, str]) -> None:
    base, spelled = pair
    assert mailbox_key(spelled) == mailbox_key(base) is not None


UNICODE_LABEL = st.text(alphabet="abcdeäöüßéñçøåıαβγж", min_size=2, max_size=10)


@given(LOCAL, UNICODE_LABEL, st.sampled_from(["de", "com", "рф"]))
def test_an_idn_domain_in_unicode_and_in_punycode_is_one_domain(local: str, label: str, tld: str) -> None:
    domain = f"{label}.{tld}"
    try:
        ascii_form = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        assume(False)
        return
    assert mailbox_key(f"{local}@{domain}") == mailbox_key(f"{local}@{ascii_form}")
    if domain.upper().lower() == domain:  # Python upper-cases ß to SS: another domain, not another case
        assert mailbox_key(f"{local}@{domain.upper()}") == mailbox_key(f"{local}@{ascii_form.upper()}")


@given(LOCAL, LOCAL, DOMAIN)
def test_different_mailboxes_outside_gmail_never_collide(a: str, b: str, domain: str) -> None:
    """Dots, and every other character, matter outside Gmail: a.b@x.com and ab@x.com are two people."""
    assume(a != b)
    assert mailbox_key(f"{a}@{domain}") != mailbox_key(f"{b}@{domain}")


@given(LOCAL, DOMAIN, DOMAIN)
def test_the_same_local_part_at_different_domains_never_collides(local: str, a: str, b: str) -> None:
    assume(a != b and {a, b} != {"gmail.com", "googlemail.com"})
    assert mailbox_key(f"{local}@{a}") != mailbox_key(f"{local}@{b}")


@pytest.mark.parametrize(("a", "b"), [
    ("a.b@x.com", "ab@x.com"), ('"a b"@x.com', "ab@x.com"), ("jane@x.com", "jane@x.co"),
    ("jane@münchen.de", "jane@munchen.de"), ("ja.ne@gmail.com", "jane@gmail.co"),
])
def test_near_spellings_that_are_other_mailboxes_stay_apart(a: str, b: str) -> None:
    assert mailbox_key(a) != mailbox_key(b)


def test_no_address_no_key() -> None:
    for text in ("", "jane", "@x.com", "jane@", "Jane Doe", "\u200b"):
        assert mailbox_key(text) is None


def test_plain_addresses_keep_the_match_key_the_workspace_already_uses() -> None:
    from knowme.normalize import email_match_key

    for text in ("Jane.Doe+x@GoogleMail.com", "bob.smith@acme.com", "info+news@shop.co.uk"):
        assert mailbox_key(text) == email_match_key(text)
    assert unicodedata.category("\u200b") == "Cf"

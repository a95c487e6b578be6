"""What one export holds about one person: the `Card`, and the choices that make it realistic.

A card is format-neutral (the writers in `_writers` serialise it as a CSV row or a vCard).
`CardMaker.make` decides, per file, which of a person's facts appear and how they are
spelled: nickname or formal name, accents dropped, capitals, a typo, "Smith, Robert" in
one field, a middle initial, personal vs work mail, the previous employer in older
exports, the old mobile on the old phone, and each phone number in the file's own style.
Every deliberate deviation is noted in `Card.traps`, so the truth file can say which
duplicates are hard and why.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from _people import A, G, I, Job, L, O, Person
from _phones import Phone, fmt, pick_style, style_table
from _pools import fold_accents
from _tables import COUNTRY, GOOGLE_CUSTOM_LABELS, OUTLOOK_CATEGORIES

#: Per file: phone style weights (G, O, I, A; LinkedIn has no phones).
_PHONE_STYLES = {
    G: style_table({"intl": 0.45, "national": 0.25, "e164": 0.15, "digits": 0.05, "alt": 0.10}),
    O: style_table({"national": 0.50, "intl": 0.30, "dialout": 0.10, "alt": 0.10}),
    I: style_table({"national": 0.50, "intl": 0.30, "alt": 0.10, "e164": 0.10}),
    A: style_table({"digits": 0.30, "e164": 0.25, "intl": 0.25, "national": 0.10, "dialout": 0.10}),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CREDENTIALS = (", MBA", ", PhD", " PMP", ", CPA", ", CFA")


@dataclass(slots=True)
class Card:
    """One record of one file, before serialisation."""

    person: int
    given: str = ""
    middle: str = ""
    family: str = ""
    prefix: str = ""
    suffix: str = ""
    nickname: str = ""
    file_as: str = ""
    given_phonetic: str = ""
    family_phonetic: str = ""
    org: str = ""
    title: str = ""
    dept: str = ""
    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, home|work|other)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (as written, cell|home|work)
    address: tuple[str, str, str, str, str, str] | None = None  # (home|work, street, city, region, zip, country)
    url: str = ""
    birthday: str = ""
    note: str = ""
    labels: list[str] = field(default_factory=list)
    starred: bool = False
    spouse: str = ""
    connected: str = ""
    company_card: bool = False
    family_first: str | None = None  # native CJK names: the separator between family and given name
    traps: list[str] = field(default_factory=list)

    def trap(self, name: str) -> None:
        if name not in self.traps:
            self.traps.append(name)


def typo(word: str, rng: random.Random) -> str:
    """One realistic typing error: two letters swapped, one dropped, or one doubled."""
    if len(word) < 4:
        return word + word[-1]
    for _ in range(10):
        i = rng.randrange(1, len(word) - 1)
        kind = rng.random()
        if kind < 0.4:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif kind < 0.75:
            out = word[:i] + word[i + 1:]
        else:
            out = word[:i] + word[i] + word[i:]
        if out != word:
            return out
    return word[:-1]


def linkedin_date(day) -> str:  # noqa: ANN001 - a datetime.date
    """LinkedIn's 'Connected On' format: '05 Mar 2021' (English month names, any locale)."""
    return f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}"


class CardMaker:
    """Makes the cards of one file; one instance (and RNG stream) per file keeps runs reproducible."""

    def __init__(self, people: list[Person], source: int, rng: random.Random) -> None:
        self.people = people
        self.source = source
        self.rng = rng

    def _p(self, table: dict[int, float]) -> bool:
        return self.rng.random() < table.get(self.source, 0.0)

    # -- names ----------------------------------------------------------------------------
    def _names(self, p: Person, card: Card) -> None:
        rng, src = self.rng, self.source
        given, family, middle = p.given, p.family, p.middle
        if p.native_cjk:
            if self._p({G: 0.4, O: 0.9, I: 0.3, A: 0.2, L: 0.85}):
                given, family = p.given_roman, p.family_roman
                card.trap("romanized")
                if p.western and src in (O, L) and rng.random() < 0.6:
                    given = p.western
                    card.trap("western-name")
                elif p.locale == "zh_CN" and rng.random() < 0.2:
                    given, family = family, given
                    card.trap("swapped-fields")
            else:
                card.family_first = " " if p.locale == "ja_JP" else ""
                if p.given_phonetic and src in (G, I, A) and rng.random() < 0.7:
                    card.given_phonetic, card.family_phonetic = p.given_phonetic, p.family_phonetic
        if p.nick:
            table = ({G: 0.7, I: 0.75, A: 0.7, O: 0.1, L: 0.35} if p.uses_nick
                     else {G: 0.1, I: 0.15, A: 0.1, O: 0.02, L: 0.05})
            if given == p.given and self._p(table):
                given = p.nick
                card.trap("nickname")
            elif src != L and rng.random() < 0.3:
                card.nickname = p.nick
        if middle:
            full, initial = {G: (0.4, 0.2), I: (0.2, 0.2), A: (0.05, 0.05), O: (0.35, 0.15), L: (0.0, 0.15)}[src]
            r = rng.random()
            if r < full:
                card.middle = middle
            elif r < full + initial:
                card.trap("middle-initial")
                if src == L:
                    given = f"{given} {middle[0]}."
                else:
                    card.middle = middle[0] + "."
        if not (given + family).isascii() and not p.native_cjk and self._p({A: 0.5, L: 0.35, G: 0.2, O: 0.15, I: 0.1}):
            german = p.locale == "de_DE" and rng.random() < 0.5
            given, family = fold_accents(given, german), fold_accents(family, german)
            card.middle = fold_accents(card.middle, german)
            card.trap("no-accents")
        if not p.native_cjk and self._p({A: 0.1, G: 0.03, I: 0.02}):
            given, family, card.middle = given.upper(), family.upper(), card.middle.upper()
            card.trap("caps")
        if not p.native_cjk and self._p({G: 0.04, I: 0.04, A: 0.05, O: 0.04}):
            if rng.random() < 0.6:
                family = typo(family, rng)
            else:
                given = typo(given, rng)
            card.trap("typo")
        if src == L and rng.random() < 0.03:
            family += rng.choice(_CREDENTIALS)
            card.trap("credentials")
        if src in (I, A) and p.role in ("friend", "family") and rng.random() < 0.04:
            family, card.middle = "", ""
            card.trap("given-only")
        if family and given and not p.native_cjk and self._p({O: 0.05, I: 0.03, G: 0.04}):
            single = f"{family}, {given}"
            card.trap("inverted-name")
            card.middle = ""
            if src == G and rng.random() < 0.5:
                card.file_as = single
                given = family = ""
            elif src == G:
                given, family = single, ""
            else:
                given, family = "", single
        elif src == G and family and rng.random() < 0.08:
            card.file_as = f"{family}, {given}"
        card.given, card.family = given, family
        if src == O and rng.random() < 0.08:
            card.prefix = rng.choice(("Mr.", "Ms.", "Dr.") if p.gender == "m" else ("Ms.", "Mrs.", "Dr."))

    # -- organisation -------------------------------------------------------------------------
    def _job(self, p: Person) -> Job | None:
        """The position this export shows: older exports often still hold the previous one."""
        rng, src = self.rng, self.source
        if src == L:
            return p.job
        if src == O:
            if p.role in ("old-colleague", "ex-boss"):
                return p.old_job or p.job
            return p.old_job if p.old_job and rng.random() < 0.5 else p.job
        if src == A:
            if rng.random() < 0.4:
                return None
            return p.old_job if p.old_job and rng.random() < 0.6 else p.job
        if src == I and rng.random() < 0.3:
            return None
        return p.job if p.job and rng.random() < 0.9 else p.old_job

    def _org(self, p: Person, card: Card, job: Job | None) -> None:
        if job is None:
            return
        card.org, card.title = job.company, job.title
        if self.source in (G, O) and job.department and self.rng.random() < 0.4:
            card.dept = job.department
        if job is p.old_job and p.job is not None:
            card.trap("old-employer")

    # -- mail and phones ------------------------------------------------------------------------
    def _emails(self, p: Person, card: Card, job: Job | None) -> None:
        rng, src = self.rng, self.source
        work = (job or p.job).email if (job or p.job) else ""
        if job is p.old_job and p.old_job and p.old_job.email:
            card.trap("old-work-email")
        out: list[tuple[str, str]] = []
        if src == L:
            if rng.random() < 0.12:
                address = p.personal_email if p.personal_email and rng.random() < 0.8 else work
                if address:
                    out.append((address, "home"))
            card.emails = out
            return
        colleague = p.role in ("colleague", "old-colleague", "ex-boss")
        p_personal = {G: 0.85, I: 0.8, A: 0.65, O: 0.25 if colleague else 0.6}[src]
        p_work = {G: 0.7 if colleague else 0.3, I: 0.45, A: 0.3, O: 0.95 if colleague else 0.35}[src]
        if src == O and colleague and work and rng.random() < p_work:
            out.append((work, "work"))
        if p.personal_email and rng.random() < p_personal:
            out.append((p.personal_email, "home"))
        if p.household_email and rng.random() < (0.7 if src == G else 0.5):
            out.append((p.household_email, "other" if rng.random() < 0.5 else "home"))
            card.trap("household")
        if p.extra_email and rng.random() < (0.4 if src in (G, A) else 0.2):
            out.append((p.extra_email, "other"))
        if work and not (src == O and colleague) and rng.random() < p_work:
            out.append((work, "work"))
        if src in (A, O) and out and rng.random() < 0.04:
            address, label = out[0]
            local, domain = address.split("@")
            out[0] = (".".join(w[:1].upper() + w[1:] for w in local.split(".")) + "@" + domain.title(), label)
            card.trap("email-case")
        card.emails = out

    def _phone_text(self, phone: Phone) -> str:
        return fmt(phone, pick_style(self.rng, _PHONE_STYLES[self.source]))

    def _phones(self, p: Person, card: Card, job: Job | None) -> None:
        rng, src = self.rng, self.source
        if src == L:
            return
        mobile = p.mobile
        if p.old_mobile and ((src == A and rng.random() < 0.8) or (src == O and rng.random() < 0.3)):
            mobile = p.old_mobile
            card.trap("old-phone")
        out: list[tuple[str, str]] = []
        if mobile and rng.random() < {G: 0.75, I: 0.92, A: 0.9, O: 0.5}[src]:
            out.append((self._phone_text(mobile), "cell"))
        couple = p.partner >= 0
        if p.home and rng.random() < ({G: 0.2, I: 0.25, A: 0.3, O: 0.1}[src] if not couple else 0.8):
            out.append((self._phone_text(p.home), "home"))
            if couple:
                card.trap("household")
        line = (job or p.job).phone if (job or p.job) else None
        if line and rng.random() < {G: 0.15, I: 0.2, A: 0.1, O: 0.6}[src]:
            out.append((self._phone_text(line), "work"))
        card.phones = out

    # -- the rest ----------------------------------------------------------------------------------
    def _extras(self, p: Person, card: Card, job: Job | None) -> None:
        rng, src = self.rng, self.source
        country = COUNTRY[p.locale][0]
        if src == O and job and rng.random() < 0.35:
            card.address = ("work", job.street, job.city, job.region, job.postcode, COUNTRY[p.locale][0])
        elif p.street and rng.random() < {G: 0.3, I: 0.25, A: 0.1, O: 0.1}.get(src, 0.0):
            card.address = ("home", p.street, p.city, p.region, p.postcode, country)
        if p.note and rng.random() < {G: 0.6, I: 0.4, O: 0.4, A: 0.2}.get(src, 0.0):
            card.note = p.note
        if p.birthday and rng.random() < {G: 0.7, I: 0.8, A: 0.4, O: 0.3}.get(src, 0.0):
            card.birthday = p.birthday
        if p.linkedin and (src == L or rng.random() < {I: 0.35, G: 0.15, O: 0.1}.get(src, 0.0)):
            card.url = f"https://www.linkedin.com/in/{p.linkedin}"
        if p.partner >= 0 and rng.random() < {I: 0.5, A: 0.3, O: 0.3}.get(src, 0.0):
            card.spouse = self.people[p.partner].nick or self.people[p.partner].given
        if src == G:
            card.starred = p.role in ("friend", "family", "ex-partner") and rng.random() < 0.35
            if rng.random() < 0.3:
                label = {"family": "Family", "colleague": "Coworkers", "old-colleague": "Work", "friend": "Friends",
                         "acquaintance": "Conference"}.get(p.role, rng.choice(GOOGLE_CUSTOM_LABELS))
                card.labels.append(label)
        elif src == O and rng.random() < 0.25:
            card.labels.append("Business" if p.role in ("colleague", "old-colleague", "ex-boss")
                               else rng.choice(OUTLOOK_CATEGORIES))
        if src == L and p.connected_on:
            card.connected = linkedin_date(p.connected_on)

    def _org_card(self, p: Person) -> Card:
        """Role accounts and newsletters: a company name, a name like 'Acme Sales', or nothing but mail."""
        rng, src = self.rng, self.source
        card = Card(p.index)
        card.emails = [(p.personal_email, "work" if p.role == "role-account" else "other")]
        company = p.job.company if p.job else ""
        r = rng.random()
        if src == I:
            card.org, card.company_card = company or p.org_display, True
        elif r < 0.45 and p.org_display != p.personal_email:
            card.given = p.org_display
            card.org = company
        elif r < 0.75 and company:
            card.org = company
        else:
            card.trap("email-only")
        if p.home and card.traps == []:
            card.phones = [(self._phone_text(p.home), "work")]
        return card

    def make(self, p: Person) -> Card:
        """One card for `p` in this file."""
        if p.role in ("role-account", "newsletter"):
            return self._org_card(p)
        card = Card(p.index)
        job = self._job(p)
        if self.source in (G, O) and self.rng.random() < 0.035 and (p.personal_email or (job and job.email)):
            address = p.personal_email or (job.email if job else "")
            card.emails = [(address, "other")]
            card.trap("email-only")
            return card
        self._names(p, card)
        self._org(p, card, job)
        self._emails(p, card, job)
        self._phones(p, card, job)
        self._extras(p, card, job)
        self._reachable(p, card, job)
        return card

    def _reachable(self, p: Person, card: Card, job: Job | None) -> None:
        """Address books rarely keep a name with no way to reach it: add the main number or address.

        A namesake's card always carries mail, so the two same-named people stay apart.
        """
        if self.source == L:
            return
        holder = job or p.job
        address = p.personal_email or (holder.email if holder else "") or p.extra_email
        if p.namesake >= 0:
            if not card.emails and address:
                card.emails.append((address, "home" if address == p.personal_email else "work"))
            return
        if card.emails or card.phones:
            return
        if self.rng.random() < 0.08:
            card.trap("name-only")
        elif p.mobile:
            card.phones.append((self._phone_text(p.mobile), "cell"))
        elif address:
            card.emails.append((address, "home" if address == p.personal_email else "work"))

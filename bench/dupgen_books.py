"""Generated address books of the kinds people really keep besides the mixed exports of `dupgen`.

    pim         an old Outlook/PIM export: names, birthday, postal address, typos, moves, households
    city-email  names, birthday, city and one email per record (people hold several addresses)
    phonebook   a phone's book: a name and a number only (people hold several numbers)
    linkedin    LinkedIn rows (name, company, title, no email) beside a Google export (name, email, phone)

Every kind has the traps that must not merge: namesakes (a common name drawn twice, a clone of
another person's name), households (a partner with the same surname at the same address, landline
or family email), a junior with his father's name at his father's address. Reproducible by seed.

    gen = generate_book("pim", people=3000, seed=7)
    gen.sources -> {"pim.csv": [Record, ...]}; gen.truth[(source, index)] -> person number
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from dupgen import FREE, TITLES, Generated, _Builder, _companies, _nick_related, _typo

from knowme.model import Labeled, Record

KINDS = ("pim", "city-email", "phonebook", "linkedin")
CITIES = ("New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio", "San Diego",
          "Dallas", "Austin", "Jacksonville", "Columbus", "Charlotte", "Indianapolis", "Seattle", "Denver",
          "Boston", "Nashville", "Portland", "Las Vegas", "Detroit", "Memphis", "Louisville", "Baltimore",
          "Milwaukee", "Albuquerque", "Tucson", "Fresno", "Sacramento", "Kansas City", "Atlanta", "Omaha",
          "Raleigh", "Miami", "Oakland", "Minneapolis", "Tulsa", "Cleveland", "Wichita", "Arlington",
          "Springfield", "Madison", "Salem", "Franklin", "Greenville", "Bristol", "Clinton", "Fairview")
STREETS = ("Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Main", "Church",
           "Walnut", "Spring", "North", "Ridge", "Lincoln", "Jackson", "Sunset", "Highland", "River", "Mill",
           "Meadow", "Forest", "Chestnut", "Willow", "Jefferson", "Madison", "Adams", "Franklin", "Center")
TYPES = (("Street", "St.", "St"), ("Avenue", "Ave", "Ave."), ("Road", "Rd"), ("Drive", "Dr."), ("Lane", "Ln"),
         ("Court", "Ct"), ("Boulevard", "Blvd"), ("Place", "Pl"))
STATES = ("NY", "CA", "IL", "TX", "AZ", "PA", "FL", "OH", "NC", "IN", "WA", "CO", "MA", "TN", "OR", "NV")


@dataclass(slots=True)
class Home:
    number: int
    street: str
    kind: int  # index into TYPES
    city: int
    zipcode: str

    def written(self, rng: random.Random, typo: float) -> str:
        """One export's way of writing this address: abbreviations, an apartment, the postcode or not."""
        street = self.street if rng.random() >= typo else _typo(rng, self.street)
        kind = rng.choice(TYPES[self.kind])
        line = f"{self.number} {street} {kind}"
        if rng.random() < 0.1:
            line += f", Apt {rng.randint(1, 30)}"
        city = CITIES[self.city]
        state = STATES[self.city % len(STATES)]
        roll = rng.random()
        if roll < 0.5:
            return f"{line}, {city}, {state} {self.zipcode}"
        if roll < 0.75:
            return f"{line}, {city}, {state}, {self.zipcode}, USA"
        if roll < 0.9:
            return f"{line}, {city}"
        return f"{line.upper()}, {city.upper()} {state} {self.zipcode}"


@dataclass(slots=True)
class Body:
    """One simulated person of these books."""

    number: int
    first: str
    last: str
    locale: str
    birthday: str = ""
    home: Home | None = None
    old_home: Home | None = None
    city: int = 0
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    company: str = ""
    title: str = ""


def _city(rng: random.Random) -> int:
    """Zipf-like: a few cities hold many of the people."""
    return min(int(rng.paretovariate(0.9)) - 1, len(CITIES) - 1)


def _home(rng: random.Random, city: int | None = None) -> Home:
    city = _city(rng) if city is None else city
    return Home(rng.randint(1, 2999), rng.choice(STREETS), rng.randrange(len(TYPES)), city,
                f"{10000 + 1733 * city % 89000 + rng.randrange(40):05d}")


def _birthday(rng: random.Random, year: int | None = None) -> str:
    return f"{year or rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _people(b: _Builder, people: int, kind: str) -> list[Body]:
    rng, names = b.rng, b.names
    out: list[Body] = []
    companies = [name for name, _ in _companies(rng, names, max(20, people // 30))]
    for number in range(1, people + 1):
        roll = rng.random()
        model = rng.choice(out) if out else None
        if model and roll < 0.04:  # a namesake: the same name, another life
            p = Body(number, model.first, model.last, model.locale)
        elif model and roll < 0.05 and model.home:  # a junior: his father's name at his father's address
            p = Body(number, model.first, model.last, model.locale, home=model.home)
            year = min(2006, int(model.birthday[:4]) + rng.randint(22, 34)) if model.birthday else None
            p.birthday = _birthday(rng, year)
        elif model and roll < 0.13:  # a partner: another first name, the same surname and home
            first = names.draw(rng, names.first, model.locale)
            while _nick_related(names, first, model.first):
                first = names.draw(rng, names.first, model.locale)
            p = Body(number, first, model.last, model.locale, home=model.home, city=model.city)
            if model.phones and kind == "phonebook":
                p.phones.append(model.phones[0])  # the landline
            if model.emails and rng.random() < 0.5:
                p.emails.append(model.emails[0])  # the family address
        else:
            locale = rng.choices(("us", "de", "fr", "es"), weights=(0.75, 0.09, 0.08, 0.08))[0]
            p = Body(number, names.draw(rng, names.first, locale), names.draw(rng, names.last, locale), locale)
        p.birthday = p.birthday or _birthday(rng)
        p.home = p.home or _home(rng)
        p.city = p.home.city
        if rng.random() < 0.2:
            p.old_home = _home(rng, p.city if rng.random() < 0.5 else None)
        for _ in range(1 + (rng.random() < 0.5) + (rng.random() < 0.2)):
            p.emails.append(b.email(p.first, p.last, rng.choice(FREE)))
            p.phones.append(b.phone())
        p.company = rng.choice(companies)
        p.title = rng.choice(TITLES)
        out.append(p)
    return out


def _name(rng: random.Random, b: _Builder, p: Body, typo: float) -> tuple[str, str, str]:
    first, last = p.first, p.last
    if rng.random() < 0.08:
        nicks = b.names.nicks.get(first.lower())
        if nicks:
            first = rng.choice(nicks).title()
    if rng.random() < typo:
        first = _typo(rng, first)
    if rng.random() < typo:
        last = _typo(rng, last)
    if rng.random() < 0.05:
        return "", "", f"{last}, {first}"
    return first, last, f"{first} {last}"


def _copies(rng: random.Random) -> int:
    """Records of one person in one book: most once, some two to four times."""
    roll = rng.random()
    return 1 if roll < 0.45 else 2 if roll < 0.8 else 3 if roll < 0.95 else 4


def _written_birthday(rng: random.Random, birthday: str) -> str:
    roll = rng.random()
    if roll < 0.08:
        return ""
    if roll < 0.12:
        return "--" + birthday[5:]  # a vCard birthday without the year
    if roll < 0.22:
        year, month, day = birthday.split("-")
        return f"{int(month)}/{int(day)}/{year}"  # Outlook's way
    return birthday


def generate_book(kind: str, people: int = 1000, seed: int = 1) -> Generated:
    """An address book of `kind` (see the module doc) for `people` simulated people."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    b = _Builder(seed)
    rng = b.rng
    for p in _people(b, people, kind):
        connected = False  # a connections export lists each person once: further copies are Google cards
        for _ in range(_copies(rng)):
            given, family, formatted = _name(rng, b, p, 0.12)
            record = Record(given=given, family=family, formatted_name=formatted)
            source = {"pim": "pim.csv", "city-email": "contacts.csv", "phonebook": "phone.vcf"}.get(kind, "")
            if kind == "pim":
                record.birthday = _written_birthday(rng, p.birthday)
                home = p.old_home if p.old_home and rng.random() < 0.3 else p.home
                if home and rng.random() < 0.92:
                    record.addresses.append(Labeled(home.written(rng, 0.06), "home"))
                if rng.random() < 0.3:
                    record.phones.append(Labeled(rng.choice(p.phones), "home"))
            elif kind == "city-email":
                record.birthday = _written_birthday(rng, p.birthday)
                city = p.old_home.city if p.old_home and rng.random() < 0.15 else p.city
                if rng.random() < 0.85:
                    record.addresses.append(Labeled(CITIES[city], "home"))
                email = p.emails[0] if rng.random() < 0.35 else rng.choice(p.emails[1:] or p.emails)
                record.emails.append(Labeled(email, "home"))
            elif kind == "phonebook":
                record.phones.append(Labeled(rng.choice(p.phones), "cell"))
            else:
                source = _linkedin_or_google(rng, p, record, connected)
                connected = connected or source == "Connections.csv"
            b.add(source, p.number, record)
    b.out.people = people
    return b.out


def _linkedin_or_google(rng: random.Random, p: Body, record: Record, connected: bool) -> str:
    """Fill `record` as a LinkedIn connection (no email) or a Google contact; returns its source. A
    person already `connected` gets a Google card: LinkedIn's export lists each connection once."""
    if rng.random() < 0.5 and not connected:
        record.org, record.title = p.company, p.title
        record.connected_on = "2023-01-01"
        return "Connections.csv"
    record.emails.append(Labeled(rng.choice(p.emails), "home"))
    if rng.random() < 0.6:
        record.phones.append(Labeled(rng.choice(p.phones), "cell"))
    if rng.random() < 0.3:
        record.org = p.company
    return "google.csv"


__all__ = ["KINDS", "generate_book"]

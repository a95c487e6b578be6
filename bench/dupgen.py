"""A seeded generator of address books with known duplicates, for dedupe benchmarks and tests.

Each simulated person is spread over several sources the way real exports spread them: Google
(personal email, mobile), Outlook (work email, company, title; sometimes the previous job), a
phone's vCards (nicknames, "Last, First"), LinkedIn (profile URL, company, no email), mail (an
address, maybe a display name). Records are corrupted the ways docs/design.md lists: nicknames,
typos, swapped order, accents, capitals, middle initials, missing fields, old employers,
households sharing a landline or family address, namesakes (common names, and clones of the
same name at other companies), role addresses shared by many. Names follow real frequencies
(faker's census-weighted en_US lists plus German, French, Spanish names).

    gen = generate(people=10_000, seed=7)
    gen.sources -> {"google.csv": [Record, ...], ...}; gen.truth[(source, index)] -> person number
"""
from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from itertools import accumulate

from faker.providers.person.de_DE import Provider as De
from faker.providers.person.en_US import Provider as Us
from faker.providers.person.es_ES import Provider as Es
from faker.providers.person.fr_FR import Provider as Fr
from nicknames import NickNamer

from knowme.model import Labeled, Record
from knowme.normalize import email_match_key

FREE = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "example.org", "gmx.de")
AREAS = ("415", "212", "617", "312", "206", "303", "512", "213", "646", "718", "202", "305", "404", "503")
TITLES = ("Software Engineer", "Product Manager", "Data Scientist", "Account Executive", "Designer", "CTO",
          "Recruiter", "Consultant", "Sales Manager", "Marketing Manager", "Financial Analyst", "Director")
SUFFIX = ("Inc", "LLC", "Group", "Labs", "Partners", "Systems", "Corp", "GmbH", "Solutions")
LOCALES = (("us", 0.75), ("de", 0.09), ("fr", 0.08), ("es", 0.08))


@dataclass(slots=True)
class Person:
    number: int
    first: str
    last: str
    locale: str
    middle: str = ""
    personal: str = ""
    mobile: str = ""
    home: str = ""
    company: tuple[str, str] | None = None  # (name, domain)
    work: str = ""
    title: str = ""
    old: tuple[str, str, str, str] | None = None  # (company, domain, work email, title)
    slug: str = ""
    birthday: str = ""
    family: bool = False  # `personal` is the partner's address, shared


@dataclass(slots=True)
class Generated:
    sources: dict[str, list[Record]] = field(default_factory=dict)
    truth: dict[tuple[str, int], int] = field(default_factory=dict)
    people: int = 0

    @property
    def records(self) -> int:
        return sum(len(v) for v in self.sources.values())


class _Names:
    def __init__(self) -> None:
        us_first = {**Us.first_names_male, **Us.first_names_female}
        self.first = {"us": (list(us_first), list(accumulate(us_first.values())))}
        self.last = {"us": (list(Us.last_names), list(accumulate(Us.last_names.values())))}
        for code, prov in (("de", De), ("fr", Fr), ("es", Es)):
            firsts = list(dict.fromkeys([*prov.first_names_male, *prov.first_names_female]))
            lasts = list(dict.fromkeys(prov.last_names))
            # Zipf-like weights: a few names are common, most are rare, as in real populations
            self.first[code] = (firsts, list(accumulate(1 / (i + 8) for i in range(len(firsts)))))
            self.last[code] = (lasts, list(accumulate(1 / (i + 8) for i in range(len(lasts)))))
        nn = NickNamer()
        self.nicks = {k: sorted(v) for k, v in nn.nickname_lookup.items() if v}

    def draw(self, rng: random.Random, table: dict[str, tuple[list[str], list[float]]], locale: str) -> str:
        names, cum = table[locale]
        return rng.choices(names, cum_weights=cum)[0]


_NAMES: _Names | None = None


def _slugify(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text.lower() if c in string.ascii_lowercase + string.digits)


def _strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _nick_related(names: _Names, a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return a == b or b in names.nicks.get(a, ()) or a in names.nicks.get(b, ()) or a[:3] == b[:3]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        return word[:pos] + word[pos + 1:]
    if kind < 0.6:
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:]
    if kind < 0.8:
        return word[:pos] + rng.choice("aeioulnrst") + word[pos + 1:]
    return word[:pos] + word[pos] + word[pos:]


def _phone(rng: random.Random, style: int, number: str) -> str:
    area, ex, line = number[2:5], number[5:8], number[8:]
    return (f"({area}) {ex}-{line}", f"+1 {area} {ex} {line}", f"{area}.{ex}.{line}", f"{area}{ex}{line}",
            f"+1-{area}-{ex}-{line}")[style % 5]


class _Builder:
    def __init__(self, seed: int) -> None:
        global _NAMES
        if _NAMES is None:
            _NAMES = _Names()
        self.names = _NAMES
        self.rng = random.Random(seed)
        self.phones: set[str] = set()
        self.emails: set[str] = set()
        self.out = Generated()

    def phone(self) -> str:
        while True:
            number = "+1" + self.rng.choice(AREAS) + str(self.rng.randint(200, 999)) + f"{self.rng.randrange(10000):04d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def email(self, first: str, last: str, domain: str) -> str:
        f, l_ = _slugify(first) or "x", _slugify(last) or "y"
        for attempt in range(20):
            pattern = self.rng.random()
            local = (f"{f}.{l_}" if pattern < 0.45 else f"{f}{l_}" if pattern < 0.6 else f"{f[0]}{l_}"
                     if pattern < 0.8 else f"{f}_{l_}{self.rng.randint(1, 99)}")
            if attempt:
                local += str(self.rng.randint(2, 999))
            address = f"{local}@{domain}"
            mailbox = email_match_key(address)  # andrew.smith@ and andrewsmith@gmail.com are one mailbox
            if mailbox not in self.emails:
                self.emails.add(mailbox)
                return address
        raise RuntimeError("no free address")

    def add(self, source: str, person: int, record: Record) -> None:
        records = self.out.sources.setdefault(source, [])
        record.index = len(records) + 1
        record.source = source
        records.append(record)
        self.out.truth[(source, record.index)] = person


def _companies(rng: random.Random, names: _Names, count: int) -> list[tuple[str, str]]:
    out, seen = [], set()
    while len(out) < count:
        a, b = names.draw(rng, names.last, "us"), names.draw(rng, names.last, "us")
        name = rng.choice((f"{a} {rng.choice(SUFFIX)}", f"{a}-{b}", f"{a} & {b}", f"{a}{rng.choice(('ify', 'ly', 'io'))}"))
        domain = _slugify(name.replace(" & ", "-").split(" ")[0]) + rng.choice((".com", ".io", ".de", ".co"))
        if domain not in seen:
            seen.add(domain)
            out.append((name, domain))
    return out


def generate(people: int = 1000, seed: int = 1, households: float = 0.08, clones: float = 0.03,
             role_crowd: int = 0) -> Generated:
    """Address books for `people` simulated people (about 2.3 records each), reproducible by seed."""
    b = _Builder(seed)
    rng, names = b.rng, b.names
    companies = _companies(rng, names, max(20, people // 25))
    persons: list[Person] = []
    for number in range(1, people + 1):
        if persons and rng.random() < clones:  # a namesake: same name, another life
            model = rng.choice(persons)
            first, last, locale = model.first, model.last, model.locale
        else:
            locale = rng.choices([c for c, _ in LOCALES], weights=[w for _, w in LOCALES])[0]
            first, last = names.draw(rng, names.first, locale), names.draw(rng, names.last, locale)
        partner = persons[-1] if persons and rng.random() < households else None
        if partner is not None:  # a partner: other first name, same surname and home
            last, locale = partner.last, partner.locale
            while _nick_related(names, first, partner.first):
                first = names.draw(rng, names.first, locale)
        p = Person(number, first, last, locale)
        if rng.random() < 0.3:
            p.middle = rng.choice(string.ascii_uppercase)
        if rng.random() < 0.8:
            p.personal = b.email(first, last, rng.choice(FREE))
        if rng.random() < 0.85:
            p.mobile = b.phone()
        if rng.random() < 0.8:
            p.company = rng.choice(companies)
            p.title = rng.choice(TITLES)
            if rng.random() < 0.75:
                p.work = b.email(first, last, p.company[1])
        if rng.random() < 0.2:
            old = rng.choice(companies)
            p.old = (old[0], old[1], b.email(first, last, old[1]), rng.choice(TITLES))
        if rng.random() < 0.6:
            p.slug = f"{_slugify(first)}-{_slugify(last)}-{rng.randrange(16**6):06x}"
        if rng.random() < 0.2:
            p.birthday = f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if partner is not None:
            partner.home = partner.home or b.phone()
            p.home = partner.home
            if rng.random() < 0.5 and partner.personal:
                p.personal = partner.personal  # the family address
                p.family = True
        persons.append(p)
    for p in persons:
        _spread(b, p)
    if role_crowd:
        domain = companies[0][1]
        for n in range(role_crowd):
            first, last = names.draw(rng, names.first, "us"), names.draw(rng, names.last, "us")
            b.add("crowd.csv", people + 1 + n, Record(given=first, family=last, formatted_name=f"{first} {last}",
                                                      emails=[Labeled(f"info@{domain}", "work")]))
    b.out.people = people + role_crowd
    return b.out


def _name_variant(rng: random.Random, names: _Names, p: Person, nick_rate: float) -> tuple[str, str, str]:
    """(given, family, formatted) as one source writes this person's name."""
    first, last = p.first, p.last
    if rng.random() < nick_rate:
        nicks = names.nicks.get(first.lower())
        if nicks:
            first = rng.choice(nicks).title()
    roll = rng.random()
    if roll < 0.03:
        first = _typo(rng, first)
    elif roll < 0.06:
        last = _typo(rng, last)
    if rng.random() < 0.3:
        first, last = _strip_accents(first), _strip_accents(last)
    if rng.random() < 0.04:
        first, last = first.upper(), last.upper()
    middle = f" {p.middle}." if p.middle and rng.random() < 0.4 else ""
    roll = rng.random()
    if roll < 0.03:
        return last, first, f"{last} {first}"  # swapped fields
    if roll < 0.12:
        return "", "", f"{last}, {first}{middle}"  # one free-text field
    if roll < 0.15:
        return first, "", first  # a first name only
    if roll < 0.16:
        return "", "", f"{first[0]}. {last[0]}."  # initials
    return first, last, f"{first}{middle} {last}"


def _spread(b: _Builder, p: Person) -> None:
    rng, names = b.rng, b.names
    made = 0

    def record(source: str, nick_rate: float, **fields: object) -> None:
        nonlocal made
        given, family, formatted = _name_variant(rng, names, p, nick_rate)
        b.add(source, p.number, Record(given=given, family=family, formatted_name=formatted, **fields))  # type: ignore[arg-type]
        made += 1

    def phones(*numbers: str) -> list[Labeled]:
        return [Labeled(_phone(rng, rng.randrange(5), n), "cell") for n in numbers if n]

    if rng.random() < 0.7:
        emails = [Labeled(p.personal, "home")] if p.personal and rng.random() < 0.9 else []
        record("google.csv", 0.1, emails=emails, phones=phones(p.mobile if rng.random() < 0.7 else "", p.home),
               org=p.company[0] if p.company and rng.random() < 0.3 else "",
               birthday=p.birthday if rng.random() < 0.5 else "")
    if rng.random() < 0.45:
        use_old = p.old is not None and rng.random() < 0.6
        org, _, work, title = p.old if use_old and p.old else (
            p.company[0] if p.company else "", "", p.work, p.title)
        emails = [Labeled(work, "work")] if work else ([Labeled(p.personal, "home")] if p.personal else [])
        record("outlook.csv", 0.02, emails=emails, org=org, title=title,
               phones=phones(p.mobile if rng.random() < 0.4 else ""))
    if rng.random() < 0.6:
        emails = [Labeled(p.personal, "home")] if p.personal and rng.random() < 0.3 else []
        record("phone.vcf", 0.35, phones=phones(p.mobile if rng.random() < 0.95 else p.home), emails=emails,
               birthday=p.birthday if rng.random() < 0.3 else "")
    if p.slug and rng.random() < 0.75:
        record("Connections.csv", 0.1, urls=[Labeled(f"https://www.linkedin.com/in/{p.slug}", "")],
               org=p.company[0] if p.company else "", title=p.title,
               emails=[Labeled(p.work or p.personal, "")] if rng.random() < 0.15 and (p.work or p.personal) else [],
               connected_on="2023-01-01")
    if made == 0 or rng.random() < 0.25:
        address = p.work if p.family else (p.personal or p.work)
        if address:
            name = f"{p.first} {p.last}" if rng.random() < 0.5 else ""
            b.add("mail.mbox", p.number, Record(formatted_name=name, emails=[Labeled(address, "")]))
            made += 1
    if made == 0:
        record("phone.vcf", 0.2, phones=phones(p.mobile or b.phone()))

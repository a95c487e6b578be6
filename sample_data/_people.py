"""The ground-truth population: who exists, how they relate to the user, where they are listed.

`build_people` makes every person once, with everything any of their records could show
(formal and nick names, current and previous job, personal/work/household mail, current
and old mobile, ...). The record builders in `_records` later pick, per file, which of
these facts a given export holds and how it spells them. Cross-person traps are set up
here: couples sharing a household mail address and landline, and namesakes (two
different people with the same common name).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import lru_cache

from _phones import Phone, PhoneAllocator
from _pools import LocalePool, slug
from _tables import (
    COUNTRY,
    EVENTS,
    EXECUTIVE_TITLES,
    FUNCTIONS,
    LOCALE_WEIGHTS,
    ME_EMAIL,
    MY_EMPLOYERS,
    NEWSLETTERS,
    NICKNAMES,
    PERSONAL_DOMAINS,
    ROLE_ACCOUNTS,
    SENIORITY,
    ZH_WESTERN_NAMES,
)

#: Address-book files, in the order the generator writes them; a person's `sources` counts
#: records per file in this order.
SOURCES: tuple[str, ...] = ("google_contacts.csv", "outlook_contacts.csv", "iphone.vcf", "android.vcf",
                            "Connections.csv")
G, O, I, A, L = range(5)

ROLES = ("friend", "colleague", "old-colleague", "acquaintance", "family", "ex-boss", "ex-partner",
         "role-account", "newsletter")
#: Share of ordinary people per role (the special roles are counted separately).
_ROLE_WEIGHTS = {"friend": 0.22, "colleague": 0.19, "old-colleague": 0.19, "acquaintance": 0.34, "family": 0.06}
#: Probability per role of being listed in each file (G, O, I, A, L).
_SOURCE_P: dict[str, tuple[float, float, float, float, float]] = {
    "friend": (0.75, 0.08, 0.80, 0.55, 0.40),
    "family": (0.70, 0.00, 0.95, 0.70, 0.10),
    "colleague": (0.50, 0.60, 0.35, 0.12, 0.80),
    "old-colleague": (0.45, 0.80, 0.20, 0.35, 0.70),
    "ex-boss": (1.0, 1.0, 0.5, 0.3, 1.0),
    "ex-partner": (1.0, 0.0, 1.0, 1.0, 0.0),
}
#: An acquaintance is usually in one file only; which one, by weight.
_SINGLE_SOURCE_W = (0.38, 0.10, 0.14, 0.10, 0.28)
_LOCALES = tuple(LOCALE_WEIGHTS)
_LOCALE_CUM = tuple(sum(list(LOCALE_WEIGHTS.values())[: k + 1]) for k in range(len(LOCALE_WEIGHTS)))
COMMON_NAMES: tuple[tuple[str, str, str], ...] = (
    ("John", "Smith", "m"), ("Maria", "Garcia", "f"), ("David", "Lee", "m"), ("Michael", "Brown", "m"),
    ("Sarah", "Johnson", "f"), ("James", "Wilson", "m"), ("Jennifer", "Miller", "f"), ("Robert", "Jones", "m"),
)


@dataclass(slots=True)
class Job:
    """A position at one company, with the work contact details it came with."""

    company: str
    domain: str
    title: str
    department: str
    email: str = ""
    phone: Phone | None = None
    street: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""


@dataclass(slots=True)
class Person:
    """One real person (or role account / newsletter) of the ground truth."""

    index: int
    role: str
    locale: str
    gender: str = "m"
    given: str = ""  # formal given name, native script
    family: str = ""
    middle: str = ""
    nick: str = ""  # the usual short form of `given` ("" if none)
    uses_nick: bool = False  # friends know them by the nick
    given_phonetic: str = ""  # ja_JP katakana
    family_phonetic: str = ""
    given_roman: str = ""  # ja_JP / zh_CN romanisation ("" for Latin-script names)
    family_roman: str = ""
    western: str = ""  # an English work name some Chinese colleagues use
    org_display: str = ""  # role accounts and newsletters: the name they go by
    personal_email: str = ""
    extra_email: str = ""  # an older personal address
    household_email: str = ""
    mobile: Phone | None = None
    old_mobile: Phone | None = None
    home: Phone | None = None
    job: Job | None = None
    old_job: Job | None = None
    linkedin: str = ""
    birthday: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    note: str = ""
    partner: int = -1
    namesake: int = -1
    connected_on: dt.date | None = None
    sources: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])

    @property
    def pid(self) -> str:
        return f"P{self.index + 1:04d}"

    @property
    def native_cjk(self) -> bool:
        return self.locale in ("ja_JP", "zh_CN")

    @property
    def country(self) -> str:
        return COUNTRY[self.locale][1]

    @property
    def latin_given(self) -> str:
        return self.given_roman or self.given

    @property
    def latin_family(self) -> str:
        return self.family_roman or self.family

    def display_name(self) -> str:
        """The name the truth file shows: formal given + family (CJK: family first, native)."""
        if self.org_display:
            return self.org_display
        if self.locale == "ja_JP":
            return f"{self.family} {self.given}"
        if self.locale == "zh_CN":
            return f"{self.family}{self.given}"
        return f"{self.given} {self.family}"


class _Emails:
    """Unique mail addresses: a second person wanting the same one gets digits appended."""

    def __init__(self) -> None:
        self._used: set[str] = {ME_EMAIL}

    def claim(self, local: str, domain: str, rng: random.Random) -> str:
        address = f"{local}@{domain}"
        while address in self._used:
            address = f"{local}{rng.randrange(2, 99)}@{domain}"
        self._used.add(address)
        return address


def _nick_table(locale: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    return NICKNAMES.get(locale[:2], {})


@lru_cache(maxsize=None)
def _formal_names(locale: str, gender: str) -> tuple[str, ...]:
    """The formal given names with a common nickname, for one locale and gender."""
    return tuple(name for name, (g, _) in _nick_table(locale).items() if g == gender)


def _choose_name(p: Person, pool: LocalePool, rng: random.Random) -> None:
    """Formal given name (often one with a common nickname), middle name, family name."""
    formal = _formal_names(p.locale, p.gender)
    first_pool = pool.male if p.gender == "m" else pool.female
    if formal and rng.random() < (0.4 if p.locale.startswith("en") else 0.25):
        p.given = rng.choice(formal)
    else:
        p.given, p.given_phonetic, p.given_roman = rng.choice(first_pool)
    p.family, p.family_phonetic, p.family_roman = rng.choice(pool.last)
    if p.locale == "en_US" and rng.random() < 0.3:
        p.middle = rng.choice(first_pool)[0]
    elif not p.native_cjk and rng.random() < 0.05:
        p.middle = rng.choice(first_pool)[0]
    _set_nick(p, rng)


def _set_nick(p: Person, rng: random.Random) -> None:
    entry = _nick_table(p.locale).get(p.given)
    p.nick, p.uses_nick = "", False
    if entry:
        nicks = entry[1]
        p.nick = nicks[0] if rng.random() < 0.65 else rng.choice(nicks)
        p.uses_nick = rng.random() < 0.75


def _title(p: Person, pool: LocalePool, rng: random.Random, senior: bool = False,
           local_firm: bool = True) -> tuple[str, str]:
    """A job title: English at international firms, sometimes the local language elsewhere."""
    if senior:
        return rng.choice(EXECUTIVE_TITLES)
    if local_firm and not p.locale.startswith("en") and rng.random() < 0.3:
        return rng.choice(pool.jobs), ""
    function, dept = rng.choice(FUNCTIONS)
    return rng.choice(SENIORITY) + function, dept


def _job(p: Person, company: tuple[str, str], pool: LocalePool, rng: random.Random, senior: bool = False) -> Job:
    title, dept = _title(p, pool, rng, senior, local_firm=company not in MY_EMPLOYERS)
    job = Job(company[0], company[1], title, dept)
    k = rng.randrange(len(pool.streets))
    job.street, job.city, job.region, job.postcode = pool.streets[k], pool.cities[k], pool.regions[k], pool.postcodes[k]
    return job


def _local_parts(p: Person, rng: random.Random) -> str:
    """A mail local part built from the person's (romanised) name in one of the usual patterns."""
    g = slug(p.nick if p.nick and rng.random() < 0.25 else p.latin_given) or "x"
    f = slug(p.latin_family) or "y"
    pattern = rng.random()
    if pattern < 0.35:
        return f"{g}.{f}"
    if pattern < 0.5:
        return f"{g[0]}{f}"
    if pattern < 0.6:
        return f"{g}_{f}"
    if pattern < 0.7:
        return f"{g}{f}"
    if pattern < 0.8:
        return f"{f}.{g}"
    if pattern < 0.9:
        return f"{g}{f[0]}"
    return f"{g}.{f}{rng.randrange(60, 100)}"


def _work_local(p: Person, rng: random.Random) -> str:
    g = slug(p.latin_given) or "x"
    f = slug(p.latin_family) or "y"
    return rng.choice((f"{g}.{f}", f"{g}.{f}", f"{g[0]}{f}", g, f"{g}{f[0]}"))


def _linkedin_slug(p: Person, rng: random.Random, taken: set[str]) -> str:
    """A profile URL's last part; LinkedIn gives each account its own, so a namesake wanting one already
    taken (a second John Smith asking for johnsmith) gets the random suffix LinkedIn would add."""
    g = slug(p.latin_given, "-")
    f = slug(p.latin_family, "-")
    base = f"{g}-{f}"
    r = rng.random()
    if r < 0.55:
        chosen = f"{base}-{rng.getrandbits(32):08x}"
    elif r < 0.75:
        chosen = f"{base}-{rng.randrange(10, 999)}"
    elif r < 0.9:
        chosen = f"{g}{f}"
    else:
        chosen = f"{g[0]}{f}{rng.randrange(1, 99)}"
    while chosen in taken:
        chosen = f"{base}-{rng.getrandbits(32):08x}"
    taken.add(chosen)
    return chosen


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


class PeopleBuilder:
    """Builds the whole population deterministically from one seeded RNG."""

    def __init__(self, n: int, pools: dict[str, LocalePool], rng: random.Random) -> None:
        self.n = n
        self.pools = pools
        self.rng = rng
        self.phones = PhoneAllocator(random.Random(rng.random()))
        self.emails = _Emails()
        self.slugs: set[str] = set()  # profile URLs given so far
        self.people: list[Person] = []
        self._other_companies = [c for loc in ("en_US", "en_GB") for c in pools[loc].companies]
        self._role_count = 0
        self._newsletter_count = 0

    # -- stage 1: roles, locales, names -------------------------------------------------
    def _role_list(self) -> list[str]:
        n = self.n
        specials = {"role-account": max(4, round(n * 0.02)), "newsletter": max(2, round(n * 0.01)),
                    "ex-boss": max(1, n // 300), "ex-partner": max(1, n // 300)}
        ordinary = n - sum(specials.values())
        names, weights = zip(*_ROLE_WEIGHTS.items())
        roles = list(self.rng.choices(names, weights=weights, k=ordinary))
        for role, count in specials.items():
            roles.extend([role] * count)
        self.rng.shuffle(roles)
        return roles

    def _new_person(self, index: int, role: str) -> Person:
        rng = self.rng
        if role in ("role-account", "newsletter"):
            return Person(index, role, "en_US")
        locale = "en_US" if role in ("ex-boss", "ex-partner") else rng.choices(_LOCALES, cum_weights=_LOCALE_CUM)[0]
        p = Person(index, role, locale, gender=rng.choice("mf"))
        _choose_name(p, self.pools[locale], rng)
        return p

    # -- stage 2: couples and namesakes ---------------------------------------------------
    def _pair_up(self) -> None:
        rng = self.rng
        latin = [p for p in self.people if p.role in ("friend", "family", "acquaintance", "colleague")
                 and p.locale in ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT")]
        rng.shuffle(latin)
        n_couples = max(3, self.n // 100)
        n_namesakes = max(2, self.n // 150)
        couples = [p for p in latin if p.role in ("friend", "family")][: 2 * n_couples]
        taken = {p.index for p in couples}
        for a, b in zip(couples[0::2], couples[1::2]):
            b.locale, b.gender = a.locale, "f" if a.gender == "m" else "m"
            _choose_name(b, self.pools[b.locale], rng)
            while b.given == a.given or (b.nick and b.nick == a.nick) or b.given in (a.nick, a.given):
                _choose_name(b, self.pools[b.locale], rng)
            b.family, b.family_phonetic, b.family_roman = a.family, a.family_phonetic, a.family_roman
            a.partner, b.partner = b.index, a.index
        rest = [p for p in latin if p.index not in taken and p.locale == "en_US" and p.role != "colleague"]
        for k, (a, b) in enumerate(zip(rest[0: 2 * n_namesakes: 2], rest[1: 2 * n_namesakes: 2])):
            given, family, gender = COMMON_NAMES[k % len(COMMON_NAMES)]
            for p in (a, b):
                p.given, p.family, p.gender, p.middle = given, family, gender, ""
                _set_nick(p, rng)
            a.namesake, b.namesake = b.index, a.index

    # -- stage 3: contact details ---------------------------------------------------------
    def _details(self, p: Person) -> None:
        rng = self.rng
        if p.role == "role-account":
            return self._role_account(p)
        if p.role == "newsletter":
            return self._newsletter(p)
        pool = self.pools[p.locale]
        if p.locale == "zh_CN" and p.role in ("colleague", "old-colleague") and rng.random() < 0.4:
            p.western = rng.choice(ZH_WESTERN_NAMES)
        self._jobs(p, pool)
        if rng.random() < {"acquaintance": 0.7, "colleague": 0.8}.get(p.role, 0.93):
            p.personal_email = self.emails.claim(_local_parts(p, rng), rng.choice(PERSONAL_DOMAINS), rng)
        if rng.random() < 0.12:
            p.extra_email = self.emails.claim(_local_parts(p, rng), rng.choice(PERSONAL_DOMAINS), rng)
        if p.job and rng.random() < 0.9:
            p.job.email = self.emails.claim(_work_local(p, rng), p.job.domain, rng)
        if p.old_job and rng.random() < 0.9:
            p.old_job.email = self.emails.claim(_work_local(p, rng), p.old_job.domain, rng)
        country = p.country
        if rng.random() < (0.65 if p.role == "acquaintance" else 0.95):
            p.mobile = self.phones.new(country, mobile=True)
            if rng.random() < 0.15:
                p.old_mobile = self.phones.new(country, mobile=True)
        if rng.random() < (0.35 if p.role == "family" or country in ("GB", "DE", "FR", "IT") else 0.18):
            p.home = self.phones.new(country, mobile=False)
        for job in (p.job, p.old_job):
            if job and rng.random() < 0.4:
                job.phone = self.phones.new(country, mobile=False)
        if rng.random() < 0.6 or p.role in ("colleague", "old-colleague", "ex-boss"):
            p.linkedin = _linkedin_slug(p, rng, self.slugs)
        if p.role in ("friend", "family", "ex-partner") and rng.random() < 0.55:
            born = _date_between(rng, dt.date(1955, 1, 1), dt.date(2001, 12, 31))
            p.birthday = born.isoformat() if rng.random() < 0.8 else born.strftime("--%m-%d")
        k = rng.randrange(len(pool.streets))
        p.street, p.city, p.region, p.postcode = pool.streets[k], pool.cities[k], pool.regions[k], pool.postcodes[k]
        if p.role == "acquaintance" and rng.random() < 0.5:
            p.note = f"Met at {rng.choice(EVENTS)}"
        elif p.role == "old-colleague" and rng.random() < 0.3 and p.old_job:
            p.note = f"Worked together at {p.old_job.company}"
        start = dt.date(2013, 1, 1) if p.role == "old-colleague" else dt.date(2011, 6, 1)
        end = dt.date(2020, 12, 31) if p.role == "old-colleague" else dt.date(2026, 10, 20)
        p.connected_on = _date_between(rng, start, end)

    def _jobs(self, p: Person, pool: LocalePool) -> None:
        rng = self.rng
        own = pool.companies if rng.random() < 0.8 else self._other_companies
        if p.role == "colleague":
            p.job = _job(p, MY_EMPLOYERS[0] if rng.random() < 0.85 else rng.choice(own), pool, rng)
            if rng.random() < 0.3:
                p.old_job = _job(p, rng.choice(own), pool, rng)
        elif p.role in ("old-colleague", "ex-boss"):
            former = MY_EMPLOYERS[1] if p.role == "ex-boss" or rng.random() < 0.65 else MY_EMPLOYERS[2]
            p.old_job = _job(p, former, pool, rng, senior=p.role == "ex-boss")
            if rng.random() < 0.75:
                p.job = _job(p, rng.choice(own), pool, rng, senior=p.role == "ex-boss")
            else:  # still there: the old export and today agree
                p.job, p.old_job = p.old_job, None
        elif rng.random() < (0.6 if p.role == "family" else 0.85):
            p.job = _job(p, rng.choice(own), pool, rng)
            if rng.random() < 0.3:
                p.old_job = _job(p, rng.choice(own), pool, rng)

    def _role_account(self, p: Person) -> None:
        rng = self.rng
        local, pattern = ROLE_ACCOUNTS[self._role_count % len(ROLE_ACCOUNTS)]
        self._role_count += 1
        company = rng.choice(self._other_companies + list(MY_EMPLOYERS[:2]))
        p.job = Job(company[0], company[1], "", "")
        p.org_display = pattern.format(org=company[0]) if pattern else ""
        p.personal_email = self.emails.claim(local, company[1], rng)
        if not p.org_display:
            p.org_display = p.personal_email
        if local in ("info", "sales", "office") and rng.random() < 0.5:
            p.home = self.phones.new("US", mobile=False)

    def _newsletter(self, p: Person) -> None:
        rng = self.rng
        k = self._newsletter_count
        self._newsletter_count += 1
        name, key = NEWSLETTERS[k % len(NEWSLETTERS)]
        edition = k // len(NEWSLETTERS)
        if edition:  # large runs: more newsletters than names, number the later ones
            name, key = f"{name} {edition + 1}", f"{key}{edition + 1}"
        p.org_display = name
        p.personal_email = self.emails.claim(rng.choice(("newsletter", "digest", "hello", "news")),
                                             f"{key}.example.org", rng)

    # -- stage 4: household sharing --------------------------------------------------------
    def _households(self) -> None:
        rng = self.rng
        for a in self.people:
            if a.partner <= a.index:
                continue
            b = self.people[a.partner]
            if a.home is None:
                a.home = self.phones.new(a.country, mobile=False)
            b.home = a.home
            fam = slug(a.family)
            local = rng.choice((f"{fam}family", f"the.{fam}s", f"{slug(a.given)}.{slug(b.given)}", f"{fam}.home"))
            a.household_email = b.household_email = self.emails.claim(local, rng.choice(PERSONAL_DOMAINS), rng)
            b.street, b.city, b.region, b.postcode = a.street, a.city, a.region, a.postcode

    def _separate_namesakes(self) -> None:
        """Namesakes must differ by employer, or only their mail would tell them apart."""
        for a in self.people:
            if a.namesake > a.index:
                b = self.people[a.namesake]
                for p in (a, b):
                    if not p.personal_email:
                        p.personal_email = self.emails.claim(_local_parts(p, self.rng), "example.com", self.rng)
                while b.job is None or (a.job is not None and b.job.company == a.job.company):
                    b.job = _job(b, self.rng.choice(self._other_companies), self.pools[b.locale], self.rng)
                    b.job.email = self.emails.claim(_work_local(b, self.rng), b.job.domain, self.rng)

    # -- stage 5: which files list whom ------------------------------------------------------
    def _sources(self, p: Person) -> None:
        rng = self.rng
        if p.role in ("role-account", "newsletter"):
            first = G if rng.random() < 0.7 else O
            p.sources[first] = 1
            if rng.random() < 0.2:
                p.sources[O if first == G else G] = 1
            if p.role == "role-account" and rng.random() < 0.15:
                p.sources[I] = 1
            return
        if p.role == "acquaintance":
            p.sources[rng.choices(range(5), weights=_SINGLE_SOURCE_W)[0]] = 1
            if rng.random() < 0.22:
                p.sources[rng.choices(range(5), weights=_SINGLE_SOURCE_W)[0]] = 1
        else:
            for s, prob in enumerate(_SOURCE_P[p.role]):
                if rng.random() < prob:
                    p.sources[s] = 1
        if p.partner >= 0 or p.namesake >= 0:
            p.sources[G] = 1  # both halves of a household / a namesake pair sit in the same file
        if p.old_mobile and p.mobile and p.role != "acquaintance" and not p.sources[A]:
            p.sources[A] = int(rng.random() < 0.5)
        if not p.linkedin:
            p.sources[L] = 0
        if not any(p.sources):
            p.sources[I if p.mobile else G] = 1
        for s in (G, I, O):  # the same person twice in one file (a sync artefact)
            if p.sources[s] and rng.random() < 0.035:
                p.sources[s] = 2

    def build(self) -> list[Person]:
        self.people = [self._new_person(i, role) for i, role in enumerate(self._role_list())]
        self._pair_up()
        for p in self.people:
            self._details(p)
        self._households()
        self._separate_namesakes()
        for p in self.people:
            self._sources(p)
        return self.people


def build_people(n: int, pools: dict[str, LocalePool], seed: int) -> list[Person]:
    """The deterministic population of `n` people for `seed`."""
    return PeopleBuilder(n, pools, random.Random(f"{seed}:people")).build()


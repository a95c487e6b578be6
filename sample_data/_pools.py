"""Faker-backed pools of names, companies and places, plus small text helpers.

Calling faker per record is too slow for 100k people, so each locale's faker instance is
called a fixed number of times up front (seeded, so the pools are deterministic for a
given faker version) and the people builder combines pool entries with its own RNG.
Pools repeat common entries (faker draws frequent names more often), which keeps
realistic name frequencies and therefore realistic namesakes in large address books.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from _tables import COUNTRY, LOCALE_WEIGHTS, ZH_GIVEN_F, ZH_GIVEN_M, ZH_SURNAMES
from faker import Faker

#: Pool sizes per locale (independent of the number of people, so small runs stay fast).
_FIRST_POOL = 300
_LAST_POOL = 400
_COMPANY_POOL = 120
_PLACE_POOL = 120
_JOB_POOL = 60

_GERMAN_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_SPECIAL_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe",
                               "Œ": "Oe", "đ": "d", "Đ": "D", "ß": "ss"})
_COMPANY_SUFFIXES = re.compile(
    r"\b(inc|llc|ltd|plc|group|and sons|gmbh|ag|kg|e\.?v|ohg|gbr|sa|sas|s\.a\.s|s\.a\.r\.l|sarl|s\.a|s\.l|"
    r"s\.coop|s\.com|s\.l\.n\.e|s\.r\.l|spa|sp\. z o\.o|s\.c|s/a|me|ei|ltda|e hijos|y asociados|e figli)\b\.?",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def fold_accents(text: str, german: bool = False) -> str:
    """ASCII-fold a name the way people type it without accents (José -> Jose).

    With `german`, umlauts become the German transliteration (Müller -> Mueller) instead of
    being stripped (Müller -> Muller).
    """
    if german:
        text = text.translate(_GERMAN_TRANSLIT)
    text = text.translate(_SPECIAL_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits of `text`, words joined by `sep` (for mail local parts)."""
    words = re.findall(r"[a-z0-9]+", fold_accents(text, german=True).lower())
    return sep.join(words)


def company_domain(company: str, tld: str, rng: random.Random) -> str:
    """A plausible domain for a company name: 'Wilson-Hodges' -> 'wilson-hodges.com'."""
    core = _COMPANY_SUFFIXES.sub(" ", company.replace(",", " "))
    words = re.findall(r"[a-z0-9]+", fold_accents(core, german=True).lower())
    words = [w for w in words if w not in {"and", "und", "et", "e", "y", "i", "the", "de", "da", "do"}] or ["company"]
    base = "-".join(words[:2]) if rng.random() < 0.7 else "".join(words[:2])
    return f"{base}.{tld}"


@dataclass(slots=True)
class LocalePool:
    """Everything the people builder draws from for one locale.

    For ja_JP and zh_CN, names are (native, phonetic, romanised) triples; for the other
    locales the phonetic and romanised parts are empty and the native text is Latin.
    """

    locale: str
    male: list[tuple[str, str, str]] = field(default_factory=list)
    female: list[tuple[str, str, str]] = field(default_factory=list)
    last: list[tuple[str, str, str]] = field(default_factory=list)
    companies: list[tuple[str, str]] = field(default_factory=list)  # (display name, domain)
    jobs: list[str] = field(default_factory=list)
    streets: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)


def _latin_names(fake: Faker, n: int, kind: str) -> list[tuple[str, str, str]]:
    method = getattr(fake, kind)
    return [(method(), "", "") for _ in range(n)]


def _ja_names(fake: Faker, n: int, kind: str) -> list[tuple[str, str, str]]:
    method = getattr(fake, kind)
    return [tuple(method()) for _ in range(n)]  # type: ignore[misc]


def _region(fake: Faker, locale: str) -> str:
    if locale == "en_US":
        return fake.state_abbr()
    if locale == "en_GB":
        return fake.county()
    return fake.administrative_unit()


def _pin_set_ordered_lists(fake: Faker) -> None:
    """Sort provider lists that faker builds from a set (it_IT `cities`): their order, and so
    every seeded draw from them, would otherwise change with the interpreter's hash seed."""
    for provider in fake.providers:
        cities = getattr(provider, "cities", None)
        if isinstance(cities, list):
            provider.cities = sorted(cities)  # instance attribute: the class stays untouched


def build_pool(locale: str, seed: int) -> LocalePool:
    """Draw one locale's pools from a faker instance seeded with `seed`."""
    fake = Faker(locale)
    fake.seed_instance(seed)
    _pin_set_ordered_lists(fake)
    rng = random.Random(f"{seed}:{locale}:domains")
    tld = COUNTRY[locale][2]
    pool = LocalePool(locale)
    if locale == "ja_JP":
        pool.male = _ja_names(fake, _FIRST_POOL // 2, "first_name_male_pair")
        pool.female = _ja_names(fake, _FIRST_POOL // 2, "first_name_female_pair")
        pool.last = _ja_names(fake, _LAST_POOL // 2, "last_name_pair")
        for _ in range(_COMPANY_POOL // 3):
            native = fake.company()
            roman = fake.last_romanized_name()
            pool.companies.append((native, f"{roman.lower()}-{rng.choice(['shoji', 'denki', 'tech', 'hoken'])}.{tld}"))
    elif locale == "zh_CN":
        pool.male = [(native, "", roman) for native, roman in ZH_GIVEN_M]
        pool.female = [(native, "", roman) for native, roman in ZH_GIVEN_F]
        pool.last = [(native, "", roman) for native, roman in ZH_SURNAMES]
        for _ in range(_COMPANY_POOL // 3):
            native = fake.company()
            surname = rng.choice(ZH_SURNAMES)[1].lower()
            pool.companies.append((native, f"{surname}{rng.choice(['tech', 'soft', 'data', 'net'])}.{tld}"))
    else:
        pool.male = _latin_names(fake, _FIRST_POOL, "first_name_male")
        pool.female = _latin_names(fake, _FIRST_POOL, "first_name_female")
        pool.last = _latin_names(fake, _LAST_POOL, "last_name")
        for _ in range(_COMPANY_POOL):
            name = fake.company()
            pool.companies.append((name, company_domain(name, tld, rng)))
    pool.jobs = [fake.job() for _ in range(_JOB_POOL)]
    for _ in range(_PLACE_POOL):
        pool.streets.append(fake.street_address().replace("\n", ", "))
        pool.cities.append(fake.city())
        pool.regions.append(_region(fake, locale))
        pool.postcodes.append(fake.postcode())
    return pool


def build_pools(seed: int) -> dict[str, LocalePool]:
    """All locales' pools, each from its own seeded faker instance."""
    return {locale: build_pool(locale, seed * 100 + i) for i, locale in enumerate(LOCALE_WEIGHTS)}

"""Phone numbers: unique allocation in fictional ranges first, and the many ways to write one.

A `Phone` holds the country calling code and the national significant number; `fmt`
renders it in one of the styles real address books contain (`+1 415-555-0134`,
`(415) 555-0134`, `4155550134`, `+14155550134`, `001 415 555 0134`, `020 7946 0958`,
`+44 20 7946 0958`, `030/12345678`, ...). The same number written differently in two
files is one of the duplicate signals the dedupe must see through.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

#: US area codes used for 555-01xx numbers (reserved for fiction in every area code).
US_AREAS: tuple[str, ...] = (
    "415", "212", "617", "312", "206", "303", "512", "213", "646", "718", "202", "305", "404", "503",
    "510", "602", "612", "619", "650", "702", "713", "720", "773", "801", "818", "858", "917", "925",
    "949", "971", "984", "201", "215", "248", "267", "301", "339", "347", "408", "443", "469", "508",
    "571", "585", "614", "615", "626", "630", "678", "704", "732", "781", "786", "813", "832", "847",
)

_CC = {"US": "1", "GB": "44", "DE": "49", "FR": "33", "ES": "34", "IT": "39", "PL": "48", "BR": "55",
       "JP": "81", "CN": "86"}
#: International dial-out prefix used in the `dialout` style (as dialled from that country).
_DIALOUT = {"US": "001", "GB": "0044", "DE": "0049", "FR": "0033", "ES": "0034", "IT": "0039",
            "PL": "0048", "BR": "0055", "JP": "01081", "CN": "0086"}

STYLES = ("national", "alt", "intl", "e164", "digits", "dialout")


@dataclass(frozen=True, slots=True)
class Phone:
    """One phone number: ISO country, national significant number, mobile or landline."""

    country: str
    nsn: str
    mobile: bool

    @property
    def cc(self) -> str:
        return _CC[self.country]

    @property
    def e164(self) -> str:
        return f"+{self.cc}{self.nsn}"


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10 ** n):0{n}d}"


def _draw(country: str, mobile: bool, level: int, rng: random.Random) -> str:
    """One candidate national number; `level` widens the range once the fictional one fills up."""
    if country == "US":
        area = rng.choice(US_AREAS)
        line = "01" + _digits(rng, 2) if level == 0 else _digits(rng, 4)
        return f"{area}555{line}"
    if country == "GB":
        if mobile:
            return ("7700900" + _digits(rng, 3), "77009" + _digits(rng, 5), "7700" + _digits(rng, 6))[min(level, 2)]
        if level == 0:
            return rng.choice(("2079460", "1614960", "1134960")) + _digits(rng, 3)
        return rng.choice(("207946", "161496", "113496")) + _digits(rng, 4)
    if country == "FR":
        if level == 0:
            return ("63998" if mobile else "19900") + _digits(rng, 4)
        return ("6" if mobile else rng.choice("12345")) + _digits(rng, 8)
    if country == "DE":
        return (rng.choice(("151", "160", "170", "176")) + _digits(rng, 8) if mobile
                else rng.choice(("30", "89", "40", "69")) + _digits(rng, 8))
    if country == "ES":
        return ("6" + _digits(rng, 8)) if mobile else rng.choice(("91", "93", "96")) + _digits(rng, 7)
    if country == "IT":
        return ("3" + rng.choice("234") + _digits(rng, 8)) if mobile else rng.choice(("06", "02")) + _digits(rng, 8)
    if country == "PL":
        return rng.choice("5678") + _digits(rng, 8) if mobile else rng.choice(("22", "12", "61")) + _digits(rng, 7)
    if country == "BR":
        return rng.choice(("11", "21", "31")) + ("9" + _digits(rng, 8) if mobile else "3" + _digits(rng, 7))
    if country == "JP":
        return (rng.choice(("90", "80", "70")) + _digits(rng, 8)) if mobile else "3" + _digits(rng, 8)
    if country == "CN":
        return (rng.choice(("138", "139", "186", "135")) + _digits(rng, 8)) if mobile else "10" + _digits(rng, 8)
    raise ValueError(country)


class PhoneAllocator:
    """Hands out numbers no one else has, fictional ranges first, widening when they fill up."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[tuple[str, str]] = set()
        self._level: dict[tuple[str, bool], int] = {}

    def new(self, country: str, mobile: bool) -> Phone:
        key = (country, mobile)
        level = self._level.get(key, 0)
        failures = 0
        while True:
            nsn = _draw(country, mobile, level, self._rng)
            if (country, nsn) not in self._used:
                self._used.add((country, nsn))
                return Phone(country, nsn, mobile)
            failures += 1
            if failures >= 12:
                level += 1
                self._level[key] = level
                failures = 0


def _groups(phone: Phone) -> list[str]:
    """The national significant number split the way that country writes it."""
    n, c = phone.nsn, phone.country
    if c == "US":
        return [n[:3], n[3:6], n[6:]]
    if c == "GB":
        if n.startswith("7"):
            return [n[:4], n[4:]]
        if n.startswith("2"):
            return [n[:2], n[2:6], n[6:]]
        return [n[:3], n[3:6], n[6:]]
    if c == "DE":
        cut = 3 if n.startswith("1") else 2
        return [n[:cut], n[cut:]]
    if c == "FR":
        return [n[0], n[1:3], n[3:5], n[5:7], n[7:]]
    if c in ("ES", "PL"):
        return [n[:3], n[3:6], n[6:]] if phone.mobile else [n[:2], n[2:5], n[5:7], n[7:]]
    if c == "IT":
        return [n[:3], n[3:6], n[6:]] if phone.mobile else [n[:2], n[2:6], n[6:]]
    if c == "BR":
        return [n[:2], n[2:-4], n[-4:]]
    if c == "JP":
        return [n[:2], n[2:6], n[6:]] if phone.mobile else [n[:1], n[1:5], n[5:]]
    if c == "CN":
        return [n[:3], n[3:7], n[7:]] if phone.mobile else [n[:2], n[2:6], n[6:]]
    return [n]


def _trunk(phone: Phone) -> str:
    """The national trunk prefix ('0' in most of Europe and Asia, none in the US/ES/IT/PL)."""
    if phone.country in ("GB", "DE", "FR", "JP") or (phone.country == "CN" and not phone.mobile):
        return "0"
    return ""


def fmt(phone: Phone, style: str) -> str:
    """Render `phone` in one of `STYLES`; each country has its own national conventions."""
    g = _groups(phone)
    c = phone.country
    trunk = _trunk(phone)
    if style == "e164":
        return phone.e164
    if style == "digits":
        return trunk + phone.nsn
    if style == "dialout":
        return f"{_DIALOUT[c]} {' '.join(g)}"
    if style == "intl":
        if c == "US":
            return f"+1 {g[0]}-{g[1]}-{g[2]}"
        if c == "BR":
            return f"+55 {g[0]} {g[1]}-{g[2]}"
        if c == "JP":
            return f"+81 {'-'.join(g)}"
        return f"+{phone.cc} {' '.join(g)}"
    if style == "national":
        if c == "US":
            return f"({g[0]}) {g[1]}-{g[2]}"
        if c == "BR":
            return f"({g[0]}) {g[1]}-{g[2]}"
        if c == "JP":
            return trunk + "-".join(g)
        return trunk + " ".join(g) if trunk else " ".join(g)
    if style == "alt":
        if c == "US":
            return f"{g[0]}-{g[1]}-{g[2]}"
        if c == "DE":
            return f"0{g[0]}/{g[1]}"
        if c == "GB":
            return f"+44 (0){' '.join(g)}"
        if c == "FR":
            return "0" + ".".join(g)
        if c == "JP":
            return f"+81 {' '.join(g)}"
        return f"+{phone.cc} {phone.nsn}"
    raise ValueError(style)


def style_table(weights: dict[str, float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """A {style: weight} table as (styles, cumulative weights), ready for `pick_style`."""
    total, cum = 0.0, []
    for w in weights.values():
        total += w
        cum.append(total)
    return tuple(weights), tuple(cum)


def pick_style(rng: random.Random, table: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
    """Draw a style from a `style_table` (deterministic for a seeded `rng`)."""
    return rng.choices(table[0], cum_weights=table[1])[0]

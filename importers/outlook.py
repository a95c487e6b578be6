"""Outlook CSV: the web export, the desktop export (`Title,First Name,…,E-mail Type,…`), Google's "Outlook CSV".

Outlook's `Title` is the honorific (Mr., Dr.) and `Job Title` the job; `Categories` are split on
`;`; `Business/Home/Other Street…Country/Region` columns become one labelled address each; the
`E-mail Type`/`E-mail Display Name` columns and Exchange-internal addresses (`/o=…`) are kept as
extras. Everything else is matched by column name (`csvio.classify`), which also understands the
common German and French translations (`Vorname`, `E-Mail-Adresse`, `Prénom` …).
"""
from __future__ import annotations

from pathlib import Path

from knowme.importers import Importer, ImportOptions, Sniff, register
from knowme.importers.csvio import Col, plan_columns, sniff_header
from knowme.importers.generic_csv import parse_with

from knowme.model import ImportResult

_PLACEHOLDERS = frozenset({"0/0/00", "0.0.00", "00.00.00", "00/00/00", "unspecified", "normal", "false"})


def _unless_placeholder(value: str) -> str:
    """The desktop export fills empty dates and flags with `0/0/00`, `Normal`, `False`: no data, dropped."""
    return "" if len(value) <= 11 and value.lower() in _PLACEHOLDERS else value


def _unless_smtp(value: str) -> str:
    """`SMTP` is every ordinary address's type; only the unusual ones (`EX`) are worth keeping."""
    return "" if value.upper() == "SMTP" else value


_BLANKED = Col("extra", convert=_unless_placeholder)
_EMAIL_TYPE = Col("extra", convert=_unless_smtp)
_OVERRIDES: dict[str, Col | None] = {
    "birthday": Col("birthday", convert=_unless_placeholder), "anniversary": _BLANKED, "gender": _BLANKED,
    "priority": _BLANKED, "sensitivity": _BLANKED, "private": _BLANKED, "e-mail type": _EMAIL_TYPE,
    "e-mail 2 type": _EMAIL_TYPE, "e-mail 3 type": _EMAIL_TYPE,
    "title": Col("prefix"), "anrede": Col("prefix"), "titre": Col("prefix"), "civilité": Col("prefix"),
    "job title": Col("title"), "position": Col("title"), "fonction": Col("title"),
    "categories": Col("categories", sep=";"), "kategorien": Col("categories", sep=";"),
    "catégories": Col("categories", sep=";"),
    "e-mail address": Col("email"), "e-mail 2 address": Col("email"), "e-mail 3 address": Col("email"),
    "imaddress": None, "web page": Col("url"), "personal web page": Col("url", label="home"),
    "location": None, "office location": None, "given yomi": Col("phonetic"), "surname yomi": Col("phonetic"),
    "company yomi": None, "display name": Col("formatted_name"),
    # Spanish Outlook's home phone ("Particular": private), a word no other column name reads as a phone
    "particular": Col("phone", label="home"), "particular 2": Col("phone", label="home"),
    "tratamiento": Col("prefix"), "sufijo": Col("suffix"),
    # the honorific in the Swedish, Italian and Brazilian exports
    "titel": Col("prefix"), "titolo": Col("prefix"), "tratamento": Col("prefix"),
}
# Columns only Outlook writes (in English and its translations); three or more of them make a file Outlook's.
_MARKS = frozenset({
    "e-mail address", "e-mail 2 address", "e-mail 3 address", "e-mail type", "e-mail display name",
    "mobile phone", "business phone", "business fax", "home fax", "company main phone",
    "business street", "business city", "business postal code", "business country/region",
    "home street", "home postal code", "home country/region", "other street",
    "assistant's phone", "categories", "tty/tdd phone", "radio phone", "callback", "telex", "isdn",
    "e-mail-adresse", "e-mail 2: adresse", "vorname", "nachname", "mobiltelefon", "telefon geschäftlich",
    "telefon privat", "straße geschäftlich", "ort geschäftlich", "postleitzahl geschäftlich",
    "adresse de messagerie", "téléphone mobile", "téléphone (bureau)", "rue (bureau)",
    "dirección de correo electrónico", "dirección de correo electrónico 2", "tipo de correo electrónico", "móvil",
    "teléfono del trabajo", "calle del trabajo", "ciudad de trabajo", "código postal del trabajo", "apellidos",
    "indirizzo posta elettronica", "indirizzo posta elettronica 2", "tipo posta elettronica",
    "endereço de email", "endereço de email 2", "tipo de email", "e-postadress", "e-posttyp", "e-post 2 adress",
})


def columns(header: list[str]) -> list[Col | None]:
    """Outlook's own meanings first, then the shared column-name heuristics; a birthday column under any
    name (German `Geburtstag`) drops the `0.0.00` placeholder."""
    return [Col("birthday", convert=_unless_placeholder) if c is not None and c.kind == "birthday" and not c.convert
            else c for c in plan_columns(header, _OVERRIDES)]


def detect(sniff: Sniff) -> int:
    """85 with three or more Outlook-only columns, 40 with one or two (still beats the generic 10)."""
    if sniff.is_dir:
        return 0
    keys = sniff_header(sniff.head)
    if not keys:
        return 0
    marks = sum(1 for k in keys if k in _MARKS)
    if marks >= 3:
        return 85
    return 40 if marks else 0


def parse(path: Path, options: ImportOptions) -> ImportResult:
    return parse_with(path, "outlook", options, columns)


register(Importer(name="outlook", label="Outlook CSV", detect=detect, parse=parse))

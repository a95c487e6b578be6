"""Serialise cards the way the real programs write them, and the truth file.

Each writer takes the cards of one file, already in file order, and streams them out:
- Google Contacts CSV (current format, UTF-8, LF, ` ::: ` multi-values, multi-line address)
- Outlook CSV (cp1252 with CRLF, lossy for characters cp1252 lacks, like Outlook itself)
- iPhone vCard 3.0 (Apple `itemN.` groups and `_$!<Label>!$_`, X-SOCIALPROFILE, CRLF, 75-octet folding)
- Android vCard 2.1 (every non-ASCII value quoted-printable with Android's own soft line breaks)
- LinkedIn Connections.csv (BOM, `Notes:` preamble, `15 Jan 2023` dates)
"""
from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable
from pathlib import Path

from _people import Person
from _records import Card
from _tables import COUNTRY

GOOGLE_HEAD = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
               "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
               "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels"]
GOOGLE_ADDRESS = ["Label", "Formatted", "Street", "City", "PO Box", "Region", "Postal Code", "Country",
                  "Extended Address"]
OUTLOOK_HEADER = [
    "First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "Given Yomi", "Surname Yomi",
    "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Home Phone", "Home Phone 2", "Business Phone",
    "Business Phone 2", "Mobile Phone", "Car Phone", "Other Phone", "Primary Phone", "Pager", "Business Fax",
    "Home Fax", "Other Fax", "Company Main Phone", "Callback", "Radio Phone", "Telex", "TTY/TDD Phone",
    "IMAddress", "Job Title", "Department", "Company", "Office Location", "Manager's Name", "Assistant's Name",
    "Assistant's Phone", "Company Yomi", "Business Street", "Business City", "Business State",
    "Business Postal Code", "Business Country/Region", "Home Street", "Home City", "Home State",
    "Home Postal Code", "Home Country/Region", "Other Street", "Other City", "Other State", "Other Postal Code",
    "Other Country/Region", "Personal Web Page", "Spouse", "Schools", "Hobby", "Location", "Web Page",
    "Birthday", "Anniversary", "Notes", "Categories",
]
LINKEDIN_PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    "You will only see email addresses for connections who have allowed their connections to see or download "
    "their email address using this setting https://www.linkedin.com/psettings/privacy/email. "
    'You can learn more here https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
LINKEDIN_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]

_GOOGLE_EMAIL_LABEL = {"home": "Home", "work": "Work", "other": "Other"}
_GOOGLE_PHONE_LABEL = {"cell": "Mobile", "home": "Home", "work": "Work"}
_IOS_VERSIONS = ("iPhone OS 16.6", "iPhone OS 17.5.1", "iPhone OS 18.1")
_ISO_BY_COUNTRY = {name: iso.lower() for name, iso, _ in COUNTRY.values()}


def full_name(card: Card) -> str:
    """The display name a phone composes from the name parts (native CJK: family name first)."""
    if card.family_first is not None:
        return card.family_first.join(x for x in (card.family, card.given) if x)
    return " ".join(x for x in (card.prefix, card.given, card.middle, card.family, card.suffix) if x)


def _grouped(values: list[tuple[str, str]], labels: dict[str, str]) -> list[tuple[str, str]]:
    """Google packs values with the same label into one cell, joined by ' ::: '."""
    groups: dict[str, list[str]] = {}
    for value, label in values:
        groups.setdefault(labels[label], []).append(value)
    out = [(label, " ::: ".join(vals)) for label, vals in groups.items()]
    if out:  # the primary value's label is starred
        out[0] = ("* " + out[0][0], out[0][1])
    return out


# -- Google ---------------------------------------------------------------------------------------
def _address_lines(address: tuple[str, str, str, str, str, str]) -> str:
    _, street, city, region, postcode, country = address
    if country in ("United States",):
        return f"{street}\n{city}, {region} {postcode}\n{country}"
    if country in ("United Kingdom", "Japan", "China"):
        return f"{street}\n{city}\n{region}\n{postcode}\n{country}"
    return f"{street}\n{postcode} {city}\n{country}"


def write_google(path: Path, cards: list[Card]) -> None:
    """Google Contacts' current CSV export: UTF-8 without BOM, LF line ends."""
    n_email = max([2] + [len(_grouped(c.emails, _GOOGLE_EMAIL_LABEL)) for c in cards])
    n_phone = max([2] + [len(_grouped(c.phones, _GOOGLE_PHONE_LABEL)) for c in cards])
    header = list(GOOGLE_HEAD)
    for k in range(1, n_email + 1):
        header += [f"E-mail {k} - Label", f"E-mail {k} - Value"]
    for k in range(1, n_phone + 1):
        header += [f"Phone {k} - Label", f"Phone {k} - Value"]
    header += [f"Address 1 - {name}" for name in GOOGLE_ADDRESS]
    header += ["Website 1 - Label", "Website 1 - Value"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        for c in cards:
            labels = [*c.labels, "* myContacts"] + (["* starred"] if c.starred else [])
            row = [c.given, c.middle, c.family, c.given_phonetic, "", c.family_phonetic, c.prefix, c.suffix,
                   c.nickname, c.file_as, c.org, c.title, c.dept, c.birthday, c.note, "", " ::: ".join(labels)]
            for groups, n in ((_grouped(c.emails, _GOOGLE_EMAIL_LABEL), n_email),
                              (_grouped(c.phones, _GOOGLE_PHONE_LABEL), n_phone)):
                for label, value in groups:
                    row += [label, value]
                row += ["", ""] * (n - len(groups))
            if c.address:
                label, street, city, region, postcode, country = c.address
                row += [label.title(), _address_lines(c.address), street, city, "", region, postcode, country, ""]
            else:
                row += [""] * len(GOOGLE_ADDRESS)
            row += ["Profile", c.url] if c.url else ["", ""]
            out.writerow(row)


# -- Outlook --------------------------------------------------------------------------------------
def _cp1252_safe(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _outlook_birthday(iso: str) -> str:
    if iso.startswith("--"):
        return ""
    year, month, day = iso.split("-")
    return f"{int(month)}/{int(day)}/{year}"


def write_outlook(path: Path, cards: list[Card]) -> None:
    """Outlook's CSV export: cp1252, CRLF; characters cp1252 lacks become '?' as Outlook writes them."""
    col = {name: i for i, name in enumerate(OUTLOOK_HEADER)}
    with path.open("w", encoding="cp1252", errors="replace", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(OUTLOOK_HEADER)
        for c in cards:
            row = [""] * len(OUTLOOK_HEADER)
            row[col["First Name"]], row[col["Middle Name"]], row[col["Last Name"]] = c.given, c.middle, c.family
            row[col["Title"]], row[col["Suffix"]], row[col["Nickname"]] = c.prefix, c.suffix, c.nickname
            if not _cp1252_safe(c.given + c.middle + c.family + c.nickname):
                c.trap("cp1252-lossy")
            for k, (address, _) in enumerate(c.emails[:3]):
                row[col[("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")[k]]] = address
            slots = {"cell": ["Mobile Phone", "Other Phone"], "home": ["Home Phone", "Home Phone 2"],
                     "work": ["Business Phone", "Business Phone 2"]}
            for number, label in c.phones:
                if slots[label]:
                    row[col[slots[label].pop(0)]] = number
            if _cp1252_safe(c.org + c.title):  # a company name Outlook could not store is left out
                row[col["Company"]], row[col["Job Title"]], row[col["Department"]] = c.org, c.title, c.dept
            if c.address:
                kind = "Business" if c.address[0] == "work" else "Home"
                for name, value in zip(("Street", "City", "State", "Postal Code", "Country/Region"), c.address[1:]):
                    row[col[f"{kind} {name}"]] = value
            row[col["Web Page"]] = c.url
            row[col["Spouse"]] = c.spouse
            row[col["Birthday"]] = _outlook_birthday(c.birthday) if c.birthday else ""
            row[col["Notes"]] = c.note
            row[col["Categories"]] = ";".join(c.labels)
            out.writerow(row)


# -- vCard helpers ------------------------------------------------------------------------------------
def _esc3(text: str) -> str:
    """vCard 3.0 text escaping (RFC 2426)."""
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets (CRLF + space), never inside a UTF-8 character."""
    if len(line) <= limit and (line.isascii() or len(line.encode("utf-8")) <= limit):
        return line
    pieces, current, size = [], [], 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 1, 75  # continuation lines start with one space
        current.append(ch)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def qp_android(text: str) -> str:
    """Quoted-printable exactly as Android's VCardBuilder writes it: every byte as =XX, and a
    soft line break ('=' CRLF) after each 23 bytes, even at the very end of the value."""
    out: list[str] = []
    count = 0
    for byte in text.encode("utf-8"):
        out.append(f"={byte:02X}")
        count += 3
        if count >= 67:
            out.append("=\r\n")
            count = 0
    return "".join(out)


# -- iPhone ---------------------------------------------------------------------------------------------
def _ios_card(c: Card, prodid: str, rng: random.Random) -> list[str]:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"PRODID:-//Apple Inc.//{prodid}//EN"]
    item = 0

    def group() -> str:
        nonlocal item
        item += 1
        return f"item{item}."

    lines.append("N:" + ";".join(_esc3(x) for x in (c.family, c.given, c.middle, c.prefix, c.suffix)))
    fn = c.org if c.company_card else full_name(c)
    lines.append("FN:" + _esc3(fn))
    if c.nickname:
        lines.append("NICKNAME:" + _esc3(c.nickname))
    if c.given_phonetic:
        lines.append("X-PHONETIC-FIRST-NAME:" + _esc3(c.given_phonetic))
    if c.family_phonetic:
        lines.append("X-PHONETIC-LAST-NAME:" + _esc3(c.family_phonetic))
    if c.org:
        lines.append(f"ORG:{_esc3(c.org)};{_esc3(c.dept)}")
    if c.title:
        lines.append("TITLE:" + _esc3(c.title))
    for k, (address, label) in enumerate(c.emails):
        pref = ";type=pref" if k == 0 else ""
        if label == "other" or (label == "work" and rng.random() < 0.3):
            g = group()
            kind = ";type=WORK" if label == "work" else ""
            lines.append(f"{g}EMAIL;type=INTERNET{kind}{pref}:{address}")
            tag = {"work": "_$!<Work>!$_", "other": rng.choice(("_$!<Other>!$_", "iCloud", "School"))}[label]
            lines.append(f"{g}X-ABLabel:{tag}")
        else:
            lines.append(f"EMAIL;type=INTERNET;type={label.upper()}{pref}:{address}")
    for k, (number, label) in enumerate(c.phones):
        pref = ";type=pref" if k == 0 else ""
        if label == "cell":
            kind = "type=IPHONE;type=CELL" if rng.random() < 0.2 else "type=CELL"
            lines.append(f"TEL;{kind};type=VOICE{pref}:{number}")
        elif label == "work" and c.company_card:
            g = group()
            lines.append(f"{g}TEL{pref}:{number}")
            lines.append(f"{g}X-ABLabel:_$!<Main>!$_")
        else:
            lines.append(f"TEL;type={label.upper()};type=VOICE{pref}:{number}")
    if c.address:
        label, street, city, region, postcode, country = c.address
        g = group()
        adr = ";".join(_esc3(x) for x in ("", "", street, city, region, postcode, country))
        lines.append(f"{g}ADR;type={label.upper()};type=pref:{adr}")
        lines.append(f"{g}X-ABADR:{_ISO_BY_COUNTRY.get(country, 'us')}")
    if c.note:
        lines.append("NOTE:" + _esc3(c.note))
    if c.url:
        lines.append(f"X-SOCIALPROFILE;type=linkedin:{c.url}")
    if c.birthday:
        if c.birthday.startswith("--"):
            lines.append(f"BDAY;X-APPLE-OMIT-YEAR=1604;value=date:1604{c.birthday[1:]}")
        else:
            lines.append(f"BDAY;value=date:{c.birthday}")
    if c.spouse:
        g = group()
        lines.append(f"{g}X-ABRELATEDNAMES;type=pref:{_esc3(c.spouse)}")
        lines.append(f"{g}X-ABLabel:_$!<Spouse>!$_")
    if c.company_card:
        lines.append("X-ABShowAs:COMPANY")
    lines.append("END:VCARD")
    return lines


def write_iphone(path: Path, cards: list[Card], rng: random.Random) -> None:
    """An iPhone/iCloud vCard 3.0 export: CRLF, UTF-8, one PRODID per export."""
    prodid = rng.choice(_IOS_VERSIONS)
    with path.open("w", encoding="utf-8", newline="") as fh:
        for c in cards:
            fh.write("".join(fold(line) + "\r\n" for line in _ios_card(c, prodid, rng)))


# -- Android ------------------------------------------------------------------------------------------
_QP = ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE"


def _prop21(name: str, *components: str) -> str:
    """One vCard 2.1 property; quoted-printable (per component) when any component is not ASCII."""
    if all(x.isascii() for x in components):
        return f"{name}:" + ";".join(x.replace(";", "\\;") for x in components)
    return f"{name}{_QP}:" + ";".join(qp_android(x) for x in components)


def _android_custom(mime: str, *data: str) -> str:
    fields = list(data) + [""] * (15 - len(data))
    return _prop21("X-ANDROID-CUSTOM", f"vnd.android.cursor.item/{mime}", *fields)


def _android_card(c: Card) -> list[str]:
    lines = ["BEGIN:VCARD", "VERSION:2.1",
             _prop21("N", c.family, c.given, c.middle, c.prefix, c.suffix),
             _prop21("FN", full_name(c))]
    if c.given_phonetic:
        lines.append(_prop21("X-PHONETIC-FIRST-NAME", c.given_phonetic))
    if c.family_phonetic:
        lines.append(_prop21("X-PHONETIC-LAST-NAME", c.family_phonetic))
    if c.nickname:
        lines.append(_android_custom("nickname", c.nickname, "1"))
    for number, label in c.phones:
        lines.append(f"TEL;{label.upper()}:{number}")
    for address, label in c.emails:
        lines.append(f"EMAIL;{label.upper()}:{address}" if label != "other" else f"EMAIL:{address}")
    if c.address:
        label, street, city, region, postcode, country = c.address
        lines.append(_prop21(f"ADR;{label.upper()}", "", "", street, city, region, postcode, country))
    if c.org:
        lines.append(_prop21("ORG", c.org) if not c.dept else _prop21("ORG", c.org, c.dept))
    if c.title:
        lines.append(_prop21("TITLE", c.title))
    if c.url:
        lines.append(f"URL:{c.url}")
    if c.note:
        lines.append(_prop21("NOTE", c.note))
    if c.birthday and not c.birthday.startswith("--"):
        lines.append(f"BDAY:{c.birthday}")
    if c.spouse:
        lines.append(_android_custom("relation", c.spouse, "14"))
    lines.append("END:VCARD")
    return lines


def write_android(path: Path, cards: list[Card]) -> None:
    """Android's contacts export (vCard 2.1, CRLF)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        for c in cards:
            fh.write("".join(line + "\r\n" for line in _android_card(c)))


# -- LinkedIn -------------------------------------------------------------------------------------------
def write_linkedin(path: Path, cards: list[Card]) -> None:
    """LinkedIn's data-export Connections.csv: BOM, three preamble lines, LF."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(LINKEDIN_PREAMBLE)
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(LINKEDIN_HEADER)
        for c in cards:
            email = c.emails[0][0] if c.emails else ""
            out.writerow([c.given, c.family, c.url, email, c.org, c.title, c.connected])


# -- truth ------------------------------------------------------------------------------------------------
def write_truth(path: Path, people: list[Person], records: list[list[tuple[str, int]]],
                traps: list[list[str]], mail: list[list[str]]) -> None:
    """truth.json: one person per line, in person order; records sorted by file then index."""
    def entries() -> Iterable[str]:
        for p in people:
            item: dict[str, object] = {
                "person": p.pid, "name": p.display_name(), "role": p.role,
                "records": [{"source": s, "index": i} for s, i in records[p.index]],
            }
            if mail[p.index]:
                item["mail"] = mail[p.index]
            if traps[p.index]:
                item["traps"] = traps[p.index]
            if p.partner >= 0:
                item["household_with"] = f"P{p.partner + 1:04d}"
            if p.namesake >= 0:
                item["namesake_of"] = f"P{p.namesake + 1:04d}"
            yield json.dumps(item, ensure_ascii=False)

    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("[\n")
        first = True
        for line in entries():
            fh.write(line if first else ",\n" + line)
            first = False
        fh.write("\n]\n")


"""Writers of the safe-to-sync file: LinkedIn (Outlook-style CSV), Google Contacts CSV, vCard 3.0.

All three hold only what `safe.plan_safe` decided: names, email addresses, company and title.
Each re-imports through our own importers with the same names and addresses (tests prove it).
"""
from __future__ import annotations

from typing import TextIO

from knowme.exports.files import write_csv
from knowme.exports.registry import Exporter, register
from knowme.exports.safe import ContactRow

LINKEDIN_HEADER = ("First Name", "Last Name", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Company",
                   "Job Title")

GOOGLE_HEADER = ("First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
                 "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
                 "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels")


def _first_name(row: ContactRow) -> str:
    return " ".join(p for p in (row.given, row.middle) if p)


def write_linkedin_csv(fh: TextIO, rows: list[ContactRow]) -> None:
    """Outlook-style columns, the safest upload format; more than three addresses take extra rows."""
    def lines() -> list[list[str]]:
        out = []
        for row in rows:
            for start in range(0, len(row.emails), 3):
                emails = list(row.emails[start:start + 3]) + [""] * 3
                out.append([_first_name(row), row.family, *emails[:3], row.org, row.title])
        return out
    write_csv(fh, LINKEDIN_HEADER, lines())


def write_google_csv(fh: TextIO, rows: list[ContactRow]) -> None:
    """The current Google Contacts header, with as many `E-mail n` column pairs as the longest row needs."""
    width = max((len(r.emails) for r in rows), default=1) or 1
    header = list(GOOGLE_HEADER)
    for n in range(1, width + 1):
        header += [f"E-mail {n} - Label", f"E-mail {n} - Value"]
    body = []
    for row in rows:
        cells = [row.given, row.middle, row.family, "", "", "", row.prefix, row.suffix, "", "", row.org, row.title,
                 "", "", "", "", "* myContacts"]
        for n in range(width):
            cells += ["", row.emails[n]] if n < len(row.emails) else ["", ""]
        body.append(cells)
    write_csv(fh, header, body)


# every character `str.splitlines` ends a line at, besides CR and LF: a reader splitting a file so read
# "ORG:Acme\u2028EMAIL:someone@x.com" as a second address, one nobody decided on
_OTHER_LINE_ENDS = str.maketrans({c: "\\n" for c in "\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def vcard_escape(value: str) -> str:
    """RFC 2426 text escaping: backslash, comma, semicolon, and line breaks (any `str.splitlines`
    knows) as \\n."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n").translate(_OTHER_LINE_ENDS)


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets (CRLF + space), never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def write_vcard(fh: TextIO, rows: list[ContactRow]) -> None:
    """vCard 3.0, as Apple, Google and Outlook import it (N and FN always present, CRLF line ends)."""
    for row in rows:
        name = [row.family, row.given, row.middle, row.prefix, row.suffix]
        fn = row.display_name or " ".join(p for p in (row.given, row.family) if p) or row.emails[0]
        lines = ["BEGIN:VCARD", "VERSION:3.0", "N:" + ";".join(vcard_escape(p) for p in name),
                 "FN:" + vcard_escape(fn)]
        if row.org:
            lines.append("ORG:" + vcard_escape(row.org))
        if row.title:
            lines.append("TITLE:" + vcard_escape(row.title))
        for n, email in enumerate(row.emails):
            lines.append(f"EMAIL;TYPE=INTERNET{',PREF' if n == 0 else ''}:" + vcard_escape(email))
        lines.append("END:VCARD")
        fh.write("".join(fold_line(line) + "\r\n" for line in lines))


register(Exporter("linkedin-csv", "safe", "LinkedIn upload (Outlook-style CSV)", ".csv", write_linkedin_csv))
register(Exporter("google-csv", "safe", "Google Contacts CSV", ".csv", write_google_csv))
register(Exporter("vcard", "safe", "vCard 3.0", ".vcf", write_vcard))

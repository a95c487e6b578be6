"""Plain typed data shared by every layer: what an importer yields and what the core stores.

This module imports nothing of ours, so importers can depend on it alone.
A `Record` is one card or one data row exactly as its source had it (plus provenance);
normalised matching keys are computed by the core (`knowme.normalize`), never stored in
place of the original text.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Decision(str, Enum):
    """What the user decided for a person."""

    KNOWS_ME = "knows-me"
    PERSONALIZE = "personalize"
    EXCLUDE = "exclude"
    UNDECIDED = "undecided"

    @property
    def strictness(self) -> int:
        """When two people merge, the stricter decision wins (exclude beats everything)."""
        return _STRICTNESS[self]

    @classmethod
    def parse(cls, text: str) -> Decision:
        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        aliases = {"knows": cls.KNOWS_ME, "k": cls.KNOWS_ME, "p": cls.PERSONALIZE, "x": cls.EXCLUDE,
                   "u": cls.UNDECIDED, "personalise": cls.PERSONALIZE}
        if key in aliases:
            return aliases[key]
        return cls(key)


_STRICTNESS = {Decision.UNDECIDED: 0, Decision.KNOWS_ME: 1, Decision.PERSONALIZE: 2, Decision.EXCLUDE: 3}


@dataclass(slots=True)
class Labeled:
    """A value with the label its source gave it (`work`, `home`, `cell`, `_$!<Mobile>!$_` decoded, ...)."""

    value: str
    label: str = ""


@dataclass(slots=True)
class MailSignal:
    """What the mail exchanged with one address says (filled by the mail importer only)."""

    sent: int = 0
    received: int = 0
    two_way_threads: int = 0
    first: str | None = None  # ISO date YYYY-MM-DD
    last: str | None = None
    bulk: int = 0  # messages from this address that were bulk/machine mail
    crowd: int = 0  # messages where this address was one of very many recipients


@dataclass(slots=True)
class Record:
    """One contact as one source holds it.

    Provenance: `source` is the file name, `index` the 1-based card or data-row number
    in that file, `line` the 1-based line where it starts (for messages), `uid` the vCard UID.
    `extras` keeps every property or column we do not model, as (name, value) in source order,
    so nothing imported is ever lost.
    """

    source: str = ""
    index: int = 0
    line: int = 0
    uid: str | None = None
    formatted_name: str = ""
    prefix: str = ""
    given: str = ""
    middle: str = ""
    family: str = ""
    suffix: str = ""
    nickname: str = ""
    phonetic: str = ""
    org: str = ""
    department: str = ""
    title: str = ""
    emails: list[Labeled] = field(default_factory=list)
    phones: list[Labeled] = field(default_factory=list)
    addresses: list[Labeled] = field(default_factory=list)
    urls: list[Labeled] = field(default_factory=list)
    birthday: str = ""
    categories: list[str] = field(default_factory=list)
    note: str = ""
    connected_on: str | None = None  # set by LinkedIn Connections.csv: already a connection
    signal: MailSignal | None = None
    extras: list[tuple[str, str]] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        """The name a person would read: FN, else the structured parts, else nickname/org/email."""
        if self.formatted_name.strip():
            return self.formatted_name.strip()
        parts = " ".join(p for p in (self.prefix, self.given, self.middle, self.family, self.suffix) if p.strip())
        if parts.strip():
            return parts.strip()
        for fallback in (self.nickname, self.org):
            if fallback.strip():
                return fallback.strip()
        return self.emails[0].value if self.emails else (self.phones[0].value if self.phones else "")

    @property
    def linkedin_urls(self) -> list[str]:
        return [u.value for u in self.urls if "linkedin.com/" in u.value.lower()]

    @property
    def is_empty(self) -> bool:
        """True when the record holds nothing that identifies anybody."""
        return not (self.display_name or self.emails or self.phones or self.urls)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["extras"] = [list(x) for x in self.extras]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        d = dict(data)
        for key in ("emails", "phones", "addresses", "urls"):
            d[key] = [Labeled(**v) for v in d.get(key, [])]
        d["extras"] = [tuple(x) for x in d.get("extras", [])]
        if d.get("signal") is not None:
            d["signal"] = MailSignal(**d["signal"])
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(slots=True)
class Problem:
    """Something in an input file we could not use; shown as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass(slots=True)
class ImportResult:
    """What one importer made of one input: the records, and the problems it skipped past."""

    format: str
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    me: list[str] = field(default_factory=list)  # mail only: the addresses taken to be the user's


class NotAnAddressBook(Exception):
    """The input is not something this importer (or any) can read: nothing is imported from it."""

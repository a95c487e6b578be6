"""Plain typed data shared by every layer: what an importer yields and what the core stores.

This module imports nothing of ours, so importers can depend on it alone.
A `Record` is one card or one data row exactly as its source had it (plus provenance);
normalised matching keys are computed by the core (`knowme.normalize`), never stored in
place of the original text.
"""
from __future__ import annotations

from collections.abc import Iterable
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
        """A JSON-ready dict of every field (hand-written: `asdict` is 10x slower on 100k records)."""
        data = {name: getattr(self, name) for name in SCALAR_FIELDS}
        for name in ("emails", "phones", "addresses", "urls"):
            data[name] = [{"value": v.value, "label": v.label} for v in getattr(self, name)]
        data["categories"] = list(self.categories)
        data["signal"] = asdict(self.signal) if self.signal is not None else None
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


SCALAR_FIELDS = tuple(name for name, f in Record.__dataclass_fields__.items()
                       if name not in {"emails", "phones", "addresses", "urls", "categories", "signal", "extras"})


@dataclass(slots=True)
class Problem:
    """Something in an input file we could not use; shown as `file:line: message`."""

    file: str
    line: int
    message: str
    # the input may hold more than was read (cut short, or the reading cancelled): it must not
    # replace an earlier import of the same address book, whose cards it would drop or overwrite
    incomplete: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass(slots=True)
class ImportResult:
    """What one importer made of one input: the records, and the problems it skipped past."""

    format: str
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    me: list[str] = field(default_factory=list)  # mail only: the addresses taken to be the user's
    # how the input was read, for `knowme doctor`: CSV gives encoding, delimiter, header_line, columns
    # (each header with the field it fills, "extra" when kept as it is)
    reading: dict[str, Any] = field(default_factory=dict)


class NotAnAddressBook(Exception):
    """The input is not something this importer (or any) can read: nothing is imported from it."""


def _misspelt(name: str, names: list[str]) -> bool:
    """Whether `name` is one letter off (added, dropped or changed) a name that more of `names` give."""
    if len(names) < 3:  # a typo outvoted needs at least two records against one
        return False
    from rapidfuzz.distance import Levenshtein  # merged people only: not on the review UI's start

    mine = names.count(name)
    return any(other != name and names.count(other) > mine and Levenshtein.distance(name, other, score_cutoff=1) == 1
               for other in set(names))


def first_name_of(given: str, name: str) -> str:
    """The first name to greet someone by: the first word of the (stripped) given name, else read
    from the display name ("Lee, Ann" and "Ann Lee" give Ann; an email address gives nothing).

    One rule for a person (`Person.first_name`) and for the one-record summary the store writes on import.
    """
    if given:
        return given.split(" ")[0]
    if "," in name:
        return name.split(",", 1)[1].strip().split(" ")[0]
    return name.split(" ")[0] if name and "@" not in name else ""


def last_name_of(family: str, name: str) -> str:
    """The surname: the (stripped) family name, else read from the display name as `first_name_of` does."""
    if family:
        return family
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split(" ")
    return parts[-1] if len(parts) > 1 and "@" not in name else ""


def emails_of(records: Iterable[Record]) -> list[str]:
    """Every email of these records, trimmed, without `mailto:` or `<>`, lower-cased, first seen first."""
    seen: dict[str, None] = {}
    for record in records:
        for labeled in record.emails:
            value = labeled.value.strip().removeprefix("mailto:").strip("<> ").lower()
            if "@" in value:
                seen.setdefault(value, None)
    return list(seen)


@dataclass(slots=True)
class Person:
    """One human as the user sees them: the records merged into them, and what the user decided.

    `how`, `context`, `why` and `draft` feed the personal note; `sent_on`/`accepted_on` track
    an outreach request once it went out.
    """

    id: int
    decision: Decision = Decision.UNDECIDED
    records: list[Record] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)
    note: str = ""
    how: str = ""
    context: str = ""
    why: str = ""
    draft: str = ""
    priority: int = 0
    sent_on: str | None = None
    accepted_on: str | None = None
    suggestion: str | None = None
    suggestion_reason: str = ""

    @property
    def display_name(self) -> str:
        """The fullest structured name any record gives, else the first display name; but not a
        misspelling of a name more of their records give ("Keevin Oliver" beside three "Kevin Oliver")."""
        record = self.named_by
        return record.display_name if record is not None else ""

    @property
    def named_by(self) -> Record | None:
        """The record whose name is the person's `display_name` (None without records).

        A list shows that name and sorts by `sort_names`, read from this same record: a person merged
        from cards of different names (Bob Baker's and Carol Chen's) is listed as one of them and
        sorted by that one, never shown as Carol Chen among the B's.
        """
        names = [record.display_name for record in self.records]
        best, chosen = "", None
        for record, name in zip(self.records, names, strict=True):
            if "@" in name and best:
                continue
            if not best or "@" in best or (len(name) > len(best) and (record.given or record.family)
                                           and not _misspelt(name, names)):
                best, chosen = name, record
        return chosen

    @property
    def sort_names(self) -> tuple[str, str]:
        """(surname, first name) a list sorts the person by: those of the record that gives their
        `display_name`, by the rule a one-record person's summary uses (`last_name_of`, `first_name_of`).
        Not `last_name`/`first_name`, which count every card (a greeting's rule): they may be another
        card's than the name shown."""
        record = self.named_by
        if record is None:
            return "", ""
        name = record.display_name
        return last_name_of(record.family.strip(), name), first_name_of(record.given.strip(), name)

    @property
    def first_name(self) -> str:
        """The first name their cards give most often: a note greets them by it, and one card's typo
        ("Cleb" beside three "Caleb") is not their name."""
        return first_name_of(self._most_given("given"), self.display_name)

    @property
    def last_name(self) -> str:
        return last_name_of(self._most_given("family"), self.display_name)

    def _most_given(self, attr: str) -> str:
        """The value of a name field the most records give (the first record's of those tied)."""
        counts: dict[str, int] = {}
        for record in self.records:
            value = getattr(record, attr).strip()
            if value:
                counts[value] = counts.get(value, 0) + 1
        return max(counts, key=counts.__getitem__) if counts else ""

    @property
    def emails(self) -> list[str]:
        """Every email of every record, trimmed and lower-cased, first seen first."""
        return emails_of(self.records)

    @property
    def phones(self) -> list[str]:
        seen: dict[str, None] = {}
        for record in self.records:
            for labeled in record.phones:
                if labeled.value.strip():
                    seen.setdefault(labeled.value.strip(), None)
        return list(seen)

    def _first(self, attr: str) -> str:
        for record in self.records:
            value = getattr(record, attr).strip()
            if value:
                return value
        return ""

    @property
    def org(self) -> str:
        return self._first("org")

    @property
    def title(self) -> str:
        return self._first("title")

    @property
    def linkedin_url(self) -> str:
        for record in self.records:
            if record.linkedin_urls:
                return record.linkedin_urls[0]
        return ""

    @property
    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for record in self.records:
            for category in record.categories:
                seen.setdefault(category, None)
        return list(seen)

    @property
    def connected(self) -> bool:
        """Already a connection (a LinkedIn Connections.csv holds them)."""
        return any(record.connected_on is not None for record in self.records)

    @property
    def signals(self) -> MailSignal:
        """The mail exchanged with this person, summed over their addresses."""
        total = MailSignal()
        for record in self.records:
            sig = record.signal
            if sig is None:
                continue
            total.sent += sig.sent
            total.received += sig.received
            total.two_way_threads += sig.two_way_threads
            total.bulk += sig.bulk
            total.crowd += sig.crowd
            if sig.first and (total.first is None or sig.first < total.first):
                total.first = sig.first
            if sig.last and (total.last is None or sig.last > total.last):
                total.last = sig.last
        return total

    @property
    def sources(self) -> list[str]:
        seen: dict[str, None] = {}
        for record in self.records:
            seen.setdefault(record.source, None)
        return list(seen)

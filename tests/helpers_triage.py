"""Builders for triage/export tests: records and workspaces made directly, without importers."""
from __future__ import annotations

import hashlib
from pathlib import Path

from knowme.importing import store_records
from knowme.model import Labeled, MailSignal, Record
from knowme.store.core import ImportOutcome, ReplaceMode, Store


def rec(given: str = "", family: str = "", emails: tuple[str, ...] | list[str] = (), *, fn: str = "",
        phones: tuple[str, ...] = (), org: str = "", title: str = "", categories: tuple[str, ...] = (),
        connected_on: str | None = None, urls: tuple[str, ...] = (), signal: MailSignal | None = None,
        uid: str | None = None, index: int = 0) -> Record:
    return Record(index=index, uid=uid, formatted_name=fn, given=given, family=family, org=org, title=title,
                  emails=[Labeled(e) for e in emails], phones=[Labeled(p) for p in phones],
                  urls=[Labeled(u) for u in urls], categories=list(categories), connected_on=connected_on,
                  signal=signal)


def add(store: Store, records: list[Record], name: str = "book.vcf", fmt: str = "vcard",
        sha: str | None = None, mode: ReplaceMode = "auto") -> ImportOutcome:
    """Store records as one import of a source called `name` (indexes numbered 1..n when unset);
    `mode` "replace" lets a newer version drop people decided on (`Store.store_import`)."""
    for n, record in enumerate(records, 1):
        record.index = record.index or n
    digest = sha or hashlib.sha256(repr([r.to_dict() for r in records]).encode()).hexdigest()
    return store_records(store, Path(name), fmt, records, [], digest, "US", mode=mode)


def pid(store: Store, email: str) -> int:
    """The person holding an email (exactly one)."""
    from knowme.triage import resolve_one

    return resolve_one(store, email)


def decision(store: Store, person_id: int) -> str:
    return store.conn.execute("SELECT decision FROM people WHERE id=?", (person_id,)).fetchone()[0]

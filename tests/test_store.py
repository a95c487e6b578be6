"""The workspace: private, versioned, transactional, and it keeps decisions across newer exports."""
from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from knowme.importing import store_records
from knowme.model import Decision, Labeled, Person, Record
from knowme.store.core import SCHEMA_VERSION, ReplaceMode, ReplaceRefused, Store, WorkspaceError
from knowme.triage import find_people, mark


def rec(index: int, given: str, family: str, email: str = "", phone: str = "", uid: str | None = None,
        **extra: object) -> Record:
    return Record(index=index, line=index + 1, uid=uid, given=given, family=family,
                  formatted_name=f"{given} {family}".strip(),
                  emails=[Labeled(email, "home")] if email else [], phones=[Labeled(phone, "cell")] if phone else [],
                  **extra)  # type: ignore[arg-type]


def put(store: Store, name: str, records: list[Record], sha: str, mode: ReplaceMode = "auto") -> object:
    return store_records(store, Path(name), "vcard", records, [], sha, "US", mode=mode)


def test_workspace_is_private_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "w.db"
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_version_1_workspace_is_migrated_with_its_data(tmp_path: Path) -> None:
    from knowme.store.core import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO settings(key, value) VALUES ('me', '[\"me@example.com\"]')")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.setting("me", []) == ["me@example.com"]
        plan = " ".join(str(r) for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM pairs WHERE b=1").fetchall())
        assert "pairs_b" in plan


def test_not_a_workspace_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.db"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(WorkspaceError, match="not a knowme workspace"):
        Store.open(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(WorkspaceError, match="newer knowme"):
        Store.open(path)


def test_import_keeps_every_field(store: Store) -> None:
    original = rec(1, "Ana", "Lima", "ana@example.com", "(415) 555-0134", uid="u-1", note="met in Lisbon",
                   extras=[("X-CUSTOM", "keep me"), ("item1.X-ABLabel", "_$!<Work>!$_")])
    put(store, "a.vcf", [original], "sha1")
    person = store.person(find_people(store, "ana@example.com")[0])
    assert person is not None
    stored = person.records[0]
    assert stored.extras == [("X-CUSTOM", "keep me"), ("item1.X-ABLabel", "_$!<Work>!$_")]
    assert stored.note == "met in Lisbon" and stored.phones[0].value == "(415) 555-0134"
    assert store.record_meta(person.id) == [{"source": "a.vcf", "index": 1, "uid": "u-1"}]


def test_every_sample_record_is_stored_losslessly_and_summarised_as_the_general_rule_says() -> None:
    from knowme.importers import ImportOptions

    from knowme import importers
    from knowme.model import Person
    from knowme.store.core import record_json, summarise_merged, summarise_record

    sample = Path(__file__).resolve().parents[1] / "sample_data"
    checked = 0
    for path in sorted(sample.glob("*.vcf")) + sorted(sample.glob("*.csv")):
        for record in importers.parse(path, "auto", ImportOptions()).records:
            record.source = path.name
            assert Record.from_dict(json.loads(record_json(record))) == record
            assert summarise_record(record) == summarise_merged(Person(0, records=[record])), record.display_name
            checked += 1
    assert checked > 500


def test_same_file_again_is_a_no_op(store: Store) -> None:
    put(store, "a.vcf", [rec(1, "Ana", "Lima", "ana@example.com")], "sha1")
    outcome = put(store, "a.vcf", [rec(1, "Ana", "Lima", "ana@example.com")], "sha1")
    assert outcome.unchanged  # type: ignore[attr-defined]
    assert store.counts()["records"] == 1


def test_newer_export_keeps_decisions_and_notes(store: Store) -> None:
    put(store, "a.vcf", [rec(1, "Ana", "Lima", "ana@example.com"), rec(2, "Bob", "Stone", "bob@example.com"),
                         rec(3, "Cy", "Twombly", phone="415 555 0101")], "sha1")
    ana, bob, cy = (find_people(store, q)[0] for q in ("ana@example.com", "bob@example.com", "Cy Twombly"))
    mark(store, [ana], Decision.KNOWS_ME, note="school friend")
    mark(store, [bob], Decision.EXCLUDE)
    mark(store, [cy], Decision.PERSONALIZE)
    # the newer export: reordered, Ana renamed, Cy's name typo fixed but same phone, a new person
    outcome = put(store, "a.vcf", [rec(1, "Dee", "Ng", "dee@example.com"), rec(2, "Bob", "Stone", "bob@example.com"),
                                   rec(3, "Ana", "Lima-Souza", "ana@example.com"),
                                   rec(4, "Cy", "Twombley", phone="+1 415-555-0101")], "sha2")
    assert outcome.replaced and outcome.kept == 3 and outcome.new_people == 1  # type: ignore[attr-defined]
    decisions = store.counts()["decisions"]
    assert decisions == {"knows-me": 1, "personalize": 1, "exclude": 1, "undecided": 1}
    person = store.person(find_people(store, "ana@example.com")[0])
    assert person is not None and person.note == "school friend" and person.display_name == "Ana Lima-Souza"


def test_excluded_address_stays_blocked_after_it_vanishes(store: Store) -> None:
    put(store, "a.vcf", [rec(1, "Bob", "Stone", "bob@example.com", "415 555 0199"),
                         rec(2, "Ana", "Lima", "ana@example.com"), rec(3, "Cy", "Ng", "cy@example.com")], "sha1")
    mark(store, find_people(store, "bob@example.com"), Decision.EXCLUDE)
    newer = [rec(1, "Ana", "Lima", "ana@example.com"), rec(2, "Cy", "Ng", "cy@example.com")]  # Bob gone from the source
    with pytest.raises(ReplaceRefused, match="remove 1 person you decided on or wrote for: Bob Stone"):
        put(store, "a.vcf", newer, "sha2")  # unless told to let him go
    assert store.counts()["people"] == 3
    outcome = put(store, "a.vcf", newer, "sha2", mode="replace")
    assert outcome.replaced and outcome.dropped and outcome.dropped[0][1:] == ("Bob Stone", "exclude")
    assert ("email", "bob@example.com") in store.blocked_keys()
    assert ("phone", "+14155550199") in store.blocked_keys()
    assert store.counts()["people"] == 2


def test_failed_import_leaves_workspace_exactly_as_before(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    put(store, "a.vcf", [rec(1, "Ana", "Lima", "ana@example.com")], "sha1")
    before = store.conn.execute("SELECT count(*), group_concat(data) FROM records").fetchone()

    def boom(self: Store, ids: object) -> None:  # fails after the new records are written
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "refresh_people", boom)
    bad = [rec(1, "Ana", "Lima", "ana@example.com"), rec(2, "X", "Y", "xy@example.com")]
    with pytest.raises(RuntimeError):
        put(store, "a.vcf", bad, "sha2")
    assert store.conn.execute("SELECT count(*), group_concat(data) FROM records").fetchone() == before
    assert [s.sha256 for s in store.sources()] == ["sha1"]


def test_undo_and_redo_are_exact(store: Store) -> None:
    put(store, "a.vcf", [rec(1, "Ana", "Lima", "ana@example.com")], "sha1")
    pid = find_people(store, "Ana Lima")[0]
    mark(store, [pid], Decision.EXCLUDE, note="no")
    assert store.undo() is not None
    person = store.person(pid)
    assert person is not None and person.decision == Decision.UNDECIDED and person.note == ""
    assert store.redo() is not None
    person = store.person(pid)
    assert person is not None and person.decision == Decision.EXCLUDE and person.note == "no"
    assert store.redo() is None


def test_a_dedupe_s_undo_log_keeps_names_in_any_script_exactly(store: Store) -> None:
    """A dedupe logs its snapshots as UTF-8 bytes (a million records' are hundreds of megabytes): they
    are stored as text the log's JSON queries read, and undo and redo give every name back exactly."""
    from knowme.dedupe.run import run_dedupe

    put(store, "a.vcf", [rec(1, "艳", "李", "yan.li@example.com"), rec(2, "Zoë 🌸", "Ñúñez", "zoe@example.com")], "s1")
    put(store, "b.vcf", [rec(1, "艳", "李", "yan.li@example.com"), rec(2, "Zoë 🌸", "Ñúñez", "zoe@example.com")], "s2")
    names = sorted(store.conn.execute("SELECT name FROM people").fetchall())
    assert run_dedupe(store).auto_merged == 2
    kinds = store.conn.execute("SELECT typeof(before), typeof(after) FROM log_full WHERE action='dedupe'").fetchone()
    assert kinds == ("text", "text")
    assert store.conn.execute("SELECT json_type(before, '$.people'), json_type(after, '$.people') FROM log_full "
                              "WHERE action='dedupe'").fetchone() == ("object", "object")
    # the after-snapshot, filled in once the merges are written, is a row of its own: the log row stays
    assert store.conn.execute("SELECT count(*) FROM log_after JOIN log USING (id) WHERE action='dedupe'"
                              ).fetchone() == (1,)
    assert store.undo() is not None
    assert sorted(store.conn.execute("SELECT name FROM people").fetchall()) == names
    assert store.redo() is not None
    assert sorted(store.conn.execute("SELECT name FROM people").fetchall()) == sorted(set(names))


def test_an_after_snapshot_of_an_undone_action_goes_with_it(store: Store) -> None:
    """Undone actions go when a new one is logged, their after-snapshots with them: log ids come back,
    and a new action must not read an old one's after-snapshot as its own."""
    from knowme.dedupe.run import run_dedupe

    put(store, "a.vcf", [rec(1, "Ana", "Lima", "ana@example.com")], "s1")
    put(store, "b.vcf", [rec(1, "Ana", "Lima", "ana@example.com")], "s2")
    assert run_dedupe(store).auto_merged == 1
    assert store.undo() is not None
    pid = find_people(store, "Ana Lima")[0]
    mark(store, [pid], Decision.EXCLUDE, note="no")
    assert store.conn.execute("SELECT count(*) FROM log_after").fetchone() == (0,)
    assert store.undo() is not None and store.person(pid).decision == Decision.UNDECIDED
    assert store.redo() is not None and store.person(pid).decision == Decision.EXCLUDE


def test_a_new_action_ends_the_redo_history(store: Store) -> None:
    put(store, "a.vcf", [rec(1, "Ana", "Lima", "ana@example.com")], "sha1")
    pid = find_people(store, "Ana Lima")[0]
    mark(store, [pid], Decision.EXCLUDE)
    store.undo()
    mark(store, [pid], Decision.KNOWS_ME)
    assert store.redo() is None
    person = store.person(pid)
    assert person is not None and person.decision == Decision.KNOWS_ME


def test_second_writer_gets_a_clear_busy_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowme.store.core as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    first = Store.open(tmp_path / "w.db")
    second = Store.open(tmp_path / "w.db", busy_timeout=0.1)
    with first.transaction():
        with pytest.raises(WorkspaceError, match="busy"):
            with second.transaction():
                pass
    first.close()
    second.close()


def test_a_running_query_is_stopped_by_interrupt_and_says_so(store: Store) -> None:
    import threading

    from knowme.store import DatabaseError, is_interrupted

    errors: list[BaseException] = []

    def endless() -> None:
        try:
            store.conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                               "SELECT count(*) FROM n").fetchone()
        except DatabaseError as exc:
            errors.append(exc)

    reader = threading.Thread(target=endless)
    reader.start()
    while reader.is_alive():  # until the query has begun and been stopped
        store.interrupt()
        reader.join(0.05)
    assert len(errors) == 1 and is_interrupted(errors[0])


@pytest.mark.parametrize(("names", "shown"), [
    (["Kevin Oliver", "Kevin Oliver", "Keevin Oliver"], "Kevin Oliver"),  # a typo outvoted: not shown
    (["Kevin Oliver", "Keevin Oliver"], "Keevin Oliver"),  # one against one: the fuller, as before
    (["Sam Howell", "Sam Howell", "Samantha Howell"], "Samantha Howell"),  # fuller, not a typo
    (["Margaret Kirk", "Margaret Kiirk", "Kirk, Maggie", "Margaret Kirk"], "Margaret Kirk"),
])
def test_a_merged_person_is_shown_by_their_fullest_name_but_not_a_misspelling(names: list[str], shown: str) -> None:
    records = [Record(index=n, formatted_name=name, given=name.split()[0], family=name.split()[-1])
               for n, name in enumerate(names, start=1)]
    assert Person(id=1, records=records).display_name == shown

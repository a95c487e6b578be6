"""Property: over random workspaces and random imports, re-imports, marks, merges and splits, the safe
export never holds an address of an excluded person, nor anyone undecided, personalize or connected."""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from helpers_triage import add, pid, rec
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from knowme.dedupe.merge import merge_people, split_person
from knowme.dedupe.run import run_dedupe
from knowme.exports import LookalikesBlock, OutreachBlock, export_outreach, export_safe, plan_safe
from knowme.model import Decision, Record
from knowme.normalize import email_match_key, record_keys
from knowme.store.core import ReplaceRefused, Store, UndoRefused
from knowme.triage import ExcludedError, mark, set_outreach

# Few values, so people share addresses, phones and names often (households, spelling variants).
EMAILS = ["ana@x.com", "Ana@X.com", "a.b@gmail.com", "ab+news@googlemail.com", "boss@oldcorp.com",
          "family@home.net", "info@shop.com", "cy@y.org"]
PHONES = ["+1 415 555 0100", "(415) 555-0100", "+44 20 7946 0000"]
NAMES = [("Ana", "Silva"), ("Robert", "Smith"), ("Bob", "Smith"), ("Cy", "Chen"), ("", "")]
DECISIONS = list(Decision)

records = st.builds(
    lambda name, emails, phones, connected: rec(name[0], name[1], emails, phones=tuple(phones),
                                                connected_on="01 Jan 2020" if connected else None),
    st.sampled_from(NAMES), st.lists(st.sampled_from(EMAILS), max_size=3),
    st.lists(st.sampled_from(PHONES), max_size=1), st.sampled_from([False, False, False, True]))

steps = st.one_of(
    st.tuples(st.just("import"), st.sampled_from(["a.vcf", "b.csv", "Connections.csv"]),
              st.lists(records, min_size=1, max_size=5)),
    st.tuples(st.just("mark"), st.lists(st.integers(0, 30), min_size=1, max_size=3), st.sampled_from(DECISIONS)),
    st.tuples(st.just("merge"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("split"), st.integers(0, 30)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
    st.tuples(st.just("dedupe")),
)

EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]+")


def _people(store: Store) -> list[int]:
    return [row[0] for row in store.conn.execute("SELECT id FROM people ORDER BY id")]


def _mark(store: Store, ids: list[int], decision: Decision) -> None:
    """A mark as a user types it: refused (changing nothing) when it would weaken an exclusion."""
    try:
        mark(store, ids, decision)
    except ExcludedError:
        pass


def _run(store: Store, step: tuple) -> None:
    kind = step[0]
    people = _people(store)
    if kind == "import":
        try:
            add(store, [Record.from_dict(r.to_dict()) for r in step[2]], name=step[1])
        except ReplaceRefused:  # it would drop a decided person: refused, nothing stored (as `knowme import` says)
            pass
    elif kind == "mark" and people:
        _mark(store, [people[i % len(people)] for i in step[1]], step[2])
    elif kind == "merge" and people:
        keep, other = people[step[1] % len(people)], people[step[2] % len(people)]
        if keep != other:
            merge_people(store, keep, [other])
    elif kind == "split" and people:
        split_person(store, people[step[1] % len(people)])
    elif kind in ("undo", "redo"):
        try:
            store.undo() if kind == "undo" else store.redo()
        except UndoRefused:  # a re-import since removed what it would restore: refused, nothing changed
            pass
    elif kind == "dedupe":  # merges and questions; an undo then withdraws the questions, a redo asks again
        run_dedupe(store)


def _keys_by_decision(store: Store) -> dict[str, set[str]]:
    """Email match keys held by people of each decision, recomputed from the records' own data."""
    held: dict[str, set[str]] = {d.value: set() for d in Decision}
    for data, decision in store.conn.execute("SELECT r.data, p.decision FROM records r JOIN people p "
                                             "ON p.id = r.person_id"):
        held[decision] |= set(record_keys(Record.from_dict(json.loads(data))).emails)
    return held


@settings(deadline=None, derandomize=True, max_examples=100, suppress_health_check=list(HealthCheck))
@given(st.lists(records, min_size=1, max_size=8), st.lists(steps, max_size=8),
       st.lists(st.sampled_from(DECISIONS), min_size=1, max_size=8), st.lists(steps, max_size=6))
def test_no_excluded_or_undecided_address_is_ever_exported(first: list[Record], plan: list[tuple],
                                                           decisions: list[Decision], later: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "w.db")
        try:
            add(store, first, name="a.vcf")
            for step in plan:
                _run(store, step)
            for n, person_id in enumerate(_people(store)):  # everyone gets some decision...
                _mark(store, [person_id], decisions[n % len(decisions)])
            for step in later:  # ...and then more imports, merges, splits, marks and undos follow
                _run(store, step)
            held = _keys_by_decision(store)
            never = held["exclude"] | {k for kind, k in store.blocked_keys() if kind == "email"}
            not_safe = never | held["undecided"] | held["personalize"]
            safe_plan = plan_safe(store)
            knows_me = {row[0] for row in store.conn.execute("SELECT id FROM people WHERE decision='knows-me'")}
            for row in safe_plan.rows:
                person = store.person(row.person_id)
                assert row.person_id in knows_me and not person.connected
                for email in row.emails:
                    assert email_match_key(email) not in not_safe, (email, row)
            event(f"written rows: {min(len(safe_plan.rows), 2)}; withheld: "
                  f"{min(safe_plan.preflight.blocked_addresses + safe_plan.preflight.shared_addresses, 1)}")
            for fmt, ext in (("linkedin-csv", ".csv"), ("google-csv", ".csv"), ("vcard", ".vcf")):
                out = Path(tmp) / f"safe-{fmt}{ext}"
                try:
                    export_safe(store, out, fmt)
                except LookalikesBlock:
                    assert not out.exists()
                    continue
                for email in EMAIL_IN_TEXT.findall(out.read_text(encoding="utf-8")):
                    assert email_match_key(email) not in not_safe, (fmt, email)
            out = Path(tmp) / "queue.json"
            try:
                export_outreach(store, out, "json")
            except OutreachBlock as block:
                assert block.lookalikes and not out.exists()
                return
            for email in EMAIL_IN_TEXT.findall(out.read_text(encoding="utf-8")):
                assert email_match_key(email) not in never, email
        finally:
            store.close()


def test_a_nameless_card_spelling_an_excluded_name_blocks_unless_it_spells_its_own_persons(tmp_path: Path) -> None:
    """jdoe@ on a nameless card merged into Joe Doe is Joe's (it spells his name too): it blocks nothing.
    The same card merged into Ann Lee may be Jane Doe's address: the export names the card."""
    from helpers_triage import pid

    with Store.open(tmp_path / "w.db") as store:
        add(store, [rec("Jane", "Doe", ["jane.doe@gmail.com"]), rec("Joe", "Doe", ["joe@doe.example"]),
                    rec("", "", ["jdoe@hotmail.com"]), rec("Ann", "Lee", ["ann@lee.example"]),
                    rec("", "", ["j.doe@outlook.com"])])
        jane, joe, ann = (pid(store, e) for e in ("jane.doe@gmail.com", "joe@doe.example", "ann@lee.example"))
        merge_people(store, joe, [pid(store, "jdoe@hotmail.com")])
        merge_people(store, ann, [pid(store, "j.doe@outlook.com")])
        mark(store, [jane], Decision.EXCLUDE)
        mark(store, [joe, ann], Decision.KNOWS_ME)
        conflicts = plan_safe(store).preflight.lookalikes
        assert [(c.knows_me_id, c.kind) for c in conflicts] == [(ann, "spelled")], [str(c) for c in conflicts]
        assert str(conflicts[0]).endswith("holds a card with no name whose address j.doe@outlook.com spells the "
                                          f"name of {jane}: Jane Doe (excluded)")


def test_the_outreach_queue_is_gated_like_the_safe_file(tmp_path: Path) -> None:
    """The outreach queue carries each person's LinkedIn profile, name, company and title to where a
    connection request goes. Dana Hill's card holds Robert Smith's profile (excluded); Bob Smith, marked
    personalize after Robert was excluded, bears a name alike his; Cy Chen holds his phone. The queue was
    written with all three, Robert's profile included; now nothing is written and each is named with
    the command that resolves it. Once resolved, the queue is written."""
    from knowme.cli.main import main

    db = tmp_path / "w.db"
    with Store.open(db) as store:
        add(store, [rec("Robert", "Smith", ["bob.smith@acme.com"], phones=("+1 415 555 0100",),
                        urls=("https://www.linkedin.com/in/robsmith42",)),
                    rec("Dana", "Hill", ["dana@hill.net"], urls=("https://linkedin.com/in/robsmith42/",)),
                    rec("Cy", "Chen", ["cy@chen.example"], phones=("(415) 555-0100",)),
                    rec("Bob", "Smith", ["bsmith@newco.example"])])
        robert, dana, cy, bob = (pid(store, e) for e in ("bob.smith@acme.com", "dana@hill.net", "cy@chen.example",
                                                         "bsmith@newco.example"))
        mark(store, [dana, cy], Decision.PERSONALIZE)
        mark(store, [robert], Decision.EXCLUDE)
        mark(store, [bob], Decision.PERSONALIZE)
    out = tmp_path / "queue.csv"
    assert main(["--db", str(db), "export", "outreach", "-o", str(out)]) == 1
    assert not out.exists()
    with Store.open(db) as store, pytest.raises(OutreachBlock) as block:
        export_outreach(store, out, "csv")
    assert {(dana, "url"), (cy, "phone"), (bob, "name")} <= {(c.knows_me_id, c.kind) for c in block.value.lookalikes}
    assert all(c.decision == "personalize" for c in block.value.lookalikes)
    assert "(personalize) shares" in str(block.value.lookalikes[0]) or "(personalize)" in str(block.value)
    for person in (dana, cy, bob):
        assert main(["--db", str(db), "mark", str(person), "--not-same-as", str(robert)]) == 0
    assert main(["--db", str(db), "export", "outreach", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Dana Hill" in text and "Bob Smith" in text


@pytest.mark.parametrize(("field", "text"), [
    ("draft", "Hi Fay, we met at Acme; Rex said hello.\n-rex.boss@oldcorp.com"),  # a bullet glued to it
    ("context", "Acme, via REX.BOSS@OLDCORP.COM"),
    ("why", "ask about https://www.linkedin.com/in/rexboss"),
    ("draft", "Hi Fay, call me or Rex on +44 7700 900123"),
])
def test_the_outreach_queue_never_carries_an_excluded_identifier_in_a_note(tmp_path: Path, field: str,
                                                                          text: str) -> None:
    """The note is sent to the network, and the queue file writes it beside the person's address: an
    excluded person's address, profile or phone in it was written (only names, company and title were
    checked). Now the export stops, naming the cell and the command that fixes it."""
    from knowme.cli.main import main

    db = tmp_path / "w.db"
    with Store.open(db) as store:
        add(store, [rec("Rex", "Boss", ["rex.boss@oldcorp.com"], phones=("+44 7700 900123",),
                        urls=("https://www.linkedin.com/in/rexboss",)), rec("Fay", "Field", ["fay@field.example"])])
        rex, fay = pid(store, "rex.boss@oldcorp.com"), pid(store, "fay@field.example")
        mark(store, [rex], Decision.EXCLUDE)
        mark(store, [fay], Decision.PERSONALIZE)
        set_outreach(store, fay, **{field: text})
    out = tmp_path / "queue.md"
    for fmt in ("md", "csv", "json"):
        with Store.open(db) as store, pytest.raises(OutreachBlock) as block:
            export_outreach(store, out, fmt)
        assert not out.exists()
        [conflict] = block.value.lookalikes
        assert (conflict.knows_me_id, conflict.kind, conflict.field) == (fay, "cell", field)
        assert conflict.command == f"knowme mark {fay} --{field} TEXT"
    assert main(["--db", str(db), "mark", str(fay), f"--{field}", "Hi Fay, we met at Acme."]) == 0
    assert main(["--db", str(db), "export", "outreach", "-o", str(out)]) == 0
    assert "rex" not in out.read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("title", ["mob 07700900123", "Sales, 07700 900 123", "tel 0044.7700.900.123"])
def test_an_excluded_phone_in_a_cell_is_caught_however_written(tmp_path: Path, title: str) -> None:
    """In an American workspace `07700900123` reads as no number, so an excluded +44 7700 900123 in a
    knows-me person's title was written to the safe file; its last nine digits say it is his."""
    with Store.open(tmp_path / "w.db") as store:
        add(store, [rec("Rex", "Boss", ["rex@oldcorp.com"], phones=("+44 7700 900123",)),
                    rec("Ann", "Able", ["ann@x.com"], title=title)])
        rex, ann = pid(store, "rex@oldcorp.com"), pid(store, "ann@x.com")
        mark(store, [rex], Decision.EXCLUDE)
        mark(store, [ann], Decision.KNOWS_ME)
        with pytest.raises(LookalikesBlock) as block:
            export_safe(store, tmp_path / "s.csv")
        assert [(c.knows_me_id, c.kind, c.field) for c in block.value.preflight.lookalikes] == [(ann, "cell", "title")]
        assert not (tmp_path / "s.csv").exists()

"""Excluded means never: the suppression list, the refusals of `mark`, bulk actions, and the export gate.

Each test replays what a careful attacker tried through the command line, with real-looking vCard
and CSV files: the excluded person must never reach the safe file, and every refusal must name
the excluded person and the command that resolves it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowme.cli.main import main
from knowme.store.core import Store

# ---- helpers ---------------------------------------------------------------------------------------


class Cli:
    """The real command line, in process, against one workspace."""

    def __init__(self, tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp = tmp
        self.db = tmp / "w.db"
        self.capsys = capsys

    def __call__(self, *args: object) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--db", str(self.db), *map(str, args)])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: object) -> str:
        code, out, err = self(*args)
        assert code == 0, (args, out, err)
        return out

    def file(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.write_text(text.replace("\n", "\r\n") if name.endswith(".vcf") else text, encoding="utf-8")
        return path

    def people(self) -> dict[str, dict]:
        """Everyone by their first address (or name when they have none)."""
        listed = json.loads(self.ok("list", "--json"))
        return {(p["emails"][0] if p["emails"] else p["name"]): p for p in listed}

    def id(self, key: str) -> int:
        return int(self.people()[key]["id"])

    def export(self, fmt: str = "linkedin-csv") -> tuple[int, str, str, Path]:
        out = self.tmp / f"safe-{fmt}.{'vcf' if fmt == 'vcard' else 'csv'}"
        if out.exists():
            out.unlink()
        code, stdout, err = self("export", "safe", "-o", out, "--format", fmt)
        return code, stdout, err, out


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, capsys)


def vcard(*cards: str) -> str:
    return "".join(f"BEGIN:VCARD\nVERSION:3.0\n{card.strip()}\nEND:VCARD\n" for card in cards)


JANE = """N:Doe;Jane;;;
FN:Jane Doe
EMAIL;TYPE=INTERNET:jane.doe@gmail.com
EMAIL;TYPE=WORK:jane@acme.com
TEL;TYPE=CELL:+1 415 555 0142
UID:jane-1"""
GOOGLE_HEADER = "First Name,Middle Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value," \
                "Organization Name,Organization Title\n"


def exclude_jane(cli: Cli) -> int:
    cli.ok("import", cli.file("phone.vcf", vcard(JANE, "N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@acme.com")))
    jane = cli.id("jane.doe@gmail.com")
    cli.ok("mark", jane, "--as", "exclude")
    return jane


def blocked(cli: Cli) -> list[dict]:
    """The conflicts a refused export lists (exit 1, nothing written)."""
    code, out, err, path = cli.export()
    assert code == 1 and not path.exists(), (out, err)
    assert "nothing was written" in err
    code, out, _err = cli("export", "safe", "-o", cli.tmp / "x.csv", "--json")
    return json.loads(out)["preflight"]["lookalikes"]


# ---- the same person, her name somewhere unexpected ----------------------------------------------------


@pytest.mark.parametrize("where", ["csv-first-name", "fn-with-address", "org-only"])
def test_the_excluded_person_under_a_new_address_with_her_name_elsewhere_is_refused_and_blocks(
        cli: Cli, where: str) -> None:
    if where == "csv-first-name":
        newer = cli.file("google.csv", GOOGLE_HEADER + "Jane Doe,,,Home,jd@newjob.io,,,,\n")
    elif where == "fn-with-address":
        newer = cli.file("mac.vcf", vcard("N:;;;;\nFN:Jane Doe <jane.doe@gmail.com>\nEMAIL:jd@newjob.io"))
    else:
        newer = cli.file("mac.vcf", vcard("N:;;;;\nFN:\nORG:Jane Doe\nEMAIL:jd@newjob.io"))
    cli.ok("import", newer)
    she = cli.id("jd@newjob.io")
    cli.ok("mark", she, "--as", "knows-me")  # marked before the other card was excluded
    jane = exclude_jane(cli)
    [conflict] = blocked(cli)
    assert (conflict["knows_me"], conflict["excluded"], conflict["kind"]) == (she, jane, "name")
    assert conflict["command"] == f"knowme mark {she} --as exclude  |  knowme mark {she} --not-same-as {jane}"
    code, out, _err, _path = cli.export()
    assert f"{she}: " in out and f"looks like {jane}: Jane Doe (excluded)" in out
    assert f"resolve: knowme mark {she} --as exclude" in out
    # marking her again after the exclusion is refused, naming the excluded person
    cli.ok("mark", she, "--as", "undecided")  # a step away from any upload: allowed
    code, _out, err = cli("mark", she, "--as", "knows-me")
    assert code == 1 and f"bears the name of {jane}: Jane Doe (excluded)" in err
    # the ways out it names work (--unexclude never lifts another person's exclusion: it was not named)
    assert f"--not-same-as {jane}" in err and f"mark {she} --as exclude" in err and "--unexclude" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_name_alike_in_any_order_with_a_nickname_transliteration_or_compound_surname_blocks(cli: Cli) -> None:
    cli.ok("import", cli.file("old.vcf", vcard(
        "N:Müller;Robert;;;\nFN:Robert Müller\nEMAIL:robert@oldcorp.de",
        "N:García López;María;;;\nFN:María García López\nEMAIL:maria@oldcorp.es")))
    cli.ok("import", cli.file("new.csv", GOOGLE_HEADER + "\n".join([
        "Bob,,Mueller,,bob@new.de,,,,", "Mueller Robert,,,,rm@new.de,,,,", "Bobby,,Muller,,bm@new.de,,,,",
        "Bob,,Muelller,,typo@new.de,,,,", "Maria,,Garcia,,mg@new.es,,,,", "Maria,,Garcia-Lopez,,mgl@new.es,,,,",
        "Mary,,Smith,,mary@x.com,,,,", "Roberta,,Miller,,roberta@x.com,,,,"]) + "\n"))
    written = ["bob@new.de", "rm@new.de", "bm@new.de", "typo@new.de", "mg@new.es", "mgl@new.es", "mary@x.com",
               "roberta@x.com"]
    cli.ok("mark", *written, "--as", "knows-me")
    cli.ok("mark", "robert@oldcorp.de", "maria@oldcorp.es", "--as", "exclude")
    flagged = {c["knows_me"] for c in blocked(cli) if c["kind"] == "name"}
    ids = {key: cli.id(key) for key in written}
    assert flagged == {ids[k] for k in written[:6]}


# ---- bulk actions ---------------------------------------------------------------------------------------


def test_bulk_marks_leave_excluded_people_alone_and_say_how_many(cli: Cli) -> None:
    jane = exclude_jane(cli)
    cli.ok("import", cli.file("groups.vcf", vcard("N:Ek;Al;;;\nFN:Al Ek\nEMAIL:al@acme.com\nCATEGORIES:Work")))
    out = cli.ok("mark", "--domain", "acme.com", "--as", "knows-me")
    assert "marked knows-me: 2 people" in out and "left alone: 1 person excluded" in out
    assert cli.people()["jane.doe@gmail.com"]["decision"] == "exclude"
    code, _out, _err, path = cli.export()
    assert code == 0 and "jane" not in path.read_text().lower()
    # told explicitly, the bulk action changes her too
    out = cli.ok("mark", "--domain", "acme.com", "--as", "personalize", "--unexclude")
    assert "lifted the exclusion of 1 person" in out
    assert cli.people()["jane.doe@gmail.com"]["decision"] == "personalize"
    cli.ok("undo")
    assert cli.people()["jane.doe@gmail.com"]["decision"] == "exclude"
    code, _out, err = cli("mark", jane, "--as", "knows-me")
    assert code == 1 and "is excluded" in err  # the undo put the exclusion back


def test_suggest_accept_leaves_people_matching_an_exclusion_alone(cli: Cli) -> None:
    exclude_jane(cli)
    cli.ok("import", cli.file("work.vcf", vcard("N:Doe;Jane;;;\nFN:Jane Doe\nEMAIL:jd@newjob.io\nCATEGORIES:Family")))
    out = cli.ok("suggest", "--accept", "all", "--json")
    result = json.loads(out)
    assert result["left_excluded"] == [cli.id("jd@newjob.io")]
    assert cli.people()["jd@newjob.io"]["decision"] == "undecided"


# ---- mark on an excluded person -------------------------------------------------------------------------


def test_mark_refuses_an_excluded_person_however_reached_unless_unexclude(cli: Cli) -> None:
    jane = exclude_jane(cli)
    cli.ok("import", cli.file("old.csv", GOOGLE_HEADER + "J.,,Doe,,jd@newjob.io,,+1 415 555 0142,,\n"))
    other = cli.id("jd@newjob.io")
    cli.ok("mark", other, "--as", "exclude")
    cli.ok("dedupe")
    pairs = json.loads(cli.ok("pairs", "--json"))
    if pairs:
        cli.ok("resolve", pairs[0]["id"], "same")
    for query in ("jane.doe@gmail.com", str(jane), "Jane Doe", "jd@newjob.io"):
        code, _out, err = cli("mark", query, "--as", "knows-me")
        assert code == 1 and "is excluded" in err and "--unexclude" in err, (query, err)
    out = cli.ok("mark", "jd@newjob.io", "--as", "knows-me", "--unexclude")
    assert "lifted the exclusion" in out
    code, _out, _err, path = cli.export()
    assert code == 0 and "jd@newjob.io" in path.read_text()


def test_undo_of_the_exclude_itself_lifts_it_but_undo_of_anything_else_never_does(cli: Cli) -> None:
    jane = exclude_jane(cli)
    cli.ok("undo")  # the exclude action itself: as if it never happened
    cli.ok("mark", jane, "--as", "knows-me")
    cli.ok("mark", jane, "--as", "exclude")
    cli.ok("import", cli.file("more.vcf", vcard("N:Doe;Jane;;;\nFN:Jane Doe\nEMAIL:jd@newjob.io")))
    newcomer = cli.id("jd@newjob.io")
    cli.ok("mark", newcomer, "--as", "exclude")
    cli.ok("undo")  # undoes the newcomer's exclusion only
    code, _out, err = cli("mark", newcomer, "--as", "knows-me")
    assert code == 1 and f"bears the name of {jane}: Jane Doe (excluded)" in err
    cli.ok("redo")
    cli.ok("split", jane)
    cli.ok("undo")
    code, _out, err = cli("mark", jane, "--as", "knows-me")
    assert code == 1 and "is excluded" in err


# ---- equivalent spellings ---------------------------------------------------------------------------------

SPELLINGS = ["jane.doe\u200b@gmail.com", "jane.doe@gmail.com.", '"jane.doe"@gmail.com',
             "ｊａｎｅ.ｄｏｅ@gmail.com", "Jane.Doe+linkedin@googlemail.com", "J.A.N.E.D.O.E@GMAIL.COM"]


def test_equivalent_spellings_of_an_excluded_address_are_never_written(cli: Cli) -> None:
    cards = [f"N:Friend{n};Pat;;;\nFN:Pat Friend{n}\nEMAIL:{spelling}\nEMAIL:pat{n}@x.com"
             for n, spelling in enumerate(SPELLINGS)]
    cards.append("N:Fisch;Ulf;;;\nFN:Ulf Fisch\nEMAIL:ulf@xn--mnchen-3ya.de\nEMAIL:ulf@x.com")
    cli.ok("import", cli.file("friends.vcf", vcard(*cards)))
    everyone = [str(p["id"]) for p in cli.people().values()]
    cli.ok("mark", *everyone, "--as", "knows-me")
    cli.ok("import", cli.file("phone.vcf", vcard(JANE, "N:Fisch;Ulrich;;;\nFN:Ulrich F.\nEMAIL:ulf@münchen.de")))
    listed = cli.people()
    cli.ok("mark", listed["jane.doe@gmail.com"]["id"], listed["ulf@münchen.de"]["id"], "--as", "exclude")
    conflicts = blocked(cli)
    assert len({c["knows_me"] for c in conflicts if c["kind"] == "email"}) == len(SPELLINGS) + 1
    for conflict in conflicts:  # different people who hold her address: the address itself stays out
        if conflict["kind"] == "email":
            cli.ok("mark", conflict["knows_me"], "--not-same-as", conflict["excluded"])
    for fmt in ("linkedin-csv", "google-csv", "vcard"):
        code, out, err, path = cli.export(fmt)
        assert code == 0, (out, err)
        text = path.read_text(encoding="utf-8")
        assert "pat0@x.com" in text and "ulf@x.com" in text
        for spelling in [*SPELLINGS, "jane", "xn--mnchen", "münchen"]:
            assert spelling.lower() not in text.lower(), (fmt, spelling)


# ---- pairs and cells --------------------------------------------------------------------------------------


def test_an_open_pair_with_an_excluded_person_blocks_until_answered(cli: Cli) -> None:
    cli.ok("import", cli.file("a.vcf", vcard(JANE)),
           cli.file("b.vcf", vcard("N:Dorn;Jana;;;\nFN:Jana Dorn\nEMAIL:jana@work.io\nTEL:(415) 555-0142")))
    jana = cli.id("jana@work.io")
    cli.ok("mark", jana, "--as", "knows-me")
    jane = cli.id("jane.doe@gmail.com")
    cli.ok("mark", jane, "--as", "exclude")
    cli.ok("dedupe")
    [pair] = json.loads(cli.ok("pairs", "--json"))
    conflicts = blocked(cli)
    kinds = {c["kind"] for c in conflicts if c["knows_me"] == jana}
    assert kinds == {"pair", "phone"}
    pair_conflict = next(c for c in conflicts if c["kind"] == "pair")
    assert pair_conflict["command"] == f"knowme resolve {pair['id']} same  |  knowme resolve {pair['id']} different"
    cli.ok("resolve", pair["id"], "different")
    code, out, err, path = cli.export()
    assert code == 0 and "jana@work.io" in path.read_text(), (out, err)


def test_undoing_the_dedupe_takes_its_question_out_of_the_queue_but_not_out_of_the_export_check(cli: Cli) -> None:
    """The question between Jana (knows-me) and Jane (excluded) leaves the review queue with the dedupe
    that asked it, but the doubt stays: the export still holds Jana back until the pair is answered."""
    cli.ok("import", cli.file("a.vcf", vcard(JANE)),
           cli.file("b.vcf", vcard("N:Dorn;Jana;;;\nFN:Jana Dorn\nEMAIL:jana@work.io\nTEL:(415) 555-0142")))
    jana, jane = cli.id("jana@work.io"), cli.id("jane.doe@gmail.com")
    cli.ok("mark", jana, "--as", "knows-me")
    cli.ok("mark", jane, "--as", "exclude")
    cli.ok("dedupe")
    [pair] = json.loads(cli.ok("pairs", "--json"))
    assert "asked 1 question" in cli.ok("undo")
    assert json.loads(cli.ok("pairs", "--json")) == []
    assert "(1 question withdrawn by undoing a dedupe: `knowme redo` or `knowme dedupe` asks them again)" in \
        cli.ok("pairs")
    assert json.loads(cli.ok("status", "--json"))["pending_questions"] == 0
    conflicts = [c for c in blocked(cli) if c["knows_me"] == jana and c["kind"] == "pair"]
    command = f"knowme resolve {pair['id']} same  |  knowme resolve {pair['id']} different"
    assert [c["command"] for c in conflicts] == [command]
    cli.ok("resolve", pair["id"], "different")
    code, out, err, path = cli.export()
    assert code == 0 and "jana@work.io" in path.read_text(), (out, err)
    cli.ok("undo")  # the answer: withdrawn again, and blocking again
    assert any(c["kind"] == "pair" for c in blocked(cli) if c["knows_me"] == jana)


def test_a_nameless_card_whose_address_spells_the_excluded_name_blocks_until_kept_apart(cli: Cli) -> None:
    """jdoe@ or janedoe84@ on a card with no name is Jane Doe's other address as often as not, and no
    dedupe question need ever link them (a book with Jim and Joe Doe too makes jdoe@ anyone's): the
    export names each such card and the excluded person, until the user says they are two people."""
    jane = exclude_jane(cli)
    cli.ok("import", cli.file("nameless.csv", GOOGLE_HEADER + "\n".join([
        ",,,,jdoe@hotmail.com,,,,", ",,,,JaneDoe84@yahoo.com,,,,", ",,,,doejane@web.de,,,,",
        ",,,,jdoerr@hotmail.com,,,,", ",,,,info@doe-family.example,,,,", "Jo,,Bell,,jdoe@outlook.com,,,,",
        ",,,,jd@gmx.net,,,,"]) + "\n"))
    spelled = [cli.id(k) for k in ("jdoe@hotmail.com", "janedoe84@yahoo.com", "doejane@web.de")]
    others = [cli.id(k) for k in ("jdoerr@hotmail.com", "info@doe-family.example", "jdoe@outlook.com",
                                  "jd@gmx.net")]
    cli.ok("mark", *spelled, *others, "--as", "knows-me")
    conflicts = [c for c in blocked(cli) if c["kind"] in ("spelled", "name")]
    assert {c["knows_me"] for c in conflicts} == set(spelled), conflicts
    first = next(c for c in conflicts if c["knows_me"] == spelled[0])
    assert first["excluded"] == jane and first["kind"] == "spelled"
    assert first["reason"] == f"{spelled[0]}: jdoe@hotmail.com (knows-me) gives no name, and its address spells the " \
                              f"name of {jane}: Jane Doe (excluded)"
    assert first["command"].endswith(f"knowme mark {spelled[0]} --not-same-as {jane}")
    for person in spelled:
        cli.ok("mark", person, "--not-same-as", jane)
    code, out, err, path = cli.export()
    assert code == 0 and "jdoe@hotmail.com" in path.read_text() and "jane.doe@gmail.com" not in path.read_text()


def test_an_excluded_address_inside_a_name_company_or_title_cell_blocks(cli: Cli) -> None:
    exclude_jane(cli)
    cli.ok("import", cli.file("cells.csv", GOOGLE_HEADER + "\n".join([
        "Ana,,Silva,,ana@x.com,,,Ja\u200bne.Doe@gmail.com,",
        "Cy,,Chen,,cy@x.com,,,Acme,ask jane@acme.com",
        "Di,,Dahl,,di@x.com,,,Acme,call +1 (415) 555-0142",
        "Ed (JANE.DOE@googlemail.com),,Eng,,ed@x.com,,,,"]) + "\n"))
    ids = [cli.id(k) for k in ("ana@x.com", "cy@x.com", "di@x.com", "ed@x.com")]
    cli.ok("mark", *ids, "--as", "knows-me")
    cells = {c["knows_me"]: c for c in blocked(cli) if c["kind"] == "cell"}
    assert set(cells) == set(ids)
    assert cells[ids[0]]["field"] == "company" and cells[ids[1]]["field"] == "title"
    assert cells[ids[3]]["field"] == "first name"
    assert cells[ids[2]]["command"] == f"knowme mark {ids[2]} --as exclude  |  knowme mark {ids[2]} --as undecided"



def test_an_excluded_phone_in_a_cell_is_read_in_the_workspace_region_not_the_locale(cli: Cli,
                                                                                      monkeypatch) -> None:
    """A British book imported with --region GB on a machine whose locale says US: her phone is
    +44 7700 900632 in the workspace, and "ring 07700 900632" in a knows-me card's company cell is
    the same number (read in the US it is no number at all, and slipped through)."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TELEPHONE", raising=False)
    cli.ok("import", "--region", "GB", cli.file("uk.vcf", vcard(
        "N:Hart;Fiona;;;\nFN:Fiona Hart\nTEL;TYPE=CELL:07700 900632\nEMAIL:fiona@hart.co.uk")))
    cli.ok("mark", "fiona@hart.co.uk", "--as", "exclude")
    cli.ok("import", cli.file("work.csv", GOOGLE_HEADER + "Gus,,Grant,,gus@x.co.uk,,,ring 07700 900632,\n"))
    gus = cli.id("gus@x.co.uk")
    cli.ok("mark", gus, "--as", "knows-me")
    cells = [c for c in blocked(cli) if c["kind"] == "cell"]
    assert [c["knows_me"] for c in cells] == [gus] and cells[0]["field"] == "company"

# ---- re-import ---------------------------------------------------------------------------------------------


def test_a_newer_export_where_the_excluded_card_changed_its_email_keeps_her_suppressed(cli: Cli) -> None:
    exclude_jane(cli)
    newer = JANE.replace("jane.doe@gmail.com", "jane.d@proton.me").replace("UID:jane-1", "UID:jane-2")
    cli.ok("import", cli.file("phone.vcf", vcard(newer, "N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@acme.com")))
    she = cli.people()["jane.d@proton.me"]
    if she["decision"] != "exclude":  # a new person: the suppression list still knows her
        code, _out, err = cli("mark", she["id"], "--as", "knows-me")
        assert code == 1 and "Jane Doe (excluded" in err
    with Store.open(cli.db) as store:
        assert store.conn.execute("SELECT count(*) FROM exclusions WHERE lifted_at IS NULL").fetchone()[0] >= 1
    cli.ok("mark", "bo@acme.com", "--as", "knows-me")
    code, out, err, path = cli.export()
    assert code == 0, (out, err)
    assert "proton" not in path.read_text() and "jane" not in path.read_text().lower()


def test_gone_excluded_person_can_be_kept_apart_by_id(cli: Cli) -> None:
    jane = exclude_jane(cli)
    cli.ok("import", cli.file("phone.vcf", vcard("N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@acme.com")), "--replace")
    cli.ok("import", cli.file("later.vcf", vcard("N:Ng;Kim;;;\nFN:Kim Ng\nEMAIL:kim@x.com\nTEL:+1 415 555 0142")))
    kim = cli.id("kim@x.com")
    code, _out, err = cli("mark", kim, "--as", "knows-me")
    assert code == 1 and f"a phone of {jane}: Jane Doe (excluded, in no address book any more)" in err
    assert f"knowme mark {kim} --not-same-as {jane}" in err
    cli.ok("mark", kim, "--not-same-as", jane)
    cli.ok("mark", kim, "--as", "knows-me")
    code, _out, _err, path = cli.export()
    assert code == 0 and "kim@x.com" in path.read_text()


def test_a_workspace_from_before_the_suppression_list_keeps_every_exclusion(tmp_path: Path) -> None:
    """Upgrading: the addresses remembered for vanished excluded people, and everyone excluded now,
    become suppression entries."""
    import sqlite3

    from knowme.store.core import MIGRATIONS, _statements

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:2]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version=2")
    conn.execute("INSERT INTO sources(id, name, path, format, sha256, imported_at, records, problems) "
                 "VALUES (1, 'a.vcf', 'a.vcf', 'vcard', 'x', 'now', 1, '[]')")
    conn.execute("INSERT INTO people(id, decision, name) VALUES (1, 'exclude', 'Jane Doe')")
    data = json.dumps({"given": "Jane", "family": "Doe", "emails": [{"value": "jane.doe@gmail.com", "label": ""}]})
    conn.execute("INSERT INTO records(id, source_id, idx, line, rkey, person_id, first, last, data) "
                 "VALUES (1, 1, 1, 1, 'a.vcf|jane', 1, 'jane', 'doe', ?)", (data,))
    conn.execute("INSERT INTO keys(record_id, kind, key) VALUES (1, 'email', 'janedoe@gmail.com')")
    conn.execute("INSERT INTO remembered_exclusions(kind, key, at) VALUES ('email', 'boss@oldcorp.com', 'then')")
    conn.close()
    with Store.open(path) as store:
        entries = {(kind, key) for kind, key in store.conn.execute("SELECT kind, key FROM suppressions")}
        assert {("email", "boss@oldcorp.com"), ("email", "janedoe@gmail.com"), ("name", "jane|doe"),
                ("record", "a.vcf|jane")} <= entries
        assert store.conn.execute("SELECT count(*) FROM exclusions WHERE lifted_at IS NULL").fetchone()[0] == 2


def test_a_refusal_reads_the_same_every_run(cli: Cli) -> None:
    """Which two spellings a lookalike refusal quotes must not depend on the order Python happens to
    iterate a set of name forms in (it did: "alex wilson ~ sandra wilson" one run, "alexandra wilson ~
    sandra wilson" the next)."""
    cli.ok("import", cli.file("old.vcf", vcard(
        "N:Wilson;Alexandra;;;\nFN:Alexandra Wilson\nNICKNAME:Alex,Sandra\nEMAIL:alex@oldcorp.com")))
    cli.ok("import", cli.file("new.csv", GOOGLE_HEADER + "Sandra,,Wilson,,sandra@new.com,,,,\n"
                              "Alex,,Wilson,,aw@new.com,,,,\n"))
    cli.ok("mark", "sandra@new.com", "aw@new.com", "--as", "knows-me")
    cli.ok("mark", "alex@oldcorp.com", "--as", "exclude")
    runs = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        proc = subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(cli.db), "export", "safe", "-o",
                               str(cli.tmp / "x.csv")], capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 1 and "nothing was written" in proc.stderr
        runs.add(proc.stdout + proc.stderr)
    assert len(runs) == 1, runs
    assert "wilson ~ " in runs.pop().lower()


def test_a_forgotten_excluded_card_imported_again_comes_back_excluded(cli: Cli) -> None:
    """Jane excluded, her address book forgotten, then imported again: she came back "undecided", one
    keystroke from a decision, while her exclusion still stood. Her card is her exclusion's; she comes
    back excluded and the import says so. Bo, not excluded, comes back undecided."""
    exclude_jane(cli)
    cli.ok("forget", "phone.vcf")
    said = cli.ok("import", cli.tmp / "phone.vcf")
    assert "phone.vcf: 1 card of people you excluded came back, excluded again: Jane Doe" in said
    people = cli.people()
    assert people["jane.doe@gmail.com"]["decision"] == "exclude"
    assert people["bo@acme.com"]["decision"] == "undecided"
    status = json.loads(cli.ok("status", "--json"))
    assert status["decisions"]["exclude"] == 1
    cli.ok("mark", cli.id("jane.doe@gmail.com"), "--as", "knows-me", "--unexclude")  # still hers to lift
    assert cli.people()["jane.doe@gmail.com"]["decision"] == "knows-me"


def test_an_excluded_address_is_caught_under_its_providers_other_domains(cli: Cli) -> None:
    """Apple's me.com, mac.com and icloud.com are one mailbox (one namespace of names), as are Proton's
    and Yandex's domains: Jane excluded as jane.doe@me.com, a card giving jane.doe@icloud.com was
    exported. Its holder is refused knows-me, and the export never writes the address."""
    cli.ok("import", cli.file("old.vcf", vcard("N:Doe;Jane;;;\nFN:Jane Doe\nEMAIL:jane.doe@me.com",
                                               "N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@acme.com\nEMAIL:jane.doe@icloud.com")))
    jane, bo = cli.id("jane.doe@me.com"), cli.id("bo@acme.com")
    cli.ok("mark", jane, "--as", "exclude")
    code, _out, err = cli("mark", bo, "--as", "knows-me")
    assert code == 1 and "holds jane.doe@icloud.com, an address of 1: Jane Doe (excluded)" in err
    cli.ok("mark", bo, "--not-same-as", jane)  # two people sharing it: Bo goes out, the address never
    cli.ok("mark", bo, "--as", "knows-me")
    code, out, err, path = cli.export()
    assert code == 0, (out, err)
    written = path.read_text(encoding="utf-8")
    assert "bo@acme.com" in written and "jane.doe@icloud.com" not in written


# ---- what status counts and what the suppression list holds agree ------------------------------------


def active_exclusions(cli: Cli) -> int:
    with Store.open(cli.db) as store:
        return int(store.conn.execute("SELECT count(*) FROM exclusions WHERE lifted_at IS NULL").fetchone()[0])


def test_a_redo_of_a_later_action_never_replays_an_undone_un_exclude(cli: Cli) -> None:
    """Un-exclude Jane, undo it, then mark Bo and undo and redo that: the redo lifted Jane's exclusion
    again (the new action took the undone un-exclude's place in the history, and with it its lift), so
    status said "exclude 1" while the suppression list held no exclusion."""
    jane = exclude_jane(cli)
    cli.ok("mark", jane, "--as", "knows-me", "--unexclude")
    cli.ok("undo")
    cli.ok("mark", "bo@acme.com", "--as", "knows-me")
    cli.ok("undo")
    cli.ok("redo")
    assert json.loads(cli.ok("status", "--json"))["decisions"]["exclude"] == 1
    assert active_exclusions(cli) == 1
    assert "suppression list: 1 exclusion (" in cli.ok("status")


def test_a_redo_of_a_later_action_never_puts_back_an_undone_exclude(cli: Cli) -> None:
    """Exclude Jane and undo it (as if it never happened), then exclude Bo, undo and redo that: the
    redo put Jane's exclusion back too, though she is undecided."""
    jane = exclude_jane(cli)
    cli.ok("undo")
    cli.ok("mark", "bo@acme.com", "--as", "exclude")
    cli.ok("undo")
    cli.ok("redo")
    assert json.loads(cli.ok("status", "--json"))["decisions"]["exclude"] == 1
    assert active_exclusions(cli) == 1
    cli.ok("mark", jane, "--as", "knows-me")  # hers was undone: nothing of it is left to refuse


# ---- forgetting a source: who loses a decision, and who comes back excluded -----------------------------


def test_forget_names_the_decisions_it_takes_and_the_excluded(cli: Cli) -> None:
    """`forget` removed the people only its book held, and their decisions with them, saying only "2
    people removed": the user learnt nothing of the exclusion and the knows-me that went."""
    jane = exclude_jane(cli)
    cli.ok("mark", "bo@acme.com", "--as", "knows-me")
    said = cli.ok("forget", "phone.vcf")
    assert "forgot phone.vcf: 2 records and 2 people removed" in said
    assert ("phone.vcf: 2 people you had decided on went with it: exclude 1 (Jane Doe: still on the suppression "
            "list, and excluded again should the card come back), knows-me 1; `knowme undo` brings them back") in said
    cli.ok("undo")
    assert {p["decision"] for p in cli.people().values()} == {"exclude", "knows-me"}
    assert cli.people()["jane.doe@gmail.com"]["id"] == jane
    cli.ok("mark", "bo@acme.com", "--as", "undecided")
    cli.ok("mark", jane, "--as", "undecided", "--unexclude")
    said = cli.ok("forget", "phone.vcf")  # nobody decided on: nothing more to say
    assert len(said.strip().splitlines()) == 1


def test_a_forgotten_excluded_card_back_with_another_address_comes_back_excluded(cli: Cli) -> None:
    """Jane excluded, her book forgotten, then a newer export of that book imported, where her card has a
    new address (and so a new identity): she came back undecided. Imported as a newer version without the
    forget, her card kept its exclusion by her name in that book; so it does after the forget, and her new
    address joins her exclusion."""
    exclude_jane(cli)
    cli.ok("forget", "phone.vcf")
    newer = JANE.replace("jane.doe@gmail.com", "jane.d@fastmail.com").replace("UID:jane-1", "UID:jane-2")
    said = cli.ok("import", cli.file("phone.vcf", vcard("N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@acme.com", newer)))
    assert "phone.vcf: 1 card of people you excluded came back, excluded again: Jane Doe" in said
    people = cli.people()
    assert people["jane.d@fastmail.com"]["decision"] == "exclude"
    assert people["bo@acme.com"]["decision"] == "undecided"
    assert json.loads(cli.ok("status", "--json"))["decisions"]["exclude"] == 1
    assert active_exclusions(cli) == 1  # her own exclusion, which now holds the new address too
    with Store.open(cli.db) as store:
        assert store.conn.execute("SELECT count(*) FROM suppressions WHERE key='jane.d@fastmail.com'").fetchone()[0] == 1
    cli.ok("mark", people["jane.d@fastmail.com"]["id"], "--as", "knows-me", "--unexclude")  # hers to lift
    assert active_exclusions(cli) == 0


def test_two_namesakes_back_in_the_forgotten_book_are_left_to_the_user(cli: Cli) -> None:
    """Two cards of the excluded person's name in the book that comes back: which one is she is not known,
    so neither is excluded by name; both stay held by the suppression list until answered."""
    exclude_jane(cli)
    cli.ok("forget", "phone.vcf")
    cli.ok("import", cli.file("phone.vcf", vcard("N:Berg;Bo;;;\nFN:Bo Berg\nEMAIL:bo@acme.com",
                                                 "N:Doe;Jane;;;\nFN:Jane Doe\nEMAIL:jd@one.io",
                                                 "N:Doe;Jane;;;\nFN:Jane Doe\nEMAIL:jd@two.io")))
    people = cli.people()
    assert people["jd@one.io"]["decision"] == people["jd@two.io"]["decision"] == "undecided"
    code, _out, err = cli("mark", people["jd@one.io"]["id"], "--as", "knows-me")
    assert code == 1 and "Jane Doe (excluded, in no address book any more)" in err



def test_an_excluded_card_back_in_another_book_at_a_new_address_is_held_and_said(cli: Cli) -> None:
    """Jane excluded in phone.vcf, the book forgotten, then google.csv brings a Jane Doe at a new address:
    she came back undecided and the import said nothing (her name alone kept her out of an upload). A
    name alone in another book is no proof she is Jane (namesakes), so she stays undecided, but held, and
    the import says so, with both ways out."""
    jane = exclude_jane(cli)
    cli.ok("forget", "phone.vcf")
    said = cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + "Jane,,Doe,Home,jd@newmail.io,,,,\n"
                                                                   "Al,,Kay,Home,al@kay.io,,,,\n"))
    new = cli.id("jd@newmail.io")
    assert (f"google.csv: 1 card alike a person you excluded, held undecided (no mark uploads it while the likeness "
            f"stands): {new}: Jane Doe bears the name of {jane}: Jane Doe (excluded, in no address book any more); "
            f"if the same person: knowme mark {new} --as exclude; if not: knowme mark {new} --not-same-as {jane}"
            ) in said
    assert "Al Kay" not in said
    assert cli.people()["jd@newmail.io"]["decision"] == "undecided"
    code, _out, err = cli("mark", new, "--as", "knows-me")
    assert code == 1 and "Jane Doe (excluded, in no address book any more)" in err


@pytest.mark.parametrize("cards", [3, 12])
def test_every_held_card_is_named_with_its_ways_out(cli: Cli, cards: int) -> None:
    """Several Jane Doe cards at new addresses: the import named them, but its ways out (`knowme mark ID
    --as exclude`, `--not-same-as`) only the first card's, so the others had no command to settle them. Each
    card named gets both (the first ten, then "and N more"), and each command runs."""
    jane = exclude_jane(cli)
    rows = "".join(f"Jane,,Doe,Home,jd{n}@new{n}.io,,,,\n" for n in range(1, cards + 1))
    said = " ".join(cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + rows + "Al,,Kay,Home,al@kay.io,,,,\n"))
                    .split())
    held = [cli.id(f"jd{n}@new{n}.io") for n in range(1, cards + 1)]
    named = held[:10]
    assert f"google.csv: {cards} cards alike people you excluded, held undecided" in said
    for pid in named:
        assert f"{pid}: Jane Doe bears the name of {jane}: Jane Doe (excluded)" in said
        assert f"knowme mark {pid} --not-same-as {jane}" in said
    assert f"knowme mark {' '.join(map(str, named))} --as exclude" in said
    assert ("and 2 more (knowme list --held lists every one" in said) is (cards == 12) and "Al Kay" not in said
    cli.ok("mark", named[0], "--not-same-as", jane)  # the ways out, as written: one is not Jane, the rest are
    cli.ok("mark", *named[1:], "--as", "exclude")
    decisions = {pid: p["decision"] for p in cli.people().values() if (pid := int(p["id"])) in named}
    assert decisions == {named[0]: "undecided", **{pid: "exclude" for pid in named[1:]}}


def test_an_excluded_card_back_in_another_book_with_her_address_comes_back_excluded(cli: Cli) -> None:
    """Jane excluded in phone.vcf, the book forgotten, then google.csv brings Jane Doe with her excluded
    address: her name and her address, more than the same book and her name (which excludes her again),
    left her undecided. She comes back excluded, and said."""
    exclude_jane(cli)
    cli.ok("forget", "phone.vcf")
    said = cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + "Jane,,Doe,Home,jane.doe@gmail.com,,,Initech,\n"
                                                                   "Jane,,Roe,Home,jane@roe.io,,,,\n"))
    assert "google.csv: 1 card of people you excluded came back, excluded again: Jane Doe" in said
    people = cli.people()
    assert people["jane.doe@gmail.com"]["decision"] == "exclude"
    assert people["jane@roe.io"]["decision"] == "undecided"
    assert active_exclusions(cli) == 1
    cli.ok("forget", "google.csv")
    cli.ok("import", cli.file("other.csv", GOOGLE_HEADER + "Jane,,Doe,Work,jdoe@initech.com,,,Initech,\n"))
    assert cli.people()["jdoe@initech.com"]["decision"] == "undecided"  # a name alone: held, not excluded
    code, _out, _err = cli("mark", cli.id("jdoe@initech.com"), "--as", "knows-me")
    assert code == 1


@pytest.mark.parametrize("first, last", [
    ("Juergen", "Mueller"),  # transliterated
    ("Jürgen", "Mueller"),
    ("Jurgen", "Muller"),  # accents dropped
    ("JÜRGEN", "MÜLLER"),  # in capitals
    ("Mueller", "Juergen"),  # the two names swapped, and transliterated
    ("Müller, Jürgen", ""),  # "Last, First" in the First Name column
])
def test_an_excluded_name_spelled_otherwise_in_another_book_is_held_and_said(cli: Cli, first: str, last: str) -> None:
    """Jürgen Müller excluded, his book forgotten, then a card of his name spelled another way: the export
    gate stopped it, but the import held only his exact name, so Juergen Mueller came back undecided unsaid
    and `mark --as knows-me` took him. Each spelling the matcher reads as his name is held, said, and refused."""
    cli.ok("import", cli.file("phone.vcf", vcard("N:Müller;Jürgen;;;\nFN:Jürgen Müller\nEMAIL:jm@old.de")))
    jurgen = cli.id("jm@old.de")
    cli.ok("mark", jurgen, "--as", "exclude")
    cli.ok("forget", "phone.vcf")
    said = cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + f'"{first}",,"{last}",Home,jm@new.de,,,,\n'))
    new = cli.id("jm@new.de")
    assert f"google.csv: 1 card alike a person you excluded, held undecided" in said
    assert f"{new}: " in said and f"bears the name of {jurgen}: Jürgen Müller (excluded" in said
    assert f"knowme mark {new} --not-same-as {jurgen}" in said
    assert cli.people()["jm@new.de"]["decision"] == "undecided"
    code, _out, err = cli("mark", new, "--as", "knows-me")
    assert code == 1 and "Jürgen Müller (excluded, in no address book any more)" in err


def test_a_namesake_of_an_excluded_common_name_by_nickname_or_initial_is_not_held(cli: Cli) -> None:
    """Only the excluded name itself, however spelled, is held at import: John Smith excluded, a Jon Smith,
    a Johnny Smith, a J. Smith and a John Smithson are other people as far as the import can tell (the export
    gate still asks about the alike ones), and a John Smyth, one spelled name with his, is held."""
    cli.ok("import", cli.file("phone.vcf", vcard("N:Smith;John;;;\nFN:John Smith\nEMAIL:john@old.com")))
    cli.ok("mark", "john@old.com", "--as", "exclude")
    cli.ok("forget", "phone.vcf")
    said = cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + "Jon,,Smith,Home,jon@x.com,,,,\n"
                                     "Johnny,,Smith,Home,johnny@x.com,,,,\nJ.,,Smith,Home,j@x.com,,,,\n"
                                     "John,,Smithson,Home,js@x.com,,,,\nJohn,,Smyth,Home,smyth@x.com,,,,\n"))
    assert "google.csv: 1 card alike a person you excluded, held undecided" in said
    assert f"{cli.id('smyth@x.com')}: John Smyth bears the name of" in said
    for other in ("jon@x.com", "johnny@x.com", "j@x.com", "js@x.com"):
        assert f"{cli.id(other)}: " not in said
    cli.ok("mark", "jon@x.com", "johnny@x.com", "j@x.com", "js@x.com", "--as", "personalize")


def test_names_apart_only_by_their_digits_are_not_one_spelled_name(cli: Cli) -> None:
    """A spelling key reads "11" as "1" (doubled letters): Given1 Family1 was refused knows-me as bearing
    the name of the excluded Given11 Family11 (two people of a numbered test book, marked side by side)."""
    cli.ok("import", cli.file("book.vcf", vcard("N:Family11;Given11;;;\nFN:Given11 Family11\nEMAIL:p11@x.com",
                                                "N:Family1;Given1;;;\nFN:Given1 Family1\nEMAIL:p1@x.com")))
    cli.ok("mark", "p11@x.com", "--as", "exclude")
    cli.ok("mark", "p1@x.com", "--as", "knows-me")


def test_a_workspace_from_before_spelled_names_finds_an_excluded_name_spelled_otherwise(cli: Cli) -> None:
    """A workspace whose exclusions were made before names were kept as the matcher spells them (v10) gains
    them when opened: Juergen Mueller, imported after, is held and refused as in a new workspace."""
    cli.ok("import", cli.file("phone.vcf", vcard("N:Müller;Jürgen;;;\nFN:Jürgen Müller\nEMAIL:jm@old.de")))
    cli.ok("mark", "jm@old.de", "--as", "exclude")
    cli.ok("forget", "phone.vcf")
    with Store.open(cli.db) as store:
        store.conn.execute("DROP TABLE spelled_names")
        store.conn.execute("PRAGMA user_version=10")
    said = cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + "Juergen,,Mueller,Home,jm@new.de,,,,\n"))
    assert "google.csv: 1 card alike a person you excluded, held undecided" in said
    code, _out, err = cli("mark", "jm@new.de", "--as", "knows-me")
    assert code == 1 and "Jürgen Müller (excluded, in no address book any more)" in err


def test_another_name_on_an_excluded_address_is_held_not_excluded(cli: Cli) -> None:
    """A card of another name holding the gone ex-boss's address is not his card back: held, and said."""
    cli.ok("import", cli.file("first.vcf", vcard("FN:Ex Boss\nEMAIL:boss@oldcorp.example")))
    cli.ok("mark", cli.id("boss@oldcorp.example"), "--as", "exclude")
    cli.ok("forget", "first.vcf")
    said = cli.ok("import", cli.file("later.vcf", vcard("FN:New Contact\nEMAIL:boss@oldcorp.example")))
    assert cli.people()["boss@oldcorp.example"]["decision"] == "undecided"
    assert "later.vcf: 1 card alike a person you excluded, held undecided" in said
    assert "New Contact holds boss@oldcorp.example, an address of" in said

# ---- splitting an excluded person ---------------------------------------------------------------------


def test_each_part_of_a_split_excluded_person_keeps_an_exclusion_of_its_own(cli: Cli) -> None:
    """Jane's two cards merged, excluded, then split: both parts stayed excluded under one exclusion, and
    un-excluding one lifted it, the other part's addresses with it (status: exclude 1, the list: 0
    exclusions). Now each part has its own; un-excluding one asks about the other, and lifts only its own."""
    cli.ok("import", cli.file("phone.vcf", vcard("N:Doe;Jane;;;\nFN:Jane Doe\nEMAIL:jane.doe@gmail.com\n"
                                                 "TEL:+1 415 555 0142")))
    cli.ok("import", cli.file("google.csv", GOOGLE_HEADER + "Jane,,Doe,Work,jdoe@work.com,Mobile,+1 415 555 0142,,\n"))
    cli.ok("dedupe")
    [merged] = cli.people().values()
    cli.ok("mark", merged["id"], "--as", "exclude")
    cli.ok("split", merged["id"])
    home, work = cli.id("jane.doe@gmail.com"), cli.id("jdoe@work.com")
    assert active_exclusions(cli) == 2 and json.loads(cli.ok("status", "--json"))["decisions"]["exclude"] == 2
    code, _out, err = cli("mark", work, "--as", "knows-me", "--unexclude")
    assert code == 1 and f"a phone of {home}: Jane Doe (excluded)" in err
    assert f"knowme mark {work} --not-same-as {home}" in err
    assert f"to lift both: knowme mark {work} {home} --as knows-me --unexclude" in err
    cli.ok("mark", work, home, "--as", "knows-me", "--unexclude")  # the way out it names works
    assert active_exclusions(cli) == 0
    cli.ok("undo")
    cli.ok("mark", work, "--not-same-as", home)
    cli.ok("mark", work, "--as", "knows-me", "--unexclude")
    assert cli.people()["jane.doe@gmail.com"]["decision"] == "exclude"
    assert active_exclusions(cli) == 1
    assert "suppression list: 1 exclusion (" in cli.ok("status")
    code, out, err, path = cli.export()
    assert "jane.doe@gmail.com" not in (path.read_text() if path.exists() else "")
    # undoing the split gives back the one exclusion of the one person; its redo the two
    for _ in range(3):
        cli.ok("undo")
    assert len(cli.people()) == 1 and active_exclusions(cli) == 1
    cli.ok("redo")
    assert len(cli.people()) == 2 and active_exclusions(cli) == 2


def test_another_name_on_a_gone_excluded_persons_address_is_told_both_answers_plainly(cli: Cli) -> None:
    """The ex-boss's card left every book; "New Contact" comes back holding his address. Nobody is left to
    un-exclude, so only an answer about who this is settles it: the refusal says so by name, and says what
    --not-same-as keeps (his address is still never uploaded), and each way out it names works."""
    cli.ok("import", cli.file("first.vcf", vcard("FN:Ex Boss\nEMAIL:boss@oldcorp.example")))
    boss = cli.id("boss@oldcorp.example")
    cli.ok("mark", boss, "--as", "exclude")
    cli.ok("forget", "first.vcf")
    cli.ok("import", cli.file("later.vcf", vcard("FN:New Contact\nEMAIL:boss@oldcorp.example",
                                                 "FN:Ana Silva\nEMAIL:ana@example.org")))
    new = cli.id("boss@oldcorp.example")
    for extra in ([], ["--unexclude"]):
        code, _out, err = cli("mark", new, "--as", "knows-me", *extra)
        assert code == 1 and len(err.strip().splitlines()) == 1
        assert (f"{new}: New Contact holds boss@oldcorp.example, an address of {boss}: Ex Boss (excluded, in no "
                f"address book any more): Ex Boss's exclusion stays (--unexclude lifts no other name's); if New "
                f"Contact is someone else: knowme mark {new} --not-same-as {boss} (boss@oldcorp.example stays out "
                f"of every upload all the same); if New Contact is Ex Boss: knowme mark {new} --as exclude") in err
    cli.ok("mark", new, "--as", "exclude")  # the one way out
    assert cli.people()["boss@oldcorp.example"]["decision"] == "exclude"
    cli.ok("undo")
    cli.ok("mark", new, "--not-same-as", boss)  # the other
    cli.ok("mark", new, "--as", "knows-me")
    code, out, err, path = cli.export()
    assert "boss@oldcorp.example" not in (path.read_text() if path.exists() else "")

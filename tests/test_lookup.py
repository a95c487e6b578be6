"""`knowme mark QUERY` (and `--not-same-as`, `split`) find a person by any spelling of their address or phone:
the query is read the way the suppression list reads addresses (`normalize.mailbox_key`) and phones (E.164 in
the workspace's region), so what the user copies from a mail header or a phone finds who holds it."""
from __future__ import annotations

from pathlib import Path

import pytest

from knowme.cli.main import main
from knowme.store.core import Store

CARDS = [
    ("Jane Doe", "EMAIL:jane.doe@gmail.com", "TEL:+1 415 555 0144"),
    ("Jürgen Müller", "EMAIL:jurgen@münchen.de", "TEL:020 7946 0958"),
    ("Kei Tanaka", "EMAIL:ｋｅｉ@Example.JP", ""),
    ("Tom Dot", "EMAIL:tom@example.com.", ""),
    ("Sam Roe", "EMAIL:sam.roe@gmail.com", ""),
    ("Samuel Roe", "EMAIL:SamRoe+old@googlemail.com", ""),
]


class Cli:
    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.capsys = db, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main(["--db", str(self.db), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def decision_of(self, name: str) -> str:
        with Store.open(self.db) as store:
            return store.conn.execute("SELECT decision FROM people WHERE name=?", (name,)).fetchone()[0]

    def id_of(self, name: str) -> int:
        with Store.open(self.db) as store:
            return store.conn.execute("SELECT id FROM people WHERE name=?", (name,)).fetchone()[0]


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    book = tmp_path / "book.vcf"
    book.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\n{email}\r\n" + (f"{tel}\r\n" if tel else "")
                            + "END:VCARD\r\n" for name, email, tel in CARDS), encoding="utf-8")
    run = Cli(tmp_path / "w.db", capsys)
    code, _, err = run("import", "--region", "GB", str(book))  # the workspace's phone region is GB
    assert code == 0, err
    return run


SPELLINGS = [
    ("ＪＡＮＥ．ＤＯＥ＠ＧＭＡＩＬ．ＣＯＭ", "Jane Doe"),  # fullwidth, as some input methods type it
    ("JANE.DOE@GMAIL.COM", "Jane Doe"),
    ("janedoe@gmail.com", "Jane Doe"),  # Gmail ignores dots
    ("jane.doe+linkedin@gmail.com", "Jane Doe"),
    ("jane.doe@googlemail.com", "Jane Doe"),
    ("jane.doe@gmail.com.", "Jane Doe"),  # trailing dot of a fully qualified domain
    ("mailto:Jane.Doe@gmail.com", "Jane Doe"),
    ("Jane Doe <jane.doe@gmail.com>", "Jane Doe"),
    ('"Doe, Jane" <JANE.DOE@gmail.com>', "Jane Doe"),
    ("jurgen@xn--mnchen-3ya.de", "Jürgen Müller"),  # punycode query, Unicode stored
    ("Jurgen@MÜNCHEN.de", "Jürgen Müller"),
    ("kei@example.jp", "Kei Tanaka"),  # fullwidth stored, plain query
    ("tom@example.com", "Tom Dot"),  # trailing dot stored, none typed
    ("+1 (415) 555-0144", "Jane Doe"),
    ("+14155550144", "Jane Doe"),
    ("tel:+1-415-555-0144", "Jane Doe"),
    ("001 415 555 0144", "Jane Doe"),  # dialled from the workspace's region
    ("020 7946 0958", "Jürgen Müller"),  # national format of the workspace's region
    ("+44 20 7946 0958", "Jürgen Müller"),
    ("02079460958", "Jürgen Müller"),  # digits only and no such person id: a phone number
]


@pytest.mark.parametrize(("query", "name"), SPELLINGS)
def test_mark_finds_the_person_by_any_spelling(cli: Cli, query: str, name: str) -> None:
    code, _, err = cli("mark", query, "--as", "knows-me")
    assert code == 0, err
    assert cli.decision_of(name) == "knows-me"
    decided = [n for n, *_ in CARDS if cli.decision_of(n) != "undecided"]
    assert decided == [name]


def test_a_mailbox_two_people_hold_is_ambiguous_and_lists_both(cli: Cli) -> None:
    code, _, err = cli("mark", "S.A.M.R.O.E@googlemail.com", "--as", "exclude")
    assert code == 1
    assert "matches 2 people" in err and "Sam Roe" in err and "Samuel Roe" in err and "use the id" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert cli.decision_of("Sam Roe") == cli.decision_of("Samuel Roe") == "undecided"
    code, _, err = cli("mark", str(cli.id_of("Sam Roe")), "--as", "exclude")  # the id still picks one
    assert code == 0, err
    assert cli.decision_of("Sam Roe") == "exclude" and cli.decision_of("Samuel Roe") == "undecided"


def test_unknown_address_and_phone_name_nobody(cli: Cli) -> None:
    for query in ("jane.doe@example.com", "+1 415 555 0199", "jane.doe@gmail.co"):
        code, _, err = cli("mark", query, "--as", "knows-me")
        assert code == 1 and "nobody matches" in err, (query, err)


def test_exact_id_and_name_still_win(cli: Cli) -> None:
    jane = cli.id_of("Jane Doe")
    assert cli("mark", str(jane), "--as", "personalize")[0] == 0
    assert cli.decision_of("Jane Doe") == "personalize"
    assert cli("mark", "tom dot", "--as", "knows-me")[0] == 0
    assert cli.decision_of("Tom Dot") == "knows-me"


def test_not_same_as_and_split_take_any_spelling(cli: Cli) -> None:
    code, _, err = cli("mark", "Jane Doe <JANE.DOE@googlemail.com>", "--not-same-as", "+44 20 7946 0958")
    assert code == 0, err
    code, out, err = cli("split", "ｊａｎｅｄｏｅ＋ｘ＠ｇｍａｉｌ．ｃｏｍ")
    assert code == 0, err
    assert f"person {cli.id_of('Jane Doe')} has only one record" in out
    code, _, err = cli("split", "samroe@gmail.com")
    assert code == 1 and "matches 2 people" in err

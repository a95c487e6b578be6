"""The export gate reads a name every way the app itself reads, shows or writes it.

Each test replays a way an attacker brought an excluded person (Robert Smith, bob.smith@acme.com)
back into the safe file under a knows-me card with another address: the name only in the nickname,
the name inside a longer display name, surname first, a nickname the blocking missed, a name in
another script, a phone written with and without its country code. Each such card must block the
export (exit 1, nothing written) until the user says who it is, and people who merely share a first
name or a surname with the excluded person must not.
"""
from __future__ import annotations

import pytest
from test_suppression import Cli, blocked, cli, vcard  # noqa: F401 (cli is a fixture)

ROBERT = "N:Smith;Robert;;;\nFN:Robert Smith\nEMAIL:bob.smith@acme.com\nUID:robert-1"


def exclude(cli: Cli, *cards: str) -> list[int]:
    """Import these cards (the excluded people, each with an address) and exclude each; their ids."""
    path = cli.file("excluded.vcf", vcard(*cards))
    cli.ok("import", path)
    ids = []
    for card in cards:
        email = next(line.partition(":")[2] for line in card.splitlines() if line.startswith("EMAIL"))
        ids.append(cli.id(email.lower()))
    cli.ok("mark", *ids, "--as", "exclude")
    return ids


def knows_me(cli: Cli, name: str, text: str, *args: str) -> None:
    """Import one file and mark everyone in it knows-me (before anyone is excluded, as a user might)."""
    before = set(cli.people()) if cli.db.exists() else set()
    cli.ok("import", cli.file(name, text), *args)
    new = [str(p["id"]) for key, p in cli.people().items() if key not in before]
    cli.ok("mark", *new, "--as", "knows-me")


def conflicts_with(cli: Cli, excluded: int) -> dict[int, dict]:
    """The knows-me people a refused export names as maybe this excluded person (the best conflict each)."""
    found: dict[int, dict] = {}
    for conflict in blocked(cli):
        if conflict["excluded"] == excluded:
            found.setdefault(conflict["knows_me"], conflict)
    return found


def resolved_export(cli: Cli, conflicts: dict[int, dict]) -> str:
    """Answer every conflict with `--not-same-as` and export: the file now written."""
    for knows_me_id, conflict in conflicts.items():
        cli.ok("mark", knows_me_id, "--not-same-as", conflict["excluded"])
    code, out, err, path = cli.export()
    assert code == 0, (out, err)
    return path.read_text(encoding="utf-8")


# ---- 1. the name only in the nickname ----------------------------------------------------------------


def test_a_card_named_only_by_its_nickname_blocks_as_the_export_would_write_that_name(cli: Cli) -> None:
    knows_me(cli, "nick.vcf", vcard("NICKNAME:Bob Smith\nEMAIL:bobby@newmail.io"))
    [robert] = exclude(cli, ROBERT)
    found = conflicts_with(cli, robert)
    bob = cli.id("bobby@newmail.io")
    assert list(found) == [bob] and found[bob]["kind"] == "name"
    assert f"{bob}: Bob Smith (knows-me) looks like {robert}: Robert Smith (excluded)" in found[bob]["reason"]
    assert "Bob,Smith" in resolved_export(cli, found)  # the name the check read is the one written


# ---- 2. the name inside a longer one -----------------------------------------------------------------


@pytest.mark.parametrize("name,text", [
    ("fn.vcf", vcard("N:;;;;\nFN:Bob Smith Acme Corp\nEMAIL:bs@newmail.io")),
    ("dash.vcf", vcard("N:;;;;\nFN:Bob Smith - Acme\nEMAIL:bs@newmail.io")),
    ("given.vcf", vcard("N:;Bob Smith Acme Corp;;;\nEMAIL:bs@newmail.io")),
    ("names.csv", "Name,E-mail Address\nBob Smith Acme Corp,bs@newmail.io\n"),
    ("aside.vcf", vcard("N:;;;;\nFN:Bob James (Bobby) Smith\nEMAIL:bs@newmail.io")),
], ids=["fn", "fn-with-dash", "n-given", "csv-name-column", "fn-with-an-aside"])
def test_a_name_of_four_or_more_words_holding_the_excluded_name_blocks(cli: Cli, name: str, text: str) -> None:
    knows_me(cli, name, text)
    [robert] = exclude(cli, ROBERT)
    found = conflicts_with(cli, robert)
    assert list(found) == [cli.id("bs@newmail.io")] and found[cli.id("bs@newmail.io")]["kind"] == "name"


MBOX = """From MAILER-DAEMON Mon Mar  4 10:00:00 2024
From: "Robert Smith via LinkedIn" <messages-noreply@linkedin.com>
To: me@home.example
Subject: Robert sent you a message
Date: Mon, 04 Mar 2024 10:00:00 +0100
Message-ID: <1@linkedin.example>

Hi

"""


def test_a_mail_sender_named_robert_smith_via_linkedin_blocks(cli: Cli) -> None:
    knows_me(cli, "inbox.mbox", MBOX, "--me", "me@home.example")
    [robert] = exclude(cli, ROBERT)
    found = conflicts_with(cli, robert)
    assert list(found) == [cli.id("messages-noreply@linkedin.com")]


def test_long_names_sharing_only_a_first_name_or_a_surname_do_not_block(cli: Cli) -> None:
    """Reading every two adjacent words of a long name must not flag a Robert or a Smith who is
    plainly someone else."""
    knows_me(cli, "others.vcf", vcard(
        "N:;;;;\nFN:Robert Jones Acme Corp\nEMAIL:rj@x.io", "N:;;;;\nFN:Mary Smith - Acme\nEMAIL:ms@x.io",
        "N:;;;;\nFN:Anna Maria Smith Jones\nEMAIL:amsj@x.io", "N:;;;;\nFN:Smith & Wesson Sales Team\nEMAIL:sw@x.io"))
    cli.ok("import", cli.file("fine.vcf", vcard("N:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@lee.io")))
    cli.ok("mark", "ann@lee.io", "--as", "knows-me")
    exclude(cli, ROBERT)
    code, out, err, path = cli.export()
    assert code == 0, (out, err)
    text = path.read_text(encoding="utf-8")
    assert all(address in text for address in ("rj@x.io", "ms@x.io", "amsj@x.io", "ann@lee.io"))


# ---- 3. surname first ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name,text", [
    ("full.csv", "Full Name,Email\nSmith Bob,bs@newmail.io\n"),
    ("swapped.vcf", vcard("N:Bob;Smith;;;\nEMAIL:bs@newmail.io")),
    ("upper.vcf", vcard("N:;;;;\nFN:SMITH Bob\nEMAIL:bs@newmail.io")),
], ids=["csv-full-name", "n-fields-swapped", "fn-surname-in-capitals"])
def test_the_surname_first_with_a_nickname_blocks(cli: Cli, name: str, text: str) -> None:
    knows_me(cli, name, text)
    [robert] = exclude(cli, ROBERT)
    found = conflicts_with(cli, robert)
    assert list(found) == [cli.id("bs@newmail.io")] and found[cli.id("bs@newmail.io")]["kind"] == "name"


# ---- 4. nicknames the table spells otherwise, or lacks --------------------------------------------------

GOOGLE_HEADER = "First Name,Middle Name,Last Name,E-mail 1 - Label,E-mail 1 - Value\n"


@pytest.mark.parametrize("excluded,first", [
    ("N:Smith;William;;;\nFN:William Smith\nEMAIL:bill@acme.com", "Liam"),
    (ROBERT, "Robbie"),
    ("N:Smith;Katherine;;;\nFN:Katherine Smith\nEMAIL:kath@acme.com", "Katie"),
], ids=["liam-for-william", "robbie-for-robert", "katie-for-katherine"])
def test_a_nickname_the_table_lacks_or_spells_otherwise_blocks(cli: Cli, excluded: str, first: str) -> None:
    knows_me(cli, "new.csv", GOOGLE_HEADER + f"{first},,Smith,,n@newmail.io\n")
    [them] = exclude(cli, excluded)
    found = conflicts_with(cli, them)
    assert list(found) == [cli.id("n@newmail.io")] and found[cli.id("n@newmail.io")]["similarity"] >= 90


def test_first_names_that_only_end_alike_do_not_block(cli: Cli) -> None:
    """Dean is not Sean, Ronald is not Donald, Albert is not Robert, though each pair ends alike."""
    knows_me(cli, "new.csv", GOOGLE_HEADER + "Dean,,Smith,,dean@x.io\nRonald,,Smith,,ronald@x.io\n"
                                             "Albert,,Smith,,albert@x.io\nHerbert,,Smith,,herbert@x.io\n")
    exclude(cli, ROBERT, "N:Smith;Sean;;;\nFN:Sean Smith\nEMAIL:sean@acme.com",
            "N:Smith;Donald;;;\nFN:Donald Smith\nEMAIL:donald@acme.com")
    code, out, err, path = cli.export()
    assert code == 0, (out, err)
    assert all(f"{who}@x.io" in path.read_text() for who in ("dean", "ronald", "albert", "herbert"))


# ---- 5 and 6. other scripts ------------------------------------------------------------------------------


def test_a_japanese_name_written_without_a_space_blocks(cli: Cli) -> None:
    knows_me(cli, "new.vcf", vcard("FN:山田太郎\nEMAIL:yamada@newmail.jp"))
    [taro] = exclude(cli, "N:山田;太郎;;;\nEMAIL:taro@acme.jp")
    assert list(conflicts_with(cli, taro)) == [cli.id("yamada@newmail.jp")]


@pytest.mark.parametrize("excluded,card", [
    ("N:Petrov;Ivan;;;\nFN:Ivan Petrov\nEMAIL:ivan@acme.com", "N:Петров;Иван;;;\nFN:Иван Петров"),
    ("N:Петров;Иван;;;\nFN:Иван Петров\nEMAIL:ivan@acme.com", "N:Petrov;Ivan;;;\nFN:Ivan Petrov"),
    ("N:Papadopoulos;Nikos;;;\nFN:Nikos Papadopoulos\nEMAIL:nikos@acme.com", "FN:Νίκος Παπαδόπουλος"),
    (ROBERT, "FN:Роберт Смит"),
], ids=["cyrillic-card", "cyrillic-excluded", "greek-card", "cyrillic-robert-smith"])
def test_a_name_in_another_script_blocks(cli: Cli, excluded: str, card: str) -> None:
    knows_me(cli, "new.vcf", vcard(f"{card}\nEMAIL:n@newmail.io",
                                   "N:Петрова;Мария;;;\nFN:Мария Петрова\nEMAIL:maria@newmail.io"))
    [them] = exclude(cli, excluded)
    assert list(conflicts_with(cli, them)) == [cli.id("n@newmail.io")]  # and not Maria Petrova


# ---- 7. one phone written with and without its country code ------------------------------------------------


@pytest.mark.parametrize("theirs,mine", [
    ("07700 900123", "+44 7700 900123"),
    ("+44 7700 900123", "07700 900123"),
    ("0170 1234567", "+49 170 1234567"),
], ids=["excluded-national-form", "card-national-form", "german-mobile"])
def test_a_phone_written_with_and_without_its_country_code_blocks_for_review(cli: Cli, theirs: str,
                                                                           mine: str) -> None:
    """In an American workspace 07700 900123 is no number at all, so it never met +44 7700 900123:
    the same last nine digits are how dedupe matches them, and the gate asks about them too."""
    knows_me(cli, "new.vcf", vcard(f"N:Jones;Alex;;;\nFN:Alex Jones\nTEL:{mine}\nEMAIL:alex@newmail.io",
                                   "N:Lee;Ann;;;\nFN:Ann Lee\nTEL:+1 415 555 0123\nEMAIL:ann@newmail.io"),
             "--region", "US")
    [robert, other] = exclude(cli, f"{ROBERT}\nTEL:{theirs}",
                              "N:Ng;Kim;;;\nFN:Kim Ng\nTEL:+1 515 555 0123\nEMAIL:kim@acme.com")
    alex = cli.id("alex@newmail.io")
    found = conflicts_with(cli, robert)
    assert list(found) == [alex] and found[alex]["kind"] == "phone-tail"
    assert found[alex]["reason"] == (f"{alex}: Alex Jones (knows-me) has a phone that may be one of {robert}: "
                                     f"Robert Smith (excluded): {mine} and {theirs} end in the same nine digits")
    assert found[alex]["command"] == f"knowme mark {alex} --as exclude  |  knowme mark {alex} --not-same-as {robert}"
    assert not conflicts_with(cli, other)  # two American numbers that end alike are two numbers
    text = resolved_export(cli, found)
    assert "alex@newmail.io" in text and "ann@newmail.io" in text

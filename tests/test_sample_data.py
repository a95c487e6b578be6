"""The committed sample data: reproducible, complete ground truth, and shaped like real exports.

Only the standard library reads the files here (no knowme code), so these tests check the
data itself, not our importers.
"""
from __future__ import annotations

import collections
import csv
import io
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
GENERATOR = SAMPLE / "generate.py"
ROOT = SAMPLE.parent
BOOKS = ("google_contacts.csv", "outlook_contacts.csv", "iphone.vcf", "android.vcf", "Connections.csv")
GENERATED = BOOKS + ("sent.mbox", "inbox.mbox", "truth.json")
ROLES = {"friend", "colleague", "old-colleague", "ex-boss", "ex-partner", "family", "acquaintance",
         "role-account", "newsletter"}
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


# -- reading the files with the standard library only ---------------------------------------------
def csv_rows(path: Path) -> list[list[str]]:
    """Data rows of one address-book CSV (header and LinkedIn's preamble skipped)."""
    raw = path.read_bytes()
    if path.name == "outlook_contacts.csv":
        text = raw.decode("cp1252")
    else:
        text = raw.decode("utf-8-sig")
    if path.name == "Connections.csv":
        text = text[text.index(LINKEDIN_HEADER):]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[1:]


def csv_header(path: Path) -> list[str]:
    text = path.read_bytes().decode("cp1252" if path.name == "outlook_contacts.csv" else "utf-8-sig")
    if path.name == "Connections.csv":
        text = text[text.index(LINKEDIN_HEADER):]
    return next(csv.reader(io.StringIO(text, newline="")))


def vcards(path: Path) -> list[str]:
    """The text of each card, in file order (unfolded, QP soft breaks left as they are)."""
    text = path.read_bytes().decode("utf-8").replace("\r\n ", "")
    return re.findall(r"BEGIN:VCARD\r\n.*?END:VCARD\r\n", text, flags=re.S)


def record_texts(directory: Path) -> dict[str, list[str]]:
    """Every record of every address book as one searchable string, by file."""
    out: dict[str, list[str]] = {}
    for name in BOOKS:
        path = directory / name
        out[name] = vcards(path) if name.endswith(".vcf") else [",".join(row) for row in csv_rows(path)]
    return out


def load_truth(directory: Path = SAMPLE) -> list[dict]:
    return json.loads((directory / "truth.json").read_text(encoding="utf-8"))


def run_generator(out: Path, *args: str, hash_seed: str = "0") -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--quiet", *args],
                   check=True, env=env, timeout=300)


def check_truth_covers(directory: Path, truth: list[dict]) -> None:
    texts = record_texts(directory)
    seen: dict[str, collections.Counter] = {name: collections.Counter() for name in BOOKS}
    for person in truth:
        for rec in person["records"]:
            seen[rec["source"]][rec["index"]] += 1
    for name in BOOKS:
        count = len(texts[name])
        assert count > 0, name
        assert set(seen[name]) == set(range(1, count + 1)), f"{name}: truth does not list every record"
        assert max(seen[name].values()) == 1, f"{name}: a record belongs to two people"


# -- reproducibility ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = re.search(r'FAKER_VERSION = "([^"]+)"', GENERATOR.read_text(encoding="utf-8")).group(1)
    if metadata.version("faker") != wanted:
        pytest.skip(f"sample data was generated with faker {wanted}, not {metadata.version('faker')}")
    out = tmp_path_factory.mktemp("regenerated")
    run_generator(out, hash_seed="12345")  # a different hash seed than the committed run used
    return out


def test_the_test_extra_pins_the_faker_that_made_the_samples() -> None:
    """The reproducibility tests below need that very faker: the test extra pins it, so CI runs them."""
    wanted = re.search(r'FAKER_VERSION = "([^"]+)"', GENERATOR.read_text(encoding="utf-8")).group(1)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"faker=={wanted}"' in pyproject


@pytest.mark.parametrize("name", GENERATED)
def test_default_run_reproduces_committed_file(regenerated: Path, name: str) -> None:
    assert (regenerated / name).read_bytes() == (SAMPLE / name).read_bytes(), (
        f"{name} differs: rerun `python sample_data/generate.py` and commit the result")


@pytest.mark.slow
def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    run_generator(tmp_path, "--seed", "8", "--people", "120")
    assert (tmp_path / "google_contacts.csv").read_bytes() != (SAMPLE / "google_contacts.csv").read_bytes()
    check_truth_covers(tmp_path, load_truth(tmp_path))


# -- the ground truth ---------------------------------------------------------------------------
def test_truth_covers_every_record_exactly_once() -> None:
    check_truth_covers(SAMPLE, load_truth())


def test_truth_entries_are_well_formed() -> None:
    truth = load_truth()
    assert len(truth) == 300
    assert [p["person"] for p in truth] == [f"P{i:04d}" for i in range(1, 301)]
    for p in truth:
        assert p["name"] and p["role"] in ROLES and p["records"], p
        assert all(rec["source"] in BOOKS and rec["index"] >= 1 for rec in p["records"])
    assert {p["role"] for p in truth} == ROLES


def test_mail_addresses_in_truth_occur_in_the_mboxes() -> None:
    mail = (SAMPLE / "sent.mbox").read_text(encoding="utf-8") + (SAMPLE / "inbox.mbox").read_text(encoding="utf-8")
    truth = load_truth()
    listed = [a for p in truth for a in p.get("mail", [])]
    assert len(listed) > 100
    owners = collections.defaultdict(set)
    for p in truth:
        for address in p.get("mail", []):
            owners[address].add(p["person"])
    for address, people in owners.items():  # only a household address may belong to two people
        if len(people) > 1:
            a, b = sorted(people)
            assert next(p for p in truth if p["person"] == a).get("household_with") == b, address
    for address in listed:
        assert f"<{address}>" in mail or f"From: {address}" in mail, address


# -- the shape of the duplicates ----------------------------------------------------------------
def test_file_sizes_and_overlap() -> None:
    truth = load_truth()
    texts = record_texts(SAMPLE)
    for name in BOOKS:
        assert 80 <= len(texts[name]) <= 200, (name, len(texts[name]))
    files_per_person = [len({r["source"] for r in p["records"]}) for p in truth]
    multi = sum(n >= 2 for n in files_per_person) / len(truth)
    assert 0.5 <= multi <= 0.75, multi
    assert sum(n >= 4 for n in files_per_person) >= 15
    assert sum(len(p["records"]) > len({r["source"] for r in p["records"]}) for p in truth) >= 5  # dup in one file


def test_the_intended_traps_are_present() -> None:
    traps = collections.Counter(t for p in load_truth() for t in p.get("traps", []))
    for trap, at_least in {"nickname": 30, "typo": 8, "no-accents": 3, "caps": 5, "inverted-name": 5,
                           "middle-initial": 5, "old-employer": 20, "old-phone": 5, "email-only": 5,
                           "household": 4, "romanized": 3}.items():
        assert traps[trap] >= at_least, (trap, traps[trap])


def _records_of(person: dict, texts: dict[str, list[str]]) -> list[str]:
    return [texts[r["source"]][r["index"] - 1] for r in person["records"]]


def test_households_share_a_key_but_stay_two_people() -> None:
    truth = load_truth()
    by_id = {p["person"]: p for p in truth}
    texts = record_texts(SAMPLE)
    couples = [(p, by_id[p["household_with"]]) for p in truth if p.get("household_with", "") > p["person"]]
    assert len(couples) >= 3
    shared_seen = 0
    for a, b in couples:
        assert a["name"].split()[0] != b["name"].split()[0]
        assert a["name"].split()[-1] == b["name"].split()[-1]
        emails = [set(re.findall(r"[\w.+-]+@[\w.-]+\.\w+", "\n".join(_records_of(p, texts)))) for p in (a, b)]
        shared_seen += bool(emails[0] & emails[1])
    assert shared_seen >= 2, "household mail address should appear in both partners' records"


def test_namesakes_are_different_people_with_different_mail() -> None:
    truth = load_truth()
    by_id = {p["person"]: p for p in truth}
    texts = record_texts(SAMPLE)
    pairs = [(p, by_id[p["namesake_of"]]) for p in truth if p.get("namesake_of", "") > p["person"]]
    assert len(pairs) >= 2
    for a, b in pairs:
        assert a["name"] == b["name"]
        mails = [set(re.findall(r"[\w.+-]+@[\w.-]+\.\w+", "\n".join(_records_of(p, texts)))) for p in (a, b)]
        assert mails[0] and mails[1] and not mails[0] & mails[1]
        assert {r["source"] for r in a["records"]} & {r["source"] for r in b["records"]}, "same file"


def test_one_number_written_several_ways() -> None:
    texts = "\n".join("\n".join(v) for v in record_texts(SAMPLE).values())
    assert re.search(r"\+1 \d{3}-555-01\d\d", texts)
    assert re.search(r"\(\d{3}\) 555-01\d\d", texts)
    assert re.search(r"\b\d{3}55501\d\d\b", texts)
    assert re.search(r"\+1\d{3}55501\d\d", texts)
    assert re.search(r"\b001 \d{3} 555 01\d\d", texts)


# -- the formats ------------------------------------------------------------------------------------
def test_outlook_csv_is_cp1252_with_crlf() -> None:
    raw = (SAMPLE / "outlook_contacts.csv").read_bytes()
    raw.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.count(b"\r\n") >= 80 and b"\n" not in raw.replace(b"\r\n", b"")
    assert csv_header(SAMPLE / "outlook_contacts.csv")[:9] == [
        "First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "Given Yomi", "Surname Yomi",
        "E-mail Address"]
    assert csv_header(SAMPLE / "outlook_contacts.csv")[-1] == "Categories"


def test_google_csv_current_format() -> None:
    raw = (SAMPLE / "google_contacts.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    header = csv_header(SAMPLE / "google_contacts.csv")
    assert header[:17] == ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
                           "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
                           "Organization Name", "Organization Title", "Organization Department", "Birthday",
                           "Notes", "Photo", "Labels"]
    assert header[17:19] == ["E-mail 1 - Label", "E-mail 1 - Value"]
    assert header[-2:] == ["Website 1 - Label", "Website 1 - Value"]
    rows = csv_rows(SAMPLE / "google_contacts.csv")
    labels = header.index("Labels")
    assert all("* myContacts" in row[labels] for row in rows)
    assert any("* starred" in row[labels] for row in rows)
    assert any(" ::: " in cell for row in rows for cell in row[labels + 1:])  # multi-values in one cell
    assert any("\n" in cell for row in rows for cell in row)  # the formatted address spans lines


def test_linkedin_export_preamble() -> None:
    raw = (SAMPLE / "Connections.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfNotes:\n\"When exporting your connection data")
    lines = raw.decode("utf-8-sig").split("\n")
    assert lines[2] == "" and lines[3] == LINKEDIN_HEADER
    rows = csv_rows(SAMPLE / "Connections.csv")
    assert all(re.fullmatch(r"\d\d [A-Z][a-z]{2} 20\d\d", row[6]) for row in rows)
    with_email = sum(bool(row[3]) for row in rows)
    assert 0 < with_email < len(rows) / 3


def test_iphone_vcard_looks_like_apple() -> None:
    raw = (SAMPLE / "iphone.vcf").read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("utf-8")
    assert "VERSION:3.0" in text and "PRODID:-//Apple Inc.//iPhone OS" in text
    assert re.search(r"^item\d+\.EMAIL;type=INTERNET;type=WORK[^:]*:", text, flags=re.M)
    assert "X-ABLabel:_$!<Work>!$_" in text
    assert "TEL;type=CELL;type=VOICE;type=pref:" in text
    assert "X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/" in text.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_android_vcard_quoted_printable() -> None:
    raw = (SAMPLE / "android.vcf").read_bytes()
    text = raw.decode("utf-8")
    assert text.count("VERSION:2.1") == len(vcards(SAMPLE / "android.vcf"))
    assert re.search(r"^N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=[0-9A-F]{2}", text, flags=re.M)
    assert re.search(r"=\r\n=[0-9A-F]{2}", text), "a long value continues after a soft line break"
    assert "TEL;CELL:" in text and "EMAIL;HOME:" in text
    assert "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;" in text


def _messages(name: str) -> list[str]:
    text = (SAMPLE / name).read_text(encoding="utf-8")
    return re.split(r"(?m)^(?=From )", text)[1:]


def test_mboxes() -> None:
    sent, inbox = _messages("sent.mbox"), _messages("inbox.mbox")
    assert len(sent) + len(inbox) == 600
    everything = sent + inbox
    for message in everything:
        head = message.split("\n\n", 1)[0]
        for header in ("From:", "To:", "Date:", "Message-ID:", "Subject:"):
            assert f"\n{header} " in head, header
    assert all("\nFrom: Alex Morgan <alex.morgan@example.net>" in m for m in sent)
    assert sum("\nIn-Reply-To: " in m for m in everything) > 100
    assert any("\nList-Unsubscribe: " in m and "\nPrecedence: bulk" in m for m in inbox)
    assert any("\nAuto-Submitted: auto-generated" in m for m in inbox)
    assert any(m.split("\n\n", 1)[0].count("@") > 20 for m in everything)  # one message to a crowd
    assert any(re.search(r"=\?UTF-8\?[QB]\?", m, flags=re.I) for m in everything)
    assert any("\n>From " in m for m in everything)  # mboxrd quoting of a body line
    years = {int(y) for y in re.findall(r"(?m)^Date: \w{3}, \d\d \w{3} (\d{4})", "".join(everything))}
    assert min(years) == 2018 and max(years) == 2026


@pytest.mark.slow
def test_scaled_run(tmp_path: Path) -> None:
    run_generator(tmp_path, "--people", "1500", "--seed", "3", "--mbox-messages", "2500")
    truth = load_truth(tmp_path)
    assert len(truth) == 1500
    check_truth_covers(tmp_path, truth)
    counts = {name: sum(1 for r in (p["records"] for p in truth) for x in r if x["source"] == name)
              for name in BOOKS}
    assert all(300 <= n <= 1100 for n in counts.values()), counts
    mails = sum(len(re.findall(r"(?m)^From ", (tmp_path / m).read_text(encoding="utf-8")))
                for m in ("sent.mbox", "inbox.mbox"))
    assert mails == 2500


@pytest.mark.slow
def test_no_two_people_share_a_linkedin_profile(tmp_path: Path) -> None:
    """LinkedIn gives each account its own URL: a second John Smith is never linkedin.com/in/johnsmith too
    (at 5,000 people, seed 3, two namesakes did, and the matcher rightly merged them on it)."""
    run_generator(tmp_path, "--people", "5000", "--seed", "3", "--mbox-messages", "10")
    texts = record_texts(tmp_path)
    holders: dict[str, set[str]] = collections.defaultdict(set)
    for person in load_truth(tmp_path):
        for rec in person["records"]:
            for url in re.findall(r"linkedin\.com/in/[\w-]+", texts[rec["source"]][rec["index"] - 1]):
                holders[url].add(person["person"])
    assert len(holders) > 2000
    assert [url for url, people in holders.items() if len(people) > 1] == []

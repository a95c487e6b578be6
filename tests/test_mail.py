"""The mail importer: mbox, Maildir and .eml read as one record per correspondent with its MailSignal."""
from __future__ import annotations

import base64
import itertools
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knowme.importers import ImportOptions, Sniff
from knowme.importers import mail as mail_importer
from knowme.importers._mail_read import MboxReader
from knowme.importers._mail_tally import CROWD_THRESHOLD

from knowme import importers
from knowme.model import ImportResult, NotAnAddressBook, Record

ME = "me@home.example"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def message(frm: str, to: str | list[str], subject: str = "Hello", date: str = "Mon, 04 Mar 2024 10:00:00 +0100",
            msgid: str | None = None, reply_to_id: str | None = None, cc: list[str] | None = None,
            headers: dict[str, str] | None = None, body: str = "Hi there\n") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = to if isinstance(to, str) else ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = date
    if msgid:
        msg["Message-ID"] = msgid
    if reply_to_id:
        msg["In-Reply-To"] = reply_to_id
        msg["References"] = reply_to_id
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg


def write_mbox(path: Path, messages: list[EmailMessage]) -> Path:
    box = mailbox.mbox(str(path))
    box.lock()
    try:
        for msg in messages:
            box.add(msg)
        box.flush()
    finally:
        box.unlock()
        box.close()
    return path


def raw_mbox(path: Path, blocks: list[bytes]) -> Path:
    """An mbox written byte by byte, for headers the email package would refuse or repair."""
    with open(path, "wb") as fh:
        fh.writelines(b"From someone@example.com Mon Mar  4 10:00:00 2024\n" + block.rstrip(b"\n") + b"\n\nbody\n\n" for block in blocks)
    return path


def parse(path: Path, me: list[str] | None = None, **kwargs: object) -> ImportResult:
    return mail_importer.parse(path, ImportOptions(me=[ME] if me is None else me, **kwargs))  # type: ignore[arg-type]


def by_email(result: ImportResult) -> dict[str, Record]:
    return {r.emails[0].value: r for r in result.records}


def conversation() -> list[EmailMessage]:
    """Ann and I write back and forth; Bob wrote once; I wrote to Carl who never answered."""
    return [
        message(f"Me Myself <{ME}>", "Ann Lee <ann@work.example>", "Lunch?", "Mon, 04 Mar 2024 10:00:00 +0100",
                "<m1@home>"),
        message("Ann Lee <ann@work.example>", ME, "Re: Lunch?", "Tue, 05 Mar 2024 09:00:00 +0100", "<a1@work>",
                reply_to_id="<m1@home>"),
        message(f"<{ME}>", "Ann <ann@work.example>", "Re: Lunch?", "Wed, 06 Mar 2024 09:00:00 +0100", "<m2@home>",
                reply_to_id="<a1@work>"),
        message("Bob Stone <bob@else.example>", ME, "Hi from Bob", "Thu, 07 Mar 2024 09:00:00 +0100", "<b1@else>"),
        message(ME, "carl@far.example", "Quick question", "Fri, 08 Mar 2024 09:00:00 +0100", "<m3@home>"),
    ]


# --- mbox: counting, threads, names, provenance -------------------------------------------------

def test_mbox_counts_sent_received_and_two_way_threads(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "All mail.mbox", conversation())
    result = parse(path)
    assert result.format == "mbox" and result.me == [ME]
    people = by_email(result)
    assert set(people) == {"ann@work.example", "bob@else.example", "carl@far.example"}
    ann = people["ann@work.example"].signal
    assert ann is not None and (ann.sent, ann.received, ann.two_way_threads) == (2, 1, 1)
    assert (ann.first, ann.last) == ("2024-03-04", "2024-03-06")
    bob = people["bob@else.example"].signal
    assert bob is not None and (bob.sent, bob.received, bob.two_way_threads) == (0, 1, 0)
    carl = people["carl@far.example"].signal
    assert carl is not None and (carl.sent, carl.received, carl.two_way_threads) == (1, 0, 0)
    assert result.problems == []


def test_one_record_per_address_with_names_index_line_and_source(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "mail.mbox", conversation())
    result = parse(path)
    assert [r.index for r in result.records] == [1, 2, 3]
    assert [r.emails[0].value for r in result.records] == ["ann@work.example", "bob@else.example",
                                                          "carl@far.example"]
    ann = result.records[0]
    assert ann.formatted_name == "Ann Lee"  # twice "Ann Lee", once "Ann"
    assert ("X-MAIL-NAME", "Ann") in ann.extras
    assert ann.emails[0].label == "mail" and ann.source == "mail.mbox"
    lines = path.read_bytes().split(b"\n")
    starts = [i + 1 for i, line in enumerate(lines) if line.startswith(b"From ")]
    assert ann.line == starts[0] and result.records[1].line == starts[3]
    assert result.records[2].formatted_name == ""  # Carl never had a display name


def test_sent_and_inbox_read_together_make_threads_two_way(tmp_path: Path) -> None:
    msgs = conversation()
    sent = write_mbox(tmp_path / "Sent", [m for m in msgs if ME in m["From"]])
    inbox = write_mbox(tmp_path / "Inbox", [m for m in msgs if ME not in m["From"]])
    joint = by_email(mail_importer.parse_mailboxes([sent, inbox], ImportOptions()))
    assert joint["ann@work.example"].signal.two_way_threads == 1  # type: ignore[union-attr]
    assert joint["ann@work.example"].signal.sent == 2  # type: ignore[union-attr]
    # the sent folder alone: my replies prove nothing about theirs, no two-way thread
    alone = by_email(parse(sent))
    assert alone["ann@work.example"].signal.two_way_threads == 0  # type: ignore[union-attr]
    # the inbox alone: Ann's reply To me answers a message of mine we do not hold, so it is two-way;
    # importing both files separately therefore counts each thread once, not twice
    inbox_only = by_email(parse(inbox))
    assert inbox_only["ann@work.example"].signal.two_way_threads == 1  # type: ignore[union-attr]
    assert inbox_only["bob@else.example"].signal.two_way_threads == 0  # type: ignore[union-attr]
    # a folder holding both is read as one
    assert by_email(parse(tmp_path))["ann@work.example"].signal.two_way_threads == 1  # type: ignore[union-attr]


def test_reply_to_someone_else_is_not_two_way(tmp_path: Path) -> None:
    msgs = [message("ivy@x.example", [ME], "Re: Plan", msgid="<2@x>", reply_to_id="<1@gone>"),
            message("jon@x.example", ["kim@x.example"], "Re: Plan", msgid="<3@x>", reply_to_id="<2@gone>", cc=[ME]),
            message("lea@x.example", ["kim@x.example", ME], "Re: Plan", msgid="<4@x>", reply_to_id="<3@gone>")]
    people = by_email(parse(write_mbox(tmp_path / "Inbox", msgs)))
    assert [people[a].signal.two_way_threads for a in ("ivy@x.example", "jon@x.example", "lea@x.example")] == [
        1, 0, 0]


def test_reply_without_references_joins_by_subject(tmp_path: Path) -> None:
    msgs = [message(ME, "dan@x.example", "Budget 2024", msgid="<1@h>"),
            message("dan@x.example", ME, "AW: Budget 2024", "Tue, 05 Mar 2024 10:00:00 +0100", "<2@x>"),
            message(ME, "eve@x.example", "Budget 2025", msgid="<3@h>"),
            message("eve@x.example", ME, "Re: Budget 2025", "Tue, 05 Nov 2024 10:00:00 +0100", "<4@x>")]
    people = by_email(parse(write_mbox(tmp_path / "m.mbox", msgs)))
    assert people["dan@x.example"].signal.two_way_threads == 1  # type: ignore[union-attr]
    assert people["eve@x.example"].signal.two_way_threads == 0  # type: ignore[union-attr]  # months apart


def test_cc_counts_as_written_to_and_co_recipients_are_records(tmp_path: Path) -> None:
    msgs = [message(ME, "ann@x.example", "Plan", msgid="<1@h>", cc=["Fay Doe <fay@x.example>"]),
            message("fay@x.example", ME, "Re: Plan", msgid="<2@x>", reply_to_id="<1@h>", cc=["gus@x.example"]),
            message("hal@x.example", ME, "Hi", headers={"Reply-To": "Hal Home <hal@home.example>"})]
    people = by_email(parse(write_mbox(tmp_path / "m.mbox", msgs)))
    assert people["fay@x.example"].signal.two_way_threads == 1  # type: ignore[union-attr]
    assert people["fay@x.example"].formatted_name == "Fay Doe"
    gus = people["gus@x.example"].signal
    assert gus is not None and (gus.sent, gus.received) == (0, 0)
    assert people["hal@home.example"].formatted_name == "Hal Home"


# --- other layouts -------------------------------------------------------------------------------

def test_maildir_plus_plus_with_sent_folder_guesses_me(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    inbox = mailbox.Maildir(str(root))
    sent = inbox.add_folder("Sent")
    for msg in conversation():
        (sent if ME in msg["From"] else inbox).add(msg)
    assert mail_importer.detect(Sniff.of(root)) == 90
    result = parse(root, me=[])
    assert result.me == [ME]
    ann = by_email(result)["ann@work.example"]
    assert ann.signal is not None and ann.signal.two_way_threads == 1 and ann.line == 0


def test_single_eml_file(tmp_path: Path) -> None:
    path = tmp_path / "note.eml"
    path.write_bytes(message("Zoë Ünal <zoe@x.example>", ME, "Hallo").as_bytes())
    assert mail_importer.detect(Sniff.of(path)) == 70
    result = parse(path)
    assert [(r.formatted_name, r.emails[0].value, r.line) for r in result.records] == [
        ("Zoë Ünal", "zoe@x.example", 0)]
    assert importers.detect(path).name == "mbox"


def test_folder_of_eml_files(tmp_path: Path) -> None:
    for number, msg in enumerate(conversation()):
        (tmp_path / f"{number}.eml").write_bytes(msg.as_bytes())
    assert mail_importer.detect(Sniff.of(tmp_path)) == 80
    assert by_email(parse(tmp_path))["ann@work.example"].signal.two_way_threads == 1  # type: ignore[union-attr]


def test_registry_detects_mail_and_reports_kind(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "Sent", conversation())
    assert importers.detect(path).name == "mbox"
    assert importers.all_importers()["mbox"].kind == "mail"
    assert importers.parse(path, "mbox", ImportOptions(me=[ME])).records


def test_vcards_and_csv_never_detected_as_mail(tmp_path: Path) -> None:
    vcard = tmp_path / "a.vcf"
    vcard.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:From Me\nN:Me;From\nEMAIL:from@x.example\nEND:VCARD\n")
    csv = tmp_path / "a.csv"
    csv.write_text("From,To,Subject,Date\nann@x,bob@y,Hi,2024-01-01\n")
    tricky = tmp_path / "notes.txt"
    tricky.write_text("Subject: my notes\nTo do: buy milk\n\nFrom: the shop\n")
    for path in (vcard, csv, tricky):
        assert mail_importer.detect(Sniff.of(path)) == 0
    for path in sorted(CORPUS.rglob("*")) if CORPUS.is_dir() else []:
        if path.is_file() and path.suffix.lower() in (".vcf", ".csv"):
            assert mail_importer.detect(Sniff.of(path)) == 0, path


# --- who is me -------------------------------------------------------------------------------------

def test_me_guessed_from_sent_folder_with_alias(tmp_path: Path) -> None:
    msgs = [message(ME, f"p{i}@x.example", f"s{i}") for i in range(8)]
    msgs += [message("me.alias@work.example", f"q{i}@x.example", f"t{i}") for i in range(2)]
    msgs += [message("intruder@x.example", "p1@x.example", "fwd")]
    result = parse(write_mbox(tmp_path / "Gesendet.mbox", msgs), me=[])
    assert result.me == sorted([ME, "me.alias@work.example"])
    assert "intruder@x.example" in by_email(result)


def test_me_guessed_from_gmail_takeout_labels(tmp_path: Path) -> None:
    msgs = [message("friend@x.example", ME, f"in{i}", headers={"X-Gmail-Labels": "Inbox,Opened"})
            for i in range(6)]
    msgs += [message(ME, "friend@x.example", f"out{i}", headers={"X-Gmail-Labels": "Sent"}) for i in range(2)]
    result = parse(write_mbox(tmp_path / "All mail Including Spam and Trash.mbox", msgs), me=[])
    assert result.me == [ME]
    friend = by_email(result)["friend@x.example"].signal
    assert friend is not None and (friend.sent, friend.received) == (2, 6)


def test_me_guessed_for_an_inbox_and_for_an_unnamed_sent_folder(tmp_path: Path) -> None:
    inbox = [message(f"p{i % 3}@x.example", f"Me <{ME}>", f"s{i}") for i in range(9)]
    assert parse(write_mbox(tmp_path / "inbox.mbox", inbox), me=[]).me == [ME]
    outbox = [message(ME, f"p{i}@x.example", f"s{i}") for i in range(5)]
    assert parse(write_mbox(tmp_path / "archive.mbox", outbox), me=[]).me == [ME]


def test_no_guess_possible_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    msgs = [message(f"p{i}@x.example", f"q{i}@x.example", f"s{i}") for i in range(4)]
    result = parse(write_mbox(tmp_path / "m.mbox", msgs), me=[])
    assert result.me == [] and len(result.records) == 8
    assert any("which address is yours" in p.message for p in result.problems)


def test_me_given_in_any_form_and_never_a_record(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "m.mbox", conversation())
    result = parse(path, me=[f"Me <{ME.upper()}>"])
    assert result.me == [ME] and ME not in by_email(result)
    wrong = parse(path, me=["nobody@nowhere.example"])
    assert any("none of your addresses" in p.message for p in wrong.problems)


# --- bulk and crowd ----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers,sender", [
    ({"List-Unsubscribe": "<mailto:u@news.example>"}, "news@news.example"),
    ({"List-Id": "Friends <friends.lists.example>"}, "ann@x.example"),
    ({"Precedence": "bulk"}, "ann@x.example"),
    ({"Precedence": "list"}, "ann@x.example"),
    ({"Auto-Submitted": "auto-replied"}, "ann@x.example"),
    ({}, "no-reply@shop.example"),
    ({}, "noreply@shop.example"),
    ({}, "donotreply@bank.example"),
    ({}, "MAILER-DAEMON@mx.example"),
    ({}, "jira-notifications@corp.example"),
])
def test_bulk_mail_never_counts_as_knowing(tmp_path: Path, headers: dict[str, str], sender: str) -> None:
    msgs = [message(ME, sender, "hi", msgid="<1@h>"),
            message(sender, ME, "Re: hi", msgid="<2@x>", reply_to_id="<1@h>", headers=headers)]
    record = by_email(parse(write_mbox(tmp_path / "m.mbox", msgs)))[sender.lower()]
    assert record.signal is not None
    assert (record.signal.received, record.signal.bulk, record.signal.two_way_threads) == (0, 1, 0)


def test_not_bulk_when_auto_submitted_is_no(tmp_path: Path) -> None:
    msgs = [message("ann@x.example", ME, headers={"Auto-Submitted": "no"})]
    signal = by_email(parse(write_mbox(tmp_path / "m.mbox", msgs)))["ann@x.example"].signal
    assert signal is not None and (signal.received, signal.bulk) == (1, 0)


def test_newsletter_only_sender_is_still_a_record(tmp_path: Path) -> None:
    msgs = [message("Weekly <weekly@news.example>", ME, f"Issue {i}", headers={"List-Unsubscribe": "<x>"})
            for i in range(3)]
    record = by_email(parse(write_mbox(tmp_path / "m.mbox", msgs)))["weekly@news.example"]
    assert record.formatted_name == "Weekly" and record.signal is not None
    assert (record.signal.bulk, record.signal.received, record.signal.first) == (3, 0, None)


def test_crowd_threshold(tmp_path: Path) -> None:
    many = [f"p{i}@x.example" for i in range(CROWD_THRESHOLD + 1)]
    just = [f"q{i}@x.example" for i in range(CROWD_THRESHOLD)]
    msgs = [message(ME, many, "All hands"), message(ME, just, "Team"),
            message("boss@x.example", [ME] + [f"r{i}@x.example" for i in range(3000)], "Everyone")]
    people = by_email(parse(write_mbox(tmp_path / "m.mbox", msgs)))
    crowded = people["p0@x.example"].signal
    assert crowded is not None and (crowded.sent, crowded.crowd) == (0, 1)
    team = people["q0@x.example"].signal
    assert team is not None and (team.sent, team.crowd) == (1, 0)
    assert people["r2999@x.example"].signal.crowd == 1  # type: ignore[union-attr]
    assert people["boss@x.example"].signal.received == 0  # type: ignore[union-attr]
    assert len(people) == len(many) + len(just) + 3000 + 1


# --- names -------------------------------------------------------------------------------------------

def _b(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def _q(text: str, charset: str) -> str:
    encoded = "".join(c if c.isascii() and c.isalnum() else f"={b:02X}" for c in text for b in c.encode(charset))
    return f"=?{charset}?Q?{encoded}?="


@pytest.mark.parametrize("header,name", [
    (_b("Jürgen Müller", "utf-8") + " <j@x.example>", "Jürgen Müller"),
    (_q("Jürgen Müller", "utf-8") + " <j@x.example>", "Jürgen Müller"),
    (_b("François Dupré", "iso-8859-1") + " <j@x.example>", "François Dupré"),
    (_q("François Dupré", "iso-8859-1") + " <j@x.example>", "François Dupré"),
    ("=?utf-8?q?J=C3=BCrgen?= =?utf-8?q?_M=C3=BCller?= <j@x.example>", "Jürgen Müller"),
    ('"=?utf-8?q?Smith=2C_Jo?=" <j@x.example>', "Smith, Jo"),
    ("=?utf-8?B?SsO8cmdlb?= <j@x.example>", "=?utf-8?B?SsO8cmdlb?="),  # broken base64: raw text kept
    ("=?x-klingon?q?Qapla?= <j@x.example>", "=?x-klingon?q?Qapla?="),  # unknown charset: raw text kept
    ("=?utf-8?q?=FF=FE?= <j@x.example>", "=?utf-8?q?=FF=FE?="),  # not UTF-8 at all: raw text kept
])
def test_rfc2047_names(tmp_path: Path, header: str, name: str) -> None:
    path = raw_mbox(tmp_path / "m.mbox", [f"From: {header}\nTo: {ME}\nSubject: x\n".encode("ascii")])
    result = parse(path)
    assert result.records[0].formatted_name == name
    assert any("could not be decoded" in p.message for p in result.problems) == name.startswith("=?")


def test_raw_8bit_latin1_name_is_read(tmp_path: Path) -> None:
    path = raw_mbox(tmp_path / "m.mbox", ["From: Jürgen <j@x.example>\nTo: me@home.example\n".encode("latin-1")])
    assert parse(path).records[0].formatted_name == "Jürgen"


# --- bad input ---------------------------------------------------------------------------------------

def test_truncated_mbox_counts_what_is_there(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "m.mbox", conversation())
    data = path.read_bytes()
    cut = data.rfind(b"Subject: Quick")
    path.write_bytes(data[:cut + 8])
    result = parse(path)
    assert "carl@far.example" in by_email(result) and len(result.records) == 3
    assert any("middle of a message" in p.message for p in result.problems)


def test_malformed_dates_and_addresses_are_one_problem_each(tmp_path: Path) -> None:
    blocks = [f"From: p{i}@x.example\nTo: {ME}, not an address\nDate: sometime soon\n".encode() for i in range(5)]
    result = parse(raw_mbox(tmp_path / "m.mbox", blocks))
    assert len(result.records) == 5
    messages = sorted(p.message for p in result.problems)
    assert len(messages) == 2
    assert any(m.startswith("5 messages had unreadable addresses") for m in messages)
    assert any(m.startswith("5 messages had unreadable Date headers") for m in messages)
    assert all(p.line == 1 for p in result.problems)
    # the mbox postmark gives a date when the header has none
    assert result.records[0].signal.first == "2024-03-04"  # type: ignore[union-attr]


def test_future_dates_are_ignored(tmp_path: Path) -> None:
    blocks = [b"From: ann@x.example\nTo: me@home.example\nDate: Mon, 04 Mar 2024 10:00:00 +0100\n",
              b"From: ann@x.example\nTo: me@home.example\nDate: Fri, 01 Jan 2100 10:00:00 +0100\n"]
    result = parse(raw_mbox(tmp_path / "m.mbox", blocks))
    signal = result.records[0].signal
    assert signal is not None and signal.received == 2 and signal.last == "2024-03-04"  # the postmark's day
    assert [p.message for p in result.problems] == [
        "1 message had a Date in the future (a wrong clock); the mbox delivery date, if any, was used instead"]


def test_no_mail_is_a_clear_refusal(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NotAnAddressBook, match="no mail messages found"):
        parse(tmp_path / "empty")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("just text\n")
    with pytest.raises(NotAnAddressBook, match="no mail messages found"):
        parse(notes)
    md = mailbox.Maildir(str(tmp_path / "Maildir"))  # an empty Maildir
    with pytest.raises(NotAnAddressBook, match="no mail messages found"):
        parse(Path(md._path))  # type: ignore[attr-defined]


def test_progress_and_cancel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail_importer, "PROGRESS_EVERY", 2)
    path = write_mbox(tmp_path / "m.mbox", conversation() * 3)
    seen: list[tuple[int, int]] = []
    parse(path, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] == path.stat().st_size
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))
    with pytest.raises(mail_importer.ImportCancelled):
        parse(path, cancelled=lambda: True)


# --- the reader against the standard library, and fuzzing ------------------------------------------

@settings(deadline=None, derandomize=True, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(st.text(alphabet="From \n>x:\r", max_size=40), min_size=1, max_size=6),
       chunk=st.sampled_from([5, 7, 16, 64, 1 << 20]))
def test_reader_splits_like_mailbox(bodies: list[str], chunk: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("r") / "m.mbox"
    write_mbox(path, [message(f"p{i}@x.example", ME, f"s{i}", body=body) for i, body in enumerate(bodies)])
    expected = [m["From"] for m in mailbox.mbox(str(path))]
    import knowme.importers._mail_read as reader_module

    original = reader_module.CHUNK_BYTES
    reader_module.CHUNK_BYTES = chunk
    try:
        with open(path, "rb") as fh:
            found = [raw.header for raw in MboxReader(fh)]
    finally:
        reader_module.CHUNK_BYTES = original
    assert [h.split(b"From: ", 1)[1].split(b"\n", 1)[0].decode() for h in found] == expected


_pieces = st.sampled_from([b"From ", b"From a@b Mon Mar  4 10:00:00 2024", b"\n", b"\r\n", b"From: a@b.c", b"To: x@y.z",
                           b"x", b">From ", b" folded", b"\n\n", b"\xef\xbb\xbf", b"Subject: \xff"])


@settings(deadline=None, derandomize=True, max_examples=80)
@given(data=st.lists(_pieces, max_size=40).map(b"".join))
def test_reader_is_the_same_whatever_the_chunk_size(data: bytes) -> None:
    import io

    import knowme.importers._mail_read as reader_module

    original = reader_module.CHUNK_BYTES
    outputs = []
    try:
        for chunk in (3, 5, 8, 13, 1 << 20):
            reader_module.CHUNK_BYTES = chunk
            reader = MboxReader(io.BytesIO(data))
            outputs.append(([(m.header, m.line, m.postmark) for m in reader], reader.truncated, reader.done))
    finally:
        reader_module.CHUNK_BYTES = original
    assert all(output == outputs[-1] for output in outputs), data
    assert outputs[-1][2] == len(data)


_header_names = st.sampled_from(["From", "To", "Cc", "Reply-To", "Date", "Subject", "Message-ID", "References",
                                 "In-Reply-To", "List-Id", "Precedence", "X-Gmail-Labels", "Bcc", "X-Junk"])
_header_values = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(['"A, B" <a@b.c>', "=?utf-8?b?w6k=?= <e@f.g>", "=?bad?q?x?=", "<>", "@", "a@", ",",
                              "x@y.z", "(c)", '"', "<a@b", "=?utf-8?B?", "Mon, 32 Foo 99999", "<id@x>", ";",
                              "\udcff".encode("utf-8", "surrogatepass").decode("latin-1")]),
             max_size=6).map(" ".join),
)


@settings(deadline=None, derandomize=True, max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                                                    HealthCheck.function_scoped_fixture])
@given(blocks=st.lists(st.lists(st.tuples(_header_names, _header_values), max_size=8), min_size=1, max_size=4),
       me=st.sampled_from([[], [ME]]))
def test_fuzzed_header_blocks_never_crash(tmp_path: Path, blocks: list[list[tuple[str, str]]], me: list[str]) -> None:
    data = [b"\n".join(f"{name}: {value}".replace("\r", " ").replace("\n", " ").encode("utf-8", "surrogateescape")
                       for name, value in block) for block in blocks]
    for target in (raw_mbox(tmp_path / "f.mbox", data), tmp_path / "f.eml"):
        if target.suffix == ".eml":
            target.write_bytes(data[0] + b"\n\nbody\n")
        try:
            result = parse(target, me=me)
        except NotAnAddressBook:
            continue
        for record in result.records:
            assert record.emails and "@" in record.emails[0].value and record.signal is not None


# --- the committed sample mailboxes --------------------------------------------------------------------

def test_sample_mailboxes() -> None:
    result = mail_importer.parse_mailboxes([SAMPLE / "sent.mbox", SAMPLE / "inbox.mbox"], ImportOptions())
    assert result.me, "the user's address is guessed from sent.mbox"
    signals = [(r.emails[0].value, r.signal) for r in result.records if r.signal is not None]
    assert sum(1 for _, s in signals if s.two_way_threads > 0) >= 3
    bulk = [address for address, s in signals if s.bulk and not s.received]
    assert any(mail_importer.is_machine_address(a) for a in bulk), "the no-reply sender"
    assert any(not mail_importer.is_machine_address(a) for a in bulk), "the newsletter"
    assert any(s.crowd for _, s in signals), "the farewell mail to a crowd"
    assert result.problems == []
    for name in ("sent.mbox", "inbox.mbox"):
        assert importers.detect(SAMPLE / name).name == "mbox"
        assert parse(SAMPLE / name, me=result.me).records


# --- through the command line ------------------------------------------------------------------------------

def test_cli_imports_mail_and_lists_signals(tmp_path: Path, knowme) -> None:  # type: ignore[no-untyped-def]
    path = write_mbox(tmp_path / "Sent", conversation())
    proc = knowme("import", path, "--me", ME)
    assert proc.returncode == 0, proc.stderr
    people = {p["emails"][0]: p for p in knowme.json("list", "--json")}
    assert ME not in people
    assert people["ann@work.example"]["signals"]["two_way_threads"] == 1
    assert people["ann@work.example"]["name"] == "Ann Lee"
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = knowme("import", empty, "--format", "mbox")
    assert proc.returncode == 1 and "no mail messages found" in proc.stderr and "Traceback" not in proc.stderr


def test_unreadable_and_odd_files_in_a_mail_folder(tmp_path: Path) -> None:
    (tmp_path / "good.eml").write_bytes(message("ann@x.example", ME).as_bytes())
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "index.msf").write_text("// <!-- <mdb:mork:z v=\"1.4\"/> -->")
    broken = tmp_path / "broken.eml"
    broken.symlink_to(tmp_path / "missing")
    result = parse(tmp_path)
    assert [r.emails[0].value for r in result.records] == ["ann@x.example"]
    assert [(p.file, p.message.split(" (")[0]) for p in result.problems] == [
        (f"{tmp_path.name}/broken.eml", "1 file could not be read")]


def test_an_encoded_name_holding_a_comma_is_one_name(tmp_path: Path) -> None:
    """`=?utf-8?Q?Doerfler,_Johnathan?=` writes its comma as itself (against RFC 2047, as some mailers do):
    split there, the sender became `_Johnathan?=`, a name the exclusion's name check could not match."""
    path = raw_mbox(tmp_path / "in.mbox", [
        b"From: =?utf-8?Q?Doerfler,_Johnathan?= <jd@newjob.example>\nTo: me@example.org\n"
        b"Date: Mon, 04 Mar 2024 10:00:00 +0100\nSubject: hi\n\nhello\n",
        b"From: =?utf-8?Q?M=C3=BCller,_Hans?= <hans@example.de>\nTo: me@example.org\n"
        b"Date: Mon, 04 Mar 2024 11:00:00 +0100\nSubject: hi\n\nhello\n"])
    people = by_email(parse(path, me=["me@example.org"]))
    assert people["jd@newjob.example"].formatted_name == "Doerfler, Johnathan"
    assert people["hans@example.de"].formatted_name == "Müller, Hans"


def test_an_eml_file_starting_with_a_byte_order_mark_keeps_its_sender(tmp_path: Path) -> None:
    path = tmp_path / "bom.eml"
    path.write_bytes(b"\xef\xbb\xbf" + message("BOM Person <bom@example.com>", ME, "Hi").as_bytes())
    assert [(r.formatted_name, r.emails[0].value) for r in parse(path).records] == [("BOM Person", "bom@example.com")]


def test_one_received_message_does_not_make_its_sender_the_user(tmp_path: Path) -> None:
    """Its sender and its recipient were as likely the user; taken for the user, the only correspondent
    was left out and the user's own address became a contact. No guess: both kept, and the problem line
    says to give --me."""
    path = tmp_path / "one.eml"
    path.write_bytes(message("Eml Guy <eml@example.com>", "me@example.org", "Hi").as_bytes())
    result = mail_importer.parse(path, ImportOptions())
    assert result.me == []
    assert sorted(r.emails[0].value for r in result.records) == ["eml@example.com", "me@example.org"]
    assert any("--me" in str(problem) for problem in result.problems)


def test_an_unescaped_from_line_in_a_body_is_text_not_a_message(tmp_path: Path) -> None:
    """A body line `From what I heard` after a blank line, which no writer escaped as `>From`, started a
    message: the body's `Cc: nobody@example.com` and `Bcc: Mallory <...>` lines became people."""
    path = tmp_path / "in.mbox"
    path.write_bytes(b"From alice@example.com Thu Mar 14 10:00:00 2024\nFrom: Alice <alice@example.com>\n"
                     b"To: me@example.org\nSubject: story\nDate: Thu, 14 Mar 2024 10:00:00 +0000\n\nHi,\n\n"
                     b"From what I heard, the project is late.\nTo: be honest I do not care.\n"
                     b"Cc: nobody@example.com\nBcc: Mallory <mallory@evil.example>\n\nBye\n"
                     b"From bob@example.com Thu Mar 14 11:00:00 2024\nFrom: Bob <bob@example.com>\nTo: me@example.org\n"
                     b"Subject: hi\nDate: Thu, 14 Mar 2024 11:00:00 +0000\n\nbody\n")
    result = parse(path, me=["me@example.org"])
    assert sorted(r.emails[0].value for r in result.records) == ["alice@example.com", "bob@example.com"]
    assert not result.problems


def test_a_from_line_without_a_postmark_still_opens_a_message_that_has_headers(tmp_path: Path) -> None:
    path = tmp_path / "in.mbox"
    path.write_bytes(b"From alice@example.com Thu Mar 14 10:00:00 2024\nFrom: Alice <alice@example.com>\n"
                     b"To: me@example.org\nDate: Thu, 14 Mar 2024 10:00:00 +0000\n\nHi\n\n"
                     b"From MAILER-DAEMON\nFrom: Bob <bob@example.com>\nTo: me@example.org\n"
                     b"Date: Thu, 14 Mar 2024 11:00:00 +0000\n\nbody\n")
    assert sorted(r.emails[0].value for r in parse(path, me=["me@example.org"]).records) == [
        "alice@example.com", "bob@example.com"]


# --- a From of several authors ------------------------------------------------------------------------------

@pytest.mark.parametrize("authors", [
    b"Ann Lee <ann@x.example>, Ex Boss <ex@x.example>",
    b"ann@x.example, ex@x.example",
    b"ann@x.example ex@x.example",  # parted by a space only, as some mailers write it
    b"Ann Lee <ann@x.example> ex@x.example",
])
def test_every_author_of_a_from_is_read(tmp_path: Path, authors: bytes) -> None:
    """RFC 5322 lets From name several authors; only the first was read, so the second was no record at all."""
    path = raw_mbox(tmp_path / "in.mbox", [
        b"From: " + authors + b"\nTo: me@home.example\nDate: Mon, 04 Mar 2024 10:00:00 +0100\nSubject: hi\n"])
    people = by_email(parse(path))
    assert sorted(people) == ["ann@x.example", "ex@x.example"]
    assert [people[a].signal.received for a in sorted(people)] == [1, 1]  # type: ignore[union-attr]
    assert not parse(path).problems


def test_recipients_parted_by_spaces_are_all_read(tmp_path: Path) -> None:
    path = raw_mbox(tmp_path / "out.mbox", [
        b"From: me@home.example\nTo: ann@x.example bob@y.example\nCc: Carl <carl@z.example> dan@z.example\n"
        b"Date: Mon, 04 Mar 2024 10:00:00 +0100\nSubject: hi\n"])
    people = by_email(parse(path))
    assert sorted(people) == ["ann@x.example", "bob@y.example", "carl@z.example", "dan@z.example"]
    assert all(r.signal.sent == 1 for r in people.values())  # type: ignore[union-attr]


def test_an_excluded_second_author_is_held_by_the_exclusion(  # type: ignore[no-untyped-def]
        tmp_path: Path, knowme) -> None:
    """The second author of a From is seen by the suppression list: their mail is a record the gate
    knows for the excluded one, so it cannot be marked knows-me (it was no record at all, unseen)."""
    card = tmp_path / "a.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ex Boss\r\nEMAIL:ex@x.example\r\nEND:VCARD\r\n")
    assert knowme("import", card).returncode == 0
    assert knowme("mark", "ex@x.example", "--as", "exclude").returncode == 0
    path = raw_mbox(tmp_path / "in.mbox", [
        b"From: Friend <f@x.example>, Ex Boss <EX@x.example>\nTo: me@home.example\n"
        b"Date: Mon, 04 Mar 2024 10:00:00 +0100\nSubject: hi\n"])
    assert knowme("import", path, "--me", ME).returncode == 0
    mailed = {p["emails"][0]: p for p in knowme.json("list", "--json")
              if any(r["source"] == "in.mbox" for r in p["records"])}
    assert sorted(mailed) == ["ex@x.example", "f@x.example"]
    if mailed["ex@x.example"]["decision"] != "exclude":
        proc = knowme("mark", str(mailed["ex@x.example"]["id"]), "--as", "knows-me")
        assert proc.returncode == 1 and "excluded" in proc.stderr


def test_a_field_of_a_thousand_group_colons_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """`email.utils` recursed once per `:` and raised RecursionError, which aborted the whole import."""
    path = raw_mbox(tmp_path / "in.mbox", [
        b"From: ann@x.example\nTo: " + b"a:" * 1200 + b" bob@y.example\nDate: Mon, 04 Mar 2024 10:00:00 +0100\n",
        b"From: carl@z.example\nTo: me@home.example\nDate: Mon, 04 Mar 2024 10:00:00 +0100\n"])
    result = parse(path)
    assert {"ann@x.example", "carl@z.example"} <= set(by_email(result))

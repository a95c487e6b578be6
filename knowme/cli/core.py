"""`knowme import`, `status`, `list`, `mark`, `undo`, `redo`."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from knowme import prefs, suppression
from knowme.cli.errors import UserError
from knowme.cli.help import JSON_HELP, add_replacing, command
from knowme.importers import ImportOptions, format_names
from knowme.importing import FileReport, import_path
from knowme.model import Decision, Person
from knowme.outreach import outreach_status
from knowme.store.core import Store
from knowme.store.pairs import pending_question_count
from knowme.text import plural
from knowme.triage import QueryError, find_people, resolve_one


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = command(sub, "import", "import address books (vCard, CSV) and mail (mbox, Maildir, .eml)", """
        Import address books and mail into the workspace (made on the first import). Each file becomes a
        source; a newer export of the same address book replaces its earlier import and keeps every
        decision, note and merge. The format is detected from the content.

        An import never removes a person you decided on (or wrote a note or draft for) unless told to:
        when a file would replace an earlier import and leave such people out (a contact deleted on the
        phone, an older or partial export, or another address book with the same file name), nothing is
        imported and the message names them. Then --replace lets the newer export remove them (exclusions
        stay on the suppression list), and --as-new-source imports the file beside the earlier one. A file
        the import finds incomplete (a vCard cut short, a cancelled read) never replaces an earlier import.

        A CSV whose columns knowme does not recognise needs --map: say which column holds which field.
        `knowme doctor FILE` shows how a file would be read, without importing it.""",
                [("knowme import ~/Downloads/contacts.vcf", "a vCard export (iPhone, Android, Google, Outlook)"),
                 ("knowme import google.csv Connections.csv --region GB", "two CSV exports; phone numbers "
                  "without a country code are British"),
                 ("knowme import export.csv --map name=Who --map email=Reach", "a CSV of your own layout"),
                 ("knowme import ~/Mail/Sent --me me@example.org", "who you wrote to and who wrote back"),
                 ("knowme import work/contacts.vcf --as-new-source", "another address book with the same file "
                  "name as one imported before"),
                 ("knowme import contacts.vcf --replace", "a newer export that no longer holds people you "
                  "decided on")])
    p.add_argument("files", nargs="+", metavar="FILE", type=Path,
                   help="a file or folder: .vcf (or a folder of them), .csv, mbox, Maildir, .eml")
    p.add_argument("--format", default="auto", choices=format_names(),
                   help="read FILEs as this format (default: auto, detected from the content)")
    p.add_argument("--region", default=None, metavar="REGION",
                   help="default phone region, e.g. US, GB, DE (default: the last one given, else from the locale)")
    p.add_argument("--me", action="append", default=[], metavar="ADDR",
                   help="one of your own addresses (mail import; repeat for several)")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="CSV: the column (header or 1-based number) holding a field: name, given, family, email, "
                        "phone, org, title, ...; repeat for several; implies a CSV")
    add_replacing(p)
    p.set_defaults(handler=cmd_import, creates_workspace=True)

    p = command(sub, "status", "what the workspace holds", """
        Show the workspace: its records, sources and people, the decisions made so far, possible
        duplicates still to review and the outreach queue.""",
                [("knowme status", ""), ("knowme status --json", "one JSON object (records, people, sources, "
                                                                 "decisions, connected, pending_pairs, ...)")])
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_status)

    p = command(sub, "list", "list people, with their decision", """
        List the people in the workspace in name order: id (what mark, split and other commands take),
        decision, name, first email and company.""",
                [("knowme list", ""), ("knowme list --decision undecided", "who is left to decide"),
                 ("knowme list --json", "every person with their records, signals and suggestion"),
                 ("knowme list --held", "everyone held undecided as alike someone you excluded, with the "
                  "commands that settle each")])
    which = p.add_mutually_exclusive_group()
    which.add_argument("--decision", choices=[d.value for d in Decision], help="only the people with this decision")
    which.add_argument("--held", action="store_true",
                       help="only the people alike someone you excluded (their name, spelled another way too, or "
                            "an address, phone, profile or card of theirs): no mark uploads them until you say "
                            "whether they are that person")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_list)

    p = command(sub, "undo", "undo the last decision, merge, split or forget", """
        Take back the latest action: a decision, a merge (dedupe's automatic ones are one action), a
        split, a pair answered, a source forgotten. Repeat to go further back; `knowme redo` does it
        again.""", [("knowme undo", ""), ("knowme undo && knowme undo", "the last two actions")])
    p.set_defaults(handler=cmd_undo)
    p = command(sub, "redo", "redo what undo took back", """
        Do again the action `knowme undo` took back last. Any new action ends what can be redone.""",
                [("knowme redo", "")])
    p.set_defaults(handler=cmd_redo)


# ---- import -----------------------------------------------------------------------------------------


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; a no-op callback otherwise."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  transient=True, console=_stderr_console()) as progress:
        yield progress


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def parse_mapping(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise UserError(f"--map takes FIELD=COLUMN, not {item!r}")
        mapping[field.strip()] = column.strip()
    return mapping


def cmd_import(args: argparse.Namespace, store: Store) -> int:
    region = prefs.phone_region(store, args.region)
    if args.region:
        store.set_setting("region", region)
    if args.me:
        known = set(store.setting("me", []))
        store.set_setting("me", sorted(known | {m.strip().lower() for m in args.me}))
    failed = 0
    with progress_bar(sys.stderr.isatty()) as bar:
        for path in args.files:
            task = bar.add_task(path.name, total=None) if bar else None
            options = ImportOptions(region=region, mapping=parse_mapping(args.map), me=list(args.me),
                                    progress=(lambda done, total, t=task: bar.update(t, completed=done, total=total))
                                    if bar else None)
            report = import_path(store, path, args.format, options, args.mode)
            if bar is not None:
                bar.remove_task(task)
            failed += _print_report(report)
    return 1 if failed else 0


def _print_report(report: FileReport) -> int:
    """Print what importing one input did (a folder: its own source, each file in it imported on its own,
    the files skipped); returns how many of them were refused."""
    failed = 0
    if report.outcome is not None or report.error is not None:
        failed += _print_one(report)
    for part in report.parts:
        failed += _print_report(part)
    for line in report.skipped_lines():
        print(line, file=sys.stderr)
    return failed


def _print_one(report: FileReport) -> int:
    for problem in report.problems[:200]:
        print(problem, file=sys.stderr)
    if len(report.problems) > 200:
        print(f"{report.path.name}: ... and {len(report.problems) - 200} more problems", file=sys.stderr)
    if report.error:
        print(f"knowme: {report.error}", file=sys.stderr)
        return 1
    out = report.outcome
    assert out is not None
    if report.me_guessed:
        print(f"{out.source}: took {', '.join(report.me)} to be you (pass --me ADDRESS if that is wrong)")
    problems = f", {plural(len(out.problems), 'problem')}" if out.problems else ""
    records = plural(out.records, "record")
    if out.unchanged:
        print(f"{out.source}: unchanged since the last import ({records})")
    elif out.replaced:
        print(f"{out.source}: {records} ({out.format}){problems}; replaced the earlier import: "
              f"{out.kept} kept their person and decisions, {out.new_people} new")
    else:
        print(f"{out.source}: {records} ({out.format}){problems}")
    for line in (out.namesake_line(), out.dropped_line(), out.excluded_line(), out.held_line(),
                 out.asked_again_line()):
        if line:
            print(line)
    return 0


# ---- status and list --------------------------------------------------------------------------------


def status_data(store: Store) -> dict[str, Any]:
    counts = store.counts()
    sources = [{"file": s.name, "format": s.format, "records": s.records, "problems": len(s.problems),
                "path": s.path, "imported_at": s.imported_at} for s in store.sources()]
    return {"records": counts["records"], "people": counts["people"], "sources": sources,
            "decisions": counts["decisions"], "connected": counts["connected"],
            "pending_pairs": counts["pending_pairs"], "pending_questions": pending_question_count(store),
            "me": store.setting("me", []),
            "outreach": outreach_status(store), "suppression": suppression.summary(store)}


def cmd_status(args: argparse.Namespace, store: Store) -> int:
    data = status_data(store)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"workspace: {store.path}")
    print(f"{plural(data['records'], 'record')} from {plural(len(data['sources']), 'source')}, "
          f"{plural(data['people'], 'person')}, {data['connected']} already connected, "
          f"{plural(data['pending_questions'], 'possible duplicate')} to review")
    for s in data["sources"]:
        problems = f", {plural(s['problems'], 'problem')}" if s["problems"] else ""
        print(f"  {s['file']}: {plural(s['records'], 'record')} ({s['format']}){problems}")
    d = data["decisions"]
    print("decisions: " + ", ".join(f"{k} {d[k]}" for k in ("knows-me", "personalize", "exclude", "undecided")))
    sup = data["suppression"]
    gone = f", {sup['gone']} of them in no address book any more" if sup["gone"] else ""
    print(f"suppression list: {plural(sup['exclusions'], 'exclusion')} ({plural(sup['entries'], 'entry')}: "
          f"addresses, phones, profiles, names and cards){gone}")
    o = data["outreach"]
    print("outreach: " + ", ".join(f"{k} {o[k]}" for k in ("to-send", "sent", "stale", "say-thanks"))
          + (f"; {plural(o['notes_to_fix'], 'note')} to fix or write" if o["notes_to_fix"] else ""))
    return 0


def person_json(store: Store, person: Person) -> dict[str, Any]:
    sig = person.signals
    return {
        "id": person.id, "name": person.display_name, "emails": person.emails, "phones": person.phones,
        "org": person.org, "title": person.title, "decision": person.decision.value,
        "suggestion": person.suggestion, "suggestion_reason": person.suggestion_reason or None,
        "connected": person.connected,
        "signals": {"sent": sig.sent, "received": sig.received, "two_way_threads": sig.two_way_threads,
                    "last": sig.last},
        "note": person.note,
        "records": store.record_meta(person.id),
    }


def cmd_list(args: argparse.Namespace, store: Store) -> int:
    if args.held:
        return _list_held(args, store)
    decision = Decision(args.decision) if args.decision else None
    people = store.iter_people(decision)
    if args.json:
        out = sys.stdout
        out.write("[")
        for n, person in enumerate(people):
            out.write(("," if n else "") + "\n" + json.dumps(person_json(store, person), ensure_ascii=False))
        out.write("\n]\n")
        return 0
    for person in people:
        email = person.emails[0] if person.emails else ""
        org = f"  {person.org}" if person.org else ""
        flag = " (connected)" if person.connected else ""
        print(f"{person.id:>6}  {person.decision.value:<11} {person.display_name}  {email}{org}{flag}")
    return 0


def _list_held(args: argparse.Namespace, store: Store) -> int:
    """Every person held now, why, and the two commands that settle each."""
    from knowme import held  # the suppression list's matching: only this listing needs it

    people = held.held_now(store)
    if args.json:
        print(json.dumps([why.to_dict() for why in people], indent=2, ensure_ascii=False))
        return 0
    if not people:
        print("nobody is held: no one alike a person you excluded is left undecided")
        return 0
    print(f"{plural(len(people), 'person')} alike someone you excluded, uploaded by no mark until you say who "
          f"{'they are' if len(people) > 1 else 'this is'}:")
    for why in people:
        matched = f" [{why.matched}]" if why.matched and why.how == "bears the name of" else ""
        print(f"{why.person_id:>6}  {why.decision:<11} {why.name or '(no name)'}  {why.why()}{matched}")
        print(f"        the same person: {why.ways_out[0]}")
        if len(why.ways_out) > 1:
            print(f"        someone else: {why.ways_out[1]}")
    return 0


# ---- mark, undo, redo -------------------------------------------------------------------------------


def resolve_queries(store: Store, queries: list[str]) -> list[int]:
    """People named by each query; any query naming nobody or several people is a user error."""
    ids: list[int] = []
    for query in queries:
        try:
            ids.append(resolve_one(store, query))
        except QueryError as exc:
            raise UserError(str(exc)) from exc
    return ids


def cmd_undo(args: argparse.Namespace, store: Store) -> int:
    step = store.undo()
    print(f"undid: {step.summary}" if step else "nothing to undo")
    return 0


def cmd_redo(args: argparse.Namespace, store: Store) -> int:
    step = store.redo()
    print(f"redid: {step.summary}" if step else "nothing to redo")
    return 0


__all__ = ["add_commands", "find_people", "resolve_queries", "person_json", "status_data"]

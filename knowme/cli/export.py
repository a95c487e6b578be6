"""`knowme export safe` and `knowme export outreach`: the two outputs, each with its preflight summary."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from knowme.cli.errors import UserError
from knowme.cli.help import command
from knowme.exports import (
    ExportError,
    ExportReport,
    LookalikesBlock,
    OutreachBlock,
    export_outreach,
    export_safe,
    exporters,
)
from knowme.exports.files import STDOUT
from knowme.store.core import Store
from knowme.text import plural

OUTPUT_HELP = ("the file to write, - for standard output; an existing file is replaced only with --force, "
               "never the workspace or a file imported into it")
FORCE_HELP = "replace FILE if it exists"


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = command(sub, "export", "write the safe-to-sync file or the outreach queue", """
        Write one of the two outputs: the safe-to-sync file (the knows-me people, for the network's
        contact upload) or the personalised-outreach queue (the personalize people).""",
                [("knowme export safe -o contacts.csv", ""), ("knowme export outreach -o queue.md", "")],
                "`knowme export safe --help` and `knowme export outreach --help` say more.")
    kinds = p.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    safe = command(kinds, "safe", "the knows-me people, for the network's contact upload", """
        Write the safe-to-sync file: the people you marked knows-me who are not connected yet, in a
        format the network's contact import accepts, with no address an excluded person holds. It
        refuses, writing nothing, while a knows-me person looks like an excluded one, and lists each
        with the command that settles it.

        The file is private (mode 0600) and written whole or not at all. An existing file is replaced
        only with --force; the workspace and the files imported into it never are.""",
                   [("knowme export safe -o contacts.csv", "LinkedIn's contact-upload CSV"),
                    ("knowme export safe -o contacts.vcf", "vCard (from the extension)"),
                    ("knowme export safe -o - --format google-csv", "to standard output (the summary goes to "
                                                                     "standard error)"),
                    ("knowme export safe -o contacts.csv --force", "replace last time's file")])
    safe.add_argument("-o", "--output", required=True, metavar="FILE", help=OUTPUT_HELP)
    safe.add_argument("--format", default=None, choices=list(exporters("safe")),
                      help="the file's format (default: from FILE's extension, .vcf: vcard, else linkedin-csv)")
    safe.add_argument("--force", action="store_true", help=FORCE_HELP)
    safe.add_argument("--json", action="store_true", help="print the preflight summary as JSON")
    safe.set_defaults(handler=cmd_export_safe)
    out = command(kinds, "outreach", "the personalised-outreach queue, with notes and their lint results", """
        Write the outreach queue: the people you marked personalize, in priority order, each with how
        you know each other, why connect, the draft note and what the linter says of it. Like the safe
        file, it holds no address an excluded person holds, and it refuses, writing nothing, while a
        personalize person looks like an excluded one (listed, each with the command that settles it).
        Private (mode 0600); an existing file is replaced only with --force.""",
                  [("knowme export outreach -o queue.md", "a checklist to work through"),
                   ("knowme export outreach -o queue.csv", "one row per person, with the note"),
                   ("knowme export outreach -o - --format json", "to standard output")])
    out.add_argument("-o", "--output", required=True, metavar="FILE", help=OUTPUT_HELP)
    out.add_argument("--format", default=None, choices=list(exporters("outreach")),
                     help="the file's format (default: from FILE's extension, else md)")
    out.add_argument("--force", action="store_true", help=FORCE_HELP)
    out.add_argument("--json", action="store_true", help="print the summary as JSON")
    out.set_defaults(handler=cmd_export_outreach)


def _format(args: argparse.Namespace, kind: str, fallback: str) -> str:
    """The --format given, else the first format of this export whose extension the file has."""
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower()
    return next((name for name, exp in exporters(kind).items() if exp.extension == suffix), fallback)


def cmd_export_safe(args: argparse.Namespace, store: Store) -> int:
    args.format = _format(args, "safe", "linkedin-csv")
    try:
        report = export_safe(store, args.output, args.format, force=args.force)
    except LookalikesBlock as exc:
        pre = exc.preflight
        out = _summary_stream(args)
        if args.json:
            print(json.dumps({"written": False, "preflight": pre.to_dict()}, indent=2, ensure_ascii=False), file=out)
        else:
            for line in pre.lines():
                print(line, file=out)
            for conflict in pre.lookalikes:
                print(f"  {conflict}", file=out)
                print(f"      resolve: {conflict.command}", file=out)
        raise UserError(str(exc)) from exc
    except ExportError as exc:
        raise UserError(str(exc)) from exc
    _print(args, report)
    return 0


def cmd_export_outreach(args: argparse.Namespace, store: Store) -> int:
    args.format = _format(args, "outreach", "md")
    try:
        report = export_outreach(store, args.output, args.format, force=args.force)
    except OutreachBlock as exc:
        out = _summary_stream(args)
        if args.json:
            print(json.dumps({"written": False, "lookalikes": [lk.to_dict() for lk in exc.lookalikes]}, indent=2,
                             ensure_ascii=False), file=out)
        else:
            print(f"personalize people who may be excluded ones: {len({lk.knows_me_id for lk in exc.lookalikes})} "
                  "(they block the export)", file=out)
            for conflict in exc.lookalikes:
                print(f"  {conflict}", file=out)
                print(f"      resolve: {conflict.command}", file=out)
        raise UserError(f"{plural(len({lk.knows_me_id for lk in exc.lookalikes}), 'personalize person')} may be "
                        "excluded; nothing was written. Resolve each with the command listed under it") from exc
    except ExportError as exc:
        raise UserError(str(exc)) from exc
    _print(args, report)
    return 0


def _summary_stream(args: argparse.Namespace) -> TextIO:
    """Where the summary goes: standard output, unless the export itself went there (`-o -`)."""
    return sys.stderr if args.output == STDOUT else sys.stdout


def _print(args: argparse.Namespace, report: ExportReport) -> None:
    out = _summary_stream(args)
    where = "standard output" if args.output == STDOUT else str(report.path)
    if args.json:
        data: dict[str, object] = {"written": True, "file": args.output if args.output == STDOUT else str(report.path),
                                   "format": report.format,
                                   "people": report.written}
        if report.preflight is not None:
            data["preflight"] = report.preflight.to_dict()
        if report.queue is not None:
            data["counts"] = report.queue.counts()
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
        return
    for line in report.lines:
        print(line, file=out)
    print(f"wrote {where} ({report.format}, {plural(report.written, 'person', 'people')})", file=out)

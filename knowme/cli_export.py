"""`knowme export safe` and `knowme export outreach`: the two outputs, each with its preflight summary."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from knowme.exports import ExportError, ExportReport, LookalikesBlock, export_outreach, export_safe, exporters
from knowme.store import Store


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write the safe-to-sync file or the outreach queue")
    kinds = p.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    safe = kinds.add_parser("safe", help="the knows-me people, for the network's contact upload")
    safe.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    safe.add_argument("--format", default=None, choices=list(exporters("safe")),
                      help="default: from the file's extension (.vcf: vcard), else linkedin-csv")
    safe.add_argument("--json", action="store_true", help="print the preflight summary as JSON")
    safe.set_defaults(handler=cmd_export_safe)
    out = kinds.add_parser("outreach", help="the personalised-outreach queue, with notes and their lint results")
    out.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    out.add_argument("--format", default=None, choices=list(exporters("outreach")),
                     help="default: from the file's extension (.csv, .json), else md")
    out.add_argument("--json", action="store_true", help="print the summary as JSON")
    out.set_defaults(handler=cmd_export_outreach)


def _user_error(message: str) -> Exception:
    from knowme.cli import UserError

    return UserError(message)


def _format(args: argparse.Namespace, kind: str, fallback: str) -> str:
    """The --format given, else the first format of this export whose extension the file has."""
    if args.format:
        return str(args.format)
    suffix = args.output.suffix.lower()
    return next((name for name, exp in exporters(kind).items() if exp.extension == suffix), fallback)


def cmd_export_safe(args: argparse.Namespace, store: Store) -> int:
    args.format = _format(args, "safe", "linkedin-csv")
    try:
        report = export_safe(store, args.output, args.format)
    except LookalikesBlock as exc:
        pre = exc.preflight
        if args.json:
            print(json.dumps({"written": False, "preflight": pre.to_dict()}, indent=2, ensure_ascii=False))
        else:
            for line in pre.lines():
                print(line)
            for conflict in pre.lookalikes:
                print(f"  {conflict}")
                print(f"      resolve: {conflict.command}")
        raise _user_error(str(exc)) from exc
    except ExportError as exc:
        raise _user_error(str(exc)) from exc
    _print(args, report)
    return 0


def cmd_export_outreach(args: argparse.Namespace, store: Store) -> int:
    args.format = _format(args, "outreach", "md")
    try:
        report = export_outreach(store, args.output, args.format)
    except ExportError as exc:
        raise _user_error(str(exc)) from exc
    _print(args, report)
    return 0


def _print(args: argparse.Namespace, report: ExportReport) -> None:
    if args.json:
        data: dict[str, object] = {"written": True, "file": str(report.path), "format": report.format,
                                   "people": report.written}
        if report.preflight is not None:
            data["preflight"] = report.preflight.to_dict()
        if report.queue is not None:
            data["counts"] = report.queue.counts()
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for line in report.lines:
        print(line)
    print(f"wrote {report.path} ({report.format}, {report.written} people)")

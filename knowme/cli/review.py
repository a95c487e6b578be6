"""`knowme review` and `knowme demo`: open the review UI (Textual is imported only here, lazily)."""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from knowme import paths
from knowme.cli.errors import UserError
from knowme.cli.help import add_replacing, command
from knowme.importers import format_names
from knowme.store.core import Store


class _FormatNames(Sequence[str]):
    """The `--format` values, read from the importer registry only when a format is given or listed:
    importing every importer was a fifth of the review UI's start-up in a real terminal."""

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return format_names()[index]

    def __len__(self) -> int:
        return len(format_names())


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = command(sub, "review", "review and decide, contact by contact, in the terminal UI", """
        Open the review UI on the workspace: the people to decide, their duplicates, the outreach
        queue and both exports, all from the keyboard (? lists the keys). With FILEs, they are
        imported first, with progress (and a workspace is made if there is none).""",
                [("knowme review", "the workspace as it is"),
                 ("knowme review ~/Downloads/contacts.vcf", "import a file, then review"),
                 ("knowme review contacts.vcf --replace", "a newer export that no longer holds people you "
                                                          "decided on, then review"),
                 ("knowme --db ~/work.db review", "another workspace")])
    p.add_argument("files", nargs="*", metavar="FILE", type=Path,
                   help="address books or mail to import first (as `knowme import` takes them)")
    p.add_argument("--format", default="auto", metavar="FORMAT", choices=_FormatNames(),
                   help="format of FILEs: %(choices)s (default: auto, detected)")
    p.add_argument("--region", default=None, metavar="REGION", help="default phone region for FILEs, e.g. US, GB, DE")
    add_replacing(p)
    p.set_defaults(handler=cmd_review, creates_workspace=lambda args: bool(args.files), terminal_ui=True)

    p = command(sub, "demo", "the review UI on the bundled sample address books, in a throwaway workspace", """
        Try knowme on made-up address books (phone, Google, Outlook, LinkedIn and mail, with duplicates
        between them) in a workspace that is thrown away when you quit. Your own workspace is not
        touched.""", [("knowme demo", "")])
    p.set_defaults(handler=cmd_demo, no_store=True, no_workspace=True, terminal_ui=True)


def _check_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("review needs a terminal (stdin and stdout must be a TTY)")


def cmd_review(args: argparse.Namespace, store: Store) -> int:
    if args.mode != "auto" and not args.files:
        raise UserError(f"{'--replace' if args.mode == 'replace' else '--as-new-source'} says how FILEs are imported: "
                        "give the FILEs to import")
    _check_terminal()
    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    path = store.path
    store.close()  # the app opens its own connection (and its workers theirs)
    from knowme.tui.app import KnowmeApp

    app = KnowmeApp(path, import_paths=args.files, fmt=args.format, region=args.region, import_mode=args.mode)
    app.run()
    return app.return_code or 0


def cmd_demo(args: argparse.Namespace, store: None) -> int:
    _check_terminal()
    samples = paths.sample_files()
    if not samples:
        raise UserError(f"no sample address books found in {paths.SAMPLE_DATA}")
    from knowme.tui.app import KnowmeApp

    folder = Path(tempfile.mkdtemp(prefix="knowme-demo-"))
    try:
        KnowmeApp(folder / "demo.db", import_paths=samples, demo=True).run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("knowme demo: the demo workspace was thrown away; `knowme review FILE...` reviews your own address books.")
    return 0

"""`knowme mark`, `suggest`, `lint`, `set` and `settings`: triage from the command line.

Thin: every change goes through `knowme.triage` / `knowme.suggest`, as the review UI's do.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from knowme import paths, prefs
from knowme.cli.core import resolve_queries
from knowme.cli.errors import UserError
from knowme.cli.help import JSON_HELP, command
from knowme.lint import DEFAULT_LIMIT, lint_note
from knowme.model import Decision
from knowme.outreach import HOW_CHOICES, TEMPLATES, WHY_CHOICES, draft_for
from knowme.store.core import Store, WorkspaceError
from knowme.suggest import RulesError, accept_suggestions, load_rules, pending, refresh_suggestions, save_rules
from knowme.text import plural
from knowme.triage import (
    OUTREACH_FIELDS,
    ExcludedError,
    TriageError,
    apply,
    at_domain,
    in_category,
    is_gone_excluded,
    mark_different,
    mark_sent,
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = command(sub, "mark", "set the decision and outreach details of people (by id, email, exact name, group or "
                             "domain)", """
        Decide about people, or record outreach details. Select them by QUERY (an id from `knowme list`,
        an email address, a LinkedIn URL, or a name that matches exactly one person), by
        --all-in-category and by --domain; each command is one undoable action.""",
                [("knowme mark ana@example.org --as knows-me", ""),
                 ("knowme mark 42 17 --as exclude --note 'ex-boss'", "two people by id, with a note"),
                 ("knowme mark --domain oldcorp.com --as personalize", "everyone with an address there"),
                 ("knowme mark 'Ana Silva' --how colleague --context 'Acme, 2019' --draft-template colleague",
                  "outreach details, and a draft note from a template"),
                 ("knowme mark 42 --sent", "the request to person 42 went out today"),
                 ("knowme mark 42 --not-same-as 17", "42 and 17 are different people (unblocks the export)")])
    p.add_argument("queries", nargs="*", metavar="QUERY",
                   help="a person's id, email address, LinkedIn URL or exact name (several allowed)")
    p.add_argument("--as", dest="decision", choices=[d.value for d in Decision], help="the decision")
    p.add_argument("--note", default=None, metavar="TEXT", help="a free note")
    p.add_argument("--all-in-category", action="append", default=[], metavar="GROUP",
                   help="everyone in an address-book group or label (e.g. Family, starred)")
    p.add_argument("--domain", action="append", default=[], metavar="DOMAIN",
                   help="everyone with an address at DOMAIN or its subdomains")
    p.add_argument("--sent", nargs="?", const="today", default=None, metavar="DATE",
                   help="record that the connection request went out (today, or YYYY-MM-DD)")
    p.add_argument("--how", choices=list(HOW_CHOICES), help="how you know each other")
    p.add_argument("--context", metavar="TEXT", help="which event, company or mutual contact")
    p.add_argument("--why", metavar="TEXT", help=f"why connect: {', '.join(WHY_CHOICES)} or your own words")
    p.add_argument("--draft", metavar="TEXT", help="the personal note")
    p.add_argument("--draft-template", choices=list(TEMPLATES), help="start the note from a template")
    p.add_argument("--priority", type=int, metavar="N",
                   help="1 = first in the outreach queue, 2 next, ...; 0 = unset")
    p.add_argument("--not-same-as", metavar="QUERY", help="record that QUERY is a different person (resolves a "
                                                          "lookalike that blocks the safe export)")
    p.add_argument("--unexclude", action="store_true",
                   help="allow changing the decision of an excluded person (or of one holding an excluded address, "
                        "phone or name): lifts that exclusion; bulk selections leave excluded people alone without it")
    p.set_defaults(handler=cmd_mark)

    p = command(sub, "suggest", "list or accept suggested decisions (role addresses, groups, mail, rules)", """
        Suggest a decision for each undecided person, with the reason: role and no-reply addresses to
        exclude, your Family or starred groups as knows-me, people you wrote to, your own rules. Nothing
        changes until you accept; an excluded person is never touched by accepting.""",
                [("knowme suggest", "the suggestions and their reasons"),
                 ("knowme suggest --accept all", "accept every suggestion (one undoable action)"),
                 ("knowme suggest --accept 42 17", "accept those of two people"),
                 ("knowme suggest --rules rules.toml --rule recruiters --accept", "one rule's suggestions")])
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.add_argument("--rules", type=Path, metavar="FILE", help="a rules file (TOML); remembered for later runs")
    p.add_argument("--accept", nargs="*", metavar="all|ID", help="accept all suggestions, those of these people, "
                                                                 "or (with --rule) one rule's")
    p.add_argument("--rule", metavar="NAME", help="only the suggestions of this rule")
    p.set_defaults(handler=cmd_suggest)

    p = command(sub, "lint", "check a connection-request note (exit 1 when it has errors)", """
        Check a personal note before you send it: within the character limit, greets by first name, not
        the canned invitation, says how you know each other and why you connect, no pitch or bait.
        Exit 1 when it has errors (warnings alone exit 0). Needs no workspace.""",
                [("knowme lint 'Hi Ana, great to meet you at PyCon...'", ""),
                 ("knowme lint - --first-name Ana < note.txt", "the note from a file, checked for the greeting"),
                 ("knowme lint \"$NOTE\" --limit 200 --json", "a free account's limit, as JSON")])
    p.add_argument("text", metavar="TEXT", help="the note; - reads it from standard input")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help=f"character limit (default: the note-limit setting, {DEFAULT_LIMIT})")
    p.add_argument("--first-name", default=None, metavar="NAME", help="the first name the note should greet")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_lint, no_store=True)

    p = command(sub, "set", "change a setting (knowme settings lists them)", """
        Change one setting of the workspace: NAME is one of those `knowme settings` lists.""",
                [("knowme set note-limit 200", "a free account's note limit"),
                 ("knowme set monthly-allowance 100", "plan the outreach queue in batches of 100 a month")])
    p.add_argument("name", choices=list(prefs.PREFS), metavar="NAME",
                   help=f"the setting: {', '.join(prefs.PREFS)}")
    p.add_argument("value", metavar="VALUE", help="its new value")
    p.set_defaults(handler=cmd_set)

    p = command(sub, "settings", "list the settings", """
        List the workspace's settings with their values and what each does.""",
                [("knowme settings", ""), ("knowme settings --json", "")])
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_settings)


def _selected(args: argparse.Namespace, store: Store) -> tuple[list[int], set[int]]:
    """(everyone selected, those selected in bulk by group or domain rather than named)."""
    ids = resolve_queries(store, args.queries)
    named = set(ids)
    for group in args.all_in_category:
        found = in_category(store, group)
        if not found:
            raise UserError(f"nobody is in the group {group!r}")
        ids += found
    for domain in args.domain:
        found = at_domain(store, domain)
        if not found:
            raise UserError(f"nobody has an address at {domain!r}")
        ids += found
    ids = list(dict.fromkeys(ids))
    return ids, {pid for pid in ids if pid not in named}


def cmd_mark(args: argparse.Namespace, store: Store) -> int:
    fields = {k: getattr(args, k) for k in OUTREACH_FIELDS if getattr(args, k) is not None}
    wants = (args.decision or args.note is not None or fields or args.draft_template or args.sent
             or args.not_same_as)
    if not wants:
        raise UserError("say what to change: --as DECISION, --note, --sent, --how/--context/--why/--draft/"
                          "--priority, or --not-same-as")
    if not (args.queries or args.all_in_category or args.domain):
        raise UserError("say who: a QUERY (id, email or name), --all-in-category GROUP or --domain DOMAIN")
    if args.sent and args.decision == Decision.EXCLUDE.value:
        raise UserError("--sent records a request to someone you contact: not with --as exclude")
    day = (date.today() if args.sent == "today" else _day(args.sent)) if args.sent else None
    ids, bulk = _selected(args, store)
    if args.not_same_as and len(ids) != 1:
        raise UserError("--not-same-as takes exactly one person to compare")
    try:
        per_person = _template_drafts(store, ids, args, fields)
        if args.decision or args.note is not None or fields or per_person:
            result = apply(store, ids, decision=Decision(args.decision) if args.decision else None, note=args.note,
                           per_person=per_person, unexclude=args.unexclude, bulk=bulk, **fields)
            what = f"marked {args.decision}" if args.decision else "updated"
            print(f"{what}: {_people(len(result.changed))}" + (f", {len(result.unchanged)} already so"
                                                               if result.unchanged else ""))
            if result.left_excluded:
                print(f"left alone: {_people(len(result.left_excluded))} excluded or matching an exclusion "
                      "(--unexclude changes them too)")
            if result.unexcluded:
                print(f"lifted the exclusion of {_people(len(result.unexcluded))} (knowme undo puts it back)")
        if args.not_same_as:
            other = _other(store, args.not_same_as)
            mark_different(store, ids[0], other)
            print(f"recorded: people {ids[0]} and {other} are different people")
        if day is not None:
            result = mark_sent(store, ids, day)
            print(f"recorded as sent on {day.isoformat()}: {_people(len(result.changed))}")
    except (TriageError, ExcludedError) as exc:
        raise UserError(str(exc)) from exc
    return 0


def _other(store: Store, query: str) -> int:
    """The person --not-same-as names: anyone a query finds, or an excluded person no book holds any more."""
    if query.strip().isdigit() and is_gone_excluded(store, int(query)):
        return int(query)
    return resolve_queries(store, [query])[0]


def _people(n: int) -> str:
    return plural(n, "person")


def _template_drafts(store: Store, ids: list[int], args: argparse.Namespace,
                     fields: dict[str, object]) -> dict[int, dict[str, object]]:
    """Drafts from `--draft-template`, filled with each person's details (after this command's changes)."""
    if not args.draft_template:
        return {}
    drafts: dict[int, dict[str, object]] = {}
    for pid, person in store.people_by_id(ids).items():
        for key in ("how", "context", "why"):
            if key in fields:
                setattr(person, key, str(fields[key]))
        drafts[pid] = {"draft": draft_for(person, args.draft_template)}
    return drafts


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--sent takes a date YYYY-MM-DD, not {text!r}") from None


def cmd_suggest(args: argparse.Namespace, store: Store) -> int:
    rules = None
    if args.rules:
        try:
            rules = load_rules(args.rules)
        except RulesError as exc:
            raise UserError(str(exc)) from exc
        save_rules(store, rules, args.rules)
    try:
        refresh_suggestions(store, rules=rules)
    except RulesError as exc:
        raise UserError(f"{exc}: load the rules again with --rules FILE") from exc
    if args.accept is not None:
        if not args.accept and not args.rule:
            raise UserError("say what to accept: --accept all, --accept ID..., or --accept --rule NAME")
        ids = None
        if args.accept and args.accept != ["all"]:
            if not all(a.isdigit() for a in args.accept):
                raise UserError("--accept takes `all` or person ids")
            ids = [int(a) for a in args.accept]
        accepted = accept_suggestions(store, ids, args.rule)
        counts: dict[str, int] = {}
        for item in accepted:
            counts[item.suggestion.value] = counts.get(item.suggestion.value, 0) + 1
        summary = ", ".join(f"{n} {d}" for d, n in sorted(counts.items())) or "nothing"
        left = accepted.left_excluded
        print(json.dumps({"accepted": [p.id for p in accepted], "counts": counts, "left_excluded": left})
              if args.json else f"accepted: {summary}" + (" (knowme undo takes it back)" if accepted else "")
              + (f"; left alone: {_people(len(left))} matching an exclusion" if left else ""))
        return 0
    items = [p for p in pending(store) if args.rule is None or p.rule == args.rule]
    if args.json:
        print(json.dumps([{"id": p.id, "name": p.name, "email": p.email or None, "suggestion": p.suggestion.value,
                           "reason": p.reason, "rule": p.rule} for p in items], indent=2, ensure_ascii=False))
        return 0
    if not items:
        print("no suggestions for undecided people")
        return 0
    for p in items:
        email = f" <{p.email}>" if p.email else ""
        print(f"{p.id:>6}  {p.suggestion.value:<11} {p.name}{email}  ({p.reason})")
    counts = {d.value: sum(1 for p in items if p.suggestion is d) for d in Decision if d is not Decision.UNDECIDED}
    print(f"{plural(len(items), 'suggestion')}: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v)
          + "; accept with knowme suggest --accept all|ID...|--rule NAME")
    return 0


def _workspace_limit(args: argparse.Namespace) -> int:
    """The note-limit setting of an existing workspace; its default when there is none (lint needs no workspace)."""
    path = paths.workspace_path(getattr(args, "db", None))
    if not path.exists():
        return int(prefs.PREFS["note-limit"].default)
    try:
        with Store.open(path, create=False) as store:
            return int(prefs.get(store, "note-limit"))
    except WorkspaceError as exc:
        print(f"knowme: using the default limit: {exc}", file=sys.stderr)
        return int(prefs.PREFS["note-limit"].default)


def cmd_lint(args: argparse.Namespace, store: Store | None) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    limit = args.limit if args.limit is not None else _workspace_limit(args)
    if limit < 1:
        raise UserError("--limit must be at least 1")
    report = lint_note(text, limit=limit, first_name=args.first_name)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for finding in report.findings:
            print(f"{finding.level} {finding.code}: {finding.message}")
        verdict = "ok" if report.ok else "not ready"
        print(f"{verdict}: {report.length}/{report.limit} characters"
              + (f" ({report.free_limit} on a free account)" if report.free_limit < report.limit else ""))
    return 0 if report.ok else 1


def cmd_set(args: argparse.Namespace, store: Store) -> int:
    try:
        value = prefs.set_pref(store, args.name, args.value)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    print(f"{args.name} = {value}")
    return 0


def cmd_settings(args: argparse.Namespace, store: Store) -> int:
    values = {name: prefs.get(store, name) for name in prefs.PREFS}
    if args.json:
        print(json.dumps(values, indent=2))
        return 0
    for name, pref in prefs.PREFS.items():
        print(f"{name:<20} {values[name]!s:<8} {pref.help}")
    return 0

"""Writers of the personalised-outreach queue: CSV, a printable Markdown checklist, JSON.

Each person comes with what the note needs (how we know each other, context, why), the draft
and its lint result (or "note needed": a template draft is offered only when every blank of it can
be filled, so no file carries a `{placeholder}`), the queue state (to-send, sent, stale, say-thanks), the monthly batch, and
for accepted requests a short follow-up draft. Order: say-thanks first, then to-send by batch
and priority, then stale, then sent.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from knowme.exports.files import write_csv
from knowme.exports.registry import Exporter, register
from knowme.outreach import HOW_CHOICES, STATE_LABELS, STATE_ORDER, WHY_CHOICES, Queue, QueueItem, QueueState

CSV_HEADER = ("State", "Batch", "Priority", "Name", "First Name", "Emails", "Company", "Title", "LinkedIn", "How",
              "Context", "Why", "Draft", "Lint", "Length", "Limit", "Suggested Draft", "Follow-up", "Sent On",
              "Accepted On", "Id")


@dataclass(slots=True)
class OutreachData:
    """What the writers get: the queue, each person's exportable addresses, and the day it was made."""

    queue: Queue
    emails: dict[int, list[str]]
    today: date
    withheld_names: frozenset[int] = frozenset()  # people whose name is an address that is withheld
    profiles: dict[int, str] | None = None  # each person's LinkedIn profile that may be written (None: any)

    def name(self, person: Any) -> str:
        return "" if person.id in self.withheld_names else person.display_name

    def profile(self, person: Any) -> str:
        return person.linkedin_url if self.profiles is None else self.profiles.get(person.id, "")


def item_dict(item: QueueItem, emails: list[str], name: str | None = None, profile: str | None = None) -> dict[str, Any]:
    p = item.person
    return {
        "id": p.id, "name": p.display_name if name is None else name, "first_name": p.first_name, "emails": emails, "company": p.org,
        "title": p.title, "linkedin": (p.linkedin_url if profile is None else profile) or None, "how": p.how or None,
        "how_label": HOW_CHOICES.get(p.how) if p.how else None, "context": p.context,
        "why": p.why, "why_label": WHY_CHOICES.get(p.why, p.why) if p.why else None,
        "priority": p.priority, "state": item.state.value, "batch": item.batch, "sent_on": p.sent_on,
        "accepted_on": p.accepted_on, "draft": p.draft, "lint": item.lint.to_dict(),
        "suggested_draft": item.suggested_draft or None,
        "suggested_lint": item.suggested_lint.to_dict() if item.suggested_lint is not None else None,
        "follow_up": item.follow_up or None,
        "note_needed": item.note_needed,
    }


def write_json(fh: TextIO, data: OutreachData) -> None:
    q = data.queue
    doc = {"generated": data.today.isoformat(), "note_limit": q.note_limit, "monthly_allowance": q.allowance,
           "counts": q.counts(), "connected_skipped": q.connected_skipped,
           "people": [item_dict(i, data.emails.get(i.person.id, []), data.name(i.person), data.profile(i.person))
                      for i in q.items]}
    json.dump(doc, fh, indent=2, ensure_ascii=False)
    fh.write("\n")


def write_csv_queue(fh: TextIO, data: OutreachData) -> None:
    rows = []
    for item in data.queue.items:
        p = item.person
        rows.append([item.state.value, item.batch or "", p.priority or "", data.name(p), p.first_name,
                     "; ".join(data.emails.get(p.id, [])), p.org, p.title, data.profile(p),
                     HOW_CHOICES.get(p.how, p.how), p.context, WHY_CHOICES.get(p.why, p.why), p.draft,
                     _lint_cell(item), item.lint.length, item.lint.limit, item.suggested_draft, item.follow_up,
                     p.sent_on or "", p.accepted_on or "", p.id])
    write_csv(fh, CSV_HEADER, rows)


def _lint_cell(item: QueueItem) -> str:
    """The Lint column: the draft's, or with no draft the suggested one's (which a long context can make overrun)."""
    if item.note_needed:
        return "note needed"
    if not item.person.draft.strip() and item.suggested_lint is not None:
        lint = item.suggested_lint
        return f"no note yet; the suggested draft: {lint.length}/{lint.limit}, {lint.summary()}"
    return item.lint.summary()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """Inline Markdown text with the characters that would format it escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _quote(text: str) -> list[str]:
    return ["    > " + (md(line) if line.strip() else "") for line in text.replace("\r\n", "\n").split("\n")]


def write_markdown(fh: TextIO, data: OutreachData) -> None:
    """A printable checklist, one section per state (and per monthly batch for to-send)."""
    q = data.queue
    allowance = f"{q.allowance} personalised notes a month" if q.allowance else "no monthly limit on notes set"
    out = ["# Outreach queue", "", f"Made {data.today.isoformat()}. Note limit {q.note_limit} characters; {allowance}.",
           ""]
    if not q.items:
        out += ["Nothing in the queue: mark people `personalize` to plan personal notes.", ""]
    for state in STATE_ORDER:
        items = [i for i in q.items if i.state is state]
        if not items:
            continue
        groups: dict[str, list[QueueItem]] = {}
        for item in items:
            groups.setdefault(item.batch or "", []).append(item)
        for batch, group in groups.items():
            title = STATE_LABELS[state] + (f", batch {batch}" if batch else "")
            out += [f"## {title} ({len(group)})", ""]
            for item in group:
                out += _md_item(item, data.emails.get(item.person.id, []), data.name(item.person),
                                data.profile(item.person))
            out.append("")
    fh.write("\n".join(out).rstrip("\n") + "\n")


def _md_item(item: QueueItem, emails: list[str], name: str, profile: str) -> list[str]:
    p = item.person
    where = ", ".join(x for x in (p.org, p.title) if x)
    head = f"- [ ] **{md(name or '(no name)')}**"
    if p.priority:
        head += f" (priority {p.priority})"
    head += "".join(f" · {md(x)}" for x in (where, ", ".join(emails), profile) if x)
    lines = [head]
    if p.how or p.context:
        lines.append(f"  - How: {md(HOW_CHOICES.get(p.how, p.how) or '?')}" + (f": {md(p.context)}" if p.context
                                                                                else ""))
    if p.why:
        lines.append(f"  - Why: {md(WHY_CHOICES.get(p.why, p.why))}")
    if item.state is QueueState.SAY_THANKS:
        lines.append(f"  - Accepted {p.accepted_on or '(seen connected)'}; sent {p.sent_on}")
        lines.append("  - Follow-up:")
        lines += _quote(item.follow_up)
        return lines
    if item.state in (QueueState.SENT, QueueState.STALE):
        lines.append(f"  - Sent {p.sent_on}")
    if p.draft.strip():
        lines.append(f"  - Note ({item.lint.length}/{item.lint.limit}, {item.lint.summary()}):")
        lines += _quote(p.draft)
        for finding in item.lint.findings:
            lines.append(f"  - {finding.level}: {md(finding.message)}")
    elif item.suggested_draft:
        lint = item.suggested_lint
        said = f" ({lint.length}/{lint.limit}, {lint.summary()})" if lint is not None else ""
        lines.append(f"  - No note yet; a start from the template{said}:")
        lines += _quote(item.suggested_draft)
        for finding in lint.errors if lint is not None else ():
            lines.append(f"  - {finding.level}: {md(finding.message)}")
    else:
        lines.append("  - Note needed: say how you know each other and why you want to connect "
                     "(o in the review UI), then export again.")
    return lines


register(Exporter("csv", "outreach", "Outreach queue (CSV)", ".csv", write_csv_queue))
register(Exporter("md", "outreach", "Outreach checklist (Markdown)", ".md", write_markdown))
register(Exporter("json", "outreach", "Outreach queue (JSON)", ".json", write_json))

"""The personalised-outreach queue: how we know each other, why connect, drafts, and working the queue.

A `personalize` person gets a connection request with a personal note. What the note needs is
kept on the person: `how` (one of `HOW_CHOICES`), `context` (which event, company or mutual
contact), `why` (one of `WHY_CHOICES` or free text), a `draft`, and a `priority` (1 comes first,
2 next, ...; 0 means unset and comes after every set priority).

Drafts start from `TEMPLATES` whose placeholders (`{first_name}`, `{context}`, `{why}`) are filled
from what is known. In the editor what is not known stays a placeholder to type over (the linter
reports it until the note is finished); the queue files never carry one: a person whose template
cannot be filled gets no suggested draft, and the queue says "note needed".

Each note has a status (`knowme.notestatus`): needed (no note), fix (the linter finds errors: it cannot
be sent), check (warnings only) or ready.

Outreach is not done when the note is written. A request moves through these states:
  to-send     not sent yet (planned into monthly batches when the network limits notes a month)
  sent        `knowme mark QUERY --sent` recorded the day it went out
  stale       still pending after `stale-weeks` weeks
  say-thanks  a later Connections.csv shows them connected: thank them and suggest a next step
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

from knowme import prefs
from knowme.lint import DEFAULT_LIMIT, LintReport, lint_note
from knowme.model import Decision, Person, Record, first_name_of
from knowme.notestatus import NOTE_FIX, NOTE_NEEDED
from knowme.store import outreach as outreach_q
from knowme.store.core import Store

HOW_CHOICES: dict[str, str] = {
    "colleague": "Colleague",
    "classmate": "Classmate",
    "business": "We've done business together",
    "friend": "Friend",
    "event": "Met at an event",
    "mutual": "Mutual contact",
    "other": "Other",
}
"""How we know each other: LinkedIn's own categories, plus met-at-event and mutual-contact."""

WHY_CHOICES: dict[str, str] = {
    "admire-work": "I admire their work",
    "talk": "I enjoyed their talk",
    "advice": "I'd like their advice",
    "job": "A job",
    "business": "A business reason",
    "keep-in-touch": "Keep in touch",
}
"""Why connect; anything else typed by the user is kept as free text."""

WHY_PHRASES: dict[str, str] = {
    "admire-work": "I admire your work and would like to follow it more closely.",
    "talk": "I enjoyed your talk and would like to keep in touch.",
    "advice": "I would value your advice as I find my way in your field.",
    "job": "I'm exploring a move into your area and would like to learn how your team works.",
    "business": "I think our work overlaps in ways that could help us both, and would like to stay in touch.",
    "keep-in-touch": "I would like to stay in touch.",
}

TEMPLATES: dict[str, str] = {
    "colleague": "Hi {first_name}, we worked together at {context}. {why}",
    "classmate": "Hi {first_name}, we studied together at {context}. {why}",
    "business": "Hi {first_name}, we worked together on {context}. {why}",
    "friend": "Hi {first_name}, good to find you here, it has been a while since {context}. {why}",
    "event": "Hi {first_name}, it was good to meet you at {context}. {why}",
    "talk": "Hi {first_name}, I saw your talk at {context}. {why}",
    "mutual": "Hi {first_name}, {context} suggested I get in touch with you. {why}",
    "other": "Hi {first_name}, {context}. {why}",
}
"""Note templates by name; `template_for(person)` picks one from the person's `how`."""

_TEMPLATE_FOR_HOW = {"colleague": "colleague", "classmate": "classmate", "business": "business",
                     "friend": "friend", "event": "event", "mutual": "mutual", "other": "other"}

_NEXT_STEP = {
    "admire-work": "If you ever share write-ups of your work, I'd be glad to read them.",
    "talk": "If the slides of your talk are online, I'd love to have another look at them.",
    "advice": "Would you have 20 minutes for a short call in the coming weeks? I'd value your advice.",
    "job": "Would you be open to a short chat about your team in the coming weeks?",
    "business": "Would a short call next week work to see where we could help each other?",
}
_DEFAULT_NEXT_STEP = "Let me know if I can ever help with anything."


class QueueState(str, Enum):
    TO_SEND = "to-send"
    SENT = "sent"
    STALE = "stale"
    SAY_THANKS = "say-thanks"


STATE_ORDER = (QueueState.SAY_THANKS, QueueState.TO_SEND, QueueState.STALE, QueueState.SENT)
STATE_LABELS = {QueueState.SAY_THANKS: "Say thanks (accepted)", QueueState.TO_SEND: "To send",
                QueueState.STALE: "Stale (still pending)", QueueState.SENT: "Sent, waiting"}


def why_text(why: str) -> str:
    """The sentence a `why` stands for: the phrase of a choice, or the user's own text as a sentence."""
    why = why.strip()
    if not why:
        return ""
    if why in WHY_PHRASES:
        return WHY_PHRASES[why]
    return why if why[-1] in ".!?" else why + "."


def note_fields(person: Person) -> dict[str, str]:
    """What the note editor shows and saves of a person (how, context, why, draft), as saved: two
    readings compare equal when nobody changed them in between."""
    return {"how": person.how if person.how in HOW_CHOICES else "", "context": (person.context or "").strip(),
            "why": (person.why or "").strip(), "draft": person.draft or ""}


def template_for(person: Person) -> str:
    """The template name that suits how we know the person ('other' when unknown)."""
    return _TEMPLATE_FOR_HOW.get(person.how, "other")


def draft_for(person: Person, template_name: str | None = None) -> str:
    """A draft note from a template, with what is known filled in and the rest left as placeholders."""
    name = template_name or template_for(person)
    if name not in TEMPLATES:
        raise ValueError(f"unknown template {name!r} (choose from {', '.join(TEMPLATES)})")
    values = {"first_name": person.first_name or "{first_name}", "context": person.context.strip() or "{context}",
              "why": why_text(person.why) or "{why}"}
    return TEMPLATES[name].format_map(values)


def ready_draft(person: Person, template_name: str | None = None) -> str:
    """A template draft only when everything it needs is known ("" when a placeholder would remain)."""
    draft = draft_for(person, template_name)
    return "" if _UNFILLED.search(draft) else draft


_UNFILLED = re.compile(r"\{(?:first_name|context|why)\}")


def person_nicknames(person: Person) -> list[str]:
    """Other names the person goes by on their cards (a note may greet them so): each card's first
    name and nickname, as the list's note status (`knowme.store.outreach.NOTE_STATUS_SQL`) reads them."""
    names = (*(first_name_of(r.given.strip(), r.display_name) for r in person.records),
             *(r.nickname.strip() for r in person.records))
    return [name for name in dict.fromkeys(names) if name and name != person.first_name]


def lint_person_note(person: Person, draft: str | None = None, limit: int = DEFAULT_LIMIT) -> LintReport:
    """The linter on a person's note (or `draft`), greeting checked against their name and nicknames."""
    return lint_note(person.draft if draft is None else draft, limit=limit, first_name=person.first_name or None,
                     nicknames=person_nicknames(person))


def thanks_draft(person: Person) -> str:
    """A short follow-up once they accepted: thank them, suggest a next step."""
    first = person.first_name
    opening = f"Thanks for connecting, {first}!" if first else "Thanks for connecting!"
    return f"{opening} {_NEXT_STEP.get(person.why.strip(), _DEFAULT_NEXT_STEP)}"


def queue_state(person: Person, today: date, stale_weeks: int) -> QueueState | None:
    """Where a personalize person stands; None when they need no request (already connected, never sent)."""
    if person.accepted_on or (person.sent_on and person.connected):
        return QueueState.SAY_THANKS
    if person.sent_on:
        sent = parse_day(person.sent_on)
        if sent is not None and today - sent >= timedelta(weeks=stale_weeks):
            return QueueState.STALE
        return QueueState.SENT
    if person.connected:
        return None
    return QueueState.TO_SEND


def parse_day(text: str | None) -> date | None:
    """The date of an ISO date or timestamp (the first ten characters), None when unreadable."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def priority_key(person: Person) -> tuple[bool, int]:
    """Sort key: priority 1 first, then 2, ...; unset (0) after them all."""
    return (person.priority <= 0, person.priority)


@dataclass(slots=True)
class QueueItem:
    """One person in the outreach queue, with the state, the batch and the note's lint result."""

    person: Person
    state: QueueState
    lint: LintReport
    suggested_draft: str = ""  # a template draft when the person has no draft yet
    suggested_lint: LintReport | None = None  # the linter on it: a long context can make it overrun the limit
    follow_up: str = ""  # the say-thanks draft
    batch: str | None = None  # YYYY-MM, for to-send items when a monthly allowance is set

    @property
    def note_needed(self) -> bool:
        """No note written and none the template could write from what is known."""
        return not self.person.draft.strip() and not self.suggested_draft


@dataclass(slots=True)
class Queue:
    items: list[QueueItem] = field(default_factory=list)
    connected_skipped: int = 0  # personalize people already connected who were never sent a request
    allowance: int = 0
    note_limit: int = DEFAULT_LIMIT

    def counts(self) -> dict[str, int]:
        counted = Counter(item.state.value for item in self.items)
        return {state.value: counted.get(state.value, 0) for state in STATE_ORDER}

    @property
    def lint_errors(self) -> int:
        return sum(1 for item in self.items if item.state is QueueState.TO_SEND and not item.lint.ok)


def build_queue(people: list[Person], today: date | None = None, stale_weeks: int = 3, note_limit: int = DEFAULT_LIMIT,
                allowance: int = 0) -> Queue:
    """The queue over these people (the personalize ones), ordered by state, batch and priority."""
    today = today or date.today()
    queue = Queue(allowance=allowance, note_limit=note_limit)
    for person in people:
        if person.decision is not Decision.PERSONALIZE:
            continue
        state = queue_state(person, today, stale_weeks)
        if state is None:
            queue.connected_skipped += 1
            continue
        item = QueueItem(person, state, lint_person_note(person, limit=note_limit))
        if not person.draft.strip():
            item.suggested_draft = ready_draft(person)
            if item.suggested_draft:
                item.suggested_lint = lint_person_note(person, draft=item.suggested_draft, limit=note_limit)
        if state is QueueState.SAY_THANKS:
            item.follow_up = thanks_draft(person)
        queue.items.append(item)
    sent_this_month = sum(1 for p in people if p.sent_on and (parse_day(p.sent_on) or date.min).strftime("%Y-%m")
                          == today.strftime("%Y-%m"))
    plan_batches([i for i in queue.items if i.state is QueueState.TO_SEND], allowance, today, sent_this_month)
    rank = {state: n for n, state in enumerate(STATE_ORDER)}
    queue.items.sort(key=lambda i: (rank[i.state], i.batch or "", priority_key(i.person),
                                    i.person.display_name.casefold(), i.person.id))
    return queue


def plan_batches(items: list[QueueItem], allowance: int, today: date, sent_this_month: int = 0) -> None:
    """Give to-send items a month (YYYY-MM) in priority order, `allowance` a month; no-op when 0."""
    if allowance <= 0:
        return
    items.sort(key=lambda i: (priority_key(i.person), i.person.display_name.casefold(), i.person.id))
    year, month = today.year, today.month
    room = max(allowance - sent_this_month, 0)
    for item in items:
        while room <= 0:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            room = allowance
        item.batch = f"{year:04d}-{month:02d}"
        room -= 1


def queue_from_store(store: Store, today: date | None = None) -> Queue:
    """The queue of a workspace, with its settings (note limit, allowance, stale weeks)."""
    people = list(store.iter_people(Decision.PERSONALIZE))
    return build_queue(people, today=today, stale_weeks=int(prefs.get(store, "stale-weeks")),
                       note_limit=int(prefs.get(store, "note-limit")),
                       allowance=int(prefs.get(store, "monthly-allowance")))


def outreach_status(store: Store, today: date | None = None) -> dict[str, object]:
    """The queue's counts by state and its settings, for `knowme status` (from the people table alone)."""
    today = today or date.today()
    stale_weeks = int(prefs.get(store, "stale-weeks"))
    limit = int(prefs.get(store, "note-limit"))
    allowance = int(prefs.get(store, "monthly-allowance"))
    counts = {state.value: 0 for state in STATE_ORDER}
    skipped = to_fix = sent_this_month = 0
    for sent_on, accepted_on, connected, draft, status in outreach_q.personalize_requests(store):
        person = Person(0, sent_on=sent_on, accepted_on=accepted_on, records=[_CONNECTED] if connected else [])
        state = queue_state(person, today, stale_weeks)
        if state is None:
            skipped += 1
            continue
        counts[state.value] += 1
        if state is QueueState.TO_SEND and status in (NOTE_NEEDED, NOTE_FIX):
            to_fix += 1  # as the review UI's "Notes to fix" counts
        if sent_on and sent_on[:7] == today.strftime("%Y-%m"):
            sent_this_month += 1
    to_send = counts[QueueState.TO_SEND.value]
    batches = 0
    if allowance and to_send:
        first_room = max(allowance - sent_this_month, 0)
        batches = (1 if first_room else 0) + max(0, -(-(to_send - first_room) // allowance))
    return {**counts, "connected_skipped": skipped, "notes_to_fix": to_fix, "monthly_allowance": allowance,
            "note_limit": limit, "batches": batches}


_CONNECTED = Record(connected_on="yes")

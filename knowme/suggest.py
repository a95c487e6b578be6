"""Suggestions: what the data hints each person's decision should be. Never a decision by itself.

A suggestion becomes a decision only when the user accepts it (`knowme suggest --accept`, or one
key in the review UI), as one undoable action. Sources, first match wins:

1. The user's rules file (below): explicit, so it goes first.
2. Role and machine addresses (info@, sales@, noreply@, notifications, mailer-daemon, lists,
   bounce domains), when every address of the person is one -> exclude.
3. Mail, two-way, recent and repeated -> knows-me, with the numbers in the reason. Thresholds
   are settings (`mail-min-threads`, `mail-min-sent`, `mail-recent-days`).
4. Address-book signals: Google "starred", groups/categories like Family, Friends, Coworkers
   -> knows-me.
5. Mail, one-way inbound only -> exclude when mostly bulk or mass mail and known from mail
   alone, personalize when they wrote at least twice and you never answered.
6. No name and a single address never written to whose local part does not read as a
   person's name (`x7f3q@`, not `ana.silva@` or `asmith@`) -> exclude.
People already connected get no suggestion: they appear in neither export.

Rules file (TOML; `sample_data/rules.example.toml` is a commented example)::

    [[rule]]
    name = "oldcorp"                 # how `knowme suggest --accept --rule oldcorp` names it
    suggest = "exclude"              # knows-me | personalize | exclude
    reason = "former employer: review before inviting"   # optional, shown beside the suggestion
    when.domain = ["oldcorp.com"]    # email domain, subdomains included
    when.category = "Family"         # address-book group or label
    when.org = "Old Corp*"           # organisation (any record's, so old exports count)
    when.name = "*smith"             # the person's name
    when.title = ["*recruiter*", "talent"]

Every `when` key given must match (AND); a list matches when any item does (OR). Matching is
case- and accent-blind; a value with `*` or `?` is a glob over the whole text, any other value
must appear as whole words (domains: the domain itself or a subdomain).
"""
from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from knowme import prefs
from knowme.dedupe.matching import population_shares
from knowme.dedupe.matchitem import name_from_address
from knowme.model import Decision, MailSignal, Person
from knowme.normalize import email_domain, fold, is_role_address
from knowme.runtime import bulk_work
from knowme.store import suggestions as suggestions_q
from knowme.store.core import Store, now

CONDITIONS = {"domain": "domain", "category": "category", "org": "org", "organisation": "org",
              "organization": "org", "company": "org", "name": "name", "title": "title"}
KNOWN_GROUPS = {"starred": "starred", "family": "group Family", "friends": "group Friends",
                "coworkers": "group Coworkers", "co-workers": "group Coworkers", "colleagues": "group Colleagues",
                "favorites": "favourites", "favourites": "favourites", "vip": "group VIP"}
MACHINE_DOMAIN_PREFIXES = ("bounce.", "bounces.", "email.", "em.", "mailer.", "mail.notifications.", "news.",
                           "newsletter.", "reply.", "notifications.", "noreply.", "no-reply.", "lists.",
                           "list.", "mailchimp", "sendgrid.")


class RulesError(ValueError):
    """A rules file that cannot be used, with the file and the rule it is about."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: when every condition holds for a person, suggest `suggest`."""

    name: str
    suggest: Decision
    reason: str = ""
    conditions: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def matches(self, person: Person) -> bool:
        return bool(self.conditions) and all(_condition(kind, values, person) for kind, values in self.conditions)

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "suggest": self.suggest.value, "reason": self.reason,
                "when": {kind: list(values) for kind, values in self.conditions}}


@dataclass(frozen=True, slots=True)
class MailThresholds:
    min_threads: int = 2
    min_sent: int = 2
    recent_days: int = 730

    @classmethod
    def of(cls, store: Store | None) -> MailThresholds:
        return cls(int(prefs.get(store, "mail-min-threads")), int(prefs.get(store, "mail-min-sent")),
                   int(prefs.get(store, "mail-recent-days")))


def load_rules(path: Path) -> list[Rule]:
    """Read a rules file; RulesError naming the file (and rule) when it is not valid."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise RulesError(f"{path}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML: {exc}") from exc
    return rules_from_data(data.get("rule", []), str(path))


def rules_from_data(items: Any, where: str = "rules") -> list[Rule]:
    """Rules from their parsed form (the TOML's `rule` array, or what `Rule.to_data` stored)."""
    if not isinstance(items, list):
        raise RulesError(f"{where}: `rule` must be an array of tables ([[rule]])")
    rules: list[Rule] = []
    for number, item in enumerate(items, 1):
        label = f"{where}: rule {number}"
        if not isinstance(item, dict):
            raise RulesError(f"{label}: must be a table")
        name = str(item.get("name", f"rule-{number}")).strip()
        label = f"{where}: rule {number} ({name})"
        if not name or ":" in name:
            raise RulesError(f"{label}: a name must be non-empty and without ':'")
        if any(r.name == name for r in rules):
            raise RulesError(f"{label}: another rule already has this name")
        try:
            suggestion = Decision.parse(str(item.get("suggest", "")))
        except ValueError:
            suggestion = Decision.UNDECIDED
        if suggestion is Decision.UNDECIDED:
            raise RulesError(f"{label}: suggest must be knows-me, personalize or exclude")
        unknown = set(item) - {"name", "suggest", "reason", "when"}
        if unknown:
            raise RulesError(f"{label}: unknown key {min(unknown)!r} (conditions go under when.)")
        when = item.get("when", {})
        if not isinstance(when, dict) or not when:
            raise RulesError(f"{label}: needs at least one condition (when.domain, when.category, when.org, "
                             "when.name, when.title)")
        conditions = []
        for key, value in when.items():
            kind = CONDITIONS.get(str(key).lower())
            if kind is None:
                raise RulesError(f"{label}: unknown condition {key!r} (use {', '.join(sorted(set(CONDITIONS)))})")
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip()
                                                                     for v in values):
                raise RulesError(f"{label}: {key} takes a text or a list of texts")
            conditions.append((kind, tuple(v.strip() for v in values)))
        rules.append(Rule(name, suggestion, str(item.get("reason", "")).strip(), tuple(conditions)))
    return rules


def _condition(kind: str, values: tuple[str, ...], person: Person) -> bool:
    if kind == "domain":
        domains = {email_domain(e) for e in person.emails}
        return any(_domain_match(d, v) for d in domains for v in values)
    if kind == "category":
        cats = {_group_key(c) for c in person.categories}
        return any(_text_match(c, v, whole=True) for c in cats for v in values)
    if kind == "name":
        texts = {person.display_name} | {r.display_name for r in person.records}
    else:
        texts = {getattr(r, kind) for r in person.records}
    return any(_text_match(fold(t), v) for t in texts if t.strip() for v in values)


def _domain_match(domain: str, pattern: str) -> bool:
    pattern = pattern.lower().lstrip("@").strip()
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(domain, pattern)
    return domain == pattern or domain.endswith("." + pattern)


def _text_match(folded: str, pattern: str, whole: bool = False) -> bool:
    if "*" in pattern or "?" in pattern:
        glob = "".join(p if p and p in "*?" else fold(p) for p in re.split(r"([*?])", pattern))
        return fnmatch.fnmatchcase(folded, glob)
    wanted = fold(pattern)
    if whole:
        return folded == wanted
    return bool(re.search(r"(?<!\w)" + re.escape(wanted) + r"(?!\w)", folded))


def _group_key(text: str) -> str:
    return fold(text.strip().lstrip("*").strip())


def _machine_address(email: str) -> bool:
    return is_role_address(email) or email_domain(email).startswith(MACHINE_DOMAIN_PREFIXES)


_NO_MAIL = MailSignal()  # read only


def suggestion_for(person: Person, rules: Iterable[Rule] = (), mail: MailThresholds | None = None,
                   today: date | None = None) -> tuple[Decision | None, str]:
    """The suggested decision for a person and the reason to show, or (None, "")."""
    if person.connected:  # already a connection: in neither export, nothing to decide
        return None, ""
    for rule in rules:
        if rule.matches(person):
            return rule.suggest, f"rule {rule.name}: {rule.reason or _describe(rule)}"
    emails = person.emails
    if emails and all(_machine_address(e) for e in emails):
        return Decision.EXCLUDE, f"role or machine address ({emails[0]})"
    mail = mail or MailThresholds()
    sig = person.signals if any(r.signal is not None for r in person.records) else _NO_MAIL
    if (sig.two_way_threads >= mail.min_threads and sig.sent >= mail.min_sent
            and _days_since(sig.last, today) <= mail.recent_days):
        return Decision.KNOWS_ME, (f"mail: {sig.sent} sent, {sig.received} received, "
                                   f"{sig.two_way_threads} two-way threads, last {sig.last}")
    for category in person.categories:
        label = KNOWN_GROUPS.get(_group_key(category))
        if label:
            return Decision.KNOWS_ME, f"address book: {label}"
    from_mail_only = all(r.signal is not None for r in person.records)
    if sig.received and not sig.sent and not sig.two_way_threads:  # a thread with a reply is a reply
        if from_mail_only and (sig.bulk * 2 >= sig.received or sig.crowd * 2 >= sig.received):
            return Decision.EXCLUDE, (f"mail: {sig.received} received, none sent, "
                                      f"{max(sig.bulk, sig.crowd)} of them bulk or mass mail")
        if sig.received >= 2:
            return Decision.PERSONALIZE, f"mail: they wrote {sig.received} times, you never wrote back"
    if (len(emails) == 1 and not sig.sent and not person.first_name and not person.last_name
            and not person.phones and not looks_like_a_person(emails[0])):
        return Decision.EXCLUDE, f"no name, and a single address you never wrote to ({emails[0]})"
    return None, ""


def looks_like_a_person(email: str) -> bool:
    """True when an address's local part reads as a person's name (ana.silva, asmith, john.smith26, jsmith)."""
    local = email.rpartition("@")[0].lower().rstrip("0123456789")
    if name_from_address(email):
        return True
    letters = local.replace(".", "").replace("_", "").replace("-", "")
    if not letters.isalpha() or len(letters) < 3:
        return False
    first, last = population_shares()
    if letters in first or letters in last or letters[1:] in last or letters[:-1] in first:
        return True
    return any(letters[:i] in first and letters[i:] in last for i in range(2, len(letters) - 1))


def _describe(rule: Rule) -> str:
    return "; ".join(f"{kind} {' or '.join(values)}" for kind, values in rule.conditions)


def _days_since(day: str | None, today: date | None) -> int:
    if not day:
        return 10 ** 6
    try:
        then = date.fromisoformat(day[:10])
    except ValueError:
        return 10 ** 6
    return ((today or date.today()) - then) // timedelta(days=1)


def stored_rules(store: Store) -> list[Rule]:
    """The rules saved in this workspace by `knowme suggest --rules FILE` (or the UI)."""
    return rules_from_data(store.setting("rules", []), "saved rules")


def save_rules(store: Store, rules: list[Rule], path: Path | None = None) -> None:
    """Keep rules in the workspace (so later runs and the UI use them without the file)."""
    store.set_setting("rules", [r.to_data() for r in rules])
    if path is not None:
        store.set_setting(prefs.PREFS["rules-file"].key, str(Path(path).resolve()))


def suggester(store: Store, today: date | None = None) -> Callable[[Person], tuple[str | None, str]]:
    """suggestion_for with this workspace's rules and thresholds read once (for bulk work, e.g. imports)."""
    rules = stored_rules(store)
    mail = MailThresholds.of(store)

    def suggest(person: Person) -> tuple[str | None, str]:
        suggestion, reason = suggestion_for(person, rules, mail, today)
        return (suggestion.value if suggestion else None), reason

    return suggest


@bulk_work()
def refresh_suggestions(store: Store, ids: Iterable[int] | None = None, rules: list[Rule] | None = None,
                        today: date | None = None, people: Iterable[Person] | None = None) -> int:
    """Recompute the stored suggestion of these people (default: everyone); returns how many changed.

    `people` passes people already in memory (an import's new ones) instead of reading them back.
    Suggestions are derived data, not user actions: this is not logged for undo.
    """
    rules = stored_rules(store) if rules is None else rules
    mail = MailThresholds.of(store)
    if people is None:
        wanted = None if ids is None else list(dict.fromkeys(ids))
        people = store.iter_people() if wanted is None else store.people_by_id(wanted).values()
    updates = []
    for person in people:
        suggestion, reason = suggestion_for(person, rules, mail, today)
        value = suggestion.value if suggestion else None
        if value != person.suggestion or reason != person.suggestion_reason:
            updates.append((value, reason, person.id))
    if updates:
        with store.transaction():
            suggestions_q.set_suggestions(store, updates)
    return len(updates)


@dataclass(slots=True)
class Pending:
    """An undecided person with a suggestion waiting to be accepted."""

    id: int
    name: str
    email: str
    suggestion: Decision
    reason: str

    @property
    def rule(self) -> str | None:
        match = re.match(r"rule ([^:]+):", self.reason)
        return match.group(1) if match else None


def pending(store: Store) -> list[Pending]:
    """Every undecided person with a suggestion, in name order."""
    return [Pending(pid, name, email, Decision(s), reason)
            for pid, name, email, s, reason in suggestions_q.undecided_with_suggestion(store)]


class Accepted(list[Pending]):
    """The suggestions accepted, and the people left alone because the suppression list covers them."""

    left_excluded: list[int]

    def __init__(self, items: Iterable[Pending] = (), left_excluded: Iterable[int] = ()) -> None:
        super().__init__(items)
        self.left_excluded = list(left_excluded)


def accept_suggestions(store: Store, ids: Iterable[int] | None = None, rule: str | None = None) -> Accepted:
    """Turn pending suggestions into decisions (all, these people, or one rule's), as one undoable action.

    Only undecided people are touched: a suggestion never overrides what the user decided. An
    undecided person the suppression list covers (holding an excluded address, phone, card or
    exact name) gets no decision but exclude from a suggestion: they are left alone and counted.
    Accepting an exclude suggestion records an exclusion, as marking does.
    """
    from knowme import suppression

    chosen = pending(store)
    if ids is not None:
        wanted = set(ids)
        chosen = [p for p in chosen if p.id in wanted]
    if rule is not None:
        chosen = [p for p in chosen if p.rule == rule]
    softer = [p.id for p in chosen if p.suggestion is not Decision.EXCLUDE]
    covered = suppression.suppressed(store, softer) if softer else {}
    left = [p.id for p in chosen if p.id in covered]
    chosen = [p for p in chosen if p.id not in covered]
    if not chosen:
        return Accepted((), left)
    with store.transaction():
        before = store.snapshot(person_ids=[p.id for p in chosen])
        stamp = now()
        for item in chosen:
            store.update_person(item.id, decision=item.suggestion.value, decided_at=stamp)
        counts: dict[str, int] = {}
        for item in chosen:
            counts[item.suggestion.value] = counts.get(item.suggestion.value, 0) + 1
        summary = "accepted suggestions: " + ", ".join(f"{n} {d}" for d, n in sorted(counts.items()))
        log_id = store.log_action("suggest", summary, before, store.snapshot(person_ids=[p.id for p in chosen]))
        suppression.exclude(store, [p.id for p in chosen if p.suggestion is Decision.EXCLUDE], log_id)
    return Accepted(chosen, left)

"""The user's settings for triage, notes and exports: names, defaults, validation.

Stored in the workspace's `settings` table (so they travel with the workspace), read through
`get(store, name)` by the core, and set with `knowme set NAME VALUE` or from the review UI.
A registry, so the CLI's help, `knowme settings` and the UI list the same things.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from knowme.normalize import default_region
from knowme.notelimit import DEFAULT_LIMIT, FREE_LIMIT


class SettingsStore(Protocol):
    def setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class Pref:
    """One setting: its user-facing name, storage key, default and bounds."""

    name: str
    key: str
    default: Any
    help: str
    kind: type = int
    minimum: int | None = None
    maximum: int | None = None

    def parse(self, text: str) -> Any:
        """The value `text` stands for; ValueError with a one-line reason when it is not valid."""
        if self.kind is int:
            try:
                value = int(text.strip())
            except ValueError:
                raise ValueError(f"{self.name} takes a whole number, not {text!r}") from None
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{self.name} must be at least {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"{self.name} must be at most {self.maximum}")
            return value
        return text.strip()


PREFS: dict[str, Pref] = {p.name: p for p in (
    Pref("note-limit", "note_limit", DEFAULT_LIMIT,
         f"characters a connection-request note may have ({DEFAULT_LIMIT}; free accounts: {FREE_LIMIT})",
         minimum=20, maximum=3000),
    Pref("monthly-allowance", "monthly_allowance", 0,
         "personalised notes the network lets you send per month (0 = no limit): plans the outreach queue "
         "into monthly batches", minimum=0, maximum=10000),
    Pref("stale-weeks", "stale_weeks", 3, "weeks after which a request still pending is listed as stale",
         minimum=1, maximum=520),
    Pref("lookalike-threshold", "lookalike_threshold", 88,
         "name similarity (0-100) at which a knows-me person blocks the safe export as a lookalike of an "
         "excluded one", minimum=50, maximum=100),
    Pref("mail-min-threads", "mail_min_threads", 2,
         "two-way mail threads that make a correspondent a suggested knows-me", minimum=1),
    Pref("mail-min-sent", "mail_min_sent", 2, "messages you sent them, for a suggested knows-me", minimum=0),
    Pref("mail-recent-days", "mail_recent_days", 730,
         "how recent the last message must be (days) for a suggested knows-me", minimum=1),
    Pref("rules-file", "rules_file", "", "the suggestion rules file (TOML) used by `knowme suggest`", kind=str),
)}


def get(store: SettingsStore | None, name: str) -> Any:
    """The value of a setting in this workspace, or its default (also when there is no workspace)."""
    pref = PREFS[name]
    if store is None:
        return pref.default
    value = store.setting(pref.key, pref.default)
    return pref.default if value is None else value


def set_pref(store: SettingsStore, name: str, text: str) -> Any:
    """Validate and store a setting given as text; returns the stored value."""
    pref = PREFS.get(name) or PREFS.get(name.replace("_", "-"))
    if pref is None:
        raise ValueError(f"unknown setting {name!r} (known: {', '.join(PREFS)})")
    value = pref.parse(text)
    store.set_setting(pref.key, value)
    return value


def phone_region(store: SettingsStore, given: str | None = None) -> str:
    """The region a phone number without a country code is read in, for an import or a query: the
    one given (`--region`), else the one this workspace was last given, else the locale's."""
    return (given or store.setting("region") or default_region()).upper()

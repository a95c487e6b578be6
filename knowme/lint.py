"""The note linter: is a connection-request note personal, and does it fit?

Pure and fast (the review UI calls it on every keystroke): a handful of precompiled patterns
over the folded text, no I/O. Errors make a note unsendable; warnings point at what the
etiquette literature says a good note needs (docs/design.md, "What good personal notes need").

Errors
  canned       the network's default text ("I'd like to add you to my professional network")
               or one of its variants: a note that says nothing personal
  too-long     over the limit (300 by default; free accounts get 200)
  placeholder  a template placeholder left unfilled (`{context}`, `[Name]`, `<company>`, `XXX`)
  empty        nothing written
  wrong-name   greets someone else by name ("Hi Bob," to Kevin): the worst note there is
               (the person's first name, its nicknames and their own nicknames are all fine)
Warnings
  free-limit   fits the limit but not the 200 characters free accounts get
  no-greeting  does not open by greeting the person by first name
  no-context   does not say how you know each other (event, work, people in common, ...)
  no-reason    does not say why you want to connect
  bait         curiosity bait or a sales pitch
  flattery     generic praise that could be sent to anyone

Length is counted as the network's note box counts it: every character including spaces and
line breaks, a line break (CRLF, CR or LF) counting once, and characters outside the Basic
Multilingual Plane (most emoji) counting twice, as the browser's `maxlength` counts UTF-16
code units. Counting emoji as two can only make us stricter than the site, never looser.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Literal

from knowme.notelimit import DEFAULT_LIMIT, FREE_LIMIT

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the linter has to say about a note; `span` is (start, end) in the text when known."""

    level: Level
    code: str
    message: str
    span: tuple[int, int] | None = None


@dataclass(slots=True)
class LintReport:
    """All findings for one note, with its counted length and the limit it was checked against."""

    findings: list[Finding] = field(default_factory=list)
    length: int = 0
    limit: int = DEFAULT_LIMIT
    free_limit: int = FREE_LIMIT

    @property
    def ok(self) -> bool:
        """True when nothing stops the note from being sent (warnings allowed)."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def summary(self) -> str:
        """One short line: 'ok', or the counts and the codes, for lists and exports."""
        if not self.findings:
            return "ok"
        parts = []
        if self.errors:
            parts.append(f"{len(self.errors)} error{'s' * (len(self.errors) > 1)}")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning{'s' * (len(self.warnings) > 1)}")
        return ", ".join(parts) + ": " + ", ".join(f.code for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "length": self.length, "limit": self.limit, "free_limit": self.free_limit,
                "findings": [{k: v for k, v in asdict(f).items() if k != "span" or v is not None}
                             for f in self.findings]}


def note_length(text: str) -> int:
    """Characters as the network counts them: line breaks once, astral characters as two."""
    text = _normalise_breaks(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _normalise_breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _fold(text: str) -> str:
    """Lower-case, accents off, curly quotes straightened, whitespace collapsed: for matching only."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())


def _alternation(phrases: str) -> re.Pattern[str]:
    items = [p.strip() for p in phrases.strip().splitlines() if p.strip()]
    return re.compile(r"(?:" + "|".join(items) + r")")


# The canned default and the variants the networks have used (and people paste).
_CANNED = _alternation(r"""
(?:i'?d|i would|i want to|i wanted to|i'd love to) (?:like to )?add you to my (?:professional )?network
(?:please )?join my (?:professional )?network(?: on linkedin)?
i'?d like to (?:connect|join your network) (?:with you )?on linkedin
i would like to connect with you on linkedin
i'?d like to include you in my (?:professional )?network
since you are a person i trust, i wanted to invite you to join my network
""")

_PLACEHOLDER = re.compile(
    r"\{[^{}\n]{0,40}\}"            # {first_name}, {context}, {}
    r"|\[[^\[\]\n]{0,40}\]"         # [Name], [company]
    r"|<<?[A-Za-z _-]{1,30}>>?"     # <name>, <<event>>
    r"|%[A-Z_]{2,30}%"              # %NAME%
    r"|\bX{3,}\b|_{3,}|\bTODO\b|\bTBD\b"
)

_GREETING = re.compile(r"^\W*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening|day)|hallo|hola|"
                       r"bonjour|ciao|ola|salut|moin|servus|gruezi|hej|hei|ahoj|witam|yo)\b[\s,]*([^\s,.!:;]+)?")

_GREETING_CASED = re.compile(_GREETING.pattern, re.IGNORECASE)

_CONTEXT = _alternation(r"""
\bmet\b|\bmeet(?:ing|up)?s?\b|\bmeetup\b|\bconference\b|\bevent\b|\bsummit\b|\bworkshop\b|\bwebinar\b|\bpanel\b
\b(?:your|the|a|that|his|her|their) talks?\b|\bkeynote\b|\bpresent(?:ed|ation|ing)\b|\bspoke\b|\bspeak(?:ing)?\b|\bpodcast\b|\bhackathon\b|\bbooth\b
\bworked\b|\bwork(?:ing)? (?:together|with you)\b|\bcolleagues?\b|\b(?:same|your|our|my old|on the|in the) team\b|\bclassmates?\b|\bstudied\b|\bschool\b
\buniversity\b|\bcollege\b|\balumn(?:i|us|a)\b|\bcourse\b|\bclass\b|\bcohort\b|\bbootcamp\b
\bmutual\b|\bintroduc(?:ed|tion)\b|\breferred\b|\bsuggested i\b|\bin common\b|\bwe both\b|\bboth of us\b
\byour (?:post|article|paper|book|blog|newsletter|video|thread|comment|project|repo|library|research)\b
\bread\b|\bsaw\b|\bheard\b|\bwatched\b|\bfollow(?:ed|ing)?\b|\bcommunity\b|\bgroup\b|\bclub\b|\bvolunteer
\bneighbou?rs?\b|\bfriend of\b|\bformer(?:ly)?\b|\bused to\b|\bback at\b|\bsame (?:company|team|school|field)\b
\bworked at\b|\bat (?:the|your)\b|\bcustomer\b|\bclient\b|\bpartner\b|\bsupplier\b|\bvendor\b
\b(?:after|since|during|from|through|at) our\b|\bour (?:\S+ ){0,3}(?:days|project|time|trip|offsite|retreat|launch
|program(?:me)?|course|class|call|chat|conversation|exchange|session|discussion|work|years?|dinner|lunch|coffee)\b
\bwe (?:spoke|talked|chatted|emailed|corresponded|sat|shared|ran|played|sang|both|were|did|had)\b|\bwe'?ve\b
\b(?:ran|bumped) into\b|\bthanks for\b|\bthank you for\b|\blast (?:week|month|year|spring|summer|autumn|fall|winter)\b
\byour (?:talk|session|lecture|workshop|tutorial|keynote|panel|demo|book|course|paper|team|work on)\b
\b(?:a|the) (?:friend|colleague|classmate) of\b|\bthrough (?:a )?(?:mutual|common|friend|colleague)\b
""".replace("\n|", "|"))

_REASON = _alternation(r"""
\bwould (?:like|love|be glad|be happy|value|appreciate)\b|\bi'?d (?:like|love|value|appreciate|be glad)\b
\bhoping\b|\bhope to\b|\bkeen to\b|\blooking forward\b|\bkeep (?:in touch|up)\b|\bstay (?:in touch|connected)\b
\badvice\b|\blearn\b|\bask you\b|\bquestion about\b|\bexchange\b|\bdiscuss\b|\bchat\b|\bcompare notes\b
\badmire\b|\benjoyed\b|\binspir\w*\b|\bappreciated\b|\bfound .{0,30} (?:useful|helpful)\b
\bjob\b|\brole\b|\bposition\b|\bopening\b|\bhiring\b|\bopportunit\w*\b|\bcollaborat\w*\b|\bwork together\b
\binterested in\b|\bcurious\b|\bfollow your work\b|\bpartner\w*\b|\bintroduce\b|\bhelp\b
\bwould be (?:great|good|nice|glad|happy)\b|\bwelcome\b|\bvalue\b|\bbecause\b|\bso (?:that )?(?:we|i) (?:can|could)\b
\byour (?:take|perspective|thoughts|view|views|insights?|input|feedback|experience with)\b|\bfeedback\b
\bswap\b|\breconnect\b|\bcatch up\b|\bkeep (?:talking|sharing|following|the conversation)\b
\bcontinue (?:the|our) (?:conversation|discussion|chat)\b|\bmentor\w*\b|\brecommend\w*\b|\bhire\b|\brecruit\w*\b
\bi'?m (?:moving|building|starting|launching|looking|researching|writing|working on|organi[sz]ing|planning)\b
\bspeak at\b|\binvite you\b|\bjoin (?:us|our)\b|\bwork with you\b|\bsee (?:what|how|where|if)\b
""")

_BAIT = _alternation(r"""
(?:something|an? \w+) (?:that )?(?:will|would|might|could) be of (?:great )?interest to you
it (?:would|might|could) make (?:a lot of )?sense (?:for us )?to (?:be )?connect(?:ed)?
make sense for us to (?:be )?connect(?:ed)?
\bquick question\b|\bhave (?:an|a great|a unique) (?:offer|opportunity) for you\b|\bexclusive offer\b
\bhop on a (?:quick )?call\b|\b(?:15|10|20|30|fifteen|ten|twenty) minutes of your time\b|\bbook a (?:demo|call)\b
\bour (?:product|services|solution|platform|agency)\b|\bgrow your (?:business|revenue|sales)\b
\bmutually beneficial\b|\bsynerg\w*\b|\bwin-win\b|\byou won'?t believe\b|\bguaranteed\b|\bfree trial\b
\bi help (?:companies|businesses|founders|people)\b|\bare you the right person\b|\bcircle back\b
""")

_FLATTERY = _alternation(r"""
\b(?:impressive|amazing|great|incredible|stellar|outstanding|awesome|fantastic|remarkable|interesting|inspiring)
 (?:profile|background|experience|career|resume|cv)\b
\bcame across your profile\b|\byour profile (?:caught|stood out|impressed)\b|\bi (?:was )?(?:just )?(?:viewing|looking at) your profile\b
\brock ?star\b|\bninja\b|\bguru\b|\bthought leader\b|\bvisionary\b|\bsomeone like you\b|\bpeople like you\b
\bi'?m (?:a )?(?:big|huge) fan\b|\byou are an inspiration\b|\bsuch an inspiration\b
""".replace("\n ", " "))


def placeholders(text: str) -> list[tuple[int, int]]:
    """Where unfilled template placeholders sit in a note, as (start, end) indexes."""
    return [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]


def lint_note(text: str, limit: int = DEFAULT_LIMIT, first_name: str | None = None,
              free_limit: int = FREE_LIMIT, nicknames: Iterable[str] = ()) -> LintReport:
    """Check one connection-request note; see the module docstring for the codes.

    `first_name`, when known, makes the greeting check exact: the note must greet that name, one
    of its usual nicknames (Bob for Robert) or one of `nicknames` (the person's own, from their
    cards); greeting anybody else is an error.
    """
    body = _normalise_breaks(text)
    report = LintReport(length=note_length(body), limit=limit, free_limit=free_limit)
    add = report.findings.append
    if not body.strip():
        add(Finding("error", "empty", "the note is empty"))
        return report
    folded = _fold(body)
    canned = _CANNED.search(folded)
    if canned:
        add(Finding("error", "canned", "this is the network's canned default text: say something personal "
                                       "instead (how you know them, why you want to connect)"))
    if report.length > limit:
        add(Finding("error", "too-long", f"{report.length} characters, {report.length - limit} over the "
                                         f"{limit}-character limit (spaces and line breaks count)"))
    elif free_limit < limit and report.length > free_limit:
        add(Finding("warning", "free-limit", f"{report.length} characters: fits {limit}, but not the "
                                             f"{free_limit} that free accounts get"))
    for match in _PLACEHOLDER.finditer(body):
        add(Finding("error", "placeholder", f"fill in the placeholder {match.group(0).strip()!r}",
                    (match.start(), match.end())))
    _check_greeting(body, folded, first_name, add, nicknames)
    if not canned:
        if not _CONTEXT.search(folded):
            add(Finding("warning", "no-context", "say how you know each other: where you met, worked together, "
                                                 "people in common, their talk or article"))
        if not _REASON.search(folded):
            add(Finding("warning", "no-reason", "say why you want to connect: their work, advice, a job, "
                                                "a business reason that helps them too"))
    for match in _BAIT.finditer(folded):
        add(Finding("warning", "bait", f"curiosity bait or a pitch ({match.group(0)!r}): say plainly what you "
                                       "want and what is in it for them"))
    for match in _FLATTERY.finditer(folded):
        add(Finding("warning", "flattery", f"generic praise ({match.group(0)!r}): name something specific "
                                           "they did instead"))
    return report


# Words a greeting may be followed by that are not a name ("Hi there,", "Hello team").
_NOT_NAMES = frozenset({
    "there", "all", "everyone", "everybody", "team", "folks", "friend", "friends", "sir", "madam", "mr", "mrs",
    "ms", "dr", "prof", "again", "and", "from", "to", "it", "its", "i", "i'm", "im", "we", "you", "guys", "hope",
    "just"})
_OPENING_NAME = re.compile(r"^\W*([^\W\d_][\w'-]*)\s*[,!]")  # "Kevin, great to meet you"


@lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer  # loaded only when a name is checked (a few hundred ms once)

    return NickNamer()


def greeting_names(first_name: str, nicknames: Iterable[str] = ()) -> frozenset[str]:
    """Every folded name a note may greet this person by: the name, its usual nicknames and
    formal forms (Bob, Robert, Rob, ...), and the person's own nicknames."""
    names: set[str] = set()
    for given in (first_name, *nicknames):
        words = _fold(given.strip()).split()
        names.update(words)
    nicknamer = _nicknamer()
    for word in list(names):
        formal = set(nicknamer.canonicals_of(word))
        names.update(formal)
        names.update(nicknamer.nicknames_of(word))
        for name in formal:
            names.update(nicknamer.nicknames_of(name))
    return frozenset(names)


def _greeted(body: str) -> str | None:
    """The name a note opens by greeting ("Hi Bob," -> "Bob"), when it looks like a name (capitalised)."""
    text = body.lstrip()[:60]
    match = _GREETING_CASED.match(text) or _OPENING_NAME.match(text)
    token = match.group(1) if match else None
    if not token or not token[0].isupper() or _fold(token).strip("'") in _NOT_NAMES:
        return None
    return token


def _check_greeting(body: str, folded: str, first_name: str | None, add: Any, nicknames: Iterable[str] = ()) -> None:
    head = folded[:60]
    if first_name and first_name.strip():
        accepted = greeting_names(first_name, nicknames)
        greeted = _greeted(body)
        if greeted and greeted[0] not in "{[<%":
            if _fold(greeted).strip("'") not in accepted:
                add(Finding("error", "wrong-name", f"the note greets {greeted}, but it is for {first_name.strip()}: "
                                                   f"greet them by their name (\"Hi {first_name.strip()},\")"))
            return
        if any(re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", head) for name in accepted):
            return
        add(Finding("warning", "no-greeting", f"greet them by first name at the start (\"Hi {first_name.strip()},\")"))
        return
    match = _GREETING.match(head)
    name = match.group(1) if match else None
    if name and name[0] in "{[<%":  # the placeholder finding already covers it
        return
    original_head = body.lstrip()[:60]
    capitalised = bool(name) and any(word[:1].isupper() for word in re.findall(r"\w+", original_head)[1:3])
    if not match or not name or not capitalised:
        add(Finding("warning", "no-greeting", "greet them by first name at the start (\"Hi Ana,\")"))

"""Evidence besides names: profiles, emails, phones, the organisation and title, birthdays and
postal addresses, one small function each, every weight named. Each adds points (roughly log10 odds,
for the queue's order and the older sure rules) and fitted odds (`Tally.odds`, weighed by this
workspace: `Stats.value_weight`, `Stats.disagreement`), and says why in words.

Part of scoring one pair (`knowme.dedupe.scoring`); names are in `knowme.dedupe.evidence_names`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from phonenumbers import region_code_for_country_code

from knowme.dedupe.matchitem import calling_code
from knowme.dedupe.namesim import org_matches_domain, orgs_agree
from knowme.normalize import fold, is_role_address

if TYPE_CHECKING:
    from knowme.dedupe.matching import MatchItem, Stats

CROWDED = 8  # an exact key held by more records than this is shared by many (role, office line)

# ---- exact keys
SAME_PROFILE = 12.0
OTHER_PROFILES = -8.0
SAME_EMAIL = 9.0
SAME_PHONE = 7.0  # however it is written: +44 7700 900632, 07700 900632 and 0044 7700 900632 are one number
SHARED_EMAIL = 2.0  # held by people with other first names (a household or family address)
SHARED_PHONE = 1.5
CROWDED_EMAIL = 1.0
CROWDED_PHONE = 1.0
CROWDED_ROLE = 0.5  # info@ held by many records
NAMELESS_ROLE = 8.0  # a role or list address held by a record that names nobody
PERSON_ROLE = 0.5  # a role address both people give ...
PERSON_ROLE_NAMED = 1.5  # ... more when their full names agree
RIVAL_EMAILS = -2.0  # two addresses at one organisation's own domain
OTHER_EMAILS = -0.5
OTHER_PHONES = -0.5

# ---- organisation, title, birthday, source
SAME_ORG = 2.0  # plus the organisation's rarity
OTHER_ORG = -1.0  # different companies, maybe an old job
ORG_DOMAIN = 2.5  # one's company is the other's mail domain
NOTE_NAMES_ORG = 2.5  # one's note names the other's company ("worked together at ...")
SAME_TITLE = 1.0
SAME_TITLE_M = 0.7  # one person's two records at one organisation give one job title (promotions, old exports)
OTHER_JOB_ODDS = -1.0  # ... or two jobs neither of which names the other (not Engineer / Senior Engineer): one
# person's cards there rarely do (a tenth of the time at most), two people's nearly always
SAME_BIRTHDAY = 3.0
OTHER_BIRTHDAY = -10.0
SAME_SOURCE = -0.5  # one address book rarely holds one person twice
ONE_EXPORT_CONNECTIONS = -10.0  # two rows of one LinkedIn connections export: it lists each person once

# ---- fitted odds of the fields besides names (log10)
OTHER_EMAILS_ODDS = -0.15  # people hold several addresses (what to merge and ask weighs by these; a
OTHER_PHONES_ODDS = -0.15  # question's chance by what this book's cards do: `knowme.dedupe.fitting`)
OTHER_ORG_ODDS = -0.3
SAME_ORG_ODDS = 1.5  # plus the organisation's rarity
HOUSEHOLD_KEY_ODDS = 1.0  # an address or phone shared with someone else too
PLACE_POINTS = 0.5  # points per log10 of a shared place (street, postcode, city) for the queue's order
COUNTRY_LEAST = 0.5  # a country a third of this book lives in or more says too little to count


@dataclass(slots=True)
class Tally:
    """The running verdict on one pair while each kind of evidence adds its points and words."""

    pts: float = 0.0
    reasons: list[str] = field(default_factory=list)
    conflict: bool = False
    strong: int = 0  # exact identity keys shared (email, phone, profile) that are not household keys
    odds: float = 0.0  # fitted log10 odds of the fields besides the name (see FITTED_SURE)
    anchor: str = ""  # what besides the name and the place says one person: "birthday", "company", ...
    place_odds: float = 0.0  # the part of `odds` a shared postcode, city or country gives
    chance_odds: float = 0.0  # what a question's chance adds to `odds` (see `knowme.dedupe.scoring._chance`)

    def add(self, points: float, reason: str) -> None:
        self.pts += points
        self.reasons.append(reason)

    def against(self, points: float, reason: str) -> None:
        """Evidence that says two people: it also stops any chain through this pair."""
        self.pts += points
        self.conflict = True
        self.reasons.append(reason)


@dataclass(slots=True)
class Names:
    """How the two names agree, worked out once for the other kinds of evidence and the outcome."""

    named: bool  # both have a name, in the same script
    fk: str  # first-name agreement (namesim's SAME, NICK, ...)
    lk: str  # surname agreement
    swapped: bool
    full_match: bool  # first name and surname agree (a nickname or a typo at most)
    name_conflict: bool
    mailname: bool  # a name read from an address on one side
    mail_full: bool = False  # ... that spells the other's full name
    rarity: float = 0.0
    common: bool = False


def personal(item: MatchItem) -> bool:
    """The record names a person (first and last name of its own), not a list, a desk or nobody."""
    return bool(item.first and item.last and not item.mailname)


def any_shared(a: MatchItem, b: MatchItem) -> bool:
    """Any exact key in common (a phone under another country code included)."""
    if a.emails and b.emails and not set(a.emails).isdisjoint(b.emails):
        return True
    if a.urls and b.urls and not set(a.urls).isdisjoint(b.urls):
        return True
    if a.phones and b.phones and not {p[-9:] for p in a.phones}.isdisjoint(p[-9:] for p in b.phones):
        return True
    return bool(loose_phone(a, b))


def personal_key(a: MatchItem, b: MatchItem, stats: Stats) -> bool:
    """An email, phone or LinkedIn profile both give that is one person's: not a role address, not a
    household's (held by people of other first names too), not held by many records."""
    if a.urls and b.urls and not set(a.urls).isdisjoint(b.urls):
        return True
    keys = [e for e in shared(a.emails, b.emails) if not is_role_address(e)]
    return any(key not in stats.household and stats.keys[key] <= CROWDED for key in keys) or any(
        not _household_number(key, a, b, stats) and stats.keys[key] <= CROWDED for key in shared_numbers(a, b))


def one_profile(a: MatchItem, b: MatchItem, stats: Stats) -> bool:
    """Both give one LinkedIn profile, held by no more records than one person's: an account is one
    person's, never a household's."""
    return bool(a.urls and b.urls) and any(stats.keys[url] <= CROWDED for url in shared(a.urls, b.urls))


def phone_tails(item: MatchItem) -> set[str]:
    """The last nine digits of every phone a record gives, read as a number or not."""
    return {p[-9:] for p in item.phones if len(p) > 10} | set(item.loose_phones)


def loose_phone(a: MatchItem, b: MatchItem) -> str:
    """The last nine digits of a phone one record writes in a form that gave no number (another
    country's national form) and the other gives in any form: one number written two ways."""
    if not (a.loose_phones or b.loose_phones) or not (a.phones or a.loose_phones) or not (b.phones or b.loose_phones):
        return ""
    tails_b = phone_tails(b)
    found = next((t for t in a.loose_phones if t in tails_b), "")
    return found or next((t for t in b.loose_phones if t in phone_tails(a)), "")


def shared_numbers(a: MatchItem, b: MatchItem) -> list[str]:
    """The phone numbers both records give, however each writes them: the E.164 key when both read
    it alike, else "~" and its last nine digits: a form that gave no number (`07700 900632` in an
    American book) or a national form read in another country (`(720) 555-0144` in a German book is
    +49 720 5550144 beside +1 720 555 0144). One country's two numbers ending alike are two numbers."""
    if not (a.phones or a.loose_phones) or not (b.phones or b.loose_phones):
        return []
    alike = shared(a.phones, b.phones)
    if not (a.loose_phones or b.loose_phones or len(a.phones) > len(alike) < len(b.phones)):
        return alike
    done = {p[-9:] for p in alike}
    other = [t for t in sorted(set(a.loose_phones) & phone_tails(b) | set(b.loose_phones) & phone_tails(a))
             if t not in done]
    done.update(other)
    other += [p[-9:] for p in a.phones if len(p) > 10 and p[-9:] not in done and any(
        q.endswith(p[-9:]) and len(q) > 10 and calling_code(q[:4]) != calling_code(p[:4]) for q in b.phones)]
    return alike + ["~" + t for t in dict.fromkeys(other)]


def _household_number(key: str, a: MatchItem, b: MatchItem, stats: Stats) -> bool:
    """A number others use too (`Stats.household`): one written two ways is its holders' in every form."""
    return key in stats.household or key[0] == "~" and any(
        p.endswith(key[1:]) and p in stats.household for p in (*a.phones, *b.phones))


def shared(x: tuple[str, ...], y: tuple[str, ...]) -> list[str]:
    return [v for v in x if v in y] if x and y else []


def profile_evidence(a: MatchItem, b: MatchItem, tally: Tally) -> None:
    """A LinkedIn profile is one person's: the same one is near proof, two different ones nearly so."""
    if not (a.urls and b.urls):
        return
    shared_urls = shared(a.urls, b.urls)
    for url in shared_urls:
        tally.strong += 1
        tally.add(SAME_PROFILE, f"same LinkedIn profile {url}")
    if not shared_urls:
        tally.against(OTHER_PROFILES, "different LinkedIn profiles")


def email_evidence(a: MatchItem, b: MatchItem, stats: Stats, names: Names, tally: Tally) -> bool:
    """Shared and differing addresses; True when the two give different addresses at one organisation's
    own domain (two people there, or one with two addresses)."""
    if not (a.emails and b.emails):
        return False
    shared_emails = shared(a.emails, b.emails)
    for email in shared_emails:
        if is_role_address(email):
            if stats.keys[email] > CROWDED:
                tally.add(CROWDED_ROLE, f"same role address {email}, held by {stats.keys[email]} records")
            elif not personal(a) or not personal(b):
                tally.strong += 1
                tally.add(NAMELESS_ROLE, f"same address {email} (a role or list address, no person's name)")
            else:
                tally.add(PERSON_ROLE + PERSON_ROLE_NAMED * (names.full_match and not names.name_conflict),
                          f"same role address {email} (says little about the person)")
        else:
            _shared_key(email, stats, tally, "email", (SHARED_EMAIL, "same shared address"),
                        (CROWDED_EMAIL, "same address"), (SAME_EMAIL, "same email"), email in stats.household)
    if not shared_emails and not (names.mailname or a.alias or b.alias):
        same_domain = own_domain_shared(a, b, stats)
        if same_domain:
            tally.pts += RIVAL_EMAILS
            tally.conflict = tally.conflict or names.common
            tally.reasons.append(f"different emails at the same domain {same_domain}")
            return True
        tally.odds += OTHER_EMAILS_ODDS
        tally.chance_odds += stats.learnt_doubt("e")
        tally.add(OTHER_EMAILS, "different emails")
    return False


def own_domain_shared(a: MatchItem, b: MatchItem, stats: Stats) -> str:
    """A mail domain both records give that is no mail provider's (an organisation's own), else ""."""
    return next((d for d in a.domains if d in b.domains and not stats.is_provider(d)), "")


def _shared_key(key: str, stats: Stats, tally: Tally, kind: str, household: tuple[float, str],
                crowded: tuple[float, str], same: tuple[float, str], households: bool, shown: str = "") -> None:
    """One address or phone both records give: a household's (`households`: others use it too) is an
    anchor, not proof; one held by very many records says little; any other is strong evidence. Each
    case is (points, words before the key, `shown` if given): only the reason given is worded."""
    shown = shown or key
    if households:
        tally.odds += HOUSEHOLD_KEY_ODDS
        tally.anchor = tally.anchor or f"shared {kind}"
        tally.add(household[0], f"{household[1]} {shown} (also used by someone else)")
    elif stats.keys[key] > CROWDED:
        tally.add(crowded[0], f"{crowded[1]} {shown}, held by {stats.keys[key]} records")
    else:
        tally.strong += 1
        tally.add(same[0], f"{same[1]} {shown}")


def phone_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: Tally) -> bool:
    """Shared and differing phones, one number however each record writes it (`shared_numbers`); True
    when a shared one is a household's (also used by someone else)."""
    if not (a.phones and b.phones or a.loose_phones or b.loose_phones):
        return False
    numbers = shared_numbers(a, b)
    for key in numbers:
        shown = key if key[0] != "~" else f"number {key[1:]} " + (
            "written another way" if key[1:] in a.loose_phones or key[1:] in b.loose_phones else
            "under another country code")
        _shared_key(key, stats, tally, "phone", (SHARED_PHONE, "same shared phone"), (CROWDED_PHONE, "same phone"),
                    (SAME_PHONE, "same phone"), _household_number(key, a, b, stats), shown)
    if not numbers and a.phones and b.phones:
        tally.odds += OTHER_PHONES_ODDS
        tally.chance_odds += stats.learnt_doubt("t")
        tally.add(OTHER_PHONES, "different phones")
    return any(_household_number(key, a, b, stats) for key in numbers)


def org_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: Tally) -> tuple[bool, str, str]:
    """The organisation (and job title): (whether it corroborates the name, the workplace key both
    records place the person at, that workplace as written)."""
    corroborated = False
    workplace = place = ""
    noted = noted_workplace(a, b)
    if noted:  # "worked together at Acme Corp" on one, the other at Acme Corp: the old job, explained
        corroborated = True
        workplace, place = noted.org, noted.org_text
        tally.odds += SAME_ORG_ODDS + stats.org_rarity(noted.org)
        tally.anchor = tally.anchor or "a note naming the company"
        tally.add(NOTE_NAMES_ORG, f"a note on one names {place}, where the other works")
    elif a.org and b.org:
        if orgs_agree(a.org, b.org):
            corroborated = True
            workplace, place = a.org, a.org_text or a.org
            tally.odds += SAME_ORG_ODDS + stats.org_rarity(a.org)
            if a.title and a.title == b.title:  # the same job there: weighed by how many others there hold it
                tally.odds += stats.title_weight(a.org, a.title, SAME_TITLE_M)
            elif other_jobs(a, b):
                tally.odds += OTHER_JOB_ODDS
                tally.reasons.append(f"different jobs there ({a.title} / {b.title})")
            tally.anchor = tally.anchor or "same company"
            tally.add(SAME_ORG + stats.org_rarity(a.org), f"same company ({place})")
        else:
            tally.odds += OTHER_ORG_ODDS
            tally.add(OTHER_ORG, f"different companies ({a.org_text} / {b.org_text}), maybe an old job")
    for x, y in ((a, b), (b, a)):
        domain = "" if corroborated else company_domain(x, y, stats)
        if domain:
            corroborated = True
            workplace, place = x.org, x.org_text or x.org
            tally.odds += SAME_ORG_ODDS
            tally.anchor = tally.anchor or "company's email"
            tally.add(ORG_DOMAIN, f"works at {place} ({domain} email)")
    if a.title and b.title and a.title == b.title:
        tally.add(SAME_TITLE, "same job title")
    return corroborated, workplace, place


def company_domain(x: MatchItem, y: MatchItem, stats: Stats) -> str:
    """y's mail domain that is plainly x's organisation's own (Acme Corp / acme-corp.com), else ""."""
    if not (x.org and y.domains):
        return ""
    return next((d for d in y.domains if not stats.is_public_domain(d) and org_matches_domain(x.org, d)), "")


def other_jobs(a: MatchItem, b: MatchItem) -> bool:
    """Two job titles neither of which holds the other: "data scientist" and "product manager" are two
    jobs, "engineer" and "senior engineer" one job before and after a promotion."""
    return bool(a.title and b.title) and a.title not in b.title and b.title not in a.title


def noted_workplace(a: MatchItem, b: MatchItem) -> MatchItem | None:
    """The record whose organisation the other's note names (`_noted_workplace`), either way round."""
    if not (a.note or b.note):
        return None
    return _noted_workplace(a, b) or _noted_workplace(b, a)


def _noted_workplace(x: MatchItem, y: MatchItem) -> MatchItem | None:
    """`y` when x's note names y's organisation as written ("Worked together at Acme Corp") and
    x gives another one or none: x's person is remembered from there."""
    if not (x.note and y.org_text) or (x.org and orgs_agree(x.org, y.org)):
        return None
    written = fold(y.org_text)
    return y if len(written) > 3 and f" {written} " in f" {x.note} " else None


def birthday_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: Tally) -> bool:
    """A birthday both give: the same one corroborates the name (a full date more than a day and
    month without the year), another says two people."""
    if not (a.birthday and b.birthday):
        return False
    ya, ma, da = a.birthday
    yb, mb, db = b.birthday
    if (ma, da) != (mb, db) or (ya and yb and ya != yb):
        tally.odds += stats.disagreement("b")
        tally.against(OTHER_BIRTHDAY, "different birthdays")
        return False
    full = bool(ya and yb)
    tally.odds += stats.value_weight(f"b{ya}-{ma}-{da}" if full else f"d{ma}-{da}", stats.m["b"])
    tally.anchor = "birthday" if full else tally.anchor or "birthday"
    tally.add(SAME_BIRTHDAY, "same birthday" if full else "same birthday (day and month)")
    return True


def place_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: Tally) -> str:
    """Postal addresses: the most precise place both give (street and number, else postcode, else
    city, else the country of their phones and mail domains), weighed by how many people here share it. Returns the street both give ("" if none), for
    the household rule: a shared street never merges by itself."""
    if a.streets and b.streets:
        common = shared(a.streets, b.streets)
        if common:
            weight = stats.value_weight("s" + common[0], stats.m["s"])
            tally.odds += weight
            tally.add(PLACE_POINTS * weight, f"same address ({common[0]})")
            return common[0]
        tally.odds += stats.disagreement("s")
        tally.reasons.append("different addresses, maybe a move")
    if (a.postcodes and b.postcodes) or (a.cities and b.cities):
        for prefix, mine, theirs, word in (("p", a.postcodes, b.postcodes, "postcode"),
                                           ("c", a.cities, b.cities, "city")):
            common = shared(mine, theirs)
            if common:
                weight = stats.value_weight(prefix + common[0], stats.m[prefix])
                tally.odds += weight
                tally.place_odds += weight
                tally.add(PLACE_POINTS * weight, f"same {word} ({common[0].title() if prefix == 'c' else common[0]})")
                return ""
    if a.cities and b.cities:
        tally.odds += stats.disagreement("c")
        tally.reasons.append("different cities")
    common = shared(a.countries, b.countries)
    weight = stats.value_weight("n" + common[0], stats.m["n"]) if common else 0.0
    if weight >= COUNTRY_LEAST:  # a country few here live in: does the name say it already?
        weight = stats.country_weight(a, b, common[0])
    if weight >= COUNTRY_LEAST:
        tally.odds += weight
        tally.place_odds += weight
        region = region_code_for_country_code(int(common[0]))
        tally.add(PLACE_POINTS * weight, f"same country ({region}: phone or mail domain)")
    return ""

"""How fast the review UI is on a 100,000-person workspace.

Builds (once, cached in bench/out/) a workspace of synthetic people through the store's own
`store_import`, then drives `KnowmeApp` with `App.run_test()` and prints:

- time from creating the app to the first screen drawn with its rows,
- per-key latency (median and p95 over N presses) for moving the cursor, marking a person,
  and typing a filter keystroke (handled; until its first people are shown; until the whole
  filtered list is read and counted), one-letter filters, filters no word starts with, and
  switching views and sorts (until the first people are shown; until the whole list is read),
- peak RSS of the process.

- in a real terminal (tmux, when installed): time from starting `knowme review` to the first
  names on screen, against an empty Textual app started the same way (`--terminal-only` runs
  just this).

Run: `python bench/tui_speed.py [--people 100000] [--presses 50] [--rebuild] [--terminal-only]`.
Targets (issue 5): first screen < 0.5 s, a key < 50 ms, memory < 300 MB.
"""
from __future__ import annotations

import argparse
import asyncio
import compileall
import hashlib
import random
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowme.importing import store_records
from knowme.model import Labeled, MailSignal, Record
from knowme.store.core import Store
from knowme.views import SORTS

OUT = ROOT / "bench" / "out"
FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Chris", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Ashley", "Donald", "Emily", "Steven", "Donna", "Paul", "Michelle", "Andrew", "Carol", "Joshua", "Amanda", "Kenneth", "Melissa", "Kevin", "Deborah", "Brian", "Stephanie", "George", "Rebecca", "Timothy", "Sharon", "Ronald", "Laura", "Jason", "Cynthia", "Edward", "Amy", "Jeffrey", "Angela", "Ryan", "Shirley", "Jacob", "Anna", "Gary", "Brenda", "Nicholas", "Pamela", "Eric", "Emma", "Jonathan", "Nicole", "Stephen", "Helen", "Larry", "Samantha", "Justin", "Katherine", "Scott", "Christine", "Brandon", "Debra", "Benjamin", "Rachel", "Samuel", "Carolyn", "Gregory", "Janet", "José", "Zoë", "Renée", "Jürgen", "Björn", "Łukasz", "Søren"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Müller", "Schmidt", "Dubois", "Rossi", "Kowalski", "Andersson", "Nakamura", "O'Brien"]
ORGS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Vandelay", "Oscorp", "Aperture", "Massive", "Dynamic", "Pied", "Piper", "Gringotts", "Monsters", "Inc"]
TITLES = ["Engineer", "Senior Engineer", "Product Manager", "Designer", "CTO", "Recruiter", "Sales Lead",
          "Data Scientist", "Director", "Consultant", ""]


def synthetic_records(count: int, seed: int = 5) -> list[Record]:
    """`count` distinct people, one record each, with emails, phones, companies and some mail signals."""
    rng = random.Random(seed)
    records = []
    for n in range(count):
        given, family = rng.choice(FIRST), rng.choice(LAST)
        org = rng.choice(ORGS) if rng.random() < 0.7 else ""
        local = f"{given.lower()}.{family.lower()}{n}".replace("'", "")
        domain = f"{org.lower()}.com" if org and rng.random() < 0.5 else rng.choice(["gmail.com", "example.org"])
        signal = None
        if rng.random() < 0.3:
            year = rng.randint(2008, 2025)
            signal = MailSignal(sent=rng.randint(0, 40), received=rng.randint(0, 60), two_way_threads=rng.randint(0, 9),
                                first=f"{year - 2}-01-15", last=f"{year}-{rng.randint(1, 12):02d}-11")
        records.append(Record(
            index=n + 1, given=given, family=family, org=org, title=rng.choice(TITLES),
            emails=[Labeled(local + "@" + domain, "work" if org else "home")],
            phones=[Labeled(f"+1 {rng.randint(201, 989)} 555 {n % 10000:04d}", "cell")] if rng.random() < 0.6 else [],
            connected_on="2020-03-04" if rng.random() < 0.1 else None, signal=signal))
    return records


def build_workspace(path: Path, people: int, per_source: int = 20_000) -> None:
    """A workspace of `people` synthetic people, imported in files of `per_source` records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    records = synthetic_records(people)
    with Store.open(path) as store:
        for number, start in enumerate(range(0, people, per_source), start=1):
            chunk = records[start:start + per_source]
            for offset, record in enumerate(chunk, start=1):
                record.index = offset
            name = f"contacts-{number:02d}.vcf"
            store_records(store, Path(name), "vcard", chunk, [], hashlib.sha256(name.encode()).hexdigest(),
                          source_name=name)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _pctl(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _line(label: str, values: list[float]) -> str:
    return (f"{label:<38} median {statistics.median(values) * 1000:7.1f} ms   p95 {_pctl(values, 0.95) * 1000:7.1f} ms"
            f"   max {max(values) * 1000:7.1f} ms   (n={len(values)})")


async def _handled(pilot: Any, key: str) -> float:
    """Seconds from a key event reaching the app to its handlers done and the screen painted.

    `Pilot.press` also waits until the process looks idle (CPU time vs wall time), which counts
    any worker thread's work and sleeps in steps; this times what the user waits for instead. The
    key is posted on the app's own loop (the driver's thread-safe path would land it after the
    markers `_wait_for_screen` queues), then every queue is drained until none holds a message: a
    key travels app -> focused widget -> its parents before a binding's action runs.
    """
    from textual import events

    app = pilot.app
    char = key if len(key) == 1 else {"slash": "/", "space": " "}.get(key)
    started = time.perf_counter()
    app.post_message(events.Key(key, char))
    for _ in range(100):
        await pilot._wait_for_screen()
        if all(node._message_queue.empty() for node in (app, *app.screen.walk_children(with_self=True))):
            break
    app.screen._on_timer_update()  # paint now rather than at the next refresh tick
    return time.perf_counter() - started


async def _shown(pilot: Any, contacts: Any, started: float) -> float:
    """Seconds from `started` until the list shows the latest filter's people (its first page or all of
    them) on screen."""
    await contacts.wait_shown()
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()
    return time.perf_counter() - started


async def _workers_done(app: Any) -> None:
    """Wait for the app's workers (a superseded, cancelled one counts as done)."""
    from textual.worker import WorkerCancelled

    for worker in list(app.workers):
        try:
            await worker.wait()
        except WorkerCancelled:
            pass


async def _baseline_start() -> float:
    """How long a bare Textual app (header, list, footer) takes to start on this machine."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, OptionList

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield OptionList("a", "b")
            yield Footer()

    started = time.perf_counter()
    async with Bare().run_test(size=(120, 40)):
        return time.perf_counter() - started


async def measure(path: Path, presses: int) -> list[str]:
    from knowme.tui.app import KnowmeApp
    from knowme.tui.widgets.contact_list import SEARCHING, ContactList

    report: list[str] = []
    bare = await _baseline_start()
    first_paint: list[float] = []
    original = ContactList.render_line

    def render_line(self: ContactList, y: int) -> Any:
        if not first_paint and self.row_count and y == 1:
            first_paint.append(time.perf_counter())
        return original(self, y)

    ContactList.render_line = render_line  # type: ignore[method-assign]
    started = time.perf_counter()
    app = KnowmeApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        contacts = app.main.query_one(ContactList)
        while not first_paint:
            await pilot.pause(0.01)
        ContactList.render_line = original  # type: ignore[method-assign]
        await contacts.wait_loaded()
        whole = time.perf_counter()
        report.append(f"{'first screen drawn (rows shown)':<38} {(first_paint[0] - started) * 1000:7.1f} ms   "
                      f"(a bare Textual app starts in {bare * 1000:.0f} ms here)")
        report.append(f"{'whole list loaded':<34} {(whole - started) * 1000:7.1f} ms   "
                      f"({contacts.row_count:,} people listed)")
        await _workers_done(app)
        await pilot.pause()

        moves = [await _handled(pilot, "down") for _ in range(presses)]
        report.append(_line("move (down)", moves))
        pages = [await _handled(pilot, "pagedown") for _ in range(max(5, presses // 5))]
        report.append(_line("page down", pages))
        marks = [await _handled(pilot, key) for key in ("k", "p", "x") * (presses // 3 + 1)][:presses]
        report.append(_line("mark (k/p/x, then next undecided)", marks))
        await _workers_done(app)
        undos = [await _handled(pilot, "ctrl+z") for _ in range(10)]
        report.append(_line("undo (list re-read in a worker)", undos))
        await _workers_done(app)
        await contacts.wait_loaded()

        await _handled(pilot, "slash")
        typed, shown, counted = [], [], []
        text = "jennifer wi"  # a first name and the start of a surname, as people type them
        for _ in range(max(1, presses // len(text))):
            for char in text:
                t0 = time.perf_counter()
                typed.append(await _handled(pilot, "space" if char == " " else char))
                shown.append(await _shown(pilot, contacts, t0))
                await contacts.wait_loaded()
                counted.append(time.perf_counter() - t0)
            for _ in text:
                await _handled(pilot, "backspace")
            await contacts.wait_loaded()
        report.append(_line("filter keystroke (handled)", typed))
        report.append(_line("filter keystroke (results shown)", shown))
        report.append(_line("filter keystroke (all counted)", counted))
        letter_shown, letter_counted = [], []
        for letter in "jscma" * max(1, presses // 10):  # a sixth of the people to two thirds
            t0 = time.perf_counter()
            await _handled(pilot, letter)
            letter_shown.append(await _shown(pilot, contacts, t0))
            await contacts.wait_loaded()
            letter_counted.append(time.perf_counter() - t0)
            await _handled(pilot, "backspace")
            await contacts.wait_loaded()
        report.append(_line("one letter (results shown)", letter_shown))
        report.append(_line("one letter (all counted)", letter_counted))
        # a word nobody's words start with: "nobody starts so" at once, then inside words or letters in order
        said, loose = [], []
        for word in ("jenifer", "mitchel", "xqzw", "chmid", "jsmth"):
            for char in word[:-1]:
                await _handled(pilot, char)
            await contacts.wait_loaded()
            t0 = time.perf_counter()
            await _handled(pilot, word[-1])
            shown = asyncio.ensure_future(contacts.wait_shown())
            while not shown.done() and contacts.match_mode != SEARCHING:
                await pilot.pause(0.002)
            said.append(time.perf_counter() - t0)
            loose.append(await _shown(pilot, contacts, t0))
            await contacts.wait_loaded()
            for _ in word:
                await _handled(pilot, "backspace")
            await contacts.wait_loaded()
        report.append(_line("no word matches: said", said))
        report.append(_line("no word matches: loose results shown", loose))
        await _handled(pilot, "enter")  # back to the list: digits switch views again
        while pilot.app.focused is not contacts:  # until then a digit is typed into the filter
            await pilot.pause(0.01)
        assert not contacts.query_spec.text, contacts.query_spec
        views, views_loaded = [], []
        for key in ("8", "1", "5", "1"):  # All, Undecided, Connected, Undecided
            t0 = time.perf_counter()
            await _handled(pilot, key)
            views.append(await _shown(pilot, contacts, t0))
            await contacts.wait_loaded()
            views_loaded.append(time.perf_counter() - t0)
        report.append(_line("switch view (results shown)", views))
        report.append(_line("switch view (all listed)", views_loaded))
        sorts, sorts_loaded = [], []
        for _ in SORTS:  # Undecided by company, signal, suggestion, and back to name
            t0 = time.perf_counter()
            await _handled(pilot, "s")
            sorts.append(await _shown(pilot, contacts, t0))
            await contacts.wait_loaded()
            sorts_loaded.append(time.perf_counter() - t0)
        report.append(_line("switch sort (results shown)", sorts))
        report.append(_line("switch sort (all listed)", sorts_loaded))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.append(f"{'peak RSS':<34} {peak:7.1f} MB")
    return report


EMPTY_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Label
class Empty(App):
    def compose(self):
        yield Header()
        yield Label("ready")
        yield Footer()
Empty().run()
"""


def _terminal_first_paint(command: str, shows: str, socket: str, timeout: float = 60) -> float:
    """Seconds from starting `command` in a fresh 160x48 tmux window until the screen shows `shows`."""
    import subprocess

    tmux = shutil.which("tmux") or "tmux"
    env = {k: v for k, v in __import__("os").environ.items() if k != "KNOWME_DB"}
    env["TERM"] = "xterm-256color"
    started = time.perf_counter()
    subprocess.run([tmux, "-L", socket, "new-session", "-d", "-s", "bench", "-x", "160", "-y", "48", command],
                   check=True, env=env)
    try:
        while time.perf_counter() - started < timeout:
            screen = subprocess.run([tmux, "-L", socket, "capture-pane", "-p", "-t", "bench"], capture_output=True,
                                    text=True, check=False).stdout
            if shows in screen:
                return time.perf_counter() - started
            time.sleep(0.005)
        raise RuntimeError(f"{command!r} did not show {shows!r} within {timeout} s")
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], check=False, capture_output=True)


def terminal_start(path: Path, runs: int = 5) -> list[str]:
    """First names of `knowme review` in tmux vs an empty Textual app in tmux (median of `runs`)."""
    if shutil.which("tmux") is None:
        return ["real terminal: tmux is not installed, skipped"]
    from knowme import views
    from knowme.store.core import Store

    with Store.open(path) as store:  # the first name the list will show
        first = views.rows(store, views.person_ids(store, views.ListQuery(), limit=1))
    name = next(iter(first.values())).name
    python = sys.executable
    # an installed knowme starts from byte code (pip compiles it); a checkout whose byte code is stale, and
    # a shell with PYTHONDONTWRITEBYTECODE, would compile every changed module at every start
    for package in ("knowme", "tui", "importers"):
        compileall.compile_dir(ROOT / package, quiet=1)
    empty, review = [], []
    for n in range(runs):
        empty.append(_terminal_first_paint(f"{python} -c '{EMPTY_APP}'", "ready", f"knowme-bench-e{n}"))
        review.append(_terminal_first_paint(f"cd {ROOT} && {python} -m knowme.cli --db {path} review", name,
                                            f"knowme-bench-r{n}"))
    e, r = statistics.median(empty), statistics.median(review)
    return [f"{'real terminal: empty Textual app':<38} {e * 1000:7.1f} ms   (median of {runs}, tmux 160x48)",
            f"{'real terminal: knowme first names':<38} {r * 1000:7.1f} ms   ({r / e:.2f}x the empty app)"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="build the workspace again")
    parser.add_argument("--terminal-only", action="store_true", help="only the real-terminal start-up")
    args = parser.parse_args()
    path = OUT / f"tui_{args.people}.db"
    if args.rebuild or not path.exists():
        t0 = time.perf_counter()
        build_workspace(path, args.people)
        print(f"built {args.people} people in {time.perf_counter() - t0:.1f} s: {path}")
    work = OUT / "tui_speed_run.db"
    for side in (Path(f"{work}-wal"), Path(f"{work}-shm")):
        side.unlink(missing_ok=True)
    shutil.copyfile(path, work)  # a fresh copy each run (marks write to it)
    for line in terminal_start(work):
        print(line)
    if args.terminal_only:
        return 0
    for line in asyncio.run(measure(work, args.presses)):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

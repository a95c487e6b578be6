"""Privacy: nothing goes over the network, and every file knowme writes is private (0600).

Three layers, each able to fail on its own:
- in-process: `socket.socket` (for any network family), `create_connection`, `getaddrinfo` and
  the name lookups raise and are recorded while the CLI's `main()` imports, dedupes, marks and
  exports, and while the review UI runs a short session (`App.run_test()`);
- in a fresh interpreter: an audit hook (installed by a `sitecustomize` on PYTHONPATH, so it
  also sees forked dedupe workers) records every socket opened, connected or resolved and every
  program started by the real `knowme` commands and by a review session;
- in the source: no module of ours imports a network library.
The umask is 0 while files are made, so a mode left to the default would show up as 0666.
"""
from __future__ import annotations

import ast
import asyncio
import os
import socket
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from knowme import paths

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = ("knowme", "importers", "tui")
# Standard-library and third-party modules that talk to the network (or open a browser).
NETWORK_MODULES = {"socket", "_socket", "ssl", "urllib", "http", "requests", "httpx", "aiohttp", "urllib3",
                   "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc", "socketserver", "websocket",
                   "websockets", "webbrowser", "asyncio.streams", "grpc", "sentry_sdk", "posthog", "segment",
                   "analytics", "mixpanel"}
SAMPLES = paths.sample_files()
SAFE_FORMATS = {"linkedin-csv": ".csv", "google-csv": ".csv", "vcard": ".vcf"}
OUTREACH_FORMATS = {"csv": ".csv", "md": ".md", "json": ".json"}


class NetworkUsed(OSError):
    """Raised (and recorded) when anything tries to reach the network."""


def forbid_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every way onto the network raise; returns the list of attempts (even ones caught)."""
    attempts: list[str] = []
    real_socket = socket.socket

    def refuse(what: str) -> NetworkUsed:
        attempts.append(what)
        return NetworkUsed(f"network use during a privacy test: {what}")

    class GuardedSocket(real_socket):  # type: ignore[misc,valid-type]
        def __init__(self, family: int = -1, type: int = -1, proto: int = -1, fileno: int | None = None) -> None:
            # AF_UNIX socket pairs are how asyncio wakes its own loop; they cannot leave the machine.
            if family != socket.AF_UNIX:
                raise refuse(f"socket(family={family})")
            super().__init__(family, type, proto, fileno)

        def connect(self, address: object) -> None:
            raise refuse(f"connect({address!r})")

        def connect_ex(self, address: object) -> int:
            raise refuse(f"connect_ex({address!r})")

    def refusing(name: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            raise refuse(f"{name}{args!r}")
        return call

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "gethostbyaddr", "getnameinfo", "getfqdn"):
        monkeypatch.setattr(socket, name, refusing(name))
    return attempts


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts = forbid_network(monkeypatch)
    yield attempts
    assert attempts == [], f"knowme tried to use the network: {attempts}"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """umask 0: anything knowme does not make private itself comes out world-readable."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(*files: Path) -> None:
    for path in files:
        assert path.exists(), path
        assert mode(path) == 0o600, f"{path} is {oct(mode(path))}, not 0600"


def workspace_files(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


def test_sample_data_is_there() -> None:
    assert len(SAMPLES) == 7, SAMPLES  # every format: vCard, CSV flavours, mbox


def test_the_guard_refuses_and_records_network_use(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = forbid_network(monkeypatch)
    with pytest.raises(NetworkUsed):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(NetworkUsed):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("example.com", 443)
    a, b = socket.socketpair()  # local, what asyncio needs
    a.close(), b.close()
    assert len(attempts) == 3


def test_workspace_and_its_wal_files_are_private(tmp_path: Path, open_umask: None) -> None:
    from knowme.store.core import Store

    db = tmp_path / "new" / "w.db"
    with Store.open(db) as store:
        store.set_setting("x", 1)
        with store.transaction():
            store.set_setting("y", 2)
            assert len(workspace_files(db)) == 3  # the WAL and its index exist now
            assert_private(*workspace_files(db))
    assert_private(db)


# ---- in-process: the CLI and the review UI with the network taken away ---------------------------------


def run_cli(db: Path, *args: object) -> int:
    from knowme.cli.main import main

    return main(["--db", str(db), *map(str, args)])


def test_import_dedupe_mark_export_open_no_socket_and_write_only_private_files(
        tmp_path: Path, no_network: list[str], open_umask: None, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "private" / "w.db"
    assert run_cli(db, "import", *SAMPLES) == 0
    assert_private(*workspace_files(db))
    assert run_cli(db, "dedupe") == 0
    assert run_cli(db, "suggest", "--accept", "all") == 0
    assert run_cli(db, "status", "--json") == 0
    capsys.readouterr()
    assert run_cli(db, "list", "--json") == 0
    import json

    listed = json.loads(capsys.readouterr().out)
    with_mail = [p for p in listed if p["emails"] and p["decision"] == "undecided"]
    assert len(with_mail) > 20
    assert run_cli(db, "mark", *(str(p["id"]) for p in with_mail[:10]), "--as", "knows-me") == 0
    assert run_cli(db, "mark", *(str(p["id"]) for p in with_mail[10:15]), "--as", "personalize") == 0
    assert run_cli(db, "undo") == 0 and run_cli(db, "redo") == 0
    written = []
    for fmt, ext in SAFE_FORMATS.items():
        out = tmp_path / f"safe-{fmt}{ext}"
        code = run_cli(db, "export", "safe", "-o", out, "--format", fmt)
        if code == 1:  # blocked by a lookalike of an excluded person: resolve it, as a user would
            pytest.fail(f"safe export blocked: {capsys.readouterr()}")
        assert code == 0
        written.append(out)
    for fmt, ext in OUTREACH_FORMATS.items():
        out = tmp_path / f"queue-{fmt}{ext}"
        assert run_cli(db, "export", "outreach", "-o", out, "--format", fmt) == 0
        written.append(out)
    assert_private(*written, *workspace_files(db))
    assert "@" in (tmp_path / "safe-vcard.vcf").read_text(encoding="utf-8")
    # an export over an existing (world-readable) file makes it private too
    old = tmp_path / "old.csv"
    old.write_text("stale")
    old.chmod(0o644)
    assert run_cli(db, "export", "safe", "-o", old, "--force") == 0
    assert_private(old)
    assert not [p for p in tmp_path.iterdir() if "knowme-tmp" in p.name]


def test_a_new_workspace_in_the_user_data_dir_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         no_network: list[str], open_umask: None) -> None:
    monkeypatch.delenv("KNOWME_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from knowme.cli.main import main

    assert main(["import", str(SAMPLES[0])]) == 0
    db = paths.default_workspace()
    assert db.is_relative_to(tmp_path), db
    assert_private(*workspace_files(db))


@pytest.mark.slow
def test_review_session_opens_no_socket_and_its_export_is_private(tmp_path: Path, no_network: list[str],
                                                                 open_umask: None) -> None:
    from knowme.tui.app import KnowmeApp
    from knowme.tui.screens.export import ExportScreen
    from knowme.tui.widgets.contact_list import ContactList
    from tui_helpers import make_workspace, workers_done

    from knowme.store.core import Store

    db = make_workspace(tmp_path / "w.db", duplicates=True)
    out = tmp_path / "exports"
    out.mkdir()

    async def session() -> None:
        app = KnowmeApp(db, export_dir=out)
        async with app.run_test(size=(120, 36)) as pilot:
            await workers_done(app)
            await app.main.query_one(ContactList).wait_loaded()
            await pilot.press("k", "k", "p", "down", "x", "u", "slash", *"acme", "enter", "k", "escape")
            await pilot.press("8", "s", "s", "1", "ctrl+z", "ctrl+y", "v")
            await workers_done(app)
            await pilot.press("escape", "e")
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            await workers_done(app)
            await pilot.pause()
            await pilot.press("ctrl+e")
            await workers_done(app)
            await pilot.pause()
            await pilot.press("escape", "q")

    asyncio.run(session())
    with Store.open(db) as store:
        decided = store.conn.execute("SELECT count(*) FROM people WHERE decision != 'undecided'").fetchone()[0]
    assert decided >= 3
    exported = list(out.iterdir())
    assert exported, "the export dialog wrote nothing"
    assert_private(*exported, *workspace_files(db))


# ---- a fresh interpreter with an audit hook: every socket, lookup and program started -------------------

AUDIT_HOOK = textwrap.dedent('''
    """Installed by tests/test_privacy.py: record network use and started programs, then refuse them."""
    import os
    import sys

    _LOG = os.environ.get("KNOWME_AUDIT_LOG")
    _WATCHED = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
                "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "urllib.Request",
                "http.client.connect", "webbrowser.open", "subprocess.Popen", "os.system", "os.exec",
                "os.posix_spawn", "os.spawn", "os.startfile", "ftplib.connect", "smtplib.connect",
                "imaplib.open", "poplib.connect", "telnetlib.Telnet.open"}

    def _hook(event, args):
        if event == "socket.__new__":
            if args[1] == 1:  # AF_UNIX: asyncio's self-pipe; it cannot leave the machine
                return
        elif event not in _WATCHED:
            return
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {event} {args!r:.200}\\n")
        raise RuntimeError(f"privacy test: {event} refused")

    if _LOG:
        sys.addaudithook(_hook)
''')

REVIEW_SCRIPT = textwrap.dedent('''
    import asyncio, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from tui_helpers import workers_done
    from knowme.tui.app import KnowmeApp

    async def main():
        app = KnowmeApp(Path(sys.argv[1]), export_dir=Path(sys.argv[2]))
        async with app.run_test(size=(100, 30)) as pilot:
            await workers_done(app)
            await pilot.press("k", "p", "x", "slash", "a", "escape", "8", "e")
            await workers_done(app)
            await pilot.pause()
            await pilot.press("ctrl+e")
            await workers_done(app)
            await pilot.pause()
            await pilot.press("escape", "q")
    asyncio.run(main())
    print("review done")
''')


@pytest.mark.slow
def test_real_commands_under_an_audit_hook_touch_no_network_and_start_no_program(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(AUDIT_HOOK)
    log = tmp_path / "audit.log"
    env = {k: v for k, v in os.environ.items() if k not in ("KNOWME_DB", "PYTHONPATH")}
    env.update(PYTHONPATH=str(hooks), KNOWME_AUDIT_LOG=str(log), HOME=str(tmp_path / "home"),
               XDG_DATA_HOME=str(tmp_path / "xdg"), XDG_CONFIG_HOME=str(tmp_path / "xdg-config"))
    db = tmp_path / "w.db"
    out = tmp_path / "out"
    out.mkdir()

    def knowme(*args: object) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(db), *map(str, args)], check=False,
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, (args, proc.stderr[-2000:])
        return proc

    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('192.0.2.1', 80), 1)"],
                           env=env, capture_output=True, text=True, timeout=60, check=False)
    assert probe.returncode != 0 and "privacy test" in probe.stderr  # the hook is really installed
    log.unlink()

    knowme("import", *SAMPLES)
    knowme("dedupe")
    knowme("pairs", "--json")
    knowme("suggest", "--accept", "all")
    knowme("mark", "--domain", "example.com", "--as", "knows-me")
    knowme("list", "--json")
    knowme("status")
    knowme("lint", "Hi Ana, we met at the Lisbon meetup; I enjoyed your talk on search.")
    for fmt, ext in SAFE_FORMATS.items():
        knowme("export", "safe", "-o", out / f"safe-{fmt}{ext}", "--format", fmt)
    for fmt, ext in OUTREACH_FORMATS.items():
        knowme("export", "outreach", "-o", out / f"q{ext}", "--format", fmt)
    review = subprocess.run([sys.executable, "-c", REVIEW_SCRIPT, str(db), str(out), str(ROOT / "tests")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert review.returncode == 0 and "review done" in review.stdout, review.stderr[-3000:]
    assert not log.exists(), log.read_text()
    assert_private(*out.iterdir(), *workspace_files(db))


# ---- the source: no network library, no telemetry, no update check -------------------------------------


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            yield node.lineno, str(node.args[0].value)


def test_no_module_of_ours_imports_a_network_library() -> None:
    found = []
    files = [p for pkg in OUR_PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    assert len(files) > 30
    for path in files:
        for line, module in _imports(path):
            parts = module.split(".")
            if any(".".join(parts[:n]) in NETWORK_MODULES for n in range(1, len(parts) + 1)):
                found.append(f"{path.relative_to(ROOT)}:{line}: import {module}")
    assert found == [], "\n".join(found)


def test_no_telemetry_or_update_check_in_the_source() -> None:
    words = ("telemetry", "analytics", "update check", "check_for_update", "pypi.org", "http://", "https://")
    found = []
    for pkg in OUR_PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                lowered = line.lower()
                for word in words:
                    # a linkedin.com/in/ profile URL is data we parse, not a place we call
                    if word in lowered and "linkedin.com" not in lowered and not lowered.lstrip().startswith("#"):
                        found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_dependencies_have_no_network_client() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = [d.split(";")[0].split("[")[0] for d in project.get("dependencies", [])]
    names = {d.replace(">", " ").replace("<", " ").replace("=", " ").replace("~", " ").split()[0].lower()
             for d in deps}
    assert names.isdisjoint({"requests", "httpx", "aiohttp", "urllib3", "sentry-sdk", "posthog", "segment-analytics",
                             "mixpanel", "websockets", "grpcio"}), names

"""Live servers for the `letter-audit serve` tests: the app on uvicorn in a thread (fast: the
engine is already imported), a throw-away PostgreSQL server, and a worksheet made from letters."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LETTERS = REPO / "fixtures" / "letters"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worksheet(folder: Path):
    from audit.cli import build_parser
    from audit.serve.command import load_worksheet

    args = build_parser().parse_args(["serve", str(folder), "--no-config"])
    return load_worksheet(args)


class ThreadedServer:
    """The app served by uvicorn in a daemon thread, on a free loopback port."""

    def __init__(self, app, host: str = "127.0.0.1"):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=self.port, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ThreadedServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@contextmanager
def serving(sheet, url: str, users=None):
    """A server on the worksheet `sheet`, decisions in the database at `url`."""
    from audit.serve.app import Access, create_app
    from audit.serve.database import open_database
    from audit.serve.live import Live

    engine = open_database(url)
    try:
        with ThreadedServer(create_app(Live(sheet, engine), Access(users))) as server:
            server.engine = engine
            yield server
    finally:
        engine.dispose()


def login(client, base: str, name: str, password: str | None = None) -> str:
    """Log `client` (httpx) in; the session's CSRF token."""
    import re

    page = client.get(f"{base}/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"csrf": token, "name": name, **({"password": password} if password is not None else {})}
    response = client.post(f"{base}/login", data=form)
    assert response.status_code == 303, response.text
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(f"{base}/stale").text).group(1)


# --- PostgreSQL: Debian's server binaries, one cluster per test session in a temporary folder

def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Postgres:
    """initdb + pg_ctl in a temporary folder (as the `postgres` user when run as root, since the
    server refuses root); trust authentication on 127.0.0.1 only."""

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.folder = Path(tempfile.mkdtemp(prefix="letter-audit-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            owner = pwd.getpwnam(self.user)
            os.chmod(self.folder, 0o755)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, cwd=self.folder)

    def start(self) -> "Postgres":
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "audit", "--no-sync")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://audit@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def synthetic_sheet(letters: int, per_letter: int = 3):
    """A worksheet of `letters` made-up letters with `per_letter` findings each: for load and
    durability, where what matters is the server and the database, not the audit."""
    from audit.serve.worksheet import FindingItem, LetterItem, Worksheet

    rules = ("count-mismatch", "extra-paragraph", "missing-section", "salutation-mismatch")
    items, findings = [], []
    for number in range(1, letters + 1):
        items.append(LetterItem(number, f"letters/{number:05}.txt", f"Council {number}",
                                f"t/council {number}", "t", "fail", f"{number:032x}",
                                {"authority": f"Council {number}", "upheld_rate": number % 100}))
        for k in range(per_letter):
            findings.append(FindingItem(f"{number:08x}{k:04x}", number, rules[k % len(rules)], "error",
                                        f"Finding {k} of letter {number}", 10 + k, "", f"Finding {k}"))
    return Worksheet(items, findings)

"""`letter-audit serve` over HTTP: who may do what, many reviewers at once, a crash mid-write."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from audit.cli import main
from audit.serve import decisions as store
from serve_support import LETTERS, free_port, login, serving, synthetic_sheet

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def small_sheet():
    return synthetic_sheet(40, 3)


def test_a_state_change_without_the_csrf_token_is_refused(small_sheet, tmp_path):
    with serving(small_sheet, f"sqlite:///{tmp_path / 'r.db'}") as server, httpx.Client() as client:
        token = login(client, server.url, "ann")
        decision = {"decisions": [{"fingerprint": small_sheet.findings[0].fingerprint, "state": "accepted"}]}
        assert client.post(f"{server.url}/api/decisions", json=decision).status_code == 403
        wrong = client.post(f"{server.url}/api/decisions", json=decision, headers={"X-CSRF-Token": token[:-2] + "xx"})
        assert wrong.status_code == 403
        bulk = client.post(f"{server.url}/api/bulk", json={"q": "", "state": "accepted", "count": 120})
        assert bulk.status_code == 403
        assert store.count(server.engine) == 0
        right = client.post(f"{server.url}/api/decisions", json=decision, headers={"X-CSRF-Token": token})
        assert right.status_code == 200 and right.json()["decisions"][0]["reviewer"] == "ann"
        # a login form posted without the session's token is refused too (login CSRF)
        with httpx.Client() as stranger:
            refused = stranger.post(f"{server.url}/login", data={"csrf": token, "name": "mallory"})
            assert refused.status_code == 403
        # nothing is readable without a session; pages carry the strict CSP
        with httpx.Client() as stranger:
            assert stranger.get(f"{server.url}/api/changes?since=0").status_code == 401
            assert stranger.get(f"{server.url}/").headers["location"] == "/login"
        page = client.get(f"{server.url}/letters/1")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "unsafe-inline" not in page.headers["content-security-policy"]


def test_beyond_loopback_serve_refuses_without_users_and_requires_a_login(small_sheet, tmp_path, capsys):
    assert main(["serve", str(LETTERS), "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path / 'r.db'}"]) == 2
    assert "refusing to listen on 0.0.0.0 without --users" in capsys.readouterr().err

    from audit.serve.users import load_users, set_password
    users_file = tmp_path / "users"
    set_password(users_file, "ann", "correct horse")
    assert "correct horse" not in users_file.read_text()
    users = load_users(users_file)
    with serving(small_sheet, f"sqlite:///{tmp_path / 'r.db'}", users=users) as server, httpx.Client() as client:
        assert client.get(f"{server.url}/").headers["location"] == "/login"
        page = client.get(f"{server.url}/login").text
        assert 'type="password"' in page
        import re
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        wrong = client.post(f"{server.url}/login", data={"csrf": token, "name": "ann", "password": "wrong horse"})
        assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
        nobody = client.post(f"{server.url}/login", data={"csrf": token, "name": "bob", "password": "correct horse"})
        assert nobody.status_code == 401
        assert client.get(f"{server.url}/").status_code == 303
        login(client, server.url, "ann", "correct horse")
        assert client.get(f"{server.url}/").status_code == 200


def test_twenty_reviewers_at_once_lose_and_duplicate_nothing(tmp_path):
    """Bounded: 20 reviewers, 10 decisions each, every fourth request sent twice (a retry)."""
    sheet = synthetic_sheet(100, 2)
    reviewers, each = 20, 10
    with serving(sheet, f"sqlite:///{tmp_path / 'r.db'}") as server:
        errors, sent = [], []

        def reviewer(number: int):
            with httpx.Client(timeout=30) as client:
                token = login(client, server.url, f"reviewer {number}")
                for k in range(each):
                    item = sheet.findings[number * each + k]
                    body = {"decisions": [{"fingerprint": item.fingerprint, "state": "accepted",
                                           "request_id": uuid.uuid4().hex}]}
                    for _ in range(2 if k % 4 == 0 else 1):
                        response = client.post(f"{server.url}/api/decisions", json=body,
                                               headers={"X-CSRF-Token": token})
                        if response.status_code != 200:
                            errors.append(response.text)
                    sent.append(body["decisions"][0]["request_id"])

        started = time.monotonic()
        threads = [threading.Thread(target=reviewer, args=(n,)) for n in range(reviewers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert time.monotonic() - started < 120
        assert errors == []
        assert store.count(server.engine) == reviewers * each == len(set(sent))
        latest = store.latest(server.engine)
        assert len(latest) == reviewers * each
        assert {d.reviewer for d in latest.values()} == {f"reviewer {n}" for n in range(reviewers)}


def test_a_server_killed_during_writes_keeps_every_acknowledged_decision(tmp_path):
    database = tmp_path / "r.db"
    port = free_port()
    child = subprocess.Popen([sys.executable, str(HERE / "serve_child.py"), f"sqlite:///{database}", str(port), "200"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                assert child.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        acknowledged, lock = [], threading.Lock()
        stop = threading.Event()

        def writer(number: int):
            with httpx.Client(timeout=5) as client:
                token = login(client, base, f"writer {number}")
                k = 0
                while not stop.is_set():
                    request_id = f"{number}-{k}"
                    body = {"decisions": [{"fingerprint": f"{(k % 200) + 1:08x}{number % 3:04x}",
                                           "state": "accepted" if k % 2 else "needs-fix", "request_id": request_id}]}
                    try:
                        response = client.post(f"{base}/api/decisions", json=body, headers={"X-CSRF-Token": token})
                    except httpx.TransportError:
                        return
                    if response.status_code == 200:
                        with lock:
                            acknowledged.append(request_id)
                    k += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        while len(acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        stop.set()
        for thread in threads:
            thread.join(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert len(acknowledged) >= 60
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in connection.execute("SELECT request_id FROM decisions")}
    assert set(acknowledged) <= stored


def test_a_session_outlives_a_restart_of_the_server(small_sheet, tmp_path):
    """The key that signs session cookies is kept in the database, not made anew at each start."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with httpx.Client() as client:
        with serving(small_sheet, url) as server:
            token = login(client, server.url, "ann")
        with serving(small_sheet, url) as server:  # a new server on another port, the same database
            page = client.get(f"{server.url}/", follow_redirects=False)
            assert page.status_code == 200 and "Reviewing as <strong id=\"reviewer-name\">ann</strong>" in page.text
            decision = {"decisions": [{"fingerprint": small_sheet.findings[0].fingerprint, "state": "accepted"}]}
            assert client.post(f"{server.url}/api/decisions", json=decision, headers={"X-CSRF-Token": token}).status_code == 200

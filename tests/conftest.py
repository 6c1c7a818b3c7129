"""Fixtures shared by the tests: a bug is never hidden (LETTER_AUDIT_DEBUG), and for the HTML
report tests a headless Chromium, a tab, a report on the samples."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Every command line a test starts would compile the whole engine again where the machine sets
# PYTHONDONTWRITEBYTECODE (this one does): a third of a start-up, over a hundred start-ups.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

from html_support import CHROMIUM, CHROMIUM_ARGS, LETTERS, write_report
from support import unavailable


@pytest.fixture(autouse=True)
def bugs_raise(monkeypatch):
    """A bug in letter-audit raises with its traceback in every test, in this process and in the
    ones a test starts: the command line's one-line "internal error" never passes for an answer."""
    monkeypatch.setenv("LETTER_AUDIT_DEBUG", "1")


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed")
    if not CHROMIUM.is_file():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tab(chromium):
    """A fresh tab that records console messages, page errors and dialogs."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    tab.console_messages, tab.page_errors, tab.dialogs = [], [], []
    tab.on("console", lambda message: tab.console_messages.append(message))
    tab.on("pageerror", lambda error: tab.page_errors.append(error))

    def on_dialog(dialog):
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def fixture_report(tmp_path_factory) -> Path:
    """A report on the sample letters, written once for the session; returns its folder."""
    out_dir = tmp_path_factory.mktemp("report")
    write_report(out_dir, Path(os.path.relpath(LETTERS)))  # as a user would type it, for the screenshots
    return out_dir


# --- `letter-audit serve`: a PostgreSQL server for the session, a fresh database per test

@pytest.fixture(scope="session")
def postgres():
    from serve_support import Postgres, postgres_bin

    if postgres_bin() is None:
        unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each test using it runs on an SQLite file and on a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.db'}"
    server = request.getfixturevalue("postgres")
    return server.new_database(f"t{abs(hash(request.node.nodeid)) % 10**12}")

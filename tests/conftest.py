"""Fixtures shared by the tests: a bug is never hidden (LETTER_AUDIT_DEBUG), and for the HTML
report tests a headless Chromium, a tab, a report on the samples."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from html_support import CHROMIUM, CHROMIUM_ARGS, LETTERS, write_report


@pytest.fixture(autouse=True)
def bugs_raise(monkeypatch):
    """A bug in letter-audit raises with its traceback in every test, in this process and in the
    ones a test starts: the command line's one-line "internal error" never passes for an answer."""
    monkeypatch.setenv("LETTER_AUDIT_DEBUG", "1")


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the browser tests must run")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    if not CHROMIUM.is_file():
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
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

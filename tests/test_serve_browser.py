"""The served worksheet in a real browser (Debian's Chromium via Playwright) against a live
server: two reviewers at once, a re-run after a letter changed, bulk decisions, the filter."""
from __future__ import annotations

import re
import shutil

import pytest

from serve_support import LETTERS, serving, worksheet
from support import unavailable

SECONDS = 1000  # Playwright's timeouts are in milliseconds


@pytest.fixture
def letters(tmp_path):
    folder = tmp_path / "letters"
    shutil.copytree(LETTERS, folder)
    return folder


class Reviewer:
    """One reviewer: a browser context of their own (their own session cookie)."""

    def __init__(self, chromium, base: str, name: str):
        from playwright.sync_api import expect

        self.base, self.name = base, name
        self.context = chromium.new_context(viewport={"width": 1440, "height": 900})
        self.tab = self.context.new_page()
        self.errors, self.dialogs = [], []
        self.tab.on("pageerror", lambda error: self.errors.append(str(error)))
        self.tab.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.tab.on("dialog", self._dialog)
        self.tab.goto(f"{base}/")
        expect(self.tab).to_have_url(f"{base}/login")
        self.tab.fill("#name", name)
        self.tab.click("button[type=submit]")
        expect(self.tab).to_have_url(f"{base}/")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.accept()

    def open(self, path: str):
        self.tab.goto(f"{self.base}{path}")
        return self.tab

    def finding(self, index: int):
        return self.tab.locator(".finding").nth(index)

    def close(self):
        assert self.errors == []
        self.context.close()


def test_two_reviewers_see_each_others_decisions_within_two_seconds(chromium, letters, database_url):
    from playwright.sync_api import expect

    with serving(worksheet(letters), database_url) as server:
        ann, bob = Reviewer(chromium, server.url, "ann"), Reviewer(chromium, server.url, "bob")
        ann.open("/letters/3")
        bob.open("/letters/3")
        ann.finding(0).get_by_role("button", name="Accept").click()
        expect(ann.finding(0).locator(".state")).to_contain_text("Accepted — ann")
        expect(bob.finding(0).locator(".state")).to_contain_text("Accepted — ann", timeout=2.5 * SECONDS)

        bob.finding(0).locator(".note").fill("the paragraph was asked for")
        bob.finding(0).get_by_role("button", name="Needs fix").click()
        expect(ann.finding(0).locator(".state")).to_contain_text("Needs a fix — bob", timeout=2.5 * SECONDS)
        expect(ann.finding(0).locator(".note")).to_have_value("the paragraph was asked for")

        ann.tab.reload()  # both decisions are in the history, the latest first (bob's note may have been
        # saved on its own too, when typing paused before the click on a slow machine)
        history = ann.finding(0).locator(".history li")
        expect(history.first).to_contain_text("bob: needs-fix — “the paragraph was asked for”")
        expect(history.last).to_contain_text("ann: accepted")

        # a note typed and never tabbed out of is kept (saved when typing pauses)
        ann.finding(1).locator(".note").type("a page number, nothing to do")
        expect(ann.tab.locator("#live-status")).to_have_text("Saved.", timeout=3 * SECONDS)
        ann.tab.reload()
        expect(ann.finding(1).locator(".note")).to_have_value("a page number, nothing to do")

        bob.open("/")  # progress on the index, and ann's Reviewed tick arriving live
        expect(bob.tab.locator("[data-progress=decided]")).to_have_text("1")
        ann.tab.check("#reviewed")
        row = bob.tab.locator('#letters-table tr[data-path$="002_3e1a7b4ce7d2b570.txt"]')
        expect(row.locator(".reviewed")).to_contain_text("✓", timeout=2.5 * SECONDS)
        expect(bob.tab.locator("[data-progress=reviewed]")).to_have_text("1")
        ann.close()
        bob.close()


def test_a_rerun_after_a_letter_changed(chromium, letters, tmp_path):
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'review.db'}"
    with serving(worksheet(letters), url) as server:
        ann = Reviewer(chromium, server.url, "ann")
        tab = ann.open("/letters/3")
        tab.check("#reviewed")
        expect(tab.locator(".reviewed-by")).to_contain_text("by ann")
        extra = tab.locator(".finding", has_text="extra-paragraph")
        extra.get_by_role("button", name="Accept").click()
        expect(extra.locator(".state")).to_contain_text("Accepted — ann")
        tab.locator(".finding", has_text="missing-section").first.get_by_role("button", name="Accept").click()
        expect(tab.locator(".finding.state-accepted")).to_have_count(2)
        ann.close()

    path = letters / "002_3e1a7b4ce7d2b570.txt"  # the extra paragraph is taken out
    paragraphs = path.read_text(encoding="utf-8").split("\n\n")
    path.write_text("\n\n".join(p for p in paragraphs if not p.startswith("We were pleased")), encoding="utf-8")
    with serving(worksheet(letters), url) as server:
        ann = Reviewer(chromium, server.url, "ann")
        tab = ann.open("/letters/3")
        expect(tab.locator("#reviewed")).not_to_be_checked()
        expect(tab.locator(".reviewed-by")).to_contain_text("was reviewed by ann on an earlier text")
        expect(tab.locator(".finding", has_text="extra-paragraph")).to_have_count(0)
        expect(tab.locator(".finding.state-accepted .state")).to_contain_text("decided on an earlier text")
        tab = ann.open("/")
        expect(tab.locator("[data-progress=stale]")).to_have_text("1")
        expect(tab.locator("[data-progress=accepted]")).to_have_text("1")
        tab = ann.open("/stale")
        expect(tab.locator("#stale-table tbody tr")).to_have_count(1)
        expect(tab.locator("#stale-table tbody tr")).to_contain_text("extra-paragraph")
        ann.close()


def test_bulk_accept_of_a_filter_names_the_count_and_the_filter_language(chromium, letters, tmp_path):
    from playwright.sync_api import expect

    sheet = worksheet(letters)
    with serving(sheet, f"sqlite:///{tmp_path / 'review.db'}") as server:
        ann = Reviewer(chromium, server.url, "ann")
        tab = ann.open("/")
        tab.fill("#q", "status:fail -rule:missing-section")
        tab.click("form.filter button[type=submit]")
        expect(tab.locator("#match-count")).to_have_text("2 of 5 letters, 3 findings match.")
        tab.fill("#q", "rule:extra-paragraph OR rule:count-mismatch")
        tab.click("form.filter button[type=submit]")
        expect(tab.locator("#match-count")).to_contain_text("2 findings match")
        tab.fill("#q", 'authority:="Cambridge City"')
        tab.click("form.filter button[type=submit]")
        expect(tab.locator("#match-count")).to_contain_text("0 of 5 letters")
        tab.fill("#q", "upheld_rate:> 50")
        tab.click("form.filter button[type=submit]")
        expect(tab.locator("#query-error")).to_contain_text("needs a value right after it")
        tab.fill("#q", "colour:red")
        tab.click("form.filter button[type=submit]")
        expect(tab.locator("#query-error")).to_contain_text("unknown field 'colour'")

        tab.fill("#q", "rule:missing-section")
        tab.click("form.filter button[type=submit]")
        button = tab.get_by_role("button", name="Accept all 6 matching findings")
        button.click()
        expect(tab.locator("[data-progress=accepted]")).to_have_text("6", timeout=15 * SECONDS)
        assert ann.dialogs == ['Accept all 6 findings matching "rule:missing-section"?']
        tab = ann.open("/?q=decision:undecided")
        expect(tab.locator("#match-count")).to_contain_text(f"{len(sheet.findings) - 6} findings match")
        ann.close()


def test_the_worksheet_works_from_the_keyboard_fits_a_phone_and_passes_axe(chromium, letters, tmp_path):
    """Row keys on the index (j/k, Enter, u for the next undecided), u back to the filtered
    list from a letter, the letter's "should read" line, cards on a 348 px phone, and no
    axe violation on any page in any review state, light and dark."""
    import os

    from playwright.sync_api import expect

    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("axe-playwright-python is not installed; CI is set, so the accessibility tests must run")
        unavailable("axe-playwright-python is not installed")
    with serving(worksheet(letters), f"sqlite:///{tmp_path / 'review.db'}") as server:
        ann = Reviewer(chromium, server.url, "ann")
        tab = ann.open("/?q=status:fail")
        tab.keyboard.press("j")
        tab.keyboard.press("j")
        expect(tab.locator("#letters-table tbody tr.is-current")).to_contain_text("Cambridge City Council")
        tab.keyboard.press("Enter")
        expect(tab).to_have_url(f"{server.url}/letters/3")
        tab.wait_for_load_state()
        tab.keyboard.press("]")
        expect(tab).to_have_url(f"{server.url}/letters/4")
        tab.wait_for_load_state()  # the page's script listens for keys
        tab.keyboard.press("u")  # back to the list as it was filtered
        expect(tab).to_have_url(f"{server.url}/?q=status:fail")

        tab = ann.open("/letters/2")
        expect(tab.locator(".finding .should-read")).to_have_text(
            "Should read “2” (compliance outcomes, line 77), not “1”, if upheld decisions and remedy decisions are right.")
        side = tab.locator("#side-by-side")  # the letter beside its template, the columns labelled
        expect(side.locator("thead th")).to_have_text(["Line", "Template, with the values it expects", "Letter as written"])
        row = side.locator("tbody tr", has=tab.locator("th", has_text="77"))
        expect(row.locator("td").first.locator("mark.settled")).to_have_text("✓ 2")  # the value it expects
        expect(row.locator("td").last.locator("mark.wrong")).to_have_text("⚠ 1")  # the letter's
        expect(side.locator("tbody tr", has=tab.locator("th", has_text="63")).locator("td").first).to_have_text(
            "2 upheld decisions")  # elsewhere the letter's own values, never slot names
        tab.keyboard.press("j")
        expect(tab.locator(".finding.is-current")).to_have_count(1)
        ann.finding(0).get_by_role("button", name="Needs fix").click()
        expect(ann.finding(0)).to_have_class(re.compile("state-needs-fix"))
        tab = ann.open("/letters/3")
        ann.finding(0).get_by_role("button", name="Accept").click()
        expect(ann.finding(0)).to_have_class(re.compile("state-accepted"))
        tab.check("#reviewed")
        expect(tab.locator(".reviewed-by")).to_contain_text("by ann")

        tab = ann.open("/")
        tab.keyboard.press("u")  # letter 1 passes with nothing to decide; 2 was decided: 3 is next
        expect(tab.locator("#letters-table tbody tr.is-current")).to_contain_text("Cambridge City Council")

        problems = []
        for scheme in ("light", "dark"):
            ann.tab.emulate_media(color_scheme=scheme)
            for path in ("/", "/letters/2", "/letters/3", *(("/stale", "/?q=-") if scheme == "light" else ())):
                ann.open(path)
                for violation in Axe().run(ann.tab).response["violations"]:
                    problems.append(f"{scheme} {path}: {violation['id']} ({violation['impact']}) "
                                    f"{[node['target'] for node in violation['nodes']][:3]}")
        assert problems == []
        ann.close()

        phone = chromium.new_context(viewport={"width": 348, "height": 740}, is_mobile=True, has_touch=True)
        try:
            tab = phone.new_page()
            tab.goto(f"{server.url}/login")
            tab.fill("#name", "bob")
            tab.click("button[type=submit]")
            expect(tab.locator("#letters-table")).to_be_visible()
            assert tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
            assert tab.locator("#letters-table tbody tr").first.evaluate("row => getComputedStyle(row).display") == "flex"
            tab.goto(f"{server.url}/letters/3")  # the letter beside its template, stacked
            expect(tab.locator("#side-by-side")).to_be_visible()
            assert tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        finally:
            phone.close()

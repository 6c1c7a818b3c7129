"""The report in a real browser (Debian's Chromium via Playwright), opened from file://."""
from __future__ import annotations

from audit.report.html.render import CONTENT_SECURITY_POLICY
from html_support import (LETTERS, browser, fixture_report, page, page_of, screenshot,  # noqa: F401
                          write_report)

SORTED_BY_ERRORS = ["002", "003", "001", "000", "004"]  # most errors first; ties in batch order


def letters_column(tab) -> list[str]:
    return [name[:3] for name in tab.locator("#letters-table tbody td.col-letter").all_inner_texts()]


def wait_for_rows(tab, count: int):
    """Until the table shows `count` rows (the search box waits for typing to pause)."""
    from playwright.sync_api import expect  # here, not at the top: without Playwright the tests skip

    expect(tab.locator("#letters-table tbody tr")).to_have_count(count)


def assert_quiet(tab):
    """No script error, no dialog, nothing the console complains about."""
    assert tab.page_errors == []
    assert tab.dialogs == []
    assert [m.text for m in tab.console_messages if m.type in ("error", "warning")] == []


def in_viewport(tab, selector: str) -> bool:
    return tab.eval_on_selector(selector, """element => {
        const box = element.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
    }""")


def test_index_sorts_filters_and_keeps_its_state_in_the_address(page, fixture_report):
    page.goto((fixture_report / "index.html").as_uri())
    assert letters_column(page) == ["000", "001", "002", "003", "004"]
    assert page.inner_text("#table-count") == "5 letters"

    page.click("th button[data-sort=error]")
    assert letters_column(page) == SORTED_BY_ERRORS
    assert page.get_attribute("th:has(button[data-sort=error])", "aria-sort") == "descending"
    page.click("th button[data-sort=error]")
    assert letters_column(page) == ["000", "004", "001", "002", "003"]
    page.click("th button[data-sort='field:authority']")
    assert letters_column(page) == ["003", "002", "000", "004", "001"]  # Ashfield, Cambridge, Ipswich, ...

    page.check("input[name=status][value=fail]")
    assert letters_column(page) == ["003", "002", "001"]
    page.select_option("select[name=rule]", "extra-paragraph")
    assert letters_column(page) == ["002"]
    page.select_option("select[name=rule]", "")
    page.fill("input[name=q]", "wellingborough")
    wait_for_rows(page, 1)
    assert letters_column(page) == ["001"]
    assert page.inner_text("#table-count") == "1 of 5 letters match"

    address = page.url
    assert "status=fail" in address and "q=wellingborough" in address and "sort=field%3Aauthority" in address
    page.goto("about:blank")  # leave, then come back by the address alone
    page.goto(address)
    assert letters_column(page) == ["001"]
    assert page.is_checked("input[name=status][value=fail]")
    assert page.input_value("input[name=q]") == "wellingborough"

    page.click("button.reset")
    assert letters_column(page) == ["003", "002", "000", "004", "001"]
    page.click("a.tile.status-pass")
    assert letters_column(page) == ["000", "004"]
    assert_quiet(page)


def test_index_shows_the_batch_and_the_fields_table(page, fixture_report):
    page.goto((fixture_report / "index.html").as_uri())
    assert page.inner_text(".tiles .status-fail .tile-count") == "3"
    chart = page.locator(".chart li").all_inner_texts()
    assert chart[0].split()[:3] == ["missing-section", "6", "errors"]
    page.click("th button[data-sort=error]")
    page.click("a.tile.status-pass")
    page.evaluate("location.hash = ''")
    wait_for_rows(page, 5)
    screenshot(page, "index.png", "report-index.png")

    page.click("[data-view=fields]")
    headers = page.locator("#letters-table thead th").all_inner_texts()
    assert {"Letter date", "Recipient title", "Compliance outcomes", "Remedy average"} <= {h.strip(" ↕▲▼") for h in headers}
    assert "view=fields" in page.url
    first = page.locator("#letters-table tbody tr").first.locator("td").all_inner_texts()
    assert "2020-07-22" in first and "Mr Williams" in first
    assert_quiet(page)


def test_index_pages_a_large_table(page, tmp_path):
    letters = tmp_path / "many"
    letters.mkdir()
    source = sorted(LETTERS.glob("*.txt"))[4].read_bytes()
    for n in range(205):
        (letters / f"letter-{n:03d}.txt").write_bytes(source)
    write_report(tmp_path / "out", letters)
    page.goto((tmp_path / "out" / "index.html").as_uri())
    assert page.locator("#letters-table tbody tr").count() == 100
    assert page.inner_text(".pager-state") == "rows 1–100 · page 1 of 3"
    page.click("[data-page=next]")
    page.click("[data-page=next]")
    assert page.locator("#letters-table tbody tr").count() == 5
    assert "page=3" in page.url
    assert page.is_disabled("[data-page=next]")
    assert_quiet(page)


def test_a_finding_leads_to_its_place(page, fixture_report):
    page.goto(page_of(fixture_report, "002").as_uri())
    findings = page.locator(".finding-link")
    assert findings.count() == 5

    findings.nth(0).click()  # extra-paragraph at line 41
    assert page.get_attribute("#L41", "class").split().count("is-highlighted") == 1
    assert in_viewport(page, "#L41")
    assert page.url.endswith("#L41")
    assert "not in the template" in page.inner_text("#L41")

    findings.nth(2).click()  # missing-section: the struck-out heading where the section should stand
    target = findings.nth(2).get_attribute("data-target")
    row = page.locator(f"#{target}")
    assert "is-highlighted" in row.get_attribute("class") and "kind-missing" in row.get_attribute("class")
    assert in_viewport(page, f"#{target}")
    assert row.locator("del.missing").first.inner_text() == "Complaints upheld"
    assert page.locator(".is-highlighted").count() == 1
    assert_quiet(page)


def test_keys_walk_through_the_findings(page, fixture_report):
    page.goto(page_of(fixture_report, "002").as_uri())
    assert page.is_visible("#key-hint") and "next / previous finding" in page.inner_text("#key-hint")
    page.keyboard.press("j")
    assert "is-current" in page.get_attribute("#F1", "class")
    assert "Finding 1 of 5: extra-paragraph" in page.inner_text("#current-finding")
    page.keyboard.press("n")
    assert "is-highlighted" in page.get_attribute("#L45", "class") and in_viewport(page, "#L45")
    page.keyboard.press("k")
    assert "is-highlighted" in page.get_attribute("#L41", "class")
    page.keyboard.press("p")
    page.keyboard.press("p")  # wraps round to the last finding
    assert "Finding 4 of 5" in page.inner_text("#current-finding")
    assert_quiet(page)


def test_side_by_side_puts_the_template_left_of_the_letter(page, fixture_report):
    page.goto(page_of(fixture_report, "002").as_uri())
    assert not page.is_visible("#L13 .side.template")
    inline_width = page.locator("#L13 .side.letter").bounding_box()["width"]

    page.click("button[data-layout=side]")
    assert page.get_attribute("button[data-layout=side]", "aria-pressed") == "true"
    template, letter = (page.locator(f"#L13 .side.{side}").bounding_box() for side in ("template", "letter"))
    assert template["x"] + template["width"] <= letter["x"]
    assert abs(template["y"] - letter["y"]) < 2
    assert letter["width"] < inline_width * 0.7
    assert page.is_visible("#L13 .side.template .slot")  # the template shows its placeholders
    extra_template = page.locator("#L41 .side.template").inner_text()
    assert extra_template == ""  # the template has no such paragraph

    page.reload()  # the choice is remembered
    assert page.get_attribute("button[data-layout=side]", "aria-pressed") == "true"
    screenshot(page, "letter-side-by-side.png")
    page.click("button[data-layout=inline]")
    assert not page.is_visible("#L13 .side.template")
    assert_quiet(page)


def test_letter_pages_link_through_the_batch_and_print(page, fixture_report):
    page.goto(page_of(fixture_report, "002").as_uri())
    page.locator(".finding-link").nth(0).click()
    screenshot(page, "letter.png", "report-letter.png")
    page.click("a[rel=next]")
    assert page.url.endswith(page_of(fixture_report, "003").name)
    page.click("a[rel=prev]")
    page.click("a[rel=prev]")
    assert page.url.endswith(page_of(fixture_report, "001").name)
    assert "Letter 2 of 5" in page.inner_text(".letter-nav")

    page.emulate_media(media="print")
    assert not page.is_visible(".key-hint") and not page.is_visible(".topbar")
    assert not page.is_visible(".view-switch")
    page.emulate_media(media="screen")
    page.click(".letter-nav a[href='../index.html']")
    assert page.url.endswith("index.html")
    assert_quiet(page)


def test_markup_in_a_letter_is_shown_as_text_and_never_runs(page, tmp_path):
    letters = tmp_path / "in"
    letters.mkdir()
    payload = "<script>document.title='pwned'</script> Noted. <img src=x onerror=\"alert(1)\">"
    source = sorted(LETTERS.glob("*.txt"))[0].read_text(encoding="utf-8")
    (letters / "hostile.txt").write_text(source.replace("Yours sincerely,", payload + "\n\nYours sincerely,"),
                                         encoding="utf-8")
    out = tmp_path / "out"
    write_report(out, letters)

    page.goto(page_of(out, "hostile").as_uri())
    assert page.title() == "hostile.txt (warn) · letter-audit"
    extra = page.locator(".row.kind-extra .side.letter")
    assert extra.inner_text() == payload
    assert extra.is_visible()
    assert page.locator(".row img, .row script").count() == 0
    finding = page.locator(".finding-link .message").first.inner_text()
    assert "<img src=x onerror=" in finding
    page.locator(".finding-link").first.click()
    page.wait_for_timeout(100)  # time for anything that might have been scheduled to run
    assert page.title() == "hostile.txt (warn) · letter-audit"
    assert page.evaluate("document.querySelectorAll('img').length") == 0

    page.goto((out / "index.html").as_uri())
    assert page.title() == "Batch of 1 letter · letter-audit"
    assert letters_column(page) == ["hos"]
    assert_quiet(page)


def test_the_policy_refuses_inline_script_but_runs_the_reports_own_from_file(page, tmp_path):
    """'self' is not obvious for file:// pages; check that this browser reads it as meant."""
    (tmp_path / "static").mkdir()
    (tmp_path / "letters").mkdir()
    (tmp_path / "static" / "own.js").write_text("document.body.dataset.own = 'ran';", encoding="utf-8")
    (tmp_path / "letters" / "probe.html").write_text(f"""<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}"><title>probe</title></head>
<body><script>document.body.dataset.inline = 'ran';</script>
<img src="data:," onerror="document.body.dataset.handler = 'ran'">
<script src="../static/own.js"></script></body></html>""", encoding="utf-8")
    page.goto((tmp_path / "letters" / "probe.html").as_uri())
    assert page.evaluate("document.body.dataset.own") == "ran"
    assert page.evaluate("document.body.dataset.inline") is None
    assert page.evaluate("document.body.dataset.handler") is None
    refused = [m.text for m in page.console_messages if "Content Security Policy" in m.text]
    assert len(refused) >= 2

"""The report in a real browser (Debian's Chromium via Playwright), opened from file://."""
from __future__ import annotations

from audit.report.html.render import CONTENT_SECURITY_POLICY
from html_support import LETTERS, page_of, screenshot, write_report

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


def test_index_sorts_filters_and_keeps_its_state_in_the_address(tab, fixture_report):
    tab.goto((fixture_report / "index.html").as_uri())
    assert letters_column(tab) == ["000", "001", "002", "003", "004"]
    assert tab.inner_text("#table-count") == "5 letters"

    tab.click("th button[data-sort=error]")
    assert letters_column(tab) == SORTED_BY_ERRORS
    assert tab.get_attribute("th:has(button[data-sort=error])", "aria-sort") == "descending"
    tab.click("th button[data-sort=error]")
    assert letters_column(tab) == ["000", "004", "001", "002", "003"]
    tab.click("th button[data-sort='field:authority']")
    assert letters_column(tab) == ["003", "002", "000", "004", "001"]  # Ashfield, Cambridge, Ipswich, ...

    tab.check("input[name=status][value=fail]")
    assert letters_column(tab) == ["003", "002", "001"]
    tab.select_option("select[name=rule]", "extra-paragraph")
    assert letters_column(tab) == ["002"]
    tab.select_option("select[name=rule]", "")
    tab.fill("input[name=q]", "wellingborough")
    wait_for_rows(tab, 1)
    assert letters_column(tab) == ["001"]
    assert tab.inner_text("#table-count") == "1 of 5 letters match"

    address = tab.url
    assert "status=fail" in address and "q=wellingborough" in address and "sort=field%3Aauthority" in address
    tab.goto("about:blank")  # leave, then come back by the address alone
    tab.goto(address)
    assert letters_column(tab) == ["001"]
    assert tab.is_checked("input[name=status][value=fail]")
    assert tab.input_value("input[name=q]") == "wellingborough"

    tab.click("button.reset")
    assert letters_column(tab) == ["003", "002", "000", "004", "001"]
    tab.click("a.tile.status-pass")
    wait_for_rows(tab, 2)  # the tile is a link: the table follows the address's hashchange event
    assert letters_column(tab) == ["000", "004"]
    assert_quiet(tab)


def test_index_shows_the_batch_and_the_fields_table(tab, fixture_report):
    tab.goto((fixture_report / "index.html").as_uri())
    assert tab.inner_text(".tiles .status-fail .tile-count") == "3"
    chart = tab.locator(".chart li").all_inner_texts()
    assert chart[0].split()[:3] == ["missing-section", "6", "errors"]
    tab.click("th button[data-sort=error]")
    tab.click("a.tile.status-pass")
    tab.evaluate("location.hash = ''")
    wait_for_rows(tab, 5)
    screenshot(tab, "index.png", "report-index.png")

    tab.click("[data-view=fields]")
    headers = tab.locator("#letters-table thead th").all_inner_texts()
    assert {"Letter date", "Recipient title", "Compliance outcomes", "Remedy average"} <= {h.strip(" ↕▲▼") for h in headers}
    assert "view=fields" in tab.url
    first = tab.locator("#letters-table tbody tr").first.locator("td").all_inner_texts()
    assert "2020-07-22" in first and "Mr Williams" in first
    assert_quiet(tab)


def test_index_pages_a_large_table(tab, tmp_path):
    letters = tmp_path / "many"
    letters.mkdir()
    source = sorted(LETTERS.glob("*.txt"))[4].read_bytes()
    for n in range(205):
        (letters / f"letter-{n:03d}.txt").write_bytes(source)
    write_report(tmp_path / "out", letters)
    tab.goto((tmp_path / "out" / "index.html").as_uri())
    assert tab.locator("#letters-table tbody tr").count() == 100
    assert tab.inner_text(".pager-state") == "rows 1–100 · page 1 of 3"
    tab.click("[data-page=next]")
    tab.click("[data-page=next]")
    assert tab.locator("#letters-table tbody tr").count() == 5
    assert "page=3" in tab.url
    assert tab.is_disabled("[data-page=next]")
    assert_quiet(tab)


def test_a_finding_leads_to_its_place(tab, fixture_report):
    tab.goto(page_of(fixture_report, "002").as_uri())
    findings = tab.locator(".finding-link")
    assert findings.count() == 5

    findings.nth(0).click()  # extra-paragraph at line 41
    assert tab.get_attribute("#L41", "class").split().count("is-highlighted") == 1
    assert in_viewport(tab, "#L41")
    assert tab.url.endswith("#L41")
    assert "not in the template" in tab.inner_text("#L41")

    findings.nth(2).click()  # missing-section: the struck-out heading where the section should stand
    target = findings.nth(2).get_attribute("data-target")
    row = tab.locator(f"#{target}")
    assert "is-highlighted" in row.get_attribute("class") and "kind-missing" in row.get_attribute("class")
    assert in_viewport(tab, f"#{target}")
    assert row.locator("del.missing").first.inner_text() == "Complaints upheld"
    assert tab.locator(".is-highlighted").count() == 1
    assert_quiet(tab)


def test_keys_walk_through_the_findings(tab, fixture_report):
    tab.goto(page_of(fixture_report, "002").as_uri())
    assert tab.is_visible("#key-hint") and "next / previous finding" in tab.inner_text("#key-hint")
    tab.keyboard.press("j")
    assert "is-current" in tab.get_attribute("#F1", "class")
    assert "Finding 1 of 5: extra-paragraph" in tab.inner_text("#current-finding")
    tab.keyboard.press("n")
    assert "is-highlighted" in tab.get_attribute("#L45", "class") and in_viewport(tab, "#L45")
    tab.keyboard.press("k")
    assert "is-highlighted" in tab.get_attribute("#L41", "class")
    tab.keyboard.press("p")
    tab.keyboard.press("p")  # wraps round to the last finding
    assert "Finding 4 of 5" in tab.inner_text("#current-finding")
    assert_quiet(tab)


def test_side_by_side_puts_the_template_left_of_the_letter(tab, fixture_report):
    tab.goto(page_of(fixture_report, "002").as_uri())
    assert not tab.is_visible("#L13 .side.template")
    inline_width = tab.locator("#L13 .side.letter").bounding_box()["width"]

    tab.click("button[data-layout=side]")
    assert tab.get_attribute("button[data-layout=side]", "aria-pressed") == "true"
    template, letter = (tab.locator(f"#L13 .side.{side}").bounding_box() for side in ("template", "letter"))
    assert template["x"] + template["width"] <= letter["x"]
    assert abs(template["y"] - letter["y"]) < 2
    assert letter["width"] < inline_width * 0.7
    assert tab.is_visible("#L13 .side.template .slot")  # the template shows its placeholders
    extra_template = tab.locator("#L41 .side.template").inner_text()
    assert extra_template == ""  # the template has no such paragraph

    tab.reload()  # the choice is remembered
    assert tab.get_attribute("button[data-layout=side]", "aria-pressed") == "true"
    screenshot(tab, "letter-side-by-side.png")
    tab.click("button[data-layout=inline]")
    assert not tab.is_visible("#L13 .side.template")
    assert_quiet(tab)


def test_letter_pages_link_through_the_batch_and_print(tab, fixture_report):
    tab.goto(page_of(fixture_report, "002").as_uri())
    tab.locator(".finding-link").nth(0).click()
    screenshot(tab, "letter.png", "report-letter.png")
    tab.click("a[rel=next]")
    assert tab.url.endswith(page_of(fixture_report, "003").name)
    tab.click("a[rel=prev]")
    tab.click("a[rel=prev]")
    assert tab.url.endswith(page_of(fixture_report, "001").name)
    assert "Letter 2 of 5" in tab.inner_text(".letter-nav")

    tab.emulate_media(media="print")
    assert not tab.is_visible(".key-hint") and not tab.is_visible(".topbar")
    assert not tab.is_visible(".view-switch")
    tab.emulate_media(media="screen")
    tab.click(".letter-nav a[href='../index.html']")
    assert tab.url.endswith("index.html")
    assert_quiet(tab)


def test_markup_in_a_letter_is_shown_as_text_and_never_runs(tab, tmp_path):
    letters = tmp_path / "in"
    letters.mkdir()
    payload = "<script>document.title='pwned'</script> Noted. <img src=x onerror=\"alert(1)\">"
    source = sorted(LETTERS.glob("*.txt"))[0].read_text(encoding="utf-8")
    (letters / "hostile.txt").write_text(source.replace("Yours sincerely,", payload + "\n\nYours sincerely,"),
                                         encoding="utf-8")
    out = tmp_path / "out"
    write_report(out, letters)

    tab.goto(page_of(out, "hostile").as_uri())
    assert tab.title() == "hostile.txt (warn) · letter-audit"
    extra = tab.locator(".row.kind-extra .side.letter")
    assert extra.inner_text() == payload
    assert extra.is_visible()
    assert tab.locator(".row img, .row script").count() == 0
    finding = tab.locator(".finding-link .message").first.inner_text()
    assert "<img src=x onerror=" in finding
    tab.locator(".finding-link").first.click()
    tab.wait_for_timeout(100)  # time for anything that might have been scheduled to run
    assert tab.title() == "hostile.txt (warn) · letter-audit"
    assert tab.evaluate("document.querySelectorAll('img').length") == 0

    tab.goto((out / "index.html").as_uri())
    assert tab.title() == "Batch of 1 letter · letter-audit"
    assert letters_column(tab) == ["hos"]
    assert_quiet(tab)


def test_the_policy_refuses_inline_script_but_runs_the_reports_own_from_file(tab, tmp_path):
    """'self' is not obvious for file:// pages; check that this browser reads it as meant."""
    (tmp_path / "static").mkdir()
    (tmp_path / "letters").mkdir()
    (tmp_path / "static" / "own.js").write_text("document.body.dataset.own = 'ran';", encoding="utf-8")
    (tmp_path / "letters" / "probe.html").write_text(f"""<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}"><title>probe</title></head>
<body><script>document.body.dataset.inline = 'ran';</script>
<img src="data:," onerror="document.body.dataset.handler = 'ran'">
<script src="../static/own.js"></script></body></html>""", encoding="utf-8")
    tab.goto((tmp_path / "letters" / "probe.html").as_uri())
    assert tab.evaluate("document.body.dataset.own") == "ran"
    assert tab.evaluate("document.body.dataset.inline") is None
    assert tab.evaluate("document.body.dataset.handler") is None
    refused = [m.text for m in tab.console_messages if "Content Security Policy" in m.text]
    assert len(refused) >= 2

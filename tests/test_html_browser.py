"""The report in a real browser (Debian's Chromium via Playwright), opened from file://."""
from __future__ import annotations

from audit.report.html.render import CONTENT_SECURITY_POLICY
from html_support import LETTERS, letter_pages, page_of, screenshot, write_report

SORTED_BY_ERRORS = ["002", "003", "001", "000", "004"]  # most errors first; ties in batch order


def letters_column(tab) -> list[str]:
    return [name[:3] for name in tab.locator("#letters-table tbody .file-name").all_inner_texts()]


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
    tab.click("th button[data-sort=key]")  # the key field (authority) is the first column after #
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
    assert "status=fail" in address and "q=wellingborough" in address and "sort=key" in address
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


def test_each_finding_stands_under_the_paragraph_it_is_about(tab, fixture_report):
    """For every seed finding: its message, severity and rule sit in the row of its paragraph,
    below the paragraph's text, and the change list at the top links to it."""
    for page in letter_pages(fixture_report):
        tab.goto(page.as_uri())
        data = tab.evaluate("JSON.parse(document.getElementById('page-data').textContent)")
        for finding in data["findings"]:
            comment = tab.locator(f"#{finding['id']}")
            assert comment.locator(".message").inner_text() == finding["message"]
            assert finding["rule"] in comment.locator(".comment-head").inner_text()
            row_id = comment.evaluate("c => c.parentElement.id")
            assert row_id, finding
            text_box = tab.locator(f"[id='{row_id}'] > p:not(.tmpl)").bounding_box()
            assert comment.bounding_box()["y"] >= text_box["y"] + text_box["height"] - 1
            if finding["rule"] not in ("missing-section", "missing-paragraph"):
                lines = tab.evaluate(f"document.getElementById('{row_id}').dataset.ln")
                assert int(lines) <= finding["line"]
            assert tab.locator(f".change-list a[href='#{finding['id']}']").count() == 1
    assert_quiet(tab)


def test_the_letter_is_above_the_fold_and_a_change_leads_to_its_place(tab, fixture_report):
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.goto(page_of(fixture_report, "002").as_uri())
    letter_top = tab.locator("#overlay").bounding_box()["y"]
    assert letter_top < 300  # the letter, not the fields table, opens the page
    assert tab.locator("#fields-panel").bounding_box()["x"] > tab.locator("#overlay").bounding_box()["x"]

    tab.locator(".change-list a").nth(0).click()  # extra-paragraph at line 41
    assert "is-current" in tab.get_attribute("#F1", "class")
    assert in_viewport(tab, "#F1") and tab.url.endswith("#F1")
    assert "not in the template" in tab.inner_text("#L41")
    missing = tab.locator(".change-list a").nth(2)  # missing-section
    missing.click()
    row = tab.locator("#F3").locator("xpath=..")
    assert "kind-missing" in row.get_attribute("class")
    assert row.locator("del.missing").first.inner_text() == "Complaints upheld"
    assert in_viewport(tab, "#F3")
    screenshot(tab, "letter-002.png")
    assert_quiet(tab)


def test_the_wrong_value_is_marked_and_linked_to_what_it_contradicts(tab, fixture_report):
    tab.goto(page_of(fixture_report, "001").as_uri())
    wrong = tab.locator("#L77 mark.wrong")
    assert wrong.inner_text().strip("⚠ ") == "1" and wrong.get_attribute("title") == "compliance_outcomes"
    decoration = wrong.evaluate("m => getComputedStyle(m).textDecorationLine")
    icon = wrong.evaluate("m => getComputedStyle(m, '::before').content")
    assert "underline" in decoration and "⚠" in icon  # never colour alone
    other = tab.locator("#L63 mark.involved")
    assert other.inner_text() == "2" and other.get_attribute("title") == "upheld_decisions"
    wrong.focus()
    assert "is-linked" in other.get_attribute("class") and "is-linked" in wrong.get_attribute("class")
    quotes = tab.locator("#F1 .quote").all_inner_texts()
    assert "“2” (upheld decisions, line 63)" in quotes and "“1” (compliance outcomes, line 77)" in quotes
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.goto(page_of(fixture_report, "001").as_uri() + "#F1")
    tab.locator("#L77 mark.wrong").focus()
    screenshot(tab, "letter.png", "report-letter.png")
    tab.locator("#F1 .quote").first.click()
    assert "is-highlighted" in tab.get_attribute("#L63", "class")
    assert tab.inner_text("#F1 .should-read") == ("Should read “2” (compliance outcomes, line 77), not “1”, "
                                                  "if upheld decisions and remedy decisions are right.")
    tab.click("button[data-layout=side]")  # the template's side expects 2 where the letter says 1
    assert tab.inner_text("#L77 .tmpl .slot-differs") == "2"
    assert tab.get_attribute("#L77 .tmpl .slot-differs", "title") == "compliance_outcomes: the letter has “1”"
    assert tab.inner_text("#L63 .tmpl .slot") == "2"  # elsewhere the letter's own values
    assert_quiet(tab)


def test_keys_move_focus_through_the_findings(tab, fixture_report):
    tab.goto(page_of(fixture_report, "002").as_uri())
    tab.keyboard.press("j")
    assert tab.evaluate("document.activeElement.id") == "F1"
    tab.keyboard.press("j")
    assert tab.evaluate("document.activeElement.id") == "F2" and in_viewport(tab, "#F2")
    tab.keyboard.press("k")
    assert tab.evaluate("document.activeElement.id") == "F1"
    tab.keyboard.press("k")  # wraps round to the last finding
    assert tab.evaluate("document.activeElement.id") == "F5"
    tab.keyboard.press("?")
    assert tab.is_visible("#keys-panel") and "accept the current finding" in tab.inner_text("#keys-panel")
    tab.keyboard.press("Escape")
    assert not tab.is_visible("#keys-panel")
    assert_quiet(tab)


def test_side_by_side_puts_the_template_left_of_the_letter(tab, fixture_report):
    tab.goto(page_of(fixture_report, "002").as_uri())
    assert tab.locator("#L13 .tmpl").count() == 0
    inline_width = tab.locator("#L13 > p").bounding_box()["width"]

    tab.click("button[data-layout=side]")
    assert tab.get_attribute("button[data-layout=side]", "aria-pressed") == "true"
    template, letter = (tab.locator(f"#L13 > {side}").bounding_box() for side in ("p.tmpl", "p:not(.tmpl)"))
    assert template["x"] + template["width"] <= letter["x"]
    assert abs(template["y"] - letter["y"]) < 2
    assert letter["width"] < inline_width * 0.7
    assert tab.inner_text("#L13 .tmpl .slot") == "31 March 2020"  # the template shows the values it expects
    assert tab.get_attribute("#L13 .tmpl .slot", "title") == "year_end"  # named by its placeholder
    assert tab.locator("#overlay > .side-head").inner_text().split("\n") == ["Template with the values it expects",
                                                                           "Letter as written"]
    assert tab.locator("#L41 .tmpl").inner_text() == ""  # the template has no such paragraph

    tab.reload()  # the choice is remembered
    assert tab.get_attribute("button[data-layout=side]", "aria-pressed") == "true"
    screenshot(tab, "letter-side-by-side.png")
    tab.click("button[data-layout=inline]")
    assert not tab.is_visible("#L13 .tmpl")
    assert_quiet(tab)


def test_matching_boilerplate_folds_away_and_back(tab, fixture_report):
    tab.goto(page_of(fixture_report, "001").as_uri())
    rows = tab.locator("#overlay > div").count()
    tab.click("#fold-toggle")
    folds = tab.locator("#overlay > button.fold")
    assert folds.count() >= 2 and "matching paragraphs" in folds.first.inner_text()
    assert tab.is_visible("#F1")  # a paragraph with a finding never folds
    hidden = tab.locator("#overlay > div.folded").count()
    assert 0 < hidden < rows
    folds.first.click()
    assert tab.locator("#overlay > div.folded").count() < hidden
    tab.click("#fold-toggle")
    assert tab.locator("#overlay > div.folded").count() == 0 and folds.count() == 0
    assert_quiet(tab)


def test_letter_pages_link_through_the_batch_and_print(tab, fixture_report):
    tab.goto(page_of(fixture_report, "002").as_uri())
    tab.click("a[rel=next]")
    assert tab.url.endswith(page_of(fixture_report, "003").name)
    tab.click("a[rel=prev]")
    tab.click("a[rel=prev]")
    assert tab.url.endswith(page_of(fixture_report, "001").name)
    assert "Letter 2 of 5" in tab.inner_text(".letter-nav")

    tab.emulate_media(media="print")
    assert not tab.is_visible(".topbar") and not tab.is_visible(".view-switch")
    assert tab.is_visible("#F1 .message")  # the messages print with the letter
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
    extra = tab.locator("#overlay > .kind-extra > p")
    assert extra.inner_text() == payload
    assert extra.is_visible()
    assert tab.locator("#overlay img, #overlay script").count() == 0
    finding = tab.locator(".comment .message").first.inner_text()
    assert "<img src=x onerror=" in finding
    tab.locator(".change-list a").first.click()
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


def test_a_malformed_address_fragment_leaves_the_letter_page_working(tab, fixture_report):
    """#%E0%A4%A is not valid percent-encoding: decodeURIComponent throws (issue 22)."""
    tab.goto(page_of(fixture_report, "001").as_uri() + "#%E0%A4%A")
    tab.locator("#F1 .quote").first.click()  # the page's own handlers still run
    assert "is-highlighted" in tab.get_attribute("#L63", "class")
    assert_quiet(tab)

"""The report as a reviewer's worksheet, in a real browser from file://: decisions kept across
reloads and exported (a baseline the command line reads, a decisions CSV), Previous / Next
following the index's filter, search, and pages that fit a phone and pass axe in both themes."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import tomllib
from pathlib import Path

import pytest

from audit.cli import main
from html_support import LETTERS, letter_pages, page_of, screenshot, write_report
from support import unavailable
from test_html_browser import assert_quiet, letters_column, wait_for_rows


def decide(tab, finding: str, decision: str, note: str = "") -> None:
    comment = tab.locator(f"#{finding}")
    if note:
        comment.locator(".review-note input").fill(note)
        comment.locator(".review-note input").press("Tab")
    comment.locator(f"button[data-decision={decision}]").click()


def test_decisions_survive_a_reload_and_export_a_baseline_the_cli_reads(tab, tmp_path):
    out = tmp_path / "report"
    write_report(out, Path(os.path.relpath(LETTERS)))
    tab.goto(page_of(out, "001").as_uri())
    decide(tab, "F1", "accept", note="=HYPERLINK(\"http://x\") checked with casework")
    tab.check("#reviewed")
    tab.goto(page_of(out, "002").as_uri())
    tab.locator("#F1").focus()
    tab.keyboard.press("a")  # extra-paragraph accepted from the keyboard
    decide(tab, "F3", "fix", note="section dropped by the mail merge")
    tab.locator("#F2 .review-note input").fill("a page number")  # never tabbed out of
    for _ in range(50):  # saved when typing pauses (wait_for_function's polling would need eval, which the CSP refuses)
        if "a page number" in tab.evaluate("() => JSON.stringify(localStorage)"):
            break
        tab.wait_for_timeout(100)

    tab.reload()
    assert tab.input_value("#F2 .review-note input") == "a page number"
    assert tab.get_attribute("#F1 button[data-decision=accept]", "aria-pressed") == "true"
    assert tab.get_attribute("#F3 button[data-decision=fix]", "aria-pressed") == "true"
    assert tab.input_value("#F3 .review-note input") == "section dropped by the mail merge"
    assert "2 of 5 findings decided, 1 needs a fix" in tab.inner_text("#review-progress")
    tab.goto(page_of(out, "001").as_uri())
    assert tab.is_checked("#reviewed")

    tab.goto((out / "index.html").as_uri())
    assert tab.inner_text("#review-count") == "1 / 5"
    assert "2 findings accepted · 1 needs a fix" in tab.inner_text("#review-label")
    tab.select_option("select[name=review]", "fix")
    assert letters_column(tab) == ["002"]
    tab.select_option("select[name=review]", "done")
    assert letters_column(tab) == ["001"]
    tab.select_option("select[name=review]", "")
    tab.fill("#reviewer", "=Ann Reviewer")
    tab.locator("#reviewer").press("Tab")

    with tab.expect_download() as download:
        tab.click("#export-baseline")
    baseline = tmp_path / "accepted.toml"
    download.value.save_as(baseline)
    with tab.expect_download() as download:
        tab.click("#export-csv")
    decisions = tmp_path / "decisions.csv"
    download.value.save_as(decisions)
    assert_quiet(tab)

    rows = list(csv.DictReader(io.StringIO(decisions.read_text(encoding="utf-8"))))
    ticks = [r for r in rows if r["decision"] == "reviewed"]  # the Reviewed tick is exported too
    assert [Path(r["path"]).name[:3] for r in ticks] == ["001"] and ticks[0]["fingerprint"] == ""
    rows = [r for r in rows if r not in ticks]
    assert [(r["rule"], r["decision"]) for r in sorted(rows, key=lambda r: r["path"] + r["rule"])] == [
        ("count-mismatch", "accepted"), ("extra-paragraph", "accepted"), ("missing-section", "needs fix")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["decided_at"]) for r in rows)
    assert {r["reviewer"] for r in rows} == {"'=Ann Reviewer"}  # never a formula in a spreadsheet
    assert "'=HYPERLINK(\"http://x\") checked with casework" in {r["note"] for r in rows}
    assert {r["path"] for r in rows} == {Path(os.path.relpath(p)).as_posix() for n in ("001", "002")
                                         for p in LETTERS.glob(f"{n}_*")}

    # the decisions load into the database `letter-audit serve` keeps, by their fingerprints
    database = f"sqlite:///{tmp_path / 'review.db'}"
    assert main(["review", "import", "--db", database, str(decisions)]) == 0
    from audit.serve.database import open_database
    from audit.serve.decisions import latest
    engine = open_database(database)
    stored = latest(engine)
    engine.dispose()
    assert sorted((d.rule, d.state, d.reviewer) for d in stored.values()) == [
        ("count-mismatch", "accepted", "=Ann Reviewer"), ("extra-paragraph", "accepted", "=Ann Reviewer"),
        ("missing-section", "needs-fix", "=Ann Reviewer")]
    assert {r["fingerprint"] for r in rows} == {d.target for d in stored.values()}

    # the next run reads the exported baseline: exactly the two accepted findings are suppressed
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    main(["check", os.path.relpath(LETTERS), "--format", "json", "--output", str(before)])
    main(["check", os.path.relpath(LETTERS), "--format", "json", "--output", str(after), "--baseline", str(baseline)])
    def findings(path):
        data = json.loads(path.read_text(encoding="utf-8"))
        return sorted((Path(l["path"]).name[:3], f["rule"], f["line"]) for l in data["letters"] for f in l["findings"])
    gone = set(findings(before)) - set(findings(after))
    assert gone == {("001", "count-mismatch", 77), ("002", "extra-paragraph", 41)}
    assert len(findings(after)) == len(findings(before)) - 2


def test_previous_and_next_follow_the_index_filter_and_sort(tab, fixture_report):
    tab.goto((fixture_report / "index.html").as_uri() + "#status=fail&sort=error&desc=1")
    assert letters_column(tab) == ["002", "003", "001"]
    from playwright.sync_api import expect

    def at(stem: str, position: str):
        tab.wait_for_url(f"**/{page_of(fixture_report, stem).name}")
        expect(tab.locator("#position")).to_have_text(f"{position} (as filtered on the index)")  # the script ran

    tab.locator("#letters-table tbody td.col-key a").first.click()
    at("002", "Letter 1 of 3")
    tab.click("#next-letter")
    at("003", "Letter 2 of 3")
    tab.keyboard.press("]")
    at("001", "Letter 3 of 3")
    assert tab.get_attribute("#next-letter", "aria-disabled") == "true"
    tab.keyboard.press("[")
    at("003", "Letter 2 of 3")
    assert_quiet(tab)


@pytest.mark.parametrize("query, expected", [
    ('"satisfactory remedy decisions makes"', ["001"]),  # a phrase from a message
    ("authority:cambridge", ["002"]),
    ("authority:\"Rochford District\"", ["004"]),
    ("investigations:>1", ["000", "001"]),
    ("investigations:<=1", ["004"]),
    ("rule:count-mismatch", ["001"]),
    ("rule:missing-section status:fail", ["002", "003"]),
    ("extraction-artifact", ["002"]),  # rules are searched too
    ('"stray page number"', ["002"]),  # and every message, not only the one shown
])
def test_search_takes_phrases_fields_comparisons_and_rules(tab, fixture_report, query, expected):
    tab.goto((fixture_report / "index.html").as_uri())
    tab.fill("input[name=q]", query)
    wait_for_rows(tab, len(expected))
    assert letters_column(tab) == expected
    assert_quiet(tab)


def test_index_rows_show_their_rules_and_first_message(tab, fixture_report):
    tab.goto((fixture_report / "index.html").as_uri())
    row = tab.locator("#letters-table tbody tr").nth(1)
    assert row.locator(".rule-chip").all_inner_texts() == ["count-mismatch"]
    assert row.locator(".first-message").inner_text().startswith("Compliance outcomes are given as 1")
    tab.click("a.tile.status-fail")
    from playwright.sync_api import expect
    expect(tab.locator("#letters-table tbody tr").first).to_be_in_viewport()  # the table is in sight
    assert_quiet(tab)


def horizontal_overflow(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_phone_shows_one_column_without_scrolling_sideways(chromium, fixture_report):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                   device_scale_factor=2)
    tab = context.new_page()
    try:
        tab.goto((fixture_report / "index.html").as_uri())
        assert horizontal_overflow(tab) == 0
        for page in letter_pages(fixture_report):
            tab.goto(page.as_uri())
            assert horizontal_overflow(tab) == 0, page.name
        tab.goto(page_of(fixture_report, "001").as_uri())
        tab.click("button[data-layout=side]")  # side by side becomes stacked
        assert horizontal_overflow(tab) == 0
        template, letter = (tab.locator(f"#L13 > {side}").bounding_box() for side in ("p.tmpl", "p:not(.tmpl)"))
        assert template["y"] + template["height"] <= letter["y"] + 1
        tab.click("button[data-layout=inline]")
        tab.locator("#F1").scroll_into_view_if_needed()
        screenshot(tab, "letter-phone.png", "report-phone.png")
    finally:
        context.close()


def test_dark_mode_follows_the_system_and_the_toggle(chromium, fixture_report):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, color_scheme="dark")
    tab = context.new_page()
    try:
        tab.goto(page_of(fixture_report, "001").as_uri() + "#F1")
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(14, 19, 24)"
        screenshot(tab, "letter-dark.png", "report-dark.png")
        tab.click("#theme-button")
        assert tab.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(243, 245, 247)"
        tab.reload()
        assert tab.evaluate("document.documentElement.dataset.theme") == "light"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_accessibility_violation(chromium, fixture_report, scheme):
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("axe-playwright-python is not installed; CI is set, so the accessibility tests must run")
        unavailable("axe-playwright-python is not installed")
    axe = Axe()
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, color_scheme=scheme)
    tab = context.new_page()
    problems = []
    try:
        tab.goto(page_of(fixture_report, "002").as_uri())  # every state: accepted, needs fix, reviewed, side by side
        decide(tab, "F1", "accept", note="asked for")
        decide(tab, "F2", "fix")
        tab.check("#reviewed")
        tab.click("button[data-layout=side]")
        # every kind of page once; of the letters, the one in every review state and one that
        # passes (the letter pages share one template, so the others add no markup of their own)
        for page in [fixture_report / "index.html", fixture_report / "rules.html", page_of(fixture_report, "002"),
                     page_of(fixture_report, "000")]:
            tab.goto(page.as_uri())
            tab.wait_for_timeout(50)
            results = axe.run(tab)
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(f"{page.name}: {violation['id']} ({violation['impact']}) {targets}")
    finally:
        context.close()
    assert problems == []


def test_the_pages_csv_cells_follow_the_python_writers_rule(tab, fixture_report):
    """One table of cases (tests/fixtures/csv_cells.json), run here through the page's csvCell
    and in test_io_edges through Python's csv_cell: the two cannot drift apart."""
    cases = json.loads((Path(__file__).parent / "fixtures" / "csv_cells.json").read_text(encoding="utf-8"))
    for page in (fixture_report / "index.html", page_of(fixture_report, "001")):
        tab.goto(page.as_uri())
        shown = tab.evaluate("cases => cases.map(c => LetterAudit.csvCell(c[0]))", cases)
        cells = [next(csv.reader(io.StringIO(cell, newline=""))) if cell else [""] for cell in shown]
        assert [cell[0] for cell in cells] == [expected for _, expected in cases], page.name


def test_the_index_is_a_work_queue(chromium, tmp_path):
    """At 1440x900 ten rows are in sight with the key first; j/k/Enter/u work the rows; the
    undecided filter follows the decisions; a print-out holds every filtered row; a phone
    shows cards and never scrolls sideways."""
    from playwright.sync_api import expect

    letters = tmp_path / "many"
    letters.mkdir()
    sources = sorted(LETTERS.glob("*.txt"))
    for n in range(120):
        (letters / f"{n:03}_{sources[n % 5].name}").write_bytes(sources[n % 5].read_bytes())
    write_report(tmp_path / "out", letters)
    index = (tmp_path / "out" / "index.html").as_uri()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(index)
        in_sight = tab.evaluate("""Array.from(document.querySelectorAll('#letters-table tbody tr'))
            .filter(row => row.getBoundingClientRect().bottom <= innerHeight).length""")
        assert in_sight >= 10
        headers = [h.strip(" ↕▲▼") for h in tab.locator("#letters-table thead th").all_inner_texts()]
        assert headers[:3] == ["#", "Authority", "Findings"]  # the file name stands under the key
        rows = csv.DictReader(io.StringIO((tmp_path / "out" / "fields.csv").read_text(encoding="utf-8")))
        total = sum(int(row["errors"]) + int(row["warnings"]) + int(row["info"]) for row in rows)
        assert tab.inner_text("#undecided-count") == f"{total:,}"  # none decided yet

        tab.keyboard.press("Tab")  # the skip link: the first letter is two keys from the top of the page
        tab.keyboard.press("Enter")
        assert tab.evaluate("document.activeElement.textContent") == "Ipswich Borough Council"
        tab.keyboard.press("j")
        assert tab.evaluate("document.activeElement.textContent") == "Wellingborough Borough Council"
        tab.keyboard.press("k")
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/letters/0001-*")
        tab.locator(".comment").first.locator("button[data-decision=accept]").click()
        tab.keyboard.press("u")  # back to the index
        tab.wait_for_url(index)
        expect(tab.locator("#undecided-count")).to_have_text(f"{total - 1:,}")
        tab.select_option("select[name=review]", "undecided")
        expect(tab.locator("#table-count")).to_have_text("119 of 120 letters match")
        tab.keyboard.press("u")  # the next row with an undecided finding
        assert tab.evaluate("document.activeElement.closest('tr').dataset.undecided") != "0"

        assert tab.locator("#letters-table tbody tr").count() == 100
        tab.emulate_media(media="print")
        tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert tab.locator("#letters-table tbody tr").count() == 119  # the whole filtered set, not a page
        tab.evaluate("window.dispatchEvent(new Event('afterprint'))")
        tab.emulate_media(media="screen")
        assert tab.locator("#letters-table tbody tr").count() == 100
        screenshot(tab, "index-work-queue.png")
        tab.click("#tab-fields")  # no key column there: the column is the file's
        assert tab.locator("#letters-table thead th").nth(1).inner_text().strip(" ↕▲▼") == "File"
    finally:
        context.close()

    phone = chromium.new_context(viewport={"width": 348, "height": 740}, is_mobile=True, has_touch=True)
    tab = phone.new_page()
    try:
        tab.goto(index)
        assert horizontal_overflow(tab) == 0
        assert tab.evaluate("document.querySelector('.table-wrap').scrollWidth <= document.querySelector('.table-wrap').clientWidth")
        card = tab.locator("#letters-table tbody tr").first
        assert card.evaluate("row => getComputedStyle(row).display") == "flex"
        tab.locator("#letters-table tbody tr").nth(2).scroll_into_view_if_needed()
        screenshot(tab, "index-phone.png")
    finally:
        phone.close()


def test_an_earlier_export_imports_into_a_new_report_and_a_full_storage_says_so(chromium, tmp_path):
    """Reviewed ticks and notes travel in the exports (a note is the baseline entry's reason),
    a new report of the same letters imports the CSV, and a decision the browser cannot store
    is never lost in silence."""
    letters = Path(os.path.relpath(LETTERS))
    first, second = tmp_path / "first", tmp_path / "second"
    write_report(first, letters)
    write_report(second, letters)
    note = 'checked "with" casework \\ twice'
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    tab.goto((first / "index.html").as_uri())
    tab.fill("#reviewer", "Ann")
    tab.locator("#reviewer").press("Tab")
    tab.goto(page_of(first, "001").as_uri())
    decide(tab, "F1", "accept", note=note)
    tab.check("#reviewed")
    tab.goto((first / "index.html").as_uri())
    exported = tmp_path / "decisions.csv"
    with tab.expect_download() as download:
        tab.click("#export-csv")
    download.value.save_as(exported)
    with tab.expect_download() as download:
        tab.click("#export-baseline")
    download.value.save_as(tmp_path / "first.toml")
    [entry] = tomllib.loads((tmp_path / "first.toml").read_text(encoding="utf-8"))["finding"]
    assert (entry["rule"], entry["reason"], entry["accepted_by"]) == ("count-mismatch", note, "Ann")
    context.close()

    context = chromium.new_context(viewport={"width": 1366, "height": 768})  # another browser, the new report
    tab = context.new_page()
    tab.goto((second / "index.html").as_uri())
    before = int(tab.inner_text("#undecided-count"))
    tab.set_input_files("#import-file", str(exported))
    from playwright.sync_api import expect
    expect(tab.locator("#import-result")).to_have_text("Imported 1 decision and 1 Reviewed tick.")  # read as it loads
    assert tab.inner_text("#review-count") == "1 / 5"
    assert int(tab.inner_text("#undecided-count")) == before - 1
    with tab.expect_download() as download:  # before any letter page is opened
        tab.click("#export-baseline")
    download.value.save_as(tmp_path / "second.toml")
    [again] = tomllib.loads((tmp_path / "second.toml").read_text(encoding="utf-8"))["finding"]
    assert (again["fingerprint"], again["reason"]) == (entry["fingerprint"], note)
    before_json, after_json = tmp_path / "before.json", tmp_path / "after.json"
    main(["check", str(letters), "--format", "json", "--output", str(before_json)])
    main(["check", str(letters), "--format", "json", "--output", str(after_json), "--baseline", str(tmp_path / "second.toml")])
    count = lambda path: sum(len(l["findings"]) for l in json.loads(path.read_text(encoding="utf-8"))["letters"])
    assert count(after_json) == count(before_json) - 1  # the imported acceptance suppresses its finding

    tab.goto(page_of(second, "001").as_uri())
    assert tab.get_attribute("#F1 button[data-decision=accept]", "aria-pressed") == "true"
    assert tab.input_value("#F1 .review-note input") == note and tab.is_checked("#reviewed")

    tab.goto(page_of(second, "002").as_uri())  # the browser's storage is full from here on
    tab.evaluate("() => { Storage.prototype.setItem = () => { throw new DOMException('full', 'QuotaExceededError'); }; }")
    tab.locator("#F1 button[data-decision=accept]").click()
    assert tab.is_visible("#storage-error") and "Not saved" in tab.inner_text("#storage-error")
    assert tab.get_attribute("#F1 button[data-decision=accept]", "aria-pressed") == "false"  # shows what is kept
    assert tab.evaluate("document.getElementById('storage-error').getAttribute('role')") == "alert"
    context.close()


def test_a_reviewed_tick_is_for_the_text_that_was_reviewed(tab, tmp_path):
    """A letter corrected after it was ticked Reviewed is not reviewed in the next report
    written into the same folder, and its page says why; the other ticks stand."""
    import shutil

    letters, out = tmp_path / "letters", tmp_path / "report"
    shutil.copytree(LETTERS, letters)
    write_report(out, letters)
    for stem in ("001", "002"):
        tab.goto(page_of(out, stem).as_uri())
        tab.check("#reviewed")
    tab.goto((out / "index.html").as_uri())
    assert tab.inner_text("#review-count") == "2 / 5"

    changed = next(letters.glob("002_*"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("We were pleased", "We were glad"), encoding="utf-8")
    write_report(out, letters)
    tab.goto((out / "index.html").as_uri())
    assert tab.inner_text("#review-count") == "1 / 5"
    tab.goto(page_of(out, "002").as_uri())
    assert not tab.is_checked("#reviewed") and tab.is_visible("#reviewed-earlier")
    tab.goto(page_of(out, "001").as_uri())
    assert tab.is_checked("#reviewed") and not tab.is_visible("#reviewed-earlier")
    assert_quiet(tab)


def test_a_decision_on_a_finding_gone_from_the_rewritten_report_is_stale(tab, tmp_path):
    """The letter is corrected after a reviewer accepted one of its findings; the report is
    written again into the same folder: that decision is listed as stale (and can be cleared),
    counted nowhere, kept out of the baseline export and marked in the CSV export."""
    import shutil
    from playwright.sync_api import expect

    letters, out = tmp_path / "letters", tmp_path / "report"
    shutil.copytree(LETTERS, letters)
    write_report(out, letters)
    tab.goto(page_of(out, "002").as_uri())
    decide(tab, "F1", "accept", note="<b>asked for</b>")  # extra-paragraph: the paragraph goes below
    decide(tab, "F3", "fix")  # missing-section: stays
    tab.goto((out / "index.html").as_uri())
    undecided = int(tab.inner_text("#undecided-count"))
    assert tab.is_hidden("#stale-decisions")

    changed = next(letters.glob("002_*"))
    text = changed.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p.startswith("We were pleased"))
    changed.write_text(text.replace(paragraph + "\n\n", ""), encoding="utf-8")
    write_report(out, letters)
    tab.reload()

    expect(tab.locator("#stale-title")).to_have_text("Stale decisions (1)")
    [item] = tab.locator("#stale-list li").all_inner_texts()
    assert item.startswith(f"{changed.as_posix()}:41 extra-paragraph Paragraph at line 41 is not in the template")
    assert item.endswith("accepted (<b>asked for</b>); finding not in this report")  # as text, never markup
    assert tab.locator("#stale-list b").count() == 0
    assert int(tab.inner_text("#undecided-count")) == undecided  # one finding fewer, one decision fewer
    assert "0 findings accepted · 1 needs a fix" in tab.inner_text("#review-label")
    assert "1 stale decision not counted" in tab.inner_text("#review-summary")
    tab.select_option("select[name=review]", "accepted")
    expect(tab.locator("#table-count")).to_have_text("0 of 5 letters match")
    tab.select_option("select[name=review]", "")

    with tab.expect_download() as download:
        tab.click("#export-csv")
    exported = tmp_path / "decisions.csv"
    download.value.save_as(exported)
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert sorted((r["rule"], r["decision"], r["stale"]) for r in rows) == [
        ("extra-paragraph", "accepted", "finding not in this report"), ("missing-section", "needs fix", "")]
    with tab.expect_download() as download:
        tab.click("#export-baseline")
    assert "finding" not in tomllib.loads(Path(download.value.path()).read_text(encoding="utf-8"))

    tab.click("#clear-stale")
    expect(tab.locator("#stale-result")).to_have_text("Cleared 1 stale decision.")
    assert tab.is_hidden("#stale-decisions") and "stale" not in tab.inner_text("#review-summary")
    tab.reload()
    assert tab.is_hidden("#stale-decisions") and "0 findings accepted · 1 needs a fix" in tab.inner_text("#review-label")
    tab.set_input_files("#import-file", str(exported))  # an earlier export brings the stale decision back: said, listed
    expect(tab.locator("#import-result")).to_have_text(
        "Imported 2 decisions (1 on a finding this report does not have: listed as stale) and 0 Reviewed ticks.")
    expect(tab.locator("#stale-title")).to_have_text("Stale decisions (1)")
    assert int(tab.inner_text("#undecided-count")) == undecided
    assert_quiet(tab)

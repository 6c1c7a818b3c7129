"""The report's files, without a browser: what is written, and that nothing in it is unsafe."""
from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from audit import baseline as baselines
from audit.cli import main
from audit.settings import Settings
from audit.models import Finding, LetterResult
from audit.pipeline import audit_batch
from audit.discover import iter_letter_paths
from audit import workers
from audit.report.html import HtmlReport
from audit.report.html.render import json_data, segments_html
from audit.report.html.views import Segment
from audit.template import TemplateError, load_templates, parse_template
from html_support import LETTERS, letter_pages, page_of, parse_scripts, write_report

XSS = "<script>document.title='pwned'</script> and <img src=x onerror=\"alert(1)\"> & \"quotes\""


def test_report_files(fixture_report):
    assert (fixture_report / "index.html").is_file()
    assert {p.name for p in (fixture_report / "static").iterdir()} == {"report.css", "common.js", "index.js",
                                                                     "letter.js"}
    assert len(letter_pages(fixture_report)) == 5
    assert (fixture_report / "rules.html").is_file()
    assert not list(fixture_report.rglob("*.tmp"))


def test_fields_csv_is_the_csv_format_table(tmp_path):
    out = tmp_path / "report"
    write_report(out, LETTERS)
    assert main(["check", str(LETTERS), "--format", "csv", "--output", str(tmp_path / "check.csv")]) == 1
    assert (out / "fields.csv").read_bytes() == (tmp_path / "check.csv").read_bytes()
    written = pd.read_csv(out / "fields.csv")
    assert len(written) == 5 and written["authority"].notna().all()


def test_letters_of_two_templates_fill_every_column_of_the_index_and_fields_csv(tmp_path):
    """The columns are known only once every letter has streamed by: rows written before a
    field was first met are completed, in the index's data and in fields.csv."""
    refund = Path(__file__).parents[1] / "docs" / "examples" / "council-tax-refund.md"
    batch = tmp_path / "batch"
    batch.mkdir()
    shared = Settings().templates[0].path
    for folder in (Path(__file__).parents[1] / "fixtures" / "letters-refund", LETTERS):
        for path in sorted(folder.iterdir())[:3]:
            (batch / path.name).write_bytes(path.read_bytes())
    options = ["--template", str(refund), "--template", str(shared), "--no-config"]
    main(["check", str(batch), *options, "--format", "csv", "--output", str(tmp_path / "check.csv"),
          "--html", str(tmp_path / "out")])
    csv_text = (tmp_path / "check.csv").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "fields.csv").read_text(encoding="utf-8") == csv_text
    table = pd.read_csv(tmp_path / "check.csv")
    assert len(table) == 6 and table["template"].nunique() == 2
    [data] = [json.loads(text) for attributes, text in
              parse_scripts((tmp_path / "out" / "index.html").read_text(encoding="utf-8")).scripts
              if attributes.get("id") == "report-data"]
    keys = [column["key"] for column in data["columns"]]
    assert {len(row) for row in data["rows"]} == {4 + len(keys)}
    authority = 4 + keys.index("field:authority")
    by_template = {}
    for row in data["rows"]:  # [href, rules, messages, fingerprints, number, letter, template, ...]
        by_template.setdefault(row[6], []).append(row[authority] is not None)
    assert len(by_template) == 2 and sorted(map(all, by_template.values())) == [False, True]
    assert not any(next(found for found in by_template.values() if not all(found)))


@pytest.mark.parametrize("name", ["index.html", "rules.html", "letters/*.html"])
def test_pages_load_nothing_from_elsewhere_and_run_no_inline_script(fixture_report, name):
    for page in fixture_report.glob(name):
        html = page.read_text(encoding="utf-8")
        parsed = parse_scripts(html)
        csp = [m["content"] for m in parsed.meta if m.get("http-equiv") == "Content-Security-Policy"]
        assert len(csp) == 1
        policy = dict(part.strip().split(" ", 1) for part in csp[0].split(";"))
        assert policy["script-src"] == "'self'" and policy["default-src"] == "'none'"
        for attributes, text in parsed.scripts:
            if attributes.get("type") == "application/json":
                json.loads(text)
            else:
                assert attributes.get("src", "").startswith(("static/", "../static/")) and not text.strip()
        assert not parsed.event_handlers
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
        assert "style=" not in html  # style-src 'self' would refuse inline styles


def test_index_data_describes_every_letter(fixture_report):
    parsed = parse_scripts((fixture_report / "index.html").read_text(encoding="utf-8"))
    data = json.loads(next(text for attributes, text in parsed.scripts if attributes.get("id") == "report-data"))
    keys = [column["key"] for column in data["columns"]]
    assert {"number", "letter", "status", "error", "warning", "info", "field:authority"} <= set(keys)
    # the template's key field (the recipient) first, not again among the fields
    assert [data["columns"][k]["key"] for k in data["views"]["letters"]][:4] == ["number", "key", "letter", "status"]
    assert data["columns"][keys.index("key")]["label"] == "Authority"
    assert "field:authority" not in [data["columns"][k]["key"] for k in data["views"]["letters"]]
    assert [row[4 + keys.index("key")] for row in data["rows"]][:2] == ["Ipswich Borough Council",
                                                                       "Wellingborough Borough Council"]
    statuses = [row[4 + keys.index("status")] for row in data["rows"]]
    assert statuses == ["pass", "fail", "fail", "fail", "pass"]
    rules_of_002 = {data["rules"][k] for k in data["rows"][2][1]}
    assert rules_of_002 == {"extra-paragraph", "extraction-artifact", "missing-section"}
    assert data["rows"][2][0] == "letters/" + page_of(fixture_report, "002").name
    assert data["rows"][1][2][0].startswith("Compliance outcomes are given as 1")  # its messages
    assert len(data["rows"][2][2]) == 5 and data["rows"][2][2][0].startswith("The section")  # errors first
    assert data["baselineHead"] == baselines.render([])
    # each row carries its letter's findings' fingerprints (a decision on any other is stale)
    page = parse_scripts(page_of(fixture_report, "002").read_text(encoding="utf-8"))
    findings = json.loads(next(text for attributes, text in page.scripts if attributes.get("id") == "page-data"))["findings"]
    assert data["rows"][2][3] == sorted({f["fingerprint"] for f in findings}) and len(findings) == 5
    assert data["heldPrints"] == []


def test_json_data_cannot_close_its_script_block():
    text = json_data({"x": "</script><script>alert(1)</script>", "y": "<!-- & -->", "z": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><script>alert(1)</script>", "y": "<!-- & -->", "z": "\u2028"}


def test_segments_are_escaped_text_and_labels():
    html = segments_html([Segment("text", XSS), Segment("value", XSS, XSS), Segment("ins", "<b>")])
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;") == 3 and 'title="&lt;script&gt;' in html


def test_untrusted_text_is_escaped_everywhere(tmp_path):
    letters = tmp_path / "in"
    letters.mkdir()
    source = (LETTERS / sorted(p.name for p in LETTERS.iterdir())[0]).read_text(encoding="utf-8")
    hostile = source.replace("Yours sincerely,", XSS + "\n\nYours sincerely,")
    hostile = hostile.replace("Ipswich Borough Council", "Ipswich <svg onload=alert(2)> Council")
    (letters / "<img src=x onerror=alert(3)>.txt").write_text(hostile, encoding="utf-8")
    write_report(tmp_path / "out", letters)
    for page in [tmp_path / "out" / "index.html", *letter_pages(tmp_path / "out")]:
        html = page.read_text(encoding="utf-8")
        parsed = parse_scripts(html)
        assert not parsed.event_handlers
        assert all(a.get("src") or a.get("type") == "application/json" for a, _ in parsed.scripts)
        assert "<img" not in html and "<svg onload" not in html
    letter = letter_pages(tmp_path / "out")[0].read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in letter
    assert "Ipswich &lt;svg onload=alert(2)&gt; Council" in letter


def test_html_without_a_folder_writes_under_reports(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["check", str(LETTERS / sorted(p.name for p in LETTERS.iterdir())[0]), "--html"])
    assert code == 0
    (folder,) = (tmp_path / "reports").iterdir()
    assert re.fullmatch(r"\d{8}-\d{6}", folder.name)
    assert (folder / "index.html").is_file()
    captured = capsys.readouterr()
    assert f"{Path('reports') / folder.name / 'index.html'}" in captured.err
    assert "0 errors" in captured.out  # the --format output is still written


def test_html_into_a_file_is_a_usage_error(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("not a folder", encoding="utf-8")
    assert main(["check", str(LETTERS), "--html", str(target)]) == 2
    assert "cannot write the HTML report" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "not a folder"


def report_of(paths, settings, out_dir, extra=()):
    """The report as the command line writes it: pages by the auditing processes, then the rest."""
    with HtmlReport(out_dir, paths, settings.rules) as report:
        results = list(audit_batch(paths, settings, after_letter=report.keeper))
        report.write([*results, *extra], settings)
    return results


def scrub_report_id(html: str) -> str:
    return re.sub(r'"report":"[0-9a-f]+"|data-report="[0-9a-f]+"', "REPORT", html)


def test_worker_processes_write_the_same_pages(tmp_path, monkeypatch):
    settings = Settings()
    paths = list(iter_letter_paths([LETTERS]))
    report_of(paths, settings, tmp_path / "serial")
    monkeypatch.setattr(workers, "LETTERS_PER_WORKER", 1)
    monkeypatch.setattr(workers, "processors", lambda: 2)
    report_of(paths, settings, tmp_path / "parallel")
    serial, parallel = letter_pages(tmp_path / "serial"), letter_pages(tmp_path / "parallel")
    assert [p.name for p in serial] == [p.name for p in parallel]
    for a, b in zip(serial, parallel):
        assert scrub_report_id(a.read_text(encoding="utf-8")) == scrub_report_id(b.read_text(encoding="utf-8"))


def test_pages_are_written_from_the_runs_records_never_by_auditing_again(tmp_path, monkeypatch):
    """Every page is written by the process that audited its letter; finishing the report reads
    no letter and runs no rule."""
    from audit import pipeline, read

    settings = Settings()
    paths = list(iter_letter_paths([LETTERS]))
    with HtmlReport(tmp_path, paths, settings.rules) as report:
        results = list(audit_batch(paths, settings, after_letter=report.keeper))
        assert len(letter_pages(report.out_dir)) == 5  # written while the batch was audited, into the folder under way
        for name in ("audit_letter", "read_letter"):
            monkeypatch.setattr(pipeline, name, lambda *a: pytest.fail("the report audited a letter again"))
        monkeypatch.setattr(read, "read_letter", lambda *a: pytest.fail("the report read a letter again"))
        report.write(results, settings)
    page = page_of(tmp_path, "001").read_text(encoding="utf-8")
    assert "Compliance outcomes are given as 1" in page and '<mark class="wrong" tabindex="0" title="compliance_outcomes">1<' in page


def test_a_page_that_cannot_be_laid_over_still_lists_its_findings(tmp_path, monkeypatch):
    from audit.report.html import drafts

    working = drafts.lay_over

    def lay_over_with_a_bug(ctx):
        if ctx.alignment is not None:
            raise RuntimeError("overlay bug")
        return working(ctx)

    monkeypatch.setattr(drafts, "lay_over", lay_over_with_a_bug)
    monkeypatch.setattr(drafts, "_rows_in_step", lambda ctx: None)
    write_report(tmp_path, LETTERS)
    page = page_of(tmp_path, "001").read_text(encoding="utf-8")
    assert "internal error (RuntimeError: overlay bug)" in page
    assert "count-mismatch" in page and 'id="overlay"' not in page


def test_a_page_whose_rows_cannot_be_shown_still_lists_its_findings(tmp_path, monkeypatch):
    from audit.report.html import letter_page as module

    def broken(rows, findings):
        raise ValueError("overlay bug")

    monkeypatch.setattr(module, "overlay_html", broken)
    write_report(tmp_path, LETTERS)
    page = page_of(tmp_path, "001").read_text(encoding="utf-8")
    assert "internal error (ValueError: overlay bug)" in page and "count-mismatch" in page


def test_findings_about_the_batch_get_no_page_but_a_place_on_the_index(tmp_path):
    settings = Settings()
    about_batch = LetterResult(Path("data/authorities.csv"), None, {},
                               [Finding("missing-letter", "error", "No letter for <Foo> Council.", 12)])
    about_batch.kind = "batch"  # as batch rules mark the carriers of batch-level findings
    report_of(list(iter_letter_paths([LETTERS])), settings, tmp_path, extra=[about_batch])
    assert len(letter_pages(tmp_path)) == 5
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "5 letters audited" in index and "Findings about the batch" in index
    assert "data/authorities.csv</span>:12" in index and "No letter for &lt;Foo&gt; Council." in index


def test_a_page_is_written_again_when_a_batch_rule_adds_a_finding(tmp_path):
    letters = tmp_path / "in"
    letters.mkdir()
    source = next(LETTERS.glob("000_*")).read_text(encoding="utf-8")
    (letters / "a.txt").write_text(source, encoding="utf-8")
    (letters / "b.md").write_text(source, encoding="utf-8")
    write_report(tmp_path / "out", letters)
    page = page_of(tmp_path / "out", "a").read_text(encoding="utf-8")
    assert "duplicate-letter" in page and 'class="comment sev-warning"' in page


def test_rules_page_documents_every_rule_findings_link_to(fixture_report):
    rules = (fixture_report / "rules.html").read_text(encoding="utf-8")
    for rule in Settings().rules.values():
        assert f'id="{rule.id}"' in rules
    assert "How to check:" in rules and '<figure class="example example-bad">' in rules
    page = page_of(fixture_report, "001").read_text(encoding="utf-8")
    assert 'href="../rules.html#count-mismatch"' in page


def test_review_data_carries_the_runs_fingerprints_and_baseline_entries(fixture_report):
    page = page_of(fixture_report, "001").read_text(encoding="utf-8")
    parsed = parse_scripts(page)
    data = json.loads(next(text for a, text in parsed.scripts if a.get("id") == "page-data"))
    (finding,) = data["findings"]
    results = list(audit_batch(list(iter_letter_paths([Path(os.path.relpath(LETTERS))])), Settings()))
    (expected,) = baselines.entries_for([r for r in results if r.path.name.startswith("001")])
    assert finding["fingerprint"] == expected.fingerprint
    assert finding["baseline"] == baselines.render([expected]).split("\n\n", 1)[1]
    assert f'data-fp="{expected.fingerprint}"' in page


def test_findings_the_baseline_accepted_are_shown_collapsed(tmp_path):
    baseline = tmp_path / "baseline.toml"
    main(["check", str(LETTERS), "--write-baseline", str(baseline), "--format", "json",
          "--output", str(tmp_path / "a.json")])
    assert main(["check", str(LETTERS), "--baseline", str(baseline), "--html", str(tmp_path / "out"),
                 "--format", "json", "--output", str(tmp_path / "b.json")]) == 0
    page = page_of(tmp_path / "out", "001").read_text(encoding="utf-8")
    assert '<details class="comment accepted sev-error"' in page and "accepted in baseline" in page
    assert 'class="status status-pass"' in page and 'class="wrong" tabindex' not in page
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "findings: 0 errors, 0 warnings" in index
    # the index knows them apart from the findings it shows: a review decision on one is stale
    data = json.loads(next(text for a, text in parse_scripts(index).scripts if a.get("id") == "report-data"))
    accepted = tomllib.loads(baseline.read_text(encoding="utf-8"))["finding"]
    assert data["heldPrints"] == sorted(entry["fingerprint"] for entry in accepted) and len(accepted) == 8
    shown = [p for row in data["rows"] for p in row[3]]
    assert len(shown) == 1 and shown[0] not in data["heldPrints"]  # the info finding a baseline does not take


def test_templates_choose_the_overview_columns():
    assert load_templates()[0].overview_fields[:2] == ("authority", "recipient_name")
    source = "+++\nname = 't'\n+++\n\nDear {{name:text}} of {{town:text}}, {{a:int}} {{b:int}} {{c:int}}\n"
    assert parse_template(source).overview_fields == ("name", "town", "a", "b")
    with pytest.raises(TemplateError, match="overview_fields names 'nobody'"):
        parse_template(source.replace("name = 't'", "name = 't'\noverview_fields = ['nobody']"))


def test_a_value_a_batch_rule_calls_into_question_is_marked_on_the_rewritten_page(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("authority,upheld_decisions\nIpswich Borough Council,3\n", encoding="utf-8")
    seed = next(LETTERS.glob("000_*"))
    main(["check", str(seed), "--data", str(data), "--html", str(tmp_path / "out"), "--format", "json",
          "--output", str(tmp_path / "out.json")])
    page = letter_pages(tmp_path / "out")[0].read_text(encoding="utf-8")
    assert "data-mismatch" in page
    assert '<mark class="wrong" tabindex="0" title="upheld_decisions">2</mark>' in page

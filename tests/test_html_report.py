"""The report's files, without a browser: what is written, and that nothing in it is unsafe."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from audit.cli import main
from audit.models import Finding, LetterResult
from audit.pipeline import audit_batch
from audit.read import iter_letter_paths
from audit import workers
from audit.report.html import write_html
from audit.report.html.render import json_data, segments_html
from audit.report.html.views import Segment
from audit.settings import Settings
from audit.template import TemplateError, load_templates, parse_template
from html_support import LETTERS, letter_pages, page_of, parse_scripts, write_report

XSS = "<script>document.title='pwned'</script> and <img src=x onerror=\"alert(1)\"> & \"quotes\""


def test_report_files(fixture_report):
    assert (fixture_report / "index.html").is_file()
    assert {p.name for p in (fixture_report / "static").iterdir()} == {"report.css", "index.js", "letter.js"}
    assert len(letter_pages(fixture_report)) == 5


def test_fields_csv_is_the_csv_format_table(tmp_path):
    out = tmp_path / "report"
    write_report(out, LETTERS)
    assert main(["check", str(LETTERS), "--format", "csv", "--output", str(tmp_path / "check.csv")]) == 1
    assert (out / "fields.csv").read_bytes() == (tmp_path / "check.csv").read_bytes()
    written = pd.read_csv(out / "fields.csv")
    assert len(written) == 5 and written["authority"].notna().all()


@pytest.mark.parametrize("name", ["index.html", "letters/*.html"])
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
    assert [data["columns"][k]["key"] for k in data["views"]["letters"]][:3] == ["number", "letter", "status"]
    statuses = [row[2 + keys.index("status")] for row in data["rows"]]
    assert statuses == ["pass", "fail", "fail", "fail", "pass"]
    rules_of_002 = {data["rules"][k] for k in data["rows"][2][1]}
    assert rules_of_002 == {"extra-paragraph", "extraction-artifact", "missing-section"}
    assert data["rows"][2][0] == "letters/" + page_of(fixture_report, "002").name


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


def test_worker_processes_write_the_same_pages(tmp_path, monkeypatch):
    settings = Settings()
    results = list(audit_batch(list(iter_letter_paths([LETTERS])), settings))
    write_html(results, settings, tmp_path / "serial")
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "processors", lambda: 2)
    write_html(results, settings, tmp_path / "parallel")
    serial, parallel = letter_pages(tmp_path / "serial"), letter_pages(tmp_path / "parallel")
    assert [p.name for p in serial] == [p.name for p in parallel]
    for a, b in zip(serial, parallel):
        assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")


def test_a_page_that_cannot_be_laid_over_still_lists_its_findings(tmp_path, monkeypatch):
    from audit.report.html import letter_page

    working = letter_page.lay_over

    def lay_over_with_a_bug(ctx, findings):
        if ctx.alignment is not None:
            raise RuntimeError("overlay bug")
        return working(ctx, findings)

    monkeypatch.setattr(letter_page, "lay_over", lay_over_with_a_bug)
    write_report(tmp_path, LETTERS)
    page = page_of(tmp_path, "001").read_text(encoding="utf-8")
    assert "internal error (RuntimeError: overlay bug)" in page
    assert "count-mismatch" in page and 'class="row' not in page


def test_findings_about_the_batch_get_no_page_but_a_place_on_the_index(tmp_path):
    settings = Settings()
    results = list(audit_batch(list(iter_letter_paths([LETTERS])), settings))
    about_batch = LetterResult(Path("data/authorities.csv"), None, {},
                               [Finding("missing-letter", "error", "No letter for <Foo> Council.", 12)])
    about_batch.kind = "batch"  # as batch rules mark the carriers of batch-level findings
    write_html([*results, about_batch], settings, tmp_path)
    assert len(letter_pages(tmp_path)) == 5
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "5 letters audited" in index and "Findings about the batch" in index
    assert "data/authorities.csv</span>:12" in index and "No letter for &lt;Foo&gt; Council." in index


def test_templates_choose_the_overview_columns():
    assert load_templates()[0].overview_fields[:2] == ("authority", "recipient_name")
    source = "+++\nname = 't'\n+++\n\nDear {{name:text}} of {{town:text}}, {{a:int}} {{b:int}} {{c:int}}\n"
    assert parse_template(source).overview_fields == ("name", "town", "a", "b")
    with pytest.raises(TemplateError, match="overview_fields names 'nobody'"):
        parse_template(source.replace("name = 't'", "name = 't'\noverview_fields = ['nobody']"))

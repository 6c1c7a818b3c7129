"""The same letter through any converter audits the same (issue 11): the seed letters as Word
documents and as PDFs made by LibreOffice (fixtures/make_converted.py, files committed), the
layout cases (no blank-line gaps, running headers and page numbers), damaged PDFs, and pages."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from audit.cli import main
from audit.pipeline import audit_batch, audit_letter
from audit.discover import iter_letter_paths
from audit.read import read_letter
from audit.settings import Settings

from support import ROOT, SEEDS

FIXTURES = ROOT / "fixtures"
CASES = FIXTURES / "converted-cases"
SETTINGS = Settings()


def converted(seed: str, kind: str) -> Path:
    return FIXTURES / f"letters-{kind}" / f"{SEEDS[seed].stem}.{kind}"


def audited(path: Path):
    return audit_letter(path, SETTINGS)[1]


def findings(result, *, infos: bool = True):
    return sorted((f.rule, f.severity, f.section or "") for f in result.findings if infos or f.severity != "info")


@pytest.fixture(scope="module")
def text_results():
    return {result.path.name[:3]: result for result in audit_batch(sorted(SEEDS.values()), SETTINGS)}


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_same_findings_and_fields_as_the_text_seed(text_results, seed, kind):
    result = audited(converted(seed, kind))
    expected = text_results[seed]
    assert result.template == expected.template == "lgsco-annual-review-2020"
    assert findings(result) == findings(expected)
    assert result.fields == expected.fields
    assert result.status == expected.status


def test_a_pdf_without_blank_line_gaps_reads_its_paragraphs_from_indentation(text_results):
    raw = read_letter(CASES / "no-gaps.pdf")
    first_lines = raw.text.split("\n")[:4]
    assert first_lines == ["Local Government & Social Care OMBUDSMAN", "", "22 July 2020", ""]
    result = audited(CASES / "no-gaps.pdf")
    assert findings(result) == findings(text_results["000"])
    assert result.fields == text_results["000"].fields


def test_running_header_and_page_numbers_are_dropped_and_reported_with_their_pages(text_results):
    raw = read_letter(CASES / "running-header.pdf")
    assert "Wellingborough Borough Council\n" in raw.text  # the address block is kept
    assert "Annual Review letter 2020 - Wellingborough" not in raw.text and "Page 1 of 3" not in raw.text
    assert [(kind, text) for _, kind, text in raw.artifacts] == [
        ("running header", "Annual Review letter 2020 - Wellingborough Borough Council"),
        ("page number", "Page 1 of 3")] * 1 + [
        ("running header", "Annual Review letter 2020 - Wellingborough Borough Council"),
        ("page number", "Page 2 of 3"),
        ("running header", "Annual Review letter 2020 - Wellingborough Borough Council"),
        ("page number", "Page 3 of 3")]
    result = audited(CASES / "running-header.pdf")
    serious = sorted((f.rule, f.section) for f in result.findings if f.severity != "info")
    assert serious == sorted((f.rule, f.section) for f in text_results["001"].findings if f.severity != "info")
    artifacts = {f.message for f in result.findings if f.rule == "extraction-artifact"}
    assert artifacts == {
        'Ignored the running header on pages 1-3: "Annual Review letter 2020 - Wellingborough Borough Council"',
        'Ignored the page numbers on pages 1-3: "Page 1 of 3", "Page 2 of 3", "Page 3 of 3"'}


def page_holding(pdf: Path, words: str) -> int:
    """The page whose raw PDFium text holds `words` (spacing aside): checked apart from the layout code."""
    wanted = " ".join(words.split())
    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        pages = [" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
    finally:
        document.close()
    holding = [number for number, text in enumerate(pages, start=1) if wanted in text]
    assert len(holding) == 1, (wanted, holding)
    return holding[0]


@pytest.mark.parametrize("seed, rule, expected_page", [("002", "extra-paragraph", 2), ("001", "count-mismatch", 3)])
def test_a_finding_carries_the_page_it_is_on(seed, rule, expected_page):
    pdf = converted(seed, "pdf")
    finding = next(f for f in audited(pdf).findings if f.rule == rule)
    assert finding.page == expected_page
    assert page_holding(pdf, read_letter(pdf).text.split("\n")[finding.line - 1]) == expected_page


def test_text_json_and_sarif_show_the_page(capsys, tmp_path):
    pdf = converted("002", "pdf")
    sarif = tmp_path / "audit.sarif"
    main(["check", str(pdf), "--no-config", "--format", "json", "--output-format", f"sarif:{sarif}"])
    report = json.loads(capsys.readouterr().out)
    extra = next(f for f in report["letters"][0]["findings"] if f["rule"] == "extra-paragraph")
    assert extra["page"] == 2
    result = next(r for r in json.loads(sarif.read_text())["runs"][0]["results"] if r["ruleId"] == "extra-paragraph")
    assert result["locations"][0]["physicalLocation"]["region"]["properties"] == {"page": 2}
    main(["check", str(pdf), "--no-config"])
    out = capsys.readouterr().out
    assert re.search(rf"{re.escape(str(pdf))}:{extra['line']}: warning extra-paragraph .*\(page 2\)$", out, re.M)
    main(["check", str(SEEDS["002"]), "--no-config"])
    assert "(page" not in capsys.readouterr().out  # text has no pages


@pytest.mark.parametrize("name, message", [
    ("image-only.pdf", "The file has no text layer: the PDF holds only images; run OCR first."),
    ("encrypted.pdf", "The file is password-protected: save it without a password."),
    ("truncated.pdf", "The file is not a valid PDF: it is cut short (no end-of-file marker)."),
])
def test_each_damaged_pdf_gets_one_clear_finding(name, message):
    result = audited(CASES / name)
    assert [(f.rule, f.message) for f in result.findings] == [("unreadable-input", message)]


@pytest.mark.parametrize("data, reason", [
    (b"Dear Sir, this is no PDF at all.", "not a valid PDF: it has no PDF header"),
    (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\ngarbage\n%%EOF\n", "not a valid PDF: "),
    (b"", "not a valid PDF: it has no PDF header"),
])
def test_damaged_pdf_bytes(tmp_path, data, reason):
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    result = audited(path)
    assert [f.rule for f in result.findings] == ["unreadable-input"]
    assert reason in result.findings[0].message


def test_a_pdf_of_too_many_pages_is_refused_not_read(tmp_path):
    from pypdf import PdfWriter
    writer = PdfWriter()
    for _ in range(101):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "long.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    result = audited(path)
    assert [(f.rule, f.message) for f in result.findings] == [
        ("unreadable-input", "The file has 101 pages, more than the 100 a letter can have.")]


def test_a_pdf_with_no_text_and_no_images_is_an_empty_file(tmp_path):
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "blank.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert [(f.rule, f.message) for f in audited(path).findings] == [
        ("unrecognised-document", "The file is empty: it holds no text.")]


def test_directories_are_searched_for_pdf_and_word_files_but_not_word_lock_files(tmp_path):
    for name in ("a.pdf", "b.docx", "c.doc", "d.txt", "e.md", "~$b.docx", "f.odt"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in iter_letter_paths([tmp_path])] == ["a.pdf", "b.docx", "c.doc", "d.txt", "e.md"]


def test_extract_prints_numbered_lines_page_marks_and_what_was_left_out(capsys):
    code = main(["extract", str(CASES / "running-header.pdf")])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == f"{CASES / 'running-header.pdf'}: 126 lines on 3 pages, read as pdf"
    assert out[1].strip() == "--- page 1 ---" and out[2] == "  1  Local Government & Social Care OMBUDSMAN"
    page_two = out.index("     --- page 2 ---")
    assert out[page_two + 1].startswith(" 54  This data will be uploaded")
    assert "  page number (line 107, page 2): Page 2 of 3" in out


def test_extract_of_an_unreadable_file_says_why_and_exits_1(capsys):
    assert main(["extract", str(CASES / "encrypted.pdf")]) == 1
    _, err = capsys.readouterr()
    assert err.strip().endswith("encrypted.pdf: the file is password-protected: save it without a password")
    assert main(["extract", str(CASES / "no-such-file.pdf")]) == 2


def test_extract_never_prints_a_terminal_escape(capsys, tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("Dear Mr \x1b[31mRed\x1b[0m\n", encoding="utf-8")
    assert main(["extract", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Dear Mr \\x1b[31mRed\\x1b[0m" in out


def test_a_pdf_read_from_standard_input_is_read_as_a_pdf():
    import subprocess
    import sys
    pdf = converted("002", "pdf")
    done = subprocess.run([sys.executable, "-m", "audit", "check", "-", "--stdin-filename", "letter.pdf",
                           "--no-config", "-q"], input=pdf.read_bytes(), capture_output=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "letter.pdf:" in done.stdout.decode() and "extra-paragraph" in done.stdout.decode()
    assert "(page 2)" in done.stdout.decode()


def test_the_html_report_takes_pdf_and_word_letters(tmp_path):
    report = tmp_path / "report"
    code = main(["check", str(FIXTURES / "letters-pdf"), str(FIXTURES / "letters-docx"), str(CASES), "--no-config",
                 "-q", "--html", str(report)])
    assert code == 1
    pages = list((report / "letters").glob("*.html"))
    assert len(pages) == 16 and (report / "index.html").is_file()


def test_the_html_overlay_marks_where_each_page_of_a_pdf_begins(tmp_path):
    report = tmp_path / "report"
    main(["check", str(CASES / "running-header.pdf"), str(SEEDS["001"]), "--no-config", "-q", "--html", str(report)])
    pdf_page, text_page = sorted((report / "letters").glob("*.html"), key=lambda p: "running-header" not in p.name)
    html = pdf_page.read_text(encoding="utf-8")
    marks = re.findall(r'<div id="L(\d+)"[^>]*>(?:(?!<div id=).)*?<span class="page-mark">page (\d) begins', html, re.S)
    assert marks == [("54", "2"), ("108", "3")]  # the rows holding lines 54 and 108, where pages 2 and 3 start
    assert "page-mark" not in text_page.read_text(encoding="utf-8")


def test_github_annotations_name_the_page_of_a_pdf_finding(capsys):
    main(["check", str(converted("002", "pdf")), "--no-config", "-q", "--format", "github"])
    out = capsys.readouterr().out
    assert re.search(r"^::warning file=[^:]*002_3e1a7b4ce7d2b570\.pdf,line=\d+,title=letter-audit extra-paragraph::"
                     r".*\(page 2\)$", out, re.M)

"""Correct letters pass however an office laid them out, and a wrong one is caught inside a
table: the Word and text letters of fixtures/layouts (made by fixtures/make_layouts.py) audit
as their seeds do, with the same fields."""
from __future__ import annotations

import pytest

from audit.models import RawLetter
from audit.normalise import clean_text, normalise
from audit.pipeline import audit_letter, audit_raw
from audit.read import read_letter
from audit.settings import Settings

from support import ROOT, SEEDS

LAYOUTS = ROOT / "fixtures" / "layouts"


@pytest.fixture(scope="module")
def settings():
    return Settings()


def audited(path, settings):
    _, result = audit_letter(path, settings)
    assert not [f.message for f in result.findings if f.rule == "internal-error"]
    return result


def serious(result) -> list[str]:
    return [f"{f.rule}: {f.message}" for f in result.findings if f.severity != "info"]


@pytest.mark.parametrize("name, changed", [
    ("000_paragraph_per_line.docx", {"recipient_name": "Mr Gareth Williams", "salutation_name": "Mr Williams,"}),
    ("000_letterhead_table.docx", {}),
    ("000_statistics_table.docx", {}),
    ("000_ligatures.txt", {}),
    ("000_letterhead_table.pdf", {}),  # LibreOffice: the address block drawn before the date block
    ("000_letterhead_grid.pdf", {}),  # Chromium: the two blocks written row by row on shared baselines
    ("000_css_columns.pdf", {}),  # Chromium: the body in three columns, long headings over several lines
    ("000_statistics_table.pdf", {}),  # LibreOffice: the statistics tables drawn cell by cell
])
def test_a_correct_letter_passes_in_every_layout_with_the_seeds_fields(settings, name, changed):
    result = audited(LAYOUTS / name, settings)
    assert serious(result) == []
    assert result.fields == {**audited(SEEDS[name[:3]], settings).fields, **changed}


@pytest.mark.parametrize("name", ["001_statistics_table.docx", "001_statistics_table.pdf"])
def test_a_count_error_inside_a_statistics_table_is_found(settings, name):
    result = audited(LAYOUTS / name, settings)
    assert [f.rule for f in result.findings if f.severity != "info"] == ["count-mismatch"]
    assert result.fields == audited(SEEDS["001"], settings).fields


def test_table_cells_are_read_as_their_own_paragraphs_with_row_and_column():
    raw = read_letter(LAYOUTS / "000_letterhead_table.docx")
    lines = raw.text.split("\n")
    cells = {tuple(cell): lines[first - 1:last] for first, last, *cell in raw.cells}
    assert cells == {(1, 1, 1): ["Mr Williams", "", "Chief Executive", "", "Ipswich Borough Council"],
                     (1, 1, 2): ["22 July 2020", "", "By email"]}
    document = normalise(raw)
    address = [p for p in document.paragraphs if p.cell == (1, 1, 1)]
    assert [p.text for p in address] == ["Mr Williams", "Chief Executive", "Ipswich Borough Council"]


@pytest.mark.parametrize("name", ["000_letterhead_table.pdf", "000_letterhead_grid.pdf"])
def test_a_pdf_letterhead_is_read_block_by_block_as_cells(name):
    raw = read_letter(LAYOUTS / name)
    lines = raw.text.split("\n")
    cells = {tuple(cell): [line for line in lines[first - 1:last] if line] for first, last, *cell in raw.cells}
    assert cells[(1, 1, 1)][:3] == ["Mr Williams", "Chief Executive", "Ipswich Borough Council"]
    assert cells[(1, 1, 2)] == ["22 July 2020", "By email"]


def test_a_figure_alone_in_a_table_cell_is_no_page_number():
    raw = RawLetter(ROOT / "x.docx", "Upheld decisions\n\n2\n\nStatistics are based on a total\n",
                    cells=((1, 1, 1, 1, 1), (3, 3, 1, 1, 2)))
    document = normalise(raw)
    assert [p.text for p in document.paragraphs][:2] == ["Upheld decisions", "2"]
    assert not document.artifacts


@pytest.mark.parametrize("text, expected", [
    ("ﬁnd the ﬂow of ﬀ", "find the flow of ff"),  # ligatures
    ("ＡＢＣ １２３", "ABC 123"),  # full-width forms
    ("a\u00a0b", "a b"),
    ("x² and ½", "x² and ½"),  # superscripts and fractions keep their meaning
    ("see [Your council's\nperformance](#) now", "see Your council's\nperformance now"),
    ("see [Your council's performance]\n(#) now", "see Your council's performance\n now"),  # link cut by a line end
])
def test_characters_and_links_are_normalised_alike_for_every_format(text, expected):
    assert clean_text(text) == expected


def test_a_heading_the_pdf_reader_took_for_a_running_header_is_the_heading(settings):
    """A section starting at the top of a page whose running header repeats the heading: the
    reader leaves both out as running text (line, kind, text); the heading is put back where
    its section follows, and only there."""
    from audit.align import align

    lines = SEEDS["000"].read_text(encoding="utf-8").split("\n")
    at = lines.index("Complaints upheld")
    lines[at] = ""
    headers = ((1, "running header", "Complaints upheld"), (at + 2, "running header", "Complaints upheld"))
    for artifacts, missing in ((headers, []), ((), ["Complaints upheld"])):
        raw = RawLetter(ROOT / "x.pdf", "\n".join(lines), encoding="pdf", artifacts=artifacts)
        alignment = align(normalise(raw, settings.vocabulary), settings.templates[0])
        assert [p.template.text for p in alignment.pairs if p.kind == "missing"] == missing
        assert [p.para.line for p in alignment.pairs if p.para and p.para.text == "Complaints upheld"] == (
            [at + 2] if artifacts else [])


def test_a_value_read_from_a_table_cell_is_shown_with_its_cell_in_every_output(tmp_path, capsys):
    """A wrong figure in the statistics table ("Upheld decisions | 7" for 2): text, JSON, CSV and
    the HTML report name the table cell beside the line; a letter without tables shows none."""
    import csv
    import json

    import docx

    from html_support import page_of, write_report
    from support import run_cli

    document = docx.Document(LAYOUTS / "001_statistics_table.docx")
    row = next(r for t in document.tables for r in t.rows if r.cells[0].text == "Upheld decisions")
    row.cells[1].paragraphs[0].runs[0].text = "7"
    document.save(tmp_path / "001_wrong.docx")
    where = "table 1, row 3, column 2"

    _, out, _ = run_cli(capsys, "check", tmp_path / "001_wrong.docx", "--no-config")
    assert f"count-mismatch 7 upheld decisions cannot come from 2 detailed investigations. ({where})" in out
    _, out, _ = run_cli(capsys, "check", tmp_path / "001_wrong.docx", SEEDS["000"], "-f", "json", "--no-config")
    letter, text_letter = json.loads(out)["letters"]
    cell = {"table": 1, "row": 3, "column": 2}
    assert letter["cells"]["upheld_decisions"] == cell
    assert [f["cell"] for f in letter["findings"] if f["rule"] == "count-mismatch" and f["line"] == 59] == [cell]
    assert "cells" not in text_letter and not any("cell" in f for f in text_letter["findings"])
    _, out, _ = run_cli(capsys, "check", tmp_path / "001_wrong.docx", "-f", "csv", "--no-config")
    record = next(csv.DictReader(out.splitlines()))
    assert f"upheld_decisions: line 59, {where}" in record["table cells"]
    _, out, _ = run_cli(capsys, "check", SEEDS["000"], "-f", "csv", "--no-config")
    assert "table cells" not in out

    write_report(tmp_path / "report", tmp_path / "001_wrong.docx")
    page = page_of(tmp_path / "report", "001").read_text(encoding="utf-8")
    assert f'<th>upheld_decisions</th><td><a href="#L59">7</a> <span class="where">({where})</span>' in page
    assert f"line 59, {where}" in page
    fields = list(csv.DictReader((tmp_path / "report" / "fields.csv").read_text(encoding="utf-8").splitlines()))
    assert f"upheld_decisions: line 59, {where}" in fields[0]["table cells"]


def test_an_address_line_the_cell_wrapped_is_still_one_line_of_the_address(settings):
    """A long council name wrapped by its narrow table cell ("Yorkwich & North East Avonbury" /
    "Council") is one line of the address, as it would be on one line."""
    lines = SEEDS["000"].read_text(encoding="utf-8").split("\n")
    at = lines.index("Mr Williams")
    head = ["Local Government & Social Care OMBUDSMAN", "", "Mr Williams", "", "Chief Executive", "",
            "Ipswich Borough", "Council", "", "22 July 2020", "", "By email", ""]
    text = "\n".join(head + lines[at + 4:])
    raw = RawLetter(ROOT / "x.pdf", text, encoding="pdf", cells=((3, 8, 1, 1, 1), (10, 12, 1, 1, 2)))
    _, result = audit_raw(raw, None, settings)
    assert serious(result) == []
    assert result.fields["authority"] == "Ipswich Borough Council"

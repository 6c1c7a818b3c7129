"""Issue 22: no input can crash the run or hide a letter. A file the reader fails on is a
finding on that file and the rest of the batch is audited; a file among the letters is a
letter whatever it holds; a folder given with no letter in it is said, even under -q."""
from __future__ import annotations

import json
import shutil

import pytest

from audit import diffs, read_docx
from audit.cli import main
from audit.diffs import word_diff
from audit.pipeline import audit_letter
from audit.read import read_letter
from audit.settings import Settings

from hostile_docx import CRASHING
from support import ROOT, SEEDS, seed_text

TEMPLATE = ROOT / "templates" / "lgsco-annual-review-2020.md"


def check(capsys, *args):
    code = main(["check", "--no-config", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def by_name(out: str) -> dict[str, dict]:
    return {letter["path"].rsplit("/", 1)[-1]: letter for letter in json.loads(out)["letters"]}


@pytest.mark.parametrize("name", sorted(CRASHING))
def test_a_word_file_broken_inside_is_read_or_refused_never_raised(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(CRASHING[name]())
    raw = read_letter(path)
    if name == "heading-superscript.docx":  # a style name, not a damage: read as a paragraph
        assert raw.text == "Dear Ms Jackson\n"
    else:
        assert raw.text is None and raw.error.startswith("is not a valid Word document: a header or footer "
                                                         "refers to a part the file does not hold")


def test_the_batch_goes_on_past_the_files_that_once_ended_it(tmp_path, capsys):
    for name, make in CRASHING.items():
        (tmp_path / name).write_bytes(make())
    shutil.copy(SEEDS["000"], tmp_path / "a.txt")
    code, out, err = check(capsys, tmp_path, "--format", "json", "--html", tmp_path / "report")
    letters = by_name(out)
    assert sorted(letters) == sorted([*CRASHING, "a.txt"]) and code == 1
    assert [f["rule"] for f in letters["header-missing-part.docx"]["findings"]] == ["unreadable-input"]
    assert [f["rule"] for f in letters["footer-external.docx"]["findings"]] == ["unreadable-input"]
    assert [f["rule"] for f in letters["heading-superscript.docx"]["findings"]] == ["unrecognised-document"]
    assert letters["a.txt"]["status"] == "pass"
    assert (tmp_path / "report" / "index.html").is_file() and "Traceback" not in err


def test_a_reader_that_raises_is_an_internal_error_on_that_file_alone(tmp_path, capsys, monkeypatch):
    def broken(path, data):
        raise RuntimeError("a bug in the Word reader")
    monkeypatch.setattr(read_docx, "read_docx", broken)
    (tmp_path / "b.docx").write_bytes(CRASHING["heading-superscript.docx"]())
    shutil.copy(SEEDS["000"], tmp_path / "a.txt")
    code, out, err = check(capsys, tmp_path, "--format", "json")
    letters = by_name(out)
    [finding] = letters["b.docx"]["findings"]
    assert finding["rule"] == "internal-error" and finding["severity"] == "error"
    assert finding["message"].startswith("Reading the file failed on this letter (RuntimeError: a bug in the "
                                         "Word reader)")
    assert letters["b.docx"]["status"] == "fail" and letters["a.txt"]["status"] == "pass" and code == 1


def test_a_letter_with_a_template_header_is_a_letter(tmp_path, capsys):
    """A failing letter once hid itself behind three lines (exit 0 under -q, in no report)."""
    failing = seed_text("001")
    (tmp_path / "hidden.txt").write_text(f'+++\nname = "hidden"\n+++\n{failing}')
    shutil.copy(TEMPLATE, tmp_path / "template.md")  # even a real template, among letters, is a letter
    code, out, err = check(capsys, "-q", tmp_path, "--format", "json", "-t", TEMPLATE)
    letters = by_name(out)
    assert sorted(letters) == ["hidden.txt", "template.md"] and code == 1 and err == ""
    assert letters["hidden.txt"]["status"] == "fail"
    assert "count-mismatch" in {f["rule"] for f in letters["hidden.txt"]["findings"]}


def test_a_folder_given_without_letters_is_a_warning_even_under_quiet(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    shutil.copy(SEEDS["000"], tmp_path / "a.txt")
    code, out, err = check(capsys, "-q", tmp_path / "a.txt", tmp_path / "empty")
    assert code == 0 and err == (f"letter-audit: warning: no letters found in {tmp_path}/empty; "
                                 "looked for .txt, .md, .pdf, .docx and .doc\n")


def test_word_diff_takes_any_number_of_distinct_words():
    """131,072 distinct words once overflowed chr() and lost the letter's fields."""
    old = " ".join(f"w{i}" for i in range(132_000))
    new = old.replace(" w7 ", " x7 ")
    assert word_diff(old, new)[1:3] == [("-", "w7"), ("+", "x7")]


def test_word_diff_beyond_the_characters_there_are_is_a_whole_change(monkeypatch):
    monkeypatch.setattr(diffs, "_RANGES", (range(0xE000, 0xE003),))
    assert word_diff("a b", "a c") == [("-", "a b"), ("+", "a c")]
    assert word_diff("a", "a") == [("=", "a")]


# --- the smaller points ----------------------------------------------------------------------

def test_the_report_never_overwrites_the_runs_template(tmp_path, capsys):
    template = tmp_path / "t.md"
    shutil.copy(TEMPLATE, template)
    before = template.read_bytes()
    code, out, err = check(capsys, SEEDS["000"], "-t", template, "-o", template)
    assert code == 2 and err == (f"letter-audit: error: refusing to write a report to {template}: "
                                 f"it is the template {template}\n")
    assert template.read_bytes() == before


def test_standard_input_cannot_take_the_name_of_a_letter_also_given(tmp_path, capsys, monkeypatch):
    import io
    import sys

    letter = tmp_path / "a.txt"
    shutil.copy(SEEDS["000"], letter)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Minutes of the meeting\n")))
    code, out, err = check(capsys, letter, "-", "--stdin-filename", letter)
    assert code == 2 and "names a file that is also among the PATHs" in err and out == ""


def test_parser_internals_never_reach_a_message(tmp_path):
    from hostile_docx import deeply_nested

    path = tmp_path / "deep.docx"
    path.write_bytes(deeply_nested())
    reason = "is not a valid Word document: its XML nests elements more than 256 deep"
    assert read_docx.read_docx(path, path.read_bytes()).error == reason  # the reader on its own
    # in a run, the reading budget (audit/budget.py) refuses it first, in words too
    assert read_letter(path).error.startswith("nests its XML more than 64 levels deep (in 'word/document.xml')")


def test_a_pdf_error_without_a_reason_is_not_called_success():
    import pypdfium2 as pdfium

    from audit.read_pdf import _reason

    assert _reason(pdfium.PdfiumError("Failed to load page (PDFium: Success).")) == "PDFium cannot read it"
    assert _reason(pdfium.PdfiumError("Failed to load document (PDFium: Data format error).")) == "data format error"

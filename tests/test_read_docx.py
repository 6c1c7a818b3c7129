"""Word letters: paragraphs in order, headings, tables, headers and footers, tracked changes
accepted and counted, and damaged or old files refused with one clear finding."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from audit import read_docx
from audit.pipeline import audit_letter
from audit.read import read_letter
from audit.settings import Settings

from support import ROOT

TRACKED = ROOT / "fixtures" / "converted-cases" / "tracked-changes.docx"


def save(document, tmp_path, name="letter.docx"):
    path = tmp_path / name
    document.save(str(path))
    return path


def revision(tag: str, text: str, number: int):
    element = OxmlElement(tag)
    element.set(qn("w:id"), str(number))
    element.set(qn("w:author"), "A")
    run = OxmlElement("w:r")
    deleted = tag in ("w:del", "w:moveFrom")
    piece = OxmlElement("w:delText" if deleted else "w:t")
    piece.set(qn("xml:space"), "preserve")
    piece.text = text
    run.append(piece)
    element.append(run)
    return element


def test_paragraphs_headings_line_breaks_and_tables_in_order(tmp_path):
    document = docx.Document()
    document.add_heading("Annual Review", level=1)
    address = document.add_paragraph("Ms Jackson")
    address.add_run().add_break()
    address.add_run("Chief Executive")
    document.add_heading("Complaint statistics", level=2)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Upheld", "45%"
    table.cell(1, 0).text, table.cell(1, 1).text = "Investigations", "12"
    document.add_paragraph("Yours sincerely,")
    raw = read_letter(save(document, tmp_path))
    assert raw.text == ("# Annual Review\n\nMs Jackson\nChief Executive\n\n## Complaint statistics\n\n"
                        "Upheld\n\n45%\n\nInvestigations\n\n12\n\nYours sincerely,\n")
    assert raw.cells == ((8, 8, 1, 1, 1), (10, 10, 1, 1, 2), (12, 12, 1, 2, 1), (14, 14, 1, 2, 2))  # lines, table, row, column
    assert raw.revisions is not None and not raw.revisions


def test_headers_and_footers_are_artifacts_not_text(tmp_path):
    document = docx.Document()
    document.add_paragraph("Dear Ms Jackson")
    document.add_paragraph("Yours sincerely,")
    document.sections[0].header.paragraphs[0].text = "Annual Review letter 2020"
    document.sections[0].footer.paragraphs[0].text = "Confidential"
    raw = read_letter(save(document, tmp_path))
    assert raw.text == "Dear Ms Jackson\n\nYours sincerely,\n"
    assert raw.artifacts == ((1, "running header", "Annual Review letter 2020"),
                             (3, "running footer", "Confidential"))


def test_tracked_changes_are_read_accepted_and_counted_with_their_lines(tmp_path):
    document = docx.Document()
    document.add_paragraph("Dear Ms Jackson")
    paragraph = document.add_paragraph("We investigated ")
    paragraph._p.append(revision("w:del", "twelve", 1))
    paragraph._p.append(revision("w:ins", "12", 2))
    paragraph.add_run(" complaints.")
    moved = document.add_paragraph("Then ")
    moved._p.append(revision("w:moveFrom", "old place ", 3))
    moved._p.append(revision("w:moveTo", "new place", 4))
    raw = read_letter(save(document, tmp_path))
    assert raw.text == "Dear Ms Jackson\n\nWe investigated 12 complaints.\n\nThen new place\n"
    assert (raw.revisions.insertions, raw.revisions.deletions, raw.revisions.moves, raw.revisions.comments) == (
        (3,), (3,), (5,), ())


def test_a_comment_alone_is_an_unresolved_revision(tmp_path):
    document = docx.Document()
    document.add_paragraph("Dear Ms Jackson")
    paragraph = document.add_paragraph("We investigated 12 complaints.")
    document.add_comment(paragraph.runs, text="Check this figure", author="Reviewer")
    path = save(document, tmp_path)
    assert read_letter(path).revisions.comments == (3,)
    findings = [f for f in audit_letter(path, Settings())[1].findings if f.rule == "unresolved-revisions"]
    assert [f.message for f in findings] == [
        "The Word file still holds 1 comment (line 3) that nobody accepted or rejected; "
        "the letter was audited with every change accepted."]
    assert findings[0].line == 3 and findings[0].severity == "warning"


def test_the_tracked_changes_fixture_reads_as_the_letter_with_changes_accepted():
    raw = read_letter(TRACKED)
    assert "Dear Mr Scrutton\n" in raw.text and "Sir or Madam" not in raw.text
    assert "I write to you with our annual summary" in raw.text and "yearly" not in raw.text


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Dear Ms Jackson")
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
     "The file is in the old binary Word format: save it as .docx."),
    ("letter.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
     "The file is password-protected or in the old binary Word format: save it as .docx without a password."),
    ("letter.docx", b"Dear Ms Jackson", "The file is not a valid Word document: File is not a zip file."),
    ("letter.docx", docx_bytes()[:3000], "The file is not a valid Word document: "),
], ids=["old-doc", "old-or-encrypted-docx", "not-a-zip", "cut-docx"])  # data ids: a zip's timestamp would vary
def test_old_encrypted_and_damaged_word_files_get_one_clear_finding(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    findings = audit_letter(path, Settings())[1].findings
    assert [f.rule for f in findings] == ["unreadable-input"]
    assert findings[0].message.startswith(message)


def test_a_zip_that_unpacks_too_large_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr(read_docx, "MAX_UNPACKED", 1000)
    path = tmp_path / "letter.docx"
    path.write_bytes(docx_bytes())
    assert "is not a valid Word document: it unpacks to" in read_letter(path).error


def test_a_zip_that_is_not_a_word_document(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "Dear Ms Jackson")
    path = tmp_path / "letter.docx"
    path.write_bytes(buffer.getvalue())
    assert read_letter(path).error.startswith("is not a valid Word document: ")

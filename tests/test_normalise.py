"""The same letter through different converters and editors audits the same."""
from __future__ import annotations

import textwrap

import pytest

from audit.models import RawLetter
from audit.normalise import normalise

from support import audit_text, edit, seed_text


def rewrap(text: str, width: int) -> str:
    return "\n\n".join(textwrap.fill(p, width) if len(p) > width else p for p in text.split("\n\n"))


def hyphenate(text: str) -> str:
    """Break words across lines with a hyphen, as PDF converters do."""
    text = edit(text, "most insightful information", "most insight-\nful information")
    text = edit(text, "complaint handling.", "com-\nplaint handling.")
    return edit(text, "a well-established", "a well-\nestablished")


VARIANTS = {
    "rewrapped at 70 columns with CRLF": lambda t: rewrap(t, 70).replace("\n", "\r\n").encode(),
    "Windows-1252 with curly quotes": lambda t: t.replace("'", "\u2019").encode("cp1252"),
    "UTF-16 with BOM": lambda t: t.encode("utf-16"),
    "hyphenated across lines": lambda t: hyphenate(t).encode(),
    "non-breaking spaces and old Mac line ends": lambda t: t.replace(" of ", "\u00a0of ").replace("\n", "\r").encode(),
    "form feed page break": lambda t: edit(t, "Compliance with Ombudsman", "\fCompliance with Ombudsman").encode(),
}


@pytest.mark.parametrize("seed", ["000", "004"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variants_audit_like_the_original(tmp_path, seed, variant):
    _, original = audit_text(tmp_path, seed_text(seed), "original.txt")
    _, changed = audit_text(tmp_path, VARIANTS[variant](seed_text(seed)), "variant.txt")
    assert changed.fields == original.fields
    assert [f for f in changed.findings if f.severity != "info"] == []


def test_findings_point_at_original_lines_after_rewrapping(tmp_path):
    text = rewrap(edit(seed_text("000"), "we delivered 118 courses", "we delivered 120 courses"), 70)
    _, result = audit_text(tmp_path, text.replace("\n", "\r\n"))
    [finding] = [f for f in result.findings if f.rule == "boilerplate-changed"]
    line = text.split("\n")[finding.line - 1]
    assert "We have a well-established" in line  # the paragraph starts here
    assert ("-", "118") in finding.diff and ("+", "120") in finding.diff


def test_value_lines_inside_a_wrapped_paragraph(tmp_path):
    text = rewrap(seed_text("000"), 40)
    ctx, _ = audit_text(tmp_path, text)
    lines = text.split("\n")
    for name in ("year_end", "period_end", "investigations"):
        value = ctx.fields.first(name)
        assert value.raw.split()[0] in lines[value.line - 1], name


def test_markdown_and_plain_text_exports_match_paragraph_for_paragraph():
    plain = normalise(RawLetter(None, seed_text("000")))
    markdown = normalise(RawLetter(None, seed_text("002")))
    assert [p.text for p in plain.paragraphs][5:18] == [p.text for p in markdown.paragraphs][5:18]


def test_paragraph_cut_by_page_break_is_joined_and_keeps_both_lines():
    doc = normalise(RawLetter(None, seed_text("000")))
    [para] = [p for p in doc.paragraphs if p.text.startswith("Satisfactory remedies provided by the authority -")]
    assert "open approach to resolving complaints." in para.text
    assert para.line == 27 and para.line_at(para.text.index("resolving")) == 29


@pytest.mark.parametrize("text, expected", [
    ("## **Complaint statistics**", "Complaint statistics"),
    ("visit our [website](#).", "visit our website."),
    ("see <u>Your council's performance</u>", "see Your council's performance"),
    ("- Failure to comply", "Failure to comply"),
    ("\u201cquoted\u201d \u2013 it\u2019s", "\"quoted\" - it's"),
    ("Tom &amp; Jerry", "Tom & Jerry"),
    ("a\u00a0b\u200bc", "a bc"),
    ("Yours faithfully,\n--", "Yours faithfully,"),
    ("#Notifying Party", "Notifying Party"), ("#DMCA Notification", "DMCA Notification"),  # a heading as Markdown.pl read it, with no space
    ("#1 priority, #hashtag", "#1 priority, #hashtag"),
    ("Annual Review\n=============", "Annual Review"),
    ("pages 4 -- 41 and a = b", "pages 4 -- 41 and a = b"),
    # emphasis with one asterisk, as mail exports write bold and italics, on either side of a word
    ("*Notifying Party*", "Notifying Party"),
    ("appears on *codility.com* and its", "appears on codility.com and its"),
    ("*Copyright Owners Statement *", "Copyright Owners Statement"),
    ("O(N*M) time, 5 * 3 and \\*literal\\*", "O(N*M) time, 5 * 3 and *literal*"),
    # a link whose target repeats its text, as mail clients write a linked address
    ("appears on codility.com <http://codility.com/> and", "appears on codility.com and"),
    ("*codility.com* <https://www.codility.com>", "codility.com"),
    ("appears on *codility.com\n<http://codility.com/>* and", "appears on codility.com and"),
    ("legal@example.com <mailto:legal@example.com>", "legal@example.com"),
    ("see <https://example.org/a> and example.org <https://example.org/b>",
     "see <https://example.org/a> and example.org <https://example.org/b>"),
])
def test_markup_and_typography(text, expected):
    [para] = normalise(RawLetter(None, text)).paragraphs
    assert para.text == expected


def test_hyphenation_uses_the_template_vocabulary():
    vocabulary = {"insightful", "well-established"}
    doc = normalise(RawLetter(None, "the insight-\nful and well-\nestablished Cooper-\nSmith"), vocabulary)
    assert doc.paragraphs[0].text == "the insightful and well-established Cooper-Smith"


def test_lone_page_number_is_set_aside_but_a_split_count_is_kept():
    doc = normalise(RawLetter(None, "Yours sincerely,\n\n14\n\nMichael King\n\nTotals:\n\n2\n\nupheld decisions"))
    assert [p.text for p in doc.paragraphs] == ["Yours sincerely,", "Michael King", "Totals:", "2 upheld decisions"]
    assert [(a.text, a.line, a.artifact) for a in doc.artifacts] == [("14", 3, "page number")]

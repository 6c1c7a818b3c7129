"""How PDF lines become paragraphs, and which lines are running text: the layout rules of
audit/read_pdf.py on lines set by hand (positions in points, from the bottom of an A4 page)."""
from __future__ import annotations

from audit.read_pdf import _layout, _Line, _running_text

HEIGHT = 842.0
MARGIN, RIGHT, PITCH = 72.0, 520.0, 14.5


def setting(rows, page=1, top=760.0):
    """Lines from (text, dx, gap-before in pitches, options): dx is the indent from the margin;
    a line reaching the right edge is made by ending its text with '>'."""
    lines, baseline = [], top
    for row in rows:
        text, dx, gap = row[:3]
        options = row[3] if len(row) > 3 else {}
        baseline -= gap * PITCH
        full = text.endswith(">")
        lines.append(_Line(page, text.rstrip(">"), MARGIN + dx, RIGHT if full else MARGIN + dx + 6 * len(text),
                           baseline, options.get("size", 11.0), options.get("bold", False), HEIGHT))
    return lines


def text_of(pages):
    return _layout(pages, _running_text(pages))[0]


def body(n=6, page=1):
    return [(f"Wrapped line {'ABCDEFGH'[i]}{'XYZ'[page - 1]} of a long paragraph that fills the measure>", 0, 1)
            for i in range(n)]


def test_vertical_gaps_separate_paragraphs_and_wrapped_lines_stay_together():
    lines = setting([("First paragraph starts here and runs on>", 0, 0), *body(3), ("its last line.", 0, 1),
                     ("Second paragraph after a gap>", 0, 1.6), ("ends.", 0, 1)])
    assert text_of([lines]).split("\n\n")[1] == "Second paragraph after a gap\nends.\n"


def test_an_indented_first_line_starts_a_paragraph_where_there_is_no_gap():
    lines = setting([("Mr Williams", 28, 0), ("Chief Executive", 0, 1), ("Ipswich Borough Council", 0, 1),
                     ("Dear Mr Williams", 28, 1), ("I write to you with our annual>", 28, 1), *body(2),
                     ("last words", 0, 1), ("Next paragraph begins indented>", 28, 1), ("and ends.", 0, 1)])
    assert text_of([lines]).split("\n\n") == [
        "Mr Williams\nChief Executive\nIpswich Borough Council", "Dear Mr Williams",
        "I write to you with our annual\n" + "\n".join(t for t, *_ in body(2)).replace(">", "") + "\nlast words",
        "Next paragraph begins indented\nand ends.\n"]


def test_a_bold_or_larger_line_is_a_heading_of_its_own():
    lines = setting([*body(4), ("Complaint statistics", 0, 1, {"bold": True}), *body(2),
                     ("Resources", 0, 1, {"size": 14.0}), *body(2)])
    paragraphs = text_of([lines]).split("\n\n")
    assert paragraphs[1] == "Complaint statistics" and paragraphs[3] == "Resources"


def test_the_lines_of_a_list_item_hang_indented_and_each_bullet_starts_an_item():
    lines = setting([*body(4), ("\u2022 Failure to comply with our recommendations is>", 0, 1.6),
                     ("rare and should be scrutinised.", 18, 1), ("\u2022 Second item.", 0, 1)])
    assert text_of([lines]).split("\n\n")[1:] == [
        "\u2022 Failure to comply with our recommendations is\nrare and should be scrutinised.", "\u2022 Second item.\n"]


def test_a_paragraph_running_over_a_page_break_is_one_paragraph_and_pages_are_counted():
    one = setting([*body(5), ("and the sentence goes on over the page>", 0, 1)], page=1)
    two = setting([("where it ends.", 0, 0), ("A new paragraph after the page's first>", 0, 1.6), ("ends.", 0, 1)],
                  page=2)
    text, page_starts, _ = _layout([one, two], {})
    lines = text.split("\n")
    assert lines[5:8] == ["and the sentence goes on over the page", "where it ends.", ""]
    assert page_starts == (1, 7)


def test_a_page_ending_a_sentence_ends_the_paragraph():
    one = setting([*body(5), ("the sentence ends on the page.", 0, 1)], page=1)
    two = setting([("New paragraph at the top of page two.", 0, 0)], page=2)
    text, page_starts, _ = _layout([one, two], {})
    assert text.endswith("the sentence ends on the page.\n\nNew paragraph at the top of page two.\n")
    assert page_starts == (1, 8)


def test_running_headers_and_page_numbers_are_dropped_with_their_pages():
    pages = []
    for page in (1, 2, 3):
        lines = setting([("Annual Review letter 2020 - Rochford", 0, 0), *body(6, page)], page=page, top=800)
        lines.append(setting([(f"Page {page} of 3", 200, 0)], page=page, top=40)[0])
        pages.append(lines)
    dropped = _running_text(pages)
    assert sorted(dropped.values()) == ["page number"] * 3 + ["running header"] * 3
    text, page_starts, artifacts = _layout(pages, dropped)
    assert "Rochford" not in text and "Page" not in text
    assert artifacts[:2] == ((1, "running header", "Annual Review letter 2020 - Rochford"),
                             (page_starts[1] - 1, "page number", "Page 1 of 3"))


def test_a_lone_number_mid_page_is_text_and_one_at_the_foot_is_a_page_number():
    lines = setting([*body(3), ("2", 0, 1.6), ("upheld decisions", 0, 1)])
    lines.append(setting([("1", 200, 0)], top=30)[0])
    assert list(_running_text([lines]).values()) == ["page number"]
    assert "\n2\n" in text_of([lines])


def test_a_lone_figure_at_a_page_edge_that_is_not_the_page_number_is_text():
    """"0" alone at the top of page 3 (a count Chromium's print set there) is the letter's value;
    numbers that agree with their pages, or keep one distance from them, are page numbers."""
    pages = [setting([*body(4, page)], page=page, top=800) for page in (1, 2)]
    pages.append(setting([("0", 0, 0), ("satisfactory remedy decisions", 0, 1), *body(2, 3)], page=3, top=800))
    assert _running_text(pages) == {}
    cut_from_a_longer_document = []
    for page in (1, 2):
        lines = setting([*body(3, page)], page=page, top=800)
        lines.append(setting([(str(page + 11), 200, 0)], page=page, top=30)[0])
        cut_from_a_longer_document.append(lines)
    assert list(_running_text(cut_from_a_longer_document).values()) == ["page number"] * 2


def test_text_that_appears_on_one_page_only_is_not_running_text():
    one = setting([("Local Government & Social Care OMBUDSMAN", 0, 0), *body(3)], page=1, top=800)
    two = setting([*body(3, 2)], page=2, top=800)
    assert _running_text([one, two]) == {}


def test_ligatures_are_spelt_out_and_spaces_collapsed():
    from audit.read_pdf import line_text
    assert line_text("  We \ufb01nd   the e\ufb00ect\ufb02ows  ") == "We find the effectflows"


def test_a_word_hyphenated_at_a_line_end_is_joined_by_the_normaliser():
    from pathlib import Path

    from audit.models import RawLetter
    from audit.normalise import normalise
    lines = setting([("We uphold com->", 0, 0), ("plaints when we find some form of fault.", 0, 1),
                     ("A well->", 0, 1.6), ("established programme.", 0, 1)])
    text = text_of([lines])
    assert text == "We uphold com-\nplaints when we find some form of fault.\n\nA well-\nestablished programme.\n"
    document = normalise(RawLetter(Path("letter.pdf"), text), {"complaints", "well-established"})
    assert [p.text for p in document.paragraphs] == [
        "We uphold complaints when we find some form of fault.", "A well-established programme."]

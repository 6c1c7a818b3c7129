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
    text, page_starts, *_ = _layout([one, two], {})
    lines = text.split("\n")
    assert lines[5:8] == ["and the sentence goes on over the page", "where it ends.", ""]
    assert page_starts == (1, 7)


def test_a_page_ending_a_sentence_ends_the_paragraph():
    one = setting([*body(5), ("the sentence ends on the page.", 0, 1)], page=1)
    two = setting([("New paragraph at the top of page two.", 0, 0)], page=2)
    text, page_starts, *_ = _layout([one, two], {})
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
    text, page_starts, artifacts, _ = _layout(pages, dropped)
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


def test_ligatures_are_spelt_out_by_the_normaliser_and_spaces_collapsed():
    from pathlib import Path

    from audit.models import RawLetter
    from audit.normalise import normalise
    from audit.read_pdf import line_text
    text = line_text("  We \ufb01nd   the e\ufb00ect\ufb02ows  ")
    assert text == "We \ufb01nd the e\ufb00ect\ufb02ows"
    assert normalise(RawLetter(Path("letter.pdf"), text + "\n")).paragraphs[0].text == "We find the effectflows"


def side_by_side(page=1):
    """A letterhead: the address (left) and the date and "By email" (right) on shared baselines,
    as PDFium gives them when the producer writes them row by row, then the body."""
    def at(text, x, baseline, size=11.0):
        return _Line(page, text, x, x + 6 * len(text), baseline, size, False, HEIGHT)
    return [at("Local Government & Social Care OMBUDSMAN", MARGIN, 780),
            at("Mr Williams", MARGIN, 740), at("22 July 2020", 330, 740),
            at("Chief Executive", MARGIN, 726), at("By email", 330, 726),
            at("Ipswich Borough Council", MARGIN, 712),
            at("Dear Mr Williams", MARGIN, 685),
            _Line(page, "I write to you with our annual summary of statistics on the decisions", MARGIN, RIGHT, 660,
                  0.0, False, HEIGHT)]


def test_a_letterhead_set_side_by_side_is_read_block_by_block_as_two_cells():
    from audit.read_pdf import _in_reading_order
    pages = [_in_reading_order(side_by_side(), iter([1]))]
    text, _, _, cells = _layout(pages, {})
    lines = text.split("\n")
    assert lines[:10] == ["Local Government & Social Care OMBUDSMAN", "", "Mr Williams", "Chief Executive",
                          "Ipswich Borough Council", "", "22 July 2020", "", "By email", ""]
    assert cells == ((3, 5, 1, 1, 1), (7, 9, 1, 1, 2))
    assert lines[10] == "Dear Mr Williams"  # after a larger gap than the address's lines: the letter's own


def test_two_pieces_on_one_baseline_are_no_letterhead_and_a_body_column_is_not():
    from audit.read_pdf import _in_reading_order
    header = [_Line(2, "Ipswich Borough Council", MARGIN, 200, 800, 9.0, False, HEIGHT),
              _Line(2, "Page 2", 480, 520, 800, 9.0, False, HEIGHT)]
    body_lines = setting(body(4, 2), page=2, top=780)
    assert _in_reading_order(header + body_lines, iter([1])) == header + body_lines
    assert _in_reading_order(side_by_side()[-1:] + side_by_side()[1:3], iter([1])) == side_by_side()[-1:] + side_by_side()[1:3]


def test_a_table_drawn_cell_by_cell_is_marked_row_by_row_and_a_column_of_text_is_not():
    from audit.read_pdf import _table_rows

    def at(text, x, baseline):
        return _Line(2, text, x, x + 6 * len(text), baseline, 11.0, False, HEIGHT)
    table = [at("Upheld decisions", MARGIN, 300), at("2", 300, 300),
             at("Satisfactory remedy", MARGIN, 280), at("decisions", MARGIN, 266), at("0", 300, 280)]
    marked = _table_rows(setting(body(2), page=2, top=340) + table, iter([1, 2]))
    assert [(line.text, line.cell) for line in marked[2:]] == [
        ("Upheld decisions", (1, 1, 1)), ("2", (1, 1, 2)), ("Satisfactory remedy", (1, 2, 1)),
        ("decisions", (1, 2, 1)), ("0", (1, 2, 2))]
    assert [line.cell for line in marked[:2]] == [None, None]
    columns = [at(f"line {k} of the first column", MARGIN, 700 - 14 * k) for k in range(8)] + \
              [at(f"line {k} of the second column", 300, 700 - 14 * k) for k in range(8)]
    assert _table_rows(columns, iter([1])) == columns


def test_glyphs_pdfium_put_on_lines_of_their_own_are_one_line_again():
    from audit.read_pdf import _rejoined
    pieces = [("S", 63.5, 69.8), ("t", 70.5, 73.3), ("a", 73.8, 79.5), ("tistics are", 79.7, 130.0),
              ("based", 133.0, 160.0)]
    lines = [_Line(3, text, x0, x1, 775.1, 11.0, False, HEIGHT) for text, x0, x1 in pieces]
    assert [line.text for line in _rejoined(lines)] == ["Statistics are based"]
    apart = [lines[0], lines[-1]._replace(x0=300.0, x1=330.0)]
    assert len(_rejoined(apart)) == 2


def test_text_set_in_columns_keeps_its_paragraphs():
    """Three columns of text (CSS columns): every column has its own left and right edge, so its
    lines are neither indented first lines nor short last lines."""
    pages, rows = [], []
    for column, x in enumerate((MARGIN, 230.0, 390.0)):
        words = ["Wrapped words of a paragraph in one column", "that runs on over several", "lines of the column",
                 "until it ends."]
        rows += [_Line(1, f"{text} {column}" if k == 0 else text, x, x + (140 if k < 3 else 60), 760 - 14.5 * k,
                       11.0, False, HEIGHT) for k, text in enumerate(words)]
        rows += [_Line(1, f"Second paragraph {column} of", x, x + 140, 760 - 14.5 * 5, 11.0, False, HEIGHT),
                 _Line(1, "the column.", x, x + 60, 760 - 14.5 * 6, 11.0, False, HEIGHT)]
    pages.append(rows)
    paragraphs = text_of(pages).strip().split("\n\n")
    assert len(paragraphs) == 6 and all(p.count("\n") in (1, 3) for p in paragraphs)


def test_a_heading_broken_over_lines_in_a_narrow_column_is_one_heading():
    lines = setting([*body(3), ("Satisfactory remedies", 0, 1.6, {"size": 13.0, "bold": True}),
                     ("provided by the", 0, 1.35, {"size": 13.0, "bold": True}),
                     ("authority", 0, 1.35, {"size": 13.0, "bold": True}), *body(2)])
    assert text_of([lines]).split("\n\n")[1] == "Satisfactory remedies\nprovided by the\nauthority"


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

"""Read a PDF letter: its text rebuilt into lines and paragraphs from the page layout (PDFium).

PDF has no paragraphs, only glyphs at positions. PDFium (through pypdfium2) gives the text
of each page line by line; from each line's position, font size and weight this module
decides where paragraphs start, and writes one text line per printed line with a blank
line between paragraphs, so the normaliser (hyphenation, wrapped lines) does the rest:

- a larger vertical gap than the usual line spacing, an indented first line after a line
  at the margin, a bullet, or a short line ending a sentence starts a new paragraph;
- a heading (larger or bold text, the whole line) is a paragraph of its own, its lines
  spaced by its own size;
- text set in columns is measured against its own column's left and right edges;
- blocks side by side at the top of a page (a letterhead's address and date) are read block
  by block and recorded as the cells of a one-row table (`RawLetter.cells`), as a Word
  table's cells are, and so are the rows of a table drawn cell by cell further down;
- a paragraph running on over a page break stays one paragraph;
- running headers and footers (the same text at the same place on most pages) and page
  numbers (a lone number at the top or bottom of a page that agrees with the page it stands
  on) are dropped and reported as artifacts with their line and page.

A PDF with images but no text, a password, or damage is refused with a plain reason.
"""
from __future__ import annotations

import ctypes
import itertools
import re
import time
from bisect import bisect_right
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from .models import RawLetter

MAX_PAGES = 100  # a letter is a few pages; a bound keeps a hostile file from holding the batch
MAX_SECONDS = 20.0  # checked between pages
HEADING_CHARS = 80  # a longer line is never taken for a heading
WORD_SPACE = 0.15  # ems between two glyphs that a space stands between
COLUMN_GAP = 3.0  # ems between two pieces of one PDFium line that stand in columns of their own
DEFAULT_EM = 10.0  # points: the em of a line whose glyphs give no size
MAX_CELL_LINES = 4  # lines of one cell of a table drawn cell by cell; more are a column of text
CELL_GAP = 0.5  # ems between two lines PDFium gives apart on one baseline: blocks side by side
BODY_WIDTH = 0.6  # share of the text's width that a line of body text fills (a letterhead's lines are shorter)
EDGE_BAND = 0.12  # share of the page height at the top and bottom where running text and page numbers sit

_PAGE_NUMBER = re.compile(r"(?:page\s+)?[-\u2013(]?\s*\d{1,4}\s*[-\u2013)]?(?:\s*(?:of|/)\s*\d{1,4})?", re.I)
_BULLET = re.compile(r"^[\u2022\u25aa\u25cf\u25e6\u2013\u2043\u25a0\uf0b7-]\s")
_SENTENCE_END = (".", ":", "!", "?")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_DIGITS = re.compile(r"\d+")
# PDFium's marks for hyphens it reports, and the Symbol and Wingdings bullets Word lists print
# (one character for one, so positions in the text stay PDFium's character indices)
_GENERATED = str.maketrans({"\x02": "-", "\ufffe": "-", "\x00": " ", "\uf0b7": "\u2022", "\uf0a7": "\u25aa",
                            "\uf0d8": "\u2022", "\uf076": "\u2022", "\uf0fc": "\u2022"})
_NO_TEXT_LAYER = "no text layer: the PDF holds only images; run OCR first"


class _Line(NamedTuple):  # a named tuple: made for every printed line, so made cheaply
    """One printed line: its text and where and how it is set."""

    page: int
    text: str
    x0: float
    x1: float
    baseline: float  # from the bottom of the page, in points
    size: float  # of the first character; 0.0 for a line too long to be a heading (not asked)
    bold: bool
    height: float  # of the page
    cell: tuple[int, int, int] | None = None  # (table, row, column) it stands in: a letterhead's block, or a row drawn cell by cell


def read_pdf(path: Path, data: bytes) -> RawLetter:
    """The letter's text, one line per printed line, paragraphs separated by blank lines."""
    import pypdfium2 as pdfium  # imported on first use: most runs read no PDF

    if b"%PDF-" not in data[:1024]:  # where the specification lets readers look for it
        return RawLetter(path, None, error="is not a valid PDF: it has no PDF header")
    if b"%%EOF" not in data[-4096:]:
        return RawLetter(path, None, error="is not a valid PDF: it is cut short (no end-of-file marker)")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            return RawLetter(path, None, error="is password-protected: save it without a password")
        return RawLetter(path, None, error=f"is not a valid PDF: {_reason(exc)}")
    try:
        return _read(path, document)
    except pdfium.PdfiumError as exc:
        return RawLetter(path, None, error=f"is not a valid PDF: {_reason(exc)}")
    finally:
        document.close()


def _reason(exc: Exception) -> str:
    reason = str(exc)
    match = re.search(r"PDFium: ([^)]*)", reason)
    reason = (match.group(1) if match else reason).rstrip(".").lower()
    return "PDFium cannot read it" if reason in ("", "success") else reason  # "success": PDFium gave no reason


def _read(path: Path, document) -> RawLetter:
    import pypdfium2.raw as pdfium_c

    pages = len(document)
    if pages > MAX_PAGES:
        return RawLetter(path, None, error=f"has {pages} pages, more than the {MAX_PAGES} a letter can have")
    started = time.monotonic()
    lines: list[list[_Line]] = []
    images = 0
    for number in range(pages):
        if time.monotonic() - started > MAX_SECONDS:
            return RawLetter(path, None, error=f"took more than {MAX_SECONDS:.0f} s to read: not a letter")
        page = document[number]
        try:
            lines.append(_page_lines(page, number + 1))
            if not lines[-1]:
                images += sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
        finally:
            page.close()
    if not any(lines) and images:
        return RawLetter(path, None, error=f"has {_NO_TEXT_LAYER}")
    tables = itertools.count(1)  # letterheads and tables drawn cell by cell are numbered as a Word letter's tables
    lines = [_table_rows(_in_reading_order(page_lines, tables), tables) for page_lines in lines]
    dropped = _running_text(lines)
    text, page_starts, artifacts, cells = _layout(lines, dropped)
    return RawLetter(path, text, encoding="pdf", page_starts=page_starts, artifacts=artifacts, cells=cells)


def _page_lines(page, number: int) -> list[_Line]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range().translate(_GENERATED)
        handle = textpage.raw  # the bare handle: no wrapper conversion on each of the calls below
        char_box, char_origin, font_size = (pdfium_c.FPDFText_GetCharBox, pdfium_c.FPDFText_GetCharOrigin,
                                            pdfium_c.FPDFText_GetFontSize)
        height = page.get_height()
        count = textpage.count_chars()
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        box_left, box_right, box_bottom, box_top = (ctypes.c_double() for _ in range(4))
        name = ctypes.create_string_buffer(128)
        flags = ctypes.c_int()
        out = []
        position = 0
        for piece in text.split("\r\n"):
            start, end = position, position + len(piece)
            position = end + 2
            stripped = piece.strip()
            if not stripped:
                continue
            first = start + len(piece) - len(piece.lstrip())
            last = end - 1 - (len(piece) - len(piece.rstrip()))
            if last >= count:  # text and character indices disagree (characters outside the BMP)
                first, last = min(first, count - 1), count - 1
            char_box(handle, last, box_left, box_right, box_bottom, box_top)
            right = box_right.value
            char_origin(handle, first, origin_x, origin_y)
            left = origin_x.value
            if last - first < HEADING_CHARS:
                size = font_size(handle, first)
                bold = _is_bold(handle, first, name, flags) and (last == first or _is_bold(handle, last, name, flags))
            else:  # a line this long is body text: spare PDFium the questions about its font
                size, bold = 0.0, False
            line = _Line(number, line_text(stripped), left, right, origin_y.value, size, bold, height)
            if size and " " in stripped:
                out += _split_at_gaps(line, text, first, last, handle, box_left, box_right, box_bottom, box_top)
            else:
                out.append(line)
        return _rejoined(out)
    finally:
        textpage.close()


def _rejoined(lines: list[_Line]) -> list[_Line]:
    """Lines PDFium broke between glyphs of one printed line (it does so where a producer
    places glyphs one by one with tight kerning, as Chromium does): a line that goes on along
    the same baseline from where the one before it stops is joined to it, with a space where
    the glyphs stand a word space apart."""
    joined: list[_Line] = []
    for line in lines:
        before = joined[-1] if joined else None
        em = (before.size or line.size or DEFAULT_EM) if before else DEFAULT_EM
        if (before is not None and abs(before.baseline - line.baseline) < 0.1 * em
                and -0.5 * em < line.x0 - before.x1 < 0.5 * em):
            glue = " " if line.x0 - before.x1 > WORD_SPACE * em else ""
            joined[-1] = before._replace(text=before.text + glue + line.text, x1=line.x1,
                                         size=before.size if len(before.text) + len(line.text) < HEADING_CHARS else 0.0)
        else:
            joined.append(line)
    return joined


def _split_at_gaps(line: _Line, text: str, first: int, last: int, handle, *box) -> list[_Line]:
    """A short printed line cut where its words stand further apart than any word space: the
    pieces of two columns set side by side ("Mr Williams" and "22 July 2020" of a letterhead)
    that PDFium put on one line because they share a baseline."""
    import pypdfium2.raw as pdfium_c

    left, right, bottom, top = box
    pieces, start, start_x = [], first, line.x0
    k = first
    while k < last:
        if text[k] != " ":
            k += 1
            continue
        before, after = k - 1, k + 1
        while after < last and text[after] == " ":
            after += 1
        pdfium_c.FPDFText_GetCharBox(handle, before, left, right, bottom, top)
        end_x = right.value
        pdfium_c.FPDFText_GetCharBox(handle, after, left, right, bottom, top)
        if left.value - end_x > COLUMN_GAP * line.size:
            pieces.append((start, before, start_x, end_x))
            start, start_x = after, left.value
        k = after
    if not pieces:
        return [line]
    pieces.append((start, last, start_x, line.x1))
    return [line._replace(text=line_text(text[a:b + 1]), x0=x0, x1=x1) for a, b, x0, x1 in pieces]


def _table_rows(lines: list[_Line], tables) -> list[_Line]:
    """The page's lines with the rows of a table drawn cell by cell marked as its cells: a few
    lines down one left edge, then a few down another further right whose first shares the
    first's baseline ("Upheld decisions" | "2"), so later stages read a label and its figure
    as a Word table's row. Consecutive rows are one table; longer runs of lines (text set in
    columns) are no cells."""
    marked = list(lines)
    table, row, after = None, 0, -1  # the table being marked, its last row, and where that row ended
    i = 0
    while i < len(marked):
        first = marked[i]
        # the first line beside this one, a few lines on (most lines have none: looked for cheaply)
        k = next((k for k in range(i + 1, min(i + MAX_CELL_LINES + 1, len(marked)))
                  if abs(marked[k].baseline - first.baseline) < 0.5 * _em(first, marked[k])
                  and marked[k].x0 > first.x1), None)
        cell = _cell_lines(marked, i) if k is not None else []
        right = _cell_lines(marked, k) if k is not None and len(cell) == k - i else []
        if not right or any(line.cell for line in cell + right) \
                or right[0].x0 - max(line.x1 for line in cell) <= CELL_GAP * _em(first, right[0]):
            i += 1
            continue
        if i != after:
            table, row = next(tables), 0
        row += 1
        for k, line in enumerate(cell + right):
            marked[i + k] = line._replace(cell=(table, row, 1 if k < len(cell) else 2))
        i = after = i + len(cell) + len(right)
    return marked


def _cell_lines(lines: list[_Line], i: int) -> list[_Line]:
    """The lines from `i` on that go down one left edge a line at a time (at most
    MAX_CELL_LINES: a cell of a table row, not a column of text)."""
    run = lines[i:i + 1]
    while i + len(run) < len(lines) and len(run) <= MAX_CELL_LINES:
        line, last = lines[i + len(run)], run[-1]
        if abs(line.x0 - run[0].x0) > 1.5 or not 0 < last.baseline - line.baseline < 1.6 * _em(last, line):
            break
        run.append(line)
    return run if len(run) <= MAX_CELL_LINES else []


def _in_reading_order(lines: list[_Line], tables) -> list[_Line]:
    """The page's lines with a letterhead's side-by-side blocks read block by block: the left
    column's lines, then the right column's, each marked with the cell (table, row, column) it
    stands in, so later stages read the blocks as they read a Word table's cells (the table
    numbered by `tables`, an iterator of numbers).

    Only the page's top block is looked at (the lines above its first line of body width), and
    in it the stretch between lines that cross the gutter, from its first pair of lines side by
    side on one baseline; a stretch of fewer than three lines is left as it is (a running
    header "Borough of Ipswich | Page 2")."""
    if len(lines) < 3:
        return lines
    left_edge, right_edge = min(line.x0 for line in lines), max(line.x1 for line in lines)
    measure = right_edge - left_edge
    wide = [line.baseline for line in lines  # a body line fills most of the measure, up to its right edge
            if line.x1 - line.x0 > BODY_WIDTH * measure and line.x1 > right_edge - (1 - BODY_WIDTH) / 2 * measure]
    body_top = max(wide) if wide else float("-inf")
    top = sorted((line for line in lines if line.baseline > body_top + 1), key=lambda line: (-line.baseline, line.x0))
    reach = 0.5 * max([DEFAULT_EM] + [line.size for line in top])  # top down: lines further apart share no baseline
    pairs = []
    for i, a in enumerate(top):
        for b in top[i + 1:]:
            if a.baseline - b.baseline >= reach:
                break
            if (a.baseline - b.baseline < 0.5 * _em(a, b) and min(b.x0 - a.x1, a.x0 - b.x1) < 0
                    and max(b.x0 - a.x1, a.x0 - b.x1) > CELL_GAP * _em(a, b)):
                pairs.append((a, b))
    if not pairs:
        return lines
    pairs = [(a, b) if a.x0 < b.x0 else (b, a) for a, b in pairs]
    gutter_start, gutter_end = max(a.x1 for a, _ in pairs), min(b.x0 for _, b in pairs)
    if gutter_start >= gutter_end:
        return lines  # more than two columns, or none clear: left as PDFium reads them

    def side(line: _Line) -> int | None:
        em = line.size or DEFAULT_EM
        if line.x1 <= gutter_end - em:
            return 0
        if line.x0 >= gutter_start + em:
            return 1
        return None  # across the gutter

    paired = {id(line) for pair in pairs for line in pair}
    first = next(i for i, line in enumerate(top) if id(line) in paired)
    start = first
    while start > 0 and side(top[start - 1]) == 1:
        start -= 1  # a right block that starts higher than the left one
    end = first
    while end < len(top) and side(top[end]) is not None:
        end += 1
    band = _shorter_column_ends(top[start:end], side)
    if len(band) < 3:
        return lines
    inside = {id(line) for line in band}
    table = next(tables)
    columns = [[line._replace(cell=(table, 1, column + 1)) for line in band if side(line) == column] for column in (0, 1)]
    before = [line for line in lines if id(line) not in inside and line.baseline > band[0].baseline]
    after = [line for line in lines if id(line) not in inside and line.baseline <= band[0].baseline]
    return before + columns[0] + columns[1] + after


def _shorter_column_ends(band: list[_Line], side) -> list[_Line]:
    """The band (top down) cut where the longer column's lines below the shorter column's last
    line stop following at that column's own spacing: "Dear ..." after a larger gap is the
    letter's, not the address's."""
    lowest = [min((line.baseline for line in band if side(line) == column), default=0.0) for column in (0, 1)]
    shorter_end = max(lowest)
    longer = 0 if lowest[0] < lowest[1] else 1
    column = [line.baseline for line in band if side(line) == longer]
    gaps = [a - b for a, b in zip(column, column[1:]) if b >= shorter_end]
    allowed = 1.25 * max(gaps) if gaps else 1.5 * (band[0].size or DEFAULT_EM)
    previous = None
    for k, line in enumerate(band):
        if line.baseline >= shorter_end:
            previous = line.baseline if side(line) == longer else previous
            continue
        if previous is not None and previous - line.baseline > allowed:
            return band[:k]
        previous = line.baseline
    return band


def _em(a: _Line, b: _Line) -> float:
    return max(a.size, b.size) or DEFAULT_EM


def line_text(piece: str) -> str:
    """A printed line as text, runs of spaces one space (ligatures are spelt out by the
    normaliser, as for every format)."""
    return " ".join(piece.split())


def _is_bold(textpage, index: int, name, flags) -> bool:
    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDFText_GetFontWeight(textpage, index) >= 600:
        return True
    pdfium_c.FPDFText_GetFontInfo(textpage, index, name, len(name), flags)
    return bool(_BOLD_NAME.search(name.value.decode("latin-1")))


def _running_text(pages: list[list[_Line]]) -> dict[tuple[int, int], str]:
    """(page, index of the line on it) -> kind, for the page numbers and running headers and
    footers: the first and last two lines of a page that stand at the page's top or bottom
    edge and are a lone number, or repeat (digits aside) at the same height on at least half
    the pages."""
    candidates: list[tuple[int, int, _Line]] = []
    for page_index, lines in enumerate(pages):
        edge = {0, 1, len(lines) - 2, len(lines) - 1} & set(range(len(lines)))
        candidates += [(page_index, i, lines[i]) for i in sorted(edge)]
    seen = Counter(key for page_index, _, line in candidates
                   for key in [(_DIGITS.sub("#", line.text), round(line.baseline / 4))])
    repeated_on = max(2, (len(pages) + 1) // 2)
    # a page number agrees with its page: "3" or "Page 3 of 5" on page 3, or on every numbered
    # page the same distance from it (a letter cut from a longer document); a lone figure at
    # the top of a page that agrees with nothing ("0" on page 3) is the letter's own text
    offsets = Counter(_offset(line.text, page_index) for page_index, _, line in candidates
                      if _PAGE_NUMBER.fullmatch(line.text))
    dropped = {}
    for page_index, index, line in candidates:
        at_edge = line.baseline < line.height * EDGE_BAND or line.baseline > line.height * (1 - EDGE_BAND)
        if at_edge and _PAGE_NUMBER.fullmatch(line.text) and (
                (offset := _offset(line.text, page_index)) == 0 or offsets[offset] >= 2):
            dropped[(page_index, index)] = "page number"
        elif at_edge and len(pages) > 1 and seen[(_DIGITS.sub("#", line.text), round(line.baseline / 4))] >= repeated_on:
            dropped[(page_index, index)] = ("running header" if line.baseline > line.height / 2
                                            else "running footer")
    return dropped


def _offset(page_number: str, page_index: int) -> int:
    """How far the number a page-number line shows is from the page it stands on."""
    return int(_DIGITS.search(page_number).group()) - page_index - 1


def _layout(pages: list[list[_Line]], dropped: dict[tuple[int, int], str]):
    """The text (blank lines between paragraphs), the line where each page starts, the
    dropped running text as (line, kind, text), and the lines of each side-by-side block as
    `RawLetter.cells` has them."""
    kept = [line for page_index, lines in enumerate(pages) for index, line in enumerate(lines)
            if (page_index, index) not in dropped]
    body = Counter(round(line.size * 2) / 2 for line in kept if line.size).most_common(1)
    body_size = body[0][0] if body else 0.0
    measured = [line for line in kept if line.size]
    body_bold = sum(line.bold for line in measured) > len(measured) / 2
    # the text's left and right edges, each column's own: indented lines and short lines are
    # the exceptions
    margin = sorted(line.x0 for line in kept)[len(kept) // 10] if kept else 0
    columns = _column_edges(kept, margin)
    starts = [left for left, _ in columns]
    pitch = _line_pitch(kept)

    def edges(line: _Line) -> tuple[float, float]:
        return columns[max(0, bisect_right(starts, line.x0 + 1.5) - 1)]

    def heading(line: _Line) -> bool:
        return line.size > body_size * 1.15 or (line.bold and not body_bold)  # size 0: a long line

    def indented(line: _Line) -> bool:
        return line.x0 > edges(line)[0] + max(3.0, 0.5 * (line.size or body_size))

    def full(line: _Line) -> bool:
        left, right = edges(line)
        return line.x1 >= right - 0.12 * (right - left)

    def new_paragraph(before: _Line, line: _Line, in_item: bool) -> bool:
        if before.cell != line.cell or heading(before) != heading(line) or _BULLET.match(line.text):
            return True
        if indented(line) and not in_item and (not indented(before) or not full(before)):
            return True  # an indented first line (the lines of a list item hang indented: not those)
        if before.text.endswith(_SENTENCE_END) and not full(before):
            return True
        if before.page != line.page:
            return not full(before) or before.text.endswith(_SENTENCE_END)
        gap = before.baseline - line.baseline
        larger = max(before.size, line.size) / body_size if body_size else 1.0  # a heading's lines stand further apart
        return gap <= 0 or gap > pitch * 1.25 * max(1.0, larger)

    text: list[str] = []
    page_starts: list[int] = []
    artifacts: list[tuple[int, str, str, bool]] = []  # (page index, kind, text, in the top half)
    cells: list[list[int]] = []  # first line, last line, table, row, column of each cell
    before: _Line | None = None
    in_item = False  # the paragraph is a bulleted list item
    for page_index, lines in enumerate(pages):
        page_start = None
        for index, line in enumerate(lines):
            kind = dropped.get((page_index, index))
            if kind:
                artifacts.append((page_index, kind, line.text, line.baseline > line.height / 2))
                continue
            if before is None or new_paragraph(before, line, in_item):
                if before is not None:
                    text.append("")
                in_item = bool(_BULLET.match(line.text))
            text.append(line.text)
            if line.cell is not None:
                if cells and tuple(cells[-1][2:]) == line.cell:
                    cells[-1][1] = len(text)
                else:
                    cells.append([len(text), len(text), *line.cell])
            if page_start is None:
                page_start = len(text)
            before = line
        page_starts.append(page_start if page_start is not None else len(text) + 1)
    located = []
    for page_index, kind, content, top in artifacts:
        line = page_starts[page_index]  # the first line of its page, or for a footer the last
        if not top:
            line = max(line, page_starts[page_index + 1] - 1 if page_index + 1 < len(page_starts) else len(text))
        located.append((line, kind, content))
    return "\n".join(text) + "\n", tuple(page_starts), tuple(located), tuple(tuple(cell) for cell in cells)


def _column_edges(lines: list[_Line], margin: float) -> list[tuple[float, float]]:
    """(left, right) of each column of text, left to right: the page's margin, and any other
    left edge where lines follow one another and that the lines of the column before it end
    short of (an indented first line starts inside the text before it: no column); right is
    where the column's long lines end."""
    following = Counter(round(a.x0) for a, b in zip(lines, lines[1:]) if abs(a.x0 - b.x0) < 1.5 and a.page == b.page)
    candidates = sorted(x for x, n in following.items() if n >= max(3, len(lines) // 20) and x > margin + 1.5)

    def right_end(left: float, end: float, first: bool) -> float:
        start = float("-inf") if first else left - 1.5
        ends = sorted(line.x1 for line in lines if start <= line.x0 < end - 1.5)
        return ends[len(ends) * 19 // 20] if ends else left

    lefts = [margin]
    for x in candidates:
        if right_end(lefts[-1], x, len(lefts) == 1) <= x:
            lefts.append(x)
    return [(left, right_end(left, lefts[k + 1] if k + 1 < len(lefts) else float("inf"), k == 0))
            for k, left in enumerate(lefts)]


def _line_pitch(lines: list[_Line]) -> float:
    """The usual distance between the baselines of two lines of one paragraph: the low end of
    the distances between consecutive lines (most lines are wrapped lines of paragraphs)."""
    gaps = sorted(a.baseline - b.baseline for a, b in zip(lines, lines[1:])
                  if a.page == b.page and a.baseline > b.baseline)
    if not gaps:
        return 1e9
    return gaps[len(gaps) // 5]

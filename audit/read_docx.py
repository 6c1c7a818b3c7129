"""Read a Word letter (.docx, through python-docx) as it would print with every change accepted.

The body is written out in order, one text line per line of a paragraph (a line break in a
paragraph starts a new line), a blank line after each paragraph: a paragraph in a `Heading n`
style (or `Title`) becomes a Markdown heading line, `#` repeated n times, so the normaliser
reads it as one; a table is written cell by cell, row by row, each cell's paragraphs as the
paragraphs they are, and the lines of every cell of a row of several cells are recorded with
the row and column they stand in (`RawLetter.cells`), so later stages read a letterhead's
address cell and date cell, or a statistics row's label and figure, as the page shows them;
text boxes follow the paragraph that anchors them. Running headers and footers are not part of the body:
they are reported as artifacts.

Tracked changes that were never accepted or rejected are resolved as if accepted (inserted
and moved-in text kept, deleted and moved-out text dropped) and recorded, with comments, by
the line where they stand, for the unresolved-revisions rule.

An old binary Word file (.doc) is refused with what to do about it.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .models import RawLetter, Revisions

MAX_UNPACKED = 64 * 1024 * 1024  # a letter's parts are a few hundred KB; guards against zip bombs
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files and encrypted new ones

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_INSERTED = {_W + "ins", _W + "moveTo"}
_DELETED = {_W + "del", _W + "moveFrom"}
_NO_TEXT = {_W + "rPr", _W + "pPr", _W + "instrText", _W + "delInstrText", _W + "sdtPr", _MC_FALLBACK,
            _W + "footnoteReference", _W + "endnoteReference"}
_LINE_BREAKS = {_W + "br", _W + "cr"}
_TABS = {_W + "tab", _W + "ptab"}


def read_doc(path: Path, data: bytes) -> RawLetter:
    return RawLetter(path, None, error="is in the old binary Word format: save it as .docx")


def read_docx(path: Path, data: bytes) -> RawLetter:
    import docx  # imported on first use: most runs read no Word file

    if data.startswith(OLE_MAGIC):
        return RawLetter(path, None, error="is password-protected or in the old binary Word format: "
                                           "save it as .docx without a password")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        return RawLetter(path, None, error=f"is not a valid Word document: {exc}")
    if unpacked > MAX_UNPACKED:
        return RawLetter(path, None, error=f"is not a valid Word document: it unpacks to "
                                           f"{unpacked / 1024 / 1024:.0f} MB")
    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:  # the letter's memory budget: the worker reports it (audit/workers.py)
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to parse untrusted input is a damaged file
        return RawLetter(path, None, error=f"is not a valid Word document: {_reason(exc)}")
    writer = _Writer({style.style_id: style.name or "" for style in document.styles})
    writer.block(document.element.body)
    if writer.lines and not writer.lines[-1]:
        writer.lines.pop()
    try:
        artifacts = _headers_and_footers(document, len(writer.lines))
    except KeyError as exc:  # python-docx finds a header's part by its relationship id
        return RawLetter(path, None, error=f"is not a valid Word document: a header or footer refers to "
                                           f"a part the file does not hold ({_reason(exc)})")
    return RawLetter(path, "\n".join(writer.lines) + "\n", encoding="docx", artifacts=artifacts,
                     revisions=writer.revisions(), cells=tuple(sorted(writer.cells)))


# libxml2's words for its limits, which name its own options: said as the file's fault
_PARSER_LIMITS = ((re.compile(r"Excessive depth in document: (\d+)"), r"its XML nests elements more than \1 deep"),
                  (re.compile(r"huge text node|XML_PARSE_HUGE", re.I), "a part of it is larger than the XML reader takes"))


def _reason(exc: Exception) -> str:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for pattern, plain in _PARSER_LIMITS:
        if found := pattern.search(reason):
            return found.expand(plain)
    return reason


class _Writer:
    """Writes the body's text line by line, noting the line of every revision and comment."""

    def __init__(self, style_names: dict[str, str]):
        self.style_names = style_names
        self.lines: list[str] = []
        self.cells: list[tuple[int, int, int, int, int]] = []  # first line, last line, table, row, column
        self.tables = 0
        self.found: dict[str, list[int]] = {"insertions": [], "deletions": [], "moves": [], "comments": []}

    def revisions(self) -> Revisions:
        return Revisions(**{kind: tuple(lines) for kind, lines in self.found.items()})

    def block(self, element) -> None:
        for child in element:
            if child.tag == _W + "p":
                self.paragraph(child)
            elif child.tag == _W + "tbl":
                self.table(child)
            elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml") or child.tag in _INSERTED:
                self.block(child)

    def paragraph(self, p) -> None:
        parts: list[str] = []
        boxes: list = []
        self._inline(p, parts, boxes)
        text = "".join(parts).replace("\t", " ")
        level = self._heading_level(p)
        if level and text.strip():
            text = "#" * level + " " + " ".join(text.split())
        self.lines.extend(line.rstrip() for line in text.split("\n"))
        self.lines.append("")
        for box in boxes:
            self.block(box)

    def table(self, table) -> None:
        self.tables += 1
        number = self.tables
        for row_number, row in enumerate(table.iterchildren(_W + "tr"), start=1):
            cells = list(row.iterchildren(_W + "tc"))
            for column, cell in enumerate(cells, start=1):
                first = len(self.lines) + 1
                self.block(cell)
                while len(self.lines) >= first and not self.lines[-1].strip():
                    self.lines.pop()  # an empty cell leaves no blank paragraphs behind
                if len(self.lines) >= first:
                    if len(cells) > 1:
                        self.cells.append((first, len(self.lines), number, row_number, column))
                    self.lines.append("")

    def _inline(self, element, parts: list[str], boxes: list) -> None:
        """The text of runs under `element`, in order; changes accepted."""
        for child in element:
            tag = child.tag
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in _TABS:
                parts.append("\t")
            elif tag in _LINE_BREAKS:
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W + "commentReference":
                self._note("comments", parts)
            elif tag in _DELETED:
                self._note("moves" if tag == _W + "moveFrom" else "deletions", parts)
            elif tag == _W + "txbxContent":
                boxes.append(child)
            elif tag in _INSERTED:
                if tag == _W + "ins":
                    self._note("insertions", parts)
                self._inline(child, parts, boxes)
            elif tag == _W + "p" or tag == _W + "tbl":  # a paragraph nested in a table cell
                self._inline(child, parts, boxes)
                parts.append(" ")
            elif tag not in _NO_TEXT and len(child):
                self._inline(child, parts, boxes)

    def _note(self, kind: str, parts: list[str]) -> None:
        self.found[kind].append(len(self.lines) + 1 + "".join(parts).count("\n"))

    def _heading_level(self, p) -> int:
        style = p.find(f"{_W}pPr/{_W}pStyle")
        name = self.style_names.get(style.get(_W + "val"), "") if style is not None else ""
        if name == "Title":
            return 1
        if name.startswith("Heading ") and name[8:].isascii() and name[8:].isdigit():  # not "Heading ²"
            return min(6, int(name[8:]))
        return 0


def _headers_and_footers(document, last_line: int) -> tuple[tuple[int, str, str], ...]:
    """Running headers (at line 1) and footers (at the last line), each distinct text once."""
    found: list[tuple[int, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for section in document.sections:
        for kind, parts in (("running header", (section.header, section.first_page_header, section.even_page_header)),
                            ("running footer", (section.footer, section.first_page_footer, section.even_page_footer))):
            for part in parts:
                if part.is_linked_to_previous:
                    continue
                words: list[str] = []
                _Writer({})._inline(part._element, words, [])
                text = " ".join("".join(words).split())
                if text and (kind, text) not in seen:
                    seen.add((kind, text))
                    found.append((1 if kind == "running header" else max(1, last_line), kind, text))
    return tuple(found)

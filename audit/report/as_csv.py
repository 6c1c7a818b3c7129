"""One row per letter: path, template, status, counts per severity, then every field.

Written as the results stream (report/streamed.py), with Python's csv module: one pass
finds the columns (every field of every letter), a second writes the rows. Every CSV the
tool writes goes through `line`: a cell that a spreadsheet would take for a formula (text
beginning with =, +, -, @, tab or CR) gets a leading apostrophe, a cell longer than
escape.CSV_CELL_CHARS is cut; numbers stay numbers.
"""
from __future__ import annotations

import csv
import io

from .escape import csv_cell, shown_path
from .locations import cell_words
from .streamed import write_streamed

NAME = "csv"
FIXED = ("path", "template", "status", "errors", "warnings", "info")
CELLS = "table cells"  # the last column, when a letter's fields were read from table cells (no field's name: it has a space)


def columns(results) -> list[str]:
    """The fixed columns, then every field the letters have, in the order first met."""
    names = dict.fromkeys(FIXED)
    cells = False
    for result in results:
        names.update(dict.fromkeys(result.fields))
        cells = cells or bool(result.cells)
    return [*names, CELLS] if cells else list(names)


def cells_text(result) -> str:
    """Where the fields read from table cells stand: "investigations: line 40, table 2, row 3, column 2; ..."."""
    return "; ".join(f"{name}: line {result.lines[name]}, {cell_words(cell)}" if name in result.lines
                     else f"{name}: {cell_words(cell)}" for name, cell in result.cells.items())


def line(values) -> str:
    """One CSV record, its cells made safe to open in a spreadsheet."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["" if v is None else csv_cell(v) for v in values])
    return buffer.getvalue()


class Csv:
    HEAD_LAST = False

    def __init__(self, names: list[str]):
        self.names = names
        self.cells = names[-1:] == [CELLS]
        self.fields = [name for name in names[len(FIXED):] if name != CELLS]

    def head(self) -> str:
        return line(self.names)

    def render(self, result) -> str:
        cells = [cells_text(result)] if self.cells else []
        return line([shown_path(result.path), result.template, result.status, result.count("error"),
                     result.count("warning"), result.count("info"), *(result.fields.get(n) for n in self.fields),
                     *cells])

    def tail(self) -> str:
        return ""


def write(results, summary, stream) -> None:
    write_streamed(Csv(columns(results)), results, stream)

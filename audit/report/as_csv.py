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
from .streamed import write_streamed

NAME = "csv"
FIXED = ("path", "template", "status", "errors", "warnings", "info")


def columns(results) -> list[str]:
    """The fixed columns, then every field the letters have, in the order first met."""
    names = dict.fromkeys(FIXED)
    for result in results:
        names.update(dict.fromkeys(result.fields))
    return list(names)


def line(values) -> str:
    """One CSV record, its cells made safe to open in a spreadsheet."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["" if v is None else csv_cell(v) for v in values])
    return buffer.getvalue()


class Csv:
    HEAD_LAST = False

    def __init__(self, names: list[str]):
        self.names = names
        self.fields = names[len(FIXED):]

    def head(self) -> str:
        return line(self.names)

    def render(self, result) -> str:
        return line([shown_path(result.path), result.template, result.status, result.count("error"),
                     result.count("warning"), result.count("info"), *(result.fields.get(n) for n in self.fields)])

    def tail(self) -> str:
        return ""


def write(results, summary, stream) -> None:
    write_streamed(Csv(columns(results)), results, stream)

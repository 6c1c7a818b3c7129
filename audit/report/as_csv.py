"""One row per letter: path, template, status, counts per severity, then every field.

Every CSV the tool writes goes through write_table: a cell that a spreadsheet would take
for a formula (text beginning with =, +, -, @, tab or CR) gets a leading apostrophe;
numbers stay numbers (a figure a letter does not quote is an empty cell, and never turns the
others of its column into 12.0). Written with the csv module: pandas, a large import, only
reads --data.
"""
from __future__ import annotations

import csv

from .escape import csv_cell, shown_path

NAME = "csv"
FIRST_COLUMNS = ("path", "template", "status", "errors", "warnings", "info")


def table(results) -> list[dict]:
    """The batch's extracted fields, a row per letter (also used by the HTML report's fields.csv)."""
    rows = []
    for result in results:
        row = {"path": shown_path(result.path), "template": result.template, "status": result.status,
               "errors": result.count("error"), "warnings": result.count("warning"), "info": result.count("info")}
        row.update(result.fields)
        rows.append(row)
    return rows


def _columns(rows: list[dict]) -> list[str]:
    columns = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns) or list(FIRST_COLUMNS)


def write_table(rows: list[dict], stream) -> None:
    """The rows (dicts; a key a row lacks is an empty cell) under the union of their keys."""
    columns = _columns(rows)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([csv_cell(str(name)) for name in columns])
    for row in rows:
        writer.writerow([csv_cell(row.get(name)) for name in columns])


def write(results, summary, stream) -> None:
    write_table(table(results), stream)

"""One row per letter: path, template, status, counts per severity, then every field.

Every CSV the tool writes goes through write_table: a cell that a spreadsheet would take
for a formula (text beginning with =, +, -, @, tab or CR) gets a leading apostrophe;
numbers stay numbers.
"""
from __future__ import annotations

from .escape import csv_cell, shown_path

NAME = "csv"


def table(results):
    """The batch's extracted fields as a pandas DataFrame (also used by the HTML report)."""
    import pandas as pd

    rows = []
    for result in results:
        row = {"path": shown_path(result.path), "template": result.template, "status": result.status,
               "errors": result.count("error"), "warnings": result.count("warning"), "info": result.count("info")}
        row.update(result.fields)
        rows.append(row)
    return pd.DataFrame(rows, columns=_columns(rows))


def _columns(rows):
    columns = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns) or ["path", "template", "status", "errors", "warnings", "info"]


def neutralised(frame):
    """The table with every text cell safe to open in a spreadsheet (headers included)."""
    from pandas.api.types import is_numeric_dtype

    frame = frame.rename(columns=lambda name: csv_cell(str(name)))
    for column in frame.columns:
        if not is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(csv_cell)
    return frame


def write_table(frame, stream) -> None:
    neutralised(frame).to_csv(stream, index=False, lineterminator="\n")


def write(results, summary, stream) -> None:
    write_table(table(results), stream)

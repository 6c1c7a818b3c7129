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
    # object columns, built column by column: an int stays an int when some letter lacks the
    # field (pandas would make the column float and write 2.0)
    columns = _columns(rows)
    return pd.DataFrame({c: pd.Series([row.get(c) for row in rows], dtype=object) for c in columns}, columns=columns)


def _columns(rows):
    columns = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns) or ["path", "template", "status", "errors", "warnings", "info"]


def neutralised(frame):
    """The table with every text cell safe to open in a spreadsheet (headers included)."""
    import pandas as pd
    from pandas.api.types import is_numeric_dtype

    frame = frame.rename(columns=lambda name: csv_cell(str(name)))
    for column in frame.columns:
        if not is_numeric_dtype(frame[column]):  # kept object: map() would make ints and blanks a float column
            frame[column] = pd.Series([csv_cell(v) for v in frame[column]], index=frame.index, dtype=object)
    return frame


def write_table(frame, stream) -> None:
    neutralised(frame).to_csv(stream, index=False, lineterminator="\n")


def write(results, summary, stream) -> None:
    write_table(table(results), stream)

"""One row per letter: path, template, status, counts per severity, then every field."""
from __future__ import annotations

NAME = "csv"


def table(results):
    """The batch's extracted fields as a pandas DataFrame (also used by the HTML report)."""
    import pandas as pd

    rows = []
    for result in results:
        row = {"path": str(result.path), "template": result.template, "status": result.status,
               "errors": result.count("error"), "warnings": result.count("warning"), "info": result.count("info")}
        row.update(result.fields)
        rows.append(row)
    return pd.DataFrame(rows, columns=_columns(rows))


def _columns(rows):
    columns = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns) or ["path", "template", "status", "errors", "warnings", "info"]


def write(results, summary, stream) -> None:
    table(results).to_csv(stream, index=False, lineterminator="\n")

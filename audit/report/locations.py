"""Where a finding is, as CI tools want it: paths relative to the working directory."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from .escape import shown_path


def cell_words(cell: tuple[int, int, int]) -> str:
    """A table cell as a reader names it: "table 2, row 3, column 2"."""
    table, row, column = cell
    return f"table {table}, row {row}, column {column}"


def _relative(path: Path) -> Path | None:
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd())
    except ValueError:
        return None


def relative_path(path: Path) -> str:
    """The path relative to the working directory, with forward slashes; absolute when the
    file lies outside it. Bytes of the name that are not UTF-8 are shown as `\\xff`."""
    relative = _relative(path)
    return shown_path(relative.as_posix() if relative is not None else Path(os.path.abspath(path)).as_posix())


def artifact_uri(path: Path) -> tuple[str, bool]:
    """(URI, relative?): a relative URI reference under the working directory, else a file:// URI."""
    relative = _relative(path)
    if relative is None:
        return "file://" + quote(os.fsencode(os.path.abspath(path)), safe="/"), False
    return quote(os.fsencode(relative.as_posix()), safe="/"), True

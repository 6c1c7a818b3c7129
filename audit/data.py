"""Source data for a batch: the table the letters' figures came from (--data) and the
peer-group table that says which letters are peers (--peer-groups).

Both are CSV or Excel (.xlsx) files with a header row. Column names are matched to the
template's field names after lower-casing and turning spaces and hyphens into
underscores ("Upheld rate" is upheld_rate). Which column names a letter's recipient comes
from the template (its `key_field`), never from here.
"""
from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from .models import LetterResult

from .names import NameIndex, NameMatch, normalise_name
from .settings import SettingsError
from .template import Template
from .types import InvalidValue, Money, convert, money
from .types import show as show_value
from .wording import counted

_BARE_NUMBER = re.compile(r"-?[\d,]+(?:\.\d+)?")

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
BLANK = {"", "-", "n/a", "na", "none", "null"}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T][\d:.]+)?")


class DataError(SettingsError):
    """A data or peer-group file that cannot be used (exit code 2)."""


@dataclass(frozen=True)
class Row:
    line: int  # line of a CSV file or row of a worksheet, as a spreadsheet program numbers it
    cells: dict[str, str]  # column (normalised name) -> cell text; blank cells left out


def column_name(header: Any) -> str:
    return "_".join(str(header).strip().lower().replace("-", " ").split())


def read_table(path: Path) -> tuple[list[str], list[Row]]:
    """(column names, rows) of a CSV or Excel file; every cell as text."""
    if not path.is_file():
        raise DataError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            header, rows = _read_excel(path)
        else:
            header, rows = _read_csv(path)
    except DataError:
        raise
    except Exception as exc:  # pandas and openpyxl raise many kinds; all mean "cannot read it"
        raise DataError(f"{path}: cannot be read as a table ({type(exc).__name__}: {exc})") from None
    columns = [column_name(h) for h in header]
    seen = set()
    for name in columns:
        if name in seen:
            raise DataError(f"{path}: the column {name!r} appears twice")
        seen.add(name)
    table = []
    for line, values in rows:
        cells = {c: v.strip() for c, v in zip(columns, values) if v is not None and v.strip().lower() not in BLANK}
        if cells:
            table.append(Row(line, cells))
    return columns, table


def _read_csv(path: Path):
    """Every row must have as many cells as the header: a trailing comma or a missing cell
    would otherwise shift or drop values silently."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        if header is None:
            raise DataError(f"{path}: the file is empty (a header row is needed)")
        for number, name in enumerate(header, start=1):
            if not name.strip():
                raise DataError(f"{path} line 1: column {number} of the header has no name"
                                + (" (a trailing comma?)" if number == len(header) else ""))
        rows, line = [], reader.line_num + 1
        for values in reader:
            if values and len(values) != len(header):
                raise DataError(f"{path} line {line}: {counted(len(values), 'cell')}, but the header has "
                                f"{counted(len(header), 'column')} ({'a trailing comma or a cell too many' if len(values) > len(header) else 'a missing cell'}?)")
            if values:
                rows.append((line, values))
            line = reader.line_num + 1
    return header, rows


def _read_excel(path: Path):
    """The first worksheet, read with openpyxl so that cells formatted as percentages (which
    hold 0.45 for 45%) are read as the percentage the reader sees."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows()
        header_row = next(rows, None)
        if header_row is None:
            raise DataError(f"{path}: the first worksheet is empty")
        header = [cell.value if cell.value is not None else "" for cell in header_row]
        body = []
        for row in rows:
            if not row:
                continue
            body.append((row[0].row, [_excel_text(cell) for cell in row][: len(header)]))
        return header, body
    finally:
        book.close()


def _excel_text(cell) -> str | None:
    value = cell.value
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if "%" in (cell.number_format or ""):
            value = value * 100
        value = round(value, 9)
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


def typed(base: str, text: str) -> Any:
    """A data cell as the typed value of a field of this base type (audit/types.py); raises
    ValueError when the cell is not such a value. Numbers are exact, never floats: an int
    column takes whole numbers only."""
    text = " ".join(text.split())
    try:
        if base == "percent":
            return convert("percent", text if text.endswith("%") else text + "%")
        if base == "money":
            return money(text) if not _BARE_NUMBER.fullmatch(text) else Money(convert("decimal", text), "")
        if base == "date":
            iso = _ISO_DATE.fullmatch(text)
            return date(*map(int, iso.groups())) if iso else convert("date", text)
        if base in ("int", "decimal"):
            return convert(base, text)
    except InvalidValue as exc:
        raise ValueError(str(exc)) from None
    return text


def letter_value(base: str, value: Any) -> Any:
    """A letter's field (as LetterResult.fields holds it, JSON) as the typed value typed() gives."""
    if base in ("percent", "decimal"):
        return Decimal(str(value))
    if base == "money":
        return money(str(value))
    if base == "date":
        return date.fromisoformat(str(value))
    if base == "int":
        return value
    return " ".join(str(value).split())


def same(base: str, letter: Any, data: Any) -> bool:
    """The letter's value agrees with the data's: figures the letter states rounded (a percent
    as 13, a sum to the penny) agree with the exact figure they round."""
    if base == "money":
        if data.currency and letter.currency != data.currency:
            return False
        letter, data = letter.amount, data.amount
        base = "decimal"
    if base in ("percent", "decimal"):
        half_unit = Decimal(1).scaleb(letter.as_tuple().exponent) / 2
        return abs(letter - data) <= half_unit
    if base in ("int", "date"):
        return letter == data
    return normalise_name(letter) == normalise_name(data)


def show(base: str, value: Any) -> str:
    if base == "percent":
        return f"{show_value(value)}%"
    if base == "money" and isinstance(value, Money) and not value.currency:
        return f"{value.amount:,}"  # a bare number of the data, as written
    if base in ("int", "decimal", "money"):
        return show_value(value)
    if base == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return f'"{value}"'


@dataclass
class DataTable:
    """--data: one row per letter that should exist, keyed by the template's key field."""

    path: Path
    key: str  # the key column, a template field such as the recipient or an account number
    columns: list[str]
    rows: list[Row]
    fuzzy: bool = False  # the template's key_match: "fuzzy" tolerates case, punctuation and slips

    @cached_property
    def index(self) -> NameIndex:
        return NameIndex([row.cells[self.key] for row in self.rows], fuzzy=self.fuzzy)

    def where(self, row: Row) -> str:
        return f'{self.path.name} line {row.line}, "{row.cells[self.key]}"'


def load_data(path: Path, templates: list[Template]) -> DataTable:
    columns, rows = read_table(path)
    keys = [t.key_field for t in templates if t.key_field]
    if not keys:
        raise DataError(f"{path}: no template declares a key_field, so rows cannot be matched to letters")
    key = next((k for k in keys if k in columns), None)
    if key is None:
        raise DataError(f"{path}: no {' or '.join(sorted(set(keys)))!s} column to match letters by "
                        f"(columns: {', '.join(columns)})")
    for row in rows:
        if key not in row.cells:
            raise DataError(f"{path} line {row.line}: the {key} cell is empty")
    fuzzy = any(t.key_match == "fuzzy" for t in templates if t.key_field == key)
    table = DataTable(path, key, columns, rows, fuzzy)
    for first, later in table.index.duplicates():
        raise DataError(f"{path}: {rows[first].cells[key]!r} is on line {rows[first].line} "
                        f"and again on line {rows[later].line}")
    specs = {name: spec for t in templates for name, spec in t.fields.items()}
    unmatched = [column for column in columns if column != key and column not in specs]
    if unmatched:  # compared with nothing, such a column would pass every letter
        def named(column: str) -> str:
            close = difflib.get_close_matches(column, sorted(specs), n=1, cutoff=0.6)
            return f"{column!r} (did you mean {close[0]!r}?)" if close else repr(column)
        raise DataError(f"{path}: the column{'s' * (len(unmatched) > 1)} {', '.join(map(named, unmatched))} "
                        f"match{'es' * (len(unmatched) == 1)} no field of the templates; name each column after "
                        f"a field (see `letter-audit template check`), or remove it")
    for row in rows:  # check every cell now, so a bad file stops the run before letters are read
        for column, text in row.cells.items():
            if column in specs and column != key:
                try:
                    typed(specs[column].base, text)
                except ValueError as exc:
                    raise DataError(f"{path} line {row.line}, column {column}: {text!r} is "
                                    f"not a valid {specs[column].type} ({exc})") from None
    return table


@dataclass
class PeerGroups:
    """--peer-groups: the group of each letter's key (a CSV of key,group); letters whose keys
    are in one group are peers for inconsistent-value."""

    path: Path
    rows: list[Row]
    name_column: str
    group_column: str
    fuzzy: bool = False
    index: NameIndex = field(init=False)

    def __post_init__(self):
        self.index = NameIndex([row.cells[self.name_column] for row in self.rows], fuzzy=self.fuzzy)

    def group_of(self, name: str | None) -> str | None:
        if not name:
            return None
        found = self.index.match(name)
        return self.rows[found.index].cells[self.group_column] if found else None


GROUP_COLUMNS = ("group", "type")  # "type": the column name of the deprecated --authority-types files


def load_peer_groups(path: Path, fuzzy: bool = False) -> PeerGroups:
    columns, rows = read_table(path)
    group_column = next((c for c in GROUP_COLUMNS if c in columns), None)
    if group_column is None or len(columns) < 2:
        raise DataError(f"{path}: needs a header row with a key column and a 'group' column "
                        f"(e.g. recipient,group)")
    name_column = next(c for c in columns if c != group_column)
    rows = [row for row in rows if name_column in row.cells and group_column in row.cells]
    return PeerGroups(path, rows, name_column, group_column, fuzzy)


@dataclass
class Reconciliation:
    """Letters laid against the rows of the data: which row each letter matched, and how."""

    table: DataTable
    matches: dict[LetterResult, tuple[Row, NameMatch]]  # letter (by identity) -> row and how it matched
    unknown: list[Any]  # letters with a key that matches no row
    rows_without_letter: list[Row]


def reconcile(results, table: DataTable, templates: dict[str, Template]) -> Reconciliation:
    matches, unknown, matched_rows = {}, [], set()
    for result in results:
        template = templates.get(result.template)
        if template is None or template.key_field != table.key or not result.key:
            continue
        found = table.index.match(result.key)
        if found is None:
            unknown.append(result)
            continue
        matches[result] = (table.rows[found.index], found)
        matched_rows.add(found.index)
    missing = [row for index, row in enumerate(table.rows) if index not in matched_rows]
    return Reconciliation(table, matches, unknown, missing)

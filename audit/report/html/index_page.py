"""The view model of the batch overview: counts, the chart, and the table rows as JSON data."""
from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import quote

from ... import __version__
from ... import baseline as baselines
from ...models import SEVERITIES, SEVERITY_RANK, LetterResult
from ...template import Template
from ...types import PLAIN_NUMBER_BASES
from .. import Summary, as_csv
from ..escape import CSV_RULE, shown_path
from .views import Bar, BatchFinding, IndexPage

STATUSES = ("pass", "warn", "fail")
PAGE_ROWS = 100
MESSAGE_CHARS = 160  # of each message a letter's row carries (shown: the first; searched: all)


def shown_paths(paths: list[Path]) -> tuple[str, list[str]]:
    """The folder the letters share, and each letter's path within it. Paths stay as given
    (relative or absolute) unless both kinds are mixed. Folders are worked out once each,
    not once per letter: a batch has many letters in few folders."""
    split = [os.path.split(shown_path(p)) for p in paths]
    for folders in ({folder: folder for folder, _ in split}, {folder: os.path.abspath(folder) for folder, _ in split}):
        try:
            root = os.path.commonpath([folder or "." for folder in folders.values()]) or "."
        except ValueError:  # relative and absolute mixed, or different drives
            continue
        within = {folder: Path(os.path.relpath(name or ".", root)).as_posix() for folder, name in folders.items()}
        return ("" if root == "." else root), [name if within[folder] == "." else f"{within[folder]}/{name}"
                                               for folder, name in split]
    return "", [shown_path(p) for p in paths]


def index_page(table: "IndexTable", about_batch: list[LetterResult], generated: str) -> IndexPage:
    """The overview of the letters `table` holds; `about_batch` carry findings about the batch
    as a whole. Its data block holds the table's head; the rows follow (IndexTable.rows)."""
    summary, findings = table.summary, copy.deepcopy(table.summary)
    for result in about_batch:
        findings.add(result)
    return IndexPage(
        letters=summary.letters,
        root=table.root,
        statuses={s: summary.statuses[s] for s in STATUSES},
        status_bar=_stack([(s, summary.statuses[s]) for s in STATUSES], summary.letters),
        severities={s: findings.severities[s] for s in SEVERITIES},
        rules=_rule_bars(findings),
        batch_findings=[BatchFinding(shown_path(r.path), f.line, f.severity, f.rule, f.message)
                        for r in about_batch for f in r.findings],
        templates=sorted(table.titles()),
        generated=generated,
        version=__version__,
        data=table.head(),
    )


def _rule_bars(summary: Summary) -> list[Bar]:
    totals = {rule: sum(counts.values()) for rule, counts in summary.rules.items()}
    widest = max(totals.values(), default=0)
    bars = []
    for rule in sorted(totals, key=lambda r: (-totals[r], r)):
        counts = summary.rules[rule]
        parts = _stack([(s, counts[s]) for s in SEVERITIES], widest)
        caption = ", ".join(_count(counts[s], s) for s in SEVERITIES if counts[s])
        bars.append(Bar(rule, totals[rule], parts, caption, f"#rule={quote(rule)}"))
    return bars


def _count(n: int, severity: str) -> str:
    return f"{n:,} {severity}" if n == 1 or severity == "info" else f"{n:,} {severity}s"


def _stack(counts: list[tuple[str, int]], whole: int) -> list[tuple[str, int, float, float]]:
    parts, x = [], 0.0
    for name, count in counts:
        if count:
            width = 100.0 * count / whole
            parts.append((name, count, round(x, 3), round(width, 3)))
            x += width
    return parts


class IndexTable:
    """The index's table and counts, built as the letters stream by, so that memory stays flat
    however large the batch: each letter's row goes to `spill` (a temporary file) at once, its
    field values in the order the fields were first met. The columns (every field of every
    letter) and the rules' numbers are known only at the end: `head()` gives them, and `rows()`
    reads the rows back, each completed to every column. The same rows make fields.csv (the
    csv format's table, `csv_rows()`).

    The data block the page script reads: columns, views (which columns each tab shows), the
    fingerprints of the findings the run's baseline accepted, and one array per letter: [page href,
    [rule numbers], [its messages, most severe first], [its findings' fingerprints], value per column].
    The fingerprints let the page tell a reviewer's decision on a finding of this report from
    one on a finding that is gone (a stale decision)."""

    def __init__(self, templates: dict[str, Template], root: str, spill: IO[str]):
        self.templates = templates
        self.root = root
        self.summary = Summary()
        self._spill = spill
        self._fields: dict[str, None] = {}  # first met first
        self._used: dict[str, None] = {}  # template names, first met first
        self._rules: set[str] = set()
        self._cells = False  # some letter's fields were read from table cells: fields.csv says where
        self._held: list[str] = []  # as many as the baseline has entries, which is in memory anyway

    def add(self, result: LetterResult, href: str, path: str, prints: list[str], held: list[str] = ()) -> None:
        """One letter's row; `path`: its name within the batch's folder; `prints`: the fingerprints
        of `result`'s findings; `held`: those of its findings the run's baseline accepted (not in
        `result`)."""
        self.summary.add(result)
        if result.template:
            self._used.setdefault(result.template)
        for name in result.fields:
            self._fields.setdefault(name)
        rules = sorted({f.rule for f in result.findings})
        self._rules.update(rules)
        self._cells = self._cells or bool(result.cells)
        by_severity = sorted(result.findings, key=lambda f: -SEVERITY_RANK[f.severity])  # stable: line order
        counts = [result.count(s) for s in SEVERITIES]
        self._held.extend(held)
        row = {"href": href, "rules": rules, "prints": sorted(set(prints)),
               "messages": list(dict.fromkeys(_short(f.message) for f in by_severity)),
               "letter": [self.summary.letters, path, self._title(result.template), result.status, *counts],
               "key": result.key or "", "text": result.content_hash or "",
               "path": shown_path(result.path), "template": result.template, "cells": as_csv.cells_text(result),
               "values": [result.fields.get(name) for name in self._fields]}
        self._spill.write(json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n")

    def titles(self) -> set[str]:
        return {self._title(name) for name in self._used}

    def _title(self, name: str | None) -> str | None:
        return self.templates[name].title if name in self.templates else name

    def _key_fields(self) -> list[str]:
        """The fields naming whom the letters are for: the index's first column when there is one."""
        return list(dict.fromkeys(self.templates[name].key_field for name in self._used
                                  if name in self.templates and self.templates[name].key_field))

    def head(self) -> dict:
        """The data block without its rows."""
        used = [self.templates[name] for name in self._used if name in self.templates]
        key_fields = self._key_fields()
        field_names = list(self._fields)
        overview_names = list(dict.fromkeys(name for t in used for name in t.overview_fields))
        field_types = {}
        for t in used:
            for name, spec in t.fields.items():
                field_types.setdefault(name, spec.base)

        columns = [_column("number", "#", "number"), _column("letter", "Letter", "letter", views=_KEYED_LETTER if key_fields else None),
                   _column("template", "Template", "text"), _column("status", "Status", "status")]
        columns += [_column(s, {"error": "Errors", "warning": "Warnings", "info": "Info"}[s], "number")
                    for s in SEVERITIES]
        columns += [_column(f"field:{name}", _label(name), _kind(field_types.get(name)),
                            "%" if field_types.get(name) == "percent" else "") for name in field_names]
        if key_fields:  # the key (whom the letter is for) is what a reviewer reads first of a row
            columns.append(_column("key", _label(key_fields[0]) if len(key_fields) == 1 else "Key", "key"))
        columns.append(_column("text", "Text", "hidden"))  # a hash of the letter's text: a Reviewed tick is for one text
        position = {column["key"]: k for k, column in enumerate(columns)}
        several_templates = len(used) > 1
        letters_view = ["number", *(["key"] if key_fields else []), "letter", *(["template"] if several_templates else []),
                        "status", *SEVERITIES,
                        *(f"field:{n}" for n in overview_names if n in field_names and n not in key_fields)]
        fields_view = ["number", "letter", *(["template"] if several_templates else []), "status",
                       *(f"field:{n}" for n in field_names)]
        return {
            "columns": columns,
            "views": {"letters": [position[k] for k in letters_view], "fields": [position[k] for k in fields_view]},
            "rules": sorted(self._rules),
            "statuses": list(STATUSES),
            "pageRows": PAGE_ROWS,
            "rows": [],
            "heldPrints": sorted(set(self._held)),
            "baselineHead": baselines.render([]),
            "csv": CSV_RULE,
        }

    def _spilled(self) -> Iterator[dict]:
        """The rows as added, each with a value for every field (None where it has none)."""
        self._spill.flush()
        self._spill.seek(0)
        width = len(self._fields)
        for line in self._spill:
            row = json.loads(line)
            row["values"] += [None] * (width - len(row["values"]))
            yield row

    def csv_columns(self) -> list[str]:
        return [*as_csv.FIXED, *self._fields, *([as_csv.CELLS] if self._cells else [])]

    def rows(self) -> Iterator[tuple[list, list]]:
        """Each letter's row of the data block and its row of fields.csv (the csv format's
        cells), in order: the spill file is read once for both."""
        number = {rule: k for k, rule in enumerate(sorted(self._rules))}
        keyed = bool(self._key_fields())
        for row in self._spilled():
            letter = row["letter"]  # number, path, title, status, counts by severity
            yield ([row["href"], [number[rule] for rule in row["rules"]], row["messages"], row["prints"],
                    *letter, *row["values"], *([row["key"]] if keyed else []), row["text"]],
                   [row["path"], row["template"], letter[3], *letter[4:], *row["values"],
                    *([row["cells"]] if self._cells else [])])


def _short(message: str) -> str:
    return message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS - 1] + "…"


def _column(key: str, label: str, kind: str, unit: str = "", views: dict | None = None) -> dict:
    column = {"key": key, "label": label, "kind": kind, "unit": unit}
    if views:
        column["views"] = views  # a label per tab, where the column shows something else in each
    return column


# Under a key column, the letters tab shows the file name beside the key, so this column holds
# the findings; the fields tab has no key column and shows the file name here.
_KEYED_LETTER = {"letters": "Findings", "fields": "File"}


def _kind(field_type: str | None) -> str:
    return "number" if field_type in PLAIN_NUMBER_BASES else "text"


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()

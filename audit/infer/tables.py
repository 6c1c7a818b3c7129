"""A table of figures (Markdown rows `| a | b |`): one field per varying cell, named from its
row label and its column heading, and the grid of fields kept so that relations can be sought
along rows and columns (a - b = c, a total row)."""
from __future__ import annotations

import re
from collections import Counter

from ..models import Paragraph

ROW = re.compile(r"\s*\|.*\|\s*")
RULE = re.compile(r"\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?\s*")  # |---|:--:|
LAID_SHARE = 0.5  # at least this share of the letters must lay the table out in the same rows and cells


def cells(line: str, offset: int) -> list[tuple[int, int, str]]:
    """The cells of one row as (start, end, text), offsets in the paragraph's text."""
    found, position = [], line.index("|") + 1
    last = line.rindex("|")
    while position <= last:
        bar = line.index("|", position)
        raw = line[position:bar]
        text = raw.strip()
        start = position + (len(raw) - len(raw.lstrip()))
        found.append((offset + start, offset + start + len(text), text))
        position = bar + 1
    return found


def rows_of(para: Paragraph) -> list[list[tuple[int, int, str]]] | None:
    """The paragraph's rows of cells, rule rows left out; None unless every line is a table row."""
    starts = [offset for offset, _ in para.line_starts] + [len(para.text) + 1]
    lines = [(starts[k], para.text[starts[k]:starts[k + 1] - 1]) for k in range(len(starts) - 1)]
    if len(lines) < 3 or not all(ROW.fullmatch(line) for _, line in lines):
        return None
    return [cells(line, offset) for offset, line in lines if not RULE.fullmatch(line)]


def table_cells(members: dict[int, Paragraph], sample: Paragraph, keep: int):
    """(grid, varying) for a column of paragraphs that are tables: the grid has, for every
    row and column, None for a cell all letters share, else (start, end, label, values) where
    `label` is the row's label and the column's heading and `values` each letter's text."""
    shape = rows_of(sample)
    if shape is None:
        return None
    layout = [len(row) for row in shape]
    laid = {}
    for letter, para in members.items():
        rows = rows_of(para) if para is not sample else shape
        if rows is not None and [len(row) for row in rows] == layout:
            laid[letter] = rows
    if len(laid) < LAID_SHARE * len(members):
        return None
    headings = [text for _, _, text in shape[0]]
    grid = []
    for r, row in enumerate(shape):
        line = []
        for c, (start, end, _) in enumerate(row):
            values = {letter: rows[r][c][2] for letter, rows in laid.items()}
            if Counter(values.values()).most_common(1)[0][1] >= keep:
                line.append(None)
                continue
            label = row[0][2] if c > 0 and grid_label(laid, r) else ""
            line.append((start, end, " ".join(w for w in (label, headings[c] if r > 0 else "") if w), values))
        grid.append(line)
    return grid


def grid_label(laid, row: int) -> bool:
    """A row's first cell labels it when every letter writes the same words there."""
    return len({rows[row][0][2] for rows in laid.values()}) == 1

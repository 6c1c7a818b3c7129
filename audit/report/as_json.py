"""The whole batch as one JSON document: letters with fields and findings, and a summary."""
from __future__ import annotations

import json

from .. import __version__
from ..models import ResultKind
from .escape import printable, shown_path
from .streamed import write_streamed

NAME = "json"
FORMAT_VERSION = 1


def letter_record(result, catalogue: dict) -> dict:
    """A letter; a record of kind "batch" (path: the data file) holds findings about the batch.
    The letter's key and, for a finding whose evidence was cut to size, its `identity` (the
    fingerprint taken before the cut) let `letter-audit serve` open the run and give every
    finding the fingerprint the run gave it."""
    return {
        **({"kind": result.kind} if result.kind != ResultKind.LETTER else {}),
        "path": shown_path(result.path),
        "template": result.template,
        "key": result.key,
        "status": result.status,
        "fields": result.fields,
        **({"cells": {name: dict(zip(("table", "row", "column"), cell)) for name, cell in result.cells.items()}}
           if result.cells else {}),
        **({"variants": result.variants} if result.variants else {}),
        **({"content": result.content} if result.content else {}),
        "findings": [{**f.json(), "hint": catalogue[f.rule].hint if f.rule in catalogue else None,
                      **({"identity": f.identity} if f.identity is not None else {})}
                     for f in result.findings],
    }


def render_letter(result, catalogue: dict) -> str:
    """A letter's record as text, as the document holds it (made where the letter is audited)."""
    return dumps(letter_record(result, catalogue))


def dumps(record) -> str:
    """JSON text that UTF-8 can hold: stray undecodable bytes (from a file name quoted in a
    message) are shown as `\\xff`, as in the paths."""
    text = json.dumps(record, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(_printable(record), ensure_ascii=False)
    return text


def _printable(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_printable(v) for v in value]
    return value


class Json:
    """The JSON document streamed (report/streamed.py): one letter's record at a time."""

    NAME = NAME
    HEAD_LAST = False

    def __init__(self, summary):
        self.summary = summary
        self.written = 0

    def head(self) -> str:
        return ('{"tool": ' + json.dumps({"name": "letter-audit", "version": __version__})
                + f', "format_version": {FORMAT_VERSION}, "letters": [')

    def render(self, result) -> str:
        return self.placed(render_letter(result, self.summary.catalogue))

    def placed(self, record: str) -> str:
        """A letter's record (render_letter) in its place in the document."""
        self.written += 1
        return ("," if self.written > 1 else "") + "\n" + record

    def tail(self) -> str:
        return '\n], "summary": ' + json.dumps(self.summary.json()) + "}\n"


def write(results, summary, stream) -> None:
    write_streamed(Json(summary), results, stream)

"""The whole batch as one JSON document: letters with fields and findings, and a summary."""
from __future__ import annotations

import json

from .. import __version__
from ..models import ResultKind
from ..types import InvalidValue, money
from .escape import printable, shown_path
from .streamed import write_streamed

NAME = "json"
FORMAT_VERSION = 2  # 2: money as amount and currency


def letter_record(result, catalogue: dict, money_fields: frozenset[str] = frozenset()) -> dict:
    """A letter; a record of kind "batch" (path: the data file) holds findings about the batch.
    `money_fields`: those of its template's fields that are money."""
    return {
        **({"kind": result.kind} if result.kind != ResultKind.LETTER else {}),
        "path": shown_path(result.path),
        "template": result.template,
        "status": result.status,
        "fields": {name: _money(value) if name in money_fields else value for name, value in result.fields.items()}
                  if money_fields else result.fields,
        **({"variants": result.variants} if result.variants else {}),
        **({"content": result.content} if result.content else {}),
        "findings": [{**f.json(), "hint": catalogue[f.rule].hint if f.rule in catalogue else None}
                     for f in result.findings],
    }


def _money(value):
    """Money as {"amount": "1234.50", "currency": "GBP"}: the amount exact, as a decimal string
    (a JSON number would be a float to most readers); a withheld value or a list as they are."""
    if isinstance(value, list):
        return [_money(item) for item in value]
    if not isinstance(value, str):
        return value
    try:
        found = money(value)
    except InvalidValue:  # not expected of a money field's value: kept as written rather than lost
        return value
    return {"amount": f"{found.amount:f}", "currency": found.currency}


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

    HEAD_LAST = False

    def __init__(self, summary):
        self.summary = summary
        self.written = 0

    def head(self) -> str:
        return ('{"tool": ' + json.dumps({"name": "letter-audit", "version": __version__})
                + f', "format_version": {FORMAT_VERSION}, "letters": [')

    def render(self, result) -> str:
        self.written += 1
        record = letter_record(result, self.summary.catalogue, self.summary.money.get(result.template, frozenset()))
        return ("," if self.written > 1 else "") + "\n" + dumps(record)

    def tail(self) -> str:
        return '\n], "summary": ' + json.dumps(self.summary.json()) + "}\n"


def write(results, summary, stream) -> None:
    write_streamed(Json(summary), results, stream)

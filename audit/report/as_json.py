"""The whole batch as one JSON document: letters with fields and findings, and a summary."""
from __future__ import annotations

import json
from decimal import Decimal

from .. import __version__
from ..models import ResultKind
from ..types import InvalidValue, Money, money as read_money
from .escape import printable, shown_path
from .streamed import write_streamed

NAME = "json"
FORMAT_VERSION = 2  # 2: money as amount and currency


def letter_record(result, catalogue: dict, money: dict[str, frozenset[str]] | None = None) -> dict:
    """A letter; a record of kind "batch" (path: the data file) holds findings about the batch.
    The letter's key and, for a finding whose evidence was cut to size, its `identity` (the
    fingerprint taken before the cut) let `letter-audit serve` open the run and give every
    finding the fingerprint the run gave it. `money`: the run's money fields by template
    (report.money_fields)."""
    own = money.get(result.template) if money else None
    return {
        **({"kind": result.kind} if result.kind != ResultKind.LETTER else {}),
        "path": shown_path(result.path),
        "template": result.template,
        "key": result.key,
        "status": result.status,
        "fields": {name: _money(value) if name in own else value for name, value in result.fields.items()}
                  if own else result.fields,
        **({"cells": {name: dict(zip(("table", "row", "column"), cell)) for name, cell in result.cells.items()}}
           if result.cells else {}),
        **({"variants": result.variants} if result.variants else {}),
        **({"content": result.content} if result.content else {}),
        "findings": [{**f.json(), "hint": catalogue[f.rule].hint if f.rule in catalogue else None,
                      **({"identity": f.identity} if f.identity is not None else {})}
                     for f in result.findings],
    }


def render_letter(result, catalogue: dict, money: dict[str, frozenset[str]] | None = None) -> str:
    """A letter's record as text, as the document holds it (made where the letter is audited)."""
    return dumps(letter_record(result, catalogue, money))


def _money(value):
    """Money as {"amount": "1234.50", "currency": "GBP"}: the amount exact, as a decimal string
    (a JSON number would be a float to most readers); a withheld value or a list as they are."""
    if isinstance(value, list):
        return [_money(item) for item in value]
    if not isinstance(value, str):
        return value
    try:
        found = read_money(value)
    except InvalidValue:  # not expected of a money field's value: kept as written rather than lost
        return value
    return {"amount": f"{found.amount:f}", "currency": found.currency}


def money_from_json(value):
    """A field's value as the results hold it, from a record's (`letter-audit serve` reading a
    run's JSON): money given as amount and currency is money as written again ("£1,234.50")."""
    if isinstance(value, list):
        return [money_from_json(item) for item in value]
    if not (isinstance(value, dict) and value.keys() == {"amount", "currency"}):
        return value
    try:
        return str(Money(Decimal(str(value["amount"])), str(value["currency"])))
    except ArithmeticError:  # decimal.InvalidOperation: the file is untrusted
        raise ValueError(f"money with an amount that is not a number: {value['amount']!r}") from None


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
        return self.placed(render_letter(result, self.summary.catalogue, self.summary.money))

    def placed(self, record: str) -> str:
        """A letter's record (render_letter) in its place in the document."""
        self.written += 1
        return ("," if self.written > 1 else "") + "\n" + record

    def tail(self) -> str:
        return '\n], "summary": ' + json.dumps(self.summary.json()) + "}\n"


def write(results, summary, stream) -> None:
    write_streamed(Json(summary), results, stream)

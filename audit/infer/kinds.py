"""What kind of value a varying span holds, and its value for arithmetic: both read by
audit/types.py, as `check` reads them.

A span is of a type when (nearly) every letter's value reads as one (types.convert), tried
from the most specific type to the least.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ..types import InvalidValue, convert

TYPE_SHARE = 0.95  # share of the values that must read as a type


class ValueKind(StrEnum):
    """What a varying span holds: a type of the template language (its value is the type's
    name), a person's name, or the singular or plural agreeing with the number before it."""

    INT = "int"
    DECIMAL = "decimal"
    PERCENT = "percent"
    MONEY = "money"
    DATE = "date"
    TEXT = "text"
    PERSON = "person"  # text of its own pattern (PERSON_PATTERN)
    AGREEMENT = "agreement"


TRIED = (ValueKind.INT, ValueKind.DECIMAL, ValueKind.PERCENT, ValueKind.MONEY, ValueKind.DATE)
NUMERIC = (ValueKind.INT, ValueKind.DECIMAL, ValueKind.MONEY, ValueKind.PERCENT)
# A person's name: an honorific, then capitalised words. Generic English, no letter's vocabulary.
HONORIFICS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Cllr|Rev)"
PERSON_PATTERN = HONORIFICS + r"\.?(?:\s+[A-Z][\w'.-]*)+?"
_PERSON = re.compile(HONORIFICS + r"\.?(?:\s+[A-Z][\w'.-]*){1,3}")  # stricter than the pattern: for typing


def type_of(values: list[str]) -> ValueKind:
    """The most specific type that (nearly) all the values read as."""
    values = [v for v in values if v]
    if not values:
        return ValueKind.TEXT
    for kind in TRIED:
        if _share(values, lambda v, kind=kind: value(kind, v) is not None) >= TYPE_SHARE:
            if kind == ValueKind.DECIMAL and not any("." in v or "-" in v for v in values):
                continue  # decimal for a point or a minus sign (an int is never negative)
            return kind
    if _share(values, _PERSON.fullmatch) >= TYPE_SHARE:
        return ValueKind.PERSON
    return ValueKind.TEXT


def _share(values: list[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values)


def value(kind: ValueKind, raw: str | None):
    """The typed value `check` would read (int, Decimal, Money, date, text); None when the
    text is not one."""
    if raw is None:
        return None
    base = ValueKind.TEXT if kind == ValueKind.PERSON else kind
    try:
        return convert(base, str(raw))
    except InvalidValue:
        return None


def from_result(kind: ValueKind, found):
    """The typed value again from a field of an audited letter's results (its JSON form:
    an ISO date, money as written, a number)."""
    if found is None:
        return None
    if kind == ValueKind.DATE:
        try:
            return date.fromisoformat(str(found))
        except ValueError:
            return None
    if kind in (ValueKind.DECIMAL, ValueKind.PERCENT) and not isinstance(found, str):
        return Decimal(str(found))
    return value(kind, found) if isinstance(found, str) else found

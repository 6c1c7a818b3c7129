"""What kind of value a varying span holds, and its value for arithmetic: both read by
audit/types.py, as `check` reads them.

A span is of a type when (nearly) every letter's value reads as one (types.convert), tried
from the most specific type to the least.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ..types import InvalidValue, convert

TYPE_SHARE = 0.95  # share of the values that must read as a type
TRIED = ("int", "decimal", "percent", "money", "date")
NUMERIC = ("int", "decimal", "money", "percent")
# A person's name: an honorific, then capitalised words. Generic English, no letter's vocabulary.
HONORIFICS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Cllr|Rev)"
PERSON_PATTERN = HONORIFICS + r"\.?(?:\s+[A-Z][\w'.-]*)+?"
_PERSON = re.compile(HONORIFICS + r"\.?(?:\s+[A-Z][\w'.-]*){1,3}")  # stricter than the pattern: for typing


def type_of(values: list[str]) -> str:
    """The most specific type that (nearly) all the values read as."""
    values = [v for v in values if v]
    if not values:
        return "text"
    for kind in TRIED:
        if _share(values, lambda v, kind=kind: value(kind, v) is not None) >= TYPE_SHARE:
            if kind == "decimal" and not any("." in v or "-" in v for v in values):
                continue  # decimal for a point or a minus sign (an int is never negative)
            return kind
    if _share(values, _PERSON.fullmatch) >= TYPE_SHARE:
        return "person"
    return "text"


def _share(values: list[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values)


def value(kind: str, raw: str | None):
    """The typed value `check` would read (int, Decimal, Money, date, text); None when the
    text is not one."""
    if raw is None:
        return None
    base = "text" if kind == "person" else kind
    try:
        return convert(base, str(raw))
    except InvalidValue:
        return None


def from_result(kind: str, found):
    """The typed value again from a field of an audited letter's results (its JSON form:
    an ISO date, money as written, a number)."""
    if found is None:
        return None
    if kind == "date":
        try:
            return date.fromisoformat(str(found))
        except ValueError:
            return None
    if kind in ("decimal", "percent") and not isinstance(found, str):
        return Decimal(str(found))
    return value(kind, found) if isinstance(found, str) else found

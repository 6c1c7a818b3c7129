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
    VARIANT = "variant"  # one of a few accepted wordings of a phrase, one of them maybe empty


WORDING = (ValueKind.AGREEMENT, ValueKind.VARIANT)  # holes that are wording of the form, not values


TRIED = (ValueKind.INT, ValueKind.DECIMAL, ValueKind.PERCENT, ValueKind.MONEY, ValueKind.DATE)
NUMERIC = (ValueKind.INT, ValueKind.DECIMAL, ValueKind.MONEY, ValueKind.PERCENT)
# A person's name: an honorific, then capitalised words. Generic English, no letter's vocabulary.
HONORIFICS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Cllr|Rev)"
# Words that open a job title ("Interim Chief Executive"), never part of the name before it
TITLE_WORDS = ("Acting", "Assistant", "Associate", "Chief", "Corporate", "Deputy", "Executive", "Interim", "Joint",
               "Managing", "Principal", "Senior", "Strategic", "Vice")
_NAME_WORD = r"(?!(?:%s)\b)[A-Z][\w'.-]*" % "|".join(TITLE_WORDS)
PERSON_PATTERN = HONORIFICS + r"\.?(?:\s+%s)+?" % _NAME_WORD
_PERSON = re.compile(HONORIFICS + r"\.?(?:\s+%s){1,3}" % _NAME_WORD)  # stricter than the pattern: for typing
# A redaction marker standing where a value was: one or two words of letters in square brackets
# ("[private]", "[REDACTED]", "[УДАЛЕНО]"); never a footnote number or a checkbox
MARKER = re.compile(r"\[[^\W\d_]{3,}(?: [^\W\d_]+)?\]")
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?![\d/.-])")


def withheld(text: str) -> bool:
    """A value that is only a redaction marker (punctuation beside it aside)."""
    return bool(MARKER.fullmatch(text.strip(" .,;:")))


def date_order_of(texts) -> str:
    """"mdy" when the numeric dates of the letters prove it (a second part above 12, as in
    06/22/2018, and no first part above 12); else "dmy", the template language's default."""
    first = second = False
    for text in texts:
        for found in _NUMERIC_DATE.finditer(text):
            a, b = int(found.group(1)), int(found.group(2))
            first |= 12 < a <= 31 and 1 <= b <= 12
            second |= 12 < b <= 31 and 1 <= a <= 12
    return "mdy" if second and not first else "dmy"


def type_of(values: list[str], date_order: str = "dmy") -> ValueKind:
    """The most specific type that (nearly) all the values read as; a redaction marker stands
    for a value of any type."""
    values = [v for v in values if v and not withheld(v)]
    if not values:
        return ValueKind.TEXT
    for kind in TRIED:
        if _share(values, lambda v, kind=kind: value(kind, v, date_order) is not None) >= TYPE_SHARE:
            if kind == ValueKind.DECIMAL and not any("." in v or "-" in v for v in values):
                continue  # decimal for a point or a minus sign (an int is never negative)
            return kind
    if _share(values, _PERSON.fullmatch) >= TYPE_SHARE:
        return ValueKind.PERSON
    return ValueKind.TEXT


def _share(values: list[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values)


def value(kind: ValueKind, raw: str | None, date_order: str = "dmy"):
    """The typed value `check` would read (int, Decimal, Money, date, text); None when the
    text is not one."""
    if raw is None:
        return None
    base = ValueKind.TEXT if kind == ValueKind.PERSON else kind
    try:
        return convert(base, str(raw), date_order)
    except InvalidValue:
        return None


def from_result(kind: ValueKind, found):
    """The typed value again from a field of an audited letter's results (its JSON form:
    an ISO date, money as written, a number)."""
    if found is None:
        return None
    if isinstance(found, list):  # a list's items, one a line
        found = "\n".join(str(item) for item in found)
    if kind == ValueKind.DATE:
        try:
            return date.fromisoformat(str(found))
        except ValueError:
            return None
    if kind in (ValueKind.DECIMAL, ValueKind.PERCENT) and not isinstance(found, str):
        return Decimal(str(found))
    return value(kind, found) if isinstance(found, str) else found

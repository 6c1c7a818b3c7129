"""The kinds of value a template field holds: how each is found in a letter and what it means.

Every type has a base (text, int, decimal, money, percent, date, free). The base decides
the typed value a placeholder's text becomes, and so what a check may do with it:
numbers are exact (int or Decimal, never float), money is an exact amount with its
currency, a percent keeps the precision it was written with (12% or 12.5%).

A placeholder's regex finds a *candidate* (for int: any number, with or without
decimals); `convert` then reads it strictly, so "150.50" where an int belongs is a value
that does not fit its type (a finding), never 150.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

# bounded: a longer run of digits is no figure of a letter, and the patterns stay linear
_NUMBER = r"\d{1,3}(?:,\d{3}){1,5}(?:\.\d{1,6})?|\d{1,15}(?:\.\d{1,6})?"
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
MONTHS = {name: number for number, name in enumerate(_MONTHS, start=1)}
SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR"}
CODES = ("GBP", "USD", "EUR", "CHF", "JPY", "CAD", "AUD")
_SYMBOL_OF = {code: symbol for symbol, code in SYMBOLS.items()}

# Patterns a placeholder uses to find a candidate value; bounded so that they never
# take part of a longer number.
BASE_PATTERNS = {
    "text": r".+?",
    "free": r".*?",
    "int": rf"(?<![\d.,])(?:{_NUMBER})(?![\d])",
    "decimal": rf"(?<![\d.,])-?(?:{_NUMBER})(?![\d])",
    "money": rf"-?(?:[£$€]\s?(?:{_NUMBER})|(?:{_NUMBER})\s?(?:{'|'.join(CODES)}))(?![\d])",
    "percent": rf"(?<![\d.,])(?:{_NUMBER})\s?%",
    "date": r"\d{1,2}(?:st|nd|rd|th)?\s+(?:" + "|".join(m.capitalize() for m in _MONTHS) + r")\s+\d{4}"
            r"|(?:" + "|".join(m.capitalize() for m in _MONTHS) + r")\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
            r"|(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)|(?<![\d/.-])\d{1,2}(?:/\d{1,2}/|\.\d{1,2}\.|-\d{1,2}-)\d{4}(?!\d)",
}
DATE_ORDERS = ("dmy", "mdy")  # how a numeric date 02/08/2022 is read (the template's date_order)
BASES = tuple(BASE_PATTERNS)
NUMERIC_BASES = frozenset({"int", "decimal", "money", "percent"})
# bare numbers: a {{singular|plural}} noun may agree with one; its JSON value is a number (columns sort by it)
PLAIN_NUMBER_BASES = frozenset({"int", "decimal", "percent"})
# What a check may do with a base, for the static type check (audit/expr.py)
DESCRIPTIONS = {
    "text": "text", "free": "text", "int": "a whole number", "decimal": "a number",
    "money": "an amount of money", "percent": "a percentage", "date": "a date",
}

_STRICT_INT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_STRICT_NUMBER = re.compile(rf"-?(?:{_NUMBER})")
_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\s+(\d{4})")
_MONTH_FIRST_DATE = re.compile(r"([A-Za-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")  # September 30, 2013
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")


class InvalidValue(ValueError):
    """The text is not a value of the type; the message says what it is not ("not a whole number")."""


class CurrencyMismatch(ArithmeticError):
    """Money of two currencies met in one calculation."""


@dataclass(frozen=True, order=False)
class Money:
    """An exact amount in a currency (ISO code)."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        amount = self.amount
        if amount.as_tuple().exponent < -2:
            amount = amount.quantize(Decimal("0.01"))
        shown = f"{abs(amount):,}"
        sign = "-" if amount < 0 else ""
        symbol = _SYMBOL_OF.get(self.currency)
        return f"{sign}{symbol}{shown}" if symbol else f"{sign}{shown} {self.currency}"

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"{self} and {other} are in different currencies "
                                   f"({self.currency} and {other.currency})")

    def _amount_of(self, other: Any) -> Decimal:
        if isinstance(other, Money):
            self._same(other)
            return other.amount
        if isinstance(other, (int, Decimal)) and not isinstance(other, bool):
            return Decimal(other)
        raise TypeError(f"cannot compare {self} with {other!r}")

    def __add__(self, other: Any) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Any) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, other: Any) -> Money:
        if isinstance(other, (int, Decimal)) and not isinstance(other, bool):
            return Money(self.amount * other, self.currency)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Money | Decimal:
        if isinstance(other, Money):
            self._same(other)
            return self.amount / other.amount
        if isinstance(other, (int, Decimal)) and not isinstance(other, bool):
            return Money(self.amount / Decimal(other), self.currency)
        return NotImplemented

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Money):
            self._same(other)
            return self.amount == other.amount
        if isinstance(other, (int, Decimal)) and not isinstance(other, bool):
            return self.amount == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __lt__(self, other: Any) -> bool:
        return self.amount < self._amount_of(other)

    def __le__(self, other: Any) -> bool:
        return self.amount <= self._amount_of(other)

    def __gt__(self, other: Any) -> bool:
        return self.amount > self._amount_of(other)

    def __ge__(self, other: Any) -> bool:
        return self.amount >= self._amount_of(other)

    def json(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Withheld:
    """A value the letter withholds: a redaction marker ("[private]") stands where it would be."""

    marker: str

    def __str__(self) -> str:
        return self.marker

    def json(self) -> dict:
        return {"withheld": self.marker}


@lru_cache(maxsize=4096)  # letters of a batch share most of their dates and many figures
def convert(base: str, raw: str, date_order: str = "dmy") -> Any:
    """The typed value of a placeholder's text; raises InvalidValue when it does not fit.
    A numeric date (02/08/2022) is read day first or month first as `date_order` says; an
    ISO date (2022-08-02) always as year, month, day."""
    text = " ".join(raw.split())
    if base == "int":
        if not _STRICT_INT.fullmatch(text):
            raise InvalidValue("not a whole number")
        return int(text.replace(",", ""))
    if base == "decimal":
        return _decimal(text)
    if base == "percent":
        if not text.endswith("%"):
            raise InvalidValue("not a percentage")
        return _decimal(text[:-1].strip())
    if base == "money":
        return money(text)
    if base == "date" and (numeric := _ISO_DATE.fullmatch(text) or _NUMERIC_DATE.fullmatch(text)):
        if numeric.re is _ISO_DATE:
            year, month, day = (int(numeric.group(k)) for k in (1, 2, 3))
        else:
            first, second, year = int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4))
            day, month = (second, first) if date_order == "mdy" else (first, second)
        try:
            return date(year, month, day)
        except ValueError:
            order = "month/day/year" if date_order == "mdy" and numeric.re is _NUMERIC_DATE else "day/month/year"
            raise InvalidValue(f"not a date of the calendar (read as {order})") from None
    if base == "date":
        if found := _DATE.fullmatch(text):
            day, name, year = found.groups()
        elif found := _MONTH_FIRST_DATE.fullmatch(text):
            name, day, year = found.groups()
        month = MONTHS.get(name.lower()) if found else None
        if not month:
            raise InvalidValue("not a date like 22 July 2020")
        try:
            return date(int(year), month, int(day))
        except ValueError:
            raise InvalidValue("not a date of the calendar") from None
    return text


def _decimal(text: str) -> Decimal:
    if not _STRICT_NUMBER.fullmatch(text):
        raise InvalidValue("not a number")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise InvalidValue("not a number") from None


def money(text: str) -> Money:
    text = " ".join(text.split())
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:].lstrip()
    if text[:1] in SYMBOLS:
        return Money(_decimal(sign + text[1:].strip()), SYMBOLS[text[0]])
    amount, _, code = text.rpartition(" ")
    if not amount and len(text) > 3 and text[-3:].isalpha():
        amount, code = text[:-3], text[-3:]
    if code.upper() in CODES:
        return Money(_decimal(sign + amount.strip()), code.upper())
    raise InvalidValue("not an amount of money with its currency (£12.50 or 12.50 GBP)")


def show(value: Any) -> str:
    """A value as a message shows it: exact numbers without float noise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return f"{value.quantize(Decimal(1)):f}"
        shown = value.quantize(Decimal("0.01")) if value.as_tuple().exponent < -2 else value
        return f"{shown.normalize():f}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return f"{value.day} {value.strftime('%B %Y')}"
    if isinstance(value, tuple):
        return "; ".join(show(item) for item in value)
    return str(value)


def json_value(value: Any) -> Any:
    """A typed value as JSON holds it: numbers as numbers, money as written with its currency
    ("£1,234.50"; types.money reads it back)."""
    kind = type(value)
    if kind is int or kind is str or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (Money, Withheld)):
        return value.json()
    if isinstance(value, tuple):
        return [json_value(item) for item in value]
    return value

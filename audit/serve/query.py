"""The worksheet's search language.

    words                 every word in the letter's path or key, or the finding's rule or message
    field:text            the field contains the text (case ignored); "quoted text" may hold spaces
    field:=text           the field is exactly the text (case ignored)
    field:>N  field:<=D   compared as numbers, or as dates (YYYY-MM-DD, YYYY-MM, YYYY)
    -term                 not
    a b                   both
    a OR b                either (AND binds tighter); (parentheses) group

Fields: those of FIELDS below, and every field the batch's templates extract. A field that is
not one of them, or a query that cannot be read, is an error saying so (never "0 matches").
`parse` returns a predicate over a `Row`: one finding with its letter and decision state, or
a letter with no findings (finding None).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class QueryError(ValueError):
    """A query that cannot be read: the message says where and why."""


@dataclass(frozen=True)
class Row:
    """What a query sees of one finding (or of a letter without any)."""

    values: dict  # field name -> value (str, int, Decimal, date, or None)
    words: str  # what a bare word searches, case folded


FINDING_FIELDS = ("rule", "severity", "message", "line", "section", "decision", "reviewer", "decided")
LETTER_FIELDS = ("letter", "path", "template", "status", "reviewed")
FIELDS = FINDING_FIELDS + LETTER_FIELDS

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<open>\() | (?P<close>\)) |
      (?P<term>-?(?:[A-Za-z_][\w.-]*:(?:=|>=|<=|>|<)?)?(?:"[^"]*"?|[^\s()"]*))
    )""", re.X)
_FIELD_TERM = re.compile(r"(?P<neg>-?)(?P<field>[A-Za-z_][\w.-]*):(?P<op>=|>=|<=|>|<)?(?P<value>.*)", re.S)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")

Predicate = Callable[[Row], bool]


def parse(query: str, known_fields: set[str] | frozenset = frozenset()) -> Predicate:
    """The predicate of `query` (an empty query matches everything), or QueryError."""
    tokens = _tokens(query)
    if not tokens:
        return lambda row: True
    parser = _Parser(tokens, set(FIELDS) | set(known_fields))
    predicate = parser.either()
    if parser.position < len(tokens):
        raise QueryError(f"unexpected {tokens[parser.position]!r}: a ')' without its '('?")
    return predicate


def _tokens(query: str) -> list[str]:
    tokens, position = [], 0
    query = query.strip()
    while position < len(query):
        match = _TOKEN.match(query, position)
        if not match or match.end() == position:
            raise QueryError(f"cannot read the query from {query[position:position + 20]!r}")
        text = match.group("open") or match.group("close") or match.group("term")
        if text:
            if text.count('"') % 2:
                raise QueryError(f"a quotation mark is not closed in {text!r}")
            tokens.append(text)
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], fields: set[str]):
        self.tokens, self.position, self.fields = tokens, 0, fields

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def either(self) -> Predicate:
        options = [self.both()]
        while self.peek() == "OR":
            self.position += 1
            if self.peek() in (None, ")", "OR"):
                raise QueryError("OR needs a term on each side")
            options.append(self.both())
        return options[0] if len(options) == 1 else (lambda row: any(p(row) for p in options))

    def both(self) -> Predicate:
        terms = []
        while self.peek() not in (None, ")", "OR"):
            terms.append(self.term())
        if not terms:
            raise QueryError("OR needs a term on each side" if self.peek() == "OR" else "empty parentheses")
        return terms[0] if len(terms) == 1 else (lambda row: all(p(row) for p in terms))

    def term(self) -> Predicate:
        token = self.tokens[self.position]
        self.position += 1
        if token == "-" and self.peek() == "(":  # -(a OR b)
            inner = self.term()
            return lambda row: not inner(row)
        if token == "(":
            inner = self.either()
            if self.peek() != ")":
                raise QueryError("a '(' is not closed")
            self.position += 1
            return inner
        negated = token.startswith("-") and len(token) > 1
        predicate = self.atom(token[1:] if negated else token)
        return (lambda row: not predicate(row)) if negated else predicate

    def atom(self, token: str) -> Predicate:
        match = _FIELD_TERM.fullmatch(token)
        if not match:
            word = _unquote(token).casefold()
            if not word:
                raise QueryError("an empty term")
            return lambda row: word in row.words
        name, op, value = match.group("field").casefold(), match.group("op") or ":", _unquote(match.group("value"))
        if name not in self.fields:
            raise QueryError(f"unknown field {match.group('field')!r}; known fields: {', '.join(sorted(self.fields))}")
        if not value:
            raise QueryError(f"{match.group('field')}:{match.group('op') or ''} needs a value right after it "
                             "(no space)")
        return _comparison(name, op, value)


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _comparison(name: str, op: str, value: str) -> Predicate:
    if op == ":":
        wanted = value.casefold()
        return lambda row: (found := row.values.get(name)) is not None and wanted in _text(found)
    if op == "=":
        wanted = value.casefold()
        target = _as_date(value)
        return lambda row: (found := row.values.get(name)) is not None and (
            _text(found) == wanted or (target is not None and _as_date(found) == target))
    bound = _as_date(value)
    convert = _as_date
    if bound is None:
        bound, convert = _as_number(value), _as_number
    if bound is None:
        raise QueryError(f"{name}:{op}{value}: {op} compares numbers or dates (YYYY-MM-DD), not {value!r}")
    compare = {">": lambda a: a > bound, "<": lambda a: a < bound,
               ">=": lambda a: a >= bound, "<=": lambda a: a <= bound}[op]

    def test(row: Row) -> bool:
        found = row.values.get(name)
        converted = convert(found) if found is not None else None
        return converted is not None and compare(converted)
    return test


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).casefold()


def _as_number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    try:
        return Decimal(str(value).replace(",", "").lstrip("£$€"))
    except (InvalidOperation, ValueError):
        return None


def _as_date(value) -> dt.date | None:
    """A date, or the first day of a month or year given alone."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.fullmatch(str(value)[:10]) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))
    except ValueError:
        return None

"""A tiny, safe expression language for the arithmetic a template declares.

Expressions are parsed with `ast` and only a whitelist of nodes is accepted: numbers and
strings, field names, + - * / // %, comparisons, and/or/not, and a few functions (one
compares names as names: `same_person`, audit/names.py).
They compile once to plain Python closures; nothing is ever passed to `eval`.

Arithmetic is exact: whole numbers stay int, everything else is Decimal (1 / 8 is 0.125,
never 0.12499999), money is an amount with its currency (audit/types.py). When the
template's field types are given, an expression is also checked before it ever runs:
unknown names (with the nearest field suggested), unknown functions, and operations its
types do not allow (money + percent, arithmetic on dates) are refused.
"""
from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from typing import Any

from .names import same_person
from .types import Money

Evaluator = Callable[[Mapping[str, Any]], Any]


class ExpressionError(ValueError):
    """The template holds an expression this language does not accept."""


class Missing(LookupError):
    """A name in the expression has no value in this letter."""


def _number(value: Any) -> Decimal:
    kind = type(value)
    if kind is Decimal:
        return value
    if kind is bool or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{value!r} is not a number")
    return Decimal(value)


def _round_half_up(value: Any, digits: int = 0) -> Any:
    if isinstance(value, Money):
        return Money(_round_half_up(value.amount, digits), value.currency)
    return _number(value).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)


def _year(value: Any) -> int:
    if isinstance(value, date):
        return value.year
    raise TypeError(f"year() needs a date, not {value!r}")


def rounds_to(stated: Any, exact: Any) -> bool:
    """True when `stated` is `exact` rounded to the precision `stated` is written with, by any
    common convention (half up, half even): within half a unit of its last place."""
    if isinstance(stated, Money) or isinstance(exact, Money):
        if not (isinstance(stated, Money) and isinstance(exact, Money)):
            raise TypeError("rounds_to() compares money with money")
        stated._same(exact)
        stated, exact = stated.amount, exact.amount
    stated, exact = _number(stated), _number(exact)
    half_unit = Decimal(1).scaleb(stated.as_tuple().exponent) / 2
    return abs(stated - exact) <= half_unit


def _sum(*values: Any) -> Any:
    return reduce(operator.add, values) if values else 0


def _divide(left: Any, right: Any) -> Any:
    if isinstance(left, Money) or isinstance(right, Money):
        return operator.truediv(left, right)
    return _number(left) / _number(right)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "round": _round_half_up, "abs": abs, "min": min, "max": max, "year": _year,
    "rounds_to": rounds_to, "sum": _sum, "same_person": same_person,
}
_ANY = 1 << 16
# values each function takes: max(x) alone is refused here, not by every letter at run time
ARITY = {"round": (1, 2), "abs": (1, 1), "min": (2, _ANY), "max": (2, _ANY), "year": (1, 1),
         "rounds_to": (2, 2), "sum": (0, _ANY), "same_person": (2, 2)}
MAX_DEPTH = 100  # operations inside operations; a check needs a handful
MAX_CHARS = 2000
MAX_PLACES = 20  # decimal places round() keeps
_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: _divide, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
}


def compile_expression(source: str, types: Mapping[str, str] | None = None) -> tuple[Evaluator, frozenset[str]]:
    """Return an evaluator taking a mapping of names to values, and the names it reads.
    With `types` (name -> base type: int, decimal, money, percent, date, text), unknown
    names and operations the types do not allow are refused here, before any letter."""
    if len(source) > MAX_CHARS:
        raise ExpressionError(f"the expression is {len(source):,} characters long; at most {MAX_CHARS:,} are read")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {_shown(source)}: {exc.msg}") from None
    except (RecursionError, MemoryError):  # the parser's own stack, before it says "too many nested"
        raise ExpressionError(f"{_shown(source)} nests deeper than {MAX_DEPTH} levels") from None
    if _depth(tree.body) > MAX_DEPTH:
        raise ExpressionError(f"{_shown(source)} nests deeper than {MAX_DEPTH} levels (operations inside "
                              "operations); split it into several checks")
    names: set[str] = set()
    evaluator = _build(tree.body, source, names)
    if types is not None:
        for name in sorted(names):
            if name not in types:
                near = difflib.get_close_matches(name, list(types), n=1)
                hint = f" (did you mean `{near[0]}`?)" if near else ""
                raise ExpressionError(f"{source!r} names `{name}`, which is not a field{hint}")
        _kind(tree.body, types, source)
    return evaluator, frozenset(names)


def _depth(node: ast.AST) -> int:
    """How deep the tree goes, found without recursion (evaluating it recurses once a level)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH:
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _shown(source: str) -> str:
    return repr(source) if len(source) <= 80 else repr(source[:77] + "...")


def _build(node: ast.AST, source: str, names: set[str]) -> Evaluator:
    build = lambda child: _build(child, source, names)  # noqa: E731
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)) and not isinstance(node.value, bool):
        value = Decimal(repr(node.value)) if isinstance(node.value, float) else node.value
        return lambda env: value
    if isinstance(node, ast.Name):
        name = node.id
        names.add(name)

        def lookup(env: Mapping[str, Any]) -> Any:
            value = env.get(name)
            if value is None:
                raise Missing(name)
            return value
        return lookup
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op, left, right = _BINARY[type(node.op)], build(node.left), build(node.right)
        return lambda env: op(left(env), right(env))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        operand = build(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda env: -operand(env)
        return lambda env: not operand(env)
    if isinstance(node, ast.BoolOp):
        parts = [build(value) for value in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: all(part(env) for part in parts)
        return lambda env: any(part(env) for part in parts)
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        first = build(node.left)
        rest = [(_COMPARE[type(op)], build(right)) for op, right in zip(node.ops, node.comparators)]

        def compare(env: Mapping[str, Any]) -> bool:
            left = first(env)
            for op, right in rest:
                value = right(env)
                if not op(left, value):
                    return False
                left = value
            return True
        return compare
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        if node.func.id not in FUNCTIONS:
            raise ExpressionError(f"{source!r} calls `{node.func.id}`, which is not a function of the "
                                  f"language (functions: {', '.join(sorted(FUNCTIONS))})")
        low, high = ARITY[node.func.id]
        if not low <= len(node.args) <= high:
            wanted = f"{low}" if low == high else f"at least {low}" if high == _ANY else f"{low} or {high}"
            count = len(node.args)
            raise ExpressionError(f"{_shown(source)}: `{node.func.id}` is given {count} value{'s' * (count != 1)} "
                                  f"in {ast.unparse(node)!r}; it takes {wanted}")
        if node.func.id == "round" and len(node.args) == 2:
            places = node.args[1]
            if not (isinstance(places, ast.Constant) and type(places.value) is int and 0 <= places.value <= MAX_PLACES):
                raise ExpressionError(f"{_shown(source)}: round() takes a whole number of decimal places from 0 "
                                      f"to {MAX_PLACES}, not {ast.unparse(places)}")
        function, args = FUNCTIONS[node.func.id], [build(arg) for arg in node.args]
        return lambda env: function(*(arg(env) for arg in args))
    raise ExpressionError(f"{ast.unparse(node)!r} is not allowed in {source!r}")


# Static kinds: number (int, decimal, percent, literals), money, date, text, bool
_KIND_OF_BASE = {"int": "number", "decimal": "number", "percent": "number", "money": "money",
                 "date": "date", "text": "text", "free": "text", "bool": "bool", "any": "any"}
_SHOWN = {"number": "a number", "money": "money", "date": "a date", "text": "text", "bool": "a truth value"}


def _kind(node: ast.AST, types: Mapping[str, str], source: str) -> str:
    """The kind of value `node` gives, or ExpressionError when its operands do not fit."""
    kind = lambda child: _kind(child, types, source)  # noqa: E731

    def refuse(what: str) -> ExpressionError:
        return ExpressionError(f"{source!r}: {ast.unparse(node)!r} {what}")

    if isinstance(node, ast.Constant):
        return "text" if isinstance(node.value, str) else "number"
    if isinstance(node, ast.Name):
        return _KIND_OF_BASE.get(types[node.id], "text")
    if isinstance(node, ast.UnaryOp):
        inner = kind(node.operand)
        if isinstance(node.op, ast.Not):
            return "bool"
        if inner not in ("number", "money", "any"):
            raise refuse(f"negates {_SHOWN[inner]}")
        return inner
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            kind(value)
        return "bool"
    if isinstance(node, ast.Compare):
        kinds = [kind(node.left), *(kind(c) for c in node.comparators)]
        for left, right in zip(kinds, kinds[1:]):
            if "any" in (left, right) or left == right or {left, right} == {"number", "money"}:
                continue
            raise refuse(f"compares {_SHOWN[left]} with {_SHOWN[right]}")
        return "bool"
    if isinstance(node, ast.BinOp):
        left, right = kind(node.left), kind(node.right)
        if "any" in (left, right):
            return "any"
        if "date" in (left, right):
            raise refuse("does arithmetic on a date (only year(date) is allowed)")
        if "text" in (left, right) or "bool" in (left, right):
            raise refuse("does arithmetic on text")
        op = type(node.op)
        if op in (ast.Add, ast.Sub):
            if left != right:
                raise refuse(f"adds {_SHOWN[left]} and {_SHOWN[right]}" if op is ast.Add
                             else f"subtracts {_SHOWN[right]} from {_SHOWN[left]}")
            return left
        if op is ast.Mult:
            if left == right == "money":
                raise refuse("multiplies money by money")
            return "money" if "money" in (left, right) else "number"
        if op is ast.Div:
            if (left, right) == ("number", "money"):
                raise refuse("divides a number by money")
            return "money" if (left, right) == ("money", "number") else "number"
        if "money" in (left, right):
            raise refuse("uses // or % on money")
        return "number"
    if isinstance(node, ast.Call):
        name, args = node.func.id, [kind(arg) for arg in node.args]
        if name == "year":
            if args != ["date"] and args != ["any"]:
                raise refuse("needs one date")
            return "number"
        if name == "rounds_to":
            if "any" not in args and (args[0] == "money") != (args[1] == "money"):
                raise refuse(f"compares {_SHOWN[args[0]]} with {_SHOWN[args[1]]}")
            if any(a not in ("number", "money", "any") for a in args):
                raise refuse("needs numbers")
            return "bool"
        if name == "same_person":
            if any(a not in ("text", "any") for a in args):
                raise refuse("needs two names: same_person(name, other)")
            return "bool"
        useful = [a for a in args if a != "any"]
        if any(a not in ("number", "money") for a in useful):
            raise refuse("needs numbers or money")
        if name == "round":
            return args[0]
        if len(set(useful)) > 1:
            raise refuse("mixes money and numbers")
        return useful[0] if useful else ("number" if name == "sum" else "any")
    return "any"

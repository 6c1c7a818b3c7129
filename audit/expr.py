"""A tiny, safe expression language for the arithmetic a template declares.

Expressions are parsed with `ast` and only a whitelist of nodes is accepted: numbers and
strings, field names, + - * / // %, comparisons, and/or/not, and a few functions.
They compile once to plain Python closures; nothing is ever passed to `eval`.
"""
from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

Evaluator = Callable[[Mapping[str, Any]], Any]


class ExpressionError(ValueError):
    """The template holds an expression this language does not accept."""


class Missing(LookupError):
    """A name in the expression has no value in this letter."""


def _round_half_up(value: float, digits: int = 0) -> float | int:
    scale = 10**digits
    rounded = math.floor(value * scale + 0.5) / scale
    return int(rounded) if digits == 0 else rounded


def _year(value: Any) -> int:
    if isinstance(value, date):
        return value.year
    raise TypeError(f"year() needs a date, not {value!r}")


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "round": _round_half_up, "abs": abs, "min": min, "max": max, "year": _year,
}
_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
}


def compile_expression(source: str) -> tuple[Evaluator, frozenset[str]]:
    """Return an evaluator taking a mapping of names to values, and the names it reads."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.msg}") from None
    names: set[str] = set()
    return _build(tree.body, source, names), frozenset(names)


def _build(node: ast.AST, source: str, names: set[str]) -> Evaluator:
    build = lambda child: _build(child, source, names)  # noqa: E731
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
        value = node.value
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
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in FUNCTIONS and not node.keywords):
        function, args = FUNCTIONS[node.func.id], [build(arg) for arg in node.args]
        return lambda env: function(*(arg(env) for arg in args))
    raise ExpressionError(f"{ast.unparse(node)!r} is not allowed in {source!r}")

"""What a letter should read where one value settles a finding: the figure a check computes
for the field it calls into question, the value the data file gives, the noun a number agrees
with. Read from the finding's evidence only, so every report (the HTML report, the served
worksheet) says the same; a finding whose evidence settles no single value has none.

A check settles a value when it reads `FIELD == EXPRESSION` or `rounds_to(FIELD, EXPRESSION)`
(after any guard: `x == 0 or FIELD == ...`) and its message computes exactly one figure, or
when it reads `FIELD == OTHER_FIELD`: the field the message names first is the one to correct,
if the other figures are right.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass


MAX_CHECK_CHARS = 1000  # a template's check is a line; anything longer is not read


@dataclass(frozen=True)
class ShouldRead:
    value: str  # what the letter should say
    written: str  # what it says
    field: str | None  # the field it is the value of, if any
    line: int | None  # where the letter says it
    basis: str  # why: plain words

    def sentence(self) -> str:
        where = ", ".join(part for part in (_plain(self.field), f"line {self.line}" if self.line else "") if part)
        return f"Should read “{self.value}”{f' ({where})' if where else ''}, not “{self.written}”{self.basis}."

    def json(self) -> dict:
        return {"value": self.value, "written": self.written, "field": self.field, "line": self.line,
                "sentence": self.sentence()}


def should_read(finding) -> ShouldRead | None:
    evidence = getattr(finding, "evidence", None)
    if not isinstance(evidence, Mapping) or not evidence:
        return None
    try:
        if "check" in evidence and "fields" in evidence:
            return _from_check(evidence)
        if {"field", "letter", "data"} <= evidence.keys():
            return _changed(str(evidence["data"]), str(evidence["letter"]), str(evidence["field"]),
                            finding.line, ", as the data file gives it")
        if {"number", "noun", "expected"} <= evidence.keys():
            return _changed(f"{evidence['number']} {evidence['expected']}", f"{evidence['number']} {evidence['noun']}",
                            None, finding.line, "")
    except (TypeError, ValueError, KeyError, AttributeError):  # evidence of another shape: nothing to say
        return None
    return None


def _changed(value: str, written: str, field: str | None, line, basis: str) -> ShouldRead | None:
    if not value or value == written:
        return None
    return ShouldRead(value, written, field, line if isinstance(line, int) else None, basis)


def _from_check(evidence: Mapping) -> ShouldRead | None:
    fields, source = evidence["fields"], str(evidence["check"])
    if not isinstance(fields, Mapping) or len(source) > MAX_CHECK_CHARS:  # a run's JSON is untrusted input
        return None
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, RecursionError):
        return None
    if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.Or):
        tree = tree.values[-1]  # the guards come first: `investigations == 0 or ...`
    computed = [str(v) for v in evidence.get("computed") or () if str(v) != "?"]
    target = expected = None
    if isinstance(tree, ast.Compare) and len(tree.ops) == 1 and isinstance(tree.ops[0], ast.Eq) \
            and isinstance(tree.left, ast.Name):
        target, right = tree.left.id, tree.comparators[0]
        if isinstance(right, ast.Name) and right.id in fields:
            expected = str(fields[right.id]["value"])
        elif len(computed) == 1 and not isinstance(right, ast.Constant):
            expected = computed[0]
    elif isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id == "rounds_to" \
            and len(tree.args) == 2 and isinstance(tree.args[0], ast.Name) and len(computed) == 1:
        target, expected = tree.args[0].id, computed[0]
    if target not in fields or expected is None:
        return None
    written = str(fields[target]["value"])
    if written.endswith("%") and not expected.endswith("%"):
        expected += "%"
    others = [name for name in fields if name != target]
    basis = f", if {_and([_plain(name) for name in others])} {'is' if len(others) == 1 else 'are'} right" if others else ""
    return _changed(expected, written, target, fields[target].get("line"), basis)


def _plain(name: str | None) -> str | None:
    """A field's name as a reviewer reads it: `upheld_decisions` is "upheld decisions"."""
    return name and name.replace("_", " ")


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

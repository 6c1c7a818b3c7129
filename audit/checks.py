"""Evaluate what a template declares about one letter: its checks and its field conflicts.

One function, `evaluate_checks`, from the template and the letter's quoted values to the
failures. A check that does not hold is a failure of its rule; money of two currencies in
one check is a failure too, with a message that says so. A check that cannot be evaluated
at all (a type error, a division by zero its guard does not cover) is never skipped: it
becomes a failure of `internal-error` naming the template, the check and the values.
A check whose fields the letter does not quote is not evaluated: the missing text is
reported by the rules about missing and changed paragraphs.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .expr import Missing
from .models import Value
from .template import Check, Template
from .types import CurrencyMismatch, json_value, show


@dataclass(frozen=True)
class CheckFailure:
    rule: str
    message: str
    anchors: tuple[Value, ...]  # the quoted values it is about, the one in question first
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def excerpt(self) -> str:
        return "; ".join(f"{v.field} = {v.raw} (line {v.line})" for v in self.anchors)


def evaluate_checks(template: Template, fields_by_name: dict[str, list[Value]]) -> list[CheckFailure]:
    failures = [f for spec in template.fields.values() if (f := _conflict(spec, fields_by_name.get(spec.name, [])))]
    env = dict(template.constants)
    env.update({name: values[0].value for name, values in fields_by_name.items() if values})
    for check in template.checks:
        if any(env.get(name) is None for name in check.names):
            continue
        failure = _evaluate(template, check, env, fields_by_name)
        if failure is not None:
            failures.append(failure)
    return failures


def _conflict(spec, values: list[Value]) -> CheckFailure | None:
    if len({v.value for v in values}) < 2:
        return None
    usual = Counter(v.value for v in values).most_common(1)[0][0]
    odd = next(v for v in values if v.value != usual)
    quoted = ", ".join(f"{v.raw} (line {v.line})" for v in values)
    return CheckFailure(
        spec.conflict or "field-conflict", f"{spec.name} is quoted with different values: {quoted}.",
        (odd, *(v for v in values if v is not odd)),
        {"field": spec.name, "values": [{"value": v.raw, "line": v.line} for v in values]})


def _evaluate(template: Template, check: Check, env: dict[str, Any],
              fields_by_name: dict[str, list[Value]]) -> CheckFailure | None:
    anchors = tuple(values[0] for n in check.named if n in template.fields if (values := fields_by_name.get(n)))
    evidence = {
        "expression": check.source,
        "fields": [{"field": v.field, "value": v.raw, "line": v.line} for v in anchors],
    }
    try:
        holds = check.evaluate(env)
    except CurrencyMismatch as exc:
        return CheckFailure(check.rule, f"{render(check, env, fields_by_name)} (The check “{check.source}” "
                                        f"cannot hold: it mixes currencies, {exc}.)", anchors,
                            {**evidence, "problem": str(exc)})
    except Missing:
        return None
    except Exception as exc:  # noqa: BLE001 - a template's check that cannot run is reported, never skipped
        values = ", ".join(f"{v.field} = {v.raw}" for v in anchors) or "no values"
        reason = "division by zero" if isinstance(exc, ZeroDivisionError) else f"{type(exc).__name__}: {exc}"
        return CheckFailure(
            "internal-error",
            f"The check “{check.source}” of the template {template.name!r} (line {check.line}) could not be "
            f"evaluated with {values}: {reason}.", anchors,
            {**evidence, "template": template.name, "exception": f"{type(exc).__name__}: {exc}"})
    if holds:
        return None
    computed = [json_value(v) for kind, part in check.message if kind == "value" if (v := _value(part, env)) is not None]
    return CheckFailure(check.rule, render(check, env, fields_by_name), anchors,
                        {**evidence, "computed": computed} if computed else evidence)


def render(check: Check, env: dict[str, Any], fields_by_name: dict[str, list[Value]]) -> str:
    """The check's message: each field as the letter wrote it, each {=expression} computed."""
    out = []
    for kind, part in check.message:
        if kind == "text":
            out.append(part)
        elif kind == "field":
            found = fields_by_name.get(part)
            out.append(found[0].raw if found else show(env.get(part, f"{{{part}}}")))
        else:
            value = _value(part, env)
            out.append("?" if value is None else show(value))
    return "".join(out)


def _value(evaluate, env: dict[str, Any]) -> Any:
    try:
        return evaluate(env)
    except Exception:  # noqa: BLE001 - a message's computed part is shown as "?" when it cannot be computed
        return None

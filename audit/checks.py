"""The arithmetic and consistency a template declares, evaluated over one letter's fields.

A field quoted twice with different values (rule `field-conflict`, or the one the field
names), or a check whose expression does not hold (its rule, `check-failed` by default), is
a CheckFailure. Money of two currencies in one check fails it, with a message that says so.
A check that cannot be evaluated at all (a type error, a division by zero its guard did not
catch) is a failure of rule internal-error naming the template, the check and the values:
never a silent skip, since a skipped check would pass the letter. A check whose fields the
letter does not quote is skipped: other rules report what is missing. A field quoted with
different values is one finding, the conflict: the checks see the value most quotations give
(an edited quotation is not also a broken check), and skip the field when no value has a
majority.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import InvalidOperation
from collections.abc import Callable
from typing import Any, Mapping

from .evidence import Evidence
from .expr import Missing
from .models import INTERNAL_ERROR, Fields, Value
from .template import MessagePart
from .types import CurrencyMismatch, Withheld, show

FIELD_CONFLICT = "field-conflict"
WITHHELD_VALUE = "withheld-value"


@dataclass(frozen=True)
class Quoted(Evidence):
    """A value as the letter wrote it, and where."""

    value: str
    line: int


@dataclass(frozen=True)
class QuotedDifferently(Evidence):
    """A field the letter quotes with different values, in the letter's order (field-conflict)."""

    field: str
    values: tuple[Quoted, ...]


@dataclass(frozen=True)
class NotEvaluated(Evidence):
    """A check left out because values it needs are withheld (withheld-value)."""

    check: str
    withheld: Mapping[str, Quoted]


@dataclass(frozen=True)
class DoesNotHold(Evidence):
    """A check that does not hold: the values it read and what its message computed."""

    check: str
    fields: Mapping[str, Quoted]
    computed: tuple[str, ...]


@dataclass(frozen=True)
class CurrenciesMixed(Evidence):
    """A check whose money is of two currencies."""

    check: str
    fields: Mapping[str, Quoted]
    problem: str


@dataclass(frozen=True)
class CannotRun(Evidence):
    """A check that cannot be evaluated (internal-error): the exception it raised."""

    check: str
    fields: Mapping[str, Quoted]
    template: str
    exception: str


@dataclass(frozen=True)
class CheckFailure:
    rule: str
    message: str
    anchors: tuple[Value, ...]  # the quotations it is about, the one to point at first
    evidence: Evidence = field(compare=False)

    @property
    def excerpt(self) -> str:
        if isinstance(self.evidence, QuotedDifferently):  # in the letter's order
            return "; ".join(f"line {q.line}: {q.value}" for q in self.evidence.values)
        return "; ".join(f"{v.field} = {v.raw} (line {v.line})" for v in self.anchors)


def evaluate_checks(template, fields: Fields) -> list[CheckFailure]:
    failures = []
    env = fields.environment(template.constants)
    settled: dict[str, Value] = {}  # a field quoted differently: the quotation most of them agree with
    unsettled = set()
    for spec in template.fields.values():
        values = tuple(v for v in fields.values.get(spec.name, ()) if not isinstance(v.value, Withheld))
        if len(values) > 1 and len({v.value for v in values}) > 1:
            quoted = ", ".join(f"{v.raw} (line {v.line})" for v in values)
            usual, count = Counter(v.value for v in values).most_common(1)[0]
            odd = next(v for v in values if v.value != usual)  # the first that differs from the most quoted
            failures.append(CheckFailure(
                spec.conflict or FIELD_CONFLICT, f"{spec.name} is quoted with different values: {quoted}.",
                (odd, *(v for v in values if v is not odd)),
                QuotedDifferently(spec.name, tuple(_quoted(v) for v in values))))
            # one edited quotation is one finding: the checks see the value most quotations give,
            # and skip a field whose quotations have no majority (the conflict says which to verify)
            if count * 2 > len(values):
                settled[spec.name] = next(v for v in values if v.value == usual)
                env[spec.name] = usual
            else:
                unsettled.add(spec.name)
    for check in template.checks:
        if any(env.get(name) is None or name in unsettled for name in check.names):
            continue
        withheld = sorted(name for name in check.names if isinstance(env.get(name), Withheld))
        if withheld:
            failures.append(_not_evaluated(check, fields, withheld))
            continue
        try:
            if check.evaluate(env):
                continue
            problem = None
        except Missing:
            continue
        except MemoryError:  # the letter's memory budget: the worker reports it (audit/workers.py)
            raise
        except Exception as exc:  # noqa: BLE001 - a check that cannot run is reported, never skipped
            problem = exc
        failures.append(_failure(template, check, lambda name: settled.get(name) or fields.first(name), env, problem))
    return failures


def _not_evaluated(check, fields: Fields, withheld: list[str]) -> CheckFailure:
    """A check the letter cannot be held to: a value it needs is withheld (a redaction marker)."""
    shown = tuple(fields.first(name) for name in withheld)
    named = ", ".join(f"{v.field} ({v.raw}, line {v.line})" for v in shown)
    return CheckFailure(WITHHELD_VALUE, f"The check “{check.source}” was not evaluated: "
                                        f"{'the value' if len(shown) == 1 else 'the values'} of {named} "
                                        f"{'is' if len(shown) == 1 else 'are'} withheld.",
                        shown, NotEvaluated(check.source, {v.field: _quoted(v) for v in shown}))


def _failure(template, check, quotation: Callable[[str], Value | None], env: dict[str, Any],
             problem: Exception | None) -> CheckFailure:
    """The failure of a check that does not hold (problem None), mixes currencies or cannot run;
    its evidence is built only now, for the few checks that fail. `quotation(name)`: the field's
    quotation the check read (the first, or the one most quotations agree with)."""
    # point at the field the message names first: the figure it calls into question
    shown = tuple(v for n in check.named if n in template.fields if (v := quotation(n)))
    quoted = {v.field: _quoted(v) for v in shown}
    if problem is None:
        return CheckFailure(check.rule, render(check, quotation, env), shown,
                            DoesNotHold(check.source, quoted, _computed(check, env)))
    if isinstance(problem, CurrencyMismatch):
        return CheckFailure(check.rule, f"The check “{check.source}” cannot hold: {problem}.", shown,
                            CurrenciesMixed(check.source, quoted, str(problem)))
    reason = ("division by zero" if isinstance(problem, ZeroDivisionError) else
              "the arithmetic has no defined result" if isinstance(problem, InvalidOperation)
              else f"{type(problem).__name__}: {problem}")
    values = ", ".join(f"{v.field} = {v.raw}" for v in shown) or "no values"
    return CheckFailure(
        INTERNAL_ERROR,
        f"The check “{check.source}” of the template {template.name!r} (line {check.line}) could not "
        f"be evaluated with {values}: {reason}. The template's check needs a guard or a fix.",
        shown, CannotRun(check.source, quoted, template.name, f"{type(problem).__name__}: {problem}"))


def render(check, quotation: Callable[[str], Value | None], env: dict[str, Any]) -> str:
    """The check's message: each field as the letter wrote it (`quotation`), each {=expression}
    computed."""
    out, number = [], None  # number: the last value shown, which a {singular|plural} agrees with
    for kind, part in check.message:
        if kind == MessagePart.TEXT:
            out.append(part)
        elif kind == MessagePart.AGREE:
            out.append(part[0] if number == 1 else part[1])
        elif kind == MessagePart.FIELD:
            found = quotation(part)
            number = found.value if found else env.get(part)
            out.append(found.raw if found else show(env.get(part, f"{{{part}}}")))
        else:
            number = _safe(part, env)
            out.append("?" if number is None else show(number))
    return "".join(out)


def _computed(check, env) -> tuple[str, ...]:
    """Each {=expression} of the message, as the message shows it ("?" when it cannot be computed)."""
    return tuple(("?" if (value := _safe(part, env)) is None else show(value))
                 for kind, part in check.message if kind == MessagePart.VALUE)


def _safe(evaluator, env):
    try:
        return evaluator(env)
    except Exception:  # noqa: BLE001 - a message's computed part is shown as "?" when it cannot be computed
        return None


def _quoted(value: Value) -> Quoted:
    return Quoted(value.raw, value.line)

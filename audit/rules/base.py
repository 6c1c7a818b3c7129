"""What every rule sees of a letter, and the evaluation of the checks a template declares."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..align import Alignment
from ..expr import Missing
from ..extract import Extraction
from ..models import Document, Finding, RawLetter, Value
from ..template import Template

EXCERPT_CHARS = 160


@dataclass
class LetterContext:
    raw: RawLetter
    document: Document | None = None
    template: Template | None = None
    alignment: Alignment | None = None
    extraction: Extraction | None = None
    unrecognised: str | None = None  # why no template fits

    @cached_property
    def environment(self) -> dict[str, Any]:
        return self.extraction.environment(self.template.constants) if self.extraction else {}

    @cached_property
    def declared_problems(self) -> list[tuple[str, str, Value | None, str]]:
        """(rule, message, value to point at, evidence) for each failed check or field conflict."""
        if self.extraction is None:
            return []
        problems = []
        for spec in self.template.fields.values():
            values = self.extraction.values.get(spec.name, [])
            if spec.conflict and len({v.value for v in values}) > 1:
                quoted = ", ".join(f"{v.raw} (line {v.line})" for v in values)
                problems.append((spec.conflict, f"{spec.name} is quoted with different values: {quoted}.",
                                 _odd_one_out(values),
                                 "; ".join(f"line {v.line}: {v.raw}" for v in values)))
        for check in self.template.checks:
            env = self.environment
            if any(env.get(name) is None for name in check.names):
                continue
            try:
                holds = check.evaluate(env)
            except (Missing, ArithmeticError, TypeError):
                continue
            if not holds:
                # point at the field the message names first: the figure it calls into question
                anchors = [v for n in check.named if n in self.template.fields if (v := self.extraction.first(n))]
                evidence = "; ".join(f"{v.field} = {v.raw} (line {v.line})" for v in anchors)
                problems.append((check.rule, self.render(check), anchors[0] if anchors else None, evidence))
        return problems

    def render(self, check) -> str:
        """The check's message: each field as the letter wrote it, each {=expression} computed."""
        out = []
        for kind, part in check.message:
            if kind == "text":
                out.append(part)
            elif kind == "field":
                found = self.extraction.first(part) if self.extraction else None
                out.append(found.raw if found else str(self.environment.get(part, f"{{{part}}}")))
            else:
                try:
                    value = part(self.environment)
                except (Missing, ArithmeticError, TypeError):
                    value = "?"
                out.append(f"{value:g}" if isinstance(value, float) else str(value))
        return "".join(out)


def _odd_one_out(values: list[Value]) -> Value:
    """The first value that differs from the one most often quoted."""
    usual = Counter(v.value for v in values).most_common(1)[0][0]
    return next(v for v in values if v.value != usual)


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def declared_findings(ctx: LetterContext, rule: str, severity: str) -> list[Finding]:
    """Findings for the checks and field conflicts that a template assigns to `rule`."""
    findings = []
    for name, message, value, evidence in ctx.declared_problems:
        if name == rule:
            line = value.line if value else 1
            section = section_at(ctx, line)
            findings.append(Finding(rule, severity, message, line, section, evidence))
    return findings


def section_at(ctx: LetterContext, line: int) -> str | None:
    """The template section the letter is in at `line`."""
    if ctx.alignment is None:
        return None
    section = None
    for pair in ctx.alignment.pairs:
        if pair.para is not None and pair.para.line <= line and pair.template is not None:
            section = pair.template.section
    return section


@dataclass
class RuleInfo:
    """A rule as the catalogue shows it; `check` yields findings for one letter, `check_batch`
    (batch rules) yields (result, finding) pairs for the whole batch."""

    id: str
    severity: str
    summary: str
    doc: str
    hint: str
    check: Any = field(repr=False)
    batch: bool = False
    check_batch: Any = field(default=None, repr=False)

"""What every rule sees of a letter, and the evaluation of the checks a template declares."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..align import Alignment
from ..checks import evaluate_checks
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
    def declared_problems(self) -> list:
        """The failed checks and field conflicts of the letter (audit/checks.py)."""
        if self.extraction is None:
            return []
        return evaluate_checks(self.template, self.extraction.values)


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def declared_findings(ctx: LetterContext, rule: str, severity: str) -> list[Finding]:
    """Findings for the checks and field conflicts that a template assigns to `rule`."""
    findings = []
    for failure in ctx.declared_problems:
        if failure.rule == rule:
            line = failure.anchors[0].line if failure.anchors else 1
            findings.append(Finding(rule, severity, failure.message, line, section_at(ctx, line), failure.excerpt))
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
    template: str | None = None  # the template that declares the rule; None for a built-in rule

"""The rule framework: run each rule on a letter in isolation and turn what it reports into findings.

A rule yields Issues anchored to what they are about (a row of the alignment, a paragraph,
a quoted value, a line); the framework derives line, end line, page, section and excerpt
from the anchor, once, for every rule alike. A rule that raises yields one internal-error
finding naming it, and the other rules still run: a bug never passes a letter and never
hides its other findings.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

from ..evidence import Evidence, evidence_json
from ..models import INTERNAL_ERROR, Finding, Issue, Letter, Pair, Paragraph, Value, excerpt, page_at


@dataclass(frozen=True)
class RuleInfo:
    """A rule as the catalogue shows it; `check` yields Issues for one letter, `check_batch`
    (batch rules) yields (result, Finding) pairs for the whole batch."""

    id: str
    severity: str
    summary: str
    doc: str
    hint: str
    check: Any = field(repr=False)
    batch: bool = False
    check_batch: Any = field(default=None, repr=False)
    template: str | None = None  # the template that declares the rule; None for a built-in rule


@dataclass(frozen=True)
class Crashed(Evidence):
    """What raised, and how (internal-error); the traceback is for the bug report."""

    rule: str  # what failed: "The rule missing-paragraph", "The understand stage"
    exception: str
    traceback: str


def run_rules(letter: Letter, rules, severity_of) -> list[Finding]:
    """Every rule's findings for the letter, sorted by line; `severity_of(rule_id, default)`."""
    page_starts = letter.document.page_starts if letter.document else letter.raw.page_starts
    findings = []
    for rule in rules:
        if rule.check is None:
            continue
        severity = severity_of(rule.id, rule.severity)
        try:
            for issue in rule.check(letter):
                findings.append(to_finding(rule.id, severity, issue, page_starts))
        except MemoryError:  # the letter's memory budget: the worker reports it (audit/workers.py)
            raise
        except Exception as exc:  # noqa: BLE001 - a crashing rule is reported, never lost
            findings.append(crash_finding(f"The rule {rule.id}", exc))
    findings.sort(key=lambda f: f.line)
    return findings


def crash_finding(what: str, exc: BaseException) -> Finding:
    """The finding that stands for a rule (or a stage) that raised on this letter: always an
    error, whatever --select, --ignore or --severity say, since it means nothing was checked."""
    return Finding(
        INTERNAL_ERROR, "error",
        f"{what} failed on this letter ({type(exc).__name__}: {_short(exc)}); what it checks was "
        "not checked here. This is a bug in letter-audit or in the template: please report it.",
        1, evidence=Crashed(what, f"{type(exc).__name__}: {_short(exc)}", traceback.format_exc(limit=20)).json())


def to_finding(rule: str, severity: str, issue: Issue, page_starts: tuple[int, ...] = ()) -> Finding:
    line, end_line, section, shown = locate(issue.anchor)
    return Finding(rule, severity, issue.message, line, section,
                   issue.excerpt if issue.excerpt is not None else shown, issue.diff,
                   end_line, page_at(page_starts, line), evidence_json(issue.evidence))


def locate(anchor) -> tuple[int, int, str | None, str]:
    """(line, end line, section, excerpt) of what an issue is about."""
    if isinstance(anchor, Pair):
        text = anchor.para.text if anchor.para is not None else anchor.template.skeleton
        return anchor.line, anchor.end_line, anchor.section, excerpt(text)
    if isinstance(anchor, Paragraph):
        return anchor.line, anchor.end_line, None, excerpt(anchor.text)
    if isinstance(anchor, Value):
        return anchor.line, anchor.line, anchor.section, f"{anchor.field} = {anchor.raw}"
    if isinstance(anchor, int):
        return anchor, anchor, None, ""
    return 1, 1, None, ""


def declared_issues(letter: Letter, rule: str):
    """Issues for the checks and field conflicts that a template assigns to `rule` (evaluated
    once per letter, by the pipeline's checks stage)."""
    for failure in letter.failures:
        if failure.rule == rule:
            yield Issue(failure.message, failure.anchors[0] if failure.anchors else None,
                        failure.evidence, excerpt=failure.excerpt)


def opening(letter: Letter, limit: int = 160) -> str:
    """The start of the letter's first paragraph: the excerpt of a finding about the whole document."""
    paragraphs = letter.document.paragraphs if letter.document else ()
    return paragraphs[0].text[:limit] if paragraphs else ""


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."

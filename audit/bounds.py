"""Findings cut to what a person reads: a window of context around each change.

A letter with a megabyte-long changed paragraph would otherwise carry that megabyte in its
finding's evidence, twice (the template's text and the letter's) and again in the diff, and
on into every output. So each finding leaves the worker bounded: in a word diff, unchanged
text keeps CONTEXT characters on each side of a change, a change itself CHANGE characters;
the evidence's template and letter text are the two sides of that cut diff; any other text
(the message, other evidence, a field's value) keeps TEXT characters. What is cut is said:
"… N characters more …". A letter lists at most PER_RULE findings of one rule; one more
finding counts the rest. The finding's fingerprint is computed from the full evidence before the cut, so
a finding's identity (baseline, SARIF) does not depend on the cut.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .evidence import Evidence
from .fingerprints import fingerprint
from .models import Finding, LetterResult

CONTEXT = 200  # characters of unchanged text kept on each side of a change
CHANGE = 1000  # characters of one change
TEXT = 2000  # characters of a message or any other text of the evidence, or of a field's value
PER_RULE = 100  # findings of one rule listed for one letter
_SIDES = {"template": "+", "text": "-"}  # evidence key -> the diff runs that are not part of it


@dataclass(frozen=True)
class MoreFindings(Evidence):
    """The findings of one rule past PER_RULE in a letter: how many, from which line."""

    more: int
    first_line: int


def more(count: int) -> str:
    return f" … {count:,} characters more … "


def clip(text: str, limit: int = TEXT) -> str:
    """The text's first `limit` characters, and how many more there were."""
    return text if len(text) <= limit else text[:limit] + more(len(text) - limit).rstrip()


def bounded(finding: Finding, result: LetterResult) -> Finding:
    """The finding with its diff, evidence and message cut to their bounds (unchanged when
    already within them); a cut finding carries the fingerprint of its full evidence."""
    diff = _diff(finding.diff) if finding.diff is not None else None
    evidence = _evidence(finding.evidence, diff if diff != finding.diff else None)
    message = clip(finding.message)
    if diff == finding.diff and evidence is finding.evidence and message == finding.message:
        return finding
    return replace(finding, message=message, diff=diff, evidence=evidence,
                   identity=fingerprint(result, finding))


def bounded_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Field values cut to TEXT characters (a name, a date, a figure is far shorter)."""
    if not any(isinstance(v, str) and len(v) > TEXT for v in fields.values()):
        return fields
    return {name: clip(v) if isinstance(v, str) else v for name, v in fields.items()}


def bounded_findings(findings: list[Finding], result: LetterResult) -> list[Finding]:
    """Each finding bounded, and at most PER_RULE of one rule listed: the rest of that rule's
    findings become one finding saying how many more, and on which lines."""
    kept, over = [], {}
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
        if counts[finding.rule] <= PER_RULE:
            kept.append(bounded(finding, result))
        else:
            over.setdefault(finding.rule, []).append(finding)
    for rule, rest in over.items():
        lines = [f.line for f in rest]
        kept.append(Finding(rule, rest[0].severity,
                            f"{len(rest):,} more {rule} findings in this letter, on lines {min(lines)} to "
                            f"{max(lines)}, are not listed one by one (only the first {PER_RULE} are).",
                            min(lines), end_line=max(lines), page=rest[0].page,
                            evidence=MoreFindings(len(rest), min(lines)).json()))
    if over:
        kept.sort(key=lambda f: f.line)
    return kept


def _diff(diff: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    last = len(diff) - 1
    cut = []
    for index, (op, text) in enumerate(diff):
        if op != "=":
            cut.append((op, clip(text, CHANGE)))
        elif len(text) <= 2 * CONTEXT:
            cut.append((op, text))
        elif index == 0:  # before the first change: its end
            cut.append((op, more(len(text) - CONTEXT).lstrip() + text[-CONTEXT:]))
        elif index == last:  # after the last change: its start
            cut.append((op, text[:CONTEXT] + more(len(text) - CONTEXT).rstrip()))
        else:
            cut.append((op, text[:CONTEXT] + more(len(text) - 2 * CONTEXT) + text[-CONTEXT:]))
    cut = tuple(cut)
    return diff if cut == tuple(diff) else cut


def _evidence(evidence, cut_diff) -> Any:
    """Evidence with long text cut; the template's and the letter's text, when a cut diff
    stands for them, rebuilt from it (so they show the same windows)."""
    changed = False
    out = {}
    for key, value in evidence.items():
        if cut_diff is not None and key in _SIDES and isinstance(value, str):
            new = "".join(text for op, text in cut_diff if op != _SIDES[key])
        else:
            new = _value(value)
        changed = changed or new is not value
        out[key] = new
    return out if changed else evidence


def _value(value):
    if isinstance(value, str):
        return clip(value) if len(value) > TEXT else value
    if isinstance(value, dict):
        items = {k: _value(v) for k, v in value.items()}
        return items if any(items[k] is not v for k, v in value.items()) else value
    if isinstance(value, (list, tuple)):
        items = [_value(v) for v in value]
        return type(value)(items) if any(a is not b for a, b in zip(items, value)) else value
    return value

"""Stage 6: turn the batch's results into outputs. Every format reads the same records.

A format is a module with NAME and write(results, summary, stream); FORMATS maps names
to them, so adding a format is adding a module, not another branch somewhere.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field

from ..models import SEVERITIES, LetterResult, ResultKind, status_by_severity

FORMAT_MODULES = ("as_text", "as_json", "as_csv", "as_junit", "as_sarif", "as_github")
FORMAT_NAMES = sorted(module.removeprefix("as_") for module in FORMAT_MODULES)


@dataclass
class Summary:
    letters: int = 0
    statuses: Counter = field(default_factory=Counter)  # pass / warn / fail -> letters
    severities: Counter = field(default_factory=Counter)  # error / warning / info -> findings
    rules: dict[str, Counter] = field(default_factory=dict)  # rule -> severity -> findings
    catalogue: dict = field(default_factory=dict, repr=False)  # the run's rules, for their hints
    money: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)  # money_fields of the run

    @classmethod
    def of(cls, results: list[LetterResult], catalogue: dict | None = None,
           money: dict[str, frozenset[str]] | None = None) -> "Summary":
        """The counts of a run; `catalogue`: the run's rules (Settings.rules), for their hints;
        `money`: its templates' money fields (money_fields), which JSON gives as amount and currency."""
        summary = cls(catalogue=dict(catalogue or {}), money=dict(money or {}))
        for result in results:
            summary.add(result)
        return summary

    def add(self, result: LetterResult) -> None:
        """Count one more result."""
        self.add_tally(result.kind == ResultKind.LETTER, [(f.rule, f.severity) for f in result.findings])

    def add_tally(self, letter: bool, findings) -> None:
        """Count one more result from its (rule, severity) pairs; `letter`: not a carrier of
        findings about the batch."""
        if letter:
            self.letters += 1
            self.statuses[status_by_severity(severity for _, severity in findings)] += 1
        for rule, severity in findings:
            self.severities[severity] += 1
            self.rules.setdefault(rule, Counter())[severity] += 1

    def json(self) -> dict:
        return {
            "letters": self.letters,
            "pass": self.statuses["pass"], "warn": self.statuses["warn"], "fail": self.statuses["fail"],
            "findings": {s: self.severities[s] for s in SEVERITIES},
            "rules": {rule: dict(sorted(c.items())) for rule, c in sorted(self.rules.items())},
        }


def money_fields(templates) -> dict[str, frozenset[str]]:
    """Template name -> its fields of money (JSON gives them as amount and currency)."""
    return {t.name: frozenset(name for name, spec in t.fields.items() if spec.base == "money") for t in templates}


@lru_cache(maxsize=1)
def formats() -> dict:
    modules = [importlib.import_module(f"{__name__}.{name}") for name in FORMAT_MODULES]
    return {module.NAME: module for module in modules}

"""Stage 6: turn the batch's results into outputs. Every format reads the same records.

A format is a module with NAME and write(results, summary, stream); FORMATS maps names
to them, so adding a format is adding a module, not another branch somewhere.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field

from ..models import LetterResult, ResultKind, SEVERITIES

FORMAT_MODULES = ("as_text", "as_json", "as_csv", "as_junit", "as_sarif", "as_github")
FORMAT_NAMES = sorted(module.removeprefix("as_") for module in FORMAT_MODULES)


@dataclass
class Summary:
    letters: int = 0
    statuses: Counter = field(default_factory=Counter)  # pass / warn / fail -> letters
    severities: Counter = field(default_factory=Counter)  # error / warning / info -> findings
    rules: dict[str, Counter] = field(default_factory=dict)  # rule -> severity -> findings
    catalogue: dict = field(default_factory=dict, repr=False)  # the run's rules, for their hints
    money: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)  # template -> its money fields

    @classmethod
    def of(cls, results: list[LetterResult], catalogue: dict | None = None, templates=()) -> "Summary":
        """The counts of a run; `catalogue`: the run's rules (Settings.rules), for their hints;
        `templates`: the run's, for the fields JSON gives as amount and currency."""
        summary = cls(catalogue=dict(catalogue or {}),
                      money={t.name: frozenset(name for name, spec in t.fields.items() if spec.base == "money")
                             for t in templates})
        for result in results:
            summary.add(result)
        return summary

    def add(self, result: LetterResult) -> None:
        """Count one more result."""
        if result.kind == ResultKind.LETTER:  # not the carriers of batch-level findings
            self.letters += 1
            self.statuses[result.status] += 1
        for finding in result.findings:
            self.severities[finding.severity] += 1
            self.rules.setdefault(finding.rule, Counter())[finding.severity] += 1

    def json(self) -> dict:
        return {
            "letters": self.letters,
            "pass": self.statuses["pass"], "warn": self.statuses["warn"], "fail": self.statuses["fail"],
            "findings": {s: self.severities[s] for s in SEVERITIES},
            "rules": {rule: dict(sorted(c.items())) for rule, c in sorted(self.rules.items())},
        }


@lru_cache(maxsize=1)
def formats() -> dict:
    modules = [importlib.import_module(f"{__name__}.{name}") for name in FORMAT_MODULES]
    return {module.NAME: module for module in modules}

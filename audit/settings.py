"""The settings of one run: which templates, which rules at which severity, when to fail."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .models import SEVERITIES
from .rules import all_rules
from .template import Template, TemplateError, load_templates

FAIL_ON = ("error", "warning", "info", "never")


def rule_ids(items: list[str]) -> set[str]:
    """Rule ids from option values or config entries, each possibly comma-separated."""
    return {rule.strip() for item in items for rule in item.split(",") if rule.strip()}


class SettingsError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclass
class Settings:
    template_paths: list[Path] = field(default_factory=list)  # empty: the packaged templates
    select: set[str] = field(default_factory=set)  # empty: every rule
    ignore: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "warning"
    exclude: list[str] = field(default_factory=list)
    baseline: Path | None = None  # accepted findings (audit/baseline.py)
    data: Path | None = None  # source data to reconcile the letters with (audit/data.py)
    authority_types: Path | None = None  # authority -> type table: peers for inconsistent-average
    config_file: Path | None = None  # where the configuration came from, if anywhere
    sources: dict[str, str] = field(default_factory=dict)  # setting -> "default", "command line" or a file

    def validate(self) -> None:
        known = all_rules()
        for rule in [*self.select, *self.ignore, *self.severity]:
            if rule not in known:
                raise SettingsError(f"unknown rule {rule!r} (see `letter-audit rules`)")
        for rule, level in self.severity.items():
            if level not in SEVERITIES:
                raise SettingsError(f"severity of {rule} must be one of {', '.join(SEVERITIES)}, not {level!r}")
        if self.fail_on not in FAIL_ON:
            raise SettingsError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")

    @cached_property
    def templates(self) -> list[Template]:
        templates = load_templates(self.template_paths)
        known = all_rules()
        for template in templates:
            named = [(f"check {c.source!r}", c.rule) for c in template.checks]
            named += [(f"field {f.name!r}", f.conflict) for f in template.fields.values() if f.conflict]
            for where, rule in named:
                if rule not in known:
                    raise TemplateError(f"{template.path}: {where} names the rule {rule!r}, "
                                        "which does not exist (see `letter-audit rules`)")
        return templates

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        return frozenset().union(*(t.vocabulary for t in self.templates))

    @cached_property
    def active_rules(self):
        """The rules this run applies; internal-error always: a failure is never hidden."""
        return [rule for rule_id, rule in all_rules().items() if rule_id == "internal-error"
                or ((not self.select or rule_id in self.select) and rule_id not in self.ignore)]

    def severity_of(self, rule_id: str, default: str) -> str:
        return self.severity.get(rule_id, default)

"""The settings of one run: which templates, which rules at which severity, when to fail."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .models import FAIL_ON, INTERNAL_ERROR, SEVERITIES
from .report import FORMAT_NAMES
from .discover import DEFAULT_EXTENSIONS
from .read import DEFAULT_MAX_BYTES
from .rules import builtin_rules, canonical_rule_id, catalogue, renamed_note
from .template import Template, TemplateError, load_templates
from .workers import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, Limits


def did_you_mean(typed: str, known) -> str:
    """` (did you mean 'x'?)` for the closest of `known`, or nothing when none is close."""
    close = difflib.get_close_matches(typed, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def rule_ids(items: list[str]) -> set[str]:
    """Rule ids from option values or config entries, each possibly comma-separated."""
    return {rule.strip() for item in items for rule in item.split(",") if rule.strip()}


def _known_rule_ids(settings: "Settings", wanted: set[str]) -> set[str]:
    """Built-in ids, and when `wanted` names others, the ids the run's templates declare."""
    known = set(builtin_rules())
    if wanted - known:
        try:
            known |= {rule for template in settings.templates for rule in template.rules}
        except TemplateError:  # reported when the run loads its templates; rule ids cannot be judged now
            return known | wanted
    return known


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
    default_excludes: bool = True  # skip .git, .venv, node_modules, ... and what .gitignore ignores
    format: str = "text"  # the report on stdout or in --output
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS  # suffixes of the letters searched for in folders
    max_bytes: int = DEFAULT_MAX_BYTES  # larger files are unreadable-input, never read
    max_memory: int = DEFAULT_MAX_MEMORY  # memory a worker may use on one letter (bytes)
    timeout: float = DEFAULT_TIMEOUT  # seconds a worker may spend on one letter
    baseline: Path | None = None  # accepted findings (audit/baseline.py)
    data: Path | None = None  # source data to reconcile the letters with (audit/data.py)
    peer_groups: Path | None = None  # key -> group table: peers for inconsistent-value
    config_file: Path | None = None  # where the configuration came from, if anywhere
    sources: dict[str, str] = field(default_factory=dict)  # setting -> "default", "command line" or a file
    notes: list[str] = field(default_factory=list)  # for stderr: old rule ids the settings use
    stdin: tuple[Path, bytes] | None = None  # the letter read from standard input: its name, its bytes

    def validate(self) -> None:
        self.notes = list(dict.fromkeys(
            note for rule in (*self.select, *self.ignore, *self.severity) if (note := renamed_note(rule))))
        self.select = {canonical_rule_id(rule) for rule in self.select}
        self.ignore = {canonical_rule_id(rule) for rule in self.ignore}
        self.severity = {canonical_rule_id(rule): level for rule, level in self.severity.items()}
        named = {*self.select, *self.ignore, *self.severity}
        known = _known_rule_ids(self, named)
        for rule in sorted(named):
            if rule not in known:
                raise SettingsError(f"unknown rule {rule!r}{did_you_mean(rule, known)} (see `letter-audit rules`, "
                                    f"and `letter-audit rules -t TEMPLATE` for a template's own rules)")
        for rule, level in self.severity.items():
            if level not in SEVERITIES:
                raise SettingsError(f"severity of {rule} must be one of {', '.join(SEVERITIES)}, not {level!r}")
        if not self.extensions:
            raise SettingsError("extensions must name at least one suffix, such as .txt")
        if not isinstance(self.max_bytes, int) or self.max_bytes <= 0:
            raise SettingsError(f"max-bytes must be a positive number of bytes, not {self.max_bytes!r}")
        if not isinstance(self.max_memory, int) or self.max_memory <= 0:
            raise SettingsError(f"max-memory must be a positive number of bytes, not {self.max_memory!r}")
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float)) or not self.timeout > 0:
            raise SettingsError(f"timeout must be a positive number of seconds, not {self.timeout!r}")
        if self.format not in FORMAT_NAMES:
            raise SettingsError(f"format must be one of {', '.join(FORMAT_NAMES)}, not {self.format!r}"
                                f"{did_you_mean(str(self.format), FORMAT_NAMES)}")
        if self.fail_on not in FAIL_ON:
            raise SettingsError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")

    @property
    def limits(self) -> Limits:
        """The budget of one letter, enforced by the worker that reads it."""
        return Limits(self.max_memory, self.timeout)

    @cached_property
    def templates(self) -> list[Template]:
        """The run's templates, compiled and validated (TemplateError lists every problem)."""
        return load_templates(self.template_paths)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        return frozenset().union(*(t.vocabulary for t in self.templates))

    @cached_property
    def rules(self) -> dict:
        """The catalogue of the run: built-in rules and those the templates declare."""
        return catalogue(self.templates)

    @cached_property
    def active_rules(self):
        """The rules this run applies; internal-error always: a failure is never hidden."""
        return [rule for rule_id, rule in self.rules.items() if rule_id == INTERNAL_ERROR
                or ((not self.select or rule_id in self.select) and rule_id not in self.ignore)]

    def stdin_bytes(self, path) -> bytes | None:
        """The bytes read from standard input when `path` names that letter; None otherwise."""
        return self.stdin[1] if self.stdin is not None and Path(path) == self.stdin[0] else None

    def severity_of(self, rule_id: str, default: str) -> str:
        return self.severity.get(rule_id, default)

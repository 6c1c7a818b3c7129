"""The rule catalogue: one module per built-in rule, its docstring is its documentation;
and the rules templates declare ([rules.ID] in a template's header).

A rule module (listed in BUILTIN_MODULES) defines ID (stable, kebab-case), SEVERITY (error,
warning or info), HINT (how a reviewer checks a finding) and check(letter) -> iterable of
Issue, each anchored to what it is about (audit/rules/base.py derives line, section and
excerpt from the anchor). The first
docstring line is the rule's summary. A batch rule, which needs the whole batch, sets
BATCH = True and defines check_batch(results, batch) -> iterable of (LetterResult, Finding)
instead (see audit/batch.py).

Built-in rules are generic; what a kind of letter must satisfy is declared by its
template, with the rule its failures raise. Renamed rules keep their old id as an alias
(ALIASES), accepted wherever a rule id is (options, configuration, baselines).
"""
from __future__ import annotations

import importlib
import sys
from functools import lru_cache, partial

from .base import RuleInfo, declared_issues, run_rules

__all__ = ["ALIASES", "RuleInfo", "all_rules", "builtin_rules", "canonical_rule_id", "new_run", "register_declared_rules",
           "run_rules"]

# old id -> current id
ALIASES = {
    "inconsistent-average": "inconsistent-value",
    "unknown-authority": "unknown-recipient",
}
_declared: dict[str, RuleInfo] = {}
_noted: set[tuple[str, str]] = set()  # (old id, where): each note once per run (new_run clears it)


BUILTIN_MODULES = (  # one module per rule; listed, so a stray file in the folder is never a rule
    "boilerplate_changed",
    "check_failed",
    "data_mismatch",
    "different_form",
    "duplicate_letter",
    "extra_paragraph",
    "extraction_artifact",
    "field_conflict",
    "grammar_number",
    "inconsistent_value",
    "internal_error",
    "invalid_value",
    "missing_letter",
    "missing_paragraph",
    "missing_section",
    "paragraph_moved",
    "unknown_recipient",
    "unreadable_input",
    "unrecognised_document",
    "unresolved_revisions",
    "withheld_value",
)


@lru_cache(maxsize=1)
def builtin_rules() -> dict[str, RuleInfo]:
    rules = {}
    for name in BUILTIN_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        summary, _, doc = (module.__doc__ or "").strip().partition("\n")
        rules[module.ID] = RuleInfo(module.ID, module.SEVERITY, summary.strip(), doc.strip(), module.HINT,
                                    getattr(module, "check", None), getattr(module, "BATCH", False),
                                    getattr(module, "check_batch", None))
    return dict(sorted(rules.items()))


def all_rules() -> dict[str, RuleInfo]:
    """Built-in rules and the rules declared by the templates of the run (the last loaded)."""
    if not _declared:
        return builtin_rules()
    return dict(sorted({**builtin_rules(), **_declared}.items()))


def declared_rule_info(rule) -> RuleInfo:
    """The catalogue entry of a rule a template declares (audit.template.DeclaredRule)."""
    doc = rule.explanation or f"Declared by the template {rule.template!r}."
    hint = rule.hint or "Check the figures the message names against the source data."
    return RuleInfo(rule.id, rule.severity, rule.summary, doc, hint,
                    partial(declared_issues, rule=rule.id), template=rule.template)


def register_declared_rules(templates) -> None:
    """The declared rules of these templates, and no others, join the catalogue: what one run
    loaded never shows in the catalogue of the next one in the same process."""
    _declared.clear()
    for template in templates:
        for rule in template.rules.values():
            _declared.setdefault(rule.id, declared_rule_info(rule))


def new_run() -> None:
    """A new run in this process: its deprecation notes are said again."""
    _noted.clear()


def canonical_rule_id(rule_id: str, where: str = "") -> str:
    """The current id of a rule; an old id is accepted with a one-line note on stderr."""
    new = ALIASES.get(rule_id)
    if new is None:
        return rule_id
    if (rule_id, where) not in _noted:
        _noted.add((rule_id, where))
        place = f" in {where}" if where else ""
        print(f"letter-audit: note: the rule {rule_id!r}{place} is now called {new!r}; "
              f"the old id still works but is deprecated", file=sys.stderr)
    return new

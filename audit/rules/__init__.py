"""The rule catalogue: one module per built-in rule, its docstring is its documentation;
and the rules templates declare ([rules.ID] in a template's header).

A rule module (listed in BUILTIN_MODULES) defines ID (stable, kebab-case), SEVERITY (error,
warning or info), HINT (how a reviewer checks a finding) and check(letter) -> iterable of
Issue, each anchored to what it is about (audit/rules/base.py derives line, section and
excerpt from the anchor) and carrying a record of the module's own Evidence type (audit/evidence.py),
whose fields are the finding's evidence and its fingerprint. The first
docstring line is the rule's summary. A batch rule, which needs the whole batch, sets
BATCH = True and defines check_batch(results, batch) -> iterable of (LetterResult, Issue)
instead (see audit/batch.py).

Built-in rules are generic; what a kind of letter must satisfy is declared by its
template, with the rule its failures raise. Renamed rules keep their old id as an alias
(ALIASES), accepted wherever a rule id is (options, configuration, baselines).
"""
from __future__ import annotations

import importlib
from functools import lru_cache, partial

from .base import RuleInfo, declared_issues, run_rules

__all__ = ["ALIASES", "RuleInfo", "builtin_rules", "canonical_rule_id", "catalogue", "renamed_note", "run_rules"]

# old id -> current id
ALIASES = {
    "inconsistent-average": "inconsistent-value",
    "unknown-authority": "unknown-recipient",
}


BUILTIN_MODULES = (  # one module per rule; listed, so a stray file in the folder is never a rule
    "boilerplate_changed",
    "check_failed",
    "data_mismatch",
    "different_form",
    "duplicate_letter",
    "extra_paragraph",
    "extraction_artifact",
    "field_conflict",
    "form_version",
    "grammar_number",
    "inconsistent_value",
    "internal_error",
    "invalid_value",
    "missing_letter",
    "missing_paragraph",
    "missing_section",
    "mixed_versions",
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


def catalogue(templates) -> dict[str, RuleInfo]:
    """The rules of a run with these templates: built-in rules and those the templates declare.
    A run keeps its own (Settings.rules); nothing is registered anywhere when a template loads."""
    declared = {rule.id: declared_rule_info(rule) for t in templates for rule in t.rules.values()}
    return dict(sorted({**builtin_rules(), **declared}.items()))


def declared_rule_info(rule) -> RuleInfo:
    """The catalogue entry of a rule a template declares (audit.template.DeclaredRule)."""
    doc = rule.explanation or f"Declared by the template {rule.template!r}."
    hint = rule.hint or "Check the figures the message names against the source data."
    return RuleInfo(rule.id, rule.severity, rule.summary, doc, hint,
                    partial(declared_issues, rule=rule.id), template=rule.template)


def canonical_rule_id(rule_id: str) -> str:
    """The current id of a rule (an old id is accepted; renamed_note says so)."""
    return ALIASES.get(rule_id, rule_id)


def renamed_note(rule_id: str, where: str = "") -> str | None:
    """The note that `rule_id` is an old id, or None when it is not one."""
    new = ALIASES.get(rule_id)
    if new is None:
        return None
    place = f" in {where}" if where else ""
    return (f"letter-audit: note: the rule {rule_id!r}{place} is now called {new!r}; "
            f"the old id still works but is deprecated")

"""The rule catalogue: one module per rule, its docstring is its documentation.

A rule module defines ID (stable, kebab-case), SEVERITY (error, warning or info), HINT
(how a reviewer checks a finding) and check(letter) -> iterable of Issue, each anchored to
what it is about (audit/rules/base.py derives line, section and excerpt from the anchor). The first
docstring line is the rule's summary. A batch rule, which needs the whole batch, sets
BATCH = True and defines check_batch(results, batch) -> iterable of (LetterResult, Finding)
instead (see audit/batch.py).
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .base import RuleInfo, run_rules

__all__ = ["RuleInfo", "all_rules", "run_rules"]


@lru_cache(maxsize=1)
def all_rules() -> dict[str, RuleInfo]:
    rules = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        summary, _, doc = (module.__doc__ or "").strip().partition("\n")
        rules[module.ID] = RuleInfo(module.ID, module.SEVERITY, summary.strip(), doc.strip(), module.HINT,
                                    getattr(module, "check", None), getattr(module, "BATCH", False),
                                    getattr(module, "check_batch", None))
    return dict(sorted(rules.items()))

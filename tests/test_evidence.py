"""Evidence is typed: each rule's finding carries a record of its own Evidence type, whose field
names are the evidence keys that baselines and SARIF fingerprints hash. Renaming a field
must fail the tests until baselines are migrated (a new fingerprints.VERSION)."""
from __future__ import annotations

import importlib
import json
from dataclasses import fields, is_dataclass, make_dataclass
from pathlib import Path

import pytest

from audit.evidence import Evidence
from audit.models import Issue
from audit.rules import BUILTIN_MODULES
from audit.rules import boilerplate_changed
from audit.rules.base import RuleInfo, run_rules

from support import UPDATE_FINGERPRINTS, assert_fingerprints_kept, audit_text
from test_rules import build_letter, load_cases

RECORDS = Path(__file__).parent / "fixtures" / "evidence_records.json"
CASE = "boilerplate-changed:a figure in the boilerplate changed"  # a case of fingerprints.json


def evidence_records() -> dict[str, list[list[str]]]:
    """Module -> the field names of each Evidence record it defines: every rule's, the declared
    checks' (checks.py), a crash's (rules/base.py), the findings past a letter's limit (bounds.py)."""
    for name in (*(f"audit.rules.{m}" for m in BUILTIN_MODULES), "audit.checks", "audit.bounds"):
        importlib.import_module(name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found: dict[str, list[list[str]]] = {}
    for record in subclasses(Evidence):
        if record.__module__.startswith("audit."):
            assert is_dataclass(record) and record.__dataclass_params__.frozen, record
            found.setdefault(record.__module__, []).append([f.name for f in fields(record)])
    return {module: sorted(shapes) for module, shapes in sorted(found.items())}


def test_every_rule_module_defines_its_evidence_records():
    records = evidence_records()
    declared_only = {"audit.rules.check_failed", "audit.rules.field_conflict", "audit.rules.internal_error",
                           "audit.rules.withheld_value"}  # their records are the declared checks' (checks.py)
    for module in BUILTIN_MODULES:
        name = f"audit.rules.{module}"
        assert name in records or name in declared_only, f"{name} defines no Evidence record"
    assert "audit.checks" in records


def test_evidence_record_fields_are_the_recorded_ones():
    """Every fingerprint hashes the evidence's keys: a renamed, added or removed field changes
    every fingerprint of its rule, in every baseline and SARIF file in use."""
    now = evidence_records()
    if UPDATE_FINGERPRINTS:
        RECORDS.write_text("{\n" + ",\n".join(f" {json.dumps(module)}: {json.dumps(shapes)}" for module, shapes in now.items())
                           + "\n}\n", encoding="utf-8")
    recorded = json.loads(RECORDS.read_text(encoding="utf-8"))
    assert now == recorded, (
        "an Evidence record's fields changed, and so the fingerprints of its findings in every baseline "
        "and SARIF file: migrate baselines first (a new fingerprints.VERSION that reads the old one), "
        "then record anew (LETTER_AUDIT_UPDATE_FINGERPRINTS=1 python -m pytest tests/test_rules.py "
        "tests/test_evidence.py)")


@pytest.mark.skipif(bool(UPDATE_FINGERPRINTS), reason="records fingerprints anew")
def test_a_renamed_evidence_field_fails_the_fingerprint_guard(tmp_path, monkeypatch):
    case = next(p.values[2] for p in load_cases() if p.id == "boilerplate-changed:fail:a figure in the boilerplate changed")

    def findings():
        _, result = audit_text(tmp_path, build_letter(case))
        return result, [f for f in result.findings if f.rule == "boilerplate-changed"]

    assert_fingerprints_kept(CASE, *findings())  # as recorded
    renamed = make_dataclass("Edited", [("template", str), ("letter", str)], bases=(Evidence,), frozen=True)
    monkeypatch.setattr(boilerplate_changed, "Edited", renamed)
    result, found = findings()
    assert set(found[0].evidence) == {"template", "letter"}
    with pytest.raises(AssertionError, match="migrate baselines"):
        assert_fingerprints_kept(CASE, result, found)


def test_a_rule_giving_free_form_evidence_is_an_internal_error(tmp_path):
    def check(letter):
        yield Issue("A finding.", 1, {"free": "form"})

    letter, _ = audit_text(tmp_path, "Some text.\n")
    rule = RuleInfo("free-form", "warning", "", "", "", check)
    [finding] = run_rules(letter, [rule], lambda rule_id, default: default)
    assert finding.rule == "internal-error"
    assert "Evidence" in finding.message and "free-form" in finding.message


def test_a_record_becomes_the_findings_evidence_as_json_data():
    from audit.checks import DoesNotHold, Quoted

    record = DoesNotHold("a == b", {"a": Quoted("£1.00", 3)}, ("2",))
    assert record.json() == {"check": "a == b", "fields": {"a": {"value": "£1.00", "line": 3}}, "computed": ["2"]}

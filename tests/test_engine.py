"""A fault is never a pass and never a disguise: a rule, a stage or a check that raises is an
internal-error finding on the letter, and every other rule still reports."""
from __future__ import annotations

import json

import pytest

from audit import pipeline
from audit.cli import main
from audit.rules.base import RuleInfo
from audit.settings import Settings

from support import SEEDS, audit_text, seed_text


def broken_rule(letter):
    yield from ()
    raise IndexError("tuple index out of range")


def settings_with(rules) -> Settings:
    settings = Settings()
    settings.__dict__["active_rules"] = rules  # the cached property, replaced for this run
    return settings


def test_a_raising_rule_is_an_internal_error_and_the_others_still_run(tmp_path):
    rules = [*Settings().rules.values(), RuleInfo("broken-rule", "warning", "", "", "", broken_rule)]
    _, result = audit_text(tmp_path, seed_text("001"), settings=settings_with(rules))
    crashes = [f for f in result.findings if f.rule == "internal-error"]
    assert len(crashes) == 1
    assert "broken-rule" in crashes[0].message and "IndexError" in crashes[0].message
    assert "Traceback" in crashes[0].evidence["traceback"]
    assert crashes[0].severity == "error" and result.status == "fail"
    assert [f.line for f in result.findings if f.rule == "count-mismatch"] == [77]


def test_a_check_that_cannot_be_evaluated_is_reported_not_skipped(tmp_path):
    template = (tmp_path / "t.md")
    # (a type error, such as text + a number, is refused when the template loads; a division by
    # zero the expression does not guard can only show on a letter)
    template.write_text('+++\nname = "sum-letter"\n[fields]\nname = { type = "text" }\n'
                        'count = { type = "int" }\n[[checks]]\n'
                        'expr = "name != \'\' and 100 / count == 3"\n[[checks]]\nexpr = "count == 2"\n'
                        'message = "count is {count}, not 2."\n+++\nDear {{name}},\n\nYou have {{count}} items.\n',
                        encoding="utf-8")
    _, result = audit_text(tmp_path, "Dear Ann,\n\nYou have 0 items.\n", settings=Settings(template_paths=[template]))
    crash = [f for f in result.findings if f.rule == "internal-error"]
    assert len(crash) == 1 and "100 / count == 3" in crash[0].message and "sum-letter" in crash[0].message
    assert "name = Ann" in crash[0].message and "count = 0" in crash[0].message
    assert [f.message for f in result.findings if f.rule == "check-failed"] == ["count is 0, not 2."]


@pytest.mark.parametrize("stage", ["normalise", "extract"])
def test_a_raising_stage_is_an_internal_error_not_an_unrecognised_document(tmp_path, monkeypatch, stage):
    def explode(*args, **kwargs):
        raise RuntimeError("stage bug")
    monkeypatch.setattr(pipeline, stage, explode)
    _, result = audit_text(tmp_path, seed_text("000"))
    rules = [f.rule for f in result.findings]
    assert "internal-error" in rules and "unrecognised-document" not in rules
    assert f"The {stage} stage failed" in result.findings[0].message


def test_internal_error_cannot_be_switched_off(tmp_path):
    rules_of = Settings(ignore={"internal-error", "count-mismatch"}).active_rules
    assert "internal-error" in [r.id for r in rules_of]


def test_json_carries_evidence_and_end_line_the_text_format_no_traceback(tmp_path, capsys):
    code = main(["check", str(SEEDS["001"]), "--format", "json"])
    record = json.loads(capsys.readouterr().out)["letters"][0]
    assert code == 1
    finding = next(f for f in record["findings"] if f["rule"] == "count-mismatch")
    assert finding["line"] == 77 and finding["end_line"] == 77
    assert finding["evidence"]["check"] == "compliance_outcomes == upheld_decisions - remedy_decisions"
    assert finding["evidence"]["fields"]["compliance_outcomes"] == {"value": "1", "line": 77}
    assert finding["evidence"]["computed"] == ["2"]


def test_a_bug_outside_the_rules_is_one_line_and_exit_2(capsys, monkeypatch):
    from audit.report import as_json
    def broken(*args):
        raise KeyError("writer bug")
    monkeypatch.setattr(as_json, "write", broken)
    monkeypatch.delenv("LETTER_AUDIT_DEBUG", raising=False)
    code = main(["check", "--no-config", str(SEEDS["000"]), "--format", "json"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.startswith("letter-audit: internal error (KeyError") and err.count("\n") == 1


def test_a_raising_batch_rule_is_an_internal_error_and_the_others_still_run(tmp_path, capsys, monkeypatch):
    from audit.rules import inconsistent_value
    def broken(results, batch):
        raise ZeroDivisionError("batch bug")
        yield
    monkeypatch.setattr(inconsistent_value, "check_batch", broken)
    from audit.rules import builtin_rules
    builtin_rules.cache_clear()
    try:
        letters = tmp_path / "letters"
        letters.mkdir()
        for name in ("a.txt", "b.txt"):  # the same text twice: duplicate-letter
            (letters / name).write_text(seed_text("000"), encoding="utf-8")
        code = main(["check", "--no-config", str(letters), "--format", "json"])
    finally:
        builtin_rules.cache_clear()
    report = json.loads(capsys.readouterr().out)
    crash = [(r["path"], f["message"]) for r in report["letters"] for f in r["findings"] if f["rule"] == "internal-error"]
    assert code == 1 and len(crash) == 1
    assert crash[0][0] == "<batch rule inconsistent-value>" and "ZeroDivisionError" in crash[0][1]
    assert sum(f["rule"] == "duplicate-letter" for r in report["letters"] for f in r["findings"]) == 2

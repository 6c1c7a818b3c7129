"""Rule cases are data: tests/rules/<rule-id>.yml holds letters that must and must not trigger it.

A case starts from a seed letter (`seed: "000"`) with `edits` applied (and the whole
`repeat`ed), or gives its own `text` or `bytes_hex`, or names a committed file (`fixture:
fixtures/...`, e.g. a Word or PDF letter); `encoding` and `newline` re-encode it. `fail` cases list the
findings expected of the rule (line, count, words in the message or not in it, and `only`:
no other warning or error; a `pass` case with `expect: {only: true}` must raise no warning or
error at all); `pass` cases must not raise the rule at all. A file may give its own `template`
(its text) instead of the shipped ones, a case a `template_file` (a path from the repository
root); a `seed` with a / is a letter's path from the repository root. No case may raise internal-error
(but the cases of internal-error itself): a rule that crashes fails its cases, pass or fail.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from audit.rules import builtin_rules
from audit.settings import Settings

from support import ROOT, assert_fingerprints_kept, audit_text, edit, seed_text

CASE_DIR = Path(__file__).parent / "rules"


def load_cases():
    for path in sorted(CASE_DIR.glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind in ("fail", "pass"):
            for case in spec.get(kind, []):
                case = {**case, "template": spec.get("template")}
                yield pytest.param(spec["rule"], kind, case, id=f"{spec['rule']}:{kind}:{case['name']}")


def build_letter(case: dict) -> bytes:
    if "fixture" in case:
        return (ROOT / case["fixture"]).read_bytes()
    if "bytes_hex" in case:
        return bytes.fromhex(case["bytes_hex"])
    if "text" in case:
        text = case["text"]
    elif "/" in str(case["seed"]):  # a letter of another batch, by its path from the repository root
        text = (ROOT / case["seed"]).read_text(encoding="utf-8")
    else:
        text = seed_text(str(case["seed"]))
    for change in case.get("edits", []):
        text = edit(text, change["old"], change["new"], change.get("occurrence", 1))
    text = "\n\n".join([text] * case.get("repeat", 1))
    if "newline" in case:
        text = text.replace("\n", case["newline"])
    return text.encode(case.get("encoding", "utf-8"))


@pytest.mark.parametrize("rule, kind, case", list(load_cases()))
def test_rule_case(tmp_path, rule, kind, case):
    settings = None
    if case["template"]:
        (tmp_path / "template.md").write_text(case["template"], encoding="utf-8")
        settings = Settings(template_paths=[tmp_path / "template.md"])
    elif "template_file" in case:
        settings = Settings(template_paths=[ROOT / case["template_file"]])
    assert rule in (settings or Settings()).rules, f"{rule} is not a known rule"
    name = case.get("file", Path(case["fixture"]).name if "fixture" in case else "letter.txt")
    _, result = audit_text(tmp_path, build_letter(case), name, settings)
    if rule != "internal-error":
        assert not [f.message for f in result.findings if f.rule == "internal-error"]
    found = [f for f in result.findings if f.rule == rule]
    if kind == "pass":
        assert not found, [f.message for f in found]
        if case.get("expect", {}).get("only"):
            assert not [f"{f.rule}: {f.message}" for f in result.findings if f.severity != "info"]
        return
    expected = case["expect"]
    assert len(found) == expected.get("count", 1), [f.message for f in found]
    if "line" in expected:
        assert found[0].line == expected["line"]
    for words in expected.get("message", []):
        assert any(words in f.message for f in found), (words, [f.message for f in found])
    for words in expected.get("message_not", []):
        assert not any(words in f.message for f in found), (words, [f.message for f in found])
    if expected.get("only"):
        others = [f"{f.rule}: {f.message}" for f in result.findings if f.rule != rule and f.severity != "info"]
        assert not others
    if rule != "internal-error":  # its evidence names the exception raised
        assert_fingerprints_kept(f"{rule}:{case['name']}", result, found)



def test_every_rule_has_cases_both_ways():
    covered = {}
    for param in load_cases():
        rule, kind, _ = param.values
        covered.setdefault(rule, set()).add(kind)
    per_letter = {rule_id for rule_id, rule in builtin_rules().items() if not rule.batch}
    per_letter |= set(Settings().rules) - set(builtin_rules())  # the rules the shipped template declares
    assert {rule for rule, kinds in covered.items() if kinds == {"pass", "fail"}} >= per_letter

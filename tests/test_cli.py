"""The command line: formats, exit codes, rule selection, usage errors."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from audit.cli import main
from audit.rules import builtin_rules
from audit.settings import Settings

from support import LETTERS, ROOT, SEEDS, run_cli


def run(capsys, *args):
    return run_cli(capsys, *args)


def test_text_format_lines_and_summary(capsys):
    code, out, _ = run(capsys, "check", str(LETTERS))
    assert code == 1
    assert f"{SEEDS['001']}:77: error count-mismatch Compliance outcomes are given as 1" in out
    assert "5 letters: 2 pass, 0 warn, 3 fail; 7 errors, 1 warning, 1 info" in out
    assert "  missing-section: 6" in out


def test_json_format(capsys):
    code, out, _ = run(capsys, "check", str(LETTERS), "--format", "json")
    report = json.loads(out)
    assert report["tool"]["name"] == "letter-audit" and report["format_version"] == 2
    assert report["summary"]["pass"] == 2 and report["summary"]["fail"] == 3
    letter = report["letters"][1]
    assert letter["status"] == "fail" and letter["template"] == "lgsco-annual-review-2020"
    assert set(letter["findings"][0]) >= {"rule", "severity", "message", "line", "section", "excerpt"}
    empty = report["letters"][3]["fields"]
    assert empty["investigations"] is None and empty["authority"] == "Ashfield District Council"


def test_csv_format_has_one_row_per_letter(capsys, tmp_path):
    target = tmp_path / "out" / "batch.csv"
    code, out, _ = run(capsys, "check", str(LETTERS), "--format", "csv", "--output", str(target))
    assert out == ""
    table = pd.read_csv(target)
    assert len(table) == 5
    assert list(table.columns[:6]) == ["path", "template", "status", "errors", "warnings", "info"]
    assert table.loc[1, "compliance_outcomes"] == 1 and table.loc[2, "errors"] == 3


def test_fail_on_and_severity_overrides(capsys):
    clean = str(SEEDS["000"])
    assert run(capsys, "check", clean)[0] == 0
    only_info = ["check", str(SEEDS["002"]), "--select", "extraction-artifact"]  # a stray page number
    assert run(capsys, *only_info)[0] == 0
    assert run(capsys, *only_info, "--fail-on", "info")[0] == 1
    assert run(capsys, "check", str(SEEDS["001"]), "--fail-on", "never")[0] == 0
    code, out, _ = run(capsys, "check", str(SEEDS["001"]), "--severity", "count-mismatch=info")
    assert code == 0 and "info count-mismatch" in out


def test_select_and_ignore(capsys):
    code, out, _ = run(capsys, "check", str(LETTERS), "--ignore", "missing-section,count-mismatch",
                       "--ignore", "extra-paragraph")
    assert code == 0 and "missing-section" not in out
    code, out, _ = run(capsys, "check", str(LETTERS), "--select", "count-mismatch")
    assert code == 1 and out.count(": error ") == 1 and "extraction-artifact" not in out


@pytest.mark.parametrize("args, message", [
    (["check", str(LETTERS), "--bogus"], "unrecognized arguments: --bogus"),
    (["check", str(LETTERS), "--ignore", "no-such-rule"], "unknown rule 'no-such-rule'"),
    (["check", str(LETTERS), "--severity", "count-mismatch=fatal"], "must be one of error, warning, info"),
    (["check", str(LETTERS), "--template", "missing.md"], "cannot read template"),
    (["rule", "nope"], "unknown rule 'nope'"),
])
def test_usage_errors_exit_2_with_one_line(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("letter-audit: error:")


def test_module_entry_point_has_no_traceback():
    done = subprocess.run([sys.executable, "-m", "audit", "check", "--bogus"], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    # one line; a close option of some command may be suggested (serve's --host is close to --bogus)
    assert done.stderr.strip().startswith("letter-audit: error: unrecognized arguments: --bogus")
    assert "\n" not in done.stderr.strip()


def test_no_progress_bar_in_pipes(tmp_path):
    for index in range(25):
        (tmp_path / f"{index}.txt").write_bytes(SEEDS["004"].read_bytes())
    done = subprocess.run([sys.executable, "-m", "audit", "check", str(tmp_path), "--ignore", "duplicate-letter"],
                          capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stderr == ""


def test_rules_catalogue(capsys):
    code, out, _ = run(capsys, "rules")
    shipped = Settings().rules
    declared = [rule for rule in shipped.values() if rule.template]
    assert code == 0 and len(out.splitlines()) == len(builtin_rules()) + 2 + len(declared)
    assert "Declared by the template lgsco-annual-review-2020" in out
    code, out, _ = run(capsys, "rule", "count-mismatch")
    assert out.startswith("count-mismatch (error)") and "Bad" in out and "Good" in out
    assert out.rstrip().endswith("Declared by the template lgsco-annual-review-2020.")


def test_a_templates_own_rules_are_listed_and_explained_with_t(capsys):
    refund = str(ROOT / "docs" / "examples" / "council-tax-refund.md")
    code, out, _ = run(capsys, "rules", "-t", refund)
    assert code == 0 and "refund-mismatch          error    The refund is not what was paid" in out
    assert "count-mismatch" not in out  # only the named template's rules
    code, out, _ = run(capsys, "rule", "refund-mismatch", "-t", refund)
    assert code == 0 and out.startswith("refund-mismatch (error)") and "to the penny" in out
    code, _, err = run(capsys, "rule", "refund-mismatch")
    assert code == 2 and "letter-audit rule ID -t TEMPLATE" in err


@pytest.mark.parametrize("rule", sorted(Settings().rules))
def test_every_rule_is_documented(rule):
    info = Settings().rules[rule]
    assert info.severity in ("error", "warning", "info")
    assert info.summary.endswith(".") and "Bad" in info.doc and "Good" in info.doc
    assert rule == rule.lower() and " " not in rule


def test_readme_lists_every_rule_with_its_severity():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in Settings().rules.values():  # built in, and declared by the shipped template
        assert f"| `{rule.id}` | {rule.severity} |" in readme, rule.id


def test_every_rule_module_is_listed_in_the_catalogue():
    import pkgutil

    import audit.rules
    found = {m.name for m in pkgutil.iter_modules(audit.rules.__path__)} - {"base"}
    assert found == set(audit.rules.BUILTIN_MODULES)

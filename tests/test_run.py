"""audit/run.py: a batch run returns its results, the batch rules' findings, the summary and
the baseline's outcome as records; nothing is patched into what the spool keeps."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from audit.baseline import Baseline
from audit.cli import main
from audit.run import run_batch
from audit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def batch(tmp_path: Path) -> list[Path]:
    letters = tmp_path / "letters"
    shutil.copytree(ROOT / "fixtures" / "letters", letters)
    shutil.copy(letters / "001_eb19f74a81183c1a.txt", letters / "005_copy.txt")  # a duplicate-letter pair
    return sorted(letters.iterdir())


def test_batch_findings_are_records_and_the_kept_results_are_left_as_they_are(tmp_path):
    paths = batch(tmp_path)
    with run_batch(paths, Settings()) as run:
        about = run.batch_findings.about_letters
        assert {index for index, found in about.items() if any(f.rule == "duplicate-letter" for f in found)} == {
            paths.index(tmp_path / "letters" / "001_eb19f74a81183c1a.txt"), len(paths) - 1}
        assert all(kept.findings == () for kept in run.results.spool.kept)
        first = [r for r in run.results if Path(r.path).name.startswith("001")][0]
        assert "duplicate-letter" in {f.rule for f in first.findings}
        assert run.summary.rules["duplicate-letter"]["warning"] == 2
        assert run.baseline_outcome is None
        assert [r.path for r in run.results] == [r.path for r in run.results]  # a second pass reads the same


def test_the_baseline_outcome_is_returned_not_left_on_the_baseline(tmp_path):
    paths = batch(tmp_path)
    written_to = tmp_path / "baseline.toml"
    with run_batch(paths, Settings(), write_to=written_to) as first:
        recorded = len(first.written_baseline.entries)
        assert recorded and first.summary.severities["error"] == 0 and first.summary.severities["warning"] == 0
    baseline = Baseline.load(written_to)
    with run_batch(paths[:-1], Settings(), baseline=baseline) as second:  # without the copy: its entries are stale
        outcome = second.baseline_outcome
        assert outcome.suppressed + len(outcome.stale) == recorded
        assert [e.rule for e in outcome.stale].count("duplicate-letter") == 2
        assert all(e.file.endswith(("005_copy.txt", "001_eb19f74a81183c1a.txt")) for e in outcome.stale)
        assert not hasattr(baseline, "outcome")
        everything = sum(len(r.findings) for r in second.results.everything())
        shown = sum(len(r.findings) for r in second.results)
        assert everything - shown == outcome.suppressed


REFUND = ROOT / "docs" / "examples" / "council-tax-refund.md"
RUNS = {  # each: (arguments, standard input)
    "seeds": (["check", "--no-config", "fixtures/letters"], None),
    "refund": (["check", "--no-config", "-t", str(REFUND), "fixtures/letters-refund", "--statistics"], None),
    "stdin": (["check", "--no-config", "-", "--stdin-filename", "a.txt", "--format", "json"],
              (ROOT / "fixtures" / "letters" / "001_eb19f74a81183c1a.txt").read_bytes()),
    "a.txt": (["check", "--no-config", "a.txt", "--format", "json"], None),
    "rules": (["rules"], None),
    "refund rules": (["rules", "-t", str(REFUND)], None),
}


def fresh(args, stdin, cwd) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "audit", *args], input=stdin or b"", capture_output=True,
                          cwd=cwd, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert b"Traceback" not in done.stderr
    return done.returncode, done.stdout.decode("utf-8")


def test_runs_in_one_process_are_each_the_run_of_a_fresh_process(tmp_path, monkeypatch, capsys):
    """Templates with other declared rules, standard input, an edited template: nothing of one
    run leaks into the next in the same process."""
    for folder in ("letters", "letters-refund"):
        shutil.copytree(ROOT / "fixtures" / folder, tmp_path / "fixtures" / folder)
    (tmp_path / "a.txt").write_bytes(sorted((ROOT / "fixtures" / "letters").iterdir())[0].read_bytes())
    monkeypatch.chdir(tmp_path)
    expected = {name: fresh(args, stdin, tmp_path) for name, (args, stdin) in RUNS.items()}
    order = ["seeds", "refund", "seeds", "rules", "refund rules", "rules", "refund", "stdin", "a.txt", "seeds"]
    for name in order:
        args, stdin = RUNS[name]
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin or b"")))
        code = main(args)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        assert (code, out) == expected[name], name
    assert "count-mismatch" in expected["seeds"][1] and "count-mismatch" in expected["rules"][1]
    assert "refund-mismatch" in expected["refund rules"][1] and "refund-mismatch" not in expected["rules"][1]
    assert json.loads(expected["stdin"][1])["letters"][0]["fields"] != json.loads(expected["a.txt"][1])["letters"][0]["fields"]


def test_an_edited_template_is_compiled_again(tmp_path):
    from audit.template import load_template

    path = tmp_path / "refund.md"
    path.write_text(REFUND.read_text(encoding="utf-8"), encoding="utf-8")
    before = load_template(path)
    assert load_template(path) is before  # the same content: compiled once
    path.write_text(REFUND.read_text(encoding="utf-8").replace('summary = "The refund is not',
                                                               'summary = "The refund differs from'), encoding="utf-8")
    assert load_template(path).rules["refund-mismatch"].summary.startswith("The refund differs from")


def test_batch_rules_keep_their_fingerprints(tmp_path):
    """As the rule cases do for the rules of one letter (test_rules.py): the evidence of each
    batch rule's findings, and so their fingerprints in baselines, cannot change unnoticed."""
    from support import assert_fingerprints_kept

    paths = batch(tmp_path)
    letter = tmp_path / "letters" / "004_telford.txt"
    letter.write_text(paths[-2].read_text(encoding="utf-8").replace("Rochford District Council",
                                                                     "Telford and Wrekin Council"), encoding="utf-8")
    paths = sorted((tmp_path / "letters").iterdir())
    with run_batch(paths, Settings(data=ROOT / "tests" / "fixtures" / "ci" / "data.csv")) as run:
        by_rule: dict = {}
        for result in run.results:
            for finding in result.findings:
                if Settings().rules[finding.rule].batch:
                    by_rule.setdefault(finding.rule, []).append((result, finding))
    assert set(by_rule) == {"data-mismatch", "duplicate-letter", "missing-letter", "unknown-recipient"}
    for rule, found in sorted(by_rule.items()):
        for number, (result, finding) in enumerate(found):
            assert_fingerprints_kept(f"batch {rule} {number}", result, [finding])

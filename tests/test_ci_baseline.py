"""Baseline: record the batch's findings, re-run clean, fail on a new finding only,
report entries that no longer occur, survive lines moving."""
from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from audit.cli import main
from support import run_cli

ROOT = Path(__file__).resolve().parent.parent
L000 = "000_bd725a1dda7d64f9.txt"
L001 = "001_eb19f74a81183c1a.txt"
L002 = "002_3e1a7b4ce7d2b570.txt"


@pytest.fixture
def batch(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "fixtures" / "letters", tmp_path / "letters")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "letters"


def run(capsys, *args):
    return run_cli(capsys, "check", "--no-config", *args)


def failing(report_json: str) -> set[tuple[str, str]]:
    """(file name, rule) of every warning and error in a JSON report."""
    report = json.loads(report_json)
    return {(Path(letter["path"]).name, f["rule"]) for letter in report["letters"]
            for f in letter["findings"] if f["severity"] in ("error", "warning")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_baseline_suppresses_recorded_findings_and_fails_on_new_ones(batch, capsys):
    code, _, err = run(capsys, "letters", "--format", "json")
    assert code == 1
    code, out, err = run(capsys, "letters", "--write-baseline", "baseline.toml", "--format", "json")
    assert code == 0 and failing(out) == set()
    assert "recorded 8 findings" in err

    # the file: readable TOML, one entry per warning/error, no line numbers
    text = Path("baseline.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(text)["finding"]
    assert len(entries) == 8
    assert sorted(e["rule"] for e in entries) == ["count-mismatch", "extra-paragraph"] + ["missing-section"] * 6
    assert all(set(e) == {"fingerprint", "rule", "letter", "file", "note"} for e in entries)
    assert not re.search(r"\blines? \d", text)  # "at line 41" is taken out of the notes too
    [extra] = [e for e in entries if e["rule"] == "extra-paragraph"]
    assert extra["note"].startswith("Paragraph is not in the template: ")
    assert {e["letter"] for e in entries} == {"Wellingborough Borough Council", "Cambridge City Council",
                                             "Ashfield District Council"}

    # re-run with it: clean
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json")
    assert code == 0 and failing(out) == set()
    assert "8 accepted findings suppressed" in err and "no longer occur" not in err
    info = [f for letter in json.loads(out)["letters"] for f in letter["findings"]]
    assert {f["rule"] for f in info} == {"extraction-artifact"}  # info findings are never baselined

    # lines move in the letters: the baseline still holds (fingerprints ignore lines)
    for name in (L001, L002):
        edit(batch / name, "Local Government", "\n\n\nLocal Government")
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json")
    assert code == 0 and failing(out) == set()
    code, _, _ = run(capsys, "letters", "--write-baseline", "rewritten.toml")
    assert Path("rewritten.toml").read_text(encoding="utf-8") == text  # nothing to diff

    # a new anomaly in a clean letter: exit 1, and only the new finding is reported
    edit(batch / L000, "Dear Mr Williams", "Dear Mr Wilson")
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json")
    assert code == 1
    assert failing(out) == {(L000, "salutation-mismatch")}
    assert "no longer occur" not in err

    # an anomaly removed: its entry is reported stale
    edit(batch / L000, "Dear Mr Wilson", "Dear Mr Williams")
    edit(batch / L001, "total of 1 compliance outcome ", "total of 2 compliance outcomes ")
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json")
    assert code == 0 and failing(out) == set()
    assert "1 baseline entry in baseline.toml no longer occurs" in err
    stale = [line for line in err.splitlines() if line.strip().startswith("stale:")]
    assert len(stale) == 1 and f"letters/{L001}: count-mismatch:" in stale[0]


def test_a_changed_figure_is_a_new_finding_not_the_accepted_one(batch, capsys):
    run(capsys, "letters", "--write-baseline", "baseline.toml")
    edit(batch / L001, "total of 1 compliance outcome ", "total of 3 compliance outcomes ")
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json")
    assert code == 1
    assert failing(out) == {(L001, "count-mismatch")}
    report = json.loads(out)
    [finding] = [f for letter in report["letters"] for f in letter["findings"] if f["rule"] == "count-mismatch"]
    assert "given as 3" in finding["message"]
    assert "no longer occurs" in err  # the accepted "given as 1" is gone


def test_rewriting_keeps_reviewers_notes_and_identical_findings_are_counted(batch, capsys):
    shutil.copy(batch / L001, batch / "001_copy.txt")  # the same letter twice: identical findings
    run(capsys, "letters", "--write-baseline", "baseline.toml", "--ignore", "duplicate-letter")
    entries = tomllib.loads(Path("baseline.toml").read_text(encoding="utf-8"))["finding"]
    counts = [e for e in entries if e["rule"] == "count-mismatch"]
    assert len(counts) == 2 and len({e["fingerprint"] for e in counts}) == 2

    text = Path("baseline.toml").read_text(encoding="utf-8")
    first = counts[0]["fingerprint"]
    text = text.replace(f'fingerprint = "{first}"\n', f'fingerprint = "{first}"\nreason = "signed off: A. Reviewer"\n')
    Path("baseline.toml").write_text(text, encoding="utf-8")
    run(capsys, "letters", "--baseline", "baseline.toml", "--write-baseline", "baseline.toml",
        "--ignore", "duplicate-letter")
    again = tomllib.loads(Path("baseline.toml").read_text(encoding="utf-8"))["finding"]
    assert [e.get("reason") for e in again if e["fingerprint"] == first] == ["signed off: A. Reviewer"]

    # one copy removed: one of the two identical entries is stale, the other still applies
    (batch / "001_copy.txt").unlink()
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json",
                         "--ignore", "duplicate-letter")
    assert code == 0 and failing(out) == set()
    assert "1 baseline entry" in err


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    ("version = [", "not valid TOML"),
    ("version = 7", "version 7"),
    ("[[finding]]\nrule = 'x'\n", "has no fingerprint"),
])
def test_unusable_baseline_is_a_usage_error(batch, capsys, content, message):
    if content is not None:
        Path("baseline.toml").write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml")
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def reword_every_message(monkeypatch):
    """Every per-letter finding of the run gets a new message, as a release rewording them would."""
    from audit import pipeline
    original = pipeline.run_rules

    def reworded(*args):
        from dataclasses import replace
        return [replace(f, message=f"Reworded: {f.rule} at {f.line}.") for f in original(*args)]
    monkeypatch.setattr(pipeline, "run_rules", reworded)


def test_rewording_messages_keeps_the_baseline(batch, capsys, monkeypatch):
    run(capsys, "letters", "--write-baseline", "baseline.toml")
    reword_every_message(monkeypatch)
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json")
    shown = [f["message"] for letter in json.loads(out)["letters"] for f in letter["findings"]]
    assert shown and all(m.startswith("Reworded:") for m in shown)  # the info findings, not recorded
    assert code == 0 and failing(out) == set() and "stale" not in err


def test_a_version_1_baseline_still_applies_and_is_migrated_with_its_reasons(batch, capsys):
    from audit import baseline
    from audit.fingerprints import fingerprint, fingerprinted
    from audit.pipeline import audit_batch
    from audit.settings import Settings
    results = list(audit_batch(sorted(Path("letters").iterdir()), Settings()))
    old = baseline.entries_for(results)
    prints = {id(f): p for r, ps in fingerprinted(results, 1) for f, p in zip(r.findings, ps)}
    v1 = [baseline.Entry(prints[id(f)], e.rule, e.letter, e.file, e.note, {"reason": "signed off"})
          for r in results for f in r.findings if f.severity in ("error", "warning")
          for e in [next(x for x in old if x.fingerprint == fingerprint(r, f))]]
    Path("baseline.toml").write_text(baseline.render(v1).replace("version = 2", "version = 1"), encoding="utf-8")

    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json")
    assert code == 0 and failing(out) == set()
    assert "earlier letter-audit (version 1); it still applies" in err

    run(capsys, "letters", "--baseline", "baseline.toml", "--write-baseline", "baseline.toml")
    rewritten = tomllib.loads(Path("baseline.toml").read_text(encoding="utf-8"))
    assert rewritten["version"] == 2 and len(rewritten["finding"]) == 8
    assert all(e["reason"] == "signed off" for e in rewritten["finding"])
    code, out, err = run(capsys, "letters", "--baseline", "baseline.toml", "--format", "json")
    assert code == 0 and "earlier letter-audit" not in err


def test_a_baseline_written_under_a_renamed_rules_old_id_still_suppresses_it(tmp_path, capsys):
    from audit.baseline import Baseline
    from audit.fingerprints import fingerprint
    from audit.models import Finding, LetterResult

    result = LetterResult(tmp_path / "a.txt", "t", {}, [Finding(
        "unknown-recipient", "warning", "account AB1 matches no row.", 3, evidence={"key": "AB1"})], key="AB1")
    old = Finding("unknown-authority", "warning", "authority AB1 matches no row.", 3, evidence={"key": "AB1"})
    path = tmp_path / "baseline.toml"
    path.write_text(f'version = 2\n\n[[finding]]\nfingerprint = "{fingerprint(result, old)}"\n'
                    f'rule = "unknown-authority"\nletter = "AB1"\n', encoding="utf-8")
    baseline = Baseline.load(path)
    assert "'unknown-authority' in the baseline" in capsys.readouterr().err
    assert [e.rule for e in baseline.entries] == ["unknown-recipient"]
    matcher = baseline.matcher()
    kept = matcher.kept(result)
    outcome = matcher.outcome()
    assert outcome.suppressed == 1 and outcome.stale == [] and kept.findings == []

"""Findings leave the worker bounded: a window of context around each change, the rest counted."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from audit.fingerprints import fingerprint
from audit.bounds import CHANGE, CONTEXT, TEXT, bounded
from audit.models import Finding, LetterResult

from support import ROOT, seed_text


def _changed(before: str, removed: str, added: str, after: str) -> Finding:
    template, text = before + removed + after, before + added + after
    diff = (("=", before), ("-", removed), ("+", added), ("=", after))
    return Finding("boilerplate-changed", "warning", f'Boilerplate differs: removed "{removed}"', 3,
                   diff=diff, evidence={"template": template, "text": text, "line": 3})


def test_a_huge_change_keeps_a_window_around_it_and_says_how_much_is_left_out():
    result = LetterResult(Path("a.txt"), "t", {})
    finding = _changed("a " * 300_000, "120", "118 " + "x" * 500_000, " b" * 300_000)
    cut = bounded(finding, result)
    assert len(json.dumps(cut.json())) < 6 * (CONTEXT + CHANGE + TEXT)
    (_, before), (_, removed), (_, added), (_, after) = cut.diff
    assert before.startswith("… 599,800 characters more … ") and before.endswith("a " * 100)
    assert removed == "120"
    assert added.startswith("118 x") and added.endswith("… 499,004 characters more …")
    assert after.startswith(" b" * 100) and after.endswith("characters more …")
    assert cut.evidence["template"] == before + removed + after  # the two sides of the cut diff
    assert cut.evidence["text"] == before + added + after
    assert cut.evidence["line"] == 3


def test_a_cut_finding_keeps_the_fingerprint_of_its_full_evidence():
    result = LetterResult(Path("a.txt"), "t", {})
    finding = _changed("a " * 3000, "120", "118", " b" * 3000)
    cut = bounded(finding, result)
    assert cut.diff != finding.diff
    assert fingerprint(result, cut) == fingerprint(result, finding)
    other = bounded(_changed("a " * 3000, "120", "119", " b" * 3000), result)
    assert fingerprint(result, other) != fingerprint(result, cut)  # a changed figure: a new identity


def test_a_finding_within_bounds_is_left_as_it_is():
    result = LetterResult(Path("a.txt"), "t", {})
    finding = _changed("We delivered ", "120", "118", " courses.")
    assert bounded(finding, result) is finding


def test_long_messages_and_evidence_text_are_cut():
    result = LetterResult(Path("a.txt"), "t", {})
    finding = Finding("extra-paragraph", "warning", "x" * 50_000, 1, evidence={"text": "y" * 50_000, "n": [1, "z" * 9]})
    cut = bounded(finding, result)
    assert len(cut.message) < TEXT + 40 and cut.message.endswith("48,000 characters more …")
    assert len(cut.evidence["text"]) < TEXT + 40
    assert cut.evidence["n"] == [1, "z" * 9]


def test_a_megabyte_paragraph_costs_a_bounded_report(tmp_path):
    paragraphs = seed_text("000").split("\n\n")
    longest = max(range(len(paragraphs)), key=lambda k: len(paragraphs[k]))
    words = " ".join(f"word{j % 997}" for j in range(130_000))
    paragraphs[longest] = paragraphs[longest] + " " + words
    letter = tmp_path / "big.txt"
    letter.write_text("\n\n".join(paragraphs), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "audit", "check", str(letter), "--format", "json", "--no-config"],
                         capture_output=True, cwd=ROOT, timeout=120).stdout
    assert letter.stat().st_size > 1_000_000
    record = json.loads(out)["letters"][0]
    assert record["findings"]
    assert len(json.dumps(record)) < 30_000


def test_a_letter_lists_at_most_a_hundred_findings_of_a_rule():
    from audit.bounds import PER_RULE, bounded_findings

    result = LetterResult(Path("a.txt"), "t", {})
    findings = [Finding("extra-paragraph", "warning", f"Paragraph at line {k}", k) for k in range(1, 5001)]
    findings.append(Finding("count-mismatch", "error", "2 is not 3", 7))
    kept = bounded_findings(findings, result)
    extra = [f for f in kept if f.rule == "extra-paragraph"]
    assert len(extra) == PER_RULE + 1
    assert extra[-1].message.startswith("4,900 more extra-paragraph findings in this letter, on lines 101 to 5000")
    assert extra[-1].severity == "warning"
    assert [f.rule for f in kept].count("count-mismatch") == 1

"""audit/run.py: a batch run returns its results, the batch rules' findings, the summary and
the baseline's outcome as records; nothing is patched into what the spool keeps."""
from __future__ import annotations

import shutil
from pathlib import Path

from audit.baseline import Baseline
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

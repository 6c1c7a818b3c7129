"""A batch too large for memory is spooled to disk: the outputs are exactly those of a batch
kept in memory, batch rules and baseline included."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit import spool
from audit.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def batch(tmp_path, monkeypatch):
    letters = tmp_path / "letters"
    shutil.copytree(ROOT / "fixtures" / "letters", letters)
    shutil.copy(letters / "001_eb19f74a81183c1a.txt", letters / "005_copy.txt")  # a duplicate-letter pair
    monkeypatch.chdir(tmp_path)
    return letters


def outputs(capsys, *extra):
    code = main(["check", "--no-config", "letters", "--format", "json", "--output-format", "sarif:out.sarif",
                 "--output-format", "text:out.txt", *extra])
    json_out = capsys.readouterr().out
    return code, json_out, Path("out.sarif").read_text(encoding="utf-8"), Path("out.txt").read_text(encoding="utf-8")


def test_spilled_results_give_the_same_outputs(batch, capsys, monkeypatch):
    main(["check", "--no-config", "letters", "--write-baseline", "baseline.toml", "--ignore", "duplicate-letter"])
    capsys.readouterr()
    for extra in ([], ["--baseline", "baseline.toml"]):
        in_memory = outputs(capsys, *extra)
        monkeypatch.setattr(spool, "SPILL_AT", 1)
        spilled = outputs(capsys, *extra)
        monkeypatch.setattr(spool, "SPILL_AT", 2000)
        assert spilled == in_memory
        assert "duplicate-letter" in spilled[1]
    assert '"duplicate-letter": {"warning": 2}' in in_memory[1]  # not in the baseline: still reported

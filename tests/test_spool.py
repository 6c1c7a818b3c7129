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


def test_letters_rendered_where_they_were_audited_give_the_same_outputs(batch, capsys, monkeypatch):
    """A JSON record made by the worker is the record the main process would make, and a clean
    letter's kept record renders as its result in SARIF, text and JUnit; the letters the batch
    rules touch (the duplicate pair) are rendered again with their new findings."""
    from audit.run import Results

    prerendered = outputs(capsys, "--output-format", "junit:out.xml")
    prerendered += (Path("out.xml").read_text(encoding="utf-8"),)
    monkeypatch.setattr(Results, "rendered", lambda self, name: iter(self))
    monkeypatch.setattr(Results, "slim", lambda self: iter(self))
    assert outputs(capsys, "--output-format", "junit:out.xml") + (Path("out.xml").read_text(encoding="utf-8"),) == prerendered


def test_a_json_run_reads_back_only_the_letters_it_must(batch, capsys, monkeypatch):
    """Without a baseline, the summary comes from the letters' tallies and the JSON from the
    workers' renderings: only the letters the batch rules touched (for the lines their findings
    point at, which the kept records leave out, and for the output), and those with findings for
    the formats that read only findings (text, SARIF, JUnit), are read back."""
    loaded = []
    result = spool.Spool.result
    monkeypatch.setattr(spool.Spool, "result", lambda self, index: loaded.append(index) or result(self, index))
    main(["check", "--no-config", "letters", "--format", "json", "--output", "out.json"])
    assert sorted(loaded) == [1, 1, 5, 5]  # 001 and its copy (duplicate-letter): for the line of the finding, then the JSON
    loaded.clear()
    letters_with_findings = {1, 2, 3, 5}  # 001, 002, 003 have findings; 001 and 005 are duplicates
    for format in ("text", "sarif", "junit"):
        loaded.clear()
        main(["check", "--no-config", "letters", "--format", format, "--output", f"out.{format}"])
        assert sorted(loaded) == sorted([*letters_with_findings, 1, 5]), format  # (the duplicates twice, as above)


@pytest.mark.parametrize("block", [1, 3000, 1 << 20])
def test_reading_the_spool_through_gives_each_letters_rendering(monkeypatch, block):
    """Read through in blocks of any size (one entry, a few, all), the spool gives each
    letter's rendering as reading it alone does, spilled or not."""
    from audit.models import LetterResult

    monkeypatch.setattr(spool, "READ_BLOCK", block)
    prepare = spool.Prepare(renderers={"name": lambda result: str(result.path) * len(str(result.path))})
    kept = spool.Spool(spill_at=3)
    paths = [f"letter-{'x' * (index * 37 % 101)}-{index}.txt" for index in range(40)]
    for path in paths:
        kept.add(prepare(LetterResult(Path(path), None, {})), path)
    try:
        assert list(kept.renderings("name")) == [kept.rendered(index, "name") for index in range(40)]
        assert list(kept.renderings("name")) == [path * len(path) for path in paths]
        assert [str(result.path) for result in kept] == paths
    finally:
        kept.close()

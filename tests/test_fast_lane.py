"""The fast lane (audit/fast_lane.py) gives a letter exactly the result the full pipeline gives
it, or declines: on every fixture, on generated batches with faults, on letters hypothesis
damages, and through the command line (issue 19)."""
from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from audit import fast_lane, pipeline
from audit.cli import main
from audit.fast_lane import audit_exact, lane_open
from audit.pipeline import MIN_COVERAGE, audit_raw
from audit.read import read_letter
from audit.rules import RuleInfo
from audit.settings import Settings

from support import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_check  # noqa: E402  (renders letters from the template, as the benchmark does)

DEFAULT = Settings()
REFUND = Settings(template_paths=[ROOT / "docs" / "examples" / "council-tax-refund.md"])
PARKING = ROOT / "tests" / "fixtures" / "templates" / "parking-permit-renewal.md"
BOTH = Settings(template_paths=[ROOT / "templates", PARKING])
VERSIONED = Settings(template_paths=[ROOT / "tests" / "fixtures" / "templates" / "versioned-notice.md", PARKING])
TEMPLATE = DEFAULT.templates[0]


def record(result) -> dict:
    """Every attribute of the result (one added later too), findings as the JSON has them."""
    kept = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    return {**kept, "findings": [f.json() for f in result.findings], "status": result.status}


def lanes(path: Path, run: Settings = DEFAULT):
    """(the fast lane's result or None, the full pipeline's result) for one letter."""
    raw = read_letter(path, run.max_bytes)
    return audit_exact(raw, run.templates, run.vocabulary, MIN_COVERAGE), audit_raw(raw, None, run)[1]


def assert_same(path: Path, run: Settings = DEFAULT) -> bool:
    """Whether the fast lane took the letter; when it did, its result is the pipeline's."""
    fast, full = lanes(path, run)
    if fast is not None:
        assert record(fast) == record(full), path
        assert not full.findings
    return fast is not None


@pytest.mark.parametrize("folder, run", [
    ("fixtures/letters", DEFAULT), ("fixtures/letters-pdf", DEFAULT), ("fixtures/letters-docx", DEFAULT),
    ("fixtures/converted-cases", DEFAULT), ("fixtures/letters-refund", REFUND), ("fixtures/letters", BOTH),
    ("tests/fixtures/versioned-notice", VERSIONED),
])
def test_every_fixture_gives_the_same_result_in_both_lanes(folder, run):
    taken = {path.name for path in sorted((ROOT / folder).iterdir()) if assert_same(path, run)}
    if folder.endswith("versioned-notice"):  # form-version names the version of every letter
        assert not taken
    elif folder.startswith("fixtures/letters-refund"):
        assert taken == {"01_clean_direct_debit.txt", "02_clean_no_direct_debit.txt"}
    elif folder != "fixtures/converted-cases":  # the one letter without a finding, in every form
        assert {name[:3] for name in taken} == {"004"}, taken


def test_generated_batches_take_the_fast_lane_unless_they_deviate(tmp_path):
    plain, varied = tmp_path / "plain", tmp_path / "varied"
    plain.mkdir(), varied.mkdir()
    bench_check.write_letters(plain, 150)
    bench_check.write_varied_letters(varied, 150)
    for path in sorted(plain.iterdir()):
        deviates = int(path.stem.split("-")[1]) % 50 == 49  # an extra paragraph, a section dropped
        assert assert_same(path) is not deviates, path
    taken = 0
    for path in sorted(varied.iterdir()):  # the address on three lines; wrong figures among them
        fast, full = lanes(path)
        assert (fast is not None) is not full.findings, path  # every letter without a finding
        taken += assert_same(path)
    assert taken > 50  # (a first name in the three-line address makes a salutation finding in many)


# -- letters hypothesis damages ------------------------------------------------------------

def _letter(rng: random.Random, values=bench_check.varied_values) -> str:
    return bench_check.render(TEMPLATE, values(rng, rng.randrange(1000)), address_lines=rng.random() < 0.5)


_DAMAGE = st.sampled_from([
    "", "\r\n", "  ", "-\n", "- ", "\n\n", "\n\n\n", "\n2\n", "\n\n2\n\n", "\n\nPage 3 of 4\n\n", "\u00a0",
    "\u2019", "**", "__", "&amp;", "<b>", "[x](y)", "# ", "> ", "- ", "1. ", "---", "\t", "\f", "\u200b",
    "and ", "1", "12", "1,000", "0", "Mr ", "decision", "decisions", "%", ".", ";", "\u00ad", "\ufeff",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), edits=st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 40), _DAMAGE | st.text(max_size=8)), max_size=4),
    swap=st.booleans())
def test_damaged_letters_give_the_same_result_in_both_lanes(scratch, seed, edits, swap):
    """A rendered letter with insertions, deletions, markup, page numbers, hard wraps,
    typographic variants, changed figures and nouns, or two paragraphs swapped."""
    rng = random.Random(seed)
    text = _letter(rng)
    for where, length, insert in edits:
        start = int(where * len(text))
        text = text[:start] + insert + text[start + length:]
    if swap:
        paragraphs = text.split("\n\n")
        k = rng.randrange(len(paragraphs))
        paragraphs[k - 1], paragraphs[k] = paragraphs[k], paragraphs[k - 1]
        text = "\n\n".join(paragraphs)
    path = scratch / "letter.txt"
    path.write_bytes(text.encode("utf-8"))
    event("fast lane" if assert_same(path) else "full pipeline")
    assert_same(path, BOTH)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder for the letters the examples write, one file overwritten by each (pytest
    removes it with its other temporary folders)."""
    return tmp_path_factory.mktemp("fast-lane")


# Changes the normaliser undoes, so that the letter may still follow its template exactly.
_AT_A_SPACE = {"hard wrap": "\n", "page break": "\n\n", "page number": "\n\n12\n\n",
               "two spaces": "  ", "non-breaking": "\u00a0", "hyphenated wrap": "-\n", "tab": "\t"}
_EVERYWHERE = {"crlf": ("\n", "\r\n"), "curly": ("'", "\u2019"), "blank lines": ("\n\n", "\n \n\n"),
               "trailing": ("\n", "  \n"), "bold": ("Dear", "**Dear**"), "entity": ("&", "&amp;")}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32),
       spaced=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(sorted(_AT_A_SPACE))), max_size=5),
       everywhere=st.sets(st.sampled_from(sorted(_EVERYWHERE))))
def test_reflowed_letters_give_the_same_result_in_both_lanes(scratch, seed, spaced, everywhere):
    """Hard wraps, paragraphs cut by a page break, page numbers, line ends, spaces and
    typography: the fast lane takes such a letter only with the pipeline's paragraphs."""
    rng = random.Random(seed)
    text = _letter(rng, bench_check.consistent_values)
    for where, kind in spaced:
        space = text.find(" ", int(where * len(text)))
        if space > 0:
            text = text[:space] + _AT_A_SPACE[kind] + text[space + 1:]
    for kind in sorted(everywhere):
        text = text.replace(*_EVERYWHERE[kind])
    path = scratch / "reflowed.txt"
    path.write_bytes(text.encode("utf-8"))
    event("fast lane" if assert_same(path) else "full pipeline")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32))
def test_clean_letters_take_the_fast_lane(scratch, seed):
    path = scratch / "clean.txt"
    path.write_text(_letter(random.Random(seed), bench_check.consistent_values), encoding="utf-8")
    assert assert_same(path)


# -- when the lane is closed ---------------------------------------------------------------

def test_a_rule_the_lane_does_not_know_closes_it():
    assert lane_open(DEFAULT.active_rules)
    new_rule = RuleInfo("shouty-letter", "warning", "Capitals", "", "", check=lambda letter: iter(()))
    assert not lane_open([*DEFAULT.active_rules, new_rule])
    batch_rule = RuleInfo("batch-thing", "warning", "Batch", "", "", check=None, batch=True)
    assert lane_open([*DEFAULT.active_rules, batch_rule])


def test_a_template_feature_the_lane_does_not_know_sends_its_letters_down_the_full_pipeline(tmp_path, monkeypatch):
    path = tmp_path / "clean.txt"
    path.write_text(_letter(random.Random(7), bench_check.consistent_values), encoding="utf-8")
    assert fast_lane.known_features_only(TEMPLATE) and assert_same(path)
    known = dict(fast_lane.KNOWN_ATTRIBUTES)  # as if headings were a feature added since
    known[fast_lane.TemplateParagraph] = known[fast_lane.TemplateParagraph] - {"heading"}
    monkeypatch.setattr(fast_lane, "KNOWN_ATTRIBUTES", known)
    monkeypatch.setattr(fast_lane, "_plain", {})
    assert not fast_lane.known_features_only(TEMPLATE) and not assert_same(path)
    refund = REFUND.templates[0]  # a template without headings does not use the "feature"
    assert fast_lane.known_features_only(refund) == (not any(p.heading for p in refund.paragraphs))


def test_the_command_line_writes_the_same_report_with_the_lane_closed(tmp_path, capsys, monkeypatch):
    bench_check.write_letters(tmp_path, 60)
    (tmp_path / "letter-000003.txt").write_bytes(b"\xff\xfe\x00garbage")
    reports = []
    for is_open in (True, False):
        if not is_open:  # the worker processes are forked after this
            monkeypatch.setattr(pipeline, "lane_open", lambda rules: False)
        main(["check", "--no-config", "--no-progress", "--format", "json", str(tmp_path)])
        reports.append(capsys.readouterr().out)
    assert json.loads(reports[0])["summary"]["letters"] == 60
    assert reports[1] == reports[0]

"""Damaged PDF and Word letters (bytes changed, cut short) never raise, hang or crash a rule:
each is audited or refused with a finding."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import SEVERITIES
from audit.pipeline import audit_letter
from audit.settings import Settings

from support import ROOT

SETTINGS = Settings()
FOLDER = Path()  # pytest's temporary folder for this module (folder()), removed as pytest removes its own


@pytest.fixture(scope="module", autouse=True)
def folder(tmp_path_factory):
    global FOLDER
    FOLDER = tmp_path_factory.mktemp("hypothesis")
EXAMPLES = max(10, int(os.environ.get("LETTER_AUDIT_FUZZ_EXAMPLES", "120")) // 3)
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOURCES = {
    ".pdf": (ROOT / "fixtures" / "letters-pdf" / "001_eb19f74a81183c1a.pdf").read_bytes(),
    ".docx": (ROOT / "fixtures" / "letters-docx" / "001_eb19f74a81183c1a.docx").read_bytes(),
}


def damaged(suffix: str, edits: list[tuple[int, int]], keep: float) -> bytes:
    data = bytearray(SOURCES[suffix])
    for position, value in edits:
        data[position % len(data)] = value
    return bytes(data[: max(1, int(len(data) * keep))])


@fuzz
@given(st.sampled_from(sorted(SOURCES)), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
       st.sampled_from([1.0, 1.0, 0.999, 0.9, 0.5]))
def test_damaged_pdf_and_word_letters_are_audited_or_refused(suffix, edits, keep):
    path = FOLDER / f"letter{suffix}"
    path.write_bytes(damaged(suffix, edits, keep))
    _, result = audit_letter(path, SETTINGS)
    assert result.findings or result.status == "pass"
    for finding in result.findings:
        assert finding.rule != "internal-error", finding.message
        assert finding.severity in SEVERITIES and finding.line >= 1 and finding.message

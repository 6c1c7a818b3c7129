"""Gold files: the HTML of a letter page and of the index, volatile parts scrubbed.

A change to what the report shows fails here until the gold files are looked at and
rewritten: LETTER_AUDIT_UPDATE_GOLD=1 python -m pytest tests/test_html_gold.py
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from audit import __version__

from html_support import page_of

GOLD = Path(__file__).parent / "gold"
SCRUB = [
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"), "YYYY-MM-DD HH:MM"),  # when the report was written
    (re.compile(re.escape(f"letter-audit {__version__}")), "letter-audit VERSION"),
    (re.compile(r'data-report="[0-9a-f]+"|"report":"[0-9a-f]+"'), "REPORT-ID"),  # from the report's folder
]


def scrubbed(html: str) -> str:
    for pattern, replacement in SCRUB:
        html = pattern.sub(replacement, html)
    return html


@pytest.mark.parametrize("name, page", [
    ("letter-001.html", lambda report: page_of(report, "001")),
    ("letter-002.html", lambda report: page_of(report, "002")),
    ("index.html", lambda report: report / "index.html"),
])
def test_page_matches_its_gold_file(fixture_report, name, page):
    actual = scrubbed(page(fixture_report).read_text(encoding="utf-8"))
    gold = GOLD / name
    if os.environ.get("LETTER_AUDIT_UPDATE_GOLD"):
        gold.write_text(actual, encoding="utf-8")
    assert gold.is_file(), f"no gold file {gold}: run with LETTER_AUDIT_UPDATE_GOLD=1 and review it"
    assert actual == gold.read_text(encoding="utf-8")

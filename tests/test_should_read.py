"""What a letter should read, from a finding's evidence alone (audit/report/should_read.py):
said where one value settles the finding, and nothing where it does not."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from audit.report.should_read import should_read


def finding(evidence, line=10):
    return SimpleNamespace(evidence=evidence, line=line)


def fields(**values):
    return {name: {"value": value, "line": line} for name, (value, line) in values.items()}


@pytest.mark.parametrize("evidence, sentence", [
    ({"check": "compliance_outcomes == upheld_decisions - remedy_decisions", "computed": ["2"],
      "fields": fields(compliance_outcomes=("1", 77), upheld_decisions=("2", 63), remedy_decisions=("0", 89))},
     "Should read “2” (compliance outcomes, line 77), not “1”, if upheld decisions and remedy decisions are right."),
    ({"check": "investigations == 0 or rounds_to(upheld_rate, 100 * upheld_decisions / investigations)",
      "computed": ["50"], "fields": fields(upheld_rate=("100%", 60), upheld_decisions=("1", 61), investigations=("2", 62))},
     "Should read “50%” (upheld rate, line 60), not “100%”, if upheld decisions and investigations are right."),
    ({"check": "period_end == year_end", "computed": [],
      "fields": fields(period_end=("31 March 2021", 66), year_end=("31 March 2020", 17))},
     "Should read “31 March 2020” (period end, line 66), not “31 March 2021”, if year end is right."),
    ({"field": "authority", "letter": "Kent", "data": "Kent County Council"},
     "Should read “Kent County Council” (authority, line 10), not “Kent”, as the data file gives it."),
    ({"number": "1", "noun": "investigations", "expected": "investigation"},
     "Should read “1 investigation” (line 10), not “1 investigations”."),
])
def test_a_settled_value_is_said(evidence, sentence):
    assert should_read(finding(evidence)).sentence() == sentence


@pytest.mark.parametrize("evidence", [
    {"check": "year(letter_date) == year", "computed": [], "fields": fields(letter_date=("1 May 2019", 5))},
    {"check": "upheld_decisions <= investigations", "computed": [], "fields": fields(upheld_decisions=("3", 1))},
    {"check": "a == b + c", "computed": ["?"], "fields": fields(a=("1", 1))},  # nothing computed
    {"check": "a == b + c", "computed": ["2", "3"], "fields": fields(a=("1", 1))},  # two figures: which?
    {"check": "(" * 5000 + "a" + ")" * 5000, "fields": {}},  # from an untrusted run file
    {"check": "a == b", "fields": [1, 2]},
    {"check": "a == b", "fields": {"a": "not a record", "b": {"value": "2"}}},
    {"text": "an extra paragraph"},
    {},
])
def test_nothing_is_said_when_no_single_value_settles_it(evidence):
    assert should_read(finding(evidence)) is None

"""The worksheet's search language (audit/serve/query.py): what each form matches, and that a
query it cannot read is an error naming why, never a silent "0 matches"."""
from __future__ import annotations

import datetime as dt

import pytest

from audit.serve.query import QueryError, Row, parse

FIELDS = {"authority", "upheld_rate", "letter_date"}
KENT_11 = Row({"rule": "salutation-mismatch", "status": "fail", "authority": "Kent County Council 11",
               "upheld_rate": 60, "letter_date": "2020-07-22", "decision": "undecided", "reviewer": None,
               "decided": None}, "letters/011.txt kent county council 11 salutation-mismatch dear sir")
KENT_1 = Row({"rule": "count-mismatch", "status": "fail", "authority": "Kent County Council 1", "upheld_rate": 45,
              "letter_date": "2020-06-30", "decision": "accepted", "reviewer": "ann",
              "decided": dt.datetime(2026, 12, 1, 9, 0)}, "letters/001.txt kent county council 1 count-mismatch")


@pytest.mark.parametrize("query, matches", [
    ("", [KENT_11, KENT_1]),
    ("status:fail -rule:salutation-mismatch", [KENT_1]),
    ("rule:salutation-mismatch OR upheld_rate:<50", [KENT_11, KENT_1]),
    ("rule:count OR rule:nothing", [KENT_1]),
    ('authority:"Kent County Council 1"', [KENT_11, KENT_1]),  # contains
    ('authority:="Kent County Council 1"', [KENT_1]),  # exactly
    ("AUTHORITY:=kent county council 11", []),  # a bare value ends at the space: "kent" exactly
    ('authority:="kent county council 11"', [KENT_11]),  # case ignored
    ("upheld_rate:>50", [KENT_11]),
    ("upheld_rate:>=45 upheld_rate:<=45", [KENT_1]),
    ("letter_date:<2020-07-01", [KENT_1]),
    ("letter_date:>2020-07", [KENT_11]),
    ("letter_date:=2020-07-22", [KENT_11]),
    ("decided:>2026-11-30", [KENT_1]),  # a decision's time, compared as a date
    ("decision:undecided", [KENT_11]),
    ("reviewer:ann", [KENT_1]),
    ("-(rule:count OR upheld_rate:>55)", []),
    ("(rule:count OR upheld_rate:>55) -reviewer:ann", [KENT_11]),
    ("dear", [KENT_11]),
    ('"council 1 count"', [KENT_1]),
])
def test_a_query_matches(query, matches):
    predicate = parse(query, FIELDS)
    assert [row for row in (KENT_11, KENT_1) if predicate(row)] == matches


@pytest.mark.parametrize("query, says", [
    ("upheld_rate:> 50", "upheld_rate:> needs a value right after it (no space)"),
    ("colour:red", "unknown field 'colour'; known fields: authority, decided,"),
    ("rule:x OR", "OR needs a term on each side"),
    ("OR rule:x", "OR needs a term on each side"),
    ("(rule:x", "a '(' is not closed"),
    ("rule:x)", "unexpected ')'"),
    ('authority:"Kent', "a quotation mark is not closed"),
    ("rule:>abc", "> compares numbers or dates (YYYY-MM-DD), not 'abc'"),
    ("()", "empty parentheses"),
])
def test_a_query_that_cannot_be_read_says_why(query, says):
    with pytest.raises(QueryError) as raised:
        parse(query, FIELDS)
    assert says in str(raised.value)

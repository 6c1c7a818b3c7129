"""Every output is written as the results stream by, never built whole in memory; CSV cells
stay within what Python's csv module and spreadsheets read."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from audit.models import Finding, LetterResult
from audit.report import Summary, as_csv, as_json, as_junit, as_sarif
from audit.settings import Settings


def _results(count: int, big: str = ""):
    for k in range(count):
        finding = Finding("extra-paragraph", "warning", f"Paragraph {k} is not in the template", k + 1,
                          evidence={"text": f"paragraph {k}"})
        yield LetterResult(Path(f"letters/{k:04}.txt"), "t", {"name": f"N{k}{big}", "count": k}, [finding])


class Watched:
    """Results that note how much of the output was written before each one was handed out."""

    def __init__(self, count: int, stream: io.StringIO):
        self.count, self.stream, self.written_before = count, stream, []

    def __iter__(self):
        for result in _results(self.count):
            self.written_before.append(len(self.stream.getvalue()))
            yield result


@pytest.mark.parametrize("module", [as_json, as_sarif, as_csv], ids=lambda m: m.NAME)
def test_output_is_written_while_the_results_come(module):
    stream = io.StringIO()
    results = Watched(50, stream)
    module.write(results, Summary.of(_results(50), Settings().rules), stream)
    before = results.written_before[-50:]  # CSV reads the results twice: columns, then rows
    assert before[10] < before[20] < before[40]  # each result's part written before the next is read
    text = stream.getvalue()
    if module is as_csv:
        assert len(list(csv.DictReader(io.StringIO(text)))) == 50
    else:
        json.loads(text)


def test_junit_cases_wait_in_a_file_not_in_memory(monkeypatch):
    import tempfile

    from audit.report import streamed

    spooled = []
    real = tempfile.TemporaryFile

    def recording(*args, **kwargs):
        spooled.append(real(*args, **kwargs))
        return spooled[-1]
    monkeypatch.setattr(streamed.tempfile, "TemporaryFile", recording)
    stream = io.StringIO()
    as_junit.write(_results(30), None, stream)
    assert len(spooled) == 1
    root = ET.fromstring(stream.getvalue())
    suite = root.find("testsuite")
    assert suite.get("tests") == "30" and suite.get("failures") == "30"
    assert suite.get("name") == "letter-audit letters" and len(suite.findall("testcase")) == 30


def test_a_huge_field_is_cut_to_a_cell_the_csv_module_reads():
    stream = io.StringIO()
    as_csv.write(list(_results(2, big="x" * 300_000)), None, stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))  # the default field limit: 131,072
    assert len(rows) == 2
    assert len(rows[0]["name"]) < 32_768 and rows[0]["name"].endswith("characters more …")
    assert rows[1]["count"] == "1"

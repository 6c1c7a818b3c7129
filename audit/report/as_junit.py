"""JUnit XML, for Jenkins, GitLab and any CI that shows test reports.

One testsuite for the batch, one testcase per letter (named by its path, classed by its
template). A letter with warning or error findings fails: its <failure> has the most
severe finding's rule as type, a message listing rule and line of each finding, and one
line per finding (line, severity, rule, message) as text. Info findings go to the
testcase's <system-out>. Batch-level findings (a data row without a letter) appear as a
testcase named after the data file.
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

from .. import __version__
from ..models import SEVERITY_RANK, ResultKind
from .locations import relative_path
from .streamed import write_streamed

NAME = "junit"
FAILING = ("error", "warning")
MESSAGE_CHARS = 500
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text) -> str:
    """Text XML 1.0 can hold: characters it forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(text))


def testcase(result) -> tuple[ET.Element, bool]:
    """The result's testcase, and whether it fails."""
    classname = "letter-audit.batch" if result.kind != ResultKind.LETTER else f"letter-audit.{result.template or 'unrecognised'}"
    path = relative_path(result.path)
    case = ET.Element("testcase", name=clean(path), classname=clean(classname), file=clean(path), time="0")
    failing = [f for f in result.findings if f.severity in FAILING]
    if failing:
        worst = max(failing, key=lambda f: SEVERITY_RANK[f.severity])
        if len(failing) == 1:
            message = f"{worst.rule} (line {worst.line}): {worst.message}"
        else:
            message = f"{len(failing)} findings: " + ", ".join(f"{f.rule} (line {f.line})" for f in failing)
        if len(message) > MESSAGE_CHARS:
            message = message[: MESSAGE_CHARS - 3] + "..."
        failure = ET.SubElement(case, "failure", message=clean(message), type=clean(worst.rule))
        failure.text = clean("\n".join(f"{path}:{f.line}: {f.severity} {f.rule}: {f.message}" for f in failing))
    notes = [f for f in result.findings if f.severity not in FAILING]
    if notes:
        out = ET.SubElement(case, "system-out")
        out.text = clean("\n".join(f"{path}:{f.line}: {f.severity} {f.rule}: {f.message}" for f in notes))
    return case, bool(failing)


class Junit:
    """The JUnit report streamed (report/streamed.py): the suite's counts and name come from
    every case, so the cases are rendered first and written after the head (HEAD_LAST)."""

    SLIM = True  # reads a result's path, template, kind, key and findings only (streamed._pieces)
    HEAD_LAST = True

    def __init__(self):
        self.tests = self.failures = 0
        self.folder: str | None = None  # the folder the letters share, narrowed as they come

    def render(self, result) -> str:
        case, failed = testcase(result)
        self.tests += 1
        self.failures += failed
        if result.kind == ResultKind.LETTER:
            self.folder = _shared(self.folder, relative_path(result.path))
        ET.indent(case, space="  ", level=2)
        return "    " + ET.tostring(case, encoding="unicode").rstrip() + "\n"

    def head(self) -> str:
        counts = (f'tests="{self.tests}" failures="{self.failures}" errors="0" skipped="0" time="0"')
        name = f"letter-audit {self.folder}" if self.folder else "letter-audit"  # after the folder the letters share
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<testsuites name="letter-audit" {counts}>\n'
                f'  <testsuite name={quoteattr(clean(name))} {counts}>\n'
                '    <properties>\n'
                f'      <property name="letter-audit.version" value={quoteattr(__version__)} />\n'
                '    </properties>\n')

    def tail(self) -> str:
        return "  </testsuite>\n</testsuites>\n"


def _shared(folder: str | None, path: str) -> str:
    here = os.path.dirname(path)
    if folder is None:
        return here
    try:
        return os.path.commonpath([folder, here]) if folder and here else ""
    except ValueError:  # absolute and relative paths mixed
        return ""


def write(results, summary, stream) -> None:
    write_streamed(Junit(), results, stream)

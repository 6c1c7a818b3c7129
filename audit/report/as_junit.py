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

from .. import __version__
from ..models import SEVERITY_RANK, ResultKind
from .locations import relative_path

NAME = "junit"
FAILING = ("error", "warning")
MESSAGE_CHARS = 500
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text) -> str:
    """Text XML 1.0 can hold: characters it forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(text))


def suite_name(paths) -> str:
    """The suite is named after the folder the letters share."""
    folders = [os.path.dirname(path) for path in paths]
    try:
        common = os.path.commonpath(folders) if folders else ""
    except ValueError:  # absolute and relative paths mixed
        common = ""
    return f"letter-audit {common}".strip() if common else "letter-audit"


def testcase(parent, result) -> bool:
    """Add the result's testcase; True when it fails."""
    classname = "letter-audit.batch" if result.kind != ResultKind.LETTER else f"letter-audit.{result.template or 'unrecognised'}"
    path = relative_path(result.path)
    case = ET.SubElement(parent, "testcase", name=clean(path), classname=clean(classname), file=clean(path), time="0")
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
    return bool(failing)


def write(results, summary, stream) -> None:
    root = ET.Element("testsuites", name="letter-audit")
    suite = ET.SubElement(root, "testsuite")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="letter-audit.version", value=__version__)
    tests = failures = 0
    letters = []
    for result in results:  # one pass: the results may be read from disk
        tests += 1
        failures += testcase(suite, result)
        if result.kind == ResultKind.LETTER:
            letters.append(relative_path(result.path))
    suite.set("name", clean(suite_name(letters)))
    for element in (root, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
        element.set("skipped", "0")
        element.set("time", "0")
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")

"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; every rule of the catalogue once in tool.driver.rules (summary, explanation,
default level); every finding a result with ruleId, level (error, warning, note), the
message, its file (a URI relative to the working directory, under %SRCROOT%) and line, and
partialFingerprints from audit.fingerprints.fingerprinted, which ignore line numbers, so a
finding keeps its identity when unrelated lines move.
"""
from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..fingerprints import KEY as FINGERPRINT_KEY, Fingerprints
from .locations import artifact_uri
from .streamed import write_streamed

NAME = "sarif"
SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def rule_descriptor(rule) -> dict:
    descriptor = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc or rule.summary},
        "help": {"text": f"{rule.summary}\n\n{rule.doc}\n\nHow to check: {rule.hint}".strip()},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["letter-audit", "batch" if rule.batch else "letter"]},
    }
    return descriptor


def result_record(result, finding, print_, rule_index: dict[str, int]) -> dict:
    uri, relative = artifact_uri(result.path)
    location = {"artifactLocation": {"uri": uri, **({"uriBaseId": "%SRCROOT%"} if relative else {})},
                "region": {"startLine": max(1, finding.line),
                           **({"properties": {"page": finding.page}} if finding.page is not None else {})}}
    record = {
        "ruleId": finding.rule,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT_KEY: print_},
    }
    if finding.rule in rule_index:
        record["ruleIndex"] = rule_index[finding.rule]
    properties = {"section": finding.section, "excerpt": finding.excerpt, "letter": result.key}
    properties = {k: v for k, v in properties.items() if v}
    if properties:
        record["properties"] = properties
    return record


class Sarif:
    """The SARIF log streamed (report/streamed.py): the run's tool and rules, then one result
    per finding as the letters come, then the end of the log."""

    SLIM = True  # reads a result's path, template, kind, key and findings only (streamed._pieces)
    HEAD_LAST = False
    _RESULTS = "\u0000results"  # stands for the results array while the head is laid out

    def __init__(self, catalogue: dict):
        self.rules = list(catalogue.values())
        self.rule_index = {rule.id: index for index, rule in enumerate(self.rules)}
        self.prints = Fingerprints()
        self.written = 0

    def _log(self) -> str:
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "letter-audit",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": [rule_descriptor(rule) for rule in self.rules],
                }},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": self._RESULTS,
            }],
        }
        return json.dumps(log, ensure_ascii=False, indent=2)

    def head(self) -> str:
        return self._log().split(json.dumps(self._RESULTS))[0] + "["

    def render(self, result) -> str:
        pieces = []
        for finding, print_ in zip(result.findings, self.prints.of(result)):
            record = json.dumps(result_record(result, finding, print_, self.rule_index), ensure_ascii=False)
            pieces.append(("," if self.written else "") + "\n        " + record)
            self.written += 1
        return "".join(pieces)

    def tail(self) -> str:
        return ("\n      ]" if self.written else "]") + self._log().split(json.dumps(self._RESULTS))[1] + "\n"


def document(results, catalogue: dict) -> dict:
    """The whole log as one value (for tests; the writer streams it)."""
    import io

    out = io.StringIO()
    write_streamed(Sarif(catalogue), results, out)
    return json.loads(out.getvalue())


def write(results, summary, stream) -> None:
    write_streamed(Sarif(summary.catalogue), results, stream)

"""The plain records that flow between the pipeline stages.

read -> RawLetter -> normalise -> Document -> align -> Alignment -> extract -> Fields -> rules -> Finding
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class RawLetter:
    """A file as read from disk: decoded text, or the reason it could not be read."""

    path: Path
    text: str | None
    encoding: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """One normalised paragraph and where it came from in the original file."""

    text: str
    line: int  # 1-based line of the original file where the paragraph starts
    line_starts: tuple[tuple[int, int], ...]  # (offset in text, original line) per joined line
    artifact: str | None = None  # why the normaliser set it aside (e.g. "page number")

    def line_at(self, offset: int) -> int:
        line = self.line
        for start, original in self.line_starts:
            if start > offset:
                break
            line = original
        return line


@dataclass(frozen=True)
class Document:
    path: Path
    paragraphs: tuple[Paragraph, ...]  # paragraphs the letter is made of
    artifacts: tuple[Paragraph, ...]  # converter residue set aside (page numbers, ...)
    encoding: str | None = None


@dataclass(frozen=True)
class Value:
    """A typed value pulled out of a letter, with the words it came from."""

    field: str
    value: Any  # int, Decimal, Money, str or datetime.date (audit/types.py)
    raw: str
    line: int
    paragraph: int = 0  # first line of the paragraph it was read from

    def json(self) -> Any:
        from .types import json_value  # models stay import-free for the stages

        return json_value(self.value)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    line: int
    section: str | None = None
    excerpt: str = ""
    diff: tuple[tuple[str, str], ...] | None = None  # ("=", "+", "-", text) word-level diff

    def json(self) -> dict:
        record = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "section": self.section,
            "excerpt": self.excerpt,
        }
        if self.diff is not None:
            record["diff"] = [list(op) for op in self.diff]
        return record


@dataclass(eq=False)  # compared by identity: comparing every field of two letters is never meant
class LetterResult:
    """What the batch keeps of one letter: small, no letter text beyond excerpts."""

    path: Path
    template: str | None
    fields: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    key: str | None = None  # the letter's identity: its template's key field (e.g. the authority)
    content_hash: str | None = None  # hash of the normalised paragraphs, for duplicate-letter
    lines: dict[str, int] = field(default_factory=dict)  # field -> line where it is first quoted
    kind: str = "letter"  # or "batch": a pseudo-result holding findings about the whole batch

    @property
    def status(self) -> str:
        worst = max((SEVERITY_RANK[f.severity] for f in self.findings), default=0)
        return {3: "fail", 2: "warn"}.get(worst, "pass")

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

"""The immutable records that flow between the pipeline stages (docs/architecture.md).

read -> RawLetter -> normalise -> Document -> align -> Alignment -> extract -> Fields
     -> checks -> CheckFailures -> Letter (all of the above) -> rules -> Issue (anchored)
     -> Finding -> LetterResult
"""
from __future__ import annotations

import re
from bisect import bisect_right
from enum import StrEnum
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple, Union

from .types import json_value

if TYPE_CHECKING:
    from .evidence import Evidence
    from .template import Template, TemplateParagraph
    from .versions import VersionReading

class PairKind(StrEnum):
    """How a row of the alignment stands: a letter paragraph and the template paragraph it is."""

    EXACT = "exact"  # the template's text, its placeholders filled
    CHANGED = "changed"  # the template paragraph, edited
    MOVED = "moved"  # a template paragraph out of its place
    FREE = "free"  # text where the template tolerates any
    EXTRA = "extra"  # a paragraph the template does not have
    DUPLICATE = "duplicate"  # a template paragraph given again
    MISSING = "missing"  # a template paragraph the letter lacks (no letter paragraph)


class ResultKind(StrEnum):
    """What a LetterResult stands for."""

    LETTER = "letter"
    BATCH = "batch"  # a carrier of findings about the batch as a whole (a data file)


SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
FAIL_ON = (*SEVERITIES, "never")  # --fail-on: the least severe finding that fails the run
INTERNAL_ERROR = "internal-error"  # the rule of a bug: never switched off, never a pass


def status_of(findings) -> str:
    """A letter's status from its findings: fail (an error), warn (a warning) or pass."""
    return status_by_severity(f.severity for f in findings)


def status_by_severity(severities) -> str:
    """status_of, from the findings' severities alone."""
    worst = max((SEVERITY_RANK[severity] for severity in severities), default=0)
    return "fail" if worst == 3 else "warn" if worst == 2 else "pass"


EXCERPT_CHARS = 160
NEAR_SCORE = 95  # a paragraph this similar to its template paragraph differs by a word or two


def page_at(page_starts: tuple[int, ...], line: int) -> int | None:
    """The 1-based page holding `line`, when the reader knew pages (PDF); else None."""
    return bisect_right(page_starts, line) or None if page_starts else None


def cell_at(cells: tuple[tuple[int, int, int, int, int], ...], line: int) -> tuple[int, int, int] | None:
    """The table cell (table, row, column) holding `line`, from `RawLetter.cells`; else None."""
    k = bisect_right(cells, (line, float("inf"))) - 1
    return tuple(cells[k][2:]) if k >= 0 and cells[k][1] >= line else None


@dataclass(frozen=True)
class RawLetter:
    """A file as read from disk: decoded text, or the reason it could not be read."""

    path: Path
    text: str | None
    encoding: str | None = None
    error: str | None = None
    page_starts: tuple[int, ...] = ()  # line of the text where each page starts (PDF)
    artifacts: tuple[tuple[int, str, str], ...] = ()  # (line, kind, text) a reader dropped (running header)
    revisions: Revisions | None = None  # unaccepted tracked changes and comments (Word)
    # lines of each cell of a table row of several cells: (first line, last line, table, row,
    # column), counted from 1 (a PDF letterhead's blocks side by side are a table of one row)
    cells: tuple[tuple[int, int, int, int, int], ...] = ()


@dataclass(frozen=True)
class Revisions:
    """Where a Word letter still holds tracked changes and comments: lines of the text read."""

    insertions: tuple[int, ...] = ()
    deletions: tuple[int, ...] = ()
    moves: tuple[int, ...] = ()
    comments: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.insertions or self.deletions or self.moves or self.comments)


class Paragraph(NamedTuple):
    """One normalised paragraph and where it came from in the original file (a named tuple,
    like Pair and Value: dozens are made per letter)."""

    text: str
    line: int  # 1-based line of the original file where the paragraph starts
    line_starts: tuple[tuple[int, int], ...]  # (offset in text, original line) per joined line
    artifact: str | None = None  # why the normaliser set it aside (e.g. "page number")
    cell: tuple[int, int, int] | None = None  # (table, row, column) of the table cell it stands in, if any

    @property
    def end_line(self) -> int:
        return self.line_starts[-1][1] if self.line_starts else self.line

    def line_at(self, offset: int) -> int:
        k = bisect_right(self.line_starts, (offset, float("inf")))
        return self.line_starts[k - 1][1] if k else self.line


@dataclass(frozen=True)
class Document:
    path: Path
    paragraphs: tuple[Paragraph, ...]  # paragraphs the letter is made of
    artifacts: tuple[Paragraph, ...]  # converter residue set aside (page numbers, ...)
    encoding: str | None = None
    page_starts: tuple[int, ...] = ()
    running: tuple[Paragraph, ...] = ()  # running headers the reader left out, at the line they stood before


class Pair(NamedTuple):
    """One row of the letter laid over its template. `line` and `section` say where it stands:
    for a missing paragraph, after the letter line before it, in the template's section.
    (A named tuple, as Value: dozens are made per letter, and a tuple is made fastest.)"""

    kind: PairKind
    para: Paragraph | None  # None when the template paragraph is missing
    template: "TemplateParagraph | None"  # None for a paragraph the template does not have
    match: re.Match | None = None  # when a placeholder paragraph matched exactly
    score: float = 100.0
    duplicate_of: int | None = None  # for a duplicate: the line of the first copy
    line: int = 1
    section: str | None = None

    @property
    def end_line(self) -> int:
        return self.para.end_line if self.para is not None else self.line


@dataclass(frozen=True)
class Alignment:
    template: "Template"
    document: Document
    pairs: tuple[Pair, ...] = ()
    missing_sections: tuple[str, ...] = ()
    fast: bool = True  # aligned by the exact, in-step walk alone
    omitted_sections: tuple[str, ...] = ()  # optional sections left out altogether: nothing to report
    folded: frozenset[int] = frozenset()  # template paragraphs the letter ran into another, paired as one with it

    @property
    def exact_share(self) -> float:
        """The share of the template's required paragraphs the letter holds as written (or all
        but a word or two): a letter of the template's kind holds most of them."""
        found = {p.template.index for p in self.pairs
                 if p.template is not None and not p.template.optional
                 and (p.kind == PairKind.EXACT
                      or (p.kind in (PairKind.CHANGED, PairKind.MOVED) and p.score >= NEAR_SCORE))}
        wanted = sum(1 for p in self.template.paragraphs if not p.free and not p.optional)
        return len(found) / wanted if wanted else 0.0

    @property
    def coverage(self) -> float:
        found = sum(1 for p in self.pairs if p.kind in (PairKind.EXACT, PairKind.CHANGED, PairKind.MOVED) and not p.template.optional)
        wanted = sum(1 for p in self.template.paragraphs if not p.free and not p.optional)
        return found / wanted if wanted else 0.0


class Value(NamedTuple):
    """One quotation of a field: the typed value, the words it came from, and where."""

    field: str
    value: Any  # int, Decimal, Money, str or datetime.date (audit/types.py)
    raw: str
    line: int
    paragraph: int = 0  # first line of the paragraph it was read from
    section: str | None = None

    def json(self) -> Any:
        return json_value(self.value)


@dataclass(frozen=True)
class UnreadableValue:
    """A placeholder's text that is not a value of the field's type ("150.50" for an int)."""

    field: str
    type: str
    raw: str
    reason: str  # what it is not: "not a whole number"
    line: int
    section: str | None


@dataclass(frozen=True)
class Disagreement:
    """A number and the noun after it that do not agree ("1 detailed investigations")."""

    number: str
    noun: str
    expected: str
    line: int
    pair: Pair


class VariantUse(NamedTuple):
    """Which of a phrase's accepted variants ({{one of: A | B}}) a letter used, and where."""

    used: str
    choices: tuple[str, ...]
    line: int
    template_line: int  # line of the template paragraph
    section: str | None = None

    def json(self) -> dict:
        return {"line": self.line, "template_line": self.template_line, "used": self.used,
                "choices": list(self.choices)}


@dataclass(frozen=True)
class Fields:
    """Every quotation of every field, in letter order."""

    values: Mapping[str, tuple[Value, ...]] = field(default_factory=lambda: MappingProxyType({}))
    disagreements: tuple[Disagreement, ...] = ()
    unreadable: tuple[UnreadableValue, ...] = ()  # placeholder text that is not a value of its type
    variants: tuple[VariantUse, ...] = ()  # the accepted variant each variant placeholder took

    def first(self, name: str) -> Value | None:
        found = self.values.get(name)
        return found[0] if found else None

    def in_paragraph(self, name: str, paragraph: int) -> Value | None:
        """The value of a field as read from the paragraph starting at line `paragraph`."""
        return next((v for v in self.values.get(name, ()) if v.paragraph == paragraph), None)

    def environment(self, constants: dict[str, Any]) -> dict[str, Any]:
        env = dict(constants)
        env.update({name: found[0].value for name, found in self.values.items()})
        return env

    def as_json(self, template: "Template") -> dict[str, Any]:
        return {name: (v.json() if (v := self.first(name)) else None) for name in template.fields}


@dataclass(frozen=True)
class Letter:
    """Everything the stages learnt about one letter: what every rule sees. A stage that did
    not run leaves its record None (an unreadable file has no document)."""

    raw: RawLetter
    document: Document | None = None
    template: "Template | None" = None
    alignment: Alignment | None = None
    fields: Fields | None = None
    failures: tuple = ()  # checks.CheckFailure: the template's checks and conflicts that fail
    unrecognised: str | None = None  # why no template fits
    different_form: str | None = None  # why the document is another form than its template's letters
    version: "VersionReading | None" = None  # the version of its form the letter follows (versions.py)


class QuotedField(NamedTuple):
    """What a batch rule's finding about a letter is about: a field, where the letter first
    quotes it (LetterResult.lines), in the section its template places it."""

    name: str


# What a finding is about: a row of the alignment, a paragraph (an artifact), a quoted value,
# a field of a letter's result (batch rules), a line of the file (batch findings about a data
# file), or None (the file as a whole).
Anchor = Union[Pair, Paragraph, Value, QuotedField, int, None]


@dataclass(frozen=True)
class Issue:
    """What a rule reports: the message and what it is about. The framework turns it into a
    Finding, deriving line, end line, page, section and excerpt from the anchor."""

    message: str
    anchor: Anchor = None
    evidence: "Evidence | None" = field(default=None, compare=False, hash=False)  # the rule's own record type
    diff: tuple[tuple[str, str], ...] | None = None
    excerpt: str | None = None  # when the anchor's own text is not the evidence to show


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    line: int
    section: str | None = None
    excerpt: str = ""
    diff: tuple[tuple[str, str], ...] | None = None  # ("=", "+", "-", text) word-level diff
    end_line: int | None = None
    page: int | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)  # Issue.evidence as data
    identity: str | None = field(default=None, compare=False)  # fingerprint of the evidence before a cut (bounds.py)
    cell: tuple[int, int, int] | None = None  # (table, row, column) of the table cell its line stands in

    def json(self) -> dict:
        record = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "end_line": self.end_line if self.end_line is not None else self.line,
            **({"page": self.page} if self.page is not None else {}),
            **({"cell": dict(zip(("table", "row", "column"), self.cell))} if self.cell is not None else {}),
            "section": self.section,
            "excerpt": self.excerpt,
            "evidence": dict(self.evidence),
        }
        if self.diff is not None:
            record["diff"] = [list(op) for op in self.diff]
        return record


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


@dataclass(eq=False, slots=True)  # compared by identity: comparing two letters' fields is never meant
class LetterResult:
    """What the batch keeps of one letter: small, no letter text beyond excerpts."""

    path: Path
    template: str | None
    fields: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    key: str | None = None  # the letter's identity: its template's key field (e.g. the recipient)
    content_hash: str | None = None  # hash of the normalised paragraphs, for duplicate-letter
    lines: dict[str, int] = field(default_factory=dict)  # field -> line where it is first quoted
    kind: ResultKind = ResultKind.LETTER
    variants: list[dict] = field(default_factory=list)  # accepted variants the letter used (VariantUse.json)
    content: list[dict] = field(default_factory=list)  # the letter's own paragraphs where the template allows any
    cells: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # field -> table cell of its line in `lines`

    @property
    def status(self) -> str:
        return status_of(self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

"""View models: the plain data the page templates render, and nothing else.

Every string here is text (letter words, field values, paths) that is escaped where it is
rendered, except the fields named as HTML (RowHtml.html, LetterPage.overlay and .unplaced),
which render.py builds from escaped text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..should_read import ShouldRead


@dataclass(frozen=True)
class Segment:
    """A run of text within a paragraph.

    kind: text (boilerplate), value (a placeholder's value in the letter), agree (a singular or
    plural the template lets the letter choose), slot (a placeholder in the template),
    ins / del (words the letter added / the template had), missing (template text the letter lacks).
    """

    kind: str
    text: str
    label: str | None = None  # the field a value or slot stands for, shown on hover


@dataclass
class Row:
    """One paragraph of the letter laid over its template (or a template paragraph it lacks)."""

    anchor: str  # element id: L<line> for letter text, M<n> for a missing paragraph
    kind: str  # exact | changed | moved | belongs | free | extra | duplicate | missing | artifact | unmatched
    line: int | None
    last_line: int | None
    section: str | None
    heading: bool
    note: str | None  # what the reviewer should know about the row, in words
    template: list[Segment]  # the template's side, for rows the letter lacks or tolerates (the page
    #                          builds the others' from the letter's side, values as their slots)
    letter: list[Segment]  # the letter's side; inline view shows this alone
    absent_excerpt: str | None = None  # a missing row: its template text as findings quote it
    partner: str | None = None  # a moved paragraph and the place it belongs point at each other
    pages: tuple[int, ...] = ()  # the pages of a PDF letter that begin within this row (page breaks)


@dataclass(frozen=True)
class Quotation:
    """One place a field a finding calls into question is quoted."""

    field: str
    text: str
    line: int | None
    target: str  # anchor of its row


@dataclass
class FindingView:
    number: int
    rule: str
    severity: str
    message: str
    line: int
    section: str | None
    target: str  # anchor of the row it points at
    hint: str = ""  # how a reviewer checks it
    fingerprint: str = ""  # as the baseline and SARIF know it
    accepted: bool = False  # suppressed by --baseline: shown collapsed
    fields: tuple[str, ...] = ()  # fields its evidence names: their values are marked wrong
    quotations: list[Quotation] = field(default_factory=list)
    diff: str = ""  # for the change list: the words removed and inserted, briefly
    should_read: "ShouldRead | None" = None  # what the letter should say, where one value settles it
    cell: str = ""  # the table cell its line stands in, as a reader names it ("table 1, row 3, column 2")


class RowHtml(NamedTuple):
    """A row rendered once, where the letter was audited: its HTML without the closing tag (the
    comments of its findings go before it) and what placing findings on it needs."""

    anchor: str
    kind: str
    line: int | None
    last_line: int | None
    section: str | None
    absent_excerpt: str | None
    values: tuple[tuple[str, str], ...]  # (field, text as written) of the values it shows
    html: str


@dataclass(frozen=True)
class PageDraft:
    """What a letter's page needs of the letter itself, made where the letter was audited and
    kept on disk until the batch is done: its rows, never its findings (the batch rules and the
    baseline may yet change them)."""

    template: str | None  # title
    notice: str | None
    rows: tuple[RowHtml, ...]
    field_types: dict[str, str]


@dataclass(frozen=True)
class FieldView:
    name: str
    value: str
    target: str | None  # anchor of the row the value was read from
    cell: str = ""  # the table cell it was read from, as a reader names it


@dataclass(frozen=True)
class Link:
    href: str
    label: str


@dataclass
class LetterPage:
    number: int
    total: int
    path: str  # within the folder the batch shares
    source: str  # as given on the command line
    title: str
    template: str | None
    status: str
    counts: dict[str, int]
    notice: str | None  # why the letter is not laid over a template
    fields: list[FieldView]
    findings: list[FindingView]
    overlay: str  # the rows' HTML with the findings under them (render.overlay_html)
    previous: Link | None
    next: Link | None
    report_id: str = ""
    href: str = ""  # relative to the report folder: the letter's key in the reviewer's decisions
    data: dict = field(default_factory=dict)  # for the review script, embedded as JSON
    unplaced: str = ""  # the HTML of the findings no row is about


@dataclass(frozen=True)
class Bar:
    """A stacked bar of the overview chart: one rule, its findings by severity."""

    label: str
    total: int
    parts: list[tuple[str, int, float, float]]  # (severity, count, x, width) in percent of the widest bar
    caption: str  # the counts in words
    href: str


@dataclass(frozen=True)
class BatchFinding:
    """A finding about the batch as a whole (e.g. a row of a data file with no letter)."""

    source: str  # the file it points into
    line: int
    severity: str
    rule: str
    message: str


@dataclass
class IndexPage:
    letters: int
    root: str
    statuses: dict[str, int]
    status_bar: list[tuple[str, int, float, float]]  # (status, count, x, width) in percent
    severities: dict[str, int]
    rules: list[Bar]
    batch_findings: list[BatchFinding]
    templates: list[str]
    generated: str
    version: str
    data: dict  # the table rows, embedded as JSON for the page script
    report_id: str = ""

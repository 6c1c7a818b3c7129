"""The view model of one letter's page: its draft (the rows, made where it was audited) and
its final findings (after the batch rules and the baseline)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

from ... import baseline as baselines
from ...models import SEVERITIES, Finding, LetterResult, status_of
from markupsafe import Markup

from ..escape import CSV_RULE, shown_path as display_path
from ..locations import cell_words
from ..should_read import should_read
from .overlay import place_findings
from .render import environment, mark_values
from .views import FieldView, FindingView, LetterPage, Link, PageDraft, Quotation

BRIEF_DIFF_CHARS = 60


@dataclass(frozen=True)
class PageJob:
    """Everything a letter's page shows besides its draft."""

    number: int
    total: int
    result: LetterResult  # every finding, those the baseline accepted included
    accepted: tuple[bool, ...]  # per finding: suppressed by --baseline
    fingerprints: tuple[str, ...]  # per finding, as the baseline and SARIF compute them
    shown_path: str
    href: str  # relative to the report folder
    previous: Link | None
    next: Link | None
    report_id: str = ""
    hints: tuple[tuple[str, str], ...] = ()  # (rule id, hint) of the run's rules


def letter_page(job: PageJob, draft: PageDraft | None) -> LetterPage:
    result = job.result
    if draft is None:
        draft = PageDraft(result.template, "The letter's text was not kept for this report.", (), {})
    rows = draft.rows
    targets = place_findings(rows, result.findings)
    hints = dict(job.hints)
    findings = []
    for number, (finding, target, print_, accepted) in enumerate(
            zip(result.findings, targets, job.fingerprints, job.accepted), start=1):
        named = named_fields(finding, draft.field_types)
        findings.append(FindingView(
            number, finding.rule, finding.severity, finding.message, finding.line, finding.section, target,
            hints.get(finding.rule, ""), print_, accepted, named,
            quotations(rows, named), brief_diff(finding), should_read(finding),
            cell_words(finding.cell) if finding.cell else ""))
    kept = [f for f, accepted in zip(result.findings, job.accepted) if not accepted]
    status = status_of(kept)
    anchors = {row.anchor for row in rows}
    return LetterPage(
        number=job.number,
        total=job.total,
        path=job.shown_path,
        source=display_path(result.path),
        title=PurePath(job.shown_path).name,
        template=draft.template or result.template,
        status=status,
        counts={s: sum(1 for f in kept if f.severity == s) for s in SEVERITIES},
        notice=draft.notice,
        fields=_fields(result, rows, draft.field_types),
        findings=findings,
        overlay=overlay_html(rows, findings) if rows else Markup(""),
        previous=job.previous,
        next=job.next,
        report_id=job.report_id,
        href=job.href,
        data=_review_data(job, findings),
        unplaced=comments_html([f for f in findings if f.target not in anchors]),
    )


def overlay_html(rows, findings: list[FindingView]) -> Markup:
    """The rows with each finding under the row it is about, and the values findings call
    into question marked: wrong where the finding points, involved where else they are quoted."""
    under: dict[str, list[FindingView]] = {}
    wrong: dict[str, set[str]] = {}
    involved: set[str] = set()
    for view in findings:
        under.setdefault(view.target, []).append(view)
        if not view.accepted and view.fields:
            wrong.setdefault(view.target, set()).add(view.fields[0])
            involved.update(view.fields)
    parts = []
    for row in rows:
        html = row.html
        if involved and any(name in involved for name, _ in row.values):
            here = wrong.get(row.anchor, set())
            html = mark_values(mark_values(html, here, "wrong"), involved - here, "involved")
        parts.append(html)
        if row.anchor in under:
            parts.append(comments_html(under[row.anchor]))
        parts.append("</div>\n")
    return Markup("".join(parts))


def comments_html(findings: list[FindingView]) -> Markup:
    if not findings:
        return Markup("")
    template = environment().get_template("comment.html")
    return Markup("".join(template.render(f=view) for view in findings))


def named_fields(finding: Finding, field_types: dict[str, str]) -> tuple[str, ...]:
    """The letter's fields a finding calls into question: those its structured evidence names,
    else those its evidence text (excerpt) names, in order."""
    evidence = getattr(finding, "evidence", None)
    names: list[str] = []
    if isinstance(evidence, Mapping) and evidence:
        _collect_names(evidence, field_types, names)
    else:
        for word in re.findall(r"[A-Za-z_]\w*", f"{finding.excerpt} {finding.message}"):
            if word in field_types and word not in names:
                names.append(word)
    return tuple(names)


def _collect_names(value, field_types: dict[str, str], names: list[str]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if isinstance(key, str) and key in field_types and key not in names:
                names.append(key)
            _collect_names(inner, field_types, names)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            _collect_names(inner, field_types, names)
    elif isinstance(value, str) and value in field_types and value not in names:
        names.append(value)


def quotations(rows, names: tuple[str, ...]) -> list[Quotation]:
    return [Quotation(name, text, row.line, row.anchor)
            for row in rows for name, text in row.values if name in names]


def brief_diff(finding: Finding) -> str:
    """'four' → 'five' for a change list: the first words removed and inserted."""
    if not finding.diff:
        return ""
    removed = " ".join(text.strip() for op, text in finding.diff if op == "-").strip()
    inserted = " ".join(text.strip() for op, text in finding.diff if op == "+").strip()
    removed, inserted = _short(removed), _short(inserted)
    if removed and inserted:
        return f"“{removed}” → “{inserted}”"
    return f"removed “{removed}”" if removed else f"inserted “{inserted}”" if inserted else ""


def _short(text: str) -> str:
    return text if len(text) <= BRIEF_DIFF_CHARS else text[:BRIEF_DIFF_CHARS - 1] + "…"


def _fields(result: LetterResult, rows, field_types: dict[str, str]) -> list[FieldView]:
    anchors = {row.line: row.anchor for row in rows if row.line is not None}  # values stand on a row's first line, mostly
    views = []
    for name, value in result.fields.items():
        line = result.lines.get(name)
        target = None if line is None else anchors.get(line) or _row_at(rows, line)
        cell = result.cells.get(name)
        views.append(FieldView(name, shown_value(value, field_types.get(name)), target, cell_words(cell) if cell else ""))
    return views


def shown_value(value, kind: str | None) -> str:
    if value is None:
        return ""
    return f"{value}%" if kind == "percent" else str(value)


def _row_at(rows, line: int) -> str | None:
    """The anchor of the paragraph that holds `line`."""
    for row in rows:
        if row.line is not None and row.line <= line <= (row.last_line or row.line):
            return row.anchor
    return None


def _review_data(job: PageJob, findings: list[FindingView]) -> dict:
    """What the review script records with a decision: enough to export a baseline entry and a
    CSV row from any page of the report, without this page's help."""
    result = job.result
    records = []
    for view, finding in zip(findings, result.findings):
        entry = baselines.entry_for(result, finding, view.fingerprint)
        text = baselines.render([entry])
        records.append({
            "id": f"F{view.number}",
            "fingerprint": view.fingerprint,
            "rule": view.rule,
            "severity": view.severity,
            "line": view.line,
            "message": view.message,
            "accepted": view.accepted,
            "baseline": text[text.index("[[finding]]"):],
            "order": "\x1f".join(baselines.sort_key(entry)),
            **({"shouldRead": view.should_read.json()} if view.should_read and not view.accepted else {}),
        })
    return {"report": job.report_id, "letter": job.href, "baselineHead": baselines.render([]), "csv": CSV_RULE,
            "path": job.shown_path, "text": result.content_hash or "",
            "source": display_path(Path(result.path).as_posix()), "findings": records}


"""The view model of one letter's page, from its result and a fresh reading of its text."""
from __future__ import annotations

from pathlib import PurePath

from ...models import SEVERITIES, Letter, LetterResult
from ...rules import all_rules
from ..escape import shown_path as display_path
from .overlay import lay_over
from .views import FieldView, FindingView, LetterPage, Link


def letter_page(number: int, total: int, result: LetterResult, ctx: Letter, shown_path: str,
                previous: Link | None, following: Link | None, notice: str | None = None) -> LetterPage:
    """`result` holds the findings to show (batch rules may have added some); `ctx` the text."""
    rows, targets = lay_over(ctx, result.findings)
    catalogue = all_rules()
    findings = [FindingView(n, f.rule, f.severity, f.message, f.line, f.section, target,
                            catalogue[f.rule].hint if f.rule in catalogue else "")
                for n, (f, target) in enumerate(zip(result.findings, targets), start=1)]
    anchors = {row.line: row.anchor for row in rows if row.line is not None}
    fields = []
    for name, value in result.fields.items():
        found = ctx.fields.first(name) if ctx.fields else None
        kind = ctx.template.fields[name].base if ctx.template and name in ctx.template.fields else None
        fields.append(FieldView(name, shown_value(value, kind), anchors.get(_row_line(rows, found.line)) if found else None))
    return LetterPage(
        number=number,
        total=total,
        path=shown_path,
        source=display_path(result.path),
        title=PurePath(shown_path).name,
        template=ctx.template.title if ctx.template else result.template,
        status=result.status,
        counts={s: result.count(s) for s in SEVERITIES},
        notice=notice or _notice(ctx),
        fields=fields,
        findings=findings,
        rows=rows,
        previous=previous,
        next=following,
    )


def shown_value(value, kind: str | None) -> str:
    if value is None:
        return ""
    return f"{value}%" if kind == "percent" else str(value)


def _row_line(rows, line: int) -> int | None:
    """The first line of the paragraph that holds `line`."""
    for row in rows:
        if row.line is not None and row.line <= line <= row.last_line:
            return row.line
    return None


def _notice(ctx: Letter) -> str | None:
    if ctx.raw.text is None:
        return "The file could not be read, so there is no text to show."
    if ctx.alignment is None:
        return ("No template fits this letter: its paragraphs are shown as they are." if ctx.document
                and ctx.document.paragraphs else "The file holds no text.")
    return None

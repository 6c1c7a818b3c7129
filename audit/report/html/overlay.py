"""Lay a letter over its template, paragraph by paragraph, as rows of text segments."""
from __future__ import annotations

import re

from ...diffs import word_diff
from ...extract import expected_text
from ...models import Fields, Finding, Letter, Pair, Paragraph, excerpt
from ...template import TemplateParagraph
from .views import Marker, Row, Segment

_DIFF_KIND = {"=": "text", "+": "ins", "-": "del"}
# Findings about template text the letter lacks name the line after which it is missing;
# they point at the struck-out row of that text, which stands after that line.
ABOUT_ABSENT_TEXT = {"missing-paragraph", "missing-section"}


def lay_over(ctx: Letter, findings: list[Finding]) -> tuple[list[Row], list[str]]:
    """The letter's rows, and for each finding the anchor of the row it is about (the rows carry
    markers of their findings)."""
    placed = _placed_rows(ctx)
    rows = [row for row, _ in placed]
    _unique_anchors(rows)
    targets = []
    for number, finding in enumerate(findings, start=1):
        row = _row_for(finding, placed)
        if row is None:
            targets.append("letter")
            continue
        row.markers.append(Marker(number, finding.rule, finding.severity))
        targets.append(row.anchor)
    return rows, targets


def _placed_rows(ctx: Letter) -> list[tuple[Row, TemplateParagraph | None]]:
    """Every paragraph of the letter in order, with the template paragraphs it lacks where they
    belong and ignored converter residue (page numbers) by line; each with its template paragraph."""
    if ctx.alignment is not None:
        placed = [(_row(pair, ctx.fields, ctx.alignment.missing_sections, k), pair.template)
                  for k, pair in enumerate(ctx.alignment.pairs)]
    elif ctx.document is not None:
        placed = [(_plain_row(p, "unmatched", None), None) for p in ctx.document.paragraphs]
    else:
        return []
    for para in ctx.document.artifacts:
        _insert_by_line(placed, (_plain_row(para, "artifact", f"ignored: {para.artifact}"), None))
    return placed


def _row(pair: Pair, extraction: Fields | None, missing_sections: tuple[str, ...], k: int) -> Row:
    t, para = pair.template, pair.para
    if pair.kind == "missing":
        skeleton = _slot_segments(t)
        gone = t.section in missing_sections
        first_of_section = gone and t.heading
        note = (f"section “{t.section}” missing" if first_of_section
                else None if gone else "missing from the letter")
        return Row(f"M{k}", "missing", None, None, t.section, t.heading, note,
                   skeleton, [Segment("missing", s.text if s.kind == "text" else f"⟨{s.text}⟩") for s in skeleton])
    if pair.kind in ("extra", "duplicate", "free"):
        note = {"extra": "not in the template",
                "duplicate": f"repeats line {pair.duplicate_of}" if pair.duplicate_of else "repeats a template paragraph",
                "free": f"free text ({t.text if t else 'tolerated'}): ignored"}[pair.kind]
        template_side = [Segment("slot", t.text, "free text tolerated here")] if pair.kind == "free" else []
        return _text_row(para, pair.kind, t.section if t else None, False, note,
                         template_side, [Segment("text", para.text)])
    note = f"moved: belongs in “{t.section}”" if pair.kind == "moved" else None
    if pair.match is not None:
        return _text_row(para, pair.kind, t.section, t.heading, note, _slot_segments(t), _value_segments(pair))
    if pair.kind == "exact":
        return _text_row(para, "exact", t.section, t.heading, None, [Segment("text", t.text)], [Segment("text", para.text)])
    expected = expected_text(t, extraction, para.line)
    diff = [Segment(_DIFF_KIND[op], text) for op, text in word_diff(expected, para.text) if text]
    diff = _mark_values(diff, t, extraction, para.line)
    return _text_row(para, pair.kind, t.section, t.heading, note or "boilerplate changed", diff, diff)


def _text_row(para: Paragraph, kind, section, heading, note, template_side, letter_side) -> Row:
    return Row(f"L{para.line}", kind, para.line, para.line_starts[-1][1], section, heading, note,
               template_side, letter_side)


def _plain_row(para: Paragraph, kind: str, note: str | None) -> Row:
    return _text_row(para, kind, None, False, note, [], [Segment("text", para.text)])


def _slot_segments(t: TemplateParagraph) -> list[Segment]:
    """The template paragraph with each placeholder as a labelled slot."""
    if t.regex is None:
        return [Segment("text", t.text)]
    segments = []
    for part in t.parts:
        if isinstance(part, str):
            segments.append(Segment("text", part))
        else:
            label = part.field or "singular or plural, agreeing with the number"
            segments.append(Segment("slot", part.field or "|".join(part.forms), label))
    return segments


def _value_segments(pair: Pair) -> list[Segment]:
    """The letter paragraph with each placeholder's value marked and labelled with its field."""
    text, match = pair.para.text, pair.match
    segments, position = [], 0
    for slot in sorted(pair.template.slots, key=lambda s: match.start(s.group)):
        start, end = match.span(slot.group)
        if start < 0:
            continue
        if start > position:
            segments.append(Segment("text", text[position:start]))
        if slot.field:
            segments.append(Segment("value", text[start:end], slot.field))
        else:
            segments.append(Segment("agree", text[start:end], f"{slot.forms[0]} or {slot.forms[1]}, agreeing with the number"))
        position = end
    if position < len(text):
        segments.append(Segment("text", text[position:]))
    return segments


def _mark_values(diff: list[Segment], t: TemplateParagraph, extraction: Fields | None,
                 paragraph: int) -> list[Segment]:
    """In edited placeholder paragraphs, mark the values the letter kept where the template
    has them: each value's first whole-word occurrence in unchanged text, in slot order."""
    values = [(slot.field, extraction.in_paragraph(slot.field, paragraph))
              for slot in t.slots if slot.field and extraction]
    pending = [(name, value.raw) for name, value in values if value]
    marked: list[Segment] = []
    for segment in diff:
        if segment.kind != "text" or not pending:
            marked.append(segment)
            continue
        rest = segment.text
        while pending:
            name, raw = pending[0]
            found = re.search(r"(?<!\w)" + re.escape(raw) + r"(?!\w)", rest)
            if not found:
                break
            if found.start():
                marked.append(Segment("text", rest[:found.start()]))
            marked.append(Segment("value", raw, name))
            rest = rest[found.end():]
            pending.pop(0)
        if rest:
            marked.append(Segment("text", rest))
    return marked


def _insert_by_line(placed: list, item: tuple[Row, None]) -> None:
    line = item[0].line
    position = next((k for k, (row, _) in enumerate(placed) if row.line is not None and row.line > line), len(placed))
    placed.insert(position, item)


def _row_for(finding: Finding, placed: list[tuple[Row, TemplateParagraph | None]]) -> Row | None:
    covering = None
    for k, (row, _) in enumerate(placed):
        if row.line is not None and row.line <= finding.line:
            covering = k
    if finding.rule in ABOUT_ABSENT_TEXT:
        absent = []
        for row, t in placed[(covering + 1) if covering is not None else 0:]:
            if row.line is not None:
                break
            absent.append((row, t))
        for row, t in absent:
            if finding.excerpt and excerpt(t.skeleton) == finding.excerpt:
                return row
        for row, t in absent:
            if t.section == finding.section:
                return row
    if covering is not None:
        return placed[covering][0]
    return placed[0][0] if placed else None


def _unique_anchors(rows: list[Row]) -> None:
    seen: set[str] = set()
    for row in rows:
        anchor, n = row.anchor, 1
        while anchor in seen:
            n += 1
            anchor = f"{row.anchor}-{n}"
        row.anchor = anchor
        seen.add(anchor)

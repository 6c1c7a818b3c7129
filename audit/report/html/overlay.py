"""Lay a letter over its template, paragraph by paragraph, as rows of text segments."""
from __future__ import annotations

import re

from ...diffs import word_diff
from ...extract import expected_text, filled
from ...models import Fields, Letter, Pair, PairKind, Paragraph, excerpt
from ...rules.extraction_artifact import with_article
from ...template import TemplateParagraph
from .views import Row, RowKind, Segment, SegmentKind

_DIFF_KIND = {"=": SegmentKind.TEXT, "+": SegmentKind.INSERTED, "-": SegmentKind.DELETED}
_ROW_KIND = {kind: RowKind(kind.value) for kind in PairKind}  # a pair's row is of the pair's kind
# Findings about template text the letter lacks name the line after which it is missing;
# they point at the struck-out row of that text, which stands after that line.
ABOUT_ABSENT_TEXT = {"missing-paragraph", "missing-section"}


def lay_over(ctx: Letter) -> list[Row]:
    """The letter's rows: every paragraph of the letter in order, the template paragraphs it
    lacks where they belong, a marker where each moved paragraph belongs, and ignored converter
    residue (page numbers) by line. Computed once, where the letter was audited; findings are
    placed on the rows later (place_findings), once the batch rules have run."""
    if ctx.alignment is not None:
        rows = [pair_row(pair, ctx.fields, ctx.alignment.missing_sections, k)
                for k, pair in enumerate(ctx.alignment.pairs)]
        _unique_anchors(rows)
        _mark_where_moved_paragraphs_belong(rows, list(ctx.alignment.pairs))
    elif ctx.document is not None:
        rows = [_plain_row(p, RowKind.UNMATCHED, None) for p in ctx.document.paragraphs]
    else:
        return []
    for para in ctx.document.artifacts:
        _insert_by_line(rows, _plain_row(para, RowKind.ARTIFACT, f"ignored: {para.artifact}"))
    _unique_anchors(rows)
    _mark_page_breaks(rows, ctx.document.page_starts)
    return rows


def _mark_page_breaks(rows: list[Row], page_starts: tuple[int, ...]) -> None:
    """Each page after the first marked on the row of letter text it begins in (or the next one)."""
    text_rows = [row for row in rows if row.line is not None]
    for page, start in enumerate(page_starts[1:], start=2):
        row = next((r for r in text_rows if (r.last_line or r.line) >= start), None)
        if row is not None:
            row.pages += (page,)


def place_findings(rows: list[Row], findings) -> list[str]:
    """For each finding, the anchor of the row it is about ("letter" when there is none)."""
    targets = []
    for finding in findings:
        row = _row_for(finding, rows)
        targets.append(row.anchor if row is not None else "letter")
    return targets


def pair_row(pair: Pair, extraction: Fields | None, missing_sections: tuple[str, ...], k: int) -> Row:
    t, para = pair.template, pair.para
    if pair.kind == PairKind.MISSING:
        skeleton = _slot_segments(t)
        gone = t.section in missing_sections
        first_of_section = gone and t.heading
        note = (f"section “{t.section}” missing" if first_of_section
                else None if gone else "missing from the letter")
        return Row(f"M{k}", RowKind.MISSING, None, None, t.section, t.heading, note,
                   skeleton, _filled_segments(t, extraction), absent_excerpt=excerpt(t.skeleton))
    if pair.kind in (PairKind.EXTRA, PairKind.DUPLICATE, PairKind.FREE):
        if pair.kind == PairKind.FREE:
            note = _free_note(t)
        elif pair.kind == PairKind.DUPLICATE:
            note = f"repeats line {pair.duplicate_of}" if pair.duplicate_of else "repeats a template paragraph"
        else:
            note = "not in the template"
        template_side = ([Segment(SegmentKind.SLOT, t.text if t.free else f"⟨{t.lines_slot.field}⟩",
                                  "the letter's own content" if t.free else "more of the list")]
                         if pair.kind == PairKind.FREE else [])
        return _text_row(para, _ROW_KIND[pair.kind], t.section if t else None, False, note,
                         template_side, [Segment(SegmentKind.TEXT, para.text)])
    note = f"moved: belongs in “{t.section}”" if pair.kind == PairKind.MOVED else None
    if pair.match is not None:  # its template side is the letter's with slots for values (built by the page)
        return _text_row(para, _ROW_KIND[pair.kind], t.section, t.heading, note, [], _value_segments(pair))
    if pair.kind == PairKind.EXACT:
        return _text_row(para, RowKind.EXACT, t.section, t.heading, None, [], [Segment(SegmentKind.TEXT, para.text)])
    expected = expected_text(t, extraction, para.line, para.text)
    diff = [Segment(_DIFF_KIND[op], text) for op, text in word_diff(expected, para.text) if text]
    diff = _mark_values(diff, t, extraction, para.line)
    return _text_row(para, _ROW_KIND[pair.kind], t.section, t.heading, note or "boilerplate changed", diff, diff)


def _filled_segments(t: TemplateParagraph, extraction: Fields | None) -> list[Segment]:
    """A template paragraph the letter lacks, as it would read in this letter: each placeholder
    filled with the value the letter gives that field elsewhere (or the field's name in words
    when it gives none), each singular/plural in the form its number asks for."""
    if t.regex is None:
        return [Segment(SegmentKind.MISSING, t.text)]
    value_of = extraction.first if extraction else (lambda name: None)
    return [Segment(SegmentKind.MISSING, text, field)
            for text, field in filled(t, value_of, lambda slot: f"[{slot.field.replace('_', ' ')}]")]


def _free_note(t: TemplateParagraph) -> str:
    if t.free:
        return f"the letter's own content, where the template allows {with_article(t.text)}"
    return f"more of {t.lines_slot.field} (a list, one item a line)"


def _mark_where_moved_paragraphs_belong(rows: list[Row], pairs: list[Pair | None]) -> None:
    """After the last row whose template paragraph comes before a moved paragraph's, a row
    saying the paragraph belongs here; the two rows link to each other."""
    moved = [(row, pair) for row, pair in zip(rows, pairs) if pair.kind == PairKind.MOVED]
    for row, pair in moved:  # `pairs` is the caller's copy: it grows with the rows (None for a marker)
        position = 0
        for k, other_pair in enumerate(pairs):
            t = other_pair.template if other_pair is not None else None
            if other_pair is not None and other_pair.kind != PairKind.MOVED and t is not None \
                    and t.index < pair.template.index:
                position = k + 1
        ghost = Row(f"{row.anchor}-belongs", RowKind.BELONGS, None, None, pair.template.section, False,
                    f"line {row.line} belongs here", [], [Segment(SegmentKind.TEXT, _first_words(pair.para.text))],
                    partner=row.anchor)
        row.partner = ghost.anchor
        rows.insert(position, ghost)
        pairs.insert(position, None)


def _first_words(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _text_row(para: Paragraph, kind: RowKind, section, heading, note, template_side, letter_side) -> Row:
    return Row(f"L{para.line}", kind, para.line, para.line_starts[-1][1], section, heading, note,
               template_side, letter_side)


def _plain_row(para: Paragraph, kind: RowKind, note: str | None) -> Row:
    return _text_row(para, kind, None, False, note, [], [Segment(SegmentKind.TEXT, para.text)])


def _slot_segments(t: TemplateParagraph) -> list[Segment]:
    """The template paragraph with each placeholder as a labelled slot."""
    if t.regex is None:
        return [Segment(SegmentKind.TEXT, t.text)]
    segments = []
    for part in t.parts:
        if isinstance(part, str):
            segments.append(Segment(SegmentKind.TEXT, part))
        else:
            label = part.field or ("singular or plural, agreeing with the number" if part.forms else part.describe)
            segments.append(Segment(SegmentKind.SLOT, part.field or ("|" if part.forms else " | ").join(part.forms or part.choices), label))
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
            segments.append(Segment(SegmentKind.TEXT, text[position:start]))
        if slot.field:
            segments.append(Segment(SegmentKind.VALUE, text[start:end], slot.field))
        else:
            segments.append(Segment(SegmentKind.AGREE, text[start:end], slot.describe))
        position = end
    if position < len(text):
        segments.append(Segment(SegmentKind.TEXT, text[position:]))
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
        if segment.kind != SegmentKind.TEXT or not pending:
            marked.append(segment)
            continue
        rest = segment.text
        while pending:
            name, raw = pending[0]
            found = re.search(r"(?<!\w)" + re.escape(raw) + r"(?!\w)", rest)
            if not found:
                break
            if found.start():
                marked.append(Segment(SegmentKind.TEXT, rest[:found.start()]))
            marked.append(Segment(SegmentKind.VALUE, raw, name))
            rest = rest[found.end():]
            pending.pop(0)
        if rest:
            marked.append(Segment(SegmentKind.TEXT, rest))
    return marked


def _insert_by_line(rows: list[Row], row: Row) -> None:
    position = next((k for k, other in enumerate(rows) if other.line is not None and other.line > row.line), len(rows))
    rows.insert(position, row)


def _row_for(finding, rows: list[Row]) -> Row | None:
    covering = None
    for k, row in enumerate(rows):
        if row.line is not None and row.line <= finding.line:
            covering = k
    if finding.rule in ABOUT_ABSENT_TEXT:
        absent = []
        for row in rows[(covering + 1) if covering is not None else 0:]:
            if row.line is not None:
                break
            if row.kind == RowKind.MISSING:
                absent.append(row)
        for row in absent:
            if finding.excerpt and row.absent_excerpt == finding.excerpt:
                return row
        for row in absent:
            if row.section == finding.section:
                return row
    if covering is not None:
        return rows[covering]
    return rows[0] if rows else None


def _unique_anchors(rows: list[Row]) -> None:
    seen: set[str] = set()
    for row in rows:
        anchor, n = row.anchor, 1
        while anchor in seen:
            n += 1
            anchor = f"{row.anchor}-{n}"
        row.anchor = anchor
        seen.add(anchor)

"""A letter beside its template, for the worksheet's letter page: each paragraph of the letter
as written next to the template's, whose placeholders hold the values it expects (the letter's
own, or the one a finding settles: `should read`).

The letter is read and laid over its template again, in a worker process within the audit's
budget (this process never parses a letter), when its page is opened: the batch results keep
no letter text. The rows come back as plain segments; the page template escapes every one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..settings import Settings

Segment = tuple[str, str, str | None]  # kind, text, field (as audit/report/html/views.Segment)
_NO_TEMPLATE_SIDE = {"extra", "duplicate", "artifact", "unmatched", "belongs"}
_kept: tuple = ()  # in a worker: the rows of the letter it just audited


@dataclass(frozen=True)
class SideRow:
    line: int | None
    kind: str
    note: str | None
    template: tuple[Segment, ...]
    letter: tuple[Segment, ...]


def letter_beside_template(path: str, settings: Settings, expected: dict[str, tuple[str, str]]
                           ) -> list[SideRow]:
    """The rows of the letter at `path`; `expected`: field -> (value it should read, value it has)."""
    from ..pipeline import audit_batch

    [rows] = list(audit_batch([Path(path)], settings, after_letter=_keep_rows, prepare=_rows_kept))
    return [_side(row, expected) for row in rows]


def _keep_rows(ctx, result) -> None:
    """The pipeline's after_letter hook, where the letter was audited: its rows as plain tuples."""
    from ..report.html.overlay import lay_over

    global _kept
    try:
        _kept = tuple((row.line, str(row.kind), row.note, _plain(row.template), _plain(row.letter)) for row in lay_over(ctx))
    except Exception:  # noqa: BLE001 - a bug here must not cost the page its findings
        _kept = ()


def _plain(segments) -> tuple[Segment, ...]:
    return tuple((s.kind, s.text, s.label) for s in segments)


def _rows_kept(result, path) -> tuple:
    global _kept
    rows, _kept = _kept, ()
    return rows


def _side(row: tuple, expected: dict[str, tuple[str, str]]) -> SideRow:
    line, kind, note, template, letter = row
    if not template and kind not in _NO_TEMPLATE_SIDE:  # the template's side: the letter's, values as expected
        template = tuple(_expected(segment, expected) for segment in letter if segment[0] != "ins")
    if kind == "missing":
        letter = ()
    return SideRow(line, kind, note, tuple(template),
                   tuple(_called_into_question(s, expected) for s in letter if s[0] != "del"))


def _called_into_question(segment: Segment, expected: dict[str, tuple[str, str]]) -> Segment:
    kind, text, field = segment
    if kind == "value" and field in expected and text.strip() == expected[field][1]:
        return ("wrong", text, field)
    return segment


def _expected(segment: Segment, expected: dict[str, tuple[str, str]]) -> Segment:
    kind, text, field = segment
    if kind == "value" and field in expected and text.strip() == expected[field][1]:
        return ("settled", expected[field][0], field)
    return segment

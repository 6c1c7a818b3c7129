"""A letter beside its template, for the worksheet's letter page: each paragraph of the letter
as written next to the template's, whose placeholders hold the values it expects (the letter's
own, or the one a finding settles: `should read`).

The letter is read and laid over its template again, in a worker process within the audit's
budget (this process never parses a letter), when its page is opened: the batch results keep
no letter text. No rule runs again: the page's findings are the run's. The rows come back as plain segments; the page template escapes every one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..settings import Settings
from ..workers import guarded_map

Segment = tuple[str, str, str | None]  # kind, text, field (as audit/report/html/views.Segment)
_NO_TEMPLATE_SIDE = {"extra", "duplicate", "artifact", "unmatched", "belongs"}


@dataclass(frozen=True)
class SideRow:
    line: int | None
    kind: str
    note: str | None
    template: tuple[Segment, ...]
    letter: tuple[Segment, ...]


def letter_beside_template(path: str, settings: Settings, expected: dict[str, tuple[str, str]]
                           ) -> list[SideRow]:
    """The rows of the letter at `path`; `expected`: field -> (value it should read, value it has).
    A letter over the audit's budget has none (its findings say why)."""
    [rows] = list(guarded_map(_rows_in_worker, [path], _start_worker, (settings,), settings.limits,
                              lambda item, why: ()))
    return [_side(row, expected) for row in rows]


_worker_settings: Settings | None = None


def _start_worker(settings: Settings) -> None:
    global _worker_settings
    _worker_settings = settings


def _rows_in_worker(path: str) -> tuple:
    """The letter read, understood and laid over its template (no rule runs: the findings are
    the run's), its rows as plain tuples."""
    from ..pipeline import read, understand
    from ..report.html.overlay import lay_over

    raw, crashed = read(Path(path), _worker_settings.max_bytes, _worker_settings.stdin_bytes(path))
    if crashed is not None:
        return ()
    try:
        letter, _ = understand(raw, _worker_settings)
        return tuple((row.line, str(row.kind), row.note, _plain(row.template), _plain(row.letter))
                     for row in lay_over(letter))
    except Exception:  # noqa: BLE001 - a bug here must not cost the page its findings
        return ()


def _plain(segments) -> tuple[Segment, ...]:
    return tuple((s.kind, s.text, s.label) for s in segments)


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

"""The worksheet filtered by a query (query.py): which letters to list, which findings match."""
from __future__ import annotations

from dataclasses import dataclass

from .query import Row, parse
from .worksheet import FindingItem, LetterItem, WorksheetView


@dataclass(frozen=True)
class Match:
    letters: list[LetterItem]  # every letter with a matching row, in batch order
    findings: list[FindingItem]  # every matching finding


def known_fields(view: WorksheetView) -> set[str]:
    """The fields a query may name beyond query.FIELDS: those the batch's letters have."""
    names = set()
    for letter in view.sheet.letters:
        names.update(name.casefold() for name in letter.fields)
    return names


def search(view: WorksheetView, query: str) -> Match:
    """Letters and findings matching `query`; QueryError if it cannot be read."""
    if not query.strip():
        return Match(list(view.sheet.letters), list(view.sheet.findings))
    predicate = parse(query, known_fields(view))
    by_letter: dict[int, list[FindingItem]] = {}
    for item in view.sheet.findings:
        by_letter.setdefault(item.letter, []).append(item)
    letters, findings = [], []
    for letter in view.sheet.letters:
        base = _letter_values(view, letter)
        words = " ".join((letter.path, letter.key)).casefold()
        own = by_letter.get(letter.number, [])
        hit = False
        for item in own:
            if predicate(Row({**base, **_finding_values(view, item)},
                             f"{words} {item.rule} {item.message}".casefold())):
                findings.append(item)
                hit = True
        if not own and predicate(Row(base, words)):
            hit = True
        if hit:
            letters.append(letter)
    return Match(letters, findings)


def _letter_values(view: WorksheetView, letter: LetterItem) -> dict:
    values = {name.casefold(): value for name, value in letter.fields.items()}
    values.update(letter=letter.key, path=letter.path, template=letter.template, status=letter.status,
                  reviewed=view.reviewed(letter.path))
    return values


def _finding_values(view: WorksheetView, item: FindingItem) -> dict:
    state = view.findings.get(item.fingerprint)
    decision = state.decision if state and state.state else None
    return {"rule": item.rule, "severity": item.severity, "message": item.message, "line": item.line,
            "section": item.section, "decision": state.state if state and state.state else "undecided",
            "reviewer": decision.reviewer if decision else None,
            "decided": decision.decided_at if decision else None}

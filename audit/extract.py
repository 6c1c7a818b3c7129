"""Stage 4: turn the placeholder text of aligned paragraphs into typed field values."""
from __future__ import annotations

import math
import re
from datetime import date
from types import MappingProxyType
from typing import Any

from .diffs import word_diff
from .models import Alignment, Disagreement, Fields, Pair, Value
from .template import Slot, Template, TemplateParagraph

Found = dict[str, list[Value]]  # field -> quotations, while extraction collects them

MONTHS = {name: number for number, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\s+(\d{4})")


def convert(kind: str, raw: str) -> Any:
    """Typed value of a placeholder's text; None when the text is not a valid value."""
    text = " ".join(raw.split())
    if kind == "int":
        return int(text.replace(",", ""))
    if kind == "percent":
        return math.floor(float(text.rstrip("%").strip()) + 0.5)
    if kind == "date":
        found = _DATE.fullmatch(text)
        month = MONTHS.get(found.group(2).lower()) if found else None
        if not month:
            return None
        try:
            return date(int(found.group(3)), month, int(found.group(1)))
        except ValueError:
            return None
    return text


def extract(alignment: Alignment) -> Fields:
    found: Found = {}
    disagreements: list[Disagreement] = []
    for pair in alignment.pairs:
        if pair.match is not None:
            _from_match(pair, found, disagreements)
        elif pair.kind in ("changed", "moved") and pair.template.regex is not None:
            _from_diff(pair, alignment.template, found)
    return Fields(MappingProxyType({name: tuple(values) for name, values in found.items()}), tuple(disagreements))


def _record(found: Found, slot: Slot, raw: str, line: int, pair: Pair) -> Any:
    try:
        value = convert(slot.type, raw)
    except ValueError:  # a number too long to be one
        value = None
    if value is not None:
        quoted = Value(slot.field, value, " ".join(raw.split()), line, pair.para.line, pair.section)
        found.setdefault(slot.field, []).append(quoted)
    return value


def _from_match(pair: Pair, found: Found, disagreements: list[Disagreement]) -> None:
    numbers: dict[str, Any] = {}
    for slot in pair.template.slots:
        raw, start = pair.match.group(slot.group), pair.match.start(slot.group)
        line = pair.para.line_at(start)
        if slot.field is not None:
            numbers[slot.group] = _record(found, slot, raw, line, pair)
            continue
        number = numbers.get(slot.number_group)
        singular, plural = slot.forms
        expected = singular if number == 1 else plural
        if number is not None and raw != expected:
            disagreements.append(Disagreement(pair.match.group(slot.number_group), raw, expected, line, pair))


def _from_diff(pair: Pair, template: Template, result: Found) -> None:
    """Boilerplate around the placeholders changed: line the words up and read what stands
    where each placeholder stood."""
    slots = {f"\ue000{k}\ue001": slot for k, slot in enumerate(pair.template.slots) if slot.field}
    marked = pair.template.text
    for marker, slot in slots.items():
        marked = re.sub(r"\{\{\s*" + re.escape(slot.field) + r"(?::[^}]*)?\s*\}\}", marker, marked, count=1)
    offset, pending = 0, []
    for op, text in word_diff(marked, pair.para.text) + [("=", "")]:
        if op == "-":
            pending.extend(m for m in slots if m in text)
        elif op == "+" and pending:
            _read_inserted(pair, template, [slots[m] for m in pending], text, offset, result)
            pending = []
        elif op == "=":
            pending = []
        if op != "-":
            offset += len(text)


def _read_inserted(pair: Pair, template: Template, slots: list[Slot], text: str, offset: int,
                   result: Found) -> None:
    """Values for placeholders that stood where `text` was inserted, taken in order: one
    placeholder takes the whole insertion if it fits its type, several take successive matches."""
    lead = len(text) - len(text.lstrip())
    stripped, position = text.strip(), 0
    for slot in slots:
        pattern = re.compile(template.types[slot.type])
        found = (pattern.fullmatch(stripped) if len(slots) == 1 else None) or pattern.search(stripped, position)
        if found:
            _record(result, slot, found.group(0), pair.para.line_at(offset + lead + found.start()), pair)
            position = found.end()


def expected_text(t: TemplateParagraph, extraction: Fields | None, paragraph: int) -> str:
    """The template paragraph as this letter should read: the values read from the letter
    paragraph starting at line `paragraph` filled in, each noun in the form its number asks
    for. A diff against it shows only edits of the boilerplate."""
    if t.regex is None:
        return t.text
    text, numbers = t.skeleton, {}
    for slot in t.slots:
        if slot.field:
            value = extraction.in_paragraph(slot.field, paragraph) if extraction else None
            numbers[slot.group] = value.value if value else None
            text = text.replace(f"⟨{slot.field}⟩", value.raw if value else f"⟨{slot.field}⟩", 1)
        else:
            singular, plural = slot.forms
            text = text.replace(f"{singular}/{plural}", singular if numbers.get(slot.number_group) == 1 else plural, 1)
    return text

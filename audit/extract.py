"""Stage 4: turn the placeholder text of aligned paragraphs into typed field values."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .align import Alignment, Pair
from .diffs import word_diff
from .models import Value
from .template import Slot, Template, TemplateParagraph
from .types import InvalidValue
from .types import convert as convert_base

@dataclass(frozen=True)
class Disagreement:
    """A number and the noun after it that do not agree ("1 detailed investigations")."""

    number: str
    noun: str
    expected: str
    line: int
    section: str | None
    excerpt: str


@dataclass(frozen=True)
class Unreadable:
    """A placeholder's text that is not a value of the field's type ("150.50" for an int)."""

    field: str
    type: str
    raw: str
    reason: str
    line: int
    section: str | None


@dataclass
class Extraction:
    values: dict[str, list[Value]] = field(default_factory=dict)  # every occurrence, in letter order
    disagreements: list[Disagreement] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)

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

    def as_json(self, template: Template) -> dict[str, Any]:
        return {name: (v.json() if (v := self.first(name)) else None) for name in template.fields}


def convert(kind: str, raw: str) -> Any:
    """Typed value of a placeholder's text for a built-in type; None when the text is not a
    valid value (audit/types.py)."""
    try:
        return convert_base(kind, raw)
    except InvalidValue:
        return None


def extract(alignment: Alignment) -> Extraction:
    result = Extraction()
    for pair in alignment.pairs:
        if pair.match is not None:
            _from_match(pair, result)
        elif pair.kind in ("changed", "moved") and pair.template.regex is not None:
            _from_diff(pair, alignment.template, result)
    return result


def _record(result: Extraction, slot: Slot, raw: str, line: int, paragraph: int, section: str | None) -> Any:
    try:
        value = convert_base(slot.base, raw)
    except InvalidValue as exc:
        result.unreadable.append(Unreadable(slot.field, slot.type, " ".join(raw.split()), str(exc), line, section))
        return None
    found = Value(slot.field, value, " ".join(raw.split()), line, paragraph)
    result.values.setdefault(slot.field, []).append(found)
    return value


def _from_match(pair: Pair, result: Extraction) -> None:
    numbers: dict[str, Any] = {}
    for slot in pair.template.slots:
        raw, start = pair.match.group(slot.group), pair.match.start(slot.group)
        line = pair.para.line_at(start)
        if slot.field is not None:
            numbers[slot.group] = _record(result, slot, raw, line, pair.para.line, pair.template.section)
            continue
        number = numbers.get(slot.number_group)
        singular, plural = slot.forms
        expected = singular if number == 1 else plural
        if number is not None and raw != expected:
            result.disagreements.append(Disagreement(
                pair.match.group(slot.number_group), raw, expected, line,
                pair.template.section, pair.para.text))


def _from_diff(pair: Pair, template: Template, result: Extraction) -> None:
    """Boilerplate around the placeholders changed: line the words up and read what stands
    where each placeholder stood."""
    slots = {f"\ue000{k}\ue001": slot for k, slot in enumerate(pair.template.slots) if slot.field}
    markers = {id(slot): marker for marker, slot in slots.items()}
    marked = "".join(p if isinstance(p, str) else markers.get(id(p), p.label) for p in pair.template.parts)
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
                   result: Extraction) -> None:
    """Values for placeholders that stood where `text` was inserted, taken in order: one
    placeholder takes the whole insertion if it fits its type, several take successive matches."""
    lead = len(text) - len(text.lstrip())
    stripped, position = text.strip(), 0
    for slot in slots:
        pattern = re.compile(template.types[slot.type])
        found = (pattern.fullmatch(stripped) if len(slots) == 1 else None) or pattern.search(stripped, position)
        if found:
            _record(result, slot, found.group(0), pair.para.line_at(offset + lead + found.start()), pair.para.line,
                    pair.template.section)
            position = found.end()


def expected_text(t: TemplateParagraph, extraction: Extraction | None, paragraph: int) -> str:
    """The template paragraph as this letter should read: the values read from the letter
    paragraph starting at line `paragraph` filled in, each noun in the form its number asks
    for. A diff against it shows only edits of the boilerplate."""
    if t.regex is None:
        return t.text
    out, numbers = [], {}
    for part in t.parts:
        if isinstance(part, str):
            out.append(part)
        elif part.field:
            value = extraction.in_paragraph(part.field, paragraph) if extraction else None
            numbers[part.group] = value.value if value else None
            out.append(value.raw if value else part.label)
        else:
            singular, plural = part.forms
            out.append(singular if numbers.get(part.number_group) == 1 else plural)
    return "".join(out)

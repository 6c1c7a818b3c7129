"""Stage 4: turn the placeholder text of aligned paragraphs into typed field values.

Each placeholder's text is read by its field's base type (audit/types.py). Text that stands
where a value belongs but is not such a value ("150.50" for an int) is kept as UnreadableValue,
reported by invalid-value: never half read. Placeholders that stand side by side (an address
block) are delimited by the letter's lines first, their types' patterns second, and the
letter's other quotations last (audit/delimit.py).
"""
from __future__ import annotations

from types import MappingProxyType
from collections.abc import Iterator
from typing import Any

from .delimit import Span, runs
from .diffs import word_diff
from .models import Alignment, Disagreement, Fields, Pair, PairKind, Paragraph, UnreadableValue, Value
from .template import MAX_FIELD_CHARS, Slot, Template, TemplateParagraph
from .types import InvalidValue
from .types import convert

Found = dict[str, list[Value]]  # field -> quotations, while extraction collects them


def extract(alignment: Alignment) -> Fields:
    cuts: dict[int, dict[str, Span]] = {}  # pair position -> group -> where its value stands
    ambiguous = []
    for position, pair in enumerate(alignment.pairs):
        if pair.match is not None:
            for run in runs(pair, alignment.template):
                cuts.setdefault(position, {}).update(zip((s.group for s in run.slots), run.cuts[0]))
                if run.tied > 1:
                    ambiguous.append((position, run))
    fields = _extract(alignment, cuts)
    if not ambiguous:
        return fields
    template, changed = alignment.template, False
    env = fields.environment(template.constants)
    for position, run in ambiguous:  # the letter's other quotations choose between equal cuts
        para = alignment.pairs[position].para
        chosen = run.settle(para.text, lambda spans: _disagreements(template, fields, env, run.slots, spans, para))
        if chosen != run.cuts[0]:
            cuts[position].update(zip((s.group for s in run.slots), chosen))
            changed = True
    return _extract(alignment, cuts) if changed else fields


def _extract(alignment: Alignment, cuts: dict[int, dict[str, Span]]) -> Fields:
    found: Found = {}
    disagreements: list[Disagreement] = []
    unreadable: list[UnreadableValue] = []
    for position, pair in enumerate(alignment.pairs):
        if pair.match is not None:
            _from_match(pair, cuts.get(position, {}), found, disagreements, unreadable)
        elif pair.kind in (PairKind.CHANGED, PairKind.MOVED) and pair.template.regex is not None:
            _from_diff(pair, alignment.template, found, unreadable)
    return Fields(MappingProxyType({name: tuple(values) for name, values in found.items()}), tuple(disagreements),
                  tuple(unreadable))


def _disagreements(template: Template, fields: Fields, env: dict[str, Any], slots: tuple[Slot, ...],
                   spans: tuple[Span, ...], para: Paragraph) -> int:
    """How many of the template's checks on these fields fail, and how many other quotations
    of them differ, were the values those of `spans`."""
    values = {}
    for slot, (start, end) in zip(slots, spans):
        try:
            values[slot.field] = convert(slot.base, para.text[start:end])
        except ValueError:  # InvalidValue too: a cut whose text is no value agrees with nothing
            return len(template.checks) + len(slots)
    env = {**env, **values}
    count = 0
    for check in template.checks:
        if check.names & values.keys() and not any(env.get(name) is None for name in check.names):
            try:
                count += not check.evaluate(env)
            except Exception:  # noqa: BLE001 - a check that cannot run agrees with nothing
                count += 1
    for name, value in values.items():
        count += sum(1 for quoted in fields.values.get(name, ()) if quoted.paragraph != para.line and quoted.value != value)
    return count


def _record(found: Found, unreadable: list[UnreadableValue], slot: Slot, raw: str, line: int, pair: Pair) -> Any:
    text = " ".join(raw.split())
    try:
        value = convert(slot.base, raw)
    except InvalidValue as exc:
        unreadable.append(UnreadableValue(slot.field, slot.type, text, str(exc), line, pair.section))
        return None
    except ValueError:  # a number too long to be one
        unreadable.append(UnreadableValue(slot.field, slot.type, text, "too long to be a figure", line, pair.section))
        return None
    found.setdefault(slot.field, []).append(Value(slot.field, value, text, line, pair.para.line, pair.section))
    return value


def _from_match(pair: Pair, cuts: dict[str, Span], found: Found, disagreements: list[Disagreement],
                unreadable: list[UnreadableValue]) -> None:
    numbers: dict[str, Any] = {}
    for slot in pair.template.slots:
        start, end = cuts.get(slot.group) or pair.match.span(slot.group)
        raw = pair.para.text[start:end]
        line = pair.para.line_at(start)
        if slot.field is not None:
            numbers[slot.group] = _record(found, unreadable, slot, raw, line, pair)
            continue
        number = numbers.get(slot.number_group)
        singular, plural = slot.forms
        expected = singular if number == 1 else plural
        if number is not None and raw != expected:
            disagreements.append(Disagreement(pair.match.group(slot.number_group), raw, expected, line, pair))


def _from_diff(pair: Pair, template: Template, found: Found, unreadable: list[UnreadableValue]) -> None:
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
            _read_inserted(pair, template, [slots[m] for m in pending], text, offset, found, unreadable)
            pending = []
        elif op == "=":
            pending = []
        if op != "-":
            offset += len(text)


def _read_inserted(pair: Pair, template: Template, slots: list[Slot], text: str, offset: int,
                   found: Found, unreadable: list[UnreadableValue]) -> None:
    """Values for placeholders that stood where `text` was inserted, taken in order: one
    placeholder takes the whole insertion if it fits its type, several take successive matches."""
    lead = len(text) - len(text.lstrip())
    # the placeholders stand for MAX_FIELD_CHARS each at most: a template's pattern never sees
    # more text than that, however long the insertion
    stripped, position = text.strip()[:MAX_FIELD_CHARS * len(slots)], 0
    for slot in slots:
        pattern = template.compiled_type(slot.type)
        match = (pattern.fullmatch(stripped) if len(slots) == 1 else None) or pattern.search(stripped, position)
        if match:
            _record(found, unreadable, slot, match.group(0), pair.para.line_at(offset + lead + match.start()), pair)
            position = match.end()


def expected_text(t: TemplateParagraph, extraction: Fields | None, paragraph: int) -> str:
    """The template paragraph as this letter should read: the values read from the letter
    paragraph starting at line `paragraph` filled in, each noun in the form its number asks
    for. A diff against it shows only edits of the boilerplate."""
    if t.regex is None:
        return t.text
    value_of = (lambda name: extraction.in_paragraph(name, paragraph)) if extraction else (lambda name: None)
    return "".join(text for text, _ in filled(t, value_of, lambda slot: slot.label))


def filled(t: TemplateParagraph, value_of, unknown) -> Iterator[tuple[str, str | None]]:
    """The one walk that fills a template paragraph in: (text, field or None) for each of its
    parts, a placeholder as the value `value_of(field)` gives (else `unknown(slot)`), each
    singular/plural in the form its number asks for."""
    numbers = {}
    for part in t.parts:
        if isinstance(part, str):
            yield part, None
        elif part.field:
            value = value_of(part.field)
            numbers[part.group] = value.value if value else None
            yield (value.raw if value else unknown(part)), part.field
        else:
            singular, plural = part.forms
            yield (singular if numbers.get(part.number_group) == 1 else plural), None

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
from .models import Alignment, Disagreement, Fields, Pair, PairKind, Paragraph, UnreadableValue, Value, VariantUse
from .template import MAX_FIELD_CHARS, Slot, Template, TemplateParagraph
from .types import InvalidValue, Withheld, convert

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
    variants: list[VariantUse] = []
    template = alignment.template
    listed: dict[int, list[str]] = {}  # id of a lines placeholder's Value -> its items, while they grow
    current: Value | None = None  # the lines value the paragraphs now being read belong to
    for position, pair in enumerate(alignment.pairs):
        if pair.kind == PairKind.FREE and current is not None and pair.template is not None \
                and pair.template.lines_slot is not None:
            _read_lines(template, pair.template.lines_slot, pair, pair.para.text, 0, listed[id(current)], unreadable)
            continue
        current = None
        if pair.match is not None:
            current = _from_match(pair, cuts.get(position, {}), template, found, disagreements, unreadable,
                                  variants, listed)
        elif pair.kind in (PairKind.CHANGED, PairKind.MOVED) and pair.template.regex is not None:
            _from_diff(pair, template, found, unreadable)
    for name, values in found.items():
        found[name] = [v._replace(value=tuple(listed[id(v)])) if id(v) in listed else v for v in values]
    return Fields(MappingProxyType({name: tuple(values) for name, values in found.items()}), tuple(disagreements),
                  tuple(unreadable), tuple(variants))


def _disagreements(template: Template, fields: Fields, env: dict[str, Any], slots: tuple[Slot, ...],
                   spans: tuple[Span, ...], para: Paragraph) -> int:
    """How many of the template's checks on these fields fail, and how many other quotations
    of them differ, were the values those of `spans`."""
    values = {}
    for slot, (start, end) in zip(slots, spans):
        try:
            values[slot.field] = convert(slot.base, para.text[start:end], template.date_order)
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


def _record(found: Found, unreadable: list[UnreadableValue], slot: Slot, raw: str, line: int, pair: Pair,
            template: Template) -> Any:
    text = " ".join(raw.split())
    marker = withheld_marker(text, template.withheld)
    try:
        value = Withheld(marker) if marker else convert(slot.base, raw, template.date_order)
    except InvalidValue as exc:
        unreadable.append(UnreadableValue(slot.field, slot.type, text, str(exc), line, pair.section))
        return None
    except ValueError:  # a number too long to be one
        unreadable.append(UnreadableValue(slot.field, slot.type, text, "too long to be a figure", line, pair.section))
        return None
    shown = marker if marker else text  # a marker without the punctuation it stood beside
    found.setdefault(slot.field, []).append(Value(slot.field, value, shown, line, pair.para.line, pair.section))
    return value


def withheld_marker(text: str, markers: tuple[str, ...]) -> str | None:
    """The redaction marker the text is (punctuation around it aside), or None."""
    if not markers or not text:
        return None
    bare = text.strip(_PUNCTUATION_AROUND)
    return next((m for m in markers if bare == m or bare == m.strip(_PUNCTUATION_AROUND)), None)


_PUNCTUATION_AROUND = " .,;:()'\""


def _from_match(pair: Pair, cuts: dict[str, Span], template: Template, found: Found, disagreements: list[Disagreement],
                unreadable: list[UnreadableValue], variants: list[VariantUse], listed: dict) -> Value | None:
    """Read every placeholder of an exactly matched paragraph; the Value of its lines
    placeholder, if it has one (the paragraphs after it add to it)."""
    numbers: dict[str, Any] = {}
    lines_value = None
    for slot in pair.template.slots:
        start, end = cuts.get(slot.group) or pair.match.span(slot.group)
        raw = pair.para.text[start:end]
        line = pair.para.line_at(start)
        if slot.lines:
            items: list[str] = []
            _read_lines(template, slot, pair, raw, start, items, unreadable)
            lines_value = Value(slot.field, (), raw, line, pair.para.line, pair.section)
            found.setdefault(slot.field, []).append(lines_value)
            listed[id(lines_value)] = items
            continue
        if slot.field is not None:
            numbers[slot.group] = _record(found, unreadable, slot, raw, line, pair, template)
            continue
        if slot.choices is not None:
            variants.append(VariantUse(raw, slot.choices, line, pair.template.line, pair.section))
            continue
        number = numbers.get(slot.number_group)
        singular, plural = slot.forms
        expected = singular if number == 1 else plural
        if number is not None and raw != expected:
            disagreements.append(Disagreement(pair.match.group(slot.number_group), raw, expected, line, pair))
    return lines_value


def _read_lines(template: Template, slot: Slot, pair: Pair, text: str, offset: int, items: list,
                unreadable: list[UnreadableValue]) -> None:
    """The items of a lines placeholder in `text` (which starts at `offset` of the paragraph):
    one a line of the letter; each read by the field's type (free and text take any line)."""
    para = pair.para
    cuts = sorted({max(0, start - offset) for start, _ in para.line_starts if start >= offset} | {0})
    pattern = template.compiled_type(slot.type) if slot.type not in ("text", "free") else None
    for begin, end in zip(cuts, [*cuts[1:], len(text)]):
        item = " ".join(text[begin:end].split())
        if not item:
            continue
        line = para.line_at(offset + begin)
        marker = withheld_marker(item, template.withheld)
        if marker:
            items.append(Withheld(marker))
            continue
        if pattern is not None and not pattern.fullmatch(item):
            unreadable.append(UnreadableValue(slot.field, slot.type, item, f"not of the type {slot.type}",
                                              line, pair.section))
            continue
        try:
            items.append(convert(slot.base, item, template.date_order) if pattern is not None else item)
        except ValueError as exc:
            unreadable.append(UnreadableValue(slot.field, slot.type, item, str(exc), line, pair.section))


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
            _record(found, unreadable, slot, match.group(0), pair.para.line_at(offset + lead + match.start()), pair,
                    template)
            position = match.end()


def expected_text(t: TemplateParagraph, extraction: Fields | None, paragraph: int, letter_text: str = "") -> str:
    """The template paragraph as this letter should read: the values read from the letter
    paragraph starting at line `paragraph` filled in, each noun in the form its number asks
    for. A diff against it shows only edits of the boilerplate."""
    if t.regex is None:
        return t.text
    value_of = (lambda name: extraction.in_paragraph(name, paragraph)) if extraction else (lambda name: None)
    return "".join(text for text, _ in filled(t, value_of, lambda slot: slot.label, letter_text))


def filled(t: TemplateParagraph, value_of, unknown, letter_text: str = "") -> Iterator[tuple[str, str | None]]:
    """The one walk that fills a template paragraph in: (text, field or None) for each of its
    parts, a placeholder as the value `value_of(field)` gives (else `unknown(slot)`), each
    singular/plural in the form its number asks for."""
    numbers = {}
    for part in t.parts:
        if isinstance(part, str):
            yield part, None
        elif part.choices is not None:  # the variant the letter comes closest to using: the longest it holds
            held = [c for c in part.choices if c and c in letter_text]
            yield (max(held, key=len) if held else part.choices[0]), None
        elif part.field:
            value = value_of(part.field)
            numbers[part.group] = value.value if value else None
            yield (value.raw if value else unknown(part)), part.field
        else:
            singular, plural = part.forms
            yield (singular if numbers.get(part.number_group) == 1 else plural), None

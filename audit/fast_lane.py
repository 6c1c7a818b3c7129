"""The fast lane: a letter that follows its template exactly, from text to result in one pass.

Most letters of a batch are their template filled in: every paragraph in its place, every
value of its type, every check holding. For those, building the pipeline's records (a
Document, an Alignment of Pairs, Fields of Values, a Letter) and running every rule over
them only to find nothing costs more than reading the letter. This lane walks the letter's
paragraphs and the template's side by side as they are split: a fixed paragraph is compared
by equality, a placeholder paragraph by its compiled regex; each value is converted as it is
matched, a number and its noun agreeing, and the template's checks are evaluated on the
values. The result is the LetterResult the pipeline would give such a letter: its fields,
where each is first quoted, its key and text hash, and no finding.

The moment anything deviates (a paragraph that is not the next one expected, a value not
of its type, a noun not agreeing, a field quoted twice differently, a check that fails or
cannot run, text a converter left, a page number, anything the template has that this lane
does not know) it gives up and returns None: the letter then goes through the full pipeline,
so every finding is still made and worded by the rules. The lane is also closed when a rule
it does not know runs (it cannot tell that rule would be silent), and whenever the pipeline's
records themselves are wanted (the HTML report keeps a view of each letter).
tests/test_fast_lane.py asserts that both lanes give identical results.
"""
from __future__ import annotations

import dataclasses
from bisect import bisect_right
import hashlib
import sys
from typing import Any

from .expr import Missing
from .delimit import _chains, runs
from .models import LetterResult, Pair, PairKind, Paragraph, RawLetter
from .normalise import _PAGE_NUMBER, _SENTENCE_END, _joined, clean_text
from .template import Section, Slot, Template, TemplateParagraph, by_boilerplate
from .types import convert, json_value

# Built-in rules that say nothing about a letter this lane accepts: no reader residue or Word
# revisions, no page number or stray text, every paragraph exact and in order, every value
# readable, every noun agreeing, no conflict, every check holding, and a template of one version
# (a template with versions is audited by the full pipeline: form-version speaks on every letter).
# Rules a template declares report its failing checks only. A rule not named here closes the lane.
SILENT_RULES = frozenset({
    "boilerplate-changed", "check-failed", "data-mismatch", "different-form", "duplicate-letter", "extra-paragraph",
    "extraction-artifact", "field-conflict", "form-version", "grammar-number", "inconsistent-value", "internal-error",
    "invalid-value", "missing-letter", "missing-paragraph", "missing-section", "mixed-versions", "paragraph-moved",
    "unknown-recipient", "unreadable-input", "unrecognised-document", "unresolved-revisions", "withheld-value",
})

# The template language this lane understands, as the attributes of the compiled records. A
# template that sets an attribute not named here (a feature added since) away from its default
# is audited by the full pipeline, until the lane is taught the feature.
KNOWN_ATTRIBUTES = {
    Template: {"name", "title", "path", "year", "paragraphs", "sections", "fields", "types", "checks",
               "vocabulary", "literal_index", "key_field", "overview_fields", "key_match", "rules", "bases",
               "warnings", "source"},  # source: the text compiled, no feature
    TemplateParagraph: {"index", "section", "text", "skeleton", "heading", "free", "regex", "slots", "parts",
                        "line", "bounds"},
    Section: {"title", "required", "paragraphs", "line"},
    Slot: {"group", "field", "type", "forms", "number_group", "base"},
}
_plain: dict[int, tuple[Template, bool]] = {}  # id(template) -> (it, whether it uses only known features)
_open_for: dict[int, tuple[object, bool]] = {}  # id(active rules) -> (the list, whether the lane is open)


def known_features_only(template: Template) -> bool:
    """Whether every record of the template leaves the attributes this lane does not know at
    their defaults."""
    known = _plain.get(id(template))
    if known is None or known[0] is not template:
        records = [template, *template.paragraphs, *template.sections.values(),
                   *(slot for paragraph in template.paragraphs for slot in paragraph.slots)]
        known = _plain[id(template)] = (template, all(_defaults_only(record) for record in records))
    return known[1]


def _defaults_only(record) -> bool:
    names = KNOWN_ATTRIBUTES.get(type(record), set())
    for attribute in dataclasses.fields(record):
        if attribute.name in names:
            continue
        if attribute.default is not dataclasses.MISSING:
            default = attribute.default
        elif attribute.default_factory is not dataclasses.MISSING:
            default = attribute.default_factory()
        else:
            return False  # a new attribute every template sets: nothing tells its plain value
        if getattr(record, attribute.name) != default:
            return False
    return True


def lane_open(active_rules) -> bool:
    """Whether every rule of the run is one this lane knows to be silent on the letters it takes."""
    known = _open_for.get(id(active_rules))
    if known is None or known[0] is not active_rules:
        is_open = all(
            rule.check is None or rule.id in SILENT_RULES or rule.template is not None for rule in active_rules)
        known = _open_for[id(active_rules)] = (active_rules, is_open)
    return known[1]


def audit_exact(raw: RawLetter, templates: list[Template], vocabulary, min_coverage: float) -> LetterResult | None:
    """The letter's result when it follows one of the templates exactly; None when anything
    deviates (the full pipeline must then audit it). `min_coverage`: the share of a template's
    paragraphs a letter must hold to be of its kind (pipeline.MIN_COVERAGE)."""
    if raw.text is None or raw.artifacts or raw.revisions or raw.cells:
        return None
    try:
        paragraphs = _paragraphs(raw.text, vocabulary)
        if not paragraphs:
            return None
        template = _template_for(paragraphs, templates)
        if template is None or not known_features_only(template):
            return None
        return _walk(raw, paragraphs, template, min_coverage)
    except MemoryError:  # the letter's memory budget (audit/workers.py), not a deviation
        raise
    except Exception:  # noqa: BLE001 - whatever fails here, the full pipeline reports
        return None


def _paragraphs(text: str, vocabulary) -> list[tuple[str, tuple]] | None:
    """(text, line starts) of each paragraph, as normalise makes them (hard-wrapped lines
    joined, and the halves of a paragraph a page break cut); None for text holding a page
    number, which normalise sets aside or joins to its noun."""
    blocks: list[tuple[str, tuple]] = []
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(clean_text(text).split("\n"), start=1):
        line = line.strip()
        if line:
            lines.append((number, line))
        elif len(lines) == 1:  # most paragraphs are one line
            blocks.append((lines[0][1], ((0, lines[0][0]),)))
            lines = []
        elif lines:
            blocks.append(_joined_lines(lines, vocabulary))
            lines = []
    if lines:
        blocks.append(_joined_lines(lines, vocabulary))
    paragraphs: list[tuple[str, tuple]] = []
    group: list[tuple[str, tuple]] = []
    for block in blocks:
        if _PAGE_NUMBER.fullmatch(block[0]):
            return None
        if group and block[0][:1].islower() and not group[-1][0].endswith(_SENTENCE_END):
            group.append(block)  # cut in two by a page break
            continue
        if group:
            paragraphs.append(_joined_group(group, vocabulary))
        group = [block]
    if group:
        paragraphs.append(_joined_group(group, vocabulary))
    return paragraphs


def _joined_lines(lines: list[tuple[int, str]], vocabulary) -> tuple[str, tuple]:
    if len(lines) == 1:
        number, text = lines[0]
        return text, ((0, number),)
    return _joined_group([(line, ((0, number),)) for number, line in lines], vocabulary)


def _joined_group(pieces: list[tuple[str, tuple]], vocabulary) -> tuple[str, tuple]:
    if len(pieces) == 1:
        return pieces[0]
    joined = _joined(pieces, vocabulary)
    return joined.text, joined.line_starts


def _template_for(paragraphs, templates: list[Template]) -> Template | None:
    """The template the pipeline would choose (pipeline.choose_template); None on a tie."""
    if len(templates) == 1:
        return templates[0]
    hits = by_boilerplate([text for text, _ in paragraphs], templates)
    if hits[0][0] > hits[1][0]:
        return hits[0][1]
    return None


def _walk(raw: RawLetter, paragraphs, template: Template, min_coverage: float) -> LetterResult | None:
    canon = template.paragraphs
    found: dict[str, list] = {}  # field -> [(value, line)], in letter order
    exact = i = j = 0
    while i < len(paragraphs) and j < len(canon):
        expected = canon[j]
        text, starts = paragraphs[i]
        if expected.free:
            following = canon[j + 1] if j + 1 < len(canon) else None
            if following is None or following.free or not following.matches(text):
                return None  # text where the template allows any: extraction-artifact says so
            j += 1
            continue
        if expected.regex is None:
            matched = text == expected.text
        else:
            matched = expected.matches(text)
            if matched and not _values(matched, expected, text, starts, template, found):
                return None
        if not matched:
            section = _omissible(template, expected)
            if section is None:
                return None
            j = section.paragraphs[-1] + 1  # an optional section left out
            continue
        exact += 1
        i, j = i + 1, j + 1
    while j < len(canon) and (section := _omissible(template, canon[j])) is not None:
        j = section.paragraphs[-1] + 1
    if any(not p.free for p in canon[j:]):
        return None
    wanted = sum(1 for p in canon if not p.free)
    if i < len(paragraphs) or not wanted or exact / wanted < min_coverage:
        return None
    if not _checks_hold(template, found):
        return None
    return _result(raw, template, found, paragraphs)


def _omissible(template: Template, expected: TemplateParagraph) -> Section | None:
    """The optional section that `expected` heads (align._optional_heading)."""
    section = template.sections.get(expected.section)
    if expected.heading and section is not None and not section.required and section.paragraphs[0] == expected.index:
        return section
    return None


def _values(match, expected: TemplateParagraph, text: str, starts: tuple, template: Template, found: dict) -> bool:
    """Convert each placeholder's text into `found`; False when one is not a value of its type, a
    noun does not agree with its number, or placeholders side by side could be cut in several
    ways the layout does not decide (extract then asks the letter's other quotations)."""
    cuts: dict[str, tuple[int, int]] = {}
    if _chains(expected.parts):  # an address block: cut where extract cuts it (audit/delimit.py)
        for run in runs(Pair(PairKind.EXACT, Paragraph(text, starts[0][1], starts), expected, match), template):
            if run.tied > 1 and run.others is None:
                return False
            # a flattened run keeps the patterns' own cut when no check or quotation contradicts
            # it, and this lane takes no letter where one would
            cuts.update(zip((slot.group for slot in run.slots), run.cuts[0]))
    numbers: dict[str, Any] = {}
    for slot in expected.slots:
        start, end = cuts.get(slot.group) or match.span(slot.group)
        raw = text[start:end]
        if slot.field is not None:
            value = convert(slot.base, raw)  # raises on a value not of its type: the lane gives up
            numbers[slot.group] = value
            line = starts[0][1] if len(starts) == 1 else _line_at(starts, start)
            found.setdefault(slot.field, []).append((value, line))
            continue
        number = numbers.get(slot.number_group)
        singular, plural = slot.forms
        if number is not None and raw != (singular if number == 1 else plural):
            return False
    return True


def _line_at(starts: tuple, offset: int) -> int:
    """Paragraph.line_at, on the paragraph's line starts."""
    return starts[bisect_right(starts, (offset, float("inf"))) - 1][1]


def _checks_hold(template: Template, found: dict) -> bool:
    for name in template.fields:
        quoted = found.get(name, ())
        if len(quoted) > 1 and len({value for value, _ in quoted}) > 1:
            return False  # field-conflict, or the rule the field names
    env = dict(template.constants)
    env.update({name: quoted[0][0] for name, quoted in found.items()})
    known = {name for name, value in env.items() if value is not None}
    for check in template.checks:
        if not check.names <= known:  # a value the letter does not quote: other rules say so
            continue
        try:
            if not check.evaluate(env):
                return False
        except Missing:
            continue
    return True


def _result(raw: RawLetter, template: Template, found: dict, paragraphs) -> LetterResult:
    """What pipeline.summarise keeps of a letter with no finding."""
    fields = {name: (json_value(found[name][0][0]) if name in found else None) for name in template.fields}
    result = LetterResult(raw.path, sys.intern(template.name), fields, [])
    result.lines = {name: quoted[0][1] for name, quoted in found.items()}
    if template.key_field and fields.get(template.key_field) is not None:
        result.key = str(fields[template.key_field])
    text = "\n".join(text for text, _ in paragraphs)
    result.content_hash = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    return result

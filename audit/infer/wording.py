"""The wording of one paragraph of the letter kind: what all letters share, and the holes where they differ.

The majority paragraph is split into tokens; every other wording is lined up with it word by
word (rapidfuzz's Levenshtein opcodes on token lists). A token kept by (nearly) every letter is
boilerplate; a run of tokens that is not is a hole, and each letter's value for the hole is its
own text between the boilerplate tokens either side.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA, Levenshtein

from ..models import Paragraph
from .columns import key
from ..types import BASE_PATTERNS
from .kinds import MARKER, WORDING, ValueKind, type_of, withheld
from .tables import table_cells

KEEP_SHARE = 0.95  # share of letters that must keep a token for it to be boilerplate
LINES_SHARE = 0.5  # more than this share of letters must break a varying paragraph into the same lines
AGREEMENT_SHARE = 0.9  # share of letters whose noun follows singular for 1, plural otherwise
SLIP_LENGTH = 4  # a word this long or longer, spelt one edit (two from twice this) away, is a slip
FREE_WORDS = 12  # a paragraph varying wholly and longer than this is free text
MIN_VARIANT = 3  # letters that must share a wording of a phrase for it to be an accepted variant (as MIN_ABSENT)
MAX_VARIANTS = 4  # a phrase worded more ways than this (empty aside) is a value, not a choice of wordings
# A web address, an e-mail address and a numeric date are one value each, as people write them
_TOKEN = re.compile(MARKER.pattern + r"|https?://[^\s<>\"]*[^\s<>\".,;:!?)\]]|[\w.+-]+@\w[\w-]*(?:\.[\w-]+)+"
                    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
                    r"|[£$€]?\d[\d,.]*\d%?|[£$€]?\d%?|\w+(?:['-]\w+)*|\S")


@dataclass
class Hole:
    start: int  # character span in the majority text
    end: int
    values: dict[int, str]  # letter index -> the value as written, where it could be read
    kind: ValueKind = ValueKind.TEXT
    forms: tuple[str, str] | None = None  # (singular, plural) of a noun agreeing with the number before
    name: str = ""
    pattern: str | None = None  # a learned pattern for text read right before another hole
    label: str = ""  # for a table cell: its row label and column heading, which name it
    choices: tuple[str, ...] = ()  # a variant's accepted wordings, the commonest first ("" for none)
    items: bool = False  # a list after a label: its items one a line, in this paragraph and the ones after it


@dataclass
class Wording:
    text: str  # the majority wording
    holes: list[Hole] = field(default_factory=list)
    free: bool = False  # varies wholly: any text may stand here
    lines: tuple[int, ...] = ()  # offsets where a line of its own begins (a table's rows)
    grid: list[list[Hole | None]] | None = None  # a table: its cells' holes by row and column


@dataclass
class _Reading:
    """One distinct wording lined up with the majority: majority token -> its token."""

    text: str
    tokens: list[re.Match]
    kept: dict[int, int]
    replaced: dict[int, int]
    letters: list[int]
    inserted: dict[int, str] = field(default_factory=dict)  # majority token -> the words put before it


def tokens(text: str) -> list[re.Match]:
    return list(_TOKEN.finditer(text))


def keep_threshold(count: int) -> int:
    """How many of `count` letters must keep a token: nearly all, and one may always differ."""
    if count < 5:
        return count
    return min(math.ceil(KEEP_SHARE * count), count - 1)


def wording(members: dict[int, Paragraph], date_order: str = "dmy") -> Wording:
    """The shared wording of one column's paragraphs (letter index -> its paragraph);
    `date_order`: how the batch writes numeric dates."""
    texts = {letter: para.text for letter, para in members.items()}
    majority = _majority(texts)
    if len(set(texts.values())) == 1:
        return Wording(majority)
    table = _table(members, majority, date_order)
    if table is not None:
        return table
    base = tokens(majority)
    readings = _readings(majority, base, texts)
    kept_by = Counter()
    for reading in readings:
        for i in reading.kept:
            kept_by[i] += len(reading.letters)
    need = keep_threshold(len(texts))
    # a redaction marker stands where a value was withheld: a place for a value, whatever the letters share
    constant = [kept_by[i] >= need and not MARKER.fullmatch(base[i].group()) for i in range(len(base))]
    runs = _widen(_runs(constant), base, readings, majority, date_order)
    holes = [hole for run in runs for hole in _holes(run, base, readings, date_order)]
    for hole in holes:
        hole.kind = type_of(list(hole.values.values()), date_order)
    holes = [_variant(h) for h in _agreements(holes, base, constant, readings) if not _slip(h, majority)]
    holes = sorted(holes + _insertions(holes, base, readings, majority), key=lambda h: (h.start, h.end))
    lines = _by_lines(members, majority, holes, date_order)
    if lines:
        return lines
    _mark_list(members, majority, holes)
    if len(holes) == 1 and holes[0].start == 0 and holes[0].end == len(majority) and holes[0].kind == ValueKind.TEXT:
        words = sorted(len(v.split()) for v in holes[0].values.values())
        if words and words[len(words) // 2] > FREE_WORDS:
            return Wording(majority, [], free=True)
    return Wording(majority, holes)


def _table(members: dict[int, Paragraph], majority: str, date_order: str) -> Wording | None:
    """A table of figures: one hole per varying cell, labelled by its row and column."""
    sample = next((p for p in members.values() if p.text == majority), None)
    grid = table_cells(members, sample, keep_threshold(len(members))) if sample is not None else None
    if grid is None:
        return None
    holes, rows = [], []
    for row in grid:
        line = []
        for cell in row:
            if cell is not None:
                start, end, label, values = cell
                holes.append(Hole(start, end, values, type_of(list(values.values()), date_order), label=label))
            line.append(holes[-1] if cell is not None else None)
        rows.append(line)
    return Wording(majority, holes, lines=tuple(offset for offset, _ in sample.line_starts[1:]), grid=rows)


def _slip(hole: Hole, majority: str) -> bool:
    """A hole that is no value: punctuation only (quote marks some letters leave out), or a
    word that a minority spells a little differently from the majority ("wavier" for
    "waiver"). It stays boilerplate in the majority's wording, so the letters that differ
    are reported."""
    if hole.kind == ValueKind.AGREEMENT or withheld(majority[hole.start:hole.end]):
        return False
    counts = Counter(hole.values.values())
    if all(not any(c.isalnum() for c in v) for v in counts):
        return True
    ours = majority[hole.start:hole.end]
    if not counts or counts[ours] <= sum(counts.values()) / 2 or len(ours) < SLIP_LENGTH:
        return False
    allowed = 1 if len(ours) < 2 * SLIP_LENGTH else 2
    return all(not any(c.isdigit() for c in v) and OSA.distance(v.casefold(), ours.casefold()) <= allowed
               for v in counts if v != ours)


def _mark_list(members: dict[int, Paragraph], majority: str, holes: list[Hole]) -> None:
    """The value ending a paragraph after a label ("Representative List of Titles:") is a list
    when at least MIN_VARIANT letters set its items on lines of their own below the label:
    then the items may also run on in the paragraphs after it, as the template language's
    lists read them."""
    last = holes[-1] if holes else None
    if last is None or last.kind != ValueKind.TEXT or majority[last.end:].strip() \
            or not majority[:last.start].rstrip().endswith(":"):
        return
    below = sum(1 for p in members.values() if len(p.line_starts) > 1
                and p.text[:p.line_starts[1][0]].rstrip().endswith(":"))
    last.items = below >= MIN_VARIANT


def _variant(hole: Hole) -> Hole:
    """A phrase that some letters leave out and the others word in a few ways (an address line
    one signature has and another lacks) is no value: a placeholder cannot be empty. It is the
    wordings that at least MIN_VARIANT letters share, as the template language's variants;
    a letter wording it otherwise is reported."""
    counts = Counter(hole.values.values())
    if hole.kind != ValueKind.TEXT or counts[""] < MIN_VARIANT or len(counts) > MAX_VARIANTS + 1:
        return hole
    choices = tuple(v for v, n in counts.most_common() if n >= MIN_VARIANT and _writable(v))
    if len(choices) < 2:
        return hole
    return Hole(hole.start, hole.end, hole.values, ValueKind.VARIANT, choices=choices)


def _insertions(holes: list[Hole], base: list[re.Match], readings: list[_Reading], majority: str) -> list[Hole]:
    """Words that at least MIN_VARIANT letters put at one place of the majority's wording (a
    line "Notice of Infringement via Email" above the address): a phrase that may be left out,
    as variants, the empty one first. Words a few letters add are still reported."""
    added: dict[int, Counter] = {}
    for reading in readings:
        for index, text in reading.inserted.items():
            added.setdefault(index, Counter())[text] += len(reading.letters)
    result = []
    for index, counts in sorted(added.items()):
        offset = base[index].start() if index < len(base) else len(majority)
        before = base[index - 1].end() if index > 0 else 0
        if any(h.start <= offset and h.end >= before for h in holes):
            continue  # next to a value: its own words
        choices = [t for t, n in counts.most_common(MAX_VARIANTS) if n >= MIN_VARIANT and _writable(t)
                   and any(c.isalnum() for c in MARKER.sub("", t))]  # a marker is a value, never wording
        if choices:
            result.append(Hole(offset, offset, {}, ValueKind.VARIANT, choices=("", *choices)))
    return result


def _writable(text: str) -> bool:
    """Text a variant can hold as written (no placeholder or comment syntax of its own)."""
    return not any(mark in text for mark in ("{{", "}}", "<!--", "\\"))


def _majority(texts: dict[int, str]) -> str:
    """The commonest wording; when every letter words it differently, the one whose shape
    (digits aside) is commonest."""
    counts = Counter(texts.values())
    text, count = counts.most_common(1)[0]
    if count > 1 or len(counts) == 1:
        return text
    shapes = Counter(key(t) for t in texts.values())
    return max(texts.values(), key=lambda t: (shapes[key(t)], -len(t)))


def _readings(majority: str, base: list[re.Match], texts: dict[int, str]) -> list[_Reading]:
    by_text: dict[str, list[int]] = {}
    for letter, text in texts.items():
        by_text.setdefault(text, []).append(letter)
    words = [m.group() for m in base]
    readings = []
    for text, letters in by_text.items():
        if text == majority:
            identity = {i: i for i in range(len(base))}
            readings.append(_Reading(text, base, identity, {}, letters))
            continue
        own = tokens(text)
        kept, replaced, inserted = {}, {}, {}
        for op in Levenshtein.opcodes(words, [m.group() for m in own]):
            if op.tag == "insert":
                inserted[op.src_start] = text[own[op.dest_start].start():own[op.dest_end - 1].end()]
            elif op.tag == "equal":
                kept.update({op.src_start + k: op.dest_start + k for k in range(op.src_end - op.src_start)})
            elif op.tag == "replace" and op.src_end - op.src_start == op.dest_end - op.dest_start:
                replaced.update({op.src_start + k: op.dest_start + k for k in range(op.src_end - op.src_start)})
        readings.append(_Reading(text, own, kept, replaced, letters, inserted))
    return readings


def _runs(constant: list[bool]) -> list[tuple[int, int]]:
    """Maximal runs [start, end) of tokens that are not boilerplate."""
    runs, start = [], None
    for i, keep in enumerate([*constant, True]):
        if not keep and start is None:
            start = i
        elif keep and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _pieces(run_tokens: list[re.Match]) -> list[tuple[int, int]]:
    """A run cut where numbers and words meet: "1 payment" is a count, then its noun."""
    pieces, start = [], 0
    for i in range(1, len(run_tokens) + 1):
        if i == len(run_tokens) or _is_number(run_tokens[i]) != _is_number(run_tokens[i - 1]):
            pieces.append((start, i))
            start = i
    return pieces


def _is_number(token: re.Match) -> bool:
    return token.group()[:1].isdigit() or token.group()[:1] in "£$€"


def _holes(run, base, readings, date_order: str) -> list[Hole]:
    """One hole for the run, or one per piece when a text run mixes numbers and words and each
    letter's value has as many pieces."""
    whole = _values(run, base, readings)
    pieces = _pieces(base[run[0]:run[1]])
    if len(pieces) == 1 or type_of(list(whole.values()), date_order) != ValueKind.TEXT:
        return [Hole(base[run[0]].start(), base[run[1] - 1].end(), whole)]
    values: list[dict[int, str]] = [{} for _ in pieces]
    for reading in readings:
        own = _own_tokens(run, len(base), reading)
        parts = _pieces(own) if own else []
        if len(parts) != len(pieces):
            continue
        for k, (a, b) in enumerate(parts):
            for letter in reading.letters:
                values[k][letter] = reading.text[own[a].start():own[b - 1].end()]
    return [Hole(base[run[0] + a].start(), base[run[0] + b - 1].end(), values[k]) for k, (a, b) in enumerate(pieces)]


def _own_tokens(run, count: int, reading: _Reading) -> list[re.Match] | None:
    start, end = run
    if start > 0 and start - 1 not in reading.kept or end < count and end not in reading.kept:
        return None
    left = reading.kept[start - 1] + 1 if start > 0 else 0
    right = reading.kept[end] if end < count else len(reading.tokens)
    return reading.tokens[left:right]


def _widen(runs, base, readings, majority, date_order: str):
    """A date or an amount is one value: a run that takes part of one ("31 March" of
    "31 March 2020", the year kept by all) is widened to all of it when every letter's value
    then has the type's shape."""
    for kind in (ValueKind.DATE, ValueKind.MONEY):
        for found in re.finditer(BASE_PATTERNS[kind], majority):
            first = next((i for i, m in enumerate(base) if m.end() > found.start()), None)
            last = next((i for i in range(len(base) - 1, -1, -1) if base[i].start() < found.end()), None)
            if first is None or last is None:
                continue
            touching = [r for r in runs if r[0] <= last and r[1] > first]
            if not touching:
                continue
            wide = (min(first, touching[0][0]), max(last + 1, touching[-1][1]))
            values = _values(wide, base, readings)
            if type_of(list(values.values()), date_order) == kind:
                runs = sorted([r for r in runs if r not in touching] + [wide])
    return runs


def _values(run, base, readings) -> dict[int, str]:
    start, end = run
    values = {}
    for reading in readings:
        if start > 0 and start - 1 not in reading.kept or end < len(base) and end not in reading.kept:
            continue
        left = reading.tokens[reading.kept[start - 1]].end() if start > 0 else 0
        right = reading.tokens[reading.kept[end]].start() if end < len(base) else len(reading.text)
        value = reading.text[left:right].strip()
        for letter in reading.letters:
            values[letter] = value
    return values


def _agreements(holes, base, constant, readings) -> list[Hole]:
    """A noun within three words after a number that is singular when the number is 1 and
    plural otherwise becomes a {{singular|plural}} hole."""
    replaced, added = set(), []
    for hole in holes:
        if hole.kind != ValueKind.INT:
            continue
        after = next((i for i, m in enumerate(base) if m.start() >= hole.end), len(base))
        for i in range(after, min(after + 3, len(base))):
            word = base[i]
            if not word.group()[:1].isalpha():
                break
            own = next((h for h in holes if h.start == word.start()), None)
            if own is not None and own.end != word.end():
                break
            forms = _forms(i, hole, readings)
            if forms:
                replaced.add(word.start())
                added.append(Hole(word.start(), word.end(), {}, ValueKind.AGREEMENT, forms))
                break
            if not constant[i]:
                break
    return sorted([h for h in holes if h.start not in replaced] + added, key=lambda h: h.start)


def _forms(i: int, number: Hole, readings) -> tuple[str, str] | None:
    singular, plural = Counter(), Counter()
    for reading in readings:
        index = reading.kept.get(i, reading.replaced.get(i))
        if index is None:
            continue
        word = reading.tokens[index].group()
        for letter in reading.letters:
            value = number.values.get(letter)
            if value is None or not value.replace(",", "").isdigit():
                continue
            (singular if int(value.replace(",", "")) == 1 else plural)[word] += 1
    if not singular or not plural:
        return None
    (one, ones), (many, manys) = singular.most_common(1)[0], plural.most_common(1)[0]
    if one == many or ones < AGREEMENT_SHARE * sum(singular.values()) or manys < AGREEMENT_SHARE * sum(plural.values()):
        return None
    return one, many


def _by_lines(members: dict[int, Paragraph], majority: str, holes: list[Hole], date_order: str) -> Wording | None:
    """A short paragraph laid out in the same lines in most letters (an address block), whose
    varying words run across line ends, holds one value per line."""
    counts = Counter(len(p.line_starts) for p in members.values())
    lines, count = counts.most_common(1)[0]
    if not 2 <= lines <= 6 or count <= LINES_SHARE * len(members):
        return None
    laid_out = {letter: _line_texts(p) for letter, p in members.items() if len(p.line_starts) == lines}
    crossing = sum(1 for letter, texts in laid_out.items()
                   if any(h.kind not in WORDING and letter in h.values and not any(h.values[letter] in t for t in texts)
                          for h in holes))
    if crossing < len(laid_out) / 2 or any(len(t.split()) > 10 for texts in laid_out.values() for t in texts):
        return None
    sample = next((members[i] for i in laid_out if members[i].text == majority), members[next(iter(laid_out))])
    result = []
    for number, (start, end) in enumerate(_line_spans(sample)):
        values = {letter: texts[number] for letter, texts in laid_out.items()}
        if Counter(values.values()).most_common(1)[0][1] < keep_threshold(len(values)):
            result.append(Hole(start, end, values, type_of(list(values.values()), date_order)))
    return Wording(sample.text, result)


def _line_spans(para: Paragraph) -> list[tuple[int, int]]:
    starts = [offset for offset, _ in para.line_starts] + [len(para.text) + 1]
    return [(starts[k], starts[k + 1] - 1) for k in range(len(starts) - 1)]


def _line_texts(para: Paragraph) -> list[str]:
    return [para.text[a:b].strip() for a, b in _line_spans(para)]

"""Infer a template from a batch of letters of one kind (`letter-audit template infer`).

The stages, each a function of the previous one's records:
read and normalise a sample of the letters (the tool's own stages) -> line their paragraphs
up into columns (columns.py) -> the shared wording and the holes of each column (wording.py)
-> sections, free slots and named, typed fields (here) -> relations between the fields
(relations.py) -> the template text (render.py) -> audit every letter with it, to count
what holds in the whole batch, and write the template again with those counts.
"""
from __future__ import annotations

import keyword
import math
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from ..normalise import normalise
from ..pipeline import audit_batch, read_in_workers
from ..read import DEFAULT_MAX_BYTES
from ..workers import Limits
from ..settings import Settings
from .columns import Column, LetterParagraphs, align_letters, outliers, version_split
from .lists import with_list_openings
from .relations import Relation, batch_year, discover
from .kinds import NUMERIC, WORDING, ValueKind, date_order_of, from_result, value
from .naming import ending_pattern, name_from, name_from_label
from .wording import Hole, Wording, wording

SAMPLE = 400  # letters learned from; every letter is then audited with the result
MIN_SHARE = 0.1  # a paragraph in fewer letters than this is left out (an extra in a few letters)
PARAGRAPH_SHARE = 0.5  # a paragraph in at least this share of its section's letters is in the template
MIN_VERSION = 5  # letters unlike the rest, this many and
VERSION_SHARE = 0.1  # this share of the batch, are another version of the form, learned on their own
MAX_VERSIONS = 6
REQUIRED_SHARE = 0.9  # a section in at least this share of the letters is required: its absence is an error
MIN_ABSENT = 3  # a section is optional only when at least this many letters leave it out: in a small batch
# two letters without it say nothing about whether it may be left out, and are reported
FREE_SHARE = 0.2  # varying paragraphs in this share of letters, at one place, make a free slot
HEADING_WORDS = 10
RESERVED = {"year", "round", "abs", "min", "max", "sum", "rounds_to", "same_person", "true", "false", "none"}
DEVIATIONS = {"missing-section", "missing-paragraph", "boilerplate-changed", "extra-paragraph", "paragraph-moved"}
VERSION_RULES = {"form-version", "mixed-versions"}
_MARKED_HEADING = re.compile(r"[ ]{0,3}#{1,6}[ ]")
_WHOLE_WORD = re.compile(r"(?<![A-Za-z-])[A-Za-z]+(?:-[A-Za-z]+)*(?![A-Za-z-])")


class BlockKind(StrEnum):
    TEXT = "text"  # wording most letters share, holes and all
    HEADING = "heading"
    FREE = "free"  # where letters have paragraphs of their own


@dataclass
class Block:
    """One paragraph of the inferred template."""

    kind: BlockKind
    wording: Wording
    section: str
    letters: int  # letters holding it
    note: str = ""  # a comment written before it
    optional: bool = False  # a heading: its section may be left out; a paragraph: it may be left out
    versions: tuple[str, ...] = ()  # the versions of the form having it, when not all (infer/versions.py)


@dataclass
class FieldInfo:
    name: str
    kind: ValueKind
    values: dict[int, str]  # letter index -> value as written (first place it stands)
    pattern: str | None = None  # own pattern, when read right before another field

    @property
    def examples(self) -> list[str]:
        return list(dict.fromkeys(self.values.values()))[:3]


@dataclass
class Verification:
    letters: int = 0
    matching: int = 0  # audited without a missing or changed paragraph
    deviating: list[Path] = field(default_factory=list)
    unrecognised: list[Path] = field(default_factory=list)
    duplicate_keys: int = 0


@dataclass
class Inference:
    name: str
    paths: list[Path]  # every letter given
    sample: list[Path]  # the letters learned from
    outliers: list[Path]  # far from the others: left out of the vote
    unreadable: list[Path]
    blocks: list[Block]
    fields: dict[str, FieldInfo]
    relations: list[Relation]
    year: int | None
    key_field: str | None
    overview: list[str]
    verification: Verification | None = None
    version: tuple[int, int] = (1, 1)  # this version's number, of how many the batch holds
    used: int = 0  # letters learned from: the sample without the outliers
    split: frozenset[Path] | None = None  # the letters of another version, told by paragraphs that go together
    form_versions: list = field(default_factory=list)  # versions.FormVersion: the versions this one template records
    date_order: str = "dmy"  # how the letters write numeric dates, as the template language says it

    @property
    def dates(self) -> tuple[date, date] | None:
        """The range of the first date field of the letters learned from, if they carry one."""
        found = next(([value(ValueKind.DATE, v, self.date_order) for v in f.values.values()] for f in self.fields.values()
                      if f.kind == ValueKind.DATE), [])
        found = [d for d in found if d is not None]
        return (min(found), max(found)) if found else None

    @property
    def sections(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == BlockKind.HEADING]


class InferenceError(ValueError):
    """The letters give nothing to infer from; the message says why."""


def infer_template(paths: list[Path], name: str, on_letter: Callable[[], None] | None = None,
                   verify: bool = True, settings: Settings | None = None) -> Inference:
    """Learn from a sample of `paths` (all of them up to SAMPLE), then, with `verify`, audit
    every letter with the result; `on_letter` is called once per letter audited. `settings`:
    those of `check` (its size limit; the batch is audited with them)."""
    settings = settings or Settings()
    if not paths:
        raise InferenceError("no letters given")
    sample = paths if len(paths) <= SAMPLE else [paths[i * len(paths) // SAMPLE] for i in range(SAMPLE)]
    letters, unreadable = read_letters(sample, settings.max_bytes, settings.limits)
    if not letters:
        raise InferenceError("none of the letters holds readable text")
    columns, far = align_letters(letters)
    far |= outliers(columns, letters)
    for column in columns:
        for letter in far:
            column.members.pop(letter, None)
    columns = [c for c in columns if c.members]
    used = len(letters) - len(far)
    split = version_split(columns, used, max(MIN_VERSION, math.ceil(VERSION_SHARE * used))) \
        if len(sample) == len(paths) else None  # a larger batch: versions are not sought in a sample
    order = date_order_of(p.text for i, letter in enumerate(letters) if i not in far for p in letter.paragraphs)
    blocks = build_blocks(columns, letters, used, order)
    if not any(block.kind == BlockKind.TEXT for block in blocks):
        raise InferenceError(f"the {used} letters have no paragraph in common: they do not read as copies of one letter")
    fields = name_fields(blocks)
    values = [(letters[i].path, {n: value(f.kind, f.values.get(i), order) for n, f in fields.items()})
              for i in range(len(letters)) if i not in far]
    kinds = {n: f.kind for n, f in fields.items()}
    year = batch_year(values, kinds)
    inference = Inference(
        name, list(paths), [letter.path for letter in letters], sorted(letters[i].path for i in far), unreadable,
        blocks, fields, discover(values, kinds, year, _grids(blocks)), year, *_key_and_overview(fields, used))
    inference.used = used
    inference.date_order = order
    inference.split = frozenset(letters[i].path for i in split) if split else None
    if verify:
        inference.verification = verify_batch(inference, on_letter, settings)
    return inference


def _grids(blocks: list[Block]) -> list[list[list[str | None]]]:
    """The tables' fields by row and column, for relations along rows and columns."""
    return [[[hole.name if hole else None for hole in row] for row in block.wording.grid]
            for block in blocks if block.wording.grid]


def infer_versions(paths: list[Path], name: str, on_letter: Callable[[], None] | None = None,
                   settings: Settings | None = None, force_one_template: bool = False) -> list[Inference]:
    """The versions of a form, each learned from its own letters: where a group of paragraphs
    comes and goes together (held by the same letters), its holders and the others are two
    versions; the letters unlike what was learned, when they are a share of their own (at
    least MIN_VERSION letters and VERSION_SHARE of the batch), are another. Each version is
    then audited with its own letters, the largest first; versions of one form redrafted are
    then written as one template recording them (infer/versions.py), when it holds as well
    (`force_one_template`: whether it does or not)."""
    queue, versions, unplaced = [list(paths)], [], []
    while queue:
        batch = queue.pop(0)
        try:
            learned = infer_template(batch, name, verify=False, settings=settings)
        except InferenceError:
            if len(batch) == len(paths):
                raise
            unplaced += batch  # too unlike each other to be a version: like none of them
            continue
        if learned.split and len(versions) + len(queue) + 2 <= MAX_VERSIONS:
            queue += [[p for p in batch if p not in learned.split], [p for p in batch if p in learned.split]]
            continue
        versions.append(learned)
        rest = learned.outliers
        if len(rest) >= max(MIN_VERSION, VERSION_SHARE * len(paths)) and len(rest) < len(batch) \
                and len(versions) + len(queue) < MAX_VERSIONS:
            learned.paths = [p for p in learned.paths if p not in set(rest)]
            learned.outliers = []
            queue.append(rest)
    versions.sort(key=lambda v: -len(v.paths))
    if unplaced:
        versions[-1].paths += unplaced
        versions[-1].outliers = sorted([*versions[-1].outliers, *unplaced])
    for number, version in enumerate(versions, start=1):
        version.name = name if number == 1 else f"{name}-v{number}"
        version.version = (number, len(versions))
        version.verification = verify_batch(version, on_letter, settings)
    if len(versions) > 1:  # versions of one form redrafted: one template recording them, when it holds as well
        from .versions import one_template

        versions = one_template(versions, lambda inference: verify_batch(inference, None, settings),
                               (lambda apart: 0) if force_one_template else lambda apart: passing_with(apart, settings))
    return versions


def read_letters(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES,
                 limits: Limits = Limits()) -> tuple[list[LetterParagraphs], list[Path]]:
    """Read and normalise through the tool's own stages. Words hyphenated at a line end are
    joined as the batch's other letters write them."""
    raws = list(read_in_workers(paths, max_bytes, limits))  # parsed in workers; a reader's failure: unreadable
    unreadable = [raw.path for raw in raws if raw.text is None]
    raws = [raw for raw in raws if raw.text is not None]
    vocabulary = frozenset(w.lower() for raw in raws for w in _WHOLE_WORD.findall(raw.text))
    letters = []
    for raw in raws:
        document = normalise(raw, vocabulary)
        lines = raw.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as normalise counts them
        marked = frozenset(i for i, p in enumerate(document.paragraphs)
                           if p.line <= len(lines) and _MARKED_HEADING.match(lines[p.line - 1]))
        if document.paragraphs:
            letters.append(LetterParagraphs(raw.path, document.paragraphs, marked))
        else:
            unreadable.append(raw.path)
    return letters, unreadable


def build_blocks(columns: list[Column], letters: list[LetterParagraphs], used: int, date_order: str = "dmy") -> list[Block]:
    """Sections from the headings, then per section the paragraphs most of its letters hold;
    varying paragraphs that a few letters each hold at one place become a free slot."""
    least = max(2, MIN_SHARE * used) if used >= 5 else 1
    present = {id(c) for c in columns if len(c.members) >= least}
    majority = {id(c): Counter(c.texts(letters).values()).most_common(1)[0][0] for c in columns}
    sections: list[tuple[Column | None, list[Column]]] = [(None, [])]
    titles = {"Letter head"}  # a section's heading is unique: a repeated one is an ordinary paragraph
    for index, column in enumerate(columns):
        following = next((c for c in columns[index + 1:] if id(c) in present), None)
        if id(column) in present and majority[id(column)] not in titles and _is_heading(
                column, letters, majority[id(column)], majority[id(following)] if following else ""):
            titles.add(majority[id(column)])
            sections.append((column, []))
        else:
            sections[-1][1].append(column)
    blocks, headings = [], {"Letter head"}
    for heading, body in _close_optional(sections, letters, used, least):
        title = majority[id(heading)] if heading else "Letter head"
        if heading is not None and title in headings:  # the parts of a section cut in two keep one heading
            heading, body = None, [heading, *body]
        headings.add(title)
        holders = {i for c in ([heading] if heading else []) + [c for c in body if id(c) in present] for i in c.members}
        if heading is None and not holders:
            continue
        if heading is not None:
            holders = set(heading.members)
            optional = _optional(len(holders), used)
            note = _presence(len(holders), used, optional)
            blocks.append(Block(BlockKind.HEADING, Wording(title), title, len(heading.members), note, optional))
        blocks += _section_blocks(body, letters, title, len(holders), least, date_order)
    return _without_run_in_paragraphs(blocks, letters)


def _without_run_in_paragraphs(blocks: list[Block], letters: list[LetterParagraphs]) -> list[Block]:
    """A variant whose words are a whole paragraph of a letter (a heading, a sentence some
    letters run into the paragraph before or after it) is that paragraph, which the engine
    reads run in: no variant, so the paragraph stays boilerplate word for word."""
    whole = {p.text for letter in letters for p in letter.paragraphs}
    for block in blocks:
        holes = block.wording.holes
        block.wording.holes = [h for h in holes if h.kind != ValueKind.VARIANT
                               or not all(c in whole for c in h.choices if c)]
    return blocks


def _close_optional(sections, letters: list[LetterParagraphs], used: int, least: float):
    """An optional section ends where paragraphs that the letters without it hold begin (the
    closing of a letter after an optional last section): the first of them, when it is plain
    boilerplate, heads a new, required section."""
    result = []
    for heading, body in sections:
        support = len(heading.members) if heading else used
        if heading is not None and _optional(support, used):
            wider = next((k for k, c in enumerate(body) if len(c.members) >= least
                          and len(c.members) >= REQUIRED_SHARE * used > support), None)
            texts = Counter(body[wider].texts(letters).values()) if wider is not None else Counter()
            if texts and texts.most_common(1)[0][1] >= 0.95 * sum(texts.values()):
                result += [(heading, body[:wider]), (body[wider], body[wider + 1:])]
                continue
        result.append((heading, body))
    return result


def _optional(present: int, used: int) -> bool:
    """Presence decides: a section nearly every letter holds is required, and so is one that
    too few letters leave out to tell a choice from a slip."""
    return present < REQUIRED_SHARE * used and used - present >= MIN_ABSENT


def _presence(present: int, used: int, optional: bool, whose: str = "") -> str:
    """The reason for the choice, written in the template for the reviewer (`whose`: of the
    letters holding a paragraph's section)."""
    if present >= used:  # a paragraph can be held by more letters than its section's heading
        return ""
    if optional:
        return f"optional: present in {present} of {whose}{used} letters"
    if present >= REQUIRED_SHARE * used:
        return (f"required: present in {present} of {whose}{used} letters; the {used - present} without it "
                "are reported as missing it")
    return (f"required: present in {present} of {whose}{used} letters; {used - present} letters without it are "
            f"too few to say it may be left out (at least {MIN_ABSENT} are needed), so they are reported as missing it")


def _section_blocks(body: list[Column], letters: list[LetterParagraphs], title: str, holders: int, least: float,
                    date_order: str):
    blocks, pending = [], []
    body, lists = with_list_openings(body, lambda c: len(c.members) < max(least, PARAGRAPH_SHARE * holders), letters,
                                      date_order)
    for column in [*body, None]:
        if column is not None and len(column.members) < max(least, PARAGRAPH_SHARE * holders):
            pending.append(column)
            continue
        rare = {i for c in pending for i in c.members}
        if pending and len(rare) >= max(2, FREE_SHARE * holders):
            example = _opening(next(iter(pending[0].texts(letters).values())))
            blocks.append(Block(BlockKind.FREE, Wording(f'paragraphs found in {len(rare)} letters, e.g. "{example}"',
                                                free=True), title, len(rare)))
        pending = []
        if column is None:
            break
        members = {i: letters[i].paragraphs[p] for i, p in column.members.items()}
        shared = wording(members, date_order)
        if shared.holes and column not in lists:
            shared.holes[-1].items = False  # its items all on the label's paragraph: a plain value, which takes no extra paragraph
        kind = BlockKind.FREE if shared.free else BlockKind.TEXT
        if shared.free:
            shared = Wording(f'varies from letter to letter, e.g. "{_opening(shared.text)}"', free=True)
        present = min(holders, _holding(column, letters, shared.text))
        optional = kind == BlockKind.TEXT and _optional(present, holders)
        note = _presence(present, holders, optional, "the section's ") if kind == BlockKind.TEXT else (
            f"in {len(column.members)} of {holders} letters" if len(column.members) < holders * 0.95 else "")
        blocks.append(Block(kind, shared, title, len(column.members), note, optional))
    return blocks


def _holding(column: Column, letters: list[LetterParagraphs], text: str) -> int:
    """The letters holding a paragraph: its column's, and those that hold its wording word for
    word at another place (lined up elsewhere, as when they set it in another order)."""
    if any(c in text for c in "{}") or not text:
        return len(column.members)
    return len(column.members) + sum(1 for i, letter in enumerate(letters) if i not in column.members
                                     and any(p.text == text for p in letter.paragraphs))


def _opening(text: str) -> str:
    words = text.split()
    return " ".join(words[:8]) + (" ..." if len(words) > 8 else "")


def _is_heading(column: Column, letters: list[LetterParagraphs], text: str, following: str) -> bool:
    """A short line of boilerplate that introduces prose, or that the files mark as a heading."""
    texts = column.texts(letters)
    if len(set(texts.values())) > 1 and Counter(texts.values()).most_common(1)[0][1] < 0.95 * len(texts):
        return False
    marked = sum(1 for i, p in column.members.items() if p in letters[i].marked)
    if marked > len(column.members) / 2:
        return True
    words = text.split()
    return (0 < len(words) <= HEADING_WORDS and text[:1].isupper() and not text.endswith((".", ",", ":", ";", "!", "?"))
            and following.endswith((".", ":", "?", "!")) and len(following.split()) > len(words))


def name_fields(blocks: list[Block]) -> dict[str, FieldInfo]:
    """Name every hole from the words around it; a hole with the name of an earlier field and
    the same values in the letters is that field again (a figure quoted twice)."""
    fields: dict[str, FieldInfo] = {}
    origin: dict[str, tuple[str, str]] = {}  # field -> (the name its words gave, its section's word)
    for block in blocks:
        text, holes = block.wording.text, block.wording.holes
        previous = None
        for number, hole in enumerate(holes):
            if hole.kind in WORDING:
                continue
            start = max((h.end for h in holes[:number] if h.kind not in WORDING), default=0)
            end = min((h.start for h in holes[number + 1:] if h.kind not in WORDING), default=len(text))
            noun = next((h for h in holes[number + 1:number + 2] if h.kind == ValueKind.AGREEMENT), None)
            end = noun.end if noun else end  # a count is named after its noun: "2 upheld decisions"
            base = name_from_label(hole.label) or name_from(
                text[start:hole.start], _plural(text, holes, hole.end, end), hole.kind,
                previous.name if previous is not None and previous.kind == hole.kind else None,
                list(hole.values.values()))
            hole.name = _quoted_again(hole, fields) or _unique(base, hole, block.section, fields)
            if hole.name not in fields:
                fields[hole.name] = FieldInfo(hole.name, hole.kind, dict(hole.values))
                origin[hole.name] = (base, _slug(block.section))
            follows = number + 1 < len(holes) and not text[hole.end:holes[number + 1].start].strip()
            if hole.kind == ValueKind.TEXT and follows and holes[number + 1].kind not in WORDING:
                hole.pattern = fields[hole.name].pattern = ending_pattern(list(hole.values.values()))
            previous = hole
    return _tidy_names(blocks, fields, origin)


def _tidy_names(blocks: list[Block], fields: dict[str, FieldInfo], origin) -> dict[str, FieldInfo]:
    """Names read as a set: when later fields of one name took their section's word, the first
    takes its own too (average_rate -> complaints_average_rate beside compliance_average_rate);
    the start of a range whose end is `period_end` is `period_start`."""
    renames = {}
    for name, (base, slug) in origin.items():
        if name == base and any(o[0] == base and other != name for other, o in origin.items()):
            renames[name] = f"{slug}_{base}"
        elif f"{name}_end" in fields:
            renames[name] = f"{name}_start"
    renames = {old: new for old, new in renames.items() if new not in fields and keyword.iskeyword(new) is False}
    if len(set(renames.values())) < len(renames):
        return fields
    for block in blocks:
        for hole in block.wording.holes:
            hole.name = renames.get(hole.name, hole.name)
    tidy = {}
    for name, info in fields.items():
        info.name = renames.get(name, name)
        tidy[info.name] = info
    return tidy


def _slug(section: str) -> str:
    return next((w for w in re.findall(r"[a-z]+", section.lower()) if len(w) > 3), "section")


def _plural(text: str, holes: list[Hole], start: int, end: int) -> str:
    """The text between two offsets with each agreeing noun in its plural, for naming."""
    parts, position = [], start
    for hole in holes:
        if hole.kind == ValueKind.AGREEMENT and start <= hole.start < end:
            parts += [text[position:hole.start], hole.forms[1]]
            position = hole.end
    return "".join(parts) + text[position:end]


def _unique(base: str, hole: Hole, section: str, fields: dict[str, FieldInfo]) -> str:
    if keyword.iskeyword(base) or base in RESERVED:
        base = f"{base}_value"  # a check could not name it
    for name in (base, f"{_slug(section)}_{base}", *(f"{base}_{n}" for n in range(2, 1000))):
        known = fields.get(name)
        if known is None or (known.kind == hole.kind and _same_values(known.values, hole.values)):
            return name
    raise AssertionError("a thousand fields of one name")


def _quoted_again(hole: Hole, fields: dict[str, FieldInfo]) -> str | None:
    """The field whose value this hole quotes again in (nearly) every letter ("Dear Ms Elliott"
    after "Ms Elliott, Chief Executive"): one placeholder for one value, so that a letter
    quoting it two ways is a field-conflict, not a check between two names. Figures are left
    apart: two counts can agree in every letter of a batch by chance (all complaints upheld)."""
    if hole.kind in NUMERIC or len(set(hole.values.values())) < 3:
        return None
    return next((name for name, known in fields.items()
                 if known.kind == hole.kind and len(known.values) >= 0.9 * len(hole.values)
                 and _same_values(known.values, hole.values)), None)


def _same_values(a: dict[int, str], b: dict[int, str]) -> bool:
    both = a.keys() & b.keys()
    return bool(both) and sum(1 for i in both if a[i] == b[i]) >= 0.95 * len(both)


def _key_and_overview(fields: dict[str, FieldInfo], used: int) -> tuple[str | None, list[str]]:
    """Proposed key: a name-like field, read in most letters and different in each (a line of
    an address block is read here only in the letters that print the block in lines)."""
    candidates = [f for f in fields.values() if f.kind in (ValueKind.TEXT, ValueKind.PERSON)
                  and len(f.values) > 0.5 * used and len(set(f.values.values())) == len(f.values)
                  and all(v[:1].isupper() for v in f.values.values())]
    candidates.sort(key=lambda f: f.kind == ValueKind.PERSON)  # an organisation before a person; stable otherwise
    key = candidates[0].name if candidates else None
    people = [n for n, f in fields.items() if f.kind == ValueKind.PERSON and n != key][:1]
    figures = [n for n, f in fields.items() if f.kind in NUMERIC][:4]
    return key, ([key] if key else []) + people + figures


def _count_version(inference: Inference, findings) -> bool:
    """Count the letter for the version `check` reads it as following (form-version); whether
    it mixes versions (mixed-versions)."""
    named = next((f.evidence.get("version") for f in findings if f.rule == "form-version"), None)
    mixed = next((f for f in findings if f.rule == "mixed-versions"), None)
    for version in inference.form_versions:
        if version.name == named:
            version.read += 1
            version.mixed += mixed is not None
            if mixed is not None:
                version.crossing.update(set(other["text"] for other in mixed.evidence["others"]))
    return mixed is not None


def passing_with(inferences: list[Inference], settings: Settings | None = None) -> int:
    """The letters of these inferences that `check`, given all their templates (each letter
    matched with the one it fits best), finds without a departure from the form."""
    from .render import render

    with tempfile.TemporaryDirectory(prefix="letter-audit-infer-") as folder:
        drafts = []
        for number, inference in enumerate(inferences):
            drafts.append(Path(folder) / f"draft-{number}.md")
            drafts[-1].write_text(render(inference, checks=False), encoding="utf-8")
        given = settings or Settings()
        run = Settings(template_paths=drafts, select=set(DEVIATIONS), max_bytes=given.max_bytes,
                       max_memory=given.max_memory, timeout=given.timeout)
        return sum(1 for letter in audit_batch([p for i in inferences for p in i.paths], run)
                   if letter.template is not None and not any(f.rule in DEVIATIONS for f in letter.findings))


def verify_batch(inference: Inference, on_letter: Callable[[], None] | None = None,
                 settings: Settings | None = None) -> Verification:
    """Audit every letter with the template (without its checks), and count each relation on all."""
    from .render import render  # the template text is needed only here and by the caller

    result = Verification()
    kinds = {n: f.kind for n, f in inference.fields.items()}
    keys = Counter()
    key_field = inference.key_field
    for relation in inference.relations:
        relation.applies, relation.breakers = 0, []
    for version in inference.form_versions:
        version.read = version.mixed = 0
        version.crossing.clear()
    with tempfile.TemporaryDirectory(prefix="letter-audit-infer-") as folder:
        draft = Path(folder) / "draft.md"
        draft.write_text(render(inference, checks=False), encoding="utf-8")
        given = settings or Settings()
        counted = set(DEVIATIONS) | (VERSION_RULES if inference.form_versions else set())
        settings = Settings(template_paths=[draft], select=counted,  # only the rules counted here
                            max_bytes=given.max_bytes, max_memory=given.max_memory, timeout=given.timeout)
        _ = settings.templates  # a draft the engine refuses is a bug here: say so, do not audit
        for letter in audit_batch(inference.paths, settings):
            result.letters += 1
            if on_letter:
                on_letter()
            if letter.template is None:
                result.unrecognised.append(letter.path)
                continue
            if _count_version(inference, letter.findings) or any(f.rule in DEVIATIONS for f in letter.findings):
                result.deviating.append(letter.path)
            else:
                result.matching += 1
            values = {n: from_result(kinds[n], letter.fields.get(n)) for n in kinds}
            for relation in inference.relations:
                relation.observe(letter.path, values, inference.year)
            if key_field and letter.fields.get(key_field) is not None:
                keys[letter.fields[key_field]] += 1
    result.duplicate_keys = sum(1 for count in keys.values() if count > 1)
    inference.relations = [r for r in inference.relations if r.kept]
    return result


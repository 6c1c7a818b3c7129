"""The compiled template: paragraphs as literal parts and placeholders with one anchored regex
each, sections, typed fields, checks and the rules a template declares. What every stage
reads of a template; built by the parser (parse.py), or here when alignment joins two
paragraphs a letter ran together (merge_paragraphs).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from ..expr import Evaluator
from ..types import PLAIN_NUMBER_BASES

MAX_FIELD_CHARS = 300  # the most text one placeholder can stand for
MAX_LINES_CHARS = 200_000  # the most text a lines placeholder ({{name...}}) takes from one paragraph


class TemplateError(ValueError):
    """A template file that cannot be used. `problems` holds one `FILE:LINE: problem` line each;
    str() is all of them, one a line."""

    def __init__(self, message: str, problems: Iterable[str] = ()):
        self.problems = tuple(problems) or (message,)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Slot:
    """One placeholder in a paragraph; `group` is its regex group name."""

    group: str
    field: str | None  # None for a singular/plural alternative and for accepted variants
    type: str
    forms: tuple[str, str] | None = None  # (singular, plural)
    number_group: str | None = None  # the numeric slot an alternative agrees with
    base: str = "text"
    choices: tuple[str, ...] | None = None  # the accepted variants of a phrase ({{one of: A | B}})
    lines: bool = False  # takes the rest of the paragraph and the paragraphs after it ({{name...}})
    versions: tuple[tuple[str, ...], ...] = ()  # per choice, the versions of the form using it ({{by version: ...}})

    @property
    def label(self) -> str:
        """How the template shows the slot: ⟨field⟩, singular/plural, or the first variant."""
        if self.choices is not None:
            return self.choices[0]
        return f"⟨{self.field}⟩" if self.field else "/".join(self.forms)

    @property
    def describe(self) -> str:
        """The slot in words, for a reviewer (HTML titles)."""
        if self.field:
            return self.field
        if self.choices is not None:
            return "one of the accepted variants: " + " | ".join(f"“{c}”" for c in self.choices)
        return f"{self.forms[0]} or {self.forms[1]}, agreeing with the number"


Part = str | Slot  # literal text, or a placeholder


@dataclass(frozen=True)
class TemplateParagraph:
    index: int
    section: str
    text: str  # as written in the template (placeholders as {{…}}); plain boilerplate unescaped
    skeleton: str  # placeholders shown as ⟨field⟩ (and singular/plural), for diffs and fuzzy matching
    heading: bool = False
    free: bool = False  # a place where any text is tolerated
    regex: re.Pattern | None = None  # None when the paragraph is plain boilerplate
    slots: tuple[Slot, ...] = ()
    parts: tuple[Part, ...] = ()  # literal text and slots, in order
    line: int = 0  # line of the template file where the paragraph starts
    bounds: tuple[str, str, int] = ("", "", 0)  # text a match starts and ends with; its longest length
    optional: bool = False  # a paragraph a letter may leave out ({optional} at its end)
    withheld: re.Pattern | None = None  # the regex again, punctuation beside a slot optional (redactions)
    markers: tuple[str, ...] = ()  # redaction markers: text that stands for a withheld value
    versions: tuple[str, ...] = ()  # the versions of the form having it ({versions: ...}); () for all of them
    version_required: bool = False  # of its versions, a letter must have it (optional, for the other versions)

    def matches(self, text: str) -> re.Match | bool | None:
        if self.regex is None:
            return text == self.text
        # cheap tests first: the regex sees only text of a length it can match, so its work
        # per paragraph is bounded whatever the letter holds
        prefix, suffix, longest = self.bounds
        if len(text) > longest or not text.startswith(prefix) or not text.endswith(suffix):
            return None
        found = self.regex.fullmatch(text)
        if found is None and self.withheld is not None and any(m in text for m in self.markers):
            found = self.withheld.fullmatch(text)  # a comma beside a redaction is no edit of the form
        return found

    @property
    def lines_slot(self) -> Slot | None:
        """The placeholder that takes the paragraphs after this one too ({{name...}}), if any."""
        return self.slots[-1] if self.slots and self.slots[-1].lines else None

    @property
    def literal_text(self) -> str:
        """The boilerplate words alone, placeholders left out."""
        return "".join(p for p in self.parts if isinstance(p, str)) if self.parts else self.text


@dataclass(frozen=True)
class Section:
    title: str
    required: bool
    paragraphs: tuple[int, ...]
    line: int = 0


@dataclass(frozen=True)
class Version:
    """A version of the form, as the header declares it (versions = [...])."""

    name: str
    description: str = ""
    line: int = 0


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    conflict: str | None  # rule raised when the field is quoted twice with different values
    peer: bool = False  # a figure that similar letters must quote alike (inconsistent-value)
    base: str = "text"
    line: int = 0
    lines: bool = False  # a list, one value a line ({{name...}}): the paragraphs after its label too


class MessagePart(StrEnum):
    """What a piece of a check's message is."""

    TEXT = "text"  # words as written
    FIELD = "field"  # a field's value as the letter wrote it: {name}
    VALUE = "value"  # an expression's value, computed: {=expression}
    AGREE = "agree"  # (singular, plural), agreeing with the number shown before it: {singular|plural}


@dataclass(frozen=True)
class Check:
    rule: str
    source: str
    evaluate: Evaluator
    names: frozenset[str]
    message: tuple[tuple[MessagePart, object], ...]  # (TEXT, str) | (FIELD, name) | (VALUE, evaluator) | (AGREE, forms)
    named: tuple[str, ...]  # the names the message shows, then those of the expression
    line: int = 0
    message_source: str = ""


@dataclass(frozen=True)
class DeclaredRule:
    """A rule a template declares ([rules.ID]) for its checks and field conflicts."""

    id: str
    severity: str
    summary: str
    explanation: str = ""
    hint: str = ""
    template: str = ""
    line: int = 0


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    path: Path
    year: int | None
    paragraphs: tuple[TemplateParagraph, ...]
    sections: dict[str, Section]
    fields: dict[str, FieldSpec]
    types: dict[str, str]  # type name -> regex
    checks: tuple[Check, ...]
    vocabulary: frozenset[str]
    literal_index: dict[str, int]  # boilerplate text -> paragraph index, for exact matching
    key_field: str | None = None  # the field naming whom a letter is for (batch rules, --data)
    overview_fields: tuple[str, ...] = ()  # fields a batch overview shows for each letter
    key_match: str = "exact"  # how --data rows are matched to letters by key: exact or fuzzy
    rules: dict[str, DeclaredRule] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)  # type name -> base type
    warnings: tuple[str, ...] = ()  # FILE:LINE: notes that do not stop the run
    withheld: tuple[str, ...] = ()  # redaction markers: text standing for a withheld value
    date_order: str = "dmy"  # how a numeric date 02/08/2022 is read: day first, or month first
    versions: tuple[Version, ...] = ()  # the versions of the form, told apart by marked paragraphs and wordings
    source: str = field(default="", repr=False, compare=False)  # the text it was compiled from

    def __reduce__(self):
        """A template travels to a worker process as its source, compiled again there (its
        checks are closures, which do not pickle; parse_template's cache makes it once per process)."""
        from .parse import parse_template

        return parse_template, (self.source, self.path)

    @property
    def constants(self) -> dict[str, object]:
        """Names a check may use besides the fields."""
        return {"year": self.year}

    def compiled_type(self, name: str) -> re.Pattern:
        """The compiled pattern of a type (cached: compiled once per process)."""
        return _compiled(self.types[name])

    def section_of_field(self, name: str) -> str | None:
        """The section of the first paragraph holding the field's placeholder."""
        for paragraph in self.paragraphs:
            if any(slot.field == name for slot in paragraph.slots):
                return paragraph.section
        return None

    def summary(self) -> str:
        placed = sum(1 for p in self.paragraphs if not p.free)
        return (f"{len(self.sections)} sections, {placed} paragraphs, {len(self.fields)} fields, "
                f"{len(self.checks)} checks" + (f", {len(self.versions)} versions" if self.versions else ""))


def by_boilerplate(texts: list[str], templates: list[Template]) -> list[tuple[int, Template]]:
    """(paragraphs of the letter that are a template's boilerplate word for word, template),
    most first (of equals, in the run's order)."""
    return sorted(((sum(1 for text in texts if text in t.literal_index), t) for t in templates),
                  key=lambda pair: pair[0], reverse=True)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def assemble(index: int, section: str, text: str, heading: bool, parts: list[Part],
             types: dict[str, str], line: int = 0, markers: tuple[str, ...] = ()) -> TemplateParagraph | str:
    """A paragraph from its parts: group names numbered, one anchored regex compiled (and, when
    the template names redaction markers, a second one that lets punctuation beside a
    placeholder go). Returns the reason as a string when the regex does not compile."""
    if not any(isinstance(p, Slot) for p in parts):
        literal = "".join(parts)
        return TemplateParagraph(index, section, literal, literal, heading, parts=(literal,) if literal else (), line=line)
    numbered: list[Part] = []
    last_number = None
    for part in parts:
        if isinstance(part, str):
            numbered.append(part)
            continue
        group = f"g{sum(isinstance(p, Slot) for p in numbered)}"
        if part.choices is not None:
            slot = Slot(group, None, "variant", choices=part.choices, versions=part.versions)
        elif part.field is None:
            slot = Slot(group, None, "agreement", part.forms, last_number)
        else:
            slot = Slot(group, part.field, part.type, None, None, part.base, lines=part.lines)
            if part.base in PLAIN_NUMBER_BASES:
                last_number = group
        numbered.append(slot)
    try:
        regex = re.compile(_pattern(numbered, types, markers, False))
        withheld = re.compile(_pattern(numbered, types, markers, True)) if markers else None
    except re.error as exc:
        return f"the paragraph {quote(text[:40])} does not compile to a pattern: {exc}"
    slots = tuple(p for p in numbered if isinstance(p, Slot))
    skeleton = "".join(p if isinstance(p, str) else p.label for p in numbered)
    literal = "".join(p for p in numbered if isinstance(p, str))
    prefix = re.match(r"\S*", numbered[0]).group(0) if isinstance(numbered[0], str) else ""
    suffix = re.search(r"\S*$", numbered[-1]).group(0) if isinstance(numbered[-1], str) else ""
    if markers:  # punctuation beside a redaction may differ
        prefix, suffix = prefix.rstrip(_PUNCTUATION), suffix.lstrip(_PUNCTUATION)
    longest = 2 * len(literal) + sum(MAX_FIELD_CHARS if s.choices is None else 2 * max(map(len, s.choices))
                                     for s in slots)
    if slots[-1].lines:
        longest = MAX_LINES_CHARS
    return TemplateParagraph(index, section, text, skeleton, heading, False, regex, slots, tuple(numbered), line,
                             (prefix, suffix, longest), withheld=withheld, markers=markers)


_PUNCTUATION = ".,;:()[]'\""


def _pattern(parts: list[Part], types: dict[str, str], markers: tuple[str, ...], loose: bool) -> str:
    """The regex of a paragraph. A slot also takes a redaction marker; `loose`: punctuation
    touching a slot is optional and may stand beside a marker."""
    marker = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    pattern = []
    for k, part in enumerate(parts):
        if isinstance(part, str):
            before = k > 0 and isinstance(parts[k - 1], Slot)
            after = k + 1 < len(parts) and isinstance(parts[k + 1], Slot)
            if part.isspace() and before and after:  # values side by side may also be set apart by commas
                pattern.append(r",?\s+")
                continue
            literal = _literal_pattern(part, loose and before, loose and after)
            if after and parts[k + 1].lines and literal.endswith(r":\s+"):
                literal = literal[:-3] + r"?\s+"  # the colon ending a list's label may be left out
            if before and parts[k - 1].choices is not None and "" in parts[k - 1].choices \
                    and literal.startswith(r"\s+"):
                literal = r"\s*" + literal[3:]  # a variant left out leaves one space, not two
            if k + 2 == len(parts) and isinstance(parts[k + 1], Slot) and parts[k + 1].choices is not None \
                    and "" in parts[k + 1].choices and literal.endswith(r"\s+"):
                literal = literal[:-3] + r"\s*"  # the paragraph's last words, left out: no space after
            pattern.append(literal)
        elif part.choices is not None:
            options = sorted(set(part.choices), key=len, reverse=True)
            pattern.append(f"(?P<{part.group}>" + "|".join(_literal_pattern(c) for c in options) + ")")
        elif part.field is None:
            options = "|".join(re.escape(f) for f in sorted(set(part.forms), key=len, reverse=True))
            pattern.append(f"(?P<{part.group}>{options})")
        elif part.lines:
            pattern.append(f"(?P<{part.group}>.*)")
        else:
            value = types[part.type]
            if marker:
                value = f"{value}|[(\\[]*(?:{marker})[^\\w\\s]*" if loose else f"{value}|(?:{marker})"
            pattern.append(f"(?P<{part.group}>{value})")
    return "".join(pattern)


def merge_paragraphs(template: Template, first: TemplateParagraph, second: TemplateParagraph) -> TemplateParagraph:
    """Two template paragraphs as one, for a letter that ran them together."""
    parts = [*(first.parts or (first.text,)), " ", *(second.parts or (second.text,))]
    merged = assemble(first.index, first.section, f"{first.text} {second.text}", False, parts,
                      template.types, first.line, template.withheld)
    if isinstance(merged, str):  # cannot happen for paragraphs that compiled alone
        raise TemplateError(merged)
    versions = first.versions or second.versions  # what a letter running them together carries
    if versions and (not first.versions or not second.versions or first.versions == second.versions):
        merged = replace(merged, versions=versions, version_required=first.version_required or second.version_required)
    return merged


def _literal_pattern(literal: str, loose_start: bool = False, loose_end: bool = False) -> str:
    """Escape boilerplate, tolerating any run of whitespace where the template has a space;
    punctuation at a loose end (it touches a redacted value) may be left out."""
    def escaped(text: str) -> str:
        return "".join(r"\s+" if part.isspace() else re.escape(part) for part in re.split(r"(\s+)", text) if part)

    head = tail = ""
    if loose_start:
        core = literal.lstrip(_PUNCTUATION)
        if core != literal:
            head = f"(?:{re.escape(literal[:len(literal) - len(core)])})?"
            literal = core
    if loose_end:
        body = literal.rstrip()
        core = body.rstrip(_PUNCTUATION)
        if core != body:
            tail = f"(?:{re.escape(body[len(core):])})?" + (r"\s*" if literal[len(body):] else "")
            literal = core
    return head + escaped(literal) + tail


def quote(text: str) -> str:
    return f"“{text}”"

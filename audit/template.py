"""Canonical letter templates: a TOML header and a Markdown-like body, compiled to regexes.

Body syntax (see README "Template format"):
  blank-line separated paragraphs     boilerplate, matched after normalisation
  # Heading  /  # Heading {optional}  a paragraph that starts a (required or optional) section
  {{field}} or {{field:type}}         a placeholder, extracted as a typed field
  {{singular|plural}}                 a noun that must agree with the number before it
  <!-- free: description -->          any paragraphs may stand here (image descriptions, ...)
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .expr import Evaluator, ExpressionError, compile_expression

BUILTIN_TYPES = {
    "int": r"\d{1,3}(?:,\d{3}){1,5}|\d{1,15}",  # bounded: a longer run of digits is no count
    "percent": r"\d{1,3}(?:\.\d{1,6})?\s?%",
    "date": r"\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August"
            r"|September|October|November|December)\s+\d{4}",
    "text": r".+?",
}
NUMERIC_TYPES = {"int", "percent"}
MAX_FIELD_CHARS = 300  # the most text one placeholder can stand for
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_HEADING = re.compile(r"#{1,6}\s+(.*?)\s*(\{optional\})?$")
_FREE = re.compile(r"<!--\s*free:\s*(.*?)\s*-->$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_MESSAGE_PART = re.compile(r"\{(=?)([^{}]+)\}")
_NAME = re.compile(r"[A-Za-z_]\w*")


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Slot:
    """One placeholder in a paragraph; `group` is its regex group name."""

    group: str
    field: str | None  # None for a singular/plural alternative
    type: str
    forms: tuple[str, str] | None = None  # (singular, plural)
    number_group: str | None = None  # the numeric slot an alternative agrees with


@dataclass(frozen=True)
class TemplateParagraph:
    index: int
    section: str
    text: str  # as written in the template, with {{placeholders}}
    skeleton: str  # placeholders shown as ⟨field⟩, for diffs and fuzzy matching
    heading: bool = False
    free: bool = False  # a place where any text is tolerated
    regex: re.Pattern | None = None  # None when the paragraph is plain boilerplate
    slots: tuple[Slot, ...] = ()
    bounds: tuple[str, str, int] = ("", "", 0)  # text a match starts and ends with; its longest length

    def matches(self, text: str) -> re.Match | bool | None:
        if self.regex is None:
            return text == self.text
        # cheap tests first: the regex sees only text of a length it can match, so its work
        # per paragraph is bounded whatever the letter holds
        prefix, suffix, longest = self.bounds
        if len(text) > longest or not text.startswith(prefix) or not text.endswith(suffix):
            return None
        return self.regex.fullmatch(text)


@dataclass(frozen=True)
class Section:
    title: str
    required: bool
    paragraphs: tuple[int, ...]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    conflict: str | None  # rule raised when the field is quoted twice with different values
    peer: bool = False  # a figure that letters to like authorities must quote alike (inconsistent-average)


@dataclass(frozen=True)
class Check:
    rule: str
    source: str
    evaluate: Evaluator
    names: frozenset[str]
    message: tuple[tuple[str, object], ...]  # ("text", str) | ("field", name) | ("value", evaluator)
    named: tuple[str, ...]  # the names the message shows, then those of the expression



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

    @property
    def constants(self) -> dict[str, object]:
        """Names a check may use besides the fields."""
        return {"year": self.year}

    def section_of_field(self, name: str) -> str | None:
        """The section of the first paragraph holding the field's placeholder."""
        for paragraph in self.paragraphs:
            if any(slot.field == name for slot in paragraph.slots):
                return paragraph.section
        return None


def default_template_dir() -> Path:
    """Templates ship inside the installed package; in a source checkout they sit in templates/."""
    packaged = Path(__file__).parent / "letter_templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def load_templates(paths: list[Path] | None = None) -> list[Template]:
    if not paths:
        paths = sorted(default_template_dir().glob("*.md"))
    files = [p for path in paths for p in (sorted(path.glob("*.md")) if path.is_dir() else [path])]
    if not files:
        raise TemplateError("no template files found")
    return [load_template(path.resolve()) for path in files]


@lru_cache(maxsize=None)
def load_template(path: Path) -> Template:
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read template ({exc})") from None
    try:
        return parse_template(source, path)
    except TemplateError as exc:
        raise TemplateError(f"{path}: {exc}") from None


def parse_template(source: str, path: Path = Path("<template>")) -> Template:
    header, body = _split_front_matter(source)
    try:
        meta = tomllib.loads(header)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"header is not valid TOML: {exc}") from None
    types = dict(BUILTIN_TYPES)
    types.update({name: str(pattern) for name, pattern in meta.get("types", {}).items()})
    fields = {
        name: FieldSpec(name, spec.get("type", "text"), spec.get("conflict"), spec.get("peer", False))
        for name, spec in meta.get("fields", {}).items()
    }
    for spec in fields.values():
        if spec.type not in types:
            raise TemplateError(f"field {spec.name!r} has unknown type {spec.type!r}")
        if not isinstance(spec.peer, bool):
            raise TemplateError(f"field {spec.name!r}: peer must be true or false")

    paragraphs: list[TemplateParagraph] = []
    sections: dict[str, list] = {}
    section = meta.get("first_section", "Letter head")
    sections[section] = [True, []]
    for block in re.split(r"\n\s*\n", _COMMENT.sub(_keep_free_markers, body)):
        text = " ".join(block.split())
        if not text:
            continue
        heading, free = _HEADING.fullmatch(text), _FREE.fullmatch(text)
        if heading:
            text, section = heading.group(1), heading.group(1)
            sections[section] = [not heading.group(2), []]
        index = len(paragraphs)
        if free:
            para = TemplateParagraph(index, section, free.group(1), f"⟨{free.group(1)}⟩", free=True)
        else:
            para = _compile_paragraph(index, section, text, bool(heading), types, fields)
        paragraphs.append(para)
        sections[section][1].append(index)
    if not paragraphs:
        raise TemplateError("the template has no paragraphs")

    checks = tuple(_compile_check(raw) for raw in meta.get("checks", []))
    key_field = meta.get("key_field")
    if key_field is not None and key_field not in fields:
        raise TemplateError(f"key_field {key_field!r} is not a field of the template")
    vocabulary = frozenset(
        word.lower() for p in paragraphs if not p.free for word in _WORDS.findall(_PLACEHOLDER.sub(" ", p.text))
    )
    literal_index: dict[str, int] = {}
    for p in paragraphs:
        if p.regex is None and not p.free:
            literal_index.setdefault(p.text, p.index)
    overview_fields = tuple(str(name) for name in meta.get("overview_fields", list(fields)[:4]))
    for name in overview_fields:
        if name not in fields:
            raise TemplateError(f"overview_fields names {name!r}, which is not a field of the template")
    return Template(
        name=str(meta.get("name", path.stem)),
        title=str(meta.get("title", meta.get("name", path.stem))),
        path=path,
        year=meta.get("year"),
        paragraphs=tuple(paragraphs),
        sections={title: Section(title, req, tuple(idx)) for title, (req, idx) in sections.items()},
        fields=fields,
        types=types,
        checks=checks,
        vocabulary=vocabulary,
        literal_index=literal_index,
        key_field=key_field,
        overview_fields=overview_fields,
    )


def _split_front_matter(source: str) -> tuple[str, str]:
    source = source.lstrip("\ufeff")
    if not source.startswith("+++"):
        return "", source
    end = source.find("\n+++", 3)
    if end < 0:
        raise TemplateError("the TOML header opened with +++ is never closed")
    return source[3:end], source[end + 4:]


def _keep_free_markers(match: re.Match) -> str:
    return match.group(0) if _FREE.fullmatch(" ".join(match.group(0).split())) else ""


def _compile_paragraph(index, section, text, heading, types, fields) -> TemplateParagraph:
    pattern, skeleton, slots = [], [], []
    last_number: str | None = None
    position = 0
    for number, match in enumerate(_PLACEHOLDER.finditer(text)):
        literal = text[position:match.start()]
        pattern.append(_literal_pattern(literal))
        skeleton.append(literal)
        position = match.end()
        group, inner = f"g{number}", match.group(1)
        if "|" in inner:
            singular, _, plural = (part.strip() for part in inner.partition("|"))
            if last_number is None:
                raise TemplateError(f"{{{{{inner}}}}} has no number placeholder before it")
            slots.append(Slot(group, None, "agreement", (singular, plural), last_number))
            options = "|".join(re.escape(f) for f in sorted({singular, plural}, key=len, reverse=True))
            pattern.append(f"(?P<{group}>{options})")
            skeleton.append(f"{singular}/{plural}")
            continue
        name, _, kind = (part.strip() for part in inner.partition(":"))
        spec = fields.get(name)
        kind = kind or (spec.type if spec else "text")
        if spec is None:
            fields[name] = FieldSpec(name, kind, None)
        elif spec.type != kind:
            raise TemplateError(f"{{{{{inner}}}}} contradicts the header, where {name} is {spec.type}")
        if kind not in types:
            raise TemplateError(f"{{{{{inner}}}}} has unknown type {kind!r}")
        slots.append(Slot(group, name, kind))
        if kind in NUMERIC_TYPES:
            last_number = group
        pattern.append(f"(?P<{group}>{types[kind]})")
        skeleton.append(f"⟨{name}⟩")
    if not slots:
        return TemplateParagraph(index, section, text, text, heading=heading)
    pattern.append(_literal_pattern(text[position:]))
    skeleton.append(text[position:])
    try:
        regex = re.compile("".join(pattern))
    except re.error as exc:
        raise TemplateError(f"paragraph {text[:40]!r} does not compile: {exc}") from None
    literal = _PLACEHOLDER.sub("", text)
    prefix = re.match(r"\S*", text[:text.find("{{")]).group(0)
    suffix = re.search(r"\S*$", text[position:]).group(0)
    bounds = (prefix, suffix, 2 * len(literal) + MAX_FIELD_CHARS * len(slots))
    return TemplateParagraph(index, section, text, "".join(skeleton), heading, False, regex, tuple(slots), bounds)


def _literal_pattern(literal: str) -> str:
    """Escape boilerplate, tolerating any run of whitespace where the template has a space."""
    return "".join(r"\s+" if part.isspace() else re.escape(part) for part in re.split(r"(\s+)", literal) if part)


def _compile_check(raw: dict) -> Check:
    try:
        evaluate, names = compile_expression(str(raw["expr"]))
        rule = str(raw["rule"])
    except KeyError as exc:
        raise TemplateError(f"a [[checks]] entry lacks {exc.args[0]!r}") from None
    except ExpressionError as exc:
        raise TemplateError(str(exc)) from None
    message = str(raw.get("message", f"{raw['expr']} does not hold."))
    parts, position = [], 0
    for found in _MESSAGE_PART.finditer(message):
        parts.append(("text", message[position:found.start()]))
        computed, body = found.groups()
        if computed:
            try:
                parts.append(("value", compile_expression(body)[0]))
            except ExpressionError as exc:
                raise TemplateError(f"message of check {raw['expr']!r}: {exc}") from None
        else:
            parts.append(("field", body.strip()))
        position = found.end()
    parts.append(("text", message[position:]))
    named = [body for computed, body in _MESSAGE_PART.findall(message) if not computed]
    named += _NAME.findall(str(raw["expr"]))
    return Check(rule, str(raw["expr"]), evaluate, names, tuple(parts), tuple(dict.fromkeys(named)))

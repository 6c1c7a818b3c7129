"""The template language parsed: a TOML header and a Markdown-like body (docs/templates.md),
compiled into a Template (model.py). The `{{…}}` syntax is parsed here and nowhere else.
Every problem of a template is collected with the line it is on and reported at once
(TemplateError), before any letter is read.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..expr import ExpressionError, compile_expression
from ..models import SEVERITIES
from ..patterns import pattern_problem
from ..types import BASE_PATTERNS, BASES, PLAIN_NUMBER_BASES, DATE_ORDERS
from .model import (Check, DeclaredRule, FieldSpec, MessagePart, Part, Section, Slot, Template, TemplateError,
                    TemplateParagraph, Version, assemble, quote)

_HEADING = re.compile(r"#{1,6}\s+(.*?)\s*(\{optional\})?$")
_OPTIONAL = "{optional}"
_VARIANTS = re.compile(r"one of\s*:(.*)", re.S)
_BY_VERSION = re.compile(r"by version\s*:(.*)", re.S)
_VERSIONS_MARK = re.compile(r"(?<!\\)\{versions:([^{}]*)\}$")  # a paragraph's versions, at its end
_STRAY_VERSIONS_MARK = re.compile(r"(?<!\{)\{\s*versions?\s*:[^{}]*\}$")  # after the mark: another, or `{version:`
_VERSION_NAME = re.compile(r"[\w.-]+")
_FREE = re.compile(r"<!--\s*free:\s*(.*?)\s*-->$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_MESSAGE_PART = re.compile(r"\{(=?)([^{}]+)\}")
_NAME = re.compile(r"[A-Za-z_]\w*")
_RULE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


@lru_cache(maxsize=64)  # by content (and name): a run, or a test, loading the same file again compiles it once
def parse_template(source: str, path: Path = Path("<template>")) -> Template:
    """The compiled template, or TemplateError listing every problem as FILE:LINE: problem."""
    return _Parser(source, path).parse()


class _Parser:
    def __init__(self, source: str, path: Path):
        self.path = path
        self.source = source.lstrip("\ufeff")
        self.problems: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []
        self.header_lines: list[str] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    # -- header -----------------------------------------------------------------------------

    def parse(self) -> Template:
        header, body, body_line = self._split()
        meta = self._toml(header)
        if meta is None:
            self._raise()
        self.header_lines = header.split("\n")
        if "name" not in meta and header:
            self.problem(1, "the header has no `name` (the id shown in reports)")
        elif "name" in meta and (not isinstance(meta["name"], str) or not meta["name"].strip()):
            self.problem(self._line(r"name\s*="), f"`name` must be a non-empty string, not {meta['name']!r}")
        types, bases = self._types(meta.get("types", {}))
        fields = self._fields(meta.get("fields", {}), types, bases)
        rules = self._rules(meta.get("rules", {}), str(meta.get("name", self.path.stem)))
        markers = self._markers(meta)
        date_order = meta.get("date_order", "dmy")
        if date_order not in DATE_ORDERS:
            self.problem(self._line(r"date_order\s*="), f"date_order must be \"dmy\" (31/12/2024) or \"mdy\" "
                                                        f"(12/31/2024), not {date_order!r}")
            date_order = "dmy"
        self.versions = self._versions(meta)
        paragraphs, sections = self._body(body, body_line, types, bases, fields, meta, markers)
        self._versions_told_apart(paragraphs)
        placed = {slot.field for p in paragraphs for slot in p.slots if slot.field}
        for spec in fields.values():
            if spec.name not in placed:
                self.warnings.append((spec.line, f"warning: the field {spec.name!r} is declared but no "
                                                 "placeholder uses it"))
        year = meta.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            self.problem(self._line(r"year\s*="), f"`year` must be a whole number, not {year!r}")
            year = None
        names = {name: spec.base for name, spec in fields.items()}
        if year is not None:
            names.setdefault("year", "int")
        checks = self._checks(meta.get("checks", []), names, rules)
        self._conflict_rules(fields, rules)
        key_field, key_match = self._key(meta, fields)
        overview_fields = meta.get("overview_fields", list(fields)[:4])
        if not isinstance(overview_fields, list):
            self.problem(self._line(r"overview_fields\s*="), "overview_fields must be a list of field names")
            overview_fields = []
        overview_fields = tuple(str(name) for name in overview_fields)
        for key in ("name", "title"):
            if key in meta and not isinstance(meta[key], str):
                self.problem(self._line(rf"{key}\s*="), f"`{key}` must be text in quotes, not {meta[key]!r}")
        for name in overview_fields:
            if name not in fields:
                self.problem(self._line(r"overview_fields\s*="),
                             f"overview_fields names {name!r}, which is not a field of the template{_near(name, fields)}")
        self._raise()
        vocabulary = frozenset(word.lower() for p in paragraphs if not p.free for word in _WORDS.findall(p.literal_text))
        literal_index: dict[str, int] = {}
        for p in paragraphs:
            if p.regex is None and not p.free:
                literal_index.setdefault(p.text, p.index)
        name = str(meta.get("name", self.path.stem))
        return Template(
            source=self.source,
            name=name,
            title=str(meta.get("title", name)),
            path=self.path,
            year=year,
            paragraphs=tuple(paragraphs),
            sections=sections,
            fields=fields,
            types=types,
            checks=checks,
            vocabulary=vocabulary,
            literal_index=literal_index,
            key_field=key_field,
            overview_fields=overview_fields,
            key_match=key_match,
            rules=rules,
            bases=bases,
            withheld=markers,
            date_order=date_order,
            versions=self.versions,
            warnings=tuple(f"{self.path}:{line}: {message}" for line, message in self.warnings),
        )

    def _raise(self) -> None:
        if self.problems:
            lines = [f"{self.path}:{line}: {message}" for line, message in sorted(self.problems, key=lambda p: p[0])]
            raise TemplateError(lines[0], lines)

    def _split(self) -> tuple[str, str, int]:
        """(header, body, line of the file where the body starts)."""
        if not self.source.startswith("+++"):
            self.problem(1, "no TOML header: a template starts with a line `+++`, its header, and another `+++`")
            return "", self.source, 1
        end = self.source.find("\n+++", 3)
        if end < 0:
            self.problem(1, "the TOML header opened with +++ is never closed")
            self._raise()
        header = self.source[3:end]
        rest = self.source[end + 4:]
        return header, rest, header.count("\n") + 2

    def _markers(self, meta: dict) -> tuple[str, ...]:
        raw = meta.get("withheld", [])
        if not isinstance(raw, list) or not all(isinstance(m, str) and m.strip() for m in raw):
            self.problem(self._line(r"withheld\s*="), "withheld must be a list of the redaction markers that stand "
                                                       "for withheld values, such as [\"[private]\", \"[REDACTED]\"]")
            return ()
        return tuple(dict.fromkeys(m.strip() for m in raw))

    def _versions(self, meta: dict) -> tuple[Version, ...]:
        """The versions of the form: `versions = ["2021", "2023"]`, or a table of descriptions
        (`versions = { 2021 = "before the redraft", 2023 = "..." }`)."""
        raw = meta.get("versions")
        if raw is None:
            return ()
        line = self._line(r"\[?\s*versions\s*[=\]]")
        if isinstance(raw, list) and all(isinstance(name, str) for name in raw):
            named = [(name, "") for name in raw]
        elif isinstance(raw, dict) and all(isinstance(text, str) for text in raw.values()):
            named = list(raw.items())
        else:
            self.problem(line, "versions must be a list of the names of the form's versions, such as "
                               "[\"2021\", \"2023\"], or a table of their descriptions, such as "
                               "{ 2021 = \"before the redraft\", 2023 = \"after it\" }")
            return ()
        versions, seen = [], set()
        for name, description in named:
            name = name.strip()
            if not _VERSION_NAME.fullmatch(name):
                self.problem(line, f"the version name {name!r} must be letters, digits, '.', '-' or '_' "
                                   "(it is written in the body as {versions: NAME})")
            elif name in seen:
                self.problem(line, f"the version {name!r} is declared twice")
            else:
                seen.add(name)
                versions.append(Version(name, description.strip(), line))
        if len(versions) == 1:
            self.problem(line, f"versions declares one version ({versions[0].name!r}); a form with versions has "
                               "two or more (leave `versions` out for a form of one version)")
        return tuple(versions)

    def _version_names(self, text: str, line: int, where: str) -> tuple[str, ...]:
        """The declared versions a mark names (`2021, 2023`); problems noted."""
        declared = [v.name for v in self.versions]
        if not declared:
            self.problem(line, f"{where} names versions of the form, but the header declares none "
                               "(versions = [\"2021\", \"2023\"])")
            return ()
        names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
        if not names:
            self.problem(line, f"{where} names no version (one of {', '.join(declared)})")
        for name in names:
            if name not in declared:
                self.problem(line, f"{where} names the version {name!r}, which the header does not declare "
                                   f"(versions: {', '.join(declared)}){_near(name, declared)}")
        return tuple(n for n in declared if n in names)

    def _versions_told_apart(self, paragraphs: list[TemplateParagraph]) -> None:
        """Every two versions differ by a marked paragraph or wording, else no letter could be
        told to follow one and not the other."""
        marks = [set(p.versions) for p in paragraphs if p.versions]
        marks += [set(names) for p in paragraphs for slot in p.slots for names in slot.versions]
        names = [v.name for v in self.versions]
        for k, first in enumerate(names):
            for second in names[k + 1:]:
                if not any((first in mark) != (second in mark) for mark in marks):
                    self.problem(self.versions[0].line,
                                 f"the versions {first!r} and {second!r} are not told apart: no paragraph "
                                 f"({{versions: {first}}} at its end) or wording ({{{{by version: ...}}}}) "
                                 "belongs to one of them and not the other")

    def _toml(self, header: str) -> dict | None:
        try:
            return tomllib.loads(header)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"at line (\d+)", str(exc))
            self.problem(int(found.group(1)) if found else 1, f"the header is not valid TOML: {exc}")
            return None
        except RecursionError:  # tomllib reads nested arrays and tables by recursion
            self.problem(_deep_line(header), "the header nests arrays or tables inside each other too deep "
                                             "to be read (a template needs two or three levels)")
            return None

    def _line(self, pattern: str, after: int = 0, default: int | None = None) -> int:
        """The file line of the first header line from `after` (a file line) matching `pattern`."""
        compiled = re.compile(r"\s*" + pattern)
        for number, text in enumerate(self.header_lines, start=1):
            if number >= after and compiled.match(text):
                return number
        return default if default is not None else (after or 1)

    def _table_line(self, table: str, key: str) -> int:
        """The line declaring `key` of a TOML table: `[table.key]`, or `key = ...` below `[table]`."""
        dotted = self._line(rf"\[\s*{re.escape(table)}\s*\.\s*\"?{re.escape(key)}\"?\s*\]", default=0)
        if dotted:
            return dotted
        start = self._line(rf"\[\s*{re.escape(table)}\s*\]", default=1)
        return self._line(rf"\"?{re.escape(key)}\"?\s*=", after=start, default=start)

    def _types(self, raw: Any) -> tuple[dict[str, str], dict[str, str]]:
        types = dict(BASE_PATTERNS)
        bases = {name: name for name in BASES}
        if not isinstance(raw, dict):
            self.problem(self._line(r"\[\s*types"), "[types] must be a table")
            return types, bases
        for name, spec in raw.items():
            line = self._table_line("types", name)
            if name in BASES:
                self.problem(line, f"the type {name!r} is built in and cannot be redefined")
                continue
            if isinstance(spec, str):
                pattern, base = spec, "text"
            elif isinstance(spec, dict):
                base = str(spec.get("base", "text"))
                pattern = spec.get("pattern", BASE_PATTERNS.get(base))
                unknown = set(spec) - {"base", "pattern"}
                if unknown:
                    self.problem(line, f"the type {name!r} has unknown keys: {', '.join(sorted(unknown))} "
                                       "(a type has `pattern` and `base`)")
            else:
                self.problem(line, f"the type {name!r} must be a regular expression or a table with `pattern` and `base`")
                continue
            if base not in BASES:
                self.problem(line, f"the type {name!r} has the base {base!r}, which is not a built-in type "
                                   f"({', '.join(BASES)})")
                continue
            refused = pattern_problem(str(pattern))
            if refused:
                self.problem(line, f"the pattern of the type {name!r} cannot be used: {refused} (pattern: {pattern!r})")
                continue
            if re.compile(str(pattern)).fullmatch(""):
                self.problem(line, f"the pattern of the type {name!r} matches the empty string: a placeholder "
                                   "of this type could stand for nothing")
                continue
            types[name], bases[name] = str(pattern), base
        return types, bases

    def _fields(self, raw: Any, types: dict[str, str], bases: dict[str, str]) -> dict[str, FieldSpec]:
        fields = {}
        if not isinstance(raw, dict):
            self.problem(self._line(r"\[\s*fields"), "[fields] must be a table")
            return fields
        for name, spec in raw.items():
            line = self._table_line("fields", name)
            if isinstance(spec, str):
                spec = {"type": spec}
            if not isinstance(spec, dict):
                self.problem(line, f"the field {name!r} must be a table such as {{ type = \"int\" }}")
                continue
            kind = str(spec.get("type", "text"))
            if kind not in types:
                self.problem(line, f"the field {name!r} has unknown type {kind!r}{_near(kind, types)}")
                continue
            peer = spec.get("peer", False)
            if not isinstance(peer, bool):
                self.problem(line, f"field {name!r}: peer must be true or false")
            conflict = spec.get("conflict")
            lines = spec.get("lines", False)
            if not isinstance(lines, bool):
                self.problem(line, f"field {name!r}: lines must be true or false")
            fields[name] = FieldSpec(name, kind, str(conflict) if conflict else None, peer is True,
                                     bases[kind], line, lines is True)
        return fields

    def _rules(self, raw: Any, template_name: str) -> dict[str, DeclaredRule]:
        from ..rules import builtin_rules  # the catalogue imports this module

        rules = {}
        if not isinstance(raw, dict):
            self.problem(self._line(r"\[\s*rules"), "[rules] must hold one table per rule: [rules.my-rule]")
            return rules
        for rule_id, spec in raw.items():
            line = self._table_line("rules", rule_id)
            if not _RULE_ID.fullmatch(rule_id):
                self.problem(line, f"the rule id {rule_id!r} must be kebab-case (lower-case words joined by -)")
                continue
            if rule_id in builtin_rules():
                self.problem(line, f"the rule {rule_id!r} is built in; declare a rule with another id")
                continue
            if not isinstance(spec, dict):
                self.problem(line, f"the rule {rule_id!r} must be a table with severity and summary")
                continue
            severity = str(spec.get("severity", "error"))
            if severity not in SEVERITIES:
                self.problem(line, f"the rule {rule_id!r} has severity {severity!r}; "
                                   f"choose one of {', '.join(SEVERITIES)}")
            summary = spec.get("summary")
            if not isinstance(summary, str) or not summary.strip():
                self.problem(line, f"the rule {rule_id!r} needs a `summary`: one sentence saying what it finds")
                continue
            unknown = set(spec) - {"severity", "summary", "explanation", "hint"}
            if unknown:
                self.problem(line, f"the rule {rule_id!r} has unknown keys: {', '.join(sorted(unknown))}")
            rules[rule_id] = DeclaredRule(rule_id, severity, summary.strip(), str(spec.get("explanation", "")).strip(),
                                          str(spec.get("hint", "")).strip(), template_name, line)
        return rules

    def _rule_known(self, rule: str, rules: dict[str, DeclaredRule]) -> bool:
        from ..rules import builtin_rules

        return rule in rules or rule in builtin_rules()

    def _checks(self, raw: Any, names: dict[str, str], rules: dict[str, DeclaredRule]) -> tuple[Check, ...]:
        if not isinstance(raw, list):
            self.problem(self._line(r"\[+\s*checks"), "checks must be written as [[checks]] tables")
            return ()
        starts = [n for n, text in enumerate(self.header_lines, start=1) if re.match(r"\s*\[\[\s*checks\s*\]\]", text)]
        checks = []
        for number, spec in enumerate(raw):
            start = starts[number] if number < len(starts) else 1
            check = self._check(spec, start, names, rules)
            if check is not None:
                checks.append(check)
        return tuple(checks)

    def _check(self, spec: Any, start: int, names: dict[str, str], rules: dict[str, DeclaredRule]) -> Check | None:
        if not isinstance(spec, dict) or "expr" not in spec:
            self.problem(start, "a [[checks]] entry lacks 'expr' (the condition that must hold)")
            return None
        expr = str(spec["expr"])
        expr_line = self._line(r"expr\s*=", after=start, default=start)
        rule = str(spec.get("rule", "check-failed"))
        if not self._rule_known(rule, rules):
            self.problem(self._line(r"rule\s*=", after=start, default=start),
                         f"the check names the rule {rule!r}, which is neither built in nor declared in "
                         f"[rules]{_near(rule, rules)} (see `letter-audit rules`)")
        try:
            evaluate, used = compile_expression(expr, names)
        except ExpressionError as exc:
            self.problem(expr_line, f"check: {exc}")
            return None
        message = str(spec.get("message", f"{expr} does not hold."))
        message_line = self._line(r"message\s*=", after=start, default=expr_line)
        parts, position, named, ok = [], 0, [], True
        for found in _MESSAGE_PART.finditer(message):
            parts.append((MessagePart.TEXT, message[position:found.start()]))
            computed, body = found.groups()
            if not computed and "|" in body:  # {investigation|investigations}: agrees with the number before it
                singular, _, plural = (part.strip() for part in body.partition("|"))
                parts.append((MessagePart.AGREE, (singular, plural)))
            elif computed:
                try:
                    parts.append((MessagePart.VALUE, compile_expression(body, names)[0]))
                except ExpressionError as exc:
                    self.problem(message_line, f"the message holds an invalid {{={body}}}: {exc}")
                    ok = False
            else:
                name = body.strip()
                if name not in names:
                    self.problem(message_line, f"the message shows {{{name}}}, which is not a field{_near(name, names)}")
                    ok = False
                parts.append((MessagePart.FIELD, name))
                named.append(name)
            position = found.end()
        parts.append((MessagePart.TEXT, message[position:]))
        if not ok:
            return None
        named += _NAME.findall(expr)
        return Check(rule, expr, evaluate, used, tuple(parts), tuple(dict.fromkeys(named)), expr_line, message)

    def _conflict_rules(self, fields: dict[str, FieldSpec], rules: dict[str, DeclaredRule]) -> None:
        for spec in fields.values():
            if spec.conflict and not self._rule_known(spec.conflict, rules):
                self.problem(spec.line, f"the field {spec.name!r} names the rule {spec.conflict!r} for conflicts, "
                                        f"which is neither built in nor declared in [rules]{_near(spec.conflict, rules)}")

    def _key(self, meta: dict, fields: dict[str, FieldSpec]) -> tuple[str | None, str]:
        key_field = meta.get("key_field")
        if key_field is not None and not isinstance(key_field, str):
            self.problem(self._line(r"key_field\s*="), f"key_field must be the name of a field, not {key_field!r}")
            key_field = None
        if key_field is not None and key_field not in fields:
            self.problem(self._line(r"key_field\s*="),
                         f"key_field {key_field!r} is not a field of the template{_near(str(key_field), fields)}")
        key_match = meta.get("key_match", "exact")
        if key_match not in ("exact", "fuzzy"):
            self.problem(self._line(r"key_match\s*="), f"key_match must be \"exact\" or \"fuzzy\", not {key_match!r}")
            key_match = "exact"
        return key_field, key_match

    # -- body -------------------------------------------------------------------------------

    def _body(self, body: str, first_line: int, types, bases, fields, meta, markers):
        paragraphs: list[TemplateParagraph] = []
        sections: dict[str, list] = {}
        section = str(meta.get("first_section", "Letter head"))
        sections[section] = [True, [], first_line, ()]
        for line, lines in _blocks(clean_body(_COMMENT.sub(_keep_free_markers, body)), first_line):
            raw = " ".join(" ".join(lines).split())
            free = _FREE.fullmatch(raw)
            optional, versions = False, ()
            if not free:
                raw, optional, versions = self._marks(raw, line)
            heading = _HEADING.fullmatch(raw + (" " + _OPTIONAL if optional else "")) if not free else None
            if heading:
                text = section = heading.group(1)
                if section in sections:
                    self.problem(line, f"the section heading {section!r} is used twice (first at line "
                                       f"{sections[section][2]}); each section needs its own heading")
                    section = f"{section} ({line})"
                sections[section] = [not heading.group(2), [], line, versions]
                optional = False
            elif not free:
                text = raw.replace("\\" + _OPTIONAL, _OPTIONAL).replace("\\{versions:", "{versions:")
                if not text:
                    what = _OPTIONAL if optional else "{versions: ...}"
                    self.problem(line, f"{what} marks nothing: write it at the end of the paragraph it marks")
                    continue
            index = len(paragraphs)
            if free:
                para = TemplateParagraph(index, section, free.group(1), f"⟨{free.group(1)}⟩", free=True, line=line)
            else:
                parts = self._placeholders(text, line, types, bases, fields)
                para = self._assemble(index, section, text, bool(heading), parts, types, line, markers)
                versions = self._within_section(versions, sections[section][3], line)
                if versions:  # the other versions lack it: the alignment may pass it by
                    # required of its versions' letters, unless it or its section is optional
                    para = replace(para, optional=True, versions=versions,
                                   version_required=not optional and sections[section][0])
                elif optional:
                    para = replace(para, optional=True)
            paragraphs.append(para)
            sections[section][1].append(index)
        if not paragraphs:
            self.problem(first_line, "the template has no paragraphs")
        # a section is required when something in it is: a letter head of optional paragraphs is not
        compiled = {title: Section(title, req and any(not (paragraphs[i].optional or paragraphs[i].free) for i in idx),
                                   tuple(idx), line) for title, (req, idx, line, _) in sections.items() if idx}
        return paragraphs, compiled

    def _marks(self, raw: str, line: int) -> tuple[str, bool, tuple[str, ...]]:
        """A paragraph without the marks at its end, `{optional}` and `{versions: ...}` (in
        either order): (text, optional, versions)."""
        optional, versions = False, ()
        for _ in range(2):
            found = _VERSIONS_MARK.search(raw)
            if found and not versions:
                versions = self._version_names(found.group(1), line, "{versions: ...}") or ("",)
                raw = raw[:found.start()].rstrip()
            elif raw.endswith(_OPTIONAL) and not raw.endswith("\\" + _OPTIONAL) and not optional:
                optional, raw = True, raw[:-len(_OPTIONAL)].rstrip()
        if _STRAY_VERSIONS_MARK.search(raw):
            self.problem(line, "a paragraph's versions are one mark at its end, written {versions: NAME, ...}")
        if versions == ("",):  # a mark with problems: noted, the paragraph kept for every version
            return raw, optional, ()
        if versions and len(versions) == len(self.versions):
            self.problem(line, f"{{versions: {', '.join(versions)}}} names every version of the form: a paragraph "
                               "of every version needs no mark")
            versions = ()
        return raw, optional, versions

    def _within_section(self, own: tuple[str, ...], section: tuple[str, ...], line: int) -> tuple[str, ...]:
        """A paragraph's versions: its own mark, or its section's (`# Heading {versions: ...}`)."""
        if own and section and not set(own) <= set(section):
            self.problem(line, f"the paragraph is marked {{versions: {', '.join(own)}}} in a section of the "
                               f"versions {', '.join(section)} only")
        return own or section

    def _placeholders(self, text: str, line: int, types, bases, fields) -> list[Part]:
        """Literal text and placeholders of a paragraph, in order; problems noted."""
        parts: list[Part] = []
        literal: list[str] = []
        position, last_number = 0, False
        while True:
            start = text.find("{{", position)
            if start < 0:
                literal.append(text[position:])
                break
            if start > 0 and text[start - 1] == "\\":
                literal.append(text[position:start - 1] + "{{")
                position = start + 2
                continue
            end = text.find("}}", start + 2)
            inner = text[start + 2:end] if end >= 0 else ""
            if end < 0 or "{{" in inner:
                self.problem(line, f"unclosed {{{{ in {quote(text[start:start + 40])}: a placeholder ends with }}}} "
                                   "(write \\{{ for a literal {{)")
                literal.append(text[position:])
                break
            literal.append(text[position:start])
            position = end + 2
            inner = inner.strip()
            if not inner:
                self.problem(line, "empty placeholder {{}}: name a field, as in {{amount}}")
                continue
            if "".join(literal):
                parts.append("".join(literal))
            literal = []
            slot = self._slot(inner, line, types, bases, fields, last_number)
            if slot is not None:
                parts.append(slot)
                if slot.field:
                    last_number = slot.base in PLAIN_NUMBER_BASES
        if "".join(literal):
            parts.append("".join(literal))
        for k, part in enumerate(parts):
            if isinstance(part, Slot) and part.lines and k != len(parts) - 1:
                self.problem(line, f"{{{{{part.field}...}}}} takes the rest of the paragraph and the lines after "
                                   "it, so it must end its paragraph; move the text after it into a paragraph of its own")
        return parts

    def _slot(self, inner: str, line: int, types, bases, fields, after_number: bool) -> Slot | None:
        shown = "{{" + inner + "}}"
        by_version = _BY_VERSION.fullmatch(inner)
        if by_version:
            return self._by_version(by_version.group(1), shown, line)
        variants = _VARIANTS.fullmatch(inner)
        if variants:
            choices = tuple(" ".join(c.replace("\\|", "|").split())
                            for c in re.split(r"(?<!\\)\|", variants.group(1)))
            if len(choices) < 2 or len(set(choices)) < len(choices):
                self.problem(line, f"{shown} needs two or more different variants, separated by | "
                                   "(an empty one for a phrase that may be left out)")
                return None
            return Slot("", None, "variant", choices=choices)
        lines = inner.endswith("...")
        if lines:
            inner = inner[:-3].rstrip()
        if "|" in inner:
            singular, _, plural = (part.strip() for part in inner.partition("|"))
            if not after_number:
                self.problem(line, f"{shown} has no number placeholder before it")
                return None
            return Slot("", None, "agreement", (singular, plural))
        name, _, kind = (part.strip() for part in inner.partition(":"))
        if not _NAME.fullmatch(name):
            self.problem(line, f"{shown}: {name!r} is not a field name (letters, digits and _)")
            return None
        spec = fields.get(name)
        if lines and spec is None and not kind:
            kind = "free"  # a list of any lines
        if kind and kind not in types:
            self.problem(line, f"{shown} has unknown type {kind!r}{_near(kind, types)}")
            return None
        if spec is None:
            if not kind:
                self.problem(line, f"the placeholder {shown} is not declared in [fields]{_near(name, fields)}; "
                                   f"declare it, or name its type here ({{{{{name}:text}}}})")
                return None
            spec = fields[name] = FieldSpec(name, kind, None, False, bases[kind], line)
        elif kind and spec.type != kind:
            self.problem(line, f"{shown} contradicts the header (or an earlier placeholder), where {name} is {spec.type}")
            return None
        if lines or spec.lines:
            fields[name] = replace(spec, lines=True)
        return Slot("", name, spec.type, base=spec.base, lines=lines or spec.lines)

    def _by_version(self, inner: str, shown: str, line: int) -> Slot | None:
        """{{by version: 2021: wavier | 2023, 2024: waiver}}: the wording of each version."""
        choices, versions = [], []
        for choice in re.split(r"(?<!\\)\|", inner):
            names, colon, wording = choice.partition(":")
            if not colon:
                self.problem(line, f"{shown}: each wording starts with the versions using it and a colon "
                                   f"(2023: the wording), not {quote(choice.strip())}")
                return None
            versions.append(self._version_names(names, line, shown))
            choices.append(" ".join(wording.replace("\\|", "|").split()))
        named = [name for names in versions for name in names]
        unworded = [v.name for v in self.versions if v.name not in named]
        if self.versions and unworded:
            self.problem(line, f"{shown} gives no wording for the version{'s' if len(unworded) > 1 else ''} "
                               f"{', '.join(unworded)}: letters of it could not match")
        twice = sorted({name for name in named if named.count(name) > 1})
        if twice:
            self.problem(line, f"{shown} gives the version{'s' if len(twice) > 1 else ''} {', '.join(twice)} "
                               "two wordings: a version has one")
            return None
        if len(set(choices)) < 2:
            self.problem(line, f"{shown} needs two or more different wordings")
            return None
        if len(set(choices)) < len(choices):
            self.problem(line, f"{shown} gives one wording twice: name all its versions once (2021, 2023: ...)")
            return None
        return Slot("", None, "variant", choices=tuple(choices), versions=tuple(versions))

    def _assemble(self, index, section, text, heading, parts, types, line, markers) -> TemplateParagraph:
        paragraph = assemble(index, section, text, heading, parts, types, line, markers)
        if isinstance(paragraph, str):
            self.problem(line, paragraph)
            return TemplateParagraph(index, section, text, text, heading, line=line)
        return paragraph



def _blocks(body: str, first_line: int) -> Iterable[tuple[int, list[str]]]:
    """(line, lines) of each blank-line separated block."""
    start, lines = 0, []
    for number, line in enumerate(body.split("\n"), start=first_line):
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            yield start, lines
            lines = []
    if lines:
        yield start, lines


_PROTECTED = re.compile(r"\\\{optional\}|\\\{\{|\{\{.*?\}\}|(?m:^[ ]{0,3}#{1,6}[ \t]+)|<!--.*?-->", re.S)
_TOKEN = re.compile("\ue000(\\d+)\ue001")


def clean_body(body: str) -> str:
    """The template body cleaned exactly as a letter's text is (audit/normalise.clean_text: list
    numbers, bullets, rules, link markup, hard line breaks), so that template and letter compare
    alike; the template's own syntax (placeholders, headings, free markers) is kept aside."""
    from ..normalise import clean_text  # the normaliser's vocabulary comes from templates

    kept: list[str] = []

    def keep(found: re.Match) -> str:
        kept.append(found.group(0))
        return f"\ue000{len(kept) - 1}\ue001"

    cleaned = clean_text(_PROTECTED.sub(keep, body))
    return _TOKEN.sub(lambda found: kept[int(found.group(1))], cleaned) if kept else cleaned


def _keep_free_markers(match: re.Match) -> str:
    """Comments vanish (their line breaks stay, so lines keep their numbers); free markers stay."""
    text = match.group(0)
    return text if _FREE.fullmatch(" ".join(text.split())) else "\n" * text.count("\n")


def _deep_line(header: str, deep: int = 32) -> int:
    """The first line where brackets and braces (outside quotes) are open `deep` levels."""
    depth = 0
    for number, line in enumerate(header.split("\n"), start=1):
        for char in re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", line):
            depth += (char in "[{") - (char in "]}")
            if depth >= deep:
                return number
    return 1


def _near(name: str, known: Iterable[str]) -> str:
    found = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean `{found[0]}`?)" if found else ""

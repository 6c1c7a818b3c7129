"""Every template's own body, its placeholders filled with values of their types, audits clean.

The body is taken as written (Markdown headings, list numbers, bullets, rules, emphasis, link
markup and all): the letter reader and the template reader normalise text alike, so a letter
that is the template filled in raises no finding about its paragraphs or its values.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.pipeline import audit_letter
from audit.settings import Settings
from audit.template import load_template
from audit.types import BASE_PATTERNS, convert

from support import ROOT

TEMPLATES = sorted([*ROOT.glob("templates/*.md"), *ROOT.glob("docs/examples/*.md"),
                    *ROOT.glob("tests/fixtures/templates/*.md"), *ROOT.glob("benchmarks/real/*/template.md")])
# what a filled-in template must never raise: its paragraphs and its values are the template's own
STRUCTURAL = {"boilerplate-changed", "missing-paragraph", "missing-section", "extra-paragraph", "paragraph-moved",
              "invalid-value", "extraction-artifact", "field-conflict", "grammar-number", "internal-error",
              "unrecognised-document", "different-form"}
_PLACEHOLDER = re.compile(r"(?<!\\)\{\{(.*?)\}\}", re.S)
_WORDS = st.from_regex(r"[A-Z][a-z]{2,8}(?: [A-Z][a-z]{2,8}){0,2}", fullmatch=True)
_PLAIN = st.characters(max_codepoint=0xff, categories=("Lu", "Ll", "Nd"), include_characters=" .,'-:/’()&")  # no markup
_BY_BASE = {
    "int": st.integers(0, 5000).map(lambda n: f"{n:,}"),
    "decimal": st.decimals("0.1", "999", places=2).map(str),
    "money": st.decimals("1", "9999", places=2).map(lambda d: f"£{d:,}"),
    "percent": st.integers(0, 100).map(lambda n: f"{n}%"),
    "date": st.dates(date(1990, 1, 1), date(2035, 12, 31)).map(lambda d: f"{d.day} {d:%B %Y}"),
}


def _strategy(template, name):
    spec = template.fields[name]
    if template.types[spec.type] == BASE_PATTERNS.get(spec.base) and spec.type == spec.base:
        return _BY_BASE.get(spec.base, _WORDS)
    return _custom(template.types[spec.type])


@lru_cache(maxsize=None)
def _custom(pattern: str):
    # Generated from the pattern with each run of white space drawn as one space: drawn as any
    # white space, most examples were thrown away and the test took half a minute.
    one_space = pattern.replace(r"\s+", " ").replace(r"\s*", " ?")
    return st.from_regex(one_space, fullmatch=True, alphabet=_PLAIN).filter(
        lambda text: len(text) < 60 and text == text.strip() and "  " not in text and not re.match(r"[-+*\d]", text)
        and not re.search(r"&\w", text)  # "&amp" and the like are HTML entities, read as the character
        and re.fullmatch(pattern, text))


@lru_cache(maxsize=None)
def _settings(path: Path) -> Settings:
    return Settings(template_paths=[path])


def _body(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    return source[source.index("\n+++", 3) + 4:]


_MARK = re.compile(r"\s*(?<!\\)\{versions:([^{}]*)\}(?=(?:\s*\{optional\})?\s*$)")


def _names(text: str) -> set[str]:
    return {name.strip() for name in text.split(",")}


def _of_version(body: str, version: str | None) -> str:
    """The body as a letter of one version of the form has it: the paragraphs of the other
    versions left out, the marks taken off (a heading's mark holds for its section)."""
    kept, section = [], None
    for block in body.split("\n\n"):
        found = _MARK.search(block)
        if block.lstrip().startswith("#"):
            section = _names(found.group(1)) if found else None
        names = _names(found.group(1)) if found else section
        if names is None or version in names:
            kept.append(_MARK.sub("", block))
    return "\n\n".join(kept)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder for the filled-in letters, one file a template overwritten by each example
    (pytest removes it with its other temporary folders)."""
    return tmp_path_factory.mktemp("roundtrip")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_template_filled_in_audits_clean(scratch, path, data):
    template = load_template(path)
    values: dict[str, str] = {}
    last_number = [None]

    def fill(found: re.Match) -> str:
        inner = found.group(1).strip()
        if inner.startswith("by version") and ":" in inner:  # the wording of the version filled in
            wordings = [c.split(":", 1) for c in re.split(r"(?<!\\)\|", inner.split(":", 1)[1])]
            return next(text.strip() for names, text in wordings if version in _names(names))
        if inner.startswith("one of") and ":" in inner:
            return data.draw(st.sampled_from([c.strip() for c in re.split(r"(?<!\\)\|", inner.split(":", 1)[1])]))
        if "|" in inner:
            singular, plural = (part.strip() for part in inner.split("|", 1))
            return singular if last_number[0] == 1 else plural
        name = inner.removesuffix("...").split(":")[0].strip()
        if template.fields[name].lines:
            items = data.draw(st.lists(_strategy(template, name), min_size=1, max_size=4))
            return "\n" + "\n".join(items)
        if name not in values:
            values[name] = data.draw(_strategy(template, name))
        spec = template.fields[name]
        if spec.base in ("int", "decimal", "percent"):
            try:
                last_number[0] = convert(spec.base, values[name])
            except ValueError:
                last_number[0] = None
        return values[name]

    version = data.draw(st.sampled_from([v.name for v in template.versions])) if template.versions else None
    body = _body(path)
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    body = _of_version(body, version)
    body = re.sub(r"\s*\{optional\}[ \t]*$", "", body, flags=re.M)
    letter = _PLACEHOLDER.sub(fill, body).replace("\\{{", "{{")
    letter_path = scratch / f"{path.stem}.md"
    letter_path.write_text(letter, encoding="utf-8")
    _, result = audit_letter(letter_path, _settings(path))
    wrong = [(f.rule, f.line, f.message) for f in result.findings if f.rule in STRUCTURAL]
    assert not wrong, letter

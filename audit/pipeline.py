"""One letter from file to findings, and a batch of letters streamed through it."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from .align import Alignment, align
from .extract import extract
from .models import Document, Finding, LetterResult
from .normalise import normalise
from .read import read_letter
from .rules import LetterContext
from .settings import Settings
from .template import Template
from .workers import map_in_workers, worth_sharing

MIN_COVERAGE = 0.3  # share of a template's paragraphs a letter must hold to be of that kind


def audit_letter(path: Path, settings: Settings) -> tuple[LetterContext, LetterResult]:
    """Read, normalise, align, extract and check one letter. Never raises for bad input."""
    ctx = LetterContext(read_letter(path))
    try:
        if ctx.raw.text is not None:
            _understand(ctx, settings)
        findings = _run_rules(ctx, settings)
    except Exception as exc:  # a bug must not stop the batch; say so on the letter
        findings = [Finding("unrecognised-document", "error",
                            f"The letter could not be audited because of an internal error "
                            f"({type(exc).__name__}: {exc}); please report it.", 1)]
    fields = ctx.extraction.as_json(ctx.template) if ctx.extraction else {}
    template = ctx.template.name if ctx.template else None
    result = LetterResult(path, template, fields, findings)
    _keep_for_batch(ctx, result)
    return ctx, result


def audit_batch(paths: list[Path], settings: Settings,
                after_letter: Callable[[LetterContext, LetterResult], None] | None = None) -> Iterator[LetterResult]:
    """Stream letters one at a time, in order: only the small result of each is kept.
    A large batch is shared among worker processes.

    `after_letter(ctx, result)`, when given, runs in the process that audited the letter, while
    its text is still at hand (the HTML report keeps a compact view of each page this way);
    it must be picklable for worker processes."""
    if not worth_sharing(len(paths)):
        for path in paths:
            yield _audit(path, settings, after_letter)
        return
    yield from map_in_workers(_audit_in_worker, paths, _start_worker, (replace(settings), after_letter))


def _audit(path: Path, settings: Settings, after_letter) -> LetterResult:
    ctx, result = audit_letter(path, settings)
    if after_letter is not None:
        after_letter(ctx, result)
    return result


_worker_settings: Settings | None = None
_worker_after_letter = None


def _start_worker(settings: Settings, after_letter) -> None:
    global _worker_settings, _worker_after_letter
    _worker_settings, _worker_after_letter = settings, after_letter


def _audit_in_worker(path: Path) -> LetterResult:
    return _audit(path, _worker_settings, _worker_after_letter)


def _keep_for_batch(ctx: LetterContext, result: LetterResult) -> None:
    """What the batch rules need of a letter, kept small: its key, where each field stands and
    a hash of its text (the paragraphs the template explains; free text such as an image
    description is left out, so two exports of one letter hash alike)."""
    if ctx.extraction is not None:
        result.lines = {name: found[0].line for name, found in ctx.extraction.values.items() if found}
        key = ctx.template.key_field
        if key and result.fields.get(key) is not None:
            result.key = str(result.fields[key])
    if ctx.document is not None and ctx.document.paragraphs:
        if ctx.alignment is not None:
            texts = [p.para.text for p in ctx.alignment.pairs if p.para is not None and p.kind != "free"]
        else:
            texts = [p.text for p in ctx.document.paragraphs]
        result.content_hash = hashlib.blake2b("\n".join(texts).encode("utf-8"), digest_size=16).hexdigest()


def _understand(ctx: LetterContext, settings: Settings) -> None:
    document = ctx.document = normalise(ctx.raw, settings.vocabulary)
    if not document.paragraphs:
        ctx.unrecognised = "The file is empty: it holds no text."
        return
    alignment = choose_template(document, settings.templates)
    if alignment.coverage < MIN_COVERAGE:
        ctx.unrecognised = (
            f"No template fits this file: at best {alignment.coverage:.0%} of the paragraphs of "
            f'"{alignment.template.title}" were found in it ({MIN_COVERAGE:.0%} needed).')
        return
    ctx.template, ctx.alignment = alignment.template, alignment
    ctx.extraction = extract(alignment)


def choose_template(document: Document, templates: list[Template]) -> Alignment:
    """The template sharing the most exact boilerplate with the letter; fuzzy coverage breaks ties
    and decides when no boilerplate matches exactly."""
    hits = sorted(((sum(1 for p in document.paragraphs if p.text in t.literal_index), t) for t in templates),
                  key=lambda pair: pair[0], reverse=True)
    if len(hits) == 1 or hits[0][0] > hits[1][0]:
        return align(document, hits[0][1])
    return max((align(document, t) for _, t in hits), key=lambda a: a.coverage)


def _run_rules(ctx: LetterContext, settings: Settings) -> list[Finding]:
    findings = []
    for rule in settings.active_rules:
        if rule.check is None:
            continue
        severity = settings.severity_of(rule.id, rule.severity)
        for finding in rule.check(ctx):
            findings.append(finding if finding.severity == severity else replace(finding, severity=severity))
    findings.sort(key=lambda f: f.line)
    return findings

"""One letter from file to findings, and a batch of letters streamed through it.

read -> normalise -> align (against the best-fitting template) -> the version of the form it
follows, when its template has versions -> extract -> rules. Each
stage takes the records of the one before and returns new ones (audit/models.py); a stage
that raises ends the letter's understanding there with an internal-error finding, and the
rules still run on what is known (docs/architecture.md).
"""
from __future__ import annotations

import hashlib
from itertools import islice
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from .align import align
from .bounds import bounded_fields, bounded_findings
from .checks import evaluate_checks
from .extract import extract
from .fast_lane import audit_exact, lane_open
from .models import Alignment, Document, Finding, Letter, LetterResult, PairKind, RawLetter, cell_at
from .normalise import normalise
from .read import DEFAULT_MAX_BYTES, describe_size, read_letter
from .rules import run_rules
from .rules.base import crash_finding
from .settings import Settings
from .template import Template, by_boilerplate
from .versions import read_version, with_lacking
from .workers import Limits, Overrun, OverrunKind, guarded_map

MIN_COVERAGE = 0.3  # share of a template's paragraphs a letter must hold to be of that kind
CONTENT_CHARS, CONTENT_PARAGRAPHS = 2000, 200  # what a result keeps of a letter's own content
DIFFERENT_FORM = 0.5  # below this share of paragraphs as written, a document is another form (different-form)
MIN_FORM_PARAGRAPHS = 6  # a template this short is judged paragraph by paragraph


def audit_letter(path: Path | str, settings: Settings) -> tuple[Letter, LetterResult]:
    """Read, normalise, align, extract and check one letter. Never raises for bad input."""
    return audit_raw(*read(Path(path), settings.max_bytes, settings.stdin_bytes(path)), settings)


def audit_result(path: Path | str, settings: Settings) -> LetterResult:
    """The result alone: a letter that follows its template exactly takes the fast lane
    (audit/fast_lane.py), any other the full pipeline."""
    raw, crashed = read(Path(path), settings.max_bytes, settings.stdin_bytes(path))
    if crashed is None and lane_open(settings.active_rules):
        result = audit_exact(raw, settings.templates, settings.vocabulary, MIN_COVERAGE)
        if result is not None:
            return result
    return audit_raw(raw, crashed, settings)[1]


def audit_raw(raw: RawLetter, crashed: Finding | None, settings: Settings) -> tuple[Letter, LetterResult]:
    """The letter as read (`crashed`: the reader raised) through the stages and the rules."""
    if crashed is None:
        letter, crashed = understand(raw, settings)
    else:
        letter = Letter(raw)
    findings = run_rules(letter, settings.active_rules, settings.severity_of)
    if crashed is not None:
        findings.insert(0, crashed)
    return letter, summarise(letter, findings)


def read(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None
         ) -> tuple[RawLetter, Finding | None]:
    """The file read (`data`: its bytes, when the run has them already); a reader that raises
    (a bug of ours: a damaged file is a RawLetter with its error) is the Finding, on a letter
    with no text."""
    try:
        return read_letter(path, max_bytes, data), None
    except MemoryError:  # the letter's memory budget: the worker reports it (audit/workers.py)
        raise
    except Exception as exc:  # noqa: BLE001 - one file never ends the run
        return RawLetter(path, None), crash_finding("Reading the file", exc)


def understand(raw, settings: Settings) -> tuple[Letter, Finding | None]:
    """The letter's records as far as the stages get; a stage that raises is the Finding."""
    letter = Letter(raw)
    if raw.text is None:
        return letter, None
    stage = "normalise"
    try:
        document = normalise(raw, settings.vocabulary)
        letter = Letter(raw, document)
        if not document.paragraphs:
            return replace(letter, unrecognised="The file is empty: it holds no text."), None
        stage = "align"
        alignment = choose_template(document, settings.templates)
        if alignment.coverage < MIN_COVERAGE:
            return replace(letter, unrecognised=(
                f"No template fits this file: at best {alignment.coverage:.0%} of the paragraphs of "
                f'"{alignment.template.title}" were found in it ({MIN_COVERAGE:.0%} needed).')), None
        if alignment.exact_share < DIFFERENT_FORM and len(alignment.template.paragraphs) >= MIN_FORM_PARAGRAPHS:
            return replace(letter, template=alignment.template, different_form=(
                f'This is another form than "{alignment.template.title}": {alignment.exact_share:.0%} of the '
                f"template's paragraphs stand in it as written (or nearly), where a letter of its kind holds "
                f"at least {DIFFERENT_FORM:.0%}; its paragraphs are not compared one by one.")), None
        stage = "versions"
        version = read_version(alignment)
        if version is not None:
            alignment = with_lacking(alignment, version)
        stage = "extract"
        fields = extract(alignment)
        letter = Letter(raw, document, alignment.template, alignment, fields, version=version)
        stage = "checks"
        return replace(letter, failures=tuple(evaluate_checks(alignment.template, fields))), None
    except MemoryError:  # the letter's memory budget: the worker reports it (audit/workers.py)
        raise
    except Exception as exc:  # noqa: BLE001 - a bug is reported on the letter, never a pass
        return letter, crash_finding(f"The {stage} stage", exc)


def audit_batch(paths: list[Path], settings: Settings,
                after_letter: Callable[[Letter, LetterResult], None] | None = None,
                dask: str | None = None, prepare: Callable[[LetterResult, str], object] | None = None
                ) -> Iterator[LetterResult]:
    """Stream letters one at a time, in order: only the small result of each is kept.

    Letters are read and audited only in worker processes, each within the budget of
    settings.limits (audit/workers.py); a letter that breaks it is unreadable-input naming the
    limit, and the others are audited as usual. This process never parses a letter.

    `after_letter(ctx, result)`, when given, runs in the process that audited the letter, while
    its text is still at hand (the HTML report keeps a compact view of each page this way);
    it must be picklable for worker processes. For a letter over budget it runs here.

    `dask`: the address of a Dask scheduler, or cluster.LOCAL for a cluster on this machine:
    the letters are audited there (audit/cluster.py), without after_letter or budgets.

    `prepare(result)`, when given, also runs where the letter was audited, and what it
    returns is yielded instead of the result (audit/spool.py: the main process then never
    handles the whole result)."""
    if dask is not None:
        from .cluster import LOCAL, audit_on_cluster

        yield from audit_on_cluster(paths, settings, None if dask == LOCAL else dask, prepare)
        return

    def overrun(path, why: Overrun) -> LetterResult:
        if why.kind == OverrunKind.ERROR:  # a bug, not the letter's fault
            letter = Letter(RawLetter(Path(path), None))
            result = summarise(letter, [crash_finding("Auditing the letter", RuntimeError(why.detail))])
        else:
            letter = Letter(RawLetter(Path(path), None, error=overrun_reason(why)))
            result = summarise(letter, run_rules(letter, settings.active_rules, settings.severity_of))
        if after_letter is not None:
            after_letter(letter, result)
        return prepare(result) if prepare else result

    yield from guarded_map(_audit_in_worker, paths, _start_worker, (settings, after_letter, prepare),
                           settings.limits, overrun)


def read_in_workers(paths: list[Path], max_bytes: int, limits: Limits) -> Iterator[RawLetter]:
    """read_letter for each path, in order, in worker processes within `limits` (as audit_batch)."""
    yield from guarded_map(partial(_read_text, max_bytes=max_bytes), paths, _start_worker, (None, None, None),
                           limits, lambda path, why: RawLetter(Path(path), None, error=overrun_reason(why)))


def _read_text(path: Path, max_bytes: int) -> RawLetter:
    return read(Path(path), max_bytes)[0]  # a reader that fails leaves the letter without text


def overrun_reason(why: Overrun) -> str:
    """Why a letter over its budget has no audit, completing "The file ...". """
    memory = describe_size(why.limits.memory) if why.limits.memory else "no limit"
    if why.kind == OverrunKind.TIMEOUT:
        return (f"took longer than the limit of {why.limits.timeout:g} seconds (--timeout) to read and audit; "
                "it was stopped, and the rest of the batch audited")
    if why.kind == OverrunKind.MEMORY:
        return (f"needs more memory than the limit of {memory} (--max-memory) to read and audit; "
                "it was stopped, and the rest of the batch audited")
    return (f"stopped the process reading it twice ({why.detail}), most likely by needing more memory "
            f"than the limit of {memory} (--max-memory); the rest of the batch was audited")


def audit_one(path: Path | str, settings: Settings) -> LetterResult:
    """One letter's result, as a worker process (or a Dask worker) makes it."""
    return _audit(path, settings, None)


def _audit(path: Path, settings: Settings, after_letter) -> LetterResult:
    try:
        if after_letter is None:  # the records are not wanted: the fast lane may take the letter
            return audit_result(path, settings)
        ctx, result = audit_letter(path, settings)
    except MemoryError:  # the letter's memory budget: the worker reports it (audit/workers.py)
        raise
    except Exception as exc:  # noqa: BLE001 - a bug past the stages' own isolation (summarise)
        return LetterResult(Path(path), None, {}, [crash_finding("Auditing the file", exc)])
    after_letter(ctx, result)
    return result


_worker_settings: Settings | None = None
_worker_after_letter = None
_worker_prepare = None


def _start_worker(settings: Settings, after_letter, prepare) -> None:
    """A worker's run: its settings (standard input and compiled templates included) and hooks."""
    global _worker_settings, _worker_after_letter, _worker_prepare
    _worker_settings, _worker_after_letter, _worker_prepare = settings, after_letter, prepare


def _audit_in_worker(path: str):
    result = _audit(path, _worker_settings, _worker_after_letter)
    return _worker_prepare(result) if _worker_prepare else result


def summarise(letter: Letter, findings: list[Finding]) -> LetterResult:
    """What the batch keeps of a letter: its fields, where each is quoted, its findings (cut to
    their bounds, audit/bounds.py), its key, its own content where the template allows any (the
    first CONTENT_CHARS of each paragraph, CONTENT_PARAGRAPHS at most), and a hash of its whole
    normalised text (free content included: two letters differing only in a list of URLs are
    two letters)."""
    template = letter.template
    cells = letter.raw.cells
    if cells:
        findings = [replace(f, cell=cell) if (cell := cell_at(cells, f.line)) else f for f in findings]
    fields = bounded_fields(letter.fields.as_json(template)) if letter.fields is not None else {}
    result = LetterResult(letter.raw.path, sys.intern(template.name) if template else None, fields, findings)
    if letter.fields is not None:
        result.lines = {name: found[0].line for name, found in letter.fields.values.items() if found}
        result.cells = {name: cell for name, line in result.lines.items() if cells and (cell := cell_at(cells, line))}
        result.variants = [used.json() for used in letter.fields.variants]
        key = fields.get(template.key_field) if template.key_field else None
        if key is not None and not isinstance(key, dict):  # a withheld key names nobody
            result.key = str(key)
    if letter.alignment is not None:
        free = (p for p in letter.alignment.pairs if p.kind == PairKind.FREE and p.template.free)
        result.content = [{"line": p.para.line, "end_line": p.para.end_line, "where": p.template.text,
                           "text": p.para.text[:CONTENT_CHARS]} for p in islice(free, CONTENT_PARAGRAPHS)]
    if letter.document is not None and letter.document.paragraphs:
        texts = [p.text for p in letter.document.paragraphs]  # all of it: free content and lists too
        result.content_hash = hashlib.blake2b("\n".join(texts).encode("utf-8"), digest_size=16).hexdigest()
    result.findings = bounded_findings(findings, result)  # once the result's identity is known
    return result


def choose_template(document: Document, templates: list[Template]) -> Alignment:
    """The template sharing the most exact boilerplate with the letter; fuzzy coverage breaks ties
    and decides when no boilerplate matches exactly."""
    if len(templates) == 1:
        return align(document, templates[0])
    hits = by_boilerplate([p.text for p in document.paragraphs], templates)
    if len(hits) == 1 or hits[0][0] > hits[1][0]:
        return align(document, hits[0][1])
    return max((align(document, t) for _, t in hits), key=lambda a: a.coverage)

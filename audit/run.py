"""A run: one batch of letters audited with one run's settings, returned as records.

`run_batch` streams the letters through the pipeline into a spool, runs the batch rules on
what the spool keeps, applies the baseline (or writes one) and counts the summary. What it
returns (`BatchRun`) is all a caller prints: the results as every output reads them, the
batch rules' findings, the summary and the baseline's outcome. The command line only parses
options and prints these records (audit/cli.py).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from .baseline import Baseline, Outcome, write_baseline
from .batch import BatchContext, BatchFindings, fields_needed, run_batch_rules
from .models import Letter, LetterResult
from .pipeline import audit_batch
from .report import Summary, formats, money_fields
from .settings import Settings
from .spool import Prepare, Spool


@dataclass
class Results:
    """The batch's results as the outputs read them: each letter's result with the batch rules'
    findings about it merged in, then the results about the batch as a whole; with a baseline,
    less the findings it accepted (`everything()` keeps them). Each iteration is one pass."""

    spool: Spool
    batch: BatchFindings = field(default_factory=lambda: BatchFindings({}, []))
    baseline: Baseline | None = None

    def everything(self) -> Iterator[LetterResult]:
        for index in range(len(self.spool)):
            yield self._result(index)
        yield from self.batch.about_batch

    def _result(self, index: int) -> LetterResult:
        result = self.spool.result(index)
        added = self.batch.about_letters.get(index)
        if added:
            result = replace(result, findings=sorted([*result.findings, *added], key=lambda f: f.line))
        return result

    def __iter__(self) -> Iterator[LetterResult]:
        return self.baseline.filter(self.everything()) if self.baseline else self.everything()

    def rendered(self, name: str) -> Iterator[LetterResult | str]:
        """As iterating, but a letter the batch rules and the baseline leave as it was audited is
        given as its rendering in the format `name`, made where it was audited, when there is one:
        the result itself is then never read back."""
        if self.baseline is not None:
            yield from self
            return
        for index, text in enumerate(self.spool.renderings(name)):
            yield self._result(index) if text is None or index in self.batch.about_letters else text
        yield from self.batch.about_batch

    def slim(self) -> Iterator[LetterResult]:
        """As iterating, for formats that read of a result only its path, template, kind, key
        and findings: a letter without findings that the batch rules leave as it was is given
        as the record the batch rules read (its findings are none), never read back."""
        if self.baseline is not None:
            yield from self
            return
        for index, (_, found) in enumerate(self.spool.tallies):
            clean = not found and index not in self.batch.about_letters
            yield self.spool.kept[index] if clean else self._result(index)
        yield from self.batch.about_batch


@dataclass(frozen=True)
class BatchRun:
    """What one run found: every output is made from these records."""

    settings: Settings
    results: Results
    summary: Summary
    baseline: Baseline | None  # the baseline the results were filtered by
    baseline_outcome: Outcome | None  # what it suppressed, which of its entries are stale
    written_baseline: Baseline | None = None  # the baseline --write-baseline recorded

    @property
    def batch_findings(self) -> BatchFindings:
        return self.results.batch

    def close(self) -> None:
        self.results.spool.close()

    def __enter__(self) -> "BatchRun":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_batch(paths: list[Path | str], settings: Settings, *, context: BatchContext | None = None,
              baseline: Baseline | None = None, write_to: Path | None = None,
              after_letter: Callable[[Letter, LetterResult], None] | None = None,
              on_letter: Callable[[], None] | None = None, dask: str | None = None,
              render: tuple[str, ...] = ()) -> BatchRun:
    """Audit the letters at `paths`, run the batch rules, then apply `baseline` (or record the
    findings in a baseline at `write_to`, carrying over what `baseline` held). `after_letter`
    runs where each letter is audited (audit.pipeline.audit_batch); `on_letter` after each;
    `dask`: the Dask scheduler that audits the letters (audit/cluster.py), if any; `render`: the
    formats whose rendering of each letter is made where it is audited (Results.rendered).
    The returned run holds the spool open: close it (or use it as a context manager)."""
    context = context or BatchContext.load(settings)
    paths = [os.fspath(path) for path in paths]  # a string takes a quarter of a Path's memory
    money = money_fields(settings.templates)  # JSON gives them as amount and currency
    renderers = {name: partial(formats()[name].render_letter, catalogue=settings.rules, money=money)
                 for name in render if hasattr(formats()[name], "render_letter")}
    spool = Spool()
    try:
        stream = audit_batch(paths, settings, after_letter, dask, Prepare(fields_needed(context), renderers))
        try:  # closing stops the workers early when the run is interrupted
            for path, prepared in zip(paths, stream, strict=True):  # a letter lost is a bug, never a pass
                spool.add(prepared, path)
                if on_letter is not None:
                    on_letter()
        finally:
            stream.close()
        results = Results(spool, run_batch_rules(spool.kept, context, spool.result))
        written = None
        if write_to is not None:
            written = write_baseline(write_to, results, previous=baseline)  # results without a baseline yet
            baseline = written
        results = replace(results, baseline=baseline)
        summary, outcome = _summarise(results, settings, money)
        return BatchRun(settings, results, summary, baseline, outcome, written)
    except BaseException:
        spool.close()
        raise


def _summarise(results: Results, settings: Settings, money: dict[str, frozenset[str]]
               ) -> tuple[Summary, Outcome | None]:
    """The summary of what the outputs show, and the baseline's outcome, in one pass; without a
    baseline, from the letters' tallies, reading no result back."""
    if results.baseline is None:
        summary = Summary(catalogue=dict(settings.rules), money=money)
        for index, (letter, found) in enumerate(results.spool.tallies):
            added = results.batch.about_letters.get(index, ())
            summary.add_tally(letter, [*found, *((f.rule, f.severity) for f in added)])
        for result in results.batch.about_batch:
            summary.add(result)
        return summary, None
    matcher = results.baseline.matcher()
    shown = (matcher.kept(result) for result in results.everything())
    summary = Summary.of((result for result in shown if result is not None), settings.rules, money)
    return summary, matcher.outcome()

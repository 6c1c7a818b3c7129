"""The batch's results, kept on disk once the batch is large, so memory stays flat.

Each letter's result arrives prepared by the process that audited it (`Prepare`): what the
batch rules need of it (its key, text hash, template and the fields batch rules compare),
its tally (the summary's counts), the whole result pickled once, and its rendering in the
formats that can render a letter alone (a JSON record). The main process never pickles a
result nor unpickles one it does not show: it keeps the first two in memory (Spool.kept,
Spool.tallies) and stores the rest as the bytes it received, in memory for small batches,
else in an anonymous temporary file. Reading the spool yields every result again, in order
(audit/run.py merges the batch rules' findings in); `rendered` gives a letter's rendering
without reading the result at all; a letter without findings is shown by its kept record.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from .models import LetterResult, ResultKind

SPILL_AT = 500  # letters kept whole in memory before results go to disk

Tally = tuple[bool, tuple[tuple[str, str], ...]]  # (a letter, not a batch carrier; (rule, severity) per finding)
CLEAN: Tally = (True, ())  # most letters: one shared tuple


def tally_of(result: LetterResult) -> Tally:
    if not result.findings and result.kind == ResultKind.LETTER:
        return CLEAN
    return result.kind == ResultKind.LETTER, tuple((f.rule, f.severity) for f in result.findings)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A letter's result as the process that audited it sends it to the spool."""

    kept: LetterResult  # what batch rules need (no findings or content; the path as the run named it)
    tally: Tally
    stored: bytes  # the whole result, pickled
    rendered: dict[str, str]  # format name -> the letter's rendering in it


class Prepare:
    """Makes a Prepared from a result, where the letter was audited. `needed(result)`: the names
    of the fields batch rules read (None: all); `renderers`: format name -> render(result)."""

    def __init__(self, needed: Callable[[LetterResult], object] | None = None,
                 renderers: dict[str, Callable[[LetterResult], str]] | None = None):
        self.needed = needed
        self.renderers = renderers or {}

    def __call__(self, result: LetterResult, path) -> Prepared:
        names = self.needed(result) if self.needed else None
        kept = replace(result, path=path, findings=(), content=(), variants=())
        if names is not None:
            kept.fields = {n: v for n, v in result.fields.items() if n in names}
            kept.lines = {n: v for n, v in result.lines.items() if n in names}
        return Prepared(kept, tally_of(result), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL),
                        {name: render(result) for name, render in self.renderers.items()})


class Spool:
    def __init__(self, spill_at: int | None = None):
        self.kept: list[LetterResult] = []  # what batch rules need of each letter (no findings)
        self.tallies: list[Tally] = []
        self._memory: list[tuple[bytes, dict[str, str]]] = []
        self._file = None
        self._offsets = array("q")  # start of each spilled result in the file, then the end
        self._spill_at = SPILL_AT if spill_at is None else spill_at

    def add(self, prepared: Prepared) -> None:
        self.kept.append(prepared.kept)
        self.tallies.append(prepared.tally)
        if len(self._memory) < self._spill_at:
            self._memory.append((prepared.stored, prepared.rendered))
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="letter-audit-")
            self._offsets.append(0)
        data = pickle.dumps((prepared.stored, prepared.rendered), protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def __len__(self) -> int:
        return len(self.kept)

    def __iter__(self) -> Iterator[LetterResult]:
        """Every result in order, as it was added."""
        for index in range(len(self.kept)):
            yield self.result(index)

    def result(self, index: int) -> LetterResult:
        return pickle.loads(self._entry(index)[0])

    def rendered(self, index: int, name: str) -> str | None:
        """The letter's rendering in the format `name`, made where it was audited, if it was."""
        return self._entry(index)[1].get(name)

    def _entry(self, index: int) -> tuple[bytes, dict[str, str]]:
        if index < len(self._memory):
            return self._memory[index]
        spilled = index - len(self._memory)
        self._file.flush()  # (nothing to write once the batch is in)
        start, end = self._offsets[spilled], self._offsets[spilled + 1]
        return pickle.loads(os.pread(self._file.fileno(), end - start, start))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

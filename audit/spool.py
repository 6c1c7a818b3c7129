"""The batch's results, kept on disk once the batch is large, so memory stays flat.

Each letter's result (fields, findings) is written to an anonymous temporary file as it
arrives; in memory stays only what the batch rules need of it (Spool.kept: its key, text
hash, template and the fields batch rules compare). Reading the spool yields every result
again, in order (audit/run.py merges the batch rules' findings in): every output reads it
so, one pass each (passes are independent: each reads the file at its own offsets). Small
batches never touch the disk.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import replace

from .models import LetterResult

SPILL_AT = 500  # letters kept whole in memory before results go to disk


class Spool:
    def __init__(self, needed_fields: Callable[[LetterResult], object] | None = None, spill_at: int | None = None):
        """`needed_fields(result)`: the names of the fields batch rules read (None: all)."""
        self.kept: list[LetterResult] = []  # what batch rules need of each letter (no findings)
        self._memory: list[LetterResult] = []
        self._file = None
        self._offsets = array("q")  # start of each spilled result in the file, then the end
        self._needed = needed_fields
        self._spill_at = SPILL_AT if spill_at is None else spill_at

    def add(self, result: LetterResult, path=None) -> None:
        """`path`: the caller's own name for the letter, kept instead of the result's copy (a
        result from a worker process brings its own)."""
        self.kept.append(self._compact(result, result.path if path is None else path))
        if len(self._memory) < self._spill_at:
            self._memory.append(result)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="letter-audit-")
            self._offsets.append(0)
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def _compact(self, result: LetterResult, path) -> LetterResult:
        names = self._needed(result) if self._needed else None
        if names is None:
            return replace(result, path=path, findings=())
        return replace(result, path=path, findings=(),
                       fields={n: v for n, v in result.fields.items() if n in names},
                       lines={n: v for n, v in result.lines.items() if n in names})

    def __iter__(self) -> Iterator[LetterResult]:
        """Every result in order, as it was added."""
        if self._file is not None:
            self._file.flush()
        for index in range(len(self.kept)):
            yield self._memory[index] if index < len(self._memory) else self._load(index - len(self._memory))

    def _load(self, spilled: int) -> LetterResult:
        start, end = self._offsets[spilled], self._offsets[spilled + 1]
        return pickle.loads(os.pread(self._file.fileno(), end - start, start))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

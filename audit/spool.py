"""The batch's results, kept on disk once the batch is large, so memory stays flat.

Each letter's result arrives prepared by the process that audited it (`Prepare`): what the
batch rules need of it (its key, text hash, template and the fields batch rules compare),
its tally (the summary's counts), and its entry: its rendering in the formats that can
render a letter alone (a JSON record) and the whole result, pickled once. The main process
never pickles a result nor unpickles one it does not show: it keeps the first two in memory
(Spool.kept, Spool.tallies) and stores the entry as the bytes it received, in memory for
small batches, else in an anonymous temporary file. Reading the spool yields every result again, in order
(audit/run.py merges the batch rules' findings in); `rendered` gives a letter's rendering
without reading the result at all; a letter without findings is shown by its kept record.
"""
from __future__ import annotations

import os
import pickle
import struct
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType

from .models import LetterResult, ResultKind

SPILL_AT = 500  # letters kept whole in memory before results go to disk
READ_BLOCK = 1 << 20  # bytes of the spool read at once when it is read through

Tally = tuple[bool, tuple[tuple[str, str], ...]]  # (a letter, not a batch carrier; (rule, severity) per finding)
CLEAN: Tally = (True, ())  # most letters: one shared tuple


def tally_of(result: LetterResult) -> Tally:
    if not result.findings and result.kind == ResultKind.LETTER:
        return CLEAN
    return result.kind == ResultKind.LETTER, tuple((f.rule, f.severity) for f in result.findings)


# What a worker sends for a letter: the fields of its kept record, its tally, and its spool entry
# (the size of its renderings, them, the pickled result).
Prepared = tuple[tuple, Tally, bytes]
_SIZE = struct.Struct("<I")  # an entry starts with the size of its renderings
NOWHERE: Mapping = MappingProxyType({})  # a kept record's lines and cells: one shared, read-only mapping


class Prepare:
    """Makes a Prepared from a result, where the letter was audited. `needed(result)`: the names
    of the fields batch rules read (None: all); `renderers`: format name -> render(result).

    A Prepared is plain tuples, bytes and dicts: the main process receives thousands a second,
    and unpickling a dataclass costs several times that. The entry is the size of the letter's
    renderings pickled, them, then the whole result pickled, so that a rendering is read without the result."""

    def __init__(self, needed: Callable[[LetterResult], object] | None = None,
                 renderers: dict[str, Callable[[LetterResult], str]] | None = None):
        self.needed = needed
        self.renderers = renderers or {}

    def __call__(self, result: LetterResult) -> Prepared:
        names = self.needed(result) if self.needed else None
        fields = result.fields if names is None else {n: v for n, v in result.fields.items() if n in names}
        record = (result.template, fields, result.key, result.content_hash, result.kind == ResultKind.LETTER)
        rendered = {name: render(result) for name, render in self.renderers.items()}
        rendered = pickle.dumps(rendered, protocol=pickle.HIGHEST_PROTOCOL)
        entry = _SIZE.pack(len(rendered)) + rendered + pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        return record, tally_of(result), entry


def _parts(entry: memoryview) -> tuple[memoryview, memoryview]:
    """An entry's pickled renderings and its pickled result."""
    end = _SIZE.size + _SIZE.unpack_from(entry)[0]
    return entry[_SIZE.size:end], entry[end:]


def _rendering(entry: memoryview, name: str) -> str | None:
    return pickle.loads(_parts(entry)[0]).get(name)  # the result unread


class Spool:
    def __init__(self, spill_at: int | None = None):
        self.kept: list[LetterResult] = []  # what batch rules need of each letter (no findings, nor lines)
        self.tallies: list[Tally] = []
        self._memory: list[bytes] = []
        self._file = None
        self._offsets = array("q")  # start of each spilled entry in the file, then the end
        self._spill_at = SPILL_AT if spill_at is None else spill_at
        self._names: dict[str, str] = {}  # each template's name, one string for every letter of it

    def add(self, prepared: Prepared, path: str) -> None:
        """`path`: the letter's path as the run named it (the kept record shares the string)."""
        (template, fields, key, content_hash, letter), tally, entry = prepared
        if template is not None:
            template = self._names.setdefault(template, template)
        self.kept.append(LetterResult(path, template, fields, (), key, content_hash, NOWHERE,
                                      ResultKind.LETTER if letter else ResultKind.BATCH, (), (), NOWHERE))
        self.tallies.append(tally)
        if len(self._memory) < self._spill_at:
            self._memory.append(entry)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="letter-audit-")
            self._offsets.append(0)
        self._file.write(entry)
        self._offsets.append(self._offsets[-1] + len(entry))

    def __len__(self) -> int:
        return len(self.kept)

    def __iter__(self) -> Iterator[LetterResult]:
        """Every result in order, as it was added."""
        for index in range(len(self.kept)):
            yield self.result(index)

    def result(self, index: int) -> LetterResult:
        return pickle.loads(_parts(memoryview(self._entry(index)))[1])

    def rendered(self, index: int, name: str) -> str | None:
        """The letter's rendering in the format `name`, made where it was audited, if it was."""
        return _rendering(memoryview(self._entry(index)), name)

    def renderings(self, name: str) -> Iterator[str | None]:
        """Every letter's rendering in the format `name` (as `rendered`), in order: the spool is
        read through once, a block at a time, not a system call a letter."""
        for entry in self._memory:
            yield _rendering(memoryview(entry), name)
        if self._file is None:
            return
        self._file.flush()
        offsets, start = self._offsets, 0
        block = memoryview(b"")
        for spilled in range(len(offsets) - 1):
            begin, end = offsets[spilled], offsets[spilled + 1]
            if end > start + len(block):
                start = begin
                block = memoryview(os.pread(self._file.fileno(), max(READ_BLOCK, end - begin), begin))
            yield _rendering(block[begin - start:end - start], name)

    def _entry(self, index: int) -> bytes:
        if index < len(self._memory):
            return self._memory[index]
        spilled = index - len(self._memory)
        self._file.flush()  # (nothing to write once the batch is in)
        start, end = self._offsets[spilled], self._offsets[spilled + 1]
        return os.pread(self._file.fileno(), end - start, start)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

"""Letter pages written where each letter is audited, and the drafts that let a page be
written again once the batch is done.

A letter's page needs its text, which the batch results never keep. So the process that
audits a letter (a worker, for a large batch) lays it over its template right after its rules
ran, renders each row once, writes the letter's page with the findings it has so far, and
appends the rendered rows (the draft) to a file of its own in a private temporary folder.
Once the batch rules and the baseline have run, only the pages whose findings changed are
written again, from their drafts. No rule runs twice, and no process holds more than one
letter's text at a time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path

from ...fingerprints import fingerprinted
from ...models import Letter, LetterResult, PairKind
from ..escape import shown_path
from .overlay import lay_over, pair_row
from .render import attribute_escape, row_html, text_escape
from .views import Link, PageDraft, RowHtml, RowKind, SegmentKind

# a draft record: path digest, digest of the fingerprints its page was written with, length; then the draft
_HEADER = struct.Struct(">16s8sI")


class ReportError(Exception):
    """The report cannot be written (the folder is a file, no permission, disk full)."""


@dataclass(frozen=True)
class ReportPlan:
    """Where each letter's page goes, known before the first letter is read."""

    out_dir: Path
    report_id: str
    hrefs: tuple[str, ...]  # relative to the report folder, in batch order
    shown_paths: tuple[str, ...]  # within the folder the batch shares
    hints: tuple[tuple[str, str], ...] = ()  # (rule id, how to check its finding) for the run's rules

    def link(self, k: int) -> Link | None:
        if 0 <= k < len(self.hrefs):
            return Link(Path(self.hrefs[k]).name, self.shown_paths[k])
        return None


class PageKeeper:
    """The pipeline's after_letter hook (audit_batch): picklable, so each worker gets its own copy."""

    def __init__(self, plan: ReportPlan, paths: list[Path], folder: Path):
        self.plan, self.folder = plan, Path(folder)
        self._number = {path_key(path): k for k, path in enumerate(paths)}
        self._shard = None  # this process's draft file, opened on first use

    def numbers(self) -> list[str]:
        """The letters' path keys in batch order."""
        return sorted(self._number, key=self._number.get)

    def __getstate__(self):
        return {**self.__dict__, "_shard": None}

    def __call__(self, ctx: Letter, result: LetterResult) -> None:
        from .pages import write_page  # pages imports this module

        k = self._number.get(path_key(result.path))
        if k is None:
            return
        draft = make_draft(ctx)
        prints = tuple(next(fingerprinted([result]))[1])
        try:
            write_page(self.plan, k, result, tuple(False for _ in result.findings), prints, draft)
            self._append(result.path, prints, draft)
        except OSError as exc:
            raise report_error(self.plan.out_dir, exc) from None

    def _append(self, path: Path, prints: tuple[str, ...], draft: PageDraft) -> None:
        if self._shard is None:
            # unbuffered: a worker process ends without flushing Python's buffers
            self._shard = open(self.folder / f"{os.getpid()}.drafts", "ab", buffering=0)
        # plain tuples pickle several times faster than the named records they hold
        record = (draft.template, draft.notice, tuple(map(tuple, draft.rows)), draft.field_types)
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        self._shard.write(_HEADER.pack(_digest(path_key(path)), prints_digest(prints), len(data)) + data)


class Drafts:
    """The drafts the workers wrote, found by letter path (an index of where each record is)."""

    def __init__(self, folder: Path):
        self._where: dict[bytes, tuple[Path, int, int, bytes]] = {}
        for shard in sorted(Path(folder).glob("*.drafts")):
            with shard.open("rb") as stream:
                while header := stream.read(_HEADER.size):
                    key, prints, length = _HEADER.unpack(header)
                    self._where[key] = (shard, stream.tell(), length, prints)
                    stream.seek(length, os.SEEK_CUR)

    def written_with(self, path: Path) -> bytes | None:
        """The digest of the fingerprints the letter's page was first written with."""
        found = self._where.get(_digest(path_key(path)))
        return found[3] if found else None

    def load(self, path: Path) -> PageDraft | None:
        found = self._where.get(_digest(path_key(path)))
        if found is None:
            return None
        shard, offset, length, _ = found
        with shard.open("rb") as stream:
            stream.seek(offset)
            template, notice, rows, types = pickle.loads(stream.read(length))
        return PageDraft(template, notice, tuple(RowHtml(*row) for row in rows), types)


def make_draft(ctx: Letter) -> PageDraft:
    template = ctx.template.title if ctx.template else None
    types = {name: spec.base for name, spec in ctx.template.fields.items()} if ctx.template else {}
    try:
        rows = _rows_in_step(ctx)
        if rows is None:
            rows = tuple(RowHtml(row.anchor, row.kind, row.line, row.last_line, row.section, row.absent_excerpt,
                                 tuple((s.label, s.text) for s in row.letter if s.kind == SegmentKind.VALUE), row_html(row))
                         for row in lay_over(ctx))
    except Exception as exc:  # a bug must not stop the report: the page still lists the findings
        return failed_draft(template, types, exc)
    return PageDraft(template, _notice(ctx), rows, types)


def failed_draft(template: str | None, field_types: dict, exc: Exception) -> PageDraft:
    """A page without the letter laid over its template, saying why."""
    return PageDraft(template, f"The letter could not be laid over its template because of an internal "
                               f"error ({type(exc).__name__}: {exc}); please report it.", (), field_types)


def report_error(out_dir: Path, exc: OSError) -> ReportError:
    return ReportError(f"cannot write the HTML report to {shown_path(out_dir)}: {exc.strerror or exc}")


def _rows_in_step(ctx: Letter) -> tuple[RowHtml, ...] | None:
    """The rows of a letter that follows its template paragraph for paragraph (most of a batch),
    rendered straight from the alignment: the same HTML as lay_over and row_html give (a test
    holds them to it), several times faster. None for any other letter."""
    alignment = ctx.alignment
    if alignment is None or not alignment.fast or ctx.document.artifacts or len(ctx.document.page_starts) > 1:
        return None  # (page breaks are marked by lay_over)
    rows = []
    for k, pair in enumerate(alignment.pairs):
        para, t = pair.para, pair.template
        if para is None:
            return None
        if pair.kind != PairKind.EXACT:  # free text where the template tolerates it
            row = pair_row(pair, ctx.fields, alignment.missing_sections, k)
            rows.append(RowHtml(row.anchor, row.kind, row.line, row.last_line, row.section, None, (), row_html(row)))
            continue
        line = para.line
        heading = ' class="heading"' if t.heading else ""
        values: tuple[tuple[str, str], ...] = ()
        if pair.match is None:
            inner = text_escape(para.text)
        else:
            inner, values = _values_html(para.text, pair.match, t.slots)
        rows.append(RowHtml(f"L{line}", RowKind.EXACT, line, para.end_line, t.section, None, values,
                            f'<div id="L{line}"{heading} data-ln="{line}"><p>{inner}</p>'))
    return tuple(rows)


def _values_html(text: str, match, slots) -> tuple[str, tuple[tuple[str, str], ...]]:
    parts, values, position = [], [], 0
    for slot in sorted(slots, key=lambda s: match.start(s.group)):
        start, end = match.span(slot.group)
        if start < 0:
            continue
        if start > position:
            parts.append(text_escape(text[position:start]))
        value = text[start:end]
        if slot.field:
            parts.append(f'<mark title="{attribute_escape(slot.field)}">{text_escape(value)}</mark>')
            values.append((slot.field, value))
        else:
            label = attribute_escape(slot.describe)
            parts.append(f'<mark class="agree" title="{label}">{text_escape(value)}</mark>')
        position = end
    if position < len(text):
        parts.append(text_escape(text[position:]))
    return "".join(parts), tuple(values)


def path_key(path: Path) -> str:
    return os.fsdecode(os.fsencode(path))


def prints_digest(prints: tuple[str, ...]) -> bytes:
    return hashlib.blake2b("\x1f".join(prints).encode("ascii", "replace"), digest_size=8).digest()


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=16).digest()


def _notice(ctx: Letter) -> str | None:
    if ctx.raw.text is None:
        return "The file could not be read, so there is no text to show."
    if ctx.alignment is None:
        return ("No template fits this letter: its paragraphs are shown as they are." if ctx.document
                and ctx.document.paragraphs else "The file holds no text.")
    return None

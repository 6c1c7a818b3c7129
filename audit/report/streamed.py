"""Outputs written as the results stream by, never built whole in memory.

A streamed format is a small class: head(), then render(result) for each result in order,
then tail(), each returning text. render holds only what the format must carry from one
result to the next (a count, a fingerprint's repeats), so memory stays flat however large
the batch or its letters. A format whose head needs the whole batch (JUnit's counts) sets
HEAD_LAST: its rendered results go to a temporary file, written out after the head.
"""
from __future__ import annotations

import shutil
import tempfile
from typing import Protocol


class StreamedFormat(Protocol):
    NAME: str
    HEAD_LAST: bool

    def head(self) -> str: ...

    def render(self, result) -> str: ...

    def tail(self) -> str: ...


def slim(results):
    """The results as a format that reads only a result's path, template, kind, key and
    findings needs them (run.Results.slim: letters without findings are not read back)."""
    return results.slim() if hasattr(results, "slim") else results


def _pieces(output, results):
    """Each result rendered. A format that renders a letter alone (`placed`) takes the letters
    rendered where they were audited (run.Results.rendered) as they are; one that reads only a
    result's path, template, kind, key and findings (SLIM) takes the batch's slim results
    (run.Results.slim): neither reads back the results it need not."""
    placed = getattr(output, "placed", None)
    if placed is not None and hasattr(results, "rendered"):
        return (placed(item) if isinstance(item, str) else output.render(item) for item in results.rendered(output.NAME))
    return map(output.render, slim(results) if getattr(output, "SLIM", False) else results)


def write_streamed(output: StreamedFormat, results, stream) -> None:
    if not output.HEAD_LAST:
        stream.write(output.head())
        for piece in _pieces(output, results):
            stream.write(piece)
        stream.write(output.tail())
        return
    with tempfile.TemporaryFile("w+", encoding="utf-8", prefix="letter-audit-") as body:
        for piece in _pieces(output, results):
            body.write(piece)
        stream.write(output.head())
        body.seek(0)
        shutil.copyfileobj(body, stream)
        stream.write(output.tail())

"""`letter-audit template infer PATH... -o FILE [--name NAME]`: infer, write atomically, summarise on stderr."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..atomic import atomic_open
from ..report.escape import shown_path, terminal_safe
from ..read import DEFAULT_EXTENSIONS, describe_extensions, iter_letter_paths, looks_like_template
from . import Inference, InferenceError, infer_template
from .render import file_names, render


def run_infer(paths: list[Path], output: Path, name: str | None, progress: Callable[[int], object | None]) -> int:
    """`progress(total)` gives a bar (with `step()` per letter audited and `close()`), or None."""
    if name is not None and not name.strip():
        raise InferenceError("--name needs a name")
    for path in paths:
        if not os.path.lexists(path):
            raise InferenceError(f"no such file or directory: {_shown(path)}")
    letters = []
    for path in iter_letter_paths(paths):
        if looks_like_template(path):  # a template lying among the letters, perhaps an earlier output
            print(f"letter-audit: note: skipped {_shown(path)}: it is a letter template, not a letter", file=sys.stderr)
        else:
            letters.append(path)
    if not letters:
        raise InferenceError(f"no letters found in {', '.join(map(_shown, paths))}; "
                             f"looked for {describe_extensions(DEFAULT_EXTENSIONS)}")
    if output.resolve() in {p.resolve() for p in letters}:
        raise InferenceError(f"{_shown(output)} is one of the letters; letters are only ever read")
    bar = progress(len(letters))
    inference = infer_template(letters, name or output.stem, bar.step if bar else None)
    if bar:
        bar.close()
    write_atomically(output, render(inference))
    print(summary(inference, output), file=sys.stderr)
    return 0


def write_atomically(output: Path, text: str) -> None:
    """Written whole or not at all (audit/atomic.py)."""
    try:
        with atomic_open(output, follow=True) as stream:  # the user named it
            stream.write(text)
    except OSError as exc:
        raise InferenceError(f"cannot write {_shown(output)}: {exc.strerror or exc}") from None


def summary(inference: Inference, output: Path) -> str:
    used = len(inference.sample) - len(inference.outliers)
    sections = inference.sections
    headless = 0 if inference.blocks and inference.blocks[0].kind == "heading" else 1  # the letter head
    paragraphs = sum(1 for b in inference.blocks if b.kind != "heading")
    broken = sum(1 for r in inference.relations if r.breakers)
    lines = [f"letter-audit: learned from {used} of {len(inference.paths)} letters"
             + (f" (a sample); {len(inference.outliers)} unlike the others left out" if len(inference.sample) < len(inference.paths)
                else f"; {len(inference.outliers)} unlike the others left out")
             + (f"; {len(inference.unreadable)} unreadable" if inference.unreadable else ""),
             f"  {len(sections) + headless} sections ({sum(1 for s in sections if s.optional)} optional), {paragraphs} paragraphs, "
             f"{len(inference.fields)} fields, {len(inference.relations)} checks"
             + (f" ({broken} broken by some letters: likely errors)" if broken else "")]
    if inference.outliers:
        lines.append(f"  left out as unlike the others: {file_names(inference.outliers)}")
    if inference.key_field:
        lines.append(f"  key field: {inference.key_field}")
    verified = inference.verification
    if verified:
        lines.append(f"  audited with it: {verified.matching} of {verified.letters} letters have every paragraph as "
                     f"written; {len(verified.deviating)} differ; {len(verified.unrecognised)} match nothing")
    lines.append(f"wrote {_shown(output)}; review it, then run: letter-audit check PATH --template {_shown(output)}")
    return "\n".join(lines)


def _shown(path: Path) -> str:
    return terminal_safe(shown_path(path))

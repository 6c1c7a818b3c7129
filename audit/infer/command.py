"""`letter-audit template infer PATH... -o FILE [--name NAME]`: infer, write atomically, summarise on stderr."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from ..atomic import atomic_open
from ..report.escape import shown_path, terminal_safe
from ..settings import Settings
from ..template import Template, parse_template
from . import Inference, InferenceError, infer_versions
from .render import file_names, render

STDOUT = "-"


def run_infer(letters: list[Path], output: Path, name: str | None, progress: Callable[[int], object | None],
              settings: Settings | None = None, force_one_template: bool = False) -> int:
    """Infer from `letters` (found by `check`'s discovery) and write the template to `output`
    (`-`: standard output). `progress(total)` gives a bar (with `step()` per letter audited and
    `close()`), or None."""
    if name is not None and not name.strip():
        raise InferenceError("--name needs a name")
    to_stdout = str(output) == STDOUT
    if not to_stdout and output.resolve() in {p.resolve() for p in letters}:
        raise InferenceError(f"{_shown(output)} is one of the letters; letters are only ever read")
    bar = progress(len(letters))
    versions = infer_versions(letters, name or ("inferred" if to_stdout else output.stem),
                              bar.step if bar else None, settings=settings, force_one_template=force_one_template)
    if bar:
        bar.close()
    targets = [output] + [output.with_name(f"{output.stem}-v{n}{output.suffix}") for n in range(2, len(versions) + 1)]
    given = {p.resolve() for p in letters}
    for target in targets[1:]:
        if not to_stdout and target.resolve() in given:
            raise InferenceError(f"{_shown(target)} is one of the letters; letters are only ever read")
    for number, (inference, target) in enumerate(zip(versions, targets), start=1):
        text = render(inference)
        written = parse_template(text, target)  # what `template check` will count
        if to_stdout and number == 1:
            sys.stdout.write(text)
            sys.stdout.flush()
        elif not to_stdout:
            write_atomically(target, text)
        print(summary(inference, written, target), file=sys.stderr)
    if len(versions) > 1:
        print(versions_summary(versions, targets, to_stdout), file=sys.stderr)
    return 0


def versions_summary(versions: list[Inference], targets: list[Path], to_stdout: bool) -> str:
    """The versions with their letter counts and date ranges, and how to audit with all of them."""
    lines = [f"letter-audit: {len(versions)} versions of the form:"]
    for inference, target in zip(versions, targets):
        dates = inference.dates
        span = f", dated {dates[0].isoformat()} to {dates[1].isoformat()}" if dates else ""
        shown = "standard output" if to_stdout and target is targets[0] else _shown(target)
        lines.append(f"  {inference.name}: {len(inference.paths) - len(inference.outliers)} letters{span} ({shown})")
    if to_stdout:
        lines.append("  only the first was written (to standard output); give -o FILE to write them all")
    else:
        lines.append("  audit with all of them: letter-audit check PATH " + " ".join(f"-t {_shown(t)}" for t in targets)
                     + " (each letter is matched with its version)")
    return "\n".join(lines)


def write_atomically(output: Path, text: str) -> None:
    """Written whole or not at all (audit/atomic.py)."""
    try:
        with atomic_open(output, follow=True) as stream:  # the user named it
            stream.write(text)
    except OSError as exc:
        raise InferenceError(f"cannot write {_shown(output)}: {exc.strerror or exc}") from None


def summary(inference: Inference, template: Template, output: Path) -> str:
    """What was learned, counted on the written template as `template check` counts it."""
    used = inference.used
    optional = sum(1 for s in template.sections.values() if not s.required)
    broken = sum(1 for r in inference.relations if r.breakers)
    lines = [f"letter-audit: learned from {used} of {len(inference.paths)} letters"
             + (f" (a sample); {len(inference.outliers)} unlike the others left out" if len(inference.sample) < len(inference.paths)
                else f"; {len(inference.outliers)} unlike the others left out")
             + (f"; {len(inference.unreadable)} unreadable" if inference.unreadable else ""),
             f"  {template.summary()}; {optional} of the sections optional"
             + (f"; {broken} checks broken by some letters: likely errors" if broken else "")]
    if inference.outliers:
        lines.append(f"  left out as unlike the others: {file_names(inference.outliers)}")
    if inference.form_versions:
        lines.append(f"  {len(inference.form_versions)} versions of the form, recorded in this one template "
                     "(the paragraphs of some versions only marked {versions: ...}):")
        for version in inference.form_versions:
            dates = version.dates
            span = f", dated {dates[0].isoformat()} to {dates[1].isoformat()}" if dates else ""
            lines.append(f"    {version.name}: learned from {version.letters} letters{span}; check reads "
                         f"{version.read} letters as following it, {version.mixed} of them mixing versions")
    if inference.key_field:
        lines.append(f"  key field: {inference.key_field}")
    verified = inference.verification
    if verified:
        lines.append(f"  audited with it: {verified.matching} of {verified.letters} letters have every paragraph as "
                     f"written; {len(verified.deviating)} differ; {len(verified.unrecognised)} match nothing")
    written = "the template to standard output" if str(output) == STDOUT else _shown(output)
    shown = "FILE" if str(output) == STDOUT else _shown(output)
    lines.append(f"wrote {written}; review it, then run: letter-audit check PATH --template {shown}")
    return "\n".join(lines)


def _shown(path: Path) -> str:
    return terminal_safe(shown_path(path))

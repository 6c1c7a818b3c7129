"""The static HTML report: an overview of the batch (index.html, fields.csv), one page per
letter and the rules the findings refer to (rules.html).

One pipeline: each letter's page is written by the process that audited it, right after its
rules ran, and its rows kept as a draft (drafts.py); once the batch rules and the baseline
have run, the pages whose findings changed are written again from their drafts, then the index.

    with HtmlReport(out_dir, paths, settings.rules) as report:
        results = list(audit_batch(paths, settings, after_letter=report.keeper))
        ...batch rules, baseline...
        report.write(results, settings, baseline)
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ... import baseline as baselines
from ...atomic import atomic_open, write_bytes, write_text
from ...models import Finding, LetterResult
from ...settings import Settings
from ..as_csv import table, write_table
from ..escape import shown_path
from .drafts import Drafts, PageKeeper, ReportError, ReportPlan, path_key, prints_digest, report_error
from .index_page import index_page, shown_paths
from .names import LETTER_DIR, page_href
from .pages import rewrite_pages
from .render import STATIC_DIR, environment
from .rules_page import rules_page

__all__ = ["HtmlReport", "ReportError", "default_report_dir"]


def default_report_dir(now: datetime | None = None) -> Path:
    return Path("reports") / (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


class HtmlReport:
    """A report under way for the letters at `paths`: `keeper` is the pipeline's after_letter
    hook; `write` finishes the report once the batch's findings are final. Use as a context
    manager (or call close): the drafts are removed however the run ends, and a report that
    was not finished is removed again (the whole folder when the run created it).

    Every file is written whole (a temporary file renamed into place), which also replaces a
    symbolic link planted in the folder rather than writing through it; a folder inside the
    report that is a link is refused. index.html is removed first and written last: a report
    that was interrupted or failed has no index page claiming it complete."""

    def __init__(self, out_dir: Path, paths: list[Path], rules: dict):
        """`rules`: the run's catalogue (Settings.rules), whose hints the pages show."""
        self.out_dir = Path(out_dir)
        total = len(paths)
        hrefs = tuple(page_href(number, path, total) for number, path in enumerate(paths, start=1))
        root, shown = shown_paths(list(paths))
        self.root = root
        self.plan = ReportPlan(self.out_dir, _report_id(self.out_dir), hrefs, tuple(shown),
                               tuple((rule.id, rule.hint) for rule in rules.values()))
        self._created = not os.path.lexists(self.out_dir)
        self._complete = False
        self._drafts: Path | None = None
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)  # the folder itself is the user's choice, a link or not
            if os.path.lexists(self.out_dir / "index.html"):
                os.unlink(self.out_dir / "index.html")  # an older report's index would claim this one complete
            _folder(self.out_dir / LETTER_DIR)
            static = _folder(self.out_dir / "static")
            for source in sorted(STATIC_DIR.iterdir()):
                if source.is_file():
                    write_bytes(static / source.name, source.read_bytes())
        except OSError as exc:
            self.close()
            raise report_error(self.out_dir, exc) from None
        self._drafts = Path(tempfile.mkdtemp(prefix="letter-audit-html-"))
        self.keeper = PageKeeper(self.plan, list(paths), self._drafts)

    def __enter__(self) -> "HtmlReport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._drafts is not None:
            shutil.rmtree(self._drafts, ignore_errors=True)
        if not self._complete:
            self._remove_partial()

    def _remove_partial(self) -> None:
        if self._created:
            shutil.rmtree(self.out_dir, ignore_errors=True)
            return
        written = [self.out_dir / "index.html", self.out_dir / "rules.html", self.out_dir / "fields.csv",
                   *(self.out_dir / "static" / source.name for source in STATIC_DIR.iterdir()),
                   *(self.out_dir / href for href in self.plan.hrefs)]
        for path in written:
            with contextlib.suppress(OSError):
                if not os.path.isdir(path) or os.path.islink(path):
                    os.unlink(path)

    def write(self, results: Iterable[LetterResult], settings: Settings, baseline=None) -> Path:
        """Finish the report and return the path of its index page. `results`: every result with
        every finding, read once; the findings `baseline` holds are shown collapsed on their
        letters' pages as accepted, and count for nothing."""
        try:
            self._write(results, settings, baseline)
        except OSError as exc:
            raise report_error(self.out_dir, exc) from None
        return self.out_dir / "index.html"

    def _write(self, results: Iterable[LetterResult], settings: Settings, baseline) -> None:
        number = {path: k for k, path in enumerate(self.keeper.numbers())}
        drafts = Drafts(self._drafts)
        rewrites, letters, about_batch = [], [], []
        for result, held, prints in _marked(results, baseline):
            k = number.get(path_key(result.path))
            kept = _without_accepted(result, held)
            if not is_letter(result) or k is None:
                if kept.findings:
                    about_batch.append(kept)
                continue
            letters.append(_compact(kept))
            if any(held) or drafts.written_with(result.path) != prints_digest(tuple(prints)):
                rewrites.append((k, result, tuple(held), tuple(prints)))
        rewrite_pages(self.plan, drafts, rewrites)

        with atomic_open(self.out_dir / "fields.csv", newline="") as stream:
            write_table(table(letters), stream)
        env = environment()
        templates = {t.name: t for t in settings.templates}
        generated = datetime.now().strftime("%Y-%m-%d %H:%M")
        index = index_page(letters, about_batch, templates, list(self.plan.hrefs), list(self.plan.shown_paths),
                           self.root, generated)
        index.report_id = self.plan.report_id
        write_text(self.out_dir / "rules.html", env.get_template("rules.html").render(
            page=rules_page(settings.rules), static="static", home="index.html"))
        # last: an index page says the report is complete
        write_text(self.out_dir / "index.html", env.get_template("index.html").render(
            page=index, static="static", home="index.html"))
        self._complete = True


def _marked(results: Iterable[LetterResult], baseline) -> Iterator[tuple[LetterResult, list[bool], list[str]]]:
    """Each result with, per finding, whether the baseline accepted it and its fingerprint, in one pass."""
    if baseline is not None:
        yield from baseline.marked(results)
        return
    for result, prints in baselines.fingerprinted(results):
        yield result, [False] * len(prints), prints


def _compact(result: LetterResult) -> LetterResult:
    """What the index and fields.csv need of a letter: its fields and its findings' rule, severity
    and message (no evidence, excerpt or diff; no lines or text hash)."""
    return replace(result, findings=[Finding(f.rule, f.severity, f.message, f.line) for f in result.findings],
                   lines={}, content_hash=None)


def _without_accepted(result: LetterResult, accepted: list[bool]) -> LetterResult:
    if not any(accepted):
        return result
    return replace(result, findings=[f for f, a in zip(result.findings, accepted) if not a])


def _report_id(out_dir: Path) -> str:
    """Names this report's review decisions in the browser's storage: a report written again
    into the same folder keeps its reviewer's decisions (they follow findings by fingerprint)."""
    return hashlib.blake2b(os.fsencode(out_dir.resolve()), digest_size=8).hexdigest()


def _folder(path: Path) -> Path:
    """`path` as a real folder of the report: created if missing, refused if it is a link or a file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        path.mkdir(parents=True)
        return path
    if stat.S_ISLNK(info.st_mode):
        raise ReportError(f"refusing to write the HTML report through {shown_path(path)}: it is a symbolic link")
    if not stat.S_ISDIR(info.st_mode):
        raise ReportError(f"cannot write the HTML report: {shown_path(path)} is not a folder")
    return path


def is_letter(result: LetterResult) -> bool:
    """False for a result that carries findings about the whole batch rather than a letter
    (kind "batch", made by batch rules): it gets no page; the index lists its findings."""
    return result.kind == "letter"

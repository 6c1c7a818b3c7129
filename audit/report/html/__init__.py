"""The static HTML report: an overview of the batch (index.html, fields.csv) and one page per letter.

Letter pages need the letter's text, which the batch results do not keep; each letter is
read and aligned again, its page written, and its text dropped before the next one (pages.py).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

from ...atomic import atomic_open, write_bytes
from ...models import LetterResult
from ...settings import Settings
from ..as_csv import table, write_table
from ..escape import shown_path
from .index_page import index_page, shown_paths
from .names import LETTER_DIR, page_href
from .pages import PageJob, write_pages
from .render import STATIC_DIR, environment
from .views import Link

__all__ = ["ReportError", "default_report_dir", "write_html"]


class ReportError(Exception):
    """The report cannot be written (the folder is a file, no permission, disk full)."""


def default_report_dir(now: datetime | None = None) -> Path:
    return Path("reports") / (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def write_html(results: list[LetterResult], settings: Settings, out_dir: Path) -> Path:
    """Write the report into `out_dir` and return the path of its index page.

    Every file is written whole (a temporary file renamed into place), which also replaces a
    symbolic link planted in the folder rather than writing through it; a folder inside the
    report that is a link is refused. index.html is removed first and written last: a report
    that was interrupted or failed has no index page, and the files it wrote are removed
    again (as coverage.py does)."""
    out_dir = Path(out_dir)
    created = not os.path.lexists(out_dir)
    written: list[Path] = []
    try:
        _write(results, settings, out_dir, written)
    except BaseException as exc:
        _remove_partial(out_dir, created, written)
        if isinstance(exc, OSError):
            raise ReportError(f"cannot write the HTML report to {shown_path(out_dir)}: {exc.strerror or exc}") from None
        raise
    return out_dir / "index.html"


def _remove_partial(out_dir: Path, created: bool, written: list[Path]) -> None:
    if created:
        shutil.rmtree(out_dir, ignore_errors=True)
        return
    for path in [out_dir / "index.html", *written]:
        with contextlib.suppress(OSError):
            if not os.path.isdir(path) or os.path.islink(path):
                os.unlink(path)


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


def _write(results: list[LetterResult], settings: Settings, out_dir: Path, written: list[Path]) -> None:
    env = environment()
    letters = [r for r in results if is_letter(r)]
    total = len(letters)
    hrefs = [page_href(number, r.path, total) for number, r in enumerate(letters, start=1)]
    root, paths = shown_paths([r.path for r in letters])
    out_dir.mkdir(parents=True, exist_ok=True)  # the folder itself is the user's choice, a link or not
    if os.path.lexists(out_dir / "index.html"):
        os.unlink(out_dir / "index.html")  # an older report's index would claim this one complete
    _folder(out_dir / LETTER_DIR)
    static = _folder(out_dir / "static")
    for source in sorted(STATIC_DIR.iterdir()):
        if source.is_file():
            written.append(static / source.name)
            write_bytes(static / source.name, source.read_bytes())

    jobs = [PageJob(k + 1, total, result, paths[k], hrefs[k],
                    Link(Path(hrefs[k - 1]).name, paths[k - 1]) if k > 0 else None,
                    Link(Path(hrefs[k + 1]).name, paths[k + 1]) if k + 1 < total else None)
            for k, result in enumerate(letters)]
    written.extend(out_dir / job.href for job in jobs)
    write_pages(jobs, settings, out_dir)

    written.append(out_dir / "fields.csv")
    with atomic_open(out_dir / "fields.csv", newline="") as stream:
        write_table(table(results), stream)
    templates = {t.name: t for t in settings.templates}
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    about_batch = [r for r in results if not is_letter(r)]
    index = index_page(letters, about_batch, templates, hrefs, paths, root, generated)
    _write_text(out_dir / "index.html", env.get_template("index.html").render(page=index, static="static",
                                                                              home="index.html"))


def is_letter(result: LetterResult) -> bool:
    """False for a result that carries findings about the whole batch rather than a letter
    (kind "batch", made by batch rules): it gets no page; the index lists its findings."""
    return result.kind == "letter"


def _write_text(path: Path, text: str) -> None:
    with atomic_open(path) as stream:
        stream.write(text)

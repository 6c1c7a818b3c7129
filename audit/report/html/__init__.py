"""The static HTML report: an overview of the batch (index.html, fields.csv) and one page per letter.

Letter pages need the letter's text, which the batch results do not keep; each letter is
read and aligned again, its page written, and its text dropped before the next one (pages.py).
"""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from ...models import LetterResult
from ...settings import Settings
from ..as_csv import table
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
    """Write the report into `out_dir` and return the path of its index page."""
    out_dir = Path(out_dir)
    try:
        _write(results, settings, out_dir)
    except OSError as exc:
        raise ReportError(f"cannot write the HTML report to {out_dir}: {exc.strerror or exc}") from None
    return out_dir / "index.html"


def _write(results: list[LetterResult], settings: Settings, out_dir: Path) -> None:
    env = environment()
    letters = [r for r in results if is_letter(r)]
    total = len(letters)
    hrefs = [page_href(number, r.path, total) for number, r in enumerate(letters, start=1)]
    root, paths = shown_paths([r.path for r in letters])
    (out_dir / LETTER_DIR).mkdir(parents=True, exist_ok=True)
    shutil.copytree(STATIC_DIR, out_dir / "static", dirs_exist_ok=True)

    jobs = [PageJob(k + 1, total, result, paths[k], hrefs[k],
                    Link(Path(hrefs[k - 1]).name, paths[k - 1]) if k > 0 else None,
                    Link(Path(hrefs[k + 1]).name, paths[k + 1]) if k + 1 < total else None)
            for k, result in enumerate(letters)]
    write_pages(jobs, settings, out_dir)

    table(results).to_csv(out_dir / "fields.csv", index=False, lineterminator="\n")
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
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)

"""Write one page per letter: read and align the letter again, render, write, forget its text.

A large batch is shared out among worker processes (audit/workers.py): re-reading the
letters is most of the report's work.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from ...atomic import atomic_open
from ...models import Letter, LetterResult
from ...pipeline import audit_letter
from ...settings import Settings
from ...workers import map_in_workers, worth_sharing
from .letter_page import letter_page
from .render import environment
from .views import Link


@dataclass(frozen=True)
class PageJob:
    """What a letter's page needs besides the letter itself; small, so it travels to workers cheaply."""

    number: int
    total: int
    result: LetterResult
    shown_path: str
    href: str  # relative to the report folder
    previous: Link | None
    next: Link | None


class PageWriter:
    def __init__(self, settings: Settings, out_dir: Path):
        self.settings, self.out_dir = settings, out_dir
        self.template = environment().get_template("letter.html")

    def write(self, job: PageJob) -> None:
        ctx, _ = audit_letter(job.result.path, self.settings)
        page_of = partial(letter_page, job.number, job.total, job.result)
        try:
            page = page_of(ctx, job.shown_path, job.previous, job.next)
        except Exception as exc:  # a bug must not stop the report: the page still lists the findings
            page = page_of(Letter(ctx.raw), job.shown_path, job.previous, job.next,
                           notice=f"The letter could not be laid over its template because of an internal "
                                  f"error ({type(exc).__name__}: {exc}); please report it.")
        html = self.template.render(page=page, static="../static", home="../index.html")
        with atomic_open(self.out_dir / job.href) as stream:  # whole, and never through a planted link
            stream.write(html)


def write_pages(jobs: list[PageJob], settings: Settings, out_dir: Path) -> None:
    if not worth_sharing(len(jobs)):
        writer = PageWriter(settings, out_dir)
        for job in jobs:
            writer.write(job)
        return
    # a fresh copy of the settings: loaded templates hold compiled checks that do not pickle (spawn)
    for _ in map_in_workers(_write_in_worker, jobs, _start_worker, (replace(settings), out_dir)):
        pass


_worker: PageWriter | None = None


def _start_worker(settings: Settings, out_dir: Path) -> None:
    global _worker
    _worker = PageWriter(settings, out_dir)


def _write_in_worker(job: PageJob) -> None:
    _worker.write(job)

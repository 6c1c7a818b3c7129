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
import ctypes
import hashlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ...fingerprints import fingerprinted
from ...atomic import atomic_open, on_commit, umask, write_bytes, write_text
from ...models import Finding, LetterResult, ResultKind
from ...settings import Settings
from .. import as_csv
from ..escape import shown_path
from .drafts import Drafts, PageKeeper, ReportError, ReportPlan, path_key, prints_digest, report_error
from .index_page import IndexTable, index_page, shown_paths
from .names import LETTER_DIR, page_href
from .pages import rewrite_pages
from .render import STATIC_DIR, environment, json_data
from .rules_page import rules_page

__all__ = ["HtmlReport", "ReportError", "default_report_dir"]


def default_report_dir(now: datetime | None = None) -> Path:
    return Path("reports") / (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


class HtmlReport:
    """A report under way for the letters at `paths`: `keeper` is the pipeline's after_letter
    hook; `write` finishes the report once the batch's findings are final. Use as a context
    manager (or call close).

    The report is written into a new hidden folder beside its own (`.NAME.new-…`, on the same
    file system), drafts included, and swapped in whole at the end: until then the previous
    report stands untouched, and whatever ends the run, the folder under way is removed and the
    previous report stays. A lock file beside the folder (`.NAME.lock`) makes a second run into
    the same folder stop at once instead of mixing its pages with the first one's. A folder
    holding anything that is not a report is refused: the swap would remove it."""

    def __init__(self, out_dir: Path, paths: list[Path], rules: dict):
        """`rules`: the run's catalogue (Settings.rules), whose hints the pages show."""
        self.final = Path(out_dir)
        if self.final.is_symlink():  # the folder itself is the user's choice, a link or not
            self.final = Path(os.path.realpath(self.final))
        total = len(paths)
        hrefs = tuple(page_href(number, path, total) for number, path in enumerate(paths, start=1))
        root, shown = shown_paths(list(paths))
        self.root = root
        hints = tuple((rule.id, rule.hint) for rule in rules.values())
        self._drafts: Path | None = None
        self._lock = None
        self.out_dir = None  # the folder under way
        try:
            _refuse_foreign(self.final)
            self.final.parent.mkdir(parents=True, exist_ok=True)
            self._lock = _locked(self.final)
            self.out_dir = Path(tempfile.mkdtemp(dir=self.final.parent, prefix=f".{self.final.name[:60]}.new-"))
            os.chmod(self.out_dir, _mode_of(self.final))
            (self.out_dir / LETTER_DIR).mkdir()
            (self.out_dir / "static").mkdir()
            for source in sorted(STATIC_DIR.iterdir()):
                if source.is_file():
                    write_bytes(self.out_dir / "static" / source.name, source.read_bytes())
            self._drafts = self.out_dir / DRAFTS_DIR
            self._drafts.mkdir()
        except OSError as exc:
            self.close()
            raise report_error(self.final, exc) from None
        except ReportError:
            self.close()
            raise
        self.plan = ReportPlan(self.out_dir, _report_id(self.final), hrefs, tuple(shown), hints)
        self.keeper = PageKeeper(self.plan, list(paths), self._drafts)

    def __enter__(self) -> "HtmlReport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Remove the folder under way (swapped in already, or given up) and release the lock."""
        if self.out_dir is not None:
            shutil.rmtree(self.out_dir, ignore_errors=True)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._lock.name)
            self._lock.close()
            self._lock = None

    def _swap(self) -> None:
        """The finished report in place of the previous one (whose files are then removed)."""
        if not os.path.lexists(self.final):
            os.rename(self.out_dir, self.final)
            return
        if not _exchange(self.out_dir, self.final):
            old = Path(tempfile.mkdtemp(dir=self.final.parent, prefix=f".{self.final.name[:60]}.old-"))
            os.replace(self.final, old / "report")
            os.rename(self.out_dir, self.final)
            os.rename(old, self.out_dir)
        # self.out_dir now holds the previous report, which close() removes

    def write(self, results: Iterable[LetterResult], settings: Settings, baseline=None) -> Path:
        """Finish the report and return the path of its index page. `results`: every result with
        every finding, read once; the findings `baseline` holds are shown collapsed on their
        letters' pages as accepted, and count for nothing."""
        try:
            self._write(results, settings, baseline)
            shutil.rmtree(self._drafts)
            on_commit(self._swap)  # with the run's other outputs, when it ends well
        except OSError as exc:
            raise report_error(self.final, exc) from None
        return self.final / "index.html"

    def _write(self, results: Iterable[LetterResult], settings: Settings, baseline) -> None:
        number = {path: k for k, path in enumerate(self.keeper.numbers())}
        drafts = Drafts(self._drafts)
        templates = {t.name: t for t in settings.templates}
        about_batch = []
        # the index's rows wait in the folder under way: letter text never lands in the system's temporary folder
        with tempfile.TemporaryFile("w+", encoding="utf-8", dir=self._drafts) as spill:
            table = IndexTable(templates, self.root, spill)
            rewrites = []
            for result, held, prints in _marked(results, baseline):
                k = number.get(path_key(result.path))
                kept = _without_accepted(result, held)
                if not is_letter(result) or k is None:
                    if kept.findings:
                        about_batch.append(kept)
                    continue
                table.add(kept, self.plan.hrefs[k], self.plan.shown_paths[k],
                          [p for p, h in zip(prints, held) if not h], [p for p, h in zip(prints, held) if h])
                if any(held) or drafts.written_with(result.path) != prints_digest(tuple(prints)):
                    rewrites.append((k, result, tuple(held), tuple(prints)))
                    if len(rewrites) == REWRITES_AT_ONCE:
                        rewrite_pages(self.plan, drafts, rewrites)
                        rewrites = []
            rewrite_pages(self.plan, drafts, rewrites)

            env = environment()
            index = index_page(table, about_batch, datetime.now().strftime("%Y-%m-%d %H:%M"))
            index.report_id = self.plan.report_id
            write_text(self.out_dir / "rules.html", env.get_template("rules.html").render(
                page=rules_page(settings.rules), static="static", home="index.html"))
            _write_table(self.out_dir, env.get_template("index.html"), index, table)


def _write_table(out_dir: Path, template, index, table: IndexTable) -> None:
    """The index page, its rows streamed into its data block, and fields.csv, from one reading of
    the table's rows: never the whole page or table in memory."""
    marker = f"rows-{secrets.token_hex(16)}"
    index.data["rows"] = marker
    head, tail = template.render(page=index, static="static", home="index.html").split(f'"{marker}"')
    with atomic_open(out_dir / "index.html") as page, atomic_open(out_dir / "fields.csv", newline="") as csv:
        page.write(head + "[")
        csv.write(as_csv.line(table.csv_columns()))
        for k, (row, cells) in enumerate(table.rows()):
            page.write(("," if k else "") + json_data(row))
            csv.write(as_csv.line(cells))
        page.write("]" + tail)


def _marked(results: Iterable[LetterResult], baseline) -> Iterator[tuple[LetterResult, list[bool], list[str]]]:
    """Each result with, per finding, whether the baseline accepted it and its fingerprint, in one pass."""
    if baseline is not None:
        yield from baseline.marked(results)
        return
    for result, prints in fingerprinted(results):
        yield result, [False] * len(prints), prints


def _without_accepted(result: LetterResult, accepted: list[bool]) -> LetterResult:
    if not any(accepted):
        return result
    return replace(result, findings=[f for f, a in zip(result.findings, accepted) if not a])


def _report_id(out_dir: Path) -> str:
    """Names this report's review decisions in the browser's storage: a report written again
    into the same folder keeps its reviewer's decisions (they follow findings by fingerprint)."""
    return hashlib.blake2b(os.fsencode(out_dir.resolve()), digest_size=8).hexdigest()


REWRITES_AT_ONCE = 256  # pages rewritten in one go: the results they need stay in memory meanwhile
DRAFTS_DIR = ".drafts"  # inside the folder under way: letter text never lands in the system's temporary folder
REPORT_ENTRIES = frozenset({"index.html", "rules.html", "fields.csv", "static", LETTER_DIR})
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _refuse_foreign(folder: Path) -> None:
    """A folder that holds anything but a report (or is no folder) is not replaced."""
    try:
        entries = sorted(os.listdir(folder))
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise ReportError(f"cannot write the HTML report: {shown_path(folder)} is not a folder") from None
    foreign = [name for name in entries if name not in REPORT_ENTRIES and not name.endswith(".tmp")]
    if foreign:
        raise ReportError(f"refusing to replace {shown_path(folder)} with the HTML report: it holds "
                          f"{shown_path(Path(foreign[0]))}, which is not part of a letter-audit report; "
                          "choose a new or empty folder")


def _locked(folder: Path):
    """The lock beside `folder`, held until close; ReportError when another run holds it."""
    path = folder.parent / f".{folder.name[:60]}.lock"
    handle = open(path, "a+b")
    try:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # not on a POSIX system: no lock
        pass
    except BlockingIOError:
        handle.close()
        raise ReportError(f"another letter-audit run is writing the HTML report {shown_path(folder)}; "
                          "wait for it to end, or choose another folder") from None
    return handle


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where that is not possible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        rename = libc.renameat2
    except (OSError, AttributeError):
        return False
    return rename(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0


def _mode_of(folder: Path) -> int:
    """The permissions the report folder has, or those a new folder would get."""
    try:
        return stat.S_IMODE(os.stat(folder).st_mode)
    except OSError:
        return 0o777 & ~umask()


def is_letter(result: LetterResult) -> bool:
    """False for a result that carries findings about the whole batch rather than a letter
    (kind "batch", made by batch rules): it gets no page; the index lists its findings."""
    return result.kind == ResultKind.LETTER

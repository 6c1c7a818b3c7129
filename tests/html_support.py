"""Helpers for the HTML report tests: write a report through the CLI, and a headless Chromium.

The browser is Debian's Chromium driven by Playwright (never `playwright install`). Without
it the browser tests skip on a workstation, but fail when CI is set: a skip must never hide
a missing dependency in CI.
"""
from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

from audit.report.html.names import LETTER_DIR


from audit.cli import main

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "fixtures" / "letters"
SCREENSHOTS = ROOT / "reports" / "screenshots"  # git-ignored
DOCS = ROOT / "docs"
CHROMIUM = Path(os.environ.get("LETTER_AUDIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def write_report(out_dir: Path, *paths: Path) -> Path:
    """Run `letter-audit check PATHS --html OUT_DIR` and return the index page."""
    code = main(["check", *map(str, paths), "--format", "json", "--output", str(out_dir / "audit.json"),
                 "--html", str(out_dir)])
    assert code in (0, 1)
    index = out_dir / "index.html"
    assert index.is_file()
    return index


def letter_pages(out_dir: Path) -> list[Path]:
    """The report's letter pages; none is a failure (a test looping over them would check nothing)."""
    pages = sorted((out_dir / LETTER_DIR).glob("*.html"))
    assert pages, f"no letter pages in {out_dir / LETTER_DIR}"
    return pages


def page_of(out_dir: Path, stem: str) -> Path:
    """The page of the letter whose file name starts with `stem` (e.g. "002")."""
    found = [p for p in letter_pages(out_dir) if p.name.split("-", 1)[1].startswith(stem)]
    assert len(found) == 1, found
    return found[0]


def screenshot(tab, name: str, docs_name: str | None = None, **options) -> Path | None:
    """With LETTER_AUDIT_SCREENSHOTS=1, keep a screenshot under reports/screenshots/ to look at;
    with LETTER_AUDIT_DOCS_SCREENSHOTS=1 also refresh docs/<docs_name>, the picture the README
    shows. Otherwise nothing: a picture nobody looks at costs the suite its encoding."""
    docs = docs_name and os.environ.get("LETTER_AUDIT_DOCS_SCREENSHOTS") == "1"
    if not docs and os.environ.get("LETTER_AUDIT_SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    tab.mouse.move(0, 0)  # no hover effects
    tab.screenshot(path=str(path), animations="disabled", **options)
    assert path.stat().st_size > 0
    if docs:
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS / docs_name)
    return path


class Scripts(HTMLParser):
    """Collects every <script> element of a page: its attributes and its text."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self.meta: list[dict] = []
        self.event_handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.event_handlers += [name for name in attributes if name.startswith("on")]
        if tag == "script":
            self._open, self._text = attributes, []
        elif tag == "meta":
            self.meta.append(attributes)

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def parse_scripts(html: str) -> Scripts:
    parser = Scripts()
    parser.feed(html)
    return parser

"""Output file names for letter pages: unique by position in the batch, safe by construction.

A page name is the letter's number in the batch and a slug of its file name, so two
`letter.txt` in different folders get different pages, and nothing in a file name
(`..`, slashes, markup, control characters) reaches the file system or a URL.
"""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import PurePath

from ...discover import suffix_start

LETTER_DIR = "letters"
SLUG_CHARS = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """Lower-case ASCII letters and digits joined by single hyphens; never empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")[:SLUG_CHARS].strip("-") or "letter"


def page_name(number: int, path: PurePath, total: int) -> str:
    """`00042-letter.html` for the 42nd of up to 99,999 letters (numbers padded so names sort)."""
    width = max(4, len(str(total)))
    return f"{number:0{width}d}-{slug(_stem(path))}.html"


def _stem(path: PurePath | str) -> str:
    """PurePath(path).stem, without making a PurePath (a page name a letter)."""
    if not isinstance(path, str) or os.sep != "/" or path.endswith("/"):
        return PurePath(path).stem
    name = path[path.rfind("/") + 1:]
    if not name.strip("."):  # ".", "..": PurePath's own rules
        return PurePath(path).stem
    return name[:suffix_start(name)]


def page_href(number: int, path: PurePath, total: int) -> str:
    """The page's address relative to the report folder."""
    return f"{LETTER_DIR}/{page_name(number, path, total)}"

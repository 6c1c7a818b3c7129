"""Stage 1: find letter files and decode them. Files are only ever opened for reading."""
from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .models import RawLetter
from .read_docx import read_doc, read_docx
from .read_pdf import read_pdf

LETTER_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".doc"}
MAX_BYTES = 2 * 1024 * 1024  # a letter is a few KB; anything this large is not one
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def iter_letter_paths(paths: Iterable[Path], exclude: Iterable[str] = ()) -> Iterator[Path]:
    """Files given by name, and the letter files under directories, in a stable order
    (Word's lock files, ~$name.docx, are not letters)."""
    patterns = tuple(exclude)
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (child.suffix.lower() in LETTER_SUFFIXES and not child.name.startswith("~$")
                        and (child.is_file() or child.is_symlink())):
                    if not any(child.match(p) for p in patterns):
                        yield child
        else:
            yield path


def read_letter(path: Path) -> RawLetter:
    if path.is_symlink() and not path.exists():
        return RawLetter(path, None, error=f"broken symbolic link to {os.readlink(path)}")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return RawLetter(path, None, error=f"cannot be read ({exc.strerror or exc})")
    if len(data) > MAX_BYTES:
        size = path.stat().st_size / 1024 / 1024
        return RawLetter(path, None, error=f"is {size:.1f} MB, larger than the {MAX_BYTES // 1024 // 1024} MB a letter can be")
    return decode(path, data)


def decode(path: Path, data: bytes) -> RawLetter:
    """The letter's text, by the file's suffix: PDF and Word have readers of their own."""
    reader = READERS.get(path.suffix.lower(), decode_text)
    return reader(path, data)


def decode_text(path: Path, data: bytes) -> RawLetter:
    """UTF-8 (BOM optional), UTF-16 with a BOM, else Windows-1252; binary data is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = ["utf-16"]
    elif b"\x00" in data:
        return RawLetter(path, None, error="holds binary data (NUL bytes), not text")
    else:
        attempts = ["utf-8-sig", "cp1252"]
    for encoding in attempts:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = len(CONTROL_CHARS.findall(text))
        if controls > max(2, len(text) // 100):
            return RawLetter(path, None, error=f"holds {controls} control characters: binary data, not text")
        return RawLetter(path, text, encoding="utf-8" if encoding == "utf-8-sig" else encoding)
    return RawLetter(path, None, error="is not valid UTF-8, UTF-16 or Windows-1252 text")


READERS = {".pdf": read_pdf, ".docx": read_docx, ".doc": read_doc}

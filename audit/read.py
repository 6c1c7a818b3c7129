"""Stage 1: read letter files (audit/discover.py finds them). Files are only ever opened for reading.

Every path found is either read or reported: a named pipe, a socket or a device is never
opened (it could block forever), a folder named like a letter or one that cannot be listed
becomes a finding on that path, a file larger than the size limit is refused unread.

read_letter is three steps: safety checks on the path (lstat, regular file, size limit),
reading the bytes, then turning them into text by the file's suffix. A reader for a
document format is a function (path, bytes) -> RawLetter that runs behind those checks.
"""
from __future__ import annotations

import codecs
import importlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from .models import RawLetter

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # a letter is a few KB, a PDF of one a few hundred
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])  # the same code points in UTF-8 and cp1252
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
TEMPLATE_MARK = b"+++"

# suffix -> (module, function) of a reader for a document format; others are decoded as text
READERS = {".pdf": ("audit.read_pdf", "read_pdf"), ".docx": ("audit.read_docx", "read_docx"),
           ".doc": ("audit.read_docx", "read_doc")}
# suffix -> (module, function) telling why a file would cost more than its budget to read (or None)
BUDGETS = {".pdf": ("audit.budget", "pdf_overrun"), ".docx": ("audit.budget", "docx_overrun")}

# O_NONBLOCK: a file swapped for a pipe after the checks does not block the open (fstat then
# refuses it); O_NOCTTY: a terminal device never becomes ours. Neither exists on Windows.
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_FILE_KINDS = [(stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]

class Unreadable(Exception):
    """Why a path gives no bytes: a reason that completes "The file ..." ("is a named pipe"),
    or a whole sentence, capitalised, when the path is no file."""


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def parse_size(value: str | int) -> int:
    """A number of bytes from `1048576`, `500 KB` or `10MB` (units of 1024); ValueError if not one."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        count = value
    else:
        match = _SIZE.fullmatch(str(value).strip())
        if not match:
            raise ValueError(value)
        count = int(float(match.group(1)) * _UNITS[match.group(2)[:1].lower()])
    if count <= 0:
        raise ValueError(value)
    return count


def parse_seconds(value: str | int | float) -> float:
    """A positive number of seconds from `30`, `2.5` or `"45s"`; ValueError if not one."""
    if isinstance(value, bool):
        raise ValueError(value)
    text = str(value).strip().lower().removesuffix("s").strip()
    seconds = float(text)
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(value)
    return seconds


def read_letter(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None) -> RawLetter:
    """The letter at `path`; `data`: its bytes when the run already has them (standard input)."""
    path = Path(path)
    try:
        if data is None:
            data = read_bytes(path, max_bytes)
        elif len(data) > max_bytes:
            raise Unreadable(f"is {describe_size(len(data), like=max_bytes)}, larger than the limit of "
                             f"{describe_size(max_bytes)} (--max-bytes)")
    except Unreadable as exc:
        return RawLetter(path, None, error=str(exc))
    kind = format_of(path, data)
    over = _budget_check(kind, path, data, max_bytes)
    if over is not None:
        return RawLetter(path, None, error=over)
    return reader_for(kind)(path, data)


def _budget_check(kind: str, path: Path, data: bytes, max_bytes: int) -> str | None:
    """Why the file would cost more than its budget to parse as `kind` (audit/budget.py), or None."""
    spec = BUDGETS.get(kind)
    if spec is None:
        return None
    module_name, function = spec
    return getattr(importlib.import_module(module_name), function)(path, data, max_bytes)


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, after checking that it is a regular file within the size limit.
    Raises Unreadable saying why not."""
    info = _checked_stat(path)
    if info.st_size > max_bytes:
        raise Unreadable(f"is {describe_size(info.st_size, like=max_bytes)}, larger than the limit of "
                         f"{describe_size(max_bytes)} (--max-bytes)")
    try:
        handle = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    with open(handle, "rb", closefd=True) as stream:
        kind = _not_regular(os.fstat(handle).st_mode)
        if kind:
            raise Unreadable(f"is not a regular file but {kind}; it was not opened for reading")
        try:
            data = _read_up_to(stream, info.st_size, max_bytes)
        except OSError as exc:
            raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # grew since the check
        raise Unreadable(f"is larger than the limit of {describe_size(max_bytes)} (--max-bytes)")
    return data


def _read_up_to(stream, size: int, max_bytes: int) -> bytes:
    """At most `max_bytes + 1` bytes, asking first for the size the file had when checked (plus
    one, to see that it ended there). Asking for `max_bytes + 1` at once would make Python
    allocate and shrink a buffer of the whole limit for every few-KB letter; a file that grew
    since the check, or one whose size the system does not know (0), is read on to the limit."""
    data = stream.read(min(size, max_bytes) + 1)
    if len(data) > size:
        data += stream.read(max_bytes + 1 - len(data))
    return data


def _checked_stat(path: Path) -> os.stat_result:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise Unreadable("does not exist") from None
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise Unreadable(f"is a broken symbolic link (it points to {_target(path)}, which does not exist)") from None
        except OSError as exc:
            raise Unreadable(f"is a symbolic link that cannot be followed ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            raise Unreadable(f"The folder cannot be listed ({exc.strerror or exc}); "
                             "the letters in it, if any, were not audited.") from None
        raise Unreadable(f"This is a folder, not a letter, though its name ends in {path.suffix}; "
                         "the letters in it are audited on their own.")
    kind = _not_regular(info.st_mode)
    if kind:
        raise Unreadable(f"is not a regular file but {kind}; it was not opened")
    return info


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a plain file")


def _target(path: Path) -> str:
    try:
        return os.fsencode(os.readlink(path)).decode("utf-8", "backslashreplace")
    except OSError:
        return "a missing file"


_SHOWN_UNITS = (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024))


def describe_size(count: int, like: int | None = None) -> str:
    """`1 GB`, `10 MB`, `5 KB`, `1,500 bytes`: a limit in the unit it was given in (the largest
    that divides it); with `like`, a size in the unit of that limit (`5.9 KB`), so the two compare."""
    unit, size = next(((u, s) for u, s in _SHOWN_UNITS if (count if like is None else like) % s == 0), ("bytes", 1))
    if size == 1 or count % size == 0:
        return f"{count // size:,} {unit}" if size > 1 else f"{count:,} bytes"
    if like is not None and f"{count / size:.1f}" == f"{like / size:.1f}":
        return f"{count:,} bytes"  # 5.0 KB against a limit of 5 KB would not say which is larger
    return f"{count / size:,.1f} {unit}"


MAGIC = ((b"%PDF-", ".pdf"), (b"PK\x03\x04", ".docx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".doc"))


def format_of(path: Path, data: bytes = b"") -> str:
    """The suffix whose reader reads the file: its own when it names a document format; for
    another suffix (or none, as standard input has) the format its first bytes announce."""
    suffix = path.suffix.lower()
    if suffix in READERS:
        return suffix
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), suffix)


def reader_for(kind: str) -> Callable[[Path, bytes], RawLetter]:
    """The reader of a format (a suffix, format_of): a document format's own, or the text decoder."""
    spec = READERS.get(kind)
    if spec is not None:
        module_name, function = spec
        return getattr(importlib.import_module(module_name), function)  # imported on first use
    return decode


def looks_like_template(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bool:
    """True for a letter template (a `+++` TOML header that loads as one) lying among the letters
    `template infer` learns from (an earlier output). `check` never asks: there every file
    found is a letter, so none can leave the report. The common case (no `+++`) costs one
    stat, open and short read."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # pipes and devices are never opened
            return False
        handle = os.open(path, _READ_FLAGS)
    except OSError:
        return False
    try:
        head = os.read(handle, len(TEMPLATE_MARK) + len(codecs.BOM_UTF8))
    except OSError:
        return False
    finally:
        os.close(handle)
    if not head.removeprefix(codecs.BOM_UTF8).startswith(TEMPLATE_MARK):
        return False
    try:
        data = read_bytes(Path(path), max_bytes)
    except Unreadable:
        return False
    from .template import parse_template  # only for the rare file that looks like one

    try:
        parse_template(data.decode("utf-8-sig"), path)
    except Exception:  # not a usable template: audited as a letter, and reported as whatever it is
        return False
    return True


def decode(path: Path, data: bytes) -> RawLetter:
    """UTF-8 (BOM optional), UTF-16 (with a BOM, or without one when its NUL bytes show it),
    else Windows-1252; binary data is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = ["utf-16"]
    elif b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            return RawLetter(path, None, error="holds binary data (NUL bytes), not text")
        attempts = [utf16]
    else:
        attempts = ["utf-8-sig", "cp1252"]
    for encoding in attempts:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding.startswith("utf-16"):
            controls = len(CONTROL_CHARS.findall(text))
        else:  # counted in the bytes, which is quicker
            controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
        if controls > max(2, len(text) // 100):
            return RawLetter(path, None, error=f"holds {controls} control characters: binary data, not text")
        return RawLetter(path, text, encoding="utf-8" if encoding == "utf-8-sig" else encoding)
    return RawLetter(path, None, error="is not valid UTF-8, UTF-16 or Windows-1252 text")


def _utf16_without_bom(data: bytes) -> str | None:
    """Text in UTF-16 without a byte-order mark: Latin letters, digits and spaces have a NUL
    high byte, so NULs fill the odd bytes (little-endian) or the even ones (big-endian)."""
    if len(data) < 4 or len(data) % 2:
        return None
    units = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 0.3 * units and even <= 0.02 * units:
        return "utf-16-le"
    if even >= 0.3 * units and odd <= 0.02 * units:
        return "utf-16-be"
    return None

"""Stage 1: find letter files and read them. Files are only ever opened for reading.

Every path found is either read or reported: a named pipe, a socket or a device is never
opened (it could block forever), a folder named like a letter or one that cannot be listed
becomes a finding on that path, a file larger than the size limit is refused unread.

read_letter is three steps: safety checks on the path (lstat, regular file, size limit),
reading the bytes, then turning them into text by the file's suffix. A reader for a
document format is a function (path, bytes) -> RawLetter that runs behind those checks.
"""
from __future__ import annotations

import codecs
import fnmatch
import importlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .models import RawLetter

DEFAULT_EXTENSIONS = (".txt", ".md", ".pdf", ".docx", ".doc")  # a .doc is found to say it must be saved as .docx
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # a letter is a few KB, a PDF of one a few hundred
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])  # the same code points in UTF-8 and cp1252
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
TEMPLATE_MARK = b"+++"

# suffix -> (module, function) of a reader for a document format; others are decoded as text
READERS = {".pdf": ("audit.read_pdf", "read_pdf"), ".docx": ("audit.read_docx", "read_docx"),
           ".doc": ("audit.read_docx", "read_doc")}
# suffix -> (module, function) telling why a file would cost more than its budget to read (or None)
BUDGETS = {".pdf": ("audit.budget", "pdf_overrun"), ".docx": ("audit.budget", "docx_overrun")}
WORD_LOCK_PREFIX = "~$"  # Word's owner files beside an open document (~$tter.docx): never letters

# O_NONBLOCK: a file swapped for a pipe after the checks does not block the open (fstat then
# refuses it); O_NOCTTY: a terminal device never becomes ours. Neither exists on Windows.
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_FILE_KINDS = [(stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]

# Letters that do not come from a file (standard input), by the name they are shown under.
_PROVIDED: dict[Path, bytes] = {}


class Unreadable(Exception):
    """Why a path gives no bytes: a reason that completes "The file ..." ("is a named pipe"),
    or a whole sentence, capitalised, when the path is no file."""


def parse_extensions(value: str | Iterable[str]) -> tuple[str, ...]:
    """`.txt,.md` or `txt md` or a list: lower-case suffixes with their dot, in the order given."""
    items = value.replace(",", " ").split() if isinstance(value, str) else [v for v in value]
    suffixes = []
    for item in items:
        item = item.strip().lower()
        if item:
            suffix = item if item.startswith(".") else f".{item}"
            if suffix not in suffixes:
                suffixes.append(suffix)
    return tuple(suffixes)


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


def describe_extensions(extensions: Iterable[str]) -> str:
    """`.txt, .md and .pdf`"""
    items = list(extensions)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def iter_letter_paths(paths: Iterable[Path], exclude: Iterable[str] = (),
                      extensions: Iterable[str] = DEFAULT_EXTENSIONS) -> Iterator[Path]:
    """Files given by name, and under folders every entry whose name ends in one of `extensions`
    (whatever it is: file, link, pipe, folder, each is read or reported), in a stable order.
    A folder that cannot be listed is yielded itself, so that it is reported."""
    patterns = tuple(exclude)
    suffixes = tuple(parse_extensions(extensions))
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from _walk(path, patterns, suffixes)
        else:
            yield path


def _walk(root: Path, patterns: tuple[str, ...], suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Depth first, entries in name order; a stack rather than recursion, so no depth of
    folders is too deep."""
    stack = [(_listing(root), {_identity(root)})]
    while stack:
        entries, ancestors = stack[-1]
        if isinstance(entries, Path):  # the folder could not be listed: read_letter says why
            stack.pop()
            yield entries
            continue
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        path = Path(entry.path)
        if excluded(path, patterns):
            continue
        try:
            is_dir = entry.is_dir()  # follows a link to a folder
        except OSError:
            is_dir = False
        if path.suffix.lower() in suffixes and not entry.name.startswith(WORD_LOCK_PREFIX):
            yield path
        if is_dir:
            identity = _identity(path)
            if identity is not None and identity not in ancestors:  # a link back up would loop
                stack.append((_listing(path), ancestors | {identity}))


def _listing(folder: Path):
    try:
        with os.scandir(folder) as listing:
            return iter(sorted(listing, key=lambda entry: entry.name))
    except OSError:
        return folder


def _identity(path: Path):
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    """A pattern matches the entry's name (a folder's name excludes all below it, as in ruff
    and black) or the end of its path (`drafts/*.txt`)."""
    return any(fnmatch.fnmatchcase(path.name, p) or path.match(p) for p in patterns)


def provide(path: Path, data: bytes) -> None:
    """Make `data` the content of the letter named `path` (standard input)."""
    _PROVIDED[Path(path)] = data


def provided() -> dict[Path, bytes]:
    """The letters given by content (standard input), for a worker process."""
    return dict(_PROVIDED)


def is_provided(path: Path) -> bool:
    return Path(path) in _PROVIDED


def read_letter(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawLetter:
    path = Path(path)
    try:
        data = read_bytes(path, max_bytes)
    except Unreadable as exc:
        return RawLetter(path, None, error=str(exc))
    over = _budget_check(path, data, max_bytes)
    if over is not None:
        return RawLetter(path, None, error=over)
    return reader_for(path)(path, data)


def _budget_check(path: Path, data: bytes, max_bytes: int) -> str | None:
    """Why the file would cost more than its budget to parse (audit/budget.py), or None."""
    spec = BUDGETS.get(path.suffix.lower())
    if spec is None:
        return None
    module_name, function = spec
    return getattr(importlib.import_module(module_name), function)(path, data, max_bytes)


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, after checking that it is a regular file within the size limit.
    Raises Unreadable saying why not."""
    if path in _PROVIDED:
        data = _PROVIDED[path]
        if len(data) > max_bytes:
            raise Unreadable(f"is larger than the limit of {describe_size(max_bytes)} (--max-bytes)")
        return data
    info = _checked_stat(path)
    if info.st_size > max_bytes:
        raise Unreadable(f"is {info.st_size / 1024 / 1024:.1f} MB, larger than the limit of "
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
        raise Unreadable("does not exist (it was removed while the batch was read)") from None
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


def describe_size(count: int) -> str:
    """`1 GB`, `10 MB`, `1,500 bytes`: as a limit is shown in a finding."""
    if count % (1024 ** 3) == 0:
        return f"{count // 1024 ** 3} GB"
    if count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MB"
    return f"{count:,} bytes"


def reader_for(path: Path) -> Callable[[Path, bytes], RawLetter]:
    """The reader for the file's suffix: a document format's own, or the text decoder."""
    spec = READERS.get(path.suffix.lower())
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

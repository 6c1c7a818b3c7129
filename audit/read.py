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


DEFAULT_EXCLUDES = (".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist")  # as ruff's
GITIGNORE = ".gitignore"


def iter_letter_paths(paths: Iterable[Path], exclude: Iterable[str] = (),
                      extensions: Iterable[str] = DEFAULT_EXTENSIONS, default_excludes: bool = True,
                      seen: set | None = None) -> Iterator[Path]:
    """Files given by name, and under folders every entry whose name ends in one of `extensions`
    (whatever it is: file, link, pipe, folder, each is read or reported), in a stable order.
    Inside folders, `exclude` and (with `default_excludes`) DEFAULT_EXCLUDES and what each
    folder's .gitignore ignores are skipped; links to folders are not followed. A file reached
    twice (named twice, or through a link) is yielded once: `seen` holds the identities yielded,
    shared by the calls of one run. A folder that cannot be listed is yielded itself, so that it
    is reported; so is a path that does not exist."""
    patterns = tuple(exclude) + (DEFAULT_EXCLUDES if default_excludes else ())
    suffixes = tuple(parse_extensions(extensions))
    seen = set() if seen is None else seen
    for path in paths:
        path = Path(path)
        found = _walk(path, patterns, suffixes, default_excludes) if path.is_dir() else [path]
        for letter in found:
            identity = _file_identity(letter)
            if identity is None or identity not in seen:
                seen.add(identity)
                yield letter


def _walk(root: Path, patterns: tuple[str, ...], suffixes: tuple[str, ...], gitignore: bool) -> Iterator[Path]:
    """Depth first, entries in name order; a stack rather than recursion, so no depth of
    folders is too deep. Each level keeps the .gitignore rules in force there (its folder's,
    and those of the folders above it within the search)."""
    stack = [(_listing(root), _ignores(root, _repository_ignores(root) if gitignore else (), gitignore))]
    while stack:
        entries, ignores = stack[-1]
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
            is_dir = entry.is_dir(follow_symlinks=False)  # a link to a folder is not followed (no loops, no twins)
        except OSError:
            is_dir = False
        if ignores and _ignored(path, is_dir, ignores):
            continue
        if path.suffix.lower() in suffixes and not entry.name.startswith(WORD_LOCK_PREFIX):
            yield path
        if is_dir:
            stack.append((_listing(path), _ignores(path, ignores, gitignore)))


def _ignores(folder: Path, above: tuple, gitignore: bool) -> tuple:
    """The (folder, rules) pairs in force in `folder`: those above it and its own .gitignore's."""
    if not gitignore:
        return above
    try:
        with open(folder / GITIGNORE, encoding="utf-8", errors="replace") as stream:
            lines = stream.read(1 << 20).splitlines()  # a .gitignore is small; a huge one is cut, never a hang
    except OSError:
        return above
    import pathspec

    return (*above, (folder, pathspec.GitIgnoreSpec.from_lines(lines)))


def _repository_ignores(root: Path) -> tuple:
    """The .gitignore rules of the folders above `root` up to its git repository's top (the
    folder holding .git), as git applies them; none when `root` is in no repository."""
    folder = root.resolve()
    above = []
    for parent in folder.parents:
        above.append(parent)
        if os.path.lexists(parent / ".git"):
            ignores: tuple = ()
            for outer in reversed(above):
                ignores = _ignores(outer, ignores, True)
            return tuple((root / os.path.relpath(outer, folder), spec) for outer, spec in ignores)
    return ()


def _ignored(path: Path, is_dir: bool, ignores: tuple) -> bool:
    for folder, spec in ignores:
        relative = os.path.relpath(path, folder).replace(os.sep, "/") + ("/" if is_dir else "")
        if spec.match_file(relative):
            return True
    return False


def _listing(folder: Path):
    try:
        with os.scandir(folder) as listing:
            return iter(sorted(listing, key=lambda entry: entry.name))
    except OSError:
        return folder


def _file_identity(path: Path):
    """The real path of a regular file (links resolved: a link to a letter is that letter; hard
    links stay files of their own names); None for anything else, which is reported at each of
    its paths (a pipe and a link to it are two findings)."""
    try:
        return os.path.realpath(path) if stat.S_ISREG(os.stat(path).st_mode) else None
    except (OSError, ValueError):
        return None


def excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    """A pattern matches the entry's name (a folder's name excludes all below it, as in ruff
    and black) or the end of its path (`drafts/*.txt`)."""
    return any(fnmatch.fnmatchcase(path.name, p) or path.match(p) for p in patterns)


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

"""Write an output file whole or not at all.

Every file the tool writes is first written to a temporary file beside it (same folder,
so the same file system) and then renamed over the target. A run that is interrupted or
fails leaves the previous file untouched and no half-written one. The rename replaces a
symbolic link at the target instead of writing through it, so a link planted where an
output goes cannot redirect the write to another file, nor make it wait on a pipe. Only an
output the user named (`follow=True`: --output, --write-baseline) that is no regular file
(/dev/null, a named pipe, /dev/stdout, which is a link) is written to directly: renaming
over it would replace the device.
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(path: Path | str, mode: str = "w", *, encoding: str = "utf-8",
                newline: str | None = "\n", follow: bool = False) -> Iterator[IO]:
    """A stream to write `path` with; the file appears under its name only when the block ends
    without an exception. Text mode escapes characters the encoding cannot hold (an undecodable
    byte of a file name) instead of failing half-way."""
    path = Path(path)
    if follow and _is_special(path):  # /dev/null, a pipe, a terminal: write to it, never replace it
        with open(path, "wb" if "b" in mode else "w", **({} if "b" in mode else
                  {"encoding": encoding, "newline": newline, "errors": "backslashreplace"})) as stream:
            yield stream
        return
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:40]}.", suffix=".tmp")
    try:
        if "b" in mode:
            stream = os.fdopen(handle, "wb")
        else:
            stream = os.fdopen(handle, "w", encoding=encoding, newline=newline, errors="backslashreplace")
        with stream:
            yield stream
        os.chmod(temporary, 0o666 & ~umask())
        if follow and _commit is not None and _commit.pid == os.getpid():  # an output the user named
            _commit.actions.append(lambda: os.replace(temporary, path))
            _commit.leftovers.append(temporary)
        else:
            os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class _Commit:
    def __init__(self):
        self.pid = os.getpid()  # a worker forked meanwhile writes its own files at once
        self.actions: list = []
        self.leftovers: list[str] = []


_commit: _Commit | None = None


@contextlib.contextmanager
def committed_together() -> Iterator[None]:
    """The outputs the user named (follow=True) written in the block, and the actions given to
    on_commit, take their places together when the block ends without an exception, signals
    held off meanwhile; otherwise none does, and their temporary files are removed. A run that
    fails or is interrupted at its last output leaves every previous output as it was."""
    from .workers import _signals_deferred  # the workers' own guard against signals mid-step

    global _commit
    outer, _commit = _commit, _Commit()
    commit = _commit
    try:
        yield
        with _signals_deferred():
            for action in commit.actions:
                action()
    finally:
        _commit = outer
        for leftover in commit.leftovers:  # renamed already, unless the block failed
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def on_commit(action) -> None:
    """Run `action` when the outputs are committed together (committed_together), or now."""
    if _commit is not None and _commit.pid == os.getpid():
        _commit.actions.append(action)
    else:
        action()


def _is_special(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_text(path: Path | str, text: str, follow: bool = False) -> None:
    with atomic_open(path, follow=follow) as stream:
        stream.write(text)


def write_bytes(path: Path | str, data: bytes) -> None:
    with atomic_open(path, "wb") as stream:
        stream.write(data)


_UMASK: int | None = None


def umask() -> int:
    """The process's umask (mkstemp creates files readable by their owner only; outputs get the
    permissions an ordinary open() would give them)."""
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0)
        os.umask(_UMASK)
    return _UMASK

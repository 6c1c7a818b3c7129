"""Stage 0: find the letter files under the paths given, in a stable order.

Files named are taken whatever their suffix; under folders, every entry whose name ends in one
of the run's extensions (whatever it is: file, link, pipe, folder; read.py reads or reports
each). A folder search skips what ruff skips (DEFAULT_EXCLUDES) and what .gitignore files
ignore, follows no link to a folder, and gives a file reached twice once.
"""
from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePath

DEFAULT_EXTENSIONS = (".txt", ".md", ".pdf", ".docx", ".doc")  # a .doc is found to say it must be saved as .docx
WORD_LOCK_PREFIX = "~$"  # Word's owner files beside an open document (~$tter.docx): never letters


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


def describe_extensions(extensions: Iterable[str]) -> str:
    """`.txt, .md and .pdf`"""
    items = list(extensions)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


DEFAULT_EXCLUDES = (".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist")  # as ruff's
GITIGNORE = ".gitignore"


def iter_letter_paths(paths: Iterable[Path], exclude: Iterable[str] = (),
                      extensions: Iterable[str] = DEFAULT_EXTENSIONS, default_excludes: bool = True,
                      seen: set | None = None) -> Iterator[Path]:
    """letter_path_strings, each as a Path."""
    return map(Path, letter_path_strings(paths, exclude, extensions, default_excludes, seen))


def letter_path_strings(paths: Iterable[Path | str], exclude: Iterable[str] = (),
                        extensions: Iterable[str] = DEFAULT_EXTENSIONS, default_excludes: bool = True,
                        seen: set | None = None) -> Iterator[str]:
    """Files given by name, and under folders every entry whose name ends in one of `extensions`
    (whatever it is: file, link, pipe, folder, each is read or reported), in a stable order.
    Inside folders, `exclude` and (with `default_excludes`) DEFAULT_EXCLUDES and what each
    folder's .gitignore ignores are skipped; links to folders are not followed. A file reached
    twice (named twice, or through a link) is yielded once: `seen` holds the identities yielded,
    shared by the calls of one run. A folder that cannot be listed is yielded itself, so that it
    is reported; so is a path that does not exist. Strings, not Paths: a batch is many files, and
    a Path costs four times the memory and ten times the time to make."""
    patterns = tuple(exclude) + (DEFAULT_EXCLUDES if default_excludes else ())
    suffixes = tuple(parse_extensions(extensions))
    seen = set() if seen is None else seen
    for path in paths:
        path = os.fspath(Path(path))  # as written, less Path's redundancies (a trailing /, a leading ./)
        found = _walk(path, patterns, suffixes, default_excludes) if os.path.isdir(path) else [(path, _file_identity(path))]
        for letter, identity in found:
            if identity is None or identity not in seen:
                seen.add(identity)
                yield letter


def _walk(root: str, patterns: tuple[str, ...], suffixes: tuple[str, ...], gitignore: bool
          ) -> Iterator[tuple[str, str | None]]:
    """Each entry found with its identity (_file_identity), depth first, entries in name order;
    a stack rather than recursion, so no depth of folders is too deep. Each level keeps the
    .gitignore rules in force there (its folder's, and those of the folders above it within the
    search), and its folder's real path: a plain file's identity is that and its name, with no
    system call of its own (a batch is many files in few folders)."""
    is_excluded = exclusion(patterns)
    stack = [(_listing(root), _ignores(root, _repository_ignores(root) if gitignore else (), gitignore), None)]
    while stack:
        entries, ignores, real = stack[-1]
        if isinstance(entries, str):  # the folder could not be listed: read_letter says why
            stack.pop()
            yield entries, _file_identity(entries)
            continue
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        path = entry.path
        if is_excluded(path, entry.name):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)  # a link to a folder is not followed (no loops, no twins)
        except OSError:
            is_dir = False
        if ignores and _ignored(path, is_dir, ignores):
            continue
        if entry.name[suffix_start(entry.name):].lower() in suffixes and not entry.name.startswith(WORD_LOCK_PREFIX):
            if not is_dir and _plain_file(entry):
                if real is None:  # with its separator: a file's identity is then one concatenation
                    real = os.path.join(os.path.realpath(os.path.dirname(entry.path)), "")
                    stack[-1] = (entries, ignores, real)
                yield path, real + entry.name
            else:
                yield path, _file_identity(path)
        if is_dir:
            stack.append((_listing(path), _ignores(path, ignores, gitignore), None))


def suffix_start(name: str) -> int:
    """Where a file name's suffix starts, as Path.suffix and Path.stem cut it (from the last
    dot, unless the name starts or ends with it); the name's length when it has none."""
    dot = name.rfind(".")
    return dot if 0 < dot < len(name) - 1 else len(name)


def _plain_file(entry: os.DirEntry) -> bool:
    """A regular file, not a link to one (from the folder listing: no system call)."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _ignores(folder: Path | str, above: tuple, gitignore: bool) -> tuple:
    """The (folder, rules) pairs in force in `folder`: those above it and its own .gitignore's."""
    if not gitignore:
        return above
    try:
        with open(os.path.join(folder, GITIGNORE), encoding="utf-8", errors="replace") as stream:
            lines = stream.read(1 << 20).splitlines()  # a .gitignore is small; a huge one is cut, never a hang
    except OSError:
        return above
    import pathspec

    return (*above, (folder, pathspec.GitIgnoreSpec.from_lines(lines)))


def _repository_ignores(root: str) -> tuple:
    """The .gitignore rules of the folders above `root` up to its git repository's top (the
    folder holding .git), as git applies them; none when `root` is in no repository."""
    folder = Path(root).resolve()
    above = []
    for parent in folder.parents:
        above.append(parent)
        if os.path.lexists(parent / ".git"):
            ignores: tuple = ()
            for outer in reversed(above):
                ignores = _ignores(outer, ignores, True)
            return tuple((os.path.join(root, os.path.relpath(outer, folder)), spec) for outer, spec in ignores)
    return ()


def _ignored(path: str, is_dir: bool, ignores: tuple) -> bool:
    for folder, spec in ignores:
        relative = os.path.relpath(path, folder).replace(os.sep, "/") + ("/" if is_dir else "")
        if spec.match_file(relative):
            return True
    return False


def _listing(folder: str):
    try:
        with os.scandir(folder) as listing:
            return iter(sorted(listing, key=lambda entry: entry.name))
    except OSError:
        return folder


def _file_identity(path: str):
    """The real path of a regular file (links resolved: a link to a letter is that letter; hard
    links stay files of their own names); None for anything else, which is reported at each of
    its paths (a pipe and a link to it are two findings)."""
    try:
        return os.path.realpath(path) if stat.S_ISREG(os.stat(path).st_mode) else None
    except (OSError, ValueError):
        return None


def exclusion(patterns: tuple[str, ...]) -> Callable[[str, str], bool]:
    """Whether a pattern matches an entry's name (a folder's name excludes all below it, as in
    ruff and black) or the end of its path (`drafts/*.txt`): is_excluded(path, name). The name
    patterns are compiled into one expression, once for the walk: a batch has many entries."""
    names = [p for p in patterns if "/" not in p]
    paths = tuple(p for p in patterns if "/" in p)
    by_name = re.compile("|".join(fnmatch.translate(p) for p in names)).match if names else None
    return lambda path, name: (bool(by_name and by_name(name))
                               or bool(paths) and any(PurePath(path).match(p) for p in paths))

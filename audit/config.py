"""Configuration files: `letter-audit.toml`, or `[tool.letter-audit]` in `pyproject.toml`.

The first folder, from the working directory upward, that holds either file decides (in
one folder letter-audit.toml wins over pyproject.toml; a pyproject.toml without a
[tool.letter-audit] table does not count). Paths in the file are relative to the file's
folder. Command-line options override the file: a list given on the command line
replaces the file's list; --severity entries are merged rule by rule.

    # letter-audit.toml  (in pyproject.toml: the same keys under [tool.letter-audit])
    template = ["templates/annual-review-2020.md"]
    fail-on = "error"
    select = ["missing-section", "count-mismatch"]   # default: every rule
    ignore = ["paragraph-moved"]
    severity = { extra-paragraph = "error" }
    exclude = ["drafts/*"]
    extensions = [".txt", ".md"]          # default: .txt, .md, .pdf, .docx and .doc
    max-bytes = "10 MB"                   # larger files are unreadable-input
    max-memory = "1 GB"                   # per worker and letter; beyond it, unreadable-input
    timeout = 30                          # seconds per letter; beyond it, unreadable-input
    baseline = "letter-audit-baseline.toml"
    data = "data/annual-review-2020.csv"
    peer-groups = "data/peer-groups.csv"

An unknown key is reported on stderr (and ignored); a value of the wrong kind stops the
run with exit code 2 and a one-line message naming the file and the key.
"""
from __future__ import annotations

import difflib
import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .discover import parse_extensions
from .serve.database_url import is_database_url
from .read import parse_seconds, parse_size
from .settings import Settings, SettingsError, rule_ids
from .template import default_template_dir

CONFIG_FILE = "letter-audit.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_SOURCE = "default"
CLI_SOURCE = "command line"

# key in the file -> (Settings attribute, kind of value)
KEYS = {
    "template": ("template_paths", "paths"),
    "fail-on": ("fail_on", "string"),
    "format": ("format", "string"),
    "select": ("select", "rules"),
    "ignore": ("ignore", "rules"),
    "severity": ("severity", "table"),
    "exclude": ("exclude", "strings"),
    "default-excludes": ("default_excludes", "bool"),
    "extensions": ("extensions", "extensions"),
    "max-bytes": ("max_bytes", "size"),
    "max-memory": ("max_memory", "size"),
    "timeout": ("timeout", "seconds"),
    "baseline": ("baseline", "baseline"),
    "data": ("data", "path"),
    "peer-groups": ("peer_groups", "path"),
}
DEPRECATED_KEYS = {"authority-types": "peer-groups"}  # old key -> current key
ATTRIBUTES = {attribute: key for key, (attribute, _) in KEYS.items()}


@dataclass
class Config:
    path: Path
    values: dict[str, Any] = field(default_factory=dict)  # Settings attribute -> value
    unknown: list[str] = field(default_factory=list)


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file that governs `start` (default: the working directory)."""
    start = Path(start or Path.cwd()).resolve()
    for folder in [start, *start.parents]:
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        candidate = folder / PYPROJECT
        if candidate.is_file() and "letter-audit" in _read(candidate).get("tool", {}):
            return candidate
    return None


def load_config(path: Path, warnings=None) -> Config:
    """Read and check one configuration file; unknown keys are written to `warnings` (stderr)."""
    path = Path(path)
    data = _read(path)
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("letter-audit", {})
        where = f"{path} [tool.letter-audit]"
    else:
        where = str(path)
    if not isinstance(data, dict):
        raise SettingsError(f"{where}: must be a table of settings")
    config = Config(path)
    for key, value in data.items():
        if key in DEPRECATED_KEYS:
            (warnings or sys.stderr).write(f"letter-audit: note: {where}: the key {key!r} is now called "
                                           f"{DEPRECATED_KEYS[key]!r}; the old key still works but is deprecated\n")
            key = DEPRECATED_KEYS[key]
        if key not in KEYS:
            config.unknown.append(key)
            close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(KEYS)})"
            (warnings or sys.stderr).write(f"letter-audit: warning: {where}: unknown key {key!r} ignored{hint}\n")
            continue
        attribute, kind = KEYS[key]
        config.values[attribute] = _convert(value, kind, key, where, path.parent)
    try:
        Settings(**config.values).validate()
    except SettingsError as exc:
        raise SettingsError(f"{where}: {exc}") from None
    return config


def _database_url(url: str, folder: Path) -> str:
    """A database URL as the file wrote it, an SQLite file named relative to the file's folder
    (as every path in it is)."""
    scheme, _, rest = url.partition(":///")
    if scheme.split("+")[0] == "sqlite" and rest and rest != ":memory:" and not Path(rest).is_absolute():
        return f"{scheme}:///{(folder / rest).as_posix()}"
    return url


def resolve_settings(given: dict[str, Any], config: Config | None) -> Settings:
    """The settings of a run: defaults, overridden by the file, overridden by the command
    line (`given`: Settings attributes the command line set)."""
    values: dict[str, Any] = {}
    sources = {key: DEFAULT_SOURCE for key in KEYS}
    if config is not None:
        label = _shown(config.path)
        for attribute, value in config.values.items():
            values[attribute] = value
            sources[ATTRIBUTES[attribute]] = label
    for attribute, value in given.items():
        key = ATTRIBUTES[attribute]
        if attribute == "severity" and values.get("severity"):
            value = {**values["severity"], **value}
            sources[key] = f"{sources[key]} and {CLI_SOURCE}"
        else:
            sources[key] = CLI_SOURCE
        values[attribute] = value
    settings = Settings(**values, config_file=config.path if config else None, sources=sources)
    settings.validate()
    return settings


def describe(settings: Settings) -> str:
    """The effective settings, one `key = value  # source` line each (TOML, so they can be
    pasted into letter-audit.toml)."""
    lines = [f"# letter-audit settings; configuration file: "
             f"{_shown(settings.config_file) if settings.config_file else 'none found'}"]
    for key, (attribute, _kind) in KEYS.items():
        value, source = getattr(settings, attribute), settings.sources.get(key, DEFAULT_SOURCE)
        note = ""
        if key == "template" and not value:
            note = f": the templates in {_shown(default_template_dir())}"
        elif key == "select" and not value:
            note = ": every rule"
        if value is None:
            lines.append(f"# {key} is not set  # {source}")
        else:
            lines.append(f"{key} = {_toml(value)}  # {source}{note}")
    return "\n".join(lines)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None


def _convert(value: Any, kind: str, key: str, where: str, folder: Path) -> Any:
    def fail(expected: str):
        raise SettingsError(f"{where}: {key} must be {expected}, not {value!r}")

    def strings() -> list[str]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
            fail("a string or a list of strings")
        return items

    if kind == "string":
        return value if isinstance(value, str) else fail("a string")
    if kind == "bool":
        return value if isinstance(value, bool) else fail("true or false")
    if kind == "path":
        return folder / value if isinstance(value, str) and value.strip() else fail("a path (a string)")
    if kind == "baseline":  # a file, or a database URL: the decisions made with `letter-audit serve`
        if not isinstance(value, str) or not value.strip():
            return fail("a path or a database URL (a string)")
        return _database_url(value, folder) if is_database_url(value) else folder / value
    if kind == "paths":
        return [folder / v for v in strings()]
    if kind == "strings":
        return strings()
    if kind == "rules":
        return rule_ids(strings())
    if kind == "extensions":
        return parse_extensions(strings())
    if kind == "size":
        try:
            return parse_size(value)
        except ValueError:
            fail("a number of bytes, such as 10485760 or \"10 MB\"")
    if kind == "seconds":
        try:
            return parse_seconds(value)
        except ValueError:
            fail("a number of seconds, such as 30")
    if kind == "table":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            fail('a table of rule = "level"')
        return dict(value)
    raise AssertionError(kind)


def _shown(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


def _toml(value: Any) -> str:
    if isinstance(value, Path):
        return json.dumps(_shown(value))
    if isinstance(value, (set, frozenset)):
        value = sorted(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in sorted(value.items())) + " }" if value else "{}"
    return json.dumps(value)

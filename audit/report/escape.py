"""Text from letters and file names made safe for where it is shown.

Letters and their names are untrusted: a file name may hold bytes that are not UTF-8, a
letter may hold terminal escape sequences, a field may begin with `=` and become a live
formula in a spreadsheet. Each output escapes what its medium would act on.
"""
from __future__ import annotations

import os
import re
from pathlib import PurePath

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a terminal shows
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# One rule for every CSV, Python's and the report page's (CSV_RULE is handed to its script):
# a cell beginning with one of these characters is a formula, unless it is just a number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_PATTERN = r"[+-](?:\d[\d,]*(?:\.\d+)?|\.\d+)%?"  # the same syntax in JavaScript
_NUMBER = re.compile(_NUMBER_PATTERN)
CSV_RULE = {"formulaStart": "".join(_FORMULA_START), "number": _NUMBER_PATTERN}


def shown_path(path: PurePath | str) -> str:
    """A path as text any output can hold: bytes of the name that are not UTF-8 become `\\xff`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def printable(text: str) -> str:
    """`text` with undecodable bytes (surrogate escapes) shown as `\\xff`; nothing else changed."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's quoting, with DEL (which TOML forbids raw) escaped and a file
    name's bytes that are not UTF-8 shown as \\xff, as in every report."""
    import json

    return json.dumps(printable(str(text)), ensure_ascii=False).replace("\x7f", "\\u007f")


def terminal_safe(text: str) -> str:
    """For a terminal or a CI log: control characters, escape sequences and bidirectional
    overrides shown as `\\x1b`, `\\n`, `\\u202e`, never sent raw."""
    return _CONTROLS.sub(_escape_control, printable(text))


def _escape_control(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


CSV_CELL_CHARS = 32_000  # Excel holds 32,767 characters in a cell; Python's csv reader 131,072


def csv_cell(value):
    """A spreadsheet cell that cannot be a formula: text beginning with = + - @, tab or CR gets a
    leading apostrophe (as OWASP advises); numbers, and text that is just a number, stay as they are.
    Text longer than CSV_CELL_CHARS is cut, saying how much more there was."""
    if not isinstance(value, str):
        return value
    if len(value) > CSV_CELL_CHARS:
        from ..bounds import clip

        value = clip(value, CSV_CELL_CHARS - 40)
    value = printable(value)
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value

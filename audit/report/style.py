"""How the text report looks at a terminal: colour or not, summary or not.

Colour follows the usual conventions: `--color always` or `never` decide; with `auto` (the
default) NO_COLOR (any value) turns colour off, FORCE_COLOR (any value but 0) turns it on,
and otherwise only a terminal gets colour (never a pipe, a file, or TERM=dumb). Files
written with --output and the CI formats never get colour.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

_RESET = "\x1b[0m"
_SEVERITY = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RULE = "\x1b[35m"
_PATH = "\x1b[1m"
_SUMMARY = "\x1b[1m"


def wants_color(choice: str, stream) -> bool:
    if choice in ("always", "never"):
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    try:
        at_terminal = stream.isatty()
    except (AttributeError, ValueError):
        at_terminal = False
    return at_terminal and os.environ.get("TERM") != "dumb"


@dataclass(frozen=True)
class Style:
    color: bool = False
    quiet: bool = False  # findings only: no summary

    def _paint(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def severity(self, severity: str, text: str | None = None) -> str:
        return self._paint(_SEVERITY.get(severity, ""), severity if text is None else text)

    def rule(self, text: str) -> str:
        return self._paint(_RULE, text)

    def path(self, text: str) -> str:
        return self._paint(_PATH, text)

    def summary(self, text: str) -> str:
        return self._paint(_SUMMARY, text)


PLAIN = Style()

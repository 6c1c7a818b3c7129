"""GitHub Actions workflow commands: one annotation per finding, then the summary.

    ::error file=letters/001.txt,line=77,title=letter-audit count-mismatch::Compliance outcomes ...

Errors are `::error`, warnings `::warning`, info `::notice`. As the workflow-command
syntax requires, the message escapes %, CR and LF (%25, %0D, %0A) and the properties
(file, title) additionally : and , (%3A, %2C). Other control characters and escape
sequences are shown escaped (`\x1b`), never sent raw to the log; file names that are not
UTF-8 show their odd bytes as `\xff`.
"""
from __future__ import annotations

from . import as_text
from .escape import terminal_safe
from .locations import relative_path
from .streamed import slim
from .style import PLAIN, Style

NAME = "github"
STYLED = True  # write() takes a Style (--quiet); never coloured
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return terminal_safe(text)


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(path, finding) -> str:
    properties = {
        "file": relative_path(path),
        "line": str(max(1, finding.line)),
        "title": f"letter-audit {finding.rule}",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    page = f" (page {finding.page})" if finding.page is not None else ""  # a PDF's line is in its extracted text
    return f"::{COMMANDS.get(finding.severity, 'warning')} {joined}::{escape_data(finding.message + page)}"


def write(results, summary, stream, style: Style = PLAIN) -> None:
    for result in slim(results):
        for finding in result.findings:
            stream.write(command(result.path, finding) + "\n")
    if not style.quiet:
        as_text.write_summary(summary, stream, Style(color=False))

"""One line per finding, `path:line: severity rule-id message`, then a summary.

Paths and messages are shown with control characters and escape sequences escaped
(`\\x1b`), so a letter can never drive the terminal it is shown on.
"""
from __future__ import annotations

from .escape import shown_path, terminal_safe
from .locations import cell_words
from .streamed import slim
from .style import PLAIN, Style

NAME = "text"
STYLED = True  # write() takes a Style: colour at a terminal, --quiet


def finding_line(path, finding, style: Style = PLAIN) -> str:
    where = style.path(f"{terminal_safe(shown_path(path))}:{finding.line}:")
    page, cell = getattr(finding, "page", None), getattr(finding, "cell", None)
    places = ([f"page {page}"] if page else []) + ([cell_words(cell)] if cell else [])
    suffix = f" ({', '.join(places)})" if places else ""
    return (f"{where} {style.severity(finding.severity)} {style.rule(finding.rule)} "
            f"{terminal_safe(finding.message)}{suffix}")


def write(results, summary, stream, style: Style = PLAIN) -> None:
    for result in slim(results):
        for finding in result.findings:
            stream.write(finding_line(result.path, finding, style) + "\n")
    if not style.quiet:
        write_summary(summary, stream, style)


def write_summary(summary, stream, style: Style = PLAIN) -> None:
    s = summary.json()
    counts = (f"{plural(s['letters'], 'letter')}: {s['pass']} pass, {s['warn']} warn, {s['fail']} fail; "
              f"{plural(s['findings']['error'], 'error')}, {plural(s['findings']['warning'], 'warning')}, "
              f"{s['findings']['info']} info")
    stream.write(f"\n{style.summary(counts)}\n")
    catalogue = summary.catalogue
    for rule, counts in s["rules"].items():
        hint = catalogue[rule].hint if rule in catalogue else ""
        stream.write(f"  {style.rule(terminal_safe(rule))}: {sum(counts.values())}  ({terminal_safe(hint)})\n")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"

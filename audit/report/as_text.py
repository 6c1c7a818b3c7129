"""One line per finding, `path:line: severity rule-id message` (and `(page N)` for a PDF), then a summary."""
from __future__ import annotations

from ..rules import all_rules

NAME = "text"


def write(results, summary, stream) -> None:
    for result in results:
        for f in result.findings:
            page = f" (page {f.page})" if f.page is not None else ""
            stream.write(f"{result.path}:{f.line}: {f.severity} {f.rule} {f.message}{page}\n")
    write_summary(summary, stream)


def write_summary(summary, stream) -> None:
    s = summary.json()
    stream.write(
        f"\n{plural(s['letters'], 'letter')}: {s['pass']} pass, {s['warn']} warn, {s['fail']} fail; "
        f"{plural(s['findings']['error'], 'error')}, {plural(s['findings']['warning'], 'warning')}, "
        f"{s['findings']['info']} info\n")
    catalogue = all_rules()
    for rule, counts in s["rules"].items():
        hint = catalogue[rule].hint if rule in catalogue else ""
        stream.write(f"  {rule}: {sum(counts.values())}  ({hint})\n")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"

"""The view model of the batch overview: counts, the chart, and the table rows as JSON data."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from ... import __version__
from ... import baseline as baselines
from ...models import SEVERITIES, SEVERITY_RANK, LetterResult
from ...template import Template
from ...types import PLAIN_NUMBER_BASES
from .. import Summary
from ..escape import CSV_RULE, shown_path
from .views import Bar, BatchFinding, IndexPage

STATUSES = ("pass", "warn", "fail")
PAGE_ROWS = 100
MESSAGE_CHARS = 160  # of each message a letter's row carries (shown: the first; searched: all)


def shown_paths(paths: list[Path]) -> tuple[str, list[str]]:
    """The folder the letters share, and each letter's path within it. Paths stay as given
    (relative or absolute) unless both kinds are mixed. Folders are worked out once each,
    not once per letter: a batch has many letters in few folders."""
    split = [os.path.split(shown_path(p)) for p in paths]
    for folders in ({folder: folder for folder, _ in split}, {folder: os.path.abspath(folder) for folder, _ in split}):
        try:
            root = os.path.commonpath([folder or "." for folder in folders.values()]) or "."
        except ValueError:  # relative and absolute mixed, or different drives
            continue
        within = {folder: Path(os.path.relpath(name or ".", root)).as_posix() for folder, name in folders.items()}
        return ("" if root == "." else root), [name if within[folder] == "." else f"{within[folder]}/{name}"
                                               for folder, name in split]
    return "", [shown_path(p) for p in paths]


def index_page(letters: list[LetterResult], about_batch: list[LetterResult], templates: dict[str, Template],
               hrefs: list[str], paths: list[str], root: str, generated: str) -> IndexPage:
    """`letters` get a row each; `about_batch` carry findings about the batch as a whole."""
    summary, findings = Summary.of(letters), Summary.of([*letters, *about_batch])
    return IndexPage(
        letters=summary.letters,
        root=root,
        statuses={s: summary.statuses[s] for s in STATUSES},
        status_bar=_stack([(s, summary.statuses[s]) for s in STATUSES], summary.letters),
        severities={s: findings.severities[s] for s in SEVERITIES},
        rules=_rule_bars(findings),
        batch_findings=[BatchFinding(shown_path(r.path), f.line, f.severity, f.rule, f.message)
                        for r in about_batch for f in r.findings],
        templates=sorted({templates[r.template].title if r.template in templates else r.template
                          for r in letters if r.template}),
        generated=generated,
        version=__version__,
        data=table_data(letters, templates, hrefs, paths),
    )


def _rule_bars(summary: Summary) -> list[Bar]:
    totals = {rule: sum(counts.values()) for rule, counts in summary.rules.items()}
    widest = max(totals.values(), default=0)
    bars = []
    for rule in sorted(totals, key=lambda r: (-totals[r], r)):
        counts = summary.rules[rule]
        parts = _stack([(s, counts[s]) for s in SEVERITIES], widest)
        caption = ", ".join(_count(counts[s], s) for s in SEVERITIES if counts[s])
        bars.append(Bar(rule, totals[rule], parts, caption, f"#rule={quote(rule)}"))
    return bars


def _count(n: int, severity: str) -> str:
    return f"{n:,} {severity}" if n == 1 or severity == "info" else f"{n:,} {severity}s"


def _stack(counts: list[tuple[str, int]], whole: int) -> list[tuple[str, int, float, float]]:
    parts, x = [], 0.0
    for name, count in counts:
        if count:
            width = 100.0 * count / whole
            parts.append((name, count, round(x, 3), round(width, 3)))
            x += width
    return parts


def table_data(results: list[LetterResult], templates: dict[str, Template], hrefs: list[str],
               paths: list[str]) -> dict:
    """Columns, views (which columns each tab shows) and one array per letter:
    [page href, [rule numbers], [its messages, most severe first], value per column]."""
    used = [templates[name] for name in dict.fromkeys(r.template for r in results) if name in templates]
    field_names = list(dict.fromkeys(name for r in results for name in r.fields))
    overview_names = list(dict.fromkeys(name for t in used for name in t.overview_fields))
    field_types = {}
    for t in used:
        for name, spec in t.fields.items():
            field_types.setdefault(name, spec.base)

    # the letter's key (whom it is for) is the first thing a reviewer reads of a row
    key_fields = list(dict.fromkeys(t.key_field for t in used if t.key_field))
    keyed = [_column("key", _label(key_fields[0]) if len(key_fields) == 1 else "Key", "key")] if key_fields else []
    columns = [_column("number", "#", "number"), *keyed,
               _column("letter", "File · findings" if keyed else "Letter", "letter"),
               _column("template", "Template", "text"), _column("status", "Status", "status")]
    columns += [_column(s, {"error": "Errors", "warning": "Warnings", "info": "Info"}[s], "number") for s in SEVERITIES]
    columns += [_column(f"field:{name}", _label(name), _kind(field_types.get(name)),
                        "%" if field_types.get(name) == "percent" else "") for name in field_names]
    position = {column["key"]: k for k, column in enumerate(columns)}
    several_templates = len(used) > 1
    letters_view = ["number", *(["key"] if keyed else []), "letter", *(["template"] if several_templates else []),
                    "status", *SEVERITIES,
                    *(f"field:{n}" for n in overview_names if n in field_names and n not in key_fields)]
    fields_view = ["number", "letter", *(["template"] if several_templates else []), "status",
                   *(f"field:{n}" for n in field_names)]

    rules = sorted({f.rule for r in results for f in r.findings})
    rule_number = {rule: k for k, rule in enumerate(rules)}
    rows = []
    for number, (result, href, path) in enumerate(zip(results, hrefs, paths), start=1):
        template = templates[result.template].title if result.template in templates else result.template
        values = [number, *([result.key or ""] if keyed else []), path, template, result.status, *(result.count(s) for s in SEVERITIES)]
        values += [result.fields.get(name) for name in field_names]
        by_severity = sorted(result.findings, key=lambda f: -SEVERITY_RANK[f.severity])  # stable: line order
        messages = list(dict.fromkeys(_short(f.message) for f in by_severity))
        rows.append([href, sorted({rule_number[f.rule] for f in result.findings}), messages, *values])
    return {
        "columns": columns,
        "views": {"letters": [position[k] for k in letters_view], "fields": [position[k] for k in fields_view]},
        "rules": rules,
        "statuses": list(STATUSES),
        "pageRows": PAGE_ROWS,
        "rows": rows,
        "baselineHead": baselines.render([]),
        "csv": CSV_RULE,
    }


def _short(message: str) -> str:
    return message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS - 1] + "…"


def _column(key: str, label: str, kind: str, unit: str = "") -> dict:
    return {"key": key, "label": label, "kind": kind, "unit": unit}


def _kind(field_type: str | None) -> str:
    return "number" if field_type in PLAIN_NUMBER_BASES else "text"


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()

"""A run's templates: found (the shipped ones, or the files and folders given), read, compiled,
and checked together: two templates of a run need two names, and a rule id two of them
declare must be declared alike. Every problem of every template is reported at once.
"""
from __future__ import annotations

import re
from pathlib import Path

from .model import DeclaredRule, Template, TemplateError
from .parse import parse_template


def default_template_dir() -> Path:
    """Templates ship inside the installed package; in a source checkout they sit in templates/."""
    packaged = Path(__file__).parent.parent / "letter_templates"
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / "templates"


def template_files(paths: list[Path] | None = None) -> list[Path]:
    if not paths:
        paths = sorted(default_template_dir().glob("*.md"))
    return [p for path in paths for p in (sorted(path.glob("*.md")) if path.is_dir() else [path])]


def load_templates(paths: list[Path] | None = None) -> list[Template]:
    """Every template of the run; all the problems of all of them at once (TemplateError)."""
    files = template_files(paths)
    if not files:
        raise TemplateError("no template files found")
    templates, problems, names = [], [], {}
    for path in files:
        try:
            template = load_template(path)
        except TemplateError as exc:
            problems.extend(exc.problems)
            continue
        if template.name in names and names[template.name] != template.path:
            problems.append(f"{template.path}:{name_line(template.path)}: the name {template.name!r} is "
                            f"also the name of {names[template.name]}; two templates of a run need two names")
            continue
        names[template.name] = template.path
        templates.append(template)
    problems.extend(_rule_conflicts(templates))
    if problems:
        raise TemplateError(problems[0], problems)
    return templates


def name_line(path: Path) -> int:
    """The line of a template file that sets its `name` (1 when none does)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((k for k, line in enumerate(lines, 1) if re.match(r"\s*name\s*=", line)), 1)


def _rule_conflicts(templates: list[Template]) -> list[str]:
    seen: dict[str, DeclaredRule] = {}
    problems = []
    for template in templates:
        for rule in template.rules.values():
            first = seen.setdefault(rule.id, rule)
            if (first.severity, first.summary) != (rule.severity, rule.summary):
                problems.append(f"{template.path}:{rule.line}: the rule {rule.id!r} is declared differently "
                                f"by the template {first.template!r}; one id, one rule")
    return problems


def load_template(path: Path) -> Template:
    """The template in the file as it is now: an edited file is compiled again."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read template ({exc})") from None
    return parse_template(source, path)

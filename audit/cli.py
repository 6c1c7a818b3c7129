"""Stage 7: the command line. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from . import baseline as baselines
from .batch import BatchContext, fields_needed, run_batch_rules
from .config import describe, find_config, load_config, resolve_settings
from .models import SEVERITY_RANK
from .pipeline import audit_batch
from .read import iter_letter_paths
from .report import Summary, formats
from .report.html import ReportError, default_report_dir, write_html
from .rules import builtin_rules
from .settings import FAIL_ON, Settings, SettingsError, rule_ids
from .spool import Spool
from .template import TemplateError, load_template, load_templates, name_line, template_files

PROGRESS_MIN_LETTERS = 20


class UsageError(Exception):
    """Reported as one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump, no traceback
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="letter-audit", description="Audit batches of templated letters.")
    parser.add_argument("--version", action="version", version=f"letter-audit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="audit letters (files or directories)")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    add_ci_options(check)
    check.add_argument("--template", action="append", type=Path, default=[], metavar="FILE",
                       help="template file or folder (repeatable); default: the templates shipped with the tool")
    check.add_argument("--format", choices=sorted(formats()), default="text")
    check.add_argument("--output", type=Path, metavar="FILE", help="write the report here instead of stdout")
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="exit 1 when a finding is at least this severe (default: warning)")
    check.add_argument("--select", action="append", default=[], metavar="RULES",
                       help="only these rules (comma-separated, repeatable)")
    check.add_argument("--ignore", action="append", default=[], metavar="RULES",
                       help="switch these rules off (comma-separated, repeatable)")
    check.add_argument("--severity", action="append", default=[], metavar="RULE=LEVEL",
                       help="change a rule's severity for this run (repeatable)")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip files matching this pattern inside directories (repeatable)")
    check.add_argument("--no-progress", action="store_true", help="never show the progress bar")
    check.add_argument("--html", nargs="?", const=default_report_dir(), type=Path, metavar="DIR",
                       help="also write an HTML report into DIR (default: reports/<date-time>/)")

    rules = commands.add_parser("rules", help="list the rules: built-in ones and those templates declare")
    rules.add_argument("-t", "--template", action="append", type=Path, default=[], metavar="FILE",
                       help="list this template's rules too (repeatable; default: the shipped templates)")
    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("rule_id", metavar="ID")
    rule.add_argument("-t", "--template", action="append", type=Path, default=[], metavar="FILE",
                      help="look the rule up in this template too (default: the shipped templates)")
    template = commands.add_parser("template", help="work with template files")
    template_commands = template.add_subparsers(dest="template_command", required=True, parser_class=_Parser)
    template_check = template_commands.add_parser(
        "check", help="validate template files: every problem as FILE:LINE, exit 2 if there is one")
    template_check.add_argument("files", nargs="+", type=Path, metavar="FILE",
                                help="template files, or folders of them (*.md)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return {"check": run_check, "rules": run_rules, "rule": run_rule, "template": run_template}[args.command](args)
    except TemplateError as exc:
        for problem in exc.problems:
            print(f"letter-audit: error: {problem}", file=sys.stderr)
        return 2
    except (UsageError, SettingsError, ReportError) as exc:
        print(f"letter-audit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1


def add_ci_options(check: argparse.ArgumentParser) -> None:
    """Options for CI use: more outputs, configuration, baseline, batch data (README.md)."""
    check.add_argument("--output-format", action="append", default=[], metavar="FORMAT:FILE",
                       help="also write the report in FORMAT to FILE (repeatable), e.g. sarif:audit.sarif")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help="read settings from FILE instead of the letter-audit.toml or pyproject.toml found upward")
    check.add_argument("--no-config", action="store_true", help="ignore configuration files")
    check.add_argument("--show-settings", action="store_true",
                       help="print the effective settings and where each came from, then exit")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="suppress the accepted findings recorded in FILE; report stale entries")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record the current warning and error findings in FILE as accepted")
    check.add_argument("--data", type=Path, metavar="FILE",
                       help="check the letters' figures against this CSV or Excel table (one row per letter)")
    check.add_argument("--peer-groups", type=Path, metavar="FILE",
                       help="CSV of key,group: letters whose key is in one group are peers (inconsistent-value)")
    check.add_argument("--authority-types", type=Path, metavar="FILE", dest="authority_types",
                       help="deprecated name of --peer-groups")


def settings_from(args: argparse.Namespace) -> Settings:
    """Defaults, then the configuration file, then the options given on the command line."""
    severity = {}
    for item in args.severity:
        rule, sep, level = item.partition("=")
        if not sep:
            raise UsageError(f"--severity takes RULE=LEVEL, not {item!r}")
        severity[rule.strip()] = level.strip()
    given = {
        "template_paths": args.template,
        "select": rule_ids(args.select),
        "ignore": rule_ids(args.ignore),
        "severity": severity,
        "fail_on": args.fail_on,
        "exclude": args.exclude,
        "baseline": args.baseline,
        "data": args.data,
        "peer_groups": args.peer_groups or _deprecated_peer_groups(args.authority_types),
    }
    return resolve_settings({k: v for k, v in given.items() if v}, _config(args))


def _deprecated_peer_groups(path: Path | None) -> Path | None:
    if path is not None:
        print("letter-audit: note: --authority-types is now called --peer-groups; the old option still "
              "works but is deprecated", file=sys.stderr)
    return path


def _config(args: argparse.Namespace):
    if args.no_config:
        return None
    path = args.config
    if path is not None and not path.is_file():
        raise UsageError(f"no such configuration file: {path}")
    path = path or find_config()
    return load_config(path) if path else None


def _output_formats(values: list[str]) -> list[tuple[object, Path]]:
    outputs = []
    for value in values:
        name, sep, file = value.partition(":")
        if not sep or not file:
            raise UsageError(f"--output-format takes FORMAT:FILE, not {value!r}")
        if name not in formats():
            raise UsageError(f"--output-format: unknown format {name!r} (choose from {', '.join(sorted(formats()))})")
        outputs.append((formats()[name], Path(file)))
    return outputs


def run_check(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.show_settings:
        print(describe(settings))
        return 0
    if not args.paths:
        raise UsageError("the following arguments are required: PATH")
    outputs = _output_formats(args.output_format)
    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"no such file or directory: {path}")
    for template in settings.templates:  # load now: a broken template stops the run before any letter is read
        for warning in template.warnings:
            print(f"letter-audit: {warning}", file=sys.stderr)
    batch = BatchContext.load(settings)  # likewise a broken --data or --peer-groups file
    baseline = _baseline(settings.baseline, writing=args.write_baseline is not None)
    paths = list(iter_letter_paths(args.paths, settings.exclude))
    progress = _Progress(len(paths)) if _show_progress(args, len(paths)) else None
    spool = Spool(fields_needed(batch))
    try:
        for path, result in zip(paths, audit_batch(paths, settings)):
            spool.add(result, path)
            if progress:
                progress.step()
        if progress:
            progress.close()
        spool.about_batch = run_batch_rules(spool.kept, batch)
        if args.write_baseline:
            baseline = baselines.write_baseline(args.write_baseline, spool, previous=baseline)
            print(f"letter-audit: recorded {len(baseline.entries)} findings in the baseline {args.write_baseline}",
                  file=sys.stderr)
        results = Results(spool, baseline)
        summary = Summary.of(results)
        if baseline:
            baselines.report(baseline.outcome, baseline)
        for fmt, output in [(formats()[args.format], args.output), *outputs]:
            write_report(fmt, results, summary, output)
        if args.html:
            print(f"HTML report: {write_html(results, settings, args.html)}", file=sys.stderr)
        return exit_code(results, settings.fail_on)
    finally:
        spool.close()


class Results:
    """The batch's results as every output reads them: the spool, less what the baseline
    accepted. Each iteration is one pass over the spool."""

    def __init__(self, spool: Spool, baseline=None):
        self.spool, self.baseline = spool, baseline
        self._length: int | None = None

    def __iter__(self):
        return self.baseline.filter(self.spool) if self.baseline else iter(self.spool)

    def __len__(self) -> int:
        if self._length is None:
            self._length = len(self.spool) if not self.baseline else sum(1 for _ in self)
        return self._length


def _baseline(path: Path | None, writing: bool):
    if path is None or (writing and not path.exists()):
        return None  # a baseline about to be written for the first time
    return baselines.Baseline.load(path)


def write_report(fmt, results, summary: Summary, output: Path | None) -> None:
    if output is None:
        fmt.write(results, summary, sys.stdout)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8", newline="") as stream:
            fmt.write(results, summary, stream)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def exit_code(results, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    failing = any(SEVERITY_RANK[f.severity] >= threshold for r in results for f in r.findings)
    return 1 if failing else 0


def _show_progress(args, count: int) -> bool:
    return (not args.no_progress and count >= PROGRESS_MIN_LETTERS and sys.stderr.isatty()
            and not os.environ.get("CI"))


class _Progress:
    """A one-line bar on stderr, redrawn at most a hundred times."""

    def __init__(self, total: int):
        self.total, self.done, self.every = total, 0, max(1, total // 100)

    def step(self) -> None:
        self.done += 1
        if self.done % self.every == 0 or self.done == self.total:
            filled = 30 * self.done // self.total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} letters")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def run_rules(args: argparse.Namespace) -> int:
    for rule in builtin_rules().values():
        print(f"{rule.id:<24} {rule.severity:<8} {rule.summary}")
    for template in load_templates(args.template):
        if template.rules:
            print(f"\nDeclared by the template {template.name} ({template.path.name}):")
        for rule in template.rules.values():
            print(f"{rule.id:<24} {rule.severity:<8} {rule.summary}")
    return 0


def run_rule(args: argparse.Namespace) -> int:
    from .rules import canonical_rule_id, declared_rule_info

    rule_id = canonical_rule_id(args.rule_id)
    rule = builtin_rules().get(rule_id)
    if rule is None:
        declared = [t.rules[rule_id] for t in load_templates(args.template) if rule_id in t.rules]
        rule = declared_rule_info(declared[0]) if declared else None
    if rule is None:
        raise UsageError(f"unknown rule {args.rule_id!r} (see `letter-audit rules`, or "
                         f"`letter-audit rule ID -t TEMPLATE` for a template's own rule)")
    where = f"\n\nDeclared by the template {rule.template}." if rule.template else ""
    print(f"{rule.id} ({rule.severity})\n\n{rule.summary}\n\n{rule.doc}\n\nHow to check: {rule.hint}{where}")
    return 0


def run_template(args: argparse.Namespace) -> int:
    """`template check FILE...`: every problem of every file at once; exit 2 if there is one."""
    problems, names = [], {}
    files = [p for path in args.files for p in (template_files([path]) if path.is_dir() else [path])]
    if not files:
        raise UsageError(f"no template files (*.md) in {', '.join(map(str, args.files))}")
    for path in files:
        try:
            template = load_template(path) if path.is_file() else None
        except TemplateError as exc:
            problems.extend(exc.problems)
            continue
        if template is None:
            problems.append(f"{path}: no such template file")
            continue
        if template.name in names:
            problems.append(f"{path}:{name_line(path)}: the name {template.name!r} is also the name of "
                            f"{names[template.name]}; two templates of a run need two names")
            continue
        names[template.name] = path
        for warning in template.warnings:
            print(f"letter-audit: {warning}", file=sys.stderr)
        print(f"{path}: ok ({template.summary()})")
    if problems:
        raise TemplateError(problems[0], problems)
    return 0

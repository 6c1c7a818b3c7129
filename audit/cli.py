"""Stage 7: the command line. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error.

Only light modules are imported here; the engine (spaCy, numpy, pandas, Jinja) is imported
once the signal handlers are in place, so Ctrl-C during start-up is a quiet exit 130 too,
and `--version` or a usage error answers at once.
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import re
import signal
import sys
from pathlib import Path
from collections.abc import Iterator
from typing import TYPE_CHECKING

from . import __version__
from .atomic import atomic_open, committed_together
from .models import FAIL_ON, SEVERITY_RANK
from .discover import describe_extensions, letter_path_strings, parse_extensions
from .read import looks_like_template, parse_seconds, parse_size
from .report import FORMAT_NAMES
from .report.escape import shown_path, terminal_safe
from .report.style import Style, wants_color
from .wording import counted

if TYPE_CHECKING:
    from .report import Summary
    from .settings import Settings

HTML_DEFAULT = object()  # --html without DIR: reports/<date-time>/, dated when the run starts

PROGRESS_MIN_LETTERS = 20
STDIN = "-"
SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")  # each ends the run with exit status 128 + its number


class UsageError(Exception):
    """Reported as one line on stderr, exit code 2."""


class Interrupted(BaseException):
    """A signal asked the run to stop; exit status 128 + signal number."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump, no traceback
        raise UsageError(message + self._did_you_mean(message))

    def _did_you_mean(self, message: str) -> str:
        """A close option or command for a mistyped one, as ruff and git suggest."""
        option = re.match(r"unrecognized arguments: (-\S+)", message)
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if option:
            typed, known = option.group(1).partition("=")[0], self._options()
        elif choice:
            typed, known = choice.group(1), re.findall(r"'([^']*)'", choice.group(2))
        else:
            return ""
        close = difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
        return f" (did you mean {close[0]}?)" if close else ""

    def _options(self) -> list[str]:
        """Every long option of this parser and of its commands."""
        found = []
        for action in self._actions:
            found += [o for o in action.option_strings if o.startswith("--")]
            for parser in getattr(action, "choices", None) or ():
                if isinstance(action.choices, dict) and isinstance(action.choices[parser], _Parser):
                    found += action.choices[parser]._options()
        return sorted(set(found))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="letter-audit", description="Audit batches of templated letters.")
    parser.add_argument("--version", action="version", version=f"letter-audit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="audit letters (files or directories)")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="letter files and folders; - reads one letter from standard input")
    add_ci_options(check)
    check.add_argument("-t", "--template", action="append", type=Path, default=[], metavar="FILE",
                       help="template file or folder (repeatable); default: the templates shipped with the tool")
    check.add_argument("-f", "--format", choices=FORMAT_NAMES, default=None,
                       help="the report on stdout or in --output (default: text)")
    check.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report here instead of stdout")
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="exit 1 when a finding is at least this severe (default: warning)")
    check.add_argument("--select", action="append", default=[], metavar="RULES",
                       help="only these rules (comma-separated, repeatable)")
    check.add_argument("--ignore", action="append", default=[], metavar="RULES",
                       help="switch these rules off (comma-separated, repeatable)")
    check.add_argument("--severity", action="append", default=[], metavar="RULE=LEVEL",
                       help="change a rule's severity for this run (repeatable)")
    add_discovery_options(check)
    check.add_argument("--stdin-filename", metavar="NAME",
                       help="the name (and so the format) of the letter read from standard input")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text report (default: auto: at a terminal, unless NO_COLOR is set; "
                            "FORCE_COLOR colours a pipe too)")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="print the findings only: no summary, progress or notes")
    check.add_argument("--statistics", action="store_true",
                       help="print the number of findings per rule instead of the findings")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when findings reach --fail-on (2 still means a usage error)")
    check.add_argument("--no-progress", action="store_true", help="never show the progress bar")
    check.add_argument("--html", nargs="?", const=HTML_DEFAULT, type=Path, metavar="DIR",
                       help="also write an HTML report into DIR (default: reports/<date-time>/)")

    extract = commands.add_parser("extract", help="print the text read from a letter, with line numbers and pages")
    extract.add_argument("path", type=Path, metavar="FILE")

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
    add_infer_command(template_commands)
    from .serve.command import add_commands as add_serve_commands
    add_serve_commands(commands, _Parser)
    return parser


def add_infer_command(template_commands) -> None:
    infer = template_commands.add_parser("infer", help="write a template inferred from a batch of letters")
    infer.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    infer.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                       help="the template file to write (- for standard output)")
    infer.add_argument("--name", help="the template's name (default: the output file's name)")
    infer.add_argument("--no-progress", action="store_true", help="never show the progress bar")
    infer.add_argument("--one-template", action="store_true",
                       help="write the versions of one form in one template with versions, even when its letters "
                            "pass it less often than the versions' templates apart")
    add_discovery_options(infer)
    infer.add_argument("--config", type=Path, metavar="FILE",
                       help="read exclude, extensions and max-bytes from FILE instead of the configuration found upward")
    infer.add_argument("--no-config", action="store_true", help="ignore configuration files")
    set_check_defaults(infer)


def set_check_defaults(parser: argparse.ArgumentParser) -> None:
    """What settings_from, _letter_paths and the run read of `check`'s own options, for a command
    that finds and audits letters as `check` does without offering them (`template infer`, `serve`)."""
    parser.set_defaults(quiet=False, format=None, template=[], select=[], ignore=[], severity=[], fail_on=None,
                        baseline=None, data=None, peer_groups=None, authority_types=None, stdin_filename=None,
                        dask=False, scheduler=None)


def add_discovery_options(parser: argparse.ArgumentParser) -> None:
    """How letters are found in folders and the budget of reading each: the same for `check` and
    `template infer`."""
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip files and folders whose name (or path's end) matches this pattern "
                             "inside directories (repeatable)")
    parser.add_argument("--no-default-excludes", action="store_true",
                        help="search .git, .venv, venv, node_modules, __pycache__, build and dist folders too, "
                             "and what .gitignore files ignore")
    parser.add_argument("--extensions", metavar="LIST",
                        help="suffixes of the letters searched for in folders (default: .txt,.md,.pdf,.docx,.doc)")
    parser.add_argument("--max-bytes", metavar="SIZE",
                        help="larger files are reported unreadable, never read (default: 10 MB)")
    parser.add_argument("--max-memory", metavar="SIZE",
                        help="memory a worker may use to read and audit one letter; a letter needing more "
                             "is reported unreadable (default: 1 GB)")
    parser.add_argument("--timeout", metavar="SECONDS",
                        help="time a worker may spend on one letter; a letter taking longer is reported "
                             "unreadable (default: 30)")


def run_template_infer(args: argparse.Namespace) -> int:
    """`template infer PATH... -o FILE`: audit/infer/command.py. Letters are found by `check`'s
    own discovery, with its options and configuration."""
    from .infer import InferenceError
    from .infer.command import run_infer

    def progress(total: int):
        return _Progress(total) if _show_progress(args, total) else None
    if STDIN in map(str, args.paths):
        raise UsageError("template infer reads letters from files and folders, not standard input (-)")
    settings = settings_from(args)
    letters = []
    for path in map(Path, _letter_paths(args, settings)):
        if looks_like_template(path, settings.max_bytes):  # an earlier output: never learned from
            print(f"letter-audit: note: skipped {terminal_safe(shown_path(path))}: it is a letter template, "
                  "not a letter", file=sys.stderr)
        else:
            letters.append(path)
    if not letters:
        raise UsageError("no letters found: every file found is a letter template")
    try:
        return run_infer(letters, args.output, args.name, progress, settings, args.one_template)
    except InferenceError as exc:
        raise UsageError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    _escape_unencodable(sys.stdout)
    with _signals_raise():
        try:
            return _run(argv)
        except (Interrupted, KeyboardInterrupt) as exc:
            if "audit.workers" in sys.modules:
                sys.modules["audit.workers"].stop_all_workers()
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            with contextlib.suppress(OSError, ValueError):
                print(f"letter-audit: interrupted ({signal.Signals(signum).name}); "
                      "no report was left half-written", file=sys.stderr)
            return 128 + signum
        except BrokenPipeError:
            sys.stderr.close()
            return 1
        except Exception as exc:  # noqa: BLE001 - a bug in letter-audit: one line, never a traceback
            if os.environ.get("LETTER_AUDIT_DEBUG"):
                raise
            print(f"letter-audit: internal error ({type(exc).__name__}: {exc}); this is a bug, please report "
                  "it (LETTER_AUDIT_DEBUG=1 shows the traceback)", file=sys.stderr)
            return 2


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):  # no arguments: the usage, as a question deserves
        parser.print_help(sys.stderr)
        return 2
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return _usage_error(exc)
    from .cluster import ClusterError
    from .settings import SettingsError
    from .template import TemplateError

    try:
        from .serve.command import run_review, run_serve
        commands = {"check": run_check, "extract": run_extract, "rules": run_rules, "rule": run_rule,
                    "template": run_template, "serve": run_serve, "review": run_review}
        return commands[args.command](args)
    except TemplateError as exc:  # every problem of every template, each as FILE:LINE: problem
        for problem in exc.problems:
            print(f"letter-audit: error: {terminal_safe(problem)}", file=sys.stderr)
        return 2
    except (UsageError, SettingsError, ClusterError) as exc:
        return _usage_error(exc)
    except Exception as exc:
        html = sys.modules.get("audit.report.html")  # imported only by a run that writes the report
        if html is not None and isinstance(exc, html.ReportError):
            return _usage_error(exc)
        raise


def _usage_error(exc: Exception) -> int:
    print(f"letter-audit: error: {terminal_safe(str(exc))}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def _signals_raise():
    """SIGINT, SIGTERM and SIGHUP raise Interrupted in the main thread, once: finally-blocks
    then stop the workers and remove partial outputs. The previous handlers come back after."""
    previous = {}
    fired = []

    def handler(signum, frame):
        if fired:  # a second signal while cleaning up: the first one is being handled
            return
        fired.append(signum)
        raise Interrupted(signum)

    try:
        for name in SIGNALS:
            if hasattr(signal, name):
                number = getattr(signal, name)
                previous[number] = signal.signal(number, handler)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def _escape_unencodable(stream) -> None:
    """Anything stdout's encoding cannot hold is escaped, never a UnicodeEncodeError half-way."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        stream.reconfigure(errors="backslashreplace")


def add_ci_options(check: argparse.ArgumentParser) -> None:
    """Options for CI use: more outputs, configuration, baseline, batch data (README.md)."""
    cluster = check.add_mutually_exclusive_group()
    cluster.add_argument("--scheduler", metavar="URL",
                         help="audit the letters on the Dask cluster of this scheduler (tcp://host:8786); "
                              "needs pip install 'letter-audit[dask]'")
    cluster.add_argument("--dask", action="store_true",
                         help="audit the letters on a Dask cluster started on this machine")
    check.add_argument("--output-format", action="append", default=[], metavar="FORMAT[:FILE]",
                       help="also write the report in FORMAT to FILE (repeatable), e.g. sarif:audit.sarif; "
                            "FORMAT alone is the same as --format FORMAT")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help="read settings from FILE instead of the letter-audit.toml or pyproject.toml found upward")
    check.add_argument("--no-config", action="store_true", help="ignore configuration files")
    check.add_argument("--show-settings", action="store_true",
                       help="print the effective settings and where each came from, then exit")
    check.add_argument("--baseline", type=_baseline_source, metavar="FILE|URL",
                       help="suppress the accepted findings recorded in FILE, or accepted in the database at URL "
                            "(letter-audit serve --db URL); report stale entries")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record the current warning and error findings in FILE as accepted")
    check.add_argument("--data", type=Path, metavar="FILE",
                       help="check the letters' figures against this CSV or Excel table (one row per letter)")
    check.add_argument("--peer-groups", type=Path, metavar="FILE",
                       help="CSV of key,group: letters whose key is in one group are peers (inconsistent-value)")
    check.add_argument("--authority-types", type=Path, metavar="FILE", dest="authority_types",
                       help="deprecated name of --peer-groups")


def _baseline_source(text: str):
    """A baseline file's path, or a database URL (sqlite:///review.db) kept as it was written."""
    from .serve.database_url import is_database_url

    return text if is_database_url(text) else Path(text)


def settings_from(args: argparse.Namespace) -> Settings:
    """Defaults, then the configuration file, then the options given on the command line."""
    from .config import resolve_settings
    from .settings import rule_ids

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
        "default_excludes": False if args.no_default_excludes else None,
        "format": args.format,
        "baseline": args.baseline,
        "data": args.data,
        "peer_groups": args.peer_groups or _deprecated_peer_groups(args.authority_types),
        "extensions": _option(parse_extensions, args.extensions, "--extensions", "a list of suffixes such as .txt,.md"),
        "max_bytes": _option(parse_size, args.max_bytes, "--max-bytes", "a size such as 10MB or 500KB"),
        "max_memory": _option(parse_size, args.max_memory, "--max-memory", "a size such as 1GB or 500MB"),
        "timeout": _option(parse_seconds, args.timeout, "--timeout", "a number of seconds such as 30"),
    }
    settings = resolve_settings({k: v for k, v in given.items() if v or v is False}, _config(args))
    for note in settings.notes:
        print(note, file=sys.stderr)
    return settings


def _deprecated_peer_groups(path: Path | None) -> Path | None:
    if path is not None:
        print("letter-audit: note: --authority-types is now called --peer-groups; the old option still "
              "works but is deprecated", file=sys.stderr)
    return path


def _config(args: argparse.Namespace):
    from .config import find_config, load_config

    if args.no_config:
        return None
    path = args.config
    if path is not None and not path.is_file():
        raise UsageError(f"no such configuration file: {path}")
    path = path or find_config()
    return load_config(path) if path else None


def _option(parse, value, option: str, expected: str):
    if value is None:
        return None
    try:
        parsed = parse(value)
    except ValueError:
        parsed = None
    if not parsed:
        raise UsageError(f"{option} takes {expected}, not {value!r}")
    return parsed


def _formats(args: argparse.Namespace, settings: Settings) -> tuple[object, list[tuple[object, Path]]]:
    """The main format and the further (format, file) outputs. `--output-format FORMAT` without
    a file means `--format FORMAT`, as in ruff."""
    from .report import formats

    known = formats()
    main_format, outputs = args.format, []
    for value in args.output_format:
        name, sep, file = value.partition(":")
        if name not in known:
            raise UsageError(f"--output-format: unknown format {name!r} (choose from {', '.join(sorted(known))})")
        if not sep:
            if main_format not in (None, name):
                raise UsageError(f"--output-format {name} asks for the {name} report on stdout, "
                                 f"but --format asks for {main_format}")
            main_format = name
            continue
        if not file:
            raise UsageError(f"--output-format takes FORMAT or FORMAT:FILE, not {value!r}")
        outputs.append((known[name], Path(file)))
    return known[main_format or settings.format], outputs


def _letter_paths(args: argparse.Namespace, settings: Settings) -> list[str]:
    """Every letter to audit: files given, letters found in folders, standard input. A file is
    never taken for a template by its content: templates are the ones named by -t. A folder
    given that holds no letter is a warning, which -q keeps. Paths as strings (a batch holds many)."""
    given = list(args.paths) or ([Path(STDIN)] if args.stdin_filename else [])
    if not given:
        raise UsageError("the following arguments are required: PATH")
    if given.count(Path(STDIN)) > 1:
        raise UsageError("standard input (-) can be read only once")
    paths, empty, seen = [], [], set()  # a path that does not exist is audited: unreadable-input, and the run goes on
    for given_path in given:
        if given_path == Path(STDIN):  # even when a file or folder named "-" exists
            name = Path(args.stdin_filename or STDIN)
            settings.stdin = (name, sys.stdin.buffer.read(settings.max_bytes + 1))  # the run's, no one else's
            paths.append(os.fspath(name))
            continue
        found = list(letter_path_strings([given_path], settings.exclude, settings.extensions,
                                       settings.default_excludes, seen))
        if not found:
            empty.append(given_path)
        paths.extend(found)
    looked_for = describe_extensions(settings.extensions)
    if args.stdin_filename and Path(STDIN) in given and paths.count(os.fspath(Path(args.stdin_filename))) > 1:
        raise UsageError(f"--stdin-filename {shown_path(Path(args.stdin_filename))} names a file that is also "
                         "among the PATHs: give standard input a name of its own")
    if not paths:
        folders = ", ".join(shown_path(p) for p in given)
        raise UsageError(f"no letters found in {folders}; looked for {looked_for}")
    for folder in empty:
        print(f"letter-audit: warning: no letters found in {terminal_safe(shown_path(folder))}; "
              f"looked for {looked_for}", file=sys.stderr)
    return paths


def _refuse_overwriting_inputs(paths: list[str], outputs: list[Path], html: Path | None, settings: Settings) -> None:
    """An output must never replace a letter or another file the run reads (a template, the
    --data or --peer-groups file), and a report folder must not hold letters."""
    existing = [output for output in outputs if output is not None and os.path.isfile(output)]  # not /dev/null
    if existing:
        read = [(path, "the input letter") for path in paths]
        if settings is not None:
            read += [(template.path, "the template") for template in settings.templates]
            read += [(path, f"the {option} file") for path, option in ((settings.data, "--data"),
                                                                     (settings.peer_groups, "--peer-groups")) if path]
        identities = {}
        for path, what in read:
            with contextlib.suppress(OSError):
                info = os.stat(path)
                identities[(info.st_dev, info.st_ino)] = f"{what} {shown_path(path)}"
        for output in existing:
            info = os.stat(output)
            if (info.st_dev, info.st_ino) in identities:
                raise UsageError(f"refusing to write a report to {shown_path(output)}: it is "
                                 f"{identities[(info.st_dev, info.st_ino)]}")
    if html is not None:
        folder = os.path.realpath(html)
        for path, real in zip(paths, _real_paths(paths)):
            if settings.stdin_bytes(path) is None and os.path.commonpath([folder, real]) == folder:
                raise UsageError(f"refusing to write the HTML report into {shown_path(html)}: it holds the input "
                                 f"letter {shown_path(path)}; choose another folder")


def _real_paths(paths: list[str]) -> Iterator[str]:
    """os.path.realpath of each path, each folder resolved once: a batch is many files in few folders."""
    folders: dict[str, str] = {}
    for path in paths:
        folder, name = os.path.split(path)
        if name in ("", ".", "..") or os.path.islink(path):
            yield os.path.realpath(path)
            continue
        if folder not in folders:
            folders[folder] = os.path.realpath(folder or os.curdir)
        yield os.path.join(folders[folder], name)


def run_check(args: argparse.Namespace) -> int:
    from .baseline import report as report_baseline
    from .batch import BatchContext
    from .config import describe
    from .cluster import LOCAL
    from .run import run_batch

    settings = settings_from(args)
    if args.html:  # (Jinja and the report's modules are imported only for it)
        from .report.html import HtmlReport, default_report_dir
    if args.html is HTML_DEFAULT:
        args.html = default_report_dir()
    dask = args.scheduler or (LOCAL if args.dask else None)
    if dask is not None and args.html:
        raise UsageError("--html is written by the processes that audit the letters, on this machine: "
                         "it cannot be combined with --scheduler or --dask")
    if args.show_settings:
        print(describe(settings))
        return 0
    main_format, outputs = _formats(args, settings)
    for template in settings.templates:  # load now: a broken template stops the run before any letter is read
        for warning in template.warnings:  # a warning, which -q keeps
            print(f"letter-audit: {terminal_safe(warning)}", file=sys.stderr)
    context = BatchContext.load(settings)  # likewise a broken --data or --peer-groups file
    baseline = _baseline(settings.baseline, writing=args.write_baseline is not None)
    paths = _letter_paths(args, settings)
    _refuse_overwriting_inputs(paths, [args.output, args.write_baseline, *(file for _, file in outputs)], args.html,
                               settings)
    progress = _Progress(len(paths)) if _show_progress(args, len(paths)) else None
    # each letter's page is written by the process that audits it (HtmlReport.keeper)
    html = HtmlReport(args.html, paths, settings.rules) if args.html else None
    try:
        with committed_together():  # every output, or none, when the run ends
            with run_batch(paths, settings, context=context, baseline=baseline, write_to=args.write_baseline,
                           after_letter=html.keeper if html else None,
                           on_letter=progress.step if progress else None, dask=dask,
                           render=() if args.statistics else (main_format.NAME, *(fmt.NAME for fmt, _ in outputs))
                           ) as run:
                if progress:
                    progress.close()
                if run.written_baseline and not args.quiet:
                    print(f"letter-audit: recorded {counted(len(run.written_baseline.entries), 'finding')} in the baseline "
                          f"{terminal_safe(shown_path(args.write_baseline))}", file=sys.stderr)
                if run.baseline_outcome is not None:
                    report_baseline(run.baseline_outcome, run.baseline)
                if args.statistics:
                    write_output(lambda stream, style: write_statistics(run.summary, stream, style), args.output, args)
                else:
                    write_report(main_format, run.results, run.summary, args.output, args)
                for fmt, output in outputs:
                    write_report(fmt, run.results, run.summary, output, args)
                if html:
                    # every finding; those the baseline accepted are shown collapsed on their letters' pages
                    index = html.write(run.results.everything(), settings, run.baseline)
                    if not args.quiet:
                        print(f"HTML report: {terminal_safe(shown_path(index))}", file=sys.stderr)
                return 0 if args.exit_zero else exit_code(run.summary, settings.fail_on)
    finally:
        if html:
            html.close()


def _baseline(path: Path | None, writing: bool):
    from . import baseline as baselines

    if isinstance(path, str):  # a database URL: the decisions made with `letter-audit serve`
        if writing:
            raise UsageError("--write-baseline writes a file; the decisions in a database are exported with "
                             "`letter-audit review export --db URL -o FILE`")
        from .serve.exchange import baseline_from_database
        return baseline_from_database(path)
    if path is None or (writing and not path.exists()):
        return None  # a baseline about to be written for the first time
    return baselines.Baseline.load(path)


def write_report(fmt, results, summary: Summary, output: Path | None, args: argparse.Namespace | None = None) -> None:
    if getattr(fmt, "STYLED", False):
        write_output(lambda stream, style: fmt.write(results, summary, stream, style=style), output, args,
                     colorable=fmt.NAME == "text")
    else:
        write_output(lambda stream, style: fmt.write(results, summary, stream), output, args)


def write_output(write, output: Path | None, args: argparse.Namespace | None, colorable: bool = True) -> None:
    """write(stream, style) to stdout, or whole into the file `output` (never half of it)."""
    quiet = bool(args and args.quiet)
    if output is None:
        color = colorable and wants_color(args.color if args else "never", sys.stdout)
        write(sys.stdout, Style(color=color, quiet=quiet))
        return
    try:
        with atomic_open(output, newline="", follow=True) as stream:  # the user named it
            write(stream, Style(color=False, quiet=quiet))
    except OSError as exc:
        raise UsageError(f"cannot write {shown_path(output)}: {exc.strerror or exc}") from None


def write_statistics(summary: Summary, stream, style: Style) -> None:
    """One line per rule, most frequent first: count, rule id, severity, the rule's summary (as ruff)."""
    catalogue = summary.catalogue
    rows = sorted(((sum(c.values()), rule, c) for rule, c in summary.rules.items()), key=lambda r: (-r[0], r[1]))
    for count, rule, counts in rows:
        severity = max(counts, key=lambda s: SEVERITY_RANK[s])
        text = catalogue[rule].summary if rule in catalogue else ""
        stream.write(f"{count:>6}  {style.rule(f'{terminal_safe(rule):<24}')} "
                     f"{style.severity(severity, f'{severity:<8}')} {terminal_safe(text)}\n")


def exit_code(summary, fail_on: str) -> int:
    """1 when the run has a finding at least as severe as `fail_on` (from its summary's counts)."""
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    return 1 if any(count and SEVERITY_RANK[s] >= threshold for s, count in summary.severities.items()) else 0


def _show_progress(args, count: int) -> bool:
    return (not args.no_progress and not args.quiet and count >= PROGRESS_MIN_LETTERS and sys.stderr.isatty()
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


def run_extract(args: argparse.Namespace) -> int:
    """The text the audit reads from FILE; exit 1 (and the reason on stderr) if it cannot be read."""
    from .listing import listing
    from .pipeline import read_in_workers
    from .read import DEFAULT_MAX_BYTES
    from .workers import Limits

    if not os.path.lexists(args.path):
        raise UsageError(f"no such file: {terminal_safe(shown_path(args.path))}")
    raw = next(read_in_workers([args.path], DEFAULT_MAX_BYTES, Limits()))  # never parsed in this process
    if raw.text is None:
        reason = raw.error if raw.error[:1].isupper() else f"the file {raw.error}"
        print(f"letter-audit: {terminal_safe(shown_path(args.path))}: {reason}", file=sys.stderr)
        return 1
    sys.stdout.write(listing(raw))
    return 0


def run_rules(args: argparse.Namespace) -> int:
    from .rules import builtin_rules
    from .template import load_templates

    for rule in builtin_rules().values():
        print(f"{rule.id:<24} {rule.severity:<8} {rule.summary}")
    for template in load_templates(args.template):
        if template.rules:
            print(f"\nDeclared by the template {template.name} ({template.path.name}):")
        for rule in template.rules.values():
            print(f"{rule.id:<24} {rule.severity:<8} {rule.summary}")
    return 0


def run_rule(args: argparse.Namespace) -> int:
    from .rules import builtin_rules, canonical_rule_id, declared_rule_info, renamed_note
    from .template import load_templates

    rule_id = canonical_rule_id(args.rule_id)
    if rule_id != args.rule_id:
        print(renamed_note(args.rule_id), file=sys.stderr)
    rule = builtin_rules().get(rule_id)
    if rule is None:
        declared = [t.rules[rule_id] for t in load_templates(args.template) if rule_id in t.rules]
        rule = declared_rule_info(declared[0]) if declared else None
    if rule is None:
        from .settings import did_you_mean

        known = [*builtin_rules(), *(r for t in load_templates(args.template) for r in t.rules)]
        raise UsageError(f"unknown rule {args.rule_id!r}{did_you_mean(rule_id, known)} (see `letter-audit rules`, "
                         f"or `letter-audit rule ID -t TEMPLATE` for a template's own rule)")
    where = f"\n\nDeclared by the template {rule.template}." if rule.template else ""
    print(f"{rule.id} ({rule.severity})\n\n{rule.summary}\n\n{plain_text(rule.doc)}\n\n"
          f"How to check: {rule.hint}{where}")
    return 0


def plain_text(doc: str) -> str:
    """A rule's docstring as plain text, as the rules page shows it: paragraphs wrapped, examples
    indented under their caption, no reStructuredText markup (`::`, double backquotes)."""
    import textwrap

    from .report.html.rules_page import BlockKind, doc_blocks

    parts = []
    for block in doc_blocks(doc):
        if block.kind == BlockKind.EXAMPLE:
            parts.append(f"{block.label}:\n{textwrap.indent(block.text, '    ')}")
        else:
            parts.append(textwrap.fill(block.text, width=88))
    return "\n\n".join(parts)


def run_template(args: argparse.Namespace) -> int:
    """`template check FILE...`: every problem of every file at once; exit 2 if there is one.
    (`template infer` is run_template_infer.)"""
    if args.template_command == "infer":
        return run_template_infer(args)
    from .template import TemplateError, load_template, name_line, template_files

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
            print(f"letter-audit: {terminal_safe(warning)}", file=sys.stderr)
        print(f"{terminal_safe(str(path))}: ok ({template.summary()})")
    if problems:
        raise TemplateError(problems[0], problems)
    return 0

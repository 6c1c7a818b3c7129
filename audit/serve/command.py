"""`letter-audit serve` and `letter-audit review export|import|passwd`: options parsed here, the
work done by the modules they name. Only argparse is imported until a command runs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_PORT = 8765
DEFAULT_URL = "sqlite:///review.db"  # an SQLite file in the current folder


def add_commands(commands, parser_class) -> None:
    from ..cli import add_discovery_options, set_check_defaults

    serve = commands.add_parser("serve", help="audit letters and serve the worksheet for a team of reviewers")
    serve.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="letter files and folders, or a run's JSON output (check -f json -o run.json) to review "
                            "without auditing again")
    serve.add_argument("-t", "--template", action="append", type=Path, default=[], metavar="FILE",
                       help="template file or folder (repeatable); default: the templates shipped with the tool")
    serve.add_argument("--db", default=DEFAULT_URL, metavar="URL",
                       help=f"where decisions are kept: sqlite:///FILE or postgresql://USER@HOST/NAME "
                            f"(default: {DEFAULT_URL})")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only; any other needs --users)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    serve.add_argument("--users", type=Path, metavar="FILE",
                       help="reviewers and their password hashes (letter-audit review passwd); required to listen "
                            "beyond this machine, and then every reviewer logs in")
    add_discovery_options(serve)
    serve.add_argument("--config", type=Path, metavar="FILE", help="read settings from FILE")
    serve.add_argument("--no-config", action="store_true", help="ignore configuration files")
    set_check_defaults(serve)

    review = commands.add_parser("review", help="the decisions `serve` keeps: export, import, users")
    actions = review.add_subparsers(dest="review_command", required=True, parser_class=parser_class)
    export = actions.add_parser("export", help="write the accepted findings as a baseline file")
    export.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=f"the database (default: {DEFAULT_URL})")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the baseline file to write")
    load = actions.add_parser("import", help="load a baseline file or a decisions CSV exported from an HTML report")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=f"the database (default: {DEFAULT_URL})")
    load.add_argument("--reviewer", default="import", help="who the decisions are recorded as made by, when the "
                                                           "file does not say (default: import)")
    passwd = actions.add_parser("passwd", help="add a reviewer to a users file, or change a password "
                                               "(read from standard input, or asked for at a terminal)")
    passwd.add_argument("name", metavar="NAME")
    passwd.add_argument("--users", type=Path, required=True, metavar="FILE")


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..cli import UsageError
    from .app import Access, create_app
    from .database import open_database, shown_url
    from .live import Live
    from .security import is_loopback
    from .users import load_users

    if not is_loopback(args.host) and args.users is None:
        raise UsageError(f"refusing to listen on {args.host} without --users FILE: beyond this machine every "
                         "reviewer must log in (add one with `letter-audit review passwd --users FILE NAME`)")
    if not 0 < args.port < 65536:
        raise UsageError(f"--port takes a port number from 1 to 65535, not {args.port}")
    users = load_users(args.users) if args.users is not None else None
    engine = open_database(args.db)
    try:
        sheet = load_worksheet(args)
    except BaseException:
        engine.dispose()
        raise
    live = Live(sheet, engine)
    where = f"http://{'[' + args.host + ']' if ':' in args.host else args.host}:{args.port}/"
    print(f"letter-audit: {len(sheet.letters)} letters, {len(sheet.findings)} findings; decisions in "
          f"{shown_url(args.db)}; serving {where} (Ctrl-C stops)", file=sys.stderr, flush=True)
    app = create_app(live, Access(users))
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    finally:
        engine.dispose()
    return 0


def load_worksheet(args: argparse.Namespace):
    """The worksheet of the letters `serve` was given: audited with the run's settings (batch
    rules included, no baseline: every finding is on the worksheet), or read from a run's JSON."""
    from ..batch import BatchContext
    from ..cli import _letter_paths, settings_from
    from ..report.escape import terminal_safe
    from ..run import run_batch
    from .run_file import is_run_file, read_run
    from .worksheet import Worksheet

    settings = settings_from(args)  # (a run's JSON: its letter pages are laid over these templates)
    if is_run_file(args.paths):
        return Worksheet.of(read_run(args.paths[0]), settings)
    for template in settings.templates:  # a broken template stops here, before any letter is read
        for warning in template.warnings:
            print(f"letter-audit: {terminal_safe(warning)}", file=sys.stderr)
    context = BatchContext.load(settings)
    with run_batch(_letter_paths(args, settings), settings, context=context) as run:
        return Worksheet.of(run.results.everything(), settings)


def run_review(args: argparse.Namespace) -> int:
    from ..report.escape import shown_path
    from .database import open_database, shown_url
    from .exchange import export_baseline, import_file

    if args.review_command == "passwd":
        return _passwd(args)
    engine = open_database(args.db, create=args.review_command == "import")
    try:
        if args.review_command == "export":
            count = export_baseline(engine, args.output)
            print(f"letter-audit: {count} accepted finding{'s' * (count != 1)} written to "
                  f"{shown_path(args.output)}", file=sys.stderr)
        else:
            count = import_file(engine, args.file, args.reviewer)
            print(f"letter-audit: {count} decision{'s' * (count != 1)} imported into {shown_url(args.db)}",
                  file=sys.stderr)
    finally:
        engine.dispose()
    return 0


def _passwd(args: argparse.Namespace) -> int:
    import getpass

    from ..cli import UsageError
    from .users import set_password

    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("the passwords differ; nothing changed")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        raise UsageError("a password has at least 8 characters; nothing changed")
    set_password(args.users, args.name, password)
    print(f"letter-audit: {args.name} can log in (users file {args.users})", file=sys.stderr)
    return 0

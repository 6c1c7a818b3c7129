"""The worksheet's routes (Starlette). Pages are rendered on the server from the worksheet
view; the page script (static/serve.js) records decisions and polls for everyone else's.

    GET  /                   the letters (filtered by ?q=), progress, bulk decisions
    GET  /letters/N          one letter: its findings with their decisions and history, its text
    GET  /stale              decisions on findings this run no longer has
    GET  /api/changes?since=ID   the decisions recorded after ID, progress
    POST /api/decisions      decide findings or mark letters reviewed
    POST /api/bulk           decide every finding matching a query (the count the reviewer confirmed)
    GET  /login, POST /login, POST /logout
"""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from . import decisions as store
from .database import session_secret
from .decisions import NewDecision
from .live import Live
from .query import QueryError
from .schema import FINDING_STATES, LETTER_STATES
from .rows import letter_rows
from .search import known_fields, search
from .side_by_side import letter_beside_template
from .security import SecurityHeaders, csrf_ok, csrf_token, reviewer
from .users import valid_name, verify

HERE = Path(__file__).parent
MAX_BATCH = 20000  # decisions in one request
NOTE_CHARS = 2000


@dataclass(frozen=True)
class Access:
    users: dict[str, str] | None  # name -> argon2 hash; None: a reviewer just gives a name (loopback)


def create_app(live: Live, access: Access, secret: str | None = None) -> Starlette:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        html = env.get_template(name).render(reviewer=reviewer(request), csrf=csrf_token(request),
                                             version=__version__, **context)
        return HTMLResponse(html, status_code=status)

    def signed_in(handler):
        async def guarded(request: Request):
            if reviewer(request) is None:
                if request.url.path.startswith("/api/"):
                    return JSONResponse({"error": "log in first"}, status_code=401)
                return RedirectResponse("/login", status_code=303)
            return await handler(request)
        return guarded

    def state_change(handler):
        """Refuse (403) a request without the session's CSRF token in its X-CSRF-Token header."""
        async def checked(request: Request):
            if not csrf_ok(request, request.headers.get("x-csrf-token")):
                return JSONResponse({"error": "missing or wrong CSRF token; reload the page"}, status_code=403)
            return await handler(request)
        return checked

    async def login_form(request: Request):
        return page(request, "login.html", passwords=access.users is not None, error="")

    async def login(request: Request):
        form = await request.form()
        if not csrf_ok(request, form.get("csrf")):
            return page(request, "login.html", 403, passwords=access.users is not None,
                        error="The form had expired; please try again.")
        name = str(form.get("name", "")).strip()
        if access.users is not None:
            ok = await run_in_threadpool(verify, access.users, name, str(form.get("password", "")))
            if not ok:
                return page(request, "login.html", 401, passwords=True, error="Wrong name or password.")
        elif not valid_name(name):
            return page(request, "login.html", 400, passwords=False,
                        error="Give your name (up to 64 characters): it is recorded with your decisions.")
        request.session.clear()
        request.session["reviewer"] = name
        request.session["csrf"] = secrets.token_urlsafe(32)  # a new session, a new token
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request):
        form = await request.form()
        if not csrf_ok(request, form.get("csrf")):
            return JSONResponse({"error": "missing or wrong CSRF token"}, status_code=403)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    async def index(request: Request):
        query = request.query_params.get("q", "")
        view = await run_in_threadpool(live.view)
        try:
            match = await run_in_threadpool(search, view, query)
            error = ""
        except QueryError as exc:
            match, error = None, str(exc)
        counts = Counter(item.letter for item in view.sheet.findings)
        undecided = _undecided_per_letter(view)
        rows = letter_rows(match.letters, view, counts, undecided) if match else ""
        return page(request, "index.html", view=view, query=query, error=error, match=match, rows=rows,
                    letter_fields=sorted(known_fields(view)), progress=view.progress(), last_id=live.refresh(),
                    bulk_count=sum(1 for f in match.findings) if match else 0)

    async def letter(request: Request):
        number = request.path_params["number"]
        item = live.sheet.letter(number)
        if item is None:
            return page(request, "missing.html", 404, what=f"letter {number}")
        view = await run_in_threadpool(live.view)
        findings = [f for f in live.sheet.findings if f.letter == number]
        histories = {f.fingerprint: store.history(live.engine, "finding", f.fingerprint) for f in findings}
        raw = await run_in_threadpool(_read_guarded, item.path) if item.kind == "letter" else None
        lines = raw.text.split("\n") if raw is not None and raw.text is not None else None
        side = []
        if lines is not None and live.sheet.settings is not None:
            expected = {f.settles[0]: f.settles[1:] for f in findings if f.settles}
            side = await run_in_threadpool(letter_beside_template, item.path, live.sheet.settings, expected)
        return page(request, "letter.html", view=view, letter=item, findings=findings, histories=histories,
                    lines=lines, side=side, total=len(live.sheet.letters), last_id=live.refresh(),
                    letter_state=view.letters.get(item.path))

    async def stale(request: Request):
        view = await run_in_threadpool(live.view)
        return page(request, "stale.html", view=view, last_id=live.refresh())

    async def changes(request: Request):
        try:
            after = int(request.query_params.get("since", "0"))
        except ValueError:
            return JSONResponse({"error": "since must be a number"}, status_code=400)
        newest, changed = await run_in_threadpool(live.changes, after)
        view = await run_in_threadpool(live.view) if changed else None
        return JSONResponse({"last_id": newest, "decisions": [_shown(d, view) for d in changed],
                             "progress": view.progress() if view else None,
                             "letters": _letters_of(changed, view) if view else {}})

    async def decide(request: Request):
        try:
            body = await request.json()
            items = [_new_decision(live, raw) for raw in body["decisions"]]
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": f"not a decision: {exc}"}, status_code=400)
        if not items or len(items) > MAX_BATCH:
            return JSONResponse({"error": f"send 1 to {MAX_BATCH} decisions"}, status_code=400)
        stored = await run_in_threadpool(live.record, reviewer(request), items)
        return JSONResponse({"decisions": [d.json() for d in stored]})

    async def bulk(request: Request):
        try:
            body = await request.json()
            query, state, expected = str(body["q"]), str(body["state"]), int(body["count"])
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": f"not a bulk decision: {exc}"}, status_code=400)
        if state not in FINDING_STATES:
            return JSONResponse({"error": f"state must be one of {', '.join(FINDING_STATES)}"}, status_code=400)
        view = await run_in_threadpool(live.view)
        try:
            match = await run_in_threadpool(search, view, query)
        except QueryError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if len(match.findings) != expected:
            return JSONResponse({"error": f"the filter now matches {len(match.findings)} findings, not the "
                                          f"{expected} you confirmed; reload and try again"}, status_code=409)
        note = str(body.get("note", ""))[:NOTE_CHARS]
        items = [_finding_decision(live, item.fingerprint, state, note) for item in match.findings]
        stored = await run_in_threadpool(live.record, reviewer(request), items)
        return JSONResponse({"decided": len(stored)})

    async def history(request: Request):
        kind, target = request.query_params.get("kind", "finding"), request.query_params.get("target", "")
        found = await run_in_threadpool(store.history, live.engine, kind, target)
        return JSONResponse({"history": [d.json() for d in found]})

    routes = [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", signed_in(index), methods=["GET"]),
        Route("/letters/{number:int}", signed_in(letter), methods=["GET"]),
        Route("/stale", signed_in(stale), methods=["GET"]),
        Route("/api/changes", signed_in(changes), methods=["GET"]),
        Route("/api/history", signed_in(history), methods=["GET"]),
        Route("/api/decisions", signed_in(state_change(decide)), methods=["POST"]),
        Route("/api/bulk", signed_in(state_change(bulk)), methods=["POST"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=secret or session_secret(live.engine), session_cookie="letter_audit",
                   same_site="strict", https_only=False, max_age=12 * 3600),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={404: _not_found})


async def _not_found(request: Request, exc) -> Response:
    return JSONResponse({"error": "not found"}, status_code=404) if request.url.path.startswith("/api/") \
        else HTMLResponse("<!doctype html><title>Not found</title><p>Not found.</p>", status_code=404)


def _new_decision(live: Live, raw: dict) -> NewDecision:
    request_id = raw.get("request_id")
    if request_id is not None and (not isinstance(request_id, str) or len(request_id) > 64):
        raise ValueError("request_id is a string of at most 64 characters")
    note = str(raw.get("note", ""))[:NOTE_CHARS]
    if "fingerprint" in raw:
        return _finding_decision(live, str(raw["fingerprint"]), str(raw["state"]), note, request_id)
    path, state = str(raw["letter"]), str(raw["state"])
    item = live.sheet.by_path.get(path)
    if item is None or state not in LETTER_STATES:
        raise ValueError(f"no letter {path!r} in this run, or a state not in {LETTER_STATES}")
    return NewDecision("letter", path, state, item.identity, item.path, "", "", item.text_hash, note, request_id)


def _finding_decision(live: Live, fingerprint: str, state: str, note: str, request_id: str | None = None
                      ) -> NewDecision:
    item = live.sheet.by_fingerprint.get(fingerprint)
    if item is None or state not in FINDING_STATES:
        raise ValueError(f"no finding {fingerprint!r} in this run, or a state not in {FINDING_STATES}")
    letter = live.sheet.letters[item.letter - 1]
    return NewDecision("finding", fingerprint, state, letter.identity, letter.path, item.rule, item.note,
                       letter.text_hash, note, request_id)


def _read_guarded(path: str):
    """The letter's text, read in a worker process within the audit's budget (never parsed here)."""
    from ..pipeline import read_in_workers
    from ..read import DEFAULT_MAX_BYTES
    from ..workers import Limits

    return next(read_in_workers([Path(path)], DEFAULT_MAX_BYTES, Limits()))


def _undecided_per_letter(view) -> dict[int, int]:
    counts: dict[int, int] = {}
    for item in view.sheet.findings:
        if not view.state_of(item.fingerprint):
            counts[item.letter] = counts.get(item.letter, 0) + 1
    return counts


def _shown(decision, view) -> dict:
    record = decision.json()
    if view is not None and decision.kind == "finding":
        found = view.findings.get(decision.target)
        record["on_earlier_text"] = bool(found and found.on_earlier_text)
    if view is not None and decision.kind == "letter":
        record["reviewed_now"] = view.reviewed(decision.target)
    return record


def _letters_of(changed, view) -> dict:
    """The undecided count and Reviewed tick of each letter a change touched, by path."""
    undecided = _undecided_per_letter(view)
    out = {}
    for decision in changed:
        item = view.sheet.by_path.get(decision.path)
        if item is not None:
            out[item.path] = {"undecided": undecided.get(item.number, 0), "reviewed": view.reviewed(item.path)}
    return out

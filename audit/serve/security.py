"""Who may do what: the reviewer's session, CSRF tokens, and the headers every page carries.

Sessions are Starlette's signed cookies (itsdangerous): the reviewer's name and the CSRF
token, signed with a key made when the server starts. Every request that changes state
carries the token (the X-CSRF-Token header, or a `csrf` form field) and is refused (403)
without it. Pages keep the static report's Content-Security-Policy: scripts and styles only
from the server's own files, never inline, so letter text can never run as script.
"""
from __future__ import annotations

import ipaddress
import secrets

from starlette.requests import Request

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


def is_loopback(host: str) -> bool:
    """True when the server listens on this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, given: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and given) and secrets.compare_digest(str(expected), str(given))


def reviewer(request: Request) -> str | None:
    return request.session.get("reviewer")


class SecurityHeaders:
    """ASGI middleware adding HEADERS to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in names]
            await send(message)
        await self.app(scope, receive, with_headers)

"""Whether a --baseline or --db value names a database (light: the command line reads it
before anything heavy is imported)."""
from __future__ import annotations

SCHEMES = ("sqlite", "postgresql", "postgres")


def is_database_url(text: str) -> bool:
    """True for `sqlite:///...` and `postgresql://...`, the URLs letter-audit keeps decisions at."""
    scheme, sep, _ = str(text).partition("://")
    return bool(sep) and scheme.split("+")[0] in SCHEMES

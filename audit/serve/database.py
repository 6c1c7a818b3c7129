"""Where decisions are kept: a database URL made into an engine, its tables brought up to date.

An SQLite file needs no set-up (the default, `review.db`); PostgreSQL is for a team
(`postgresql://user@host/name`). The tables are made and changed by Alembic migrations
(migrations/versions/), run whenever a database is opened, so an older database is upgraded
in place and a newer letter-audit never reads tables it does not know.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine, create_engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from ..settings import SettingsError
from .database_url import SCHEMES

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(SettingsError):
    """A database that cannot be used: one line for the user (exit code 2)."""


def engine_url(text: str) -> str:
    """The SQLAlchemy URL: PostgreSQL through psycopg (version 3)."""
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.split("+")[0] not in SCHEMES:
        raise DatabaseError(f"not a database URL: {text!r} (use sqlite:///FILE or postgresql://USER@HOST/NAME)")
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return text


def shown_url(text: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except ArgumentError:
        return text


def open_database(text: str, *, create: bool = True) -> Engine:
    """An engine on the database at URL `text`, its tables migrated to the current version.
    `create=False` refuses an SQLite file that does not exist yet (a reader's typo)."""
    try:
        url = make_url(engine_url(text))
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {text!r} ({exc})") from None
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not create and not os.path.exists(url.database):
            raise DatabaseError(f"no such database: {url.database}")
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseError(f"cannot open the database {shown_url(text)} ({reason})") from None
    return engine


def _sqlite_pragmas(connection, _record) -> None:
    """WAL: readers never wait for the writer; FULL sync: an acknowledged decision survives a crash."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the tables to the newest migration (Alembic's `upgrade head`)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_secret(engine: Engine) -> str:
    """The key that signs session cookies, made once and kept in the database: a restarted
    server (or another one on the same database) honours the sessions it signed. Whoever can
    read the database could forge a session, as they could write a decision."""
    import secrets as tokens

    from .schema import secrets

    query = select(secrets.c.value).where(secrets.c.name == "session")
    with engine.begin() as connection:
        found = connection.execute(query).scalar()
    if found:
        return found
    try:
        with engine.begin() as connection:
            connection.execute(insert(secrets).values(name="session", value=tokens.token_urlsafe(48)))
    except IntegrityError:  # another server made it first: use theirs
        pass
    with engine.begin() as connection:
        return connection.execute(query).scalar_one()

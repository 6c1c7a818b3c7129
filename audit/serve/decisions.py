"""Decisions in the database: each one a new row, so the history of a finding is every row
about it and its state is the latest. Nothing here knows about web requests."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .schema import decisions


@dataclass(frozen=True)
class NewDecision:
    """A decision as a reviewer makes it (who and when are added when it is recorded)."""

    kind: str  # "finding" or "letter"
    target: str  # the finding's fingerprint, or the letter's path
    state: str
    letter: str = ""
    path: str = ""
    rule: str = ""
    message: str = ""
    text_hash: str = ""
    note: str = ""
    request_id: str | None = None


@dataclass(frozen=True)
class Decision:
    id: int
    kind: str
    target: str
    state: str
    letter: str
    path: str
    rule: str
    message: str
    text_hash: str
    note: str
    reviewer: str
    decided_at: datetime

    def json(self) -> dict:
        record = asdict(self)
        record["decided_at"] = _utc(self.decided_at).isoformat(timespec="seconds")
        return record


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite keeps no zone


def _decision(row) -> Decision:
    return Decision(**{name: getattr(row, name) for name in Decision.__dataclass_fields__})


def record(engine: Engine, reviewer: str, items: Iterable[NewDecision]) -> list[Decision]:
    """Add the decisions in one transaction and return them as stored. A decision whose
    request_id is already stored (a retried request) is returned as it was, not added again."""
    now = datetime.now(timezone.utc)
    items = list(items)
    if not items:
        return []
    for attempt in range(3):
        try:
            with engine.begin() as connection:
                ids = [item.request_id for item in items if item.request_id]
                done = {}
                if ids:
                    done = {row.request_id: _decision(row) for row in connection.execute(
                        select(decisions).where(decisions.c.request_id.in_(ids)))}
                new = [item for item in items if item.request_id not in done]
                rows = [{**asdict(item), "reviewer": reviewer, "decided_at": now} for item in new]
                added = []
                if rows:
                    result = connection.execute(insert(decisions).returning(*decisions.c, sort_by_parameter_order=True),
                                                rows)
                    added = [_decision(row) for row in result]
                fresh = iter(added)
                return [done[item.request_id] if item.request_id in done else next(fresh) for item in items]
        except IntegrityError:  # the same request, retried at the same moment: read it next time
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def latest(engine: Engine) -> dict[tuple[str, str], Decision]:
    """The current state of every target ever decided: its latest row."""
    newest = select(func.max(decisions.c.id)).group_by(decisions.c.kind, decisions.c.target)
    with engine.connect() as connection:
        rows = connection.execute(select(decisions).where(decisions.c.id.in_(newest)))
        return {(row.kind, row.target): _decision(row) for row in rows}


def since(engine: Engine, after: int, limit: int = 5000) -> list[Decision]:
    """Decisions recorded after the one numbered `after`, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(select(decisions).where(decisions.c.id > after)
                                  .order_by(decisions.c.id).limit(limit))
        return [_decision(row) for row in rows]


def history(engine: Engine, kind: str, target: str) -> list[Decision]:
    """Every decision about one finding or letter, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(select(decisions).where(decisions.c.kind == kind, decisions.c.target == target)
                                  .order_by(decisions.c.id.desc()))
        return [_decision(row) for row in rows]


def last_id(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.max(decisions.c.id))).scalar() or 0


def count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(decisions)).scalar() or 0

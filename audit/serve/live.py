"""The server's state: the run's worksheet and the latest decisions, kept current.

Every reader first asks the database for the decisions recorded since the last one it saw
(one indexed query), so decisions made by another reviewer, or another server process on
the same PostgreSQL database, are seen at the next request or poll.
"""
from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from . import decisions
from .decisions import Decision, NewDecision
from .worksheet import Worksheet, WorksheetView


class Live:
    def __init__(self, sheet: Worksheet, engine: Engine):
        self.sheet, self.engine = sheet, engine
        self._lock = threading.Lock()
        self._latest: dict[tuple[str, str], Decision] = decisions.latest(engine)
        self._seen = max((d.id for d in self._latest.values()), default=0)

    def refresh(self) -> int:
        """Read the decisions recorded since the last refresh; the newest id seen."""
        with self._lock:
            while True:
                fresh = decisions.since(self.engine, self._seen)
                self._merge(fresh)
                if len(fresh) < 5000:
                    return self._seen

    def _merge(self, fresh: list[Decision]) -> None:
        for decision in fresh:
            key = (decision.kind, decision.target)
            known = self._latest.get(key)
            if known is None or known.id < decision.id:
                self._latest[key] = decision
            self._seen = max(self._seen, decision.id)

    def view(self) -> WorksheetView:
        self.refresh()
        with self._lock:
            return self.sheet.view(dict(self._latest))

    def record(self, reviewer: str, items: list[NewDecision]) -> list[Decision]:
        stored = decisions.record(self.engine, reviewer, items)
        self.refresh()
        return stored

    def changes(self, after: int) -> tuple[int, list[Decision]]:
        """The latest decision of each target changed after id `after`, and the newest id."""
        newest = self.refresh()
        with self._lock:
            changed = [d for d in self._latest.values() if d.id > after]
        changed.sort(key=lambda d: d.id)
        return newest, changed

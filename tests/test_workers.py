"""A large batch shared among worker processes gives the same results, in the same order."""
from __future__ import annotations

from audit import workers
from audit.pipeline import audit_batch
from audit.read import iter_letter_paths
from audit.settings import Settings

from support import LETTERS


def test_workers_give_the_serial_results_in_order(monkeypatch):
    paths = list(iter_letter_paths([LETTERS])) * 3
    serial = list(audit_batch(paths, Settings()))
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "processors", lambda: 2)
    shared = list(audit_batch(paths, Settings()))
    assert [r.path for r in shared] == paths
    assert [(r.fields, r.findings, r.status) for r in shared] == [(r.fields, r.findings, r.status) for r in serial]

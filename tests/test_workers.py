"""Letters are audited in worker processes, in order, each within its budget of memory and time."""
from __future__ import annotations

import os
import signal
import time

from audit import workers
from audit.pipeline import audit_batch
from audit.discover import iter_letter_paths
from audit.settings import Settings
from audit.workers import Limits, guarded_map

from support import LETTERS


def test_workers_give_the_same_results_in_order_however_many_share_the_batch(monkeypatch):
    paths = list(iter_letter_paths([LETTERS])) * 3
    one = list(audit_batch(paths, Settings()))
    monkeypatch.setattr(workers, "LETTERS_PER_WORKER", 1)
    monkeypatch.setattr(workers, "processors", lambda: 2)
    shared = list(audit_batch(paths, Settings()))
    assert [r.path for r in shared] == paths
    assert [(r.fields, r.findings, r.status) for r in shared] == [(r.fields, r.findings, r.status) for r in one]


def test_letters_are_never_audited_in_the_calling_process(monkeypatch):
    import audit.pipeline as pipeline

    parent = os.getpid()
    audited_in = []
    real = pipeline.audit_result
    monkeypatch.setattr(pipeline, "audit_result", lambda *a: (audited_in.append(os.getpid()), real(*a))[1])
    results = list(audit_batch(list(iter_letter_paths([LETTERS]))[:1], Settings()))
    assert results[0].template is not None
    assert audited_in == []  # the parent's list: the worker appended to its own copy
    assert parent == os.getpid()


def _hostile(item: str):
    if item == "slow":
        time.sleep(60)
    if item == "greedy":  # more than the limit at once
        return len(bytearray(2 * 1024 ** 3))
    if item == "growing":  # the limit reached step by step
        hoard = []
        while True:
            hoard.append(bytearray(16 * 1024 ** 2))
    if item == "crash":  # as the kernel's OOM killer does
        os.kill(os.getpid(), signal.SIGKILL)
    if item == "bug":
        raise ValueError("a bug")
    return item.upper(), os.getpid()


def test_an_item_over_its_budget_is_reported_and_the_others_are_computed():
    items = ["a", "greedy", "b", "crash", "c", "bug", "d", "growing", *"efghijklmnop"]
    results = list(guarded_map(_hostile, items, lambda: None, (), Limits(256 * 1024 ** 2, 60.0),
                               lambda item, why: (item, why.kind, why.detail), workers=2))
    by_item = dict(zip(items, results))
    assert by_item["greedy"] == ("greedy", "memory", "")
    assert by_item["growing"] == ("growing", "memory", "")
    assert by_item["crash"] == ("crash", "crash", "SIGKILL")
    assert by_item["bug"] == ("bug", "error", "ValueError: a bug")
    ordinary = [item for item in items if len(item) == 1]
    assert [by_item[item][0] for item in ordinary] == [item.upper() for item in ordinary]
    assert os.getpid() not in {by_item[item][1] for item in ordinary}


def test_an_item_past_the_timeout_is_stopped_and_the_others_are_computed():
    items = ["a", "slow", "b", "c"]
    started = time.monotonic()
    results = list(guarded_map(_hostile, items, lambda: None, (), Limits(None, 3.0),
                               lambda item, why: (item, why.kind), workers=2))
    assert time.monotonic() - started < 30  # not the 60 s the item would take
    assert [r[:2] for r in results] == [("A", results[0][1]), ("slow", "timeout"), ("B", results[2][1]),
                                        ("C", results[3][1])]


def test_large_items_never_keep_the_timeout_from_being_watched():
    """A chunk too large for the pipe is not sent to a worker still busy (the send would block
    this process, and the worker's timeout would never be noticed)."""
    items = ["a" * 20_000, "b" * 20_000, "slow", *("c" * 20_000 for _ in range(60))]
    started = time.monotonic()
    results = list(guarded_map(_hostile, items, lambda: None, (), Limits(None, 2.0),
                               lambda item, why: (item, why.kind), workers=1))
    assert time.monotonic() - started < 30  # not the 60 s the slow item would take, nor for ever
    assert results[2] == ("slow", "timeout") and results[-1][0] == "C" * 20_000


def test_a_finished_item_is_reported_before_the_next_one_overruns(tmp_path):
    """A result is not held while the worker's next item runs: that item's timeout would take
    it down with the worker, and it would be computed twice."""
    log = tmp_path / "log"

    def logged(item):
        with open(log, "a") as stream:
            stream.write(f"{item}\n")
        time.sleep({"mid": 0.3, "slow": 60}.get(item, 0))
        return item

    items = ["mid", "slow", *"bcdefgh"]  # sent in chunks of four
    assert list(guarded_map(logged, items, lambda: None, (), Limits(None, 1.5),
                            lambda item, why: why.kind, workers=1)) == ["mid", "timeout", *"bcdefgh"]
    assert log.read_text().split().count("mid") == 1


def test_a_crashing_item_is_retried_once_alone_on_a_fresh_worker(tmp_path):
    log = tmp_path / "log"

    def crash_once_then_work(item):
        with open(log, "a") as stream:
            stream.write(f"{os.getpid()} {item}\n")
        if item == "crash" and log.read_text().count("crash") == 1:
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does
        return item

    items = ["a", "crash", "b", "c", "d"]
    assert list(guarded_map(crash_once_then_work, items, lambda: None, (), Limits(None, 5.0),
                            lambda item, why: why.kind, workers=1)) == items
    runs = [line.split() for line in log.read_text().splitlines()]
    crashes = [pid for pid, item in runs if item == "crash"]
    assert len(crashes) == 2 and crashes[0] != crashes[1]
    retry_worker = [item for pid, item in runs if pid == crashes[1]]
    assert retry_worker[0] == "crash"  # first on its fresh worker: nothing ran before it there


def test_a_letter_over_its_budget_is_unreadable_input_naming_the_limit(tmp_path, monkeypatch):
    import audit.pipeline as pipeline

    letters = list(iter_letter_paths([LETTERS]))[:3]
    real = pipeline.audit_result  # what a worker runs for a letter (the fast lane, else the pipeline)

    def slow_second(path, settings):
        if path == letters[1]:
            time.sleep(60)
        return real(path, settings)
    monkeypatch.setattr(pipeline, "audit_result", slow_second)
    results = list(audit_batch(letters, Settings(timeout=5.0)))
    assert [r.path for r in results] == letters
    assert [f.rule for f in results[1].findings] == ["unreadable-input"]
    assert "longer than the limit of 5 seconds (--timeout)" in results[1].findings[0].message
    assert all(f.rule != "unreadable-input" for r in (results[0], results[2]) for f in r.findings)
    assert results[0].template is not None and results[2].template is not None


def test_the_budget_comes_from_options_or_the_configuration(tmp_path, capsys, monkeypatch):
    from audit.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "letter-audit.toml").write_text('max-memory = "512MB"\ntimeout = 5\n', encoding="utf-8")
    assert main(["check", "--show-settings", "x"]) == 0
    shown = capsys.readouterr().out
    assert "max-memory = 536870912" in shown and "timeout = 5.0" in shown
    assert main(["check", "--show-settings", "--timeout", "2.5", "--max-memory", "2GB", "x"]) == 0
    shown = capsys.readouterr().out
    assert "max-memory = 2147483648  # command line" in shown and "timeout = 2.5  # command line" in shown
    assert main(["check", "--timeout", "-1", "x"]) == 2
    assert "--timeout takes a number of seconds" in capsys.readouterr().err


def test_a_page_rewrite_worker_that_dies_leaves_a_page_listing_the_letters_findings(tmp_path, capsys, monkeypatch):
    """Pages whose findings change after the batch (here: the batch rules find two letters the
    same) are written again in workers; one that dies on a page does not lose that page or its
    neighbours: the page is written by the main process, listing the findings, and says why."""
    from audit.report.html import pages
    from support import SEEDS, run_cli

    batch = tmp_path / "batch"
    batch.mkdir()
    for name in ("a.txt", "b.txt"):
        (batch / name).write_bytes(SEEDS["000"].read_bytes())
    rewrite = pages._rewrite

    def dies_on_a(plan, drafts, item):
        if os.path.basename(item[1].path) == "a.txt":
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does
        rewrite(plan, drafts, item)
    monkeypatch.setattr(pages, "_rewrite", dies_on_a)

    code, out, err = run_cli(capsys, "check", "--no-config", batch, "--html", tmp_path / "report")
    assert code == 1, out  # warnings fail a run by default
    written = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "report" / "letters").iterdir()}
    [a_page] = [text for name, text in written.items() if name.endswith("-a.html")]
    [b_page] = [text for name, text in written.items() if name.endswith("-b.html")]
    for page in (a_page, b_page):
        assert "duplicate-letter" in page
    assert "the process writing the page stopped" in a_page
    assert "the process writing the page stopped" not in b_page and "could not be laid over" not in b_page

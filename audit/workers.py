"""Share independent per-letter work among worker processes, one per processor.

Letters are read only in workers (guarded_map): each worker reads one letter at a time
within a budget (a memory rlimit it sets on itself, a timeout the parent enforces by
killing it), so a hostile file can cost no more than that and never the parent or another
letter's result. The report's pages are rewritten the same way.

Workers live no longer than the run that started them. The parent turns SIGINT, SIGTERM
and SIGHUP into an exception (audit/cli.py); leaving guarded_map by any exception, or
closing it early, kills the workers at once instead of letting them finish the batch.
Workers ignore SIGINT (Ctrl-C reaches the whole process group; the parent decides), and on
Linux ask the kernel to kill them should the parent die without cleaning up (SIGKILL).
"""
from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import selectors
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from multiprocessing import get_context
from multiprocessing.connection import wait
from multiprocessing.reduction import ForkingPickler

_PR_SET_PDEATHSIG = 1
_STOP_WAIT = 1.0  # seconds a terminated worker gets before it is killed

_DEFERRED = ("SIGINT", "SIGTERM", "SIGHUP")


def processors() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def stop_all_workers() -> None:
    """Terminate every worker this process started (the run is being interrupted)."""
    for worker in list(_live_workers):
        worker.stop()


@contextlib.contextmanager
def _signals_deferred():
    deferred = {getattr(signal, name) for name in _DEFERRED if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, deferred)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_worker(parent: int, initializer: Callable, initargs: tuple) -> None:
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent deferred signals
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {getattr(signal, n) for n in _DEFERRED if hasattr(signal, n)})
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # not the parent's handlers, inherited through fork
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _die_with_parent(parent)
    initializer(*initargs)


def _die_with_parent(parent: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the parent's own cleanup still stops workers
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _context():
    """fork where it is safe (Linux): workers start at once, and a caller's script without a
    __main__ guard is not run again in each worker as it would be under spawn."""
    return get_context("fork" if sys.platform.startswith("linux") else "spawn")


# Guarded workers: untrusted letters are read here only, one at a time, within a budget.

DEFAULT_MAX_MEMORY = 1024 ** 3  # bytes of address space a worker may add to what it starts with
DEFAULT_TIMEOUT = 30.0  # seconds a worker may spend on one letter
LETTERS_PER_WORKER = 10  # a smaller batch starts fewer workers than processors: each costs a start
_CHUNK = 32  # items sent to a worker in one message; it holds at most two chunks, so it never waits
# A chunk sent to a worker still busy with the one before waits in the pipe; a send that does
# not fit there would block this process, and no timeout would be watched meanwhile. Larger
# chunks go only to a worker holding nothing (it is reading).
_PIPE_ROOM = 16 * 1024
_HOLD_AT_MOST = 0.02  # seconds after its letter began that a result may wait to go with others
_MEMORY_EXIT = 86  # a worker's exit status after MemoryError: its heap is no longer trusted

_live_workers: set["_Worker"] = set()


@dataclass(frozen=True)
class Limits:
    """What one item (a letter) may cost the worker that reads it; None: no limit."""

    memory: int | None = DEFAULT_MAX_MEMORY
    timeout: float | None = DEFAULT_TIMEOUT


class OverrunKind(StrEnum):
    TIMEOUT = "timeout"
    MEMORY = "memory"  # MemoryError under the rlimit
    CRASH = "crash"  # the worker died: a signal such as the OOM killer's SIGKILL, or a C library's abort
    ERROR = "error"  # the function raised: a bug


@dataclass(frozen=True)
class Overrun:
    """Why an item has no result; for an error, `detail` is the exception."""

    kind: OverrunKind
    limits: Limits
    detail: str = ""


def guarded_map(function: Callable, items: Sequence, initializer: Callable, initargs: tuple,
                limits: Limits, overrun: Callable[[object, Overrun], object],
                workers: int | None = None) -> Iterator:
    """function(item) for every item, in order, each computed in a worker process within
    `limits`; `overrun(item, why)`, called here, stands for the result of an item that broke them.

    A worker that runs out of time is killed; one that dies (memory, a crash) is replaced and
    the item it was on is retried once, alone, on a fresh worker (the death may come from
    what the worker did before it, or from the OOM killer choosing it); the items queued
    behind it are handed out again. A timeout is not retried: it would double the time a
    hostile file costs. Only a window of results is held for ordering.

    Items go to a worker a chunk at a time and results come back a few at a time (when it has
    nothing left to do, holds _CHUNK of them, or began the oldest of them _HOLD_AT_MOST ago): a message
    each way per letter was most of what this process spent per letter. The worker writes
    which item it is on into memory shared with this process, so the budgets stay per item."""
    count = len(items)
    if count == 0:
        return
    workers = max(1, min(workers or processors(), -(-count // LETTERS_PER_WORKER)))
    chunk = max(1, min(_CHUNK, count // (2 * workers)))  # a small batch still shared among its workers
    window = workers * chunk * 3
    again: deque[int] = deque()  # items a dead worker held but never reported
    alone: deque[int] = deque()  # items to retry, each on a fresh worker
    retried: set[int] = set()
    done: dict[int, object] = {}
    fresh = yielded = 0  # fresh: the first item never handed out
    live: list[_Worker] = []
    ready = _Readiness()
    large = False  # a chunk of these items did not fit in a pipe: send only to idle workers

    def next_items(wanted: int) -> list[int]:
        nonlocal fresh
        taken = []
        while again and len(taken) < wanted:
            taken.append(again.popleft())
        upto = min(count, yielded + window, fresh + wanted - len(taken))
        taken.extend(range(fresh, max(fresh, upto)))
        fresh = max(fresh, upto)
        return taken

    def drop(worker: _Worker) -> None:
        live.remove(worker)
        ready.forget(worker.conn)
        worker.stop()

    try:
        while yielded < count:
            while len(live) < workers and (again or alone or fresh < count):
                with _signals_deferred():
                    live.append(_Worker(function, initializer, initargs, limits.memory))
                    ready.watch(live[-1].conn)
            for worker in live:
                if alone and not worker.held and not worker.served:
                    worker.send([alone.popleft()], items, solo=True)
                if (not worker.solo and len(worker.held) <= chunk and not (large and worker.held)
                        and (taken := next_items(chunk)) and not worker.send(taken, items)):
                    again.extendleft(reversed(taken))
                    large = True
            busy = [worker for worker in live if worker.held]
            woken = ready.wait([worker.conn for worker in busy], _time_left(busy, limits.timeout))
            for worker in [worker for worker in live if not worker.held and worker.conn in woken]:
                drop(worker)  # a worker holding nothing that speaks has died: replaced when needed
            for worker in busy:
                outcome = worker.outcome(worker.conn in woken, limits.timeout)
                if isinstance(outcome, list):  # a message may hold the results of several items
                    for index, raised, value in outcome:
                        done[index] = overrun(items[index], Overrun(OverrunKind.ERROR, limits, value)) if raised else value
                    continue
                if outcome is None:
                    continue
                drop(worker)
                kind, detail, index = outcome
                again.extendleft(reversed([held for held in worker.held if held != index]))
                if kind in (OverrunKind.CRASH, OverrunKind.MEMORY) and index not in retried:
                    retried.add(index)
                    alone.append(index)
                else:
                    done[index] = overrun(items[index], Overrun(kind, limits, detail))
            while yielded in done:
                yield done.pop(yielded)
                yielded += 1
    finally:
        for worker in live:
            worker.stop()
        ready.close()


class _Readiness:
    """Waits until a worker has something to say. One selector for the whole map where the
    platform allows it (building a selector each time cost more than the rest of the loop),
    else multiprocessing's own wait."""

    def __init__(self):
        self.selector = selectors.DefaultSelector() if sys.platform != "win32" else None

    def watch(self, conn) -> None:
        if self.selector is not None:
            self.selector.register(conn, selectors.EVENT_READ)

    def forget(self, conn) -> None:
        if self.selector is not None:
            self.selector.unregister(conn)

    def wait(self, busy: list, timeout: float | None) -> set:
        """The connections that have something to say (a result, or their worker's end)."""
        if self.selector is None:
            return set(wait(busy, timeout))
        if not busy:  # a worker holding nothing has nothing to say (and is in no danger)
            return set()
        return {key.fileobj for key, _ in self.selector.select(timeout)}

    def close(self) -> None:
        if self.selector is not None:
            self.selector.close()


def _time_left(busy: list["_Worker"], timeout: float | None) -> float | None:
    if timeout is None or not busy:
        return None if busy else 0
    return max(0.0, min(worker.started() for worker in busy) + timeout - time.monotonic())


class _Worker:
    """One worker process and the items it holds, in the order it works on them. Which item it
    is on, and since when, it writes into memory shared with the parent (`progress`): results
    come back a few at a time, and a letter's timeout and a death are blamed on that item."""

    def __init__(self, function: Callable, initializer: Callable, initargs: tuple, memory: int | None):
        context = _context()
        self.conn, child = context.Pipe()
        self.progress = context.RawArray("d", 2)  # the item being worked on (-1: none), when it began
        self.progress[0] = -1
        self.process = context.Process(target=_guarded_worker, daemon=True,
                                       args=(child, self.progress, os.getpid(), function, initializer, initargs,
                                             memory))
        self.process.start()
        child.close()  # the parent's copy: the worker's death must end the connection
        _live_workers.add(self)
        self.held: list[int] = []
        self.served = 0
        self.solo = False
        self.sent = time.monotonic()

    def send(self, indices: list[int], items: Sequence, solo: bool = False) -> bool:
        """Hand the items to the worker; False (nothing sent) when it is busy and they would not
        fit in the pipe beside what it has not read yet."""
        message = ForkingPickler.dumps([(index, items[index]) for index in indices])
        if self.held and len(message) > _PIPE_ROOM:
            return False
        if not self.held:
            self.sent = time.monotonic()
        self.conn.send_bytes(message)
        self.held.extend(indices)
        self.solo = solo
        return True

    def started(self) -> float:
        """When the item the worker is on began (or, before it starts one, when it was sent)."""
        return max(self.sent, self.progress[1])

    def current(self, index: int | None = None) -> int:
        """The item the worker is on (or was on, read before it was stopped); when it is on none
        (it died between two), the first it holds."""
        index = int(self.progress[0]) if index is None else index
        return index if index in self.held else self.held[0]

    def outcome(self, readable: bool, timeout: float | None):
        """[(index, raised, value), ...] when the worker reported (value: the exception when the
        function raised); (OverrunKind, detail, index) when it is lost on that item (timeout,
        memory, crash); None: still working."""
        if readable:
            try:
                replies = self.conn.recv()
            except (EOFError, OSError):
                return self._death()
            reported = {index for index, _, _ in replies}
            self.held = [index for index in self.held if index not in reported]
            self.served += len(replies)
            self.solo = False
            return replies
        on = int(self.progress[0])  # read before the time it began: a worker moving on meanwhile
        if timeout is not None and time.monotonic() - self.started() > timeout:  # restarts the clock
            self.process.kill()
            self.process.join(_STOP_WAIT)
            return OverrunKind.TIMEOUT, "", self.current(on)
        return None

    def _death(self):
        self.process.join(_STOP_WAIT)
        index, code = self.current(), self.process.exitcode
        if code == _MEMORY_EXIT:
            return OverrunKind.MEMORY, "", index
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return OverrunKind.CRASH, signal.Signals(-code).name, index
        return OverrunKind.CRASH, f"exit status {code}", index

    def stop(self) -> None:
        _live_workers.discard(self)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(_STOP_WAIT)
        self.conn.close()


def _guarded_worker(conn, progress, parent: int, function: Callable, initializer: Callable, initargs: tuple,
                    memory: int | None) -> None:
    _start_worker(parent, initializer, initargs)
    faulthandler.disable()  # a crash is the parent's to report, on the letter, without a traceback
    if memory is not None:
        _limit_memory(memory)
    todo: deque = deque()
    replies: list = []
    held_since = 0.0  # when the letter of the oldest reply not yet sent began
    while True:
        if not todo:  # nothing more to do: what is done is sent before waiting for more
            progress[0] = -1
            if replies:
                _reply(conn, replies)
                replies = []
            try:
                todo.extend(conn.recv())
            except (EOFError, OSError):
                return
        index, item = todo.popleft()
        progress[1] = time.monotonic()
        progress[0] = index
        try:
            value = function(item)
            reply = (index, False, value)
        except MemoryError:
            os._exit(_MEMORY_EXIT)
        except Exception as exc:  # noqa: BLE001 - a bug: the parent reports it on the item
            reply = (index, True, f"{type(exc).__name__}: {exc}")
        if not replies:
            held_since = progress[1]  # a letter that took longer than _HOLD_AT_MOST is sent at once
        replies.append(reply)
        if len(replies) >= _CHUNK or time.monotonic() - held_since >= _HOLD_AT_MOST:
            _reply(conn, replies)
            replies = []


def _reply(conn, replies: list) -> None:
    try:
        conn.send(replies)
    except MemoryError:
        os._exit(_MEMORY_EXIT)


def _limit_memory(extra: int) -> None:
    """Let this process's address space grow by `extra` bytes at most: past it an allocation
    fails (MemoryError in Python, an error or an abort in a C library), the process ends and the
    parent reports the letter. Linux counts the address space in /proc; elsewhere no limit."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + extra
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        return

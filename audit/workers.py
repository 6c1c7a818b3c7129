"""Share independent per-letter work among worker processes, one per processor.

Reading and aligning letters is independent from letter to letter, so a large batch is
handed out in chunks; results come back in the batch's order. Small batches stay in the
calling process: starting workers would cost more than it saves.

Workers live no longer than the run that started them. The parent turns SIGINT, SIGTERM
and SIGHUP into an exception (audit/cli.py); leaving map_in_workers by any exception, or
closing it early, terminates the workers at once instead of letting them finish the batch.
Workers ignore SIGINT (Ctrl-C reaches the whole process group; the parent decides), and on
Linux ask the kernel to kill them should the parent die without cleaning up (SIGKILL).
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

PARALLEL_FROM = 400  # letters
CHUNK = 50  # letters handed to a worker at a time
AHEAD = 3  # chunks per worker handed out before their results are read
PARALLEL_FROM_VARIABLE = "LETTER_AUDIT_PARALLEL_FROM"  # for tests: share smaller batches
_PR_SET_PDEATHSIG = 1
_STOP_WAIT = 1.0  # seconds a terminated worker gets before it is killed

_DEFERRED = ("SIGINT", "SIGTERM", "SIGHUP")

_live_pools: set = set()


def processors() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_from() -> int:
    try:
        return max(1, int(os.environ[PARALLEL_FROM_VARIABLE]))
    except (KeyError, ValueError):
        return PARALLEL_FROM


def worth_sharing(count: int) -> bool:
    return count >= parallel_from() and processors() >= 2


def map_in_workers(function: Callable, items: Iterable, initializer: Callable, initargs: tuple) -> Iterator:
    """function(item) for every item, in order, computed by worker processes. Only a few chunks
    are handed out ahead of the one being read, so results never pile up in memory when the
    caller is slower than the workers."""
    # A signal arriving while the executor starts its workers or takes work (holding its
    # internal locks) would leave it unable to shut down: signals wait until that is done.
    chunks = _chunks(items, CHUNK)
    pending: deque = deque()
    with _signals_deferred():
        pool = ProcessPoolExecutor(processors(), mp_context=_context(), initializer=_start_worker,
                                   initargs=(os.getpid(), initializer, initargs))
        _live_pools.add(pool)
        try:
            for chunk in islice(chunks, AHEAD * processors()):
                pending.append(pool.submit(_run_chunk, function, chunk))
        except BaseException:
            _live_pools.discard(pool)
            _stop(pool)
            raise
    try:
        while pending:
            done = pending.popleft().result()
            chunk = next(chunks, None)
            if chunk is not None:
                with _signals_deferred():
                    pending.append(pool.submit(_run_chunk, function, chunk))
            yield from done
    except BaseException:  # interrupted, a failure, or the caller stopped early
        _stop(pool)
        raise
    else:
        pool.shutdown()
    finally:
        _live_pools.discard(pool)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _run_chunk(function: Callable, chunk: list) -> list:
    return [function(item) for item in chunk]


def stop_all_workers() -> None:
    """Terminate every worker this process started (the run is being interrupted)."""
    for pool in list(_live_pools):
        _stop(pool)
        _live_pools.discard(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    # The executor has no public way to end busy workers before Python 3.14
    # (terminate_workers); its process table is the one handle on them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(_STOP_WAIT)
        if process.is_alive():
            process.kill()
            process.join(_STOP_WAIT)


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

"""Share independent per-letter work among worker processes, one per processor.

Reading and aligning letters is independent from letter to letter, so a large batch is
handed out in chunks; results come back in the batch's order. Small batches stay in the
calling process: starting workers would cost more than it saves.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

PARALLEL_FROM = 400  # letters
CHUNK = 50  # letters handed to a worker at a time


def processors() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_sharing(count: int) -> bool:
    return count >= PARALLEL_FROM and processors() >= 2


def map_in_workers(function: Callable, items: Iterable, initializer: Callable, initargs: tuple) -> Iterator:
    """function(item) for every item, in order, computed by worker processes."""
    with ProcessPoolExecutor(processors(), mp_context=_context(), initializer=initializer,
                             initargs=initargs) as pool:
        yield from pool.map(function, items, chunksize=CHUNK)


def _context():
    """fork where it is safe (Linux): workers start at once, and a caller's script without a
    __main__ guard is not run again in each worker as it would be under spawn."""
    return get_context("fork" if sys.platform.startswith("linux") else "spawn")

"""A batch audited on a Dask cluster: more letters than one machine audits in time.

`check --scheduler URL` sends the letters to the workers of a running Dask cluster, and
`check --dask` starts one on this machine (a LocalCluster, a worker process per processor).
The letters are cut into partitions of paths; each partition is audited on a worker by the
same function as a local run's workers (pipeline.audit_one: the fast lane, else the full
pipeline), prepared there for the spool (spool.Prepare: the JSON records are rendered on
the cluster), and comes back here in the batch's order, into the spool. The batch rules, the
baseline and every output then run here on what the spool keeps, as in a local run, so the
reports are the same byte for byte. Only a few partitions per
worker are handed out ahead of the one being read: results never pile up here.

Workers must see the letters (and the templates) at the same paths as this machine: a shared
file system; a relative path is taken from the folder the run started in. The scheduler and
the workers need letter-audit installed (the scheduler unpickles the tasks). Dask is an
optional extra: `pip install 'letter-audit[dask]'`.
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections import deque
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from .models import LetterResult
from .rules.base import crash_finding
from .workers import processors

LOCAL = "local"  # --dask: a cluster started on this machine for the run
LETTERS_PER_PARTITION = 200
AHEAD = 3  # partitions per worker thread handed out before their results are read
CONNECT_SECONDS = 30


class ClusterError(Exception):
    """The cluster cannot be used: the extra is not installed, or the scheduler cannot be reached."""


def audit_on_cluster(paths: list[str], settings, scheduler: str | None, prepare=None) -> Iterator[LetterResult]:
    """Each letter's result, in order, audited on the cluster at `scheduler` (None: a local one);
    with `prepare` (pipeline.audit_batch), what it makes of each result there."""
    client, cluster = _connect(scheduler)
    try:
        # once per worker, not per partition; standard input, if it is one of the letters, travels in it
        shared = client.scatter(settings, broadcast=True)
        preparing = client.scatter(prepare, broadcast=True) if prepare is not None else None
        partitions = (paths[k:k + LETTERS_PER_PARTITION] for k in range(0, len(paths), LETTERS_PER_PARTITION))
        threads = max(1, sum(client.nthreads().values()))
        pending: deque = deque()

        def submit(partition):
            pending.append((partition, client.submit(audit_partition, partition, shared, os.getcwd(), preparing,
                                                      pure=False)))
        for partition in islice(partitions, AHEAD * threads):
            submit(partition)
        while pending:
            partition, future = pending.popleft()
            following = next(partitions, None)
            if following is not None:
                submit(following)
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost for good: its letters say so, the run goes on
                results = [LetterResult(Path(path), None, {}, [crash_finding("Auditing the letter on the Dask cluster",
                                                                              exc)]) for path in partition]
                if prepare is not None:
                    results = list(map(prepare, results, partition))
            future.release()
            yield from results
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


def audit_partition(paths: list[str], settings, cwd: str, prepare=None) -> list:
    """What a Dask worker runs: the letters at `paths`, audited as a local run's workers do
    (and prepared for the spool, with `prepare`). A relative path is read from `cwd`, the folder
    the run was started in (a worker's own current folder is anywhere), and the result keeps the
    path as it was given."""
    from .pipeline import audit_one

    results = []
    for path in paths:
        given = settings.stdin_bytes(path) is not None  # standard input: no file to find
        result = audit_one(path if given else os.path.join(cwd, path), settings)
        result.path = Path(path)
        results.append(prepare(result) if prepare is not None else result)
    return results


def _connect(scheduler: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--dask and --scheduler need Dask: pip install 'letter-audit[dask]'") from None
    if scheduler is None:
        cluster = LocalCluster(n_workers=processors(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout=CONNECT_SECONDS), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None

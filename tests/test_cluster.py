"""A batch audited on a Dask cluster (audit/cluster.py) writes the report a local run writes,
byte for byte: the letters partitioned, audited on the workers, the batch rules run here."""
from __future__ import annotations

import logging
import shutil
import sys

from distributed import LocalCluster

from audit import cluster
from audit.cli import main

from support import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_check  # noqa: E402


def check(capsys, *args) -> tuple[int, str, str]:
    code = main(["check", "--no-config", "--no-progress", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_report_on_a_dask_cluster_is_the_local_one(tmp_path, capsys, monkeypatch):
    bench_check.write_letters(tmp_path, 120)  # two letters in a hundred deviate
    for seed in SEEDS.values():  # findings of every kind; one letter twice: a batch rule's finding
        shutil.copy(seed, tmp_path / seed.name)
    shutil.copy(SEEDS["004"], tmp_path / "zz-copy.txt")
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01binary")
    monkeypatch.setattr(cluster, "LETTERS_PER_PARTITION", 7)  # many partitions, handed out a few at a time
    monkeypatch.setattr(cluster, "AHEAD", 1)
    code, local, _ = check(capsys, tmp_path, "--format", "json")
    assert code == 1 and '"duplicate-letter"' in local and '"unreadable-input"' in local
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://",
                      dashboard_address=None, silence_logs=logging.ERROR) as local_cluster:
        on_dask = check(capsys, tmp_path, "--format", "json", "--scheduler", local_cluster.scheduler_address)
    assert on_dask == (code, local, "")


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    code, out, err = check(capsys, SEEDS["000"], "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and not out
    assert err.startswith("letter-audit: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert "Traceback" not in err


def test_html_is_written_where_the_letters_are_audited_so_not_with_dask(tmp_path, capsys):
    code, _, err = check(capsys, SEEDS["000"], "--dask", "--html", tmp_path / "report")
    assert code == 2 and "--html" in err and "--dask" in err
    assert not (tmp_path / "report").exists()
    code, _, err = check(capsys, SEEDS["000"], "--dask", "--scheduler", "tcp://127.0.0.1:9")  # one or the other
    assert code == 2 and "--scheduler: not allowed with argument --dask" in err

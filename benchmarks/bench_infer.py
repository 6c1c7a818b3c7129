"""Benchmark: infer a template from N synthetic letters; report the time and peak memory.

    python benchmarks/bench_infer.py 1000 10000

Letters come from bench_check.write_varied_letters (every field varying, one in forty with a
wrong figure, one in fifty without a section, one in fifty with an extra paragraph). The
command learns from a sample and then audits every letter with what it learned.
Run by hand; the figures go in the README. Not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_check import ROOT, write_varied_letters


def run(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="letter-bench-infer-"))
    try:
        letters = folder / "letters"
        letters.mkdir()
        write_varied_letters(letters, count)
        command = [sys.executable, "-m", "audit", "template", "infer", str(letters),
                   "-o", str(folder / "inferred.md"), "--no-progress"]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        summary = process.stderr.read()
        print(f"{count:>7} letters  {elapsed:6.2f} s  {count / elapsed:8.0f} letters/s  "
              f"peak RSS {usage.ru_maxrss / 1024:6.1f} MiB  exit {os.waitstatus_to_exitcode(status)}")
        print("        " + summary.strip().replace("\n", "\n        "))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10000])
    for count in parser.parse_args().counts:
        run(count)


if __name__ == "__main__":
    main()

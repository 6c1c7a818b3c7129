"""Benchmark: peak memory and time of each full-size hostile file, audited beside good letters.

    python benchmarks/bench_hostile.py                 # every file of tests/hostile_files.FULL
    python benchmarks/bench_hostile.py fanout.pdf      # one
    python benchmarks/bench_hostile.py --no-budget     # the reader budgets off: the worker limits alone

Each file is written to a temporary folder with three good letters (text, Word, PDF) and
`python -m audit check FOLDER --format json` is run on it under `farm-bench -n 3`, which
reports wall time and the peak memory of the largest process (parent or worker). With
--no-budget, audit/budget.py is switched off so the files reach python-docx and PDFium and
only --max-memory and --timeout stand in their way. Run by hand; the figures go in the README.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files  # noqa: E402

GOOD = [ROOT / "fixtures" / "letters" / "001_eb19f74a81183c1a.txt",
        ROOT / "fixtures" / "letters-docx" / "002_3e1a7b4ce7d2b570.docx",
        ROOT / "fixtures" / "letters-pdf" / "003_93a2751bcc8bc2f0.pdf"]
NO_BUDGET = "import sys, runpy, audit.read as r; r.BUDGETS.clear(); sys.argv[0] = 'audit'; runpy.run_module('audit', run_name='__main__')"


def main(argv: list[str]) -> None:
    no_budget = "--no-budget" in argv
    names = [a for a in argv if not a.startswith("--")] or list(hostile_files.FULL)
    python = [sys.executable, "-c", NO_BUDGET] if no_budget else [sys.executable, "-m", "audit"]
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as scratch:
        for name in names:
            folder = Path(scratch) / name.replace(".", "-")
            folder.mkdir()
            hostile_files.FULL[name](folder / name)
            for good in GOOD:
                shutil.copy(good, folder / good.name)
            print(f"== {name} ({(folder / name).stat().st_size:,} bytes){' without the reader budget' if no_budget else ''}",
                  flush=True)
            subprocess.run(["farm-bench", "-n", "3", "--warmup", "0", "--timeout", "600", "--",
                            *python, "check", str(folder), "--format", "json", "--exit-zero", "--no-config"],
                           cwd=ROOT, check=False)


if __name__ == "__main__":
    main(sys.argv[1:])

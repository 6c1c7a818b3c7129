"""Benchmark: hostile letters that once took minutes. Each must be audited in under 5 s.

    python benchmarks/bench_worst_case.py            # every case
    python benchmarks/bench_worst_case.py words-5mb  # one case

Each case writes one file and times `python -m audit check FILE --format json` on it
(start-up included), killing it after a minute. Run by hand; the figures go in the README.
"""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 60  # seconds before a case is called hung


SEED = ROOT / "fixtures" / "letters" / "000_bd725a1dda7d64f9.txt"
ADDRESS = "Mr Williams\nChief Executive\nIpswich Borough Council"


def seed_with(old: str, new: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def capitalised_words(size: int, words=("Chief", "Executive", "Council", "Borough", "Director", "Mr", "Ms",
                                        "Officer", "Smith", "Of")) -> str:
    rng = random.Random(1)
    out, length = [], 0
    while length < size:
        word = rng.choice(words)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)


CASES = {
    # one paragraph of capitalised words: the person and job-title patterns once backtracked on it
    "capitalised-166kb": lambda: capitalised_words(166_000),
    "address-166kb": lambda: seed_with(ADDRESS, "Mr " + capitalised_words(int(__import__("os").environ.get("N", 166_000)), ("Smith", "Of", "Borough", "Jones"))),
    "capitalised-paragraphs-200k": lambda: "\n\n".join(["Word"] * int(__import__("os").environ.get("N", 200_000))),
    "words-5mb": lambda: capitalised_words(5_000_000),
    "lines-1m": lambda: "\n".join(["word"] * int(__import__("os").environ.get("N", 1_000_000))),
    "paragraphs-200k": lambda: "\n\n".join(["word"] * int(__import__("os").environ.get("N", 200_000))),
    "digits-5000": lambda: seed_with("total of 2 detailed", "total of " + "9" * 5000 + " detailed"),
    "template-paragraph-100k-times": lambda: "\n\n".join(
        ["We received a total of 2 detailed investigations."] * 100_000),
}


def main(names: list[str]) -> int:
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name in names or CASES:
            path = Path(folder) / f"{name}.txt"
            path.write_text(CASES[name](), encoding="utf-8")
            size = path.stat().st_size
            start = time.perf_counter()
            try:
                done = subprocess.run([sys.executable, "-m", "audit", "check", str(path), "--format", "json",
                                       "--no-config", "--max-bytes", "20000000"],
                                      cwd=ROOT, capture_output=True, timeout=LIMIT)
                seconds = time.perf_counter() - start
                outcome = f"exit {done.returncode}"
                if b"internal-error" in done.stdout or b"Traceback" in done.stderr:
                    outcome += " INTERNAL ERROR"
            except subprocess.TimeoutExpired:
                seconds, outcome = float(LIMIT), "HUNG (killed)"
            worst = max(worst, seconds)
            print(f"{name:<32} {size / 1e6:7.2f} MB  {seconds:6.2f} s  {outcome}", flush=True)
    return 0 if worst < 5 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

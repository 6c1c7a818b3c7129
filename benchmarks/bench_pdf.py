"""Benchmark: `letter-audit check` on N PDF letters next to raw text extraction of the same files.

    python benchmarks/bench_pdf.py 1000                 # check, and pypdfium2's raw extraction
    python benchmarks/bench_pdf.py 1000 --pdfplumber    # also pdfplumber's (pip install pdfplumber)

The letters are bench_check.py's synthetic letters (one in fifty deviating), written as Word
documents and printed to PDF by LibreOffice once, then cached in ~/.cache/letter-audit/
(rendering needs LibreOffice: apt-get install libreoffice-writer-nogui). Raw extraction is
each library's plain text of every page, with nothing else done, run in as many processes
as `check` uses workers, so the two timings compare like with like; it is also timed in one
process, and letter-audit's PDF reader (raw text plus the layout rules, no audit) likewise.
Each timing is run --repeat times (interleaved); the best wall and processor times are
reported, with the wall time of every run (processor time varies far less on a busy machine). Run by hand; the figures go in the README. Not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "fixtures"))

import bench_check  # noqa: E402
import make_converted  # noqa: E402

from audit.workers import LETTERS_PER_WORKER, processors  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "letter-audit"
BATCH = 200  # documents per LibreOffice run


def rendered(count: int) -> Path:
    """A folder of `count` PDF letters, rendered once and kept."""
    sources = b"".join(p.read_bytes() for p in (Path(bench_check.__file__), Path(make_converted.__file__),
                                                 bench_check.TEMPLATE))
    folder = CACHE / f"bench-pdf-{count}-{hashlib.sha256(sources).hexdigest()[:10]}"
    if (folder / "done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)  # an interrupted rendering goes on where it stopped
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        texts, docs = Path(tmp) / "txt", Path(tmp) / "docx"
        texts.mkdir()
        docs.mkdir()
        bench_check.write_letters(texts, count)
        for text in sorted(texts.iterdir()):
            if (folder / f"{text.stem}.pdf").exists():
                continue
            document = make_converted.new_document()
            make_converted.write_letter(document, text.read_text(encoding="utf-8"))
            make_converted.save_docx(document, docs / f"{text.stem}.docx")
        paths = sorted(docs.iterdir())
        for start in range(0, len(paths), BATCH):
            make_converted.to_pdf(paths[start:start + BATCH], folder)
    (folder / "done").write_text("")
    print(f"rendered {count} letters to PDF with LibreOffice in {time.perf_counter() - started:.0f} s "
          f"(cached in {folder})")
    return folder


def pypdfium2_text(path: Path) -> int:
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(path.read_bytes())
    try:
        chars = 0
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return chars
    finally:
        document.close()


def reader_text(path: Path) -> int:
    """letter-audit's own PDF reader: the raw text plus the layout rules (no audit)."""
    from audit.read_pdf import read_pdf
    return len(read_pdf(path, path.read_bytes()).text or "")


def pdfplumber_text(path: Path) -> int:
    import pdfplumber
    with pdfplumber.open(path) as document:
        return sum(len(page.extract_text() or "") for page in document.pages)


def cpu_seconds() -> float:
    """Processor time of this process and of every child it has waited for (workers included)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run) -> tuple[float, float]:
    """(wall seconds, processor seconds): on a shared machine the second varies far less."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    run()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def time_raw(function, paths: list[Path], processes: int) -> tuple[float, float]:
    def run():
        if processes == 1:
            for path in paths:
                function(path)
        else:
            with ProcessPoolExecutor(processes) as pool:
                list(pool.map(function, paths, chunksize=16))
    return timed(run)


def time_check(folder: Path) -> tuple[float, float]:
    command = [sys.executable, "-m", "audit", "check", str(folder), "--format", "json", "--output", os.devnull,
               "--no-progress", "--no-config"]
    return timed(lambda: subprocess.run(command, cwd=ROOT, check=False))


def line(label: str, count: int, times: list[tuple[float, float]], extra: str = "") -> None:
    wall = min(t[0] for t in times)
    cpu = min(t[1] for t in times)
    runs = " / ".join(f"{t[0]:.2f}" for t in times)
    print(f"  {label:<40} {wall:6.2f} s {count / wall:6.0f} letters/s  cpu {cpu:6.2f} s  (wall of each run: {runs}){extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000])
    parser.add_argument("--pdfplumber", action="store_true", help="also time pdfplumber's raw extraction")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best is reported")
    args = parser.parse_args()
    for count in args.counts:
        folder = rendered(count)
        paths = sorted(folder.glob("*.pdf"))
        workers = min(processors(), -(-len(paths) // LETTERS_PER_WORKER))
        print(f"{len(paths)} PDF letters, {sum(p.stat().st_size for p in paths) / 1024 / 1024:.1f} MB; "
              f"check uses {workers} process(es)")
        for path in paths:  # into the page cache: every run reads warm files
            path.read_bytes()
        runs: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.repeat):  # interleaved, so a busy moment of the machine hits all alike
            runs.setdefault("raw", []).append(time_raw(pypdfium2_text, paths, workers))
            if workers > 1:
                runs.setdefault("raw1", []).append(time_raw(pypdfium2_text, paths, 1))
            runs.setdefault("reader", []).append(time_raw(reader_text, paths, workers))
            if args.pdfplumber:
                runs.setdefault("plumber", []).append(time_raw(pdfplumber_text, paths, workers))
            runs.setdefault("check", []).append(time_check(folder))
        line(f"pypdfium2 raw text, {workers} process(es)", count, runs["raw"])
        if "raw1" in runs:
            line("pypdfium2 raw text, 1 process", count, runs["raw1"])
        line(f"letter-audit's PDF reader, {workers} process(es)", count, runs["reader"])
        if "plumber" in runs:
            line(f"pdfplumber raw text, {workers} process(es)", count, runs["plumber"])
        line("letter-audit check --format json", count, runs["check"])
        best = {name: (min(t[0] for t in times), min(t[1] for t in times)) for name, times in runs.items()}
        print(f"  check / raw extraction: {best['check'][0] / best['raw'][0]:.2f} wall, "
              f"{best['check'][1] / best['raw'][1]:.2f} processor time")


if __name__ == "__main__":
    main()

"""Benchmark: `letter-audit check` on N PDF letters next to raw text extraction of the same files.

    python benchmarks/bench_pdf.py 1000                 # check, and pypdfium2's raw extraction
    python benchmarks/bench_pdf.py 1000 --pdfplumber    # also pdfplumber's (pip install pdfplumber)

The letters are bench_check.py's synthetic letters (one in fifty deviating), written as Word
documents and printed to PDF by LibreOffice once, then cached in ~/.cache/letter-audit/
(rendering needs LibreOffice: apt-get install libreoffice-writer-nogui). Raw extraction is
each library's plain text of every page, with nothing else done, run in as many processes
as `check` uses workers, so the two timings compare like with like; it is also timed in one
process. Run by hand; the figures go in the README. Not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
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

from audit.workers import worth_sharing  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "letter-audit"
BATCH = 200  # documents per LibreOffice run


def rendered(count: int) -> Path:
    """A folder of `count` PDF letters, rendered once and kept."""
    sources = b"".join(p.read_bytes() for p in (Path(bench_check.__file__), Path(make_converted.__file__),
                                                 bench_check.TEMPLATE))
    folder = CACHE / f"bench-pdf-{count}-{hashlib.sha256(sources).hexdigest()[:10]}"
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        texts, docs = Path(tmp) / "txt", Path(tmp) / "docx"
        texts.mkdir()
        docs.mkdir()
        bench_check.write_letters(texts, count)
        for text in sorted(texts.iterdir()):
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


def pdfplumber_text(path: Path) -> int:
    import pdfplumber
    with pdfplumber.open(path) as document:
        return sum(len(page.extract_text() or "") for page in document.pages)


def time_raw(function, paths: list[Path], processes: int) -> float:
    started = time.perf_counter()
    if processes == 1:
        for path in paths:
            function(path)
    else:
        with ProcessPoolExecutor(processes) as pool:
            list(pool.map(function, paths, chunksize=16))
    return time.perf_counter() - started


def time_check(folder: Path) -> float:
    command = [sys.executable, "-m", "audit", "check", str(folder), "--format", "json", "--output", os.devnull,
               "--no-progress", "--no-config"]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=False)
    return time.perf_counter() - started


def line(label: str, count: int, seconds: float, extra: str = "") -> None:
    print(f"  {label:<38} {seconds:7.2f} s  {count / seconds:7.0f} letters/s{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000])
    parser.add_argument("--pdfplumber", action="store_true", help="also time pdfplumber's raw extraction")
    args = parser.parse_args()
    for count in args.counts:
        folder = rendered(count)
        paths = sorted(folder.glob("*.pdf"))
        workers = (os.cpu_count() or 1) if worth_sharing(len(paths)) else 1
        print(f"{len(paths)} PDF letters, {sum(p.stat().st_size for p in paths) / 1024 / 1024:.1f} MB; "
              f"check uses {workers} process(es)")
        raw = time_raw(pypdfium2_text, paths, workers)
        line(f"pypdfium2 raw text, {workers} process(es)", count, raw)
        if workers > 1:
            line("pypdfium2 raw text, 1 process", count, time_raw(pypdfium2_text, paths, 1))
        if args.pdfplumber:
            plumber = time_raw(pdfplumber_text, paths, workers)
            line(f"pdfplumber raw text, {workers} process(es)", count, plumber)
        check = time_check(folder)
        line("letter-audit check --format json", count, check, f"   check / raw = {check / raw:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: how well `template infer` holds on real batches of one form, and how long it takes.

    python benchmarks/bench_infer_real.py --dmca /work/.mirror/github+dmca/repo uk-biobank jetbrains ...
    python benchmarks/bench_infer_real.py --tables 200
    python benchmarks/bench_infer_real.py --dmca DIR --read benchmarks/real/*/departures.yml

A batch is every notice of `github/dmca` whose file name ends in `-VENDOR.md` (or
`-VENDOR-N.md`, any letter case), copied from a bare clone into a temporary folder (nothing is
kept); `--tables N` adds a generated batch of N monthly reports with a table of figures.
Per batch it prints, as JSON:

- `pass`: the share of the letters with no departure finding (missing-section,
  missing-paragraph, boilerplate-changed, extra-paragraph, paragraph-moved) when audited with
  the inferred template. Real batches hold real departures, so this is a lower bound on the
  share of letters without departure that pass.
- `flagged`: departures seeded into copies of the letters that passed (one copy each with a
  required boilerplate paragraph dropped, one with a word of one changed, one with a paragraph
  from elsewhere added): the share of those copies reported with a departure.
- `seconds`: the wall time of `letter-audit template infer` on the batch.
- `versions`: the versions of the form inferred (in one template, or in templates written
  beside it); `by_version`: how many letters `check` reads as following each (form-version),
  by the year their file name starts with, and `mixed`: the letters flagged mixed-versions.

With `--read FILE.yml` (a batch whose departures a person read and listed, as in
benchmarks/real/*/departures.yml: `select` chooses the notices, `departures` lists file and
what is wrong), the batch is those notices and the figures are against that list instead:
`pass` is the share of the letters without a listed departure that have no departure
finding, `flagged` the share of the listed departures whose letter has one.

Run by hand; the figures go in the README. Not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audit.infer import DEVIATIONS  # noqa: E402
from audit.normalise import normalise  # noqa: E402
from audit.pipeline import audit_batch  # noqa: E402
from audit.read import read_letter  # noqa: E402
from audit.settings import Settings  # noqa: E402
from audit.template import parse_template  # noqa: E402

SEEDED = 30  # passing letters given each seeded departure
FOREIGN = ("Please also note that our offices will be closed for the holidays, and that any reply sent "
           "in that period will be read in the new year.")


def dmca_batch(repo: Path, vendor: str, folder: Path) -> int:
    names = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD"],
                           check=True, capture_output=True, text=True).stdout.split("\n")
    own = re.compile(rf"-{re.escape(vendor)}(?:-\d+)?\.md$", re.IGNORECASE)
    count = 0
    for name in names:
        if own.search(name):
            text = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{name}"], check=True,
                                  capture_output=True).stdout
            (folder / name.replace("/", "_")).write_bytes(text)
            count += 1
    return count


REGIONS = ["North", "South", "East", "West", "Central", "Coastal"]


def table_batch(count: int, folder: Path) -> int:
    """Monthly reports: a table of target, actual and difference (actual - target) per region
    and a total row (the sum of each column)."""
    rng = random.Random(17)
    for index in range(count):
        month = ["January", "February", "March", "April", "May", "June"][index % 6]
        rows, totals = [], [0, 0, 0]
        for region in REGIONS:
            target = rng.randint(80, 400)
            actual = target + rng.randint(-60, 60)
            cells = [target, actual, actual - target]
            totals = [a + b for a, b in zip(totals, cells)]
            rows.append(f"| {region} | {cells[0]} | {cells[1]} | {cells[2]} |")
        text = "\n\n".join([
            "Regional Sales Office", f"{rng.randint(1, 28)} {month} 2024", f"Dear {rng.choice(['Ms', 'Mr'])} "
            f"{rng.choice(['Ahmed', 'Baker', 'Clarke', 'Dunn', 'Evans', 'Fisher'])}",
            f"# Sales in {month}",
            "Below are the figures for your region's branches this month, against the target agreed in January.",
            "\n".join(["| Region | Target | Actual | Difference |", "|---|---|---|---|", *rows,
                       f"| Total | {totals[0]} | {totals[1]} | {totals[2]} |"]),
            "Please send any correction to the sales office within five working days.",
            "Yours sincerely,", "Head of Sales"])
        (folder / f"report-{index:04d}.md").write_text(text + "\n", encoding="utf-8")
    return count


def read_batch(repo: Path, spec: dict, folder: Path) -> None:
    """The notices a departures list was read from, under the names it uses."""
    select = spec["select"]
    names = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD"],
                           check=True, capture_output=True, text=True).stdout.split("\n")
    for name in names:
        if select["name"] not in name.lower():
            continue
        text = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{name}"], check=True, capture_output=True,
                              text=True, errors="replace").stdout
        if select.get("contains", "") in text and not (select.get("lacks") and select["lacks"] in text):
            (folder / name.replace("/", "_")).write_text(text, encoding="utf-8")


def measure_read(name: str, folder: Path, work: Path, spec: dict) -> dict:
    written = work / f"{name}-templates"
    written.mkdir()
    seconds = infer(folder, written / f"{name}.md")
    templates = sorted(written.glob("*.md"))
    found = departures(sorted(folder.iterdir()), templates)
    listed = {d["file"] for d in spec["departures"]}
    clean = [p for p in found if p.name not in listed and not p.name.endswith(tuple("_" + f for f in listed))]
    flagged = [d for d in spec["departures"] if any(found[p] for p in found if p.name.endswith(d["file"]))]
    return {"batch": name, "letters": len(found), "versions": form_versions(templates), "read_departures": len(spec["departures"]),
            "pass": round(sum(1 for p in clean if not found[p]) / len(clean), 3),
            "flagged": round(len(flagged) / len(spec["departures"]), 3), "seconds": round(seconds, 2)}


def infer(folder: Path, template: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "audit", "template", "infer", str(folder), "-o", str(template),
                    "--no-progress"], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def departures(paths: list[Path], templates: list[Path]) -> dict[Path, bool]:
    """Each letter audited with every version inferred (the best-matching one is chosen)."""
    settings = Settings(template_paths=templates, select=set(DEVIATIONS))
    return {r.path: r.template is None or any(f.rule in DEVIATIONS for f in r.findings)
            for r in audit_batch(paths, settings)}


def versions_read(paths: list[Path], templates: list[Path]) -> dict:
    """The letters `check` reads as following each version, by the year starting their file name."""
    settings = Settings(template_paths=templates, select={"form-version", "mixed-versions"})
    by_version: dict[str, dict[str, int]] = {}
    mixed = 0
    for result in audit_batch(paths, settings):
        named = next((f.evidence["version"] for f in result.findings if f.rule == "form-version"), None)
        version = f"{result.template}/{named}" if named else str(result.template)
        year = result.path.name[:4] if result.path.name[:4].isdigit() else "?"
        by_version.setdefault(version, {}).setdefault(year, 0)
        by_version[version][year] += 1
        mixed += any(f.rule == "mixed-versions" for f in result.findings)
    return {"by_version": dict(sorted(by_version.items())), "mixed": mixed}


def form_versions(templates: list[Path]) -> int:
    return sum(max(1, len(parse_template(t.read_text(encoding="utf-8"), t).versions)) for t in templates)


def seed(passing: list[Path], templates: list[Path], folder: Path) -> tuple[int, int]:
    """Copies of passing letters with one departure each: (flagged, seeded)."""
    boilerplate = {p.strip() for template in templates
                   for p in template.read_text(encoding="utf-8").split("+++")[-1].split("\n\n")
                   if p.strip() and "{{" not in p and not p.startswith(("<!--", "#")) and len(p.split()) >= 6}
    rng = random.Random(1)
    seeded = []
    for path in passing[:SEEDED]:
        raw = read_letter(path)
        lines = raw.text.replace("\r\n", "\n").split("\n")
        paragraphs = normalise(raw).paragraphs
        own = [p for p in paragraphs if p.text in boilerplate]
        if not own:
            continue
        target = rng.choice(own)
        end = target.end_line  # the paragraph's last line in the file
        dropped = lines[:target.line - 1] + lines[end:]
        words = lines[target.line - 1].split(" ")
        changed = list(lines)
        changed[target.line - 1] = " ".join(words[:1] + ["not"] + words[1:])
        added = lines[:target.line - 1] + [FOREIGN, ""] + lines[target.line - 1:]
        for kind, text in (("dropped", dropped), ("changed", changed), ("added", added)):
            copy = folder / f"{kind}-{path.name}"
            copy.write_text("\n".join(text), encoding="utf-8")
            seeded.append(copy)
    found = departures(seeded, templates)
    return sum(found.values()), len(seeded)


def measure(name: str, folder: Path, work: Path) -> dict:
    written = work / f"{name}-templates"
    written.mkdir()
    seconds = infer(folder, written / f"{name}.md")
    templates = sorted(written.glob("*.md"))  # NAME.md and, for further versions, NAME-v2.md ...
    letters = sorted(folder.iterdir())
    found = departures(letters, templates)
    passing = [p for p in letters if not found[p]]
    seeds = work / f"{name}-seeded"
    seeds.mkdir()
    flagged, seeded = seed(passing, templates, seeds)
    return {"batch": name, "letters": len(letters), "versions": form_versions(templates),
            "pass": round(len(passing) / len(letters), 3),
            "flagged": round(flagged / seeded, 3) if seeded else None, "seeded": seeded,
            "seconds": round(seconds, 2), **versions_read(letters, templates)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vendors", nargs="*")
    parser.add_argument("--dmca", type=Path, help="a bare clone of github/dmca")
    parser.add_argument("--tables", type=int, default=0, help="also a generated batch of this many table reports")
    parser.add_argument("--read", type=Path, nargs="*", default=[], metavar="FILE.yml",
                        help="batches whose departures a person listed (benchmarks/real/*/departures.yml)")
    parser.add_argument("--keep", type=Path, help="keep the inferred templates in this folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="letter-bench-real-"))
    try:
        batches = []
        for vendor in args.vendors:
            folder = work / vendor
            folder.mkdir()
            dmca_batch(args.dmca, vendor, folder)
            batches.append((vendor, folder))
        if args.tables:
            folder = work / "tables"
            folder.mkdir()
            table_batch(args.tables, folder)
            batches.append(("tables", folder))
        for listing in args.read:
            import yaml

            spec = yaml.safe_load(listing.read_text(encoding="utf-8"))
            name = listing.parent.name
            folder = work / name
            folder.mkdir()
            read_batch(args.dmca, spec, folder)
            print(json.dumps(measure_read(name, folder, work, spec)), flush=True)
        for name, folder in batches:
            result = measure(name, folder, work)
            print(json.dumps(result), flush=True)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for template in (work / f"{name}-templates").glob("*.md"):
                    shutil.copy(template, args.keep / template.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

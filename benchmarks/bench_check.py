"""Benchmark: audit N synthetic, internally consistent letters; report letters/second and peak memory.

    python benchmarks/bench_check.py 1000 10000          # JSON output only
    python benchmarks/bench_check.py --html 10000        # JSON alone, then with the HTML report:
                                                         # the time ratio and the report's size

Letters are rendered from the default 2020 template with random but consistent figures
(so they take the fast lane, audit/fast_lane.py, as most letters of a real batch do) plus one deviating
letter in fifty (a dropped section or an extra paragraph), which takes the slow path.
Run by hand; the figures go in the README. Not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audit.template import load_template  # noqa: E402

TEMPLATE = ROOT / "templates" / "lgsco-annual-review-2020.md"
SURNAMES = ["Williams", "Elliott", "Jackson", "Cooper-Smith", "Scrutton", "Patel", "O'Neill", "Hughes"]
PLACES = ["Ipswich Borough", "Ashfield District", "Cambridge City", "Kent County", "Leeds City", "Rochford District"]
TITLES = ["Chief Executive", "Managing Director", "Interim Chief Executive"]


def consistent_values(rng: random.Random, index: int) -> dict[str, str]:
    investigations = rng.randint(1, 60)
    upheld = rng.randint(0, investigations)
    remedies = rng.randint(0, upheld)
    name = f"{rng.choice(['Mr', 'Ms', 'Mrs', 'Dr'])} {rng.choice(SURNAMES)}"
    return {
        "letter_date": "22 July 2020", "year_end": "31 March 2020",
        "period_start": "1 April 2019", "period_end": "31 March 2020",
        "recipient_name": name, "salutation_name": name,
        "recipient_title": rng.choice(TITLES), "authority": f"{rng.choice(PLACES)} Council {index}",
        "investigations": str(investigations), "upheld_decisions": str(upheld),
        "remedy_decisions": str(remedies), "compliance_outcomes": str(upheld - remedies),
        "upheld_rate": f"{(100 * upheld + investigations // 2) // investigations}%",
        "remedy_rate": f"{(100 * remedies + upheld // 2) // upheld if upheld else 0}%",
        "compliance_rate": f"{rng.choice([100, 100, 100, 50, 67])}%",
        "upheld_average": "45%", "compliance_average": "99%", "remedy_average": "20%",
    }


def render(template, values: dict[str, str], drop_section: str | None = None, extra: str | None = None,
           address_lines: bool = False) -> str:
    """The letter as text; with `address_lines`, a paragraph made only of placeholders (the
    address block) has one value per line, as printed letters lay it out."""
    lines = []
    for para in template.paragraphs:
        if para.free or para.section == drop_section:
            continue
        number, out = None, []
        parts = para.parts or (para.text,)
        for part in parts:  # the template's compiled parts: text and slots
            if isinstance(part, str):
                out.append(part)
            elif part.field is None:
                out.append(part.forms[0] if number == "1" else part.forms[1])
            else:
                number = values[part.field]
                out.append(number)
        if address_lines and len(parts) > 1 and all(not isinstance(p, str) or not p.strip() for p in parts):
            out = ["\n" if isinstance(p, str) else o for p, o in zip(parts, out)]  # one value a line
        lines.append("".join(out))
        if extra and para.text.startswith("Yours sincerely"):
            lines.insert(-1, extra)
    return "\n\n".join(lines) + "\n"


def write_letters(folder: Path, count: int, seed: int = 2020) -> None:
    template = load_template(TEMPLATE)
    rng = random.Random(seed)
    sections = [title for title, s in template.sections.items() if len(s.paragraphs) > 2]
    for index in range(count):
        values = consistent_values(rng, index)
        odd = index % 50 == 49
        text = render(template, values,
                      drop_section=rng.choice(sections) if odd and index % 100 == 49 else None,
                      extra="We were pleased to deliver a training course to your staff." if odd else None)
        (folder / f"letter-{index:06d}.txt").write_text(text, encoding="utf-8")


PEER_AVERAGES = {"Borough": (45, 99, 20), "District": (41, 100, 18), "City": (52, 98, 25), "County": (60, 97, 15)}
YEAR_ENDS = [("31 March 2020", "1 April 2019"), ("30 April 2020", "1 May 2019"), ("31 May 2020", "1 June 2019")]
FIRST_NAMES = ["", "", "Anne ", "Raj ", "Chris "]


def varied_values(rng: random.Random, index: int) -> dict[str, str]:
    """Consistent values varying in every field: dates, names and the peer averages of the
    authority's kind, for measuring template inference (tests/test_infer_quality.py)."""
    values = consistent_values(rng, index)
    kind = values["authority"].split()[1]
    upheld, compliance, remedy = PEER_AVERAGES[kind]
    year_end, start = rng.choice(YEAR_ENDS)
    name = f"{rng.choice(['Mr', 'Ms', 'Mrs', 'Dr'])} {rng.choice(FIRST_NAMES)}{rng.choice(SURNAMES)}"
    values.update({
        "letter_date": f"{rng.randint(1, 28)} {rng.choice(['July', 'August'])} 2020",
        "year_end": year_end, "period_end": year_end, "period_start": start,
        "recipient_name": name, "salutation_name": name,
        "upheld_average": f"{upheld}%", "compliance_average": f"{compliance}%", "remedy_average": f"{remedy}%",
    })
    return values


def write_varied_letters(folder: Path, count: int, seed: int = 2020) -> list[dict]:
    """Letters with every field varying, the address block on three lines, and known faults:
    one in forty with a wrong figure, one in fifty without a section, one in fifty with an
    extra paragraph. Returns, per letter, its path, values and fault (None for a clean one)."""
    template = load_template(TEMPLATE)
    rng = random.Random(seed)
    sections = [title for title, s in template.sections.items() if len(s.paragraphs) > 2]
    letters = []
    for index in range(count):
        values, fault, drop, extra = varied_values(rng, index), None, None, None
        if index % 40 == 7:
            fault = "wrong-figure"
            if index % 80 == 7:
                values["compliance_outcomes"] = str(int(values["compliance_outcomes"]) + 1)
            else:
                values["upheld_rate"] = f"{(int(values['upheld_rate'][:-1]) + 37) % 101}%"
        elif index % 50 == 23:
            fault, drop = "dropped-section", rng.choice(sections)
        elif index % 50 == 49:
            fault, extra = "extra-paragraph", "We were pleased to deliver a training course to your staff."
        path = folder / f"letter-{index:06d}.txt"
        path.write_text(render(template, values, drop, extra, address_lines=True), encoding="utf-8")
        letters.append({"path": path, "values": values, "fault": fault, "dropped": drop})
    return letters


def run(count: int, html: bool) -> None:
    folder = Path(tempfile.mkdtemp(prefix="letter-bench-"))
    try:
        write_letters(folder, count)
        _lanes(folder, count)
        floor = _floor(folder, count)
        json_time = _check(folder, count, html=False)
        print(f"{count:>7} letters  JSON CPU / the floor's: {json_time[1] / floor:.2f}")
        if html:
            html_time, html_cpu = _check(folder, count, html=True)
            report = folder / "_report"
            size = sum(p.stat().st_size for p in report.rglob("*") if p.is_file())
            print(f"{count:>7} letters  --html / JSON alone: wall {html_time / json_time[0]:.2f}, "
                  f"cpu {html_cpu / json_time[1]:.2f}; report {size / 2**20:.1f} MiB, "
                  f"{size / count / 1024:.1f} KiB per letter")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _lanes(folder: Path, count: int) -> None:
    """How many letters the fast lane takes (audit/fast_lane.py); the others take the full pipeline."""
    from audit.fast_lane import audit_exact
    from audit.pipeline import MIN_COVERAGE
    from audit.read import read_letter
    from audit.settings import Settings

    settings = Settings()
    fast = sum(audit_exact(read_letter(path), settings.templates, settings.vocabulary, MIN_COVERAGE) is not None
               for path in sorted(folder.glob("*.txt")))
    print(f"{count:>7} letters  fast lane {fast} ({fast / count:.0%}), full pipeline {count - fast} "
          f"({(count - fast) / count:.0%})")


FLOOR = """
import hashlib, os, sys
for entry in sorted(os.scandir(sys.argv[1]), key=lambda e: e.name):
    with open(entry.path, "rb") as stream:
        text = stream.read().decode("utf-8")
    paragraphs = [p.strip() for p in text.split("\\n\\n") if p.strip()]
    hashlib.blake2b("\\n".join(paragraphs).encode("utf-8"), digest_size=16).hexdigest()
"""


def _floor(folder: Path, count: int) -> float:
    """CPU of the floor: Python reading every letter, splitting it into paragraphs and hashing
    them, on one core (what no audit can go below)."""
    process = subprocess.Popen([sys.executable, "-c", FLOOR, str(folder)])
    _, status, usage = os.wait4(process.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{count:>7} letters  floor (read, split, hash): cpu {cpu:6.2f} s")
    return cpu


def _check(folder: Path, count: int, html: bool) -> tuple[float, float]:
    """Run the audit once; print and return its wall and CPU time."""
    command = [sys.executable, "-m", "audit", "check", str(folder), "--format", "json",
               "--output", os.devnull, "--no-progress"]
    if html:
        command += ["--html", str(folder / "_report")]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    main_peak = 0  # the main process's own peak resident set (VmHWM), read until it exits
    main_cpu = 0.0  # and its own CPU time (its workers' left out), as last read (up to 0.05 s short)
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        main_peak = max(main_peak, _peak_kib(process.pid))
        main_cpu = max(main_cpu, _own_cpu(process.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime  # of the whole process tree: steadier than wall time
    print(f"{count:>7} letters  {elapsed:6.2f} s  {count / elapsed:8.0f} letters/s  cpu {cpu:6.2f} s  "
          f"main peak RSS {main_peak / 1024:6.1f} MiB  largest process {usage.ru_maxrss / 1024:6.1f} MiB  "
          f"exit {code}{'  (with --html)' if html else ''}")
    print(f"{count:>7} letters  main process cpu {main_cpu:6.2f} s, {main_cpu / count * 1e6:5.0f} us per letter")
    return elapsed, cpu


def _own_cpu(pid: int) -> float:
    """User and system seconds of the process itself, from /proc (not its children)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--html", action="store_true", help="also write the HTML report")
    args = parser.parse_args()
    for count in args.counts:
        run(count, args.html)


if __name__ == "__main__":
    main()

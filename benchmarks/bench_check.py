"""Benchmark: audit N synthetic, internally consistent letters; report letters/second and peak memory.

    python benchmarks/bench_check.py 1000 10000          # JSON output only
    python benchmarks/bench_check.py --html 10000        # JSON alone, then with the HTML report:
                                                         # the time ratio and the report's size
    python benchmarks/bench_check.py --accuracy 1000     # correct letters passing, faults found

With --accuracy, two batches are audited: realistic letters (first names, particles,
apostrophes, long job titles, councils of every shape; the address one value a line, one a
paragraph, flattened onto one line, or with commas; greetings by surname, with a comma, or by
full name) with one in five carrying a known fault (a wrong count, a dropped section, an
extra paragraph, a greeting of someone else), and the letters `write_varied_letters` makes.
Every correct letter should pass and every fault be found.

Letters are rendered from the default 2020 template with random but consistent figures
(so they take the fast lane, audit/fast_lane.py, as most letters of a real batch do) plus one deviating
letter in fifty (a dropped section or an extra paragraph), which takes the slow path.
Run by hand; the figures go in the README. Not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
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


# -- accuracy: realistic recipients and layouts, every correct letter must pass, every fault be found
FORMS = ["Mr", "Ms", "Mrs", "Dr", "Miss", "Cllr", "Prof"]
GIVEN = ["Jane", "Raj", "Gareth", "Aoife", "Carlos", "Mary Ann", "J.", "Siobhan", "Kwame", "Zoë"]
FAMILY = ["Okoro", "Williams", "de Souza", "O'Brien-Smith", "Lewandowski", "van der Berg", "McAllister",
          "Patel", "Nguyen", "Cooper-Smith", "D'Arcy", "Jones"]
LONG_TITLES = ["Chief Executive", "Leader of the Council", "Head of Paid Service", "Managing Director",
               "Chief Executive and Head of Paid Service", "Town Clerk", "Director of Corporate Resources",
               "Interim Chief Executive", "Strategic Director (Place)", "Chief Operating Officer",
               "Executive Director of Finance and Resources"]
TOWN_STARTS = ["Green", "Ash", "Barking", "York", "Somer", "Lynn", "Helen", "Dur", "Chel", "Ips",
               "Avon", "Lyme", "New", "Strat", "Kens", "Bath", "Nor", "Wight", "Tyne", "Brack"]
TOWN_ENDS = ["wich", "field", "ton", "ham", "set", "mouth", "bury", "ford", "ley", "borough",
             "by", "wick", "stow", "castle", "minster", "dale", "port", "well", "hurst", "ington"]
COUNCIL_SHAPES = ["Royal Borough of {0}", "Council of the Isles of {0}", "London Borough of {0} and {1}",
                  "City of {0} Council", "{0} & North East {1} Council", "King's {0} and West {1} Borough Council",
                  "St {0} Metropolitan Borough Council", "{0}-on-{1} District Council",
                  "{0}-under-{1} Borough Council", "{0} County Council", "{0} and {1} Councils"]


def odd_council(index: int) -> str:
    """A council name of one of many shapes, different for every index below 4,400."""
    shape, rest = index % len(COUNCIL_SHAPES), index // len(COUNCIL_SHAPES)
    town = TOWN_STARTS[rest % 20] + TOWN_ENDS[rest // 20 % 20]
    other = TOWN_STARTS[(rest + 7) % 20] + TOWN_ENDS[(rest + 3) % 20]
    return COUNCIL_SHAPES[shape].format(town, other)


LAYOUTS = ("lines", "paragraphs", "flat", "commas")  # the address block: one value a line, one a paragraph,
# all on one line, on one line with commas
EXPECTED_RULES = {"wrong-figure": {"count-mismatch", "rate-mismatch"}, "dropped-section": {"missing-section"},
                  "extra-paragraph": {"extra-paragraph"}, "wrong-greeting": {"salutation-mismatch"}}


def realistic_values(rng: random.Random, index: int) -> dict[str, str]:
    values = consistent_values(rng, index)
    form, family = rng.choice(FORMS), rng.choice(FAMILY)
    given = rng.choice(GIVEN) + " " if rng.random() < 0.6 else ""
    greeting = rng.choice([f"{form} {family}", f"{form} {family},", f"{form} {given}{family}"])
    values.update({"recipient_name": f"{form} {given}{family}", "salutation_name": greeting,
                   "recipient_title": rng.choice(LONG_TITLES), "authority": odd_council(index)})
    return values


def lay_out_address(text: str, values: dict[str, str], layout: str) -> str:
    """The address block (three values one a line, as `render` writes it) laid out another way."""
    block = "\n".join(values[f] for f in ("recipient_name", "recipient_title", "authority"))
    joiner = {"lines": "\n", "paragraphs": "\n\n", "flat": " ", "commas": ", "}[layout]
    return text.replace(block, joiner.join(values[f] for f in ("recipient_name", "recipient_title", "authority")), 1)


def write_realistic_letters(folder: Path, count: int, seed: int = 15) -> list[dict]:
    """Correct letters to realistic recipients in every layout of the address block, and one in
    five with a known fault: a wrong figure, a dropped section, an extra paragraph, or a
    greeting of someone else."""
    template = load_template(TEMPLATE)
    rng = random.Random(seed)
    sections = [title for title, s in template.sections.items() if len(s.paragraphs) > 2]
    letters = []
    for index in range(count):
        values, fault, drop, extra = realistic_values(rng, index), None, None, None
        kind = index % 20
        if kind == 3:
            fault = "wrong-figure"
            values["compliance_outcomes"] = str(int(values["compliance_outcomes"]) + 1)
        elif kind == 8:
            fault, drop = "dropped-section", rng.choice(sections)
        elif kind == 13:
            fault, extra = "extra-paragraph", "We were pleased to deliver a training course to your staff."
        elif kind == 18:
            fault = "wrong-greeting"
            other = rng.choice([f for f in FAMILY if f != values["recipient_name"].split()[-1]
                                and not values["recipient_name"].endswith(" " + f)])
            values["salutation_name"] = f"{values['recipient_name'].split()[0]} {other}"
        layout = LAYOUTS[index % len(LAYOUTS)]
        text = lay_out_address(render(template, values, drop, extra, address_lines=True), values, layout)
        path = folder / f"letter-{index:06d}.txt"
        path.write_text(text, encoding="utf-8")
        letters.append({"path": path, "fault": fault, "layout": layout, "values": values})
    return letters


def accuracy(letters: list[dict], folder: Path) -> dict:
    """Audit the letters once; count correct letters that pass (no warning or error) and faulty
    letters whose fault is found (its rule among the findings), by layout."""
    done = subprocess.run([sys.executable, "-m", "audit", "check", str(folder), "--format", "json", "--no-progress"],
                          cwd=ROOT, capture_output=True, text=True)
    results = {Path(r["path"]).name: r for r in json.loads(done.stdout)["letters"]}
    tally: dict[str, list[int]] = {}
    false_rules: Counter = Counter()
    address = ("recipient_name", "recipient_title", "authority")
    read_exactly = [0, 0]  # correct letters whose address block was read value for value
    for letter in letters:
        result = results[letter["path"].name]
        rules = {f["rule"] for f in result["findings"] if f["severity"] != "info"}
        if letter["fault"] is None:
            ok = not rules
            read_exactly[0] += all(result["fields"][f] == letter["values"][f] for f in address)
            read_exactly[1] += 1
            false_rules.update(rules)
            key = f"correct, address {letter.get('layout', 'lines')}"
        else:
            ok = bool(rules & EXPECTED_RULES[letter["fault"]])
            key = f"fault {letter['fault']}"
        counts = tally.setdefault(key, [0, 0])
        counts[0] += ok
        counts[1] += 1
    return {"tally": tally, "false_findings": dict(false_rules), "read_exactly": read_exactly}


def run_accuracy(count: int) -> None:
    for name, write in (("realistic", write_realistic_letters), ("varied", write_varied_letters)):
        folder = Path(tempfile.mkdtemp(prefix="letter-accuracy-"))
        keep = os.environ.get("KEEP_LETTERS")
        try:
            letters = write(folder, count)
            started = time.perf_counter()
            measured = accuracy(letters, folder)
            elapsed = time.perf_counter() - started
        finally:
            if keep:
                print(f"letters kept in {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        tally = measured["tally"]
        correct = [v for k, v in tally.items() if k.startswith("correct")]
        faulty = [v for k, v in tally.items() if not k.startswith("correct")]
        print(f"{name}: {count} letters in {elapsed:.1f} s; correct letters passing "
              f"{sum(v[0] for v in correct)}/{sum(v[1] for v in correct)}, faults found "
              f"{sum(v[0] for v in faulty)}/{sum(v[1] for v in faulty)}; address read value for value "
              f"{measured['read_exactly'][0]}/{measured['read_exactly'][1]}")
        for key, (ok, total) in sorted(tally.items()):
            print(f"  {key:<40} {ok:>5}/{total}")
        if measured["false_findings"]:
            print(f"  false findings on correct letters: {measured['false_findings']}")


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
    parser.add_argument("--accuracy", action="store_true",
                        help="instead of speed: how many correct letters pass and how many injected faults are found")
    args = parser.parse_args()
    for count in args.counts:
        if args.accuracy:
            run_accuracy(count)
        else:
            run(count, args.html)


if __name__ == "__main__":
    main()

"""Recall and precision of `letter-audit check` on real batches of github/dmca, against the
departures a person read in the letters (benchmarks/real/*/departures.yml).

    python benchmarks/real/measure.py [GIT_DIR]

GIT_DIR is a fetched copy of github/dmca (a bare repository is enough; default
/work/.mirror/github+dmca/repo). Each batch's letters are chosen by its `select` (a word of
the file name, a phrase the text holds or lacks), written to a temporary folder under the
names the departures use (path with / as _ for nested years), audited with the batch's
template, and every warning and error is compared with the list: a departure is found when
a finding of its rule on its file holds its words; a finding is right when it is one of them.
Nothing of the notices is kept.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_GIT = Path("/work/.mirror/github+dmca/repo")


def letters(git: Path, select: dict) -> dict[str, str]:
    names = subprocess.run(["git", "-C", str(git), "ls-tree", "-r", "--name-only", "HEAD"], check=True,
                           capture_output=True, text=True).stdout.split("\n")
    chosen = {}
    for name in names:
        if select["name"] not in name.lower():
            continue
        text = subprocess.run(["git", "-C", str(git), "show", f"HEAD:{name}"], check=True, capture_output=True,
                              text=True, errors="replace").stdout
        if select.get("contains", "") in text and not (select.get("lacks") and select["lacks"] in text):
            chosen[name] = text
    return chosen


def local_name(name: str, nested: bool) -> str:
    return name.replace("/", "_") if nested else Path(name).name


def measure(batch: Path, git: Path) -> dict:
    spec = yaml.safe_load((batch / "departures.yml").read_text(encoding="utf-8"))
    found = letters(git, spec["select"])
    nested = any("_" in d["file"] and d["file"][:4].isdigit() and d["file"][4] == "_" for d in spec["departures"])
    with tempfile.TemporaryDirectory() as folder:
        for name, text in found.items():
            (Path(folder) / local_name(name, nested)).write_text(text, encoding="utf-8")
        run = subprocess.run([sys.executable, "-m", "audit", "check", folder, "-t", str(batch / "template.md"),
                              "-f", "json", "--exit-zero", "--no-progress"], capture_output=True, text=True,
                             cwd=HERE.parent.parent)
    report = json.loads(run.stdout)
    findings = [(Path(letter["path"]).name, f) for letter in report["letters"] for f in letter["findings"]
                if f["severity"] in ("error", "warning")]

    def matches(departure, name, finding):
        return name == departure["file"] and finding["rule"] == departure["rule"] and departure["words"] in (
            finding["message"] + " " + (finding.get("excerpt") or ""))

    hit = [d for d in spec["departures"] if any(matches(d, n, f) for n, f in findings)]
    right = [(n, f) for n, f in findings if any(matches(d, n, f) for d in spec["departures"])]
    wrong = [f"{n}:{f['line']}: {f['rule']} {f['message'][:120]}" for n, f in findings
             if not any(matches(d, n, f) for d in spec["departures"])]
    missed = [f"{d['file']}: {d['rule']} ({d['what']})" for d in spec["departures"] if d not in hit]
    return {"batch": batch.name, "letters": len(found), "departures": len(spec["departures"]), "found": len(hit),
            "findings": len(findings), "right": len(right), "wrong": wrong, "missed": missed,
            "recall": len(hit) / len(spec["departures"]), "precision": len(right) / len(findings) if findings else 1.0}


def main() -> int:
    git = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_GIT
    for batch in sorted(p.parent for p in HERE.glob("*/departures.yml")):
        result = measure(batch, git)
        print(f"{result['batch']}: {result['letters']} letters, {result['departures']} departures read; "
              f"recall {result['found']}/{result['departures']} = {result['recall']:.0%}, precision "
              f"{result['right']}/{result['findings']} warnings and errors = {result['precision']:.0%}")
        for line in result["missed"]:
            print(f"  missed: {line}")
        for line in result["wrong"]:
            print(f"  false: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

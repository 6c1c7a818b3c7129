"""Files made to exhaust the reader, each in a batch of good letters: the hostile one is
unreadable-input naming the limit it broke, the good ones are audited as usual, and the run
stays within its memory and time budget (tests/hostile_files.py makes the files)."""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile_files
from support import ROOT

GOOD = [ROOT / "fixtures" / "letters" / "001_eb19f74a81183c1a.txt",
        ROOT / "fixtures" / "letters-docx" / "002_3e1a7b4ce7d2b570.docx",
        ROOT / "fixtures" / "letters-pdf" / "003_93a2751bcc8bc2f0.pdf"]
MAX_MEMORY_MB = 512
TIMEOUT = 20
OVERHEAD_MB = 300  # the interpreter, spaCy and the libraries, in the largest process
OVERHEAD_S = 40  # start-up and the good letters, on a loaded machine

LIMIT_NAMED = {  # each hostile file, and words of the finding that name the limit it broke
    "fanout.pdf": "more than 50,000 objects on page 1",
    "flate-bomb.pdf": "decodes to more than 4 MB (4 x --max-bytes)",
    "many-objects.pdf": "more than 50,000 objects on page 1",
    "lying-zip.docx": "unpacks to more than the 1,000 bytes its zip header declares",
    "empty-paragraphs.docx": "more than the 4 MB a Word letter may unpack to (4 x --max-bytes)",
    "deep-nesting.docx": "more than 64 levels deep",
    "billion-laughs.docx": "declares a DTD or entities",
    "xxe.docx": "declares a DTD or entities",
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """The whole hostile set and the good letters, audited in one run: (letters by name, seconds, peak MB)."""
    folder = tmp_path_factory.mktemp("hostile")
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    hostile_files.write_all(folder, hostile_files.SMALL)
    hostile_files.external_entity(folder / "xxe.docx", secret)
    for good in GOOD:
        shutil.copy(good, folder / good.name)
    script = ("import resource, subprocess, sys, json\n"
              "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
              "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
              "print(json.dumps({'peak': peak, 'status': done.returncode, 'err': done.stderr.decode()}))\n"
              "sys.stdout.write(done.stdout.decode())\n")
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", script, sys.executable, "-m", "audit", "check", str(folder),
                          "--format", "json", "--max-bytes", "1MB", "--max-memory", f"{MAX_MEMORY_MB}MB",
                          "--timeout", str(TIMEOUT), "--no-progress", "--no-config"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.monotonic() - started
    measure, _, report = run.stdout.partition("\n")
    measure = json.loads(measure)
    assert measure["status"] == 1, measure["err"]
    letters = {Path(letter["path"]).name: letter for letter in json.loads(report)["letters"]}
    return letters, seconds, measure["peak"], report + measure["err"]


@pytest.mark.parametrize("name", sorted(LIMIT_NAMED))
def test_a_hostile_file_is_unreadable_input_naming_its_limit(audited, name):
    letters = audited[0]
    findings = letters[name]["findings"]
    assert [f["rule"] for f in findings] == ["unreadable-input"], findings
    assert LIMIT_NAMED[name] in findings[0]["message"]


def test_the_good_letters_beside_them_are_audited_as_usual(audited):
    letters = audited[0]
    for good in GOOD:
        letter = letters[good.name]
        assert letter["template"] is not None, letter
        assert not [f for f in letter["findings"] if f["rule"] in ("unreadable-input", "internal-error")]


def test_the_run_stays_within_its_budget(audited):
    _, seconds, peak_mb, _ = audited
    assert peak_mb < MAX_MEMORY_MB + OVERHEAD_MB
    assert seconds < TIMEOUT + OVERHEAD_S


def test_an_external_entity_is_never_read(audited):
    assert "TOP-SECRET-7f3a" not in audited[3]


def test_python_docx_itself_resolves_no_entity(tmp_path):
    """Behind the budget check, the parser python-docx uses expands no entity either."""
    import docx

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    for make in (hostile_files.billion_laughs, lambda p: hostile_files.external_entity(p, secret)):
        path = make(tmp_path / "x.docx")
        started = time.monotonic()
        try:
            text = "\n".join(p.text for p in docx.Document(path).paragraphs)
        except Exception:  # noqa: BLE001 - refusing the file is as good
            text = ""
        assert "TOP-SECRET" not in text and "lollol" not in text
        assert time.monotonic() - started < 10


def test_the_budgets_leave_ordinary_letters_alone():
    from audit.budget import docx_overrun, pdf_overrun
    from audit.read import DEFAULT_MAX_BYTES

    folders = ["letters-docx", "letters-pdf", "converted-cases"]
    files = [p for folder in folders for p in sorted((ROOT / "fixtures" / folder).iterdir())]
    check = {".docx": docx_overrun, ".pdf": pdf_overrun}
    checked = 0
    for path in files:
        if path.suffix in check:
            assert check[path.suffix](path, path.read_bytes(), DEFAULT_MAX_BYTES) is None, path
            checked += 1
    assert checked >= 10


def test_the_memory_limit_stops_what_no_budget_foresaw(tmp_path, monkeypatch):
    """Without the PDF budget, the fan-out reaches PDFium, and the worker's memory limit ends it."""
    from audit import read
    from audit.pipeline import audit_batch
    from audit.settings import Settings

    monkeypatch.setattr(read, "BUDGETS", {})
    hostile = hostile_files.xobject_fanout(tmp_path / "fanout.pdf", fan=10, depth=8)
    shutil.copy(GOOD[0], tmp_path / GOOD[0].name)
    results = list(audit_batch([hostile, tmp_path / GOOD[0].name], Settings(max_memory=256 * 1024 ** 2, timeout=60)))
    assert [f.rule for f in results[0].findings] == ["unreadable-input"]
    assert "limit of 256 MB (--max-memory)" in results[0].findings[0].message
    assert results[1].template is not None

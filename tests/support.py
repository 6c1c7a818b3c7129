"""Shared helpers: build letters from the seed fixtures and audit them."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from audit.cli import main
from audit.pipeline import audit_letter
from audit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "fixtures" / "letters"
FINGERPRINTS = Path(__file__).parent / "fixtures" / "fingerprints.json"
UPDATE_FINGERPRINTS = os.environ.get("LETTER_AUDIT_UPDATE_FINGERPRINTS")  # =1: record them anew (after a migration)
SEEDS = {path.name[:3]: path for path in sorted(LETTERS.iterdir())}


def seed_text(prefix: str) -> str:
    """The text of a seed letter, by its number: seed_text("000")."""
    return SEEDS[prefix].read_text(encoding="utf-8")


def edit(text: str, old: str, new: str, occurrence: int = 1) -> str:
    """Replace the n-th occurrence of `old`; fail loudly if it is not there."""
    start = -1
    for _ in range(occurrence):
        start = text.find(old, start + 1)
        assert start >= 0, f"{old!r} (occurrence {occurrence}) not in letter"
    return text[:start] + new + text[start + len(old):]


def audit_text(tmp_path: Path, text: str | bytes, name: str = "letter.txt", settings: Settings | None = None):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return audit_letter(path, settings or Settings())


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """`letter-audit ARGS...` in this process: (exit code, stdout, stderr). A bug raises (the
    autouse fixture sets LETTER_AUDIT_DEBUG); a traceback or an internal error on stderr fails."""
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    return code, out, err


def assert_fingerprints_kept(case_id: str, result, found) -> None:
    """The fingerprints of a case's findings are those recorded: every baseline in use holds
    them, so renaming an evidence field (or changing what it holds) must come with a baseline
    migration (a new fingerprints.VERSION that reads the old one), then a new recording."""
    from audit.fingerprints import VERSION, fingerprint

    now = {"evidence": sorted({key for f in found for key in f.evidence}),
           "fingerprints": [fingerprint(result, f) for f in found]}
    recorded = json.loads(FINGERPRINTS.read_text(encoding="utf-8")) if FINGERPRINTS.exists() else {"cases": {}}
    if UPDATE_FINGERPRINTS:
        recorded["version"] = VERSION
        recorded["cases"][case_id] = now
        FINGERPRINTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert recorded.get("version") == VERSION, (
        "fingerprints.VERSION changed: record the fingerprints of the new version "
        "(LETTER_AUDIT_UPDATE_FINGERPRINTS=1 python -m pytest tests/test_rules.py)")
    if case_id not in recorded["cases"]:
        return  # a new case: recorded with the others next time (LETTER_AUDIT_UPDATE_FINGERPRINTS=1)
    assert recorded["cases"][case_id] == now, (
        f"{case_id}: the finding's evidence (and so its fingerprint in every baseline and SARIF file) "
        f"changed from {recorded['cases'].get(case_id)} to {now}; migrate baselines (baseline.py) first")


def unavailable(reason: str):
    """Skip a test whose tool is missing, except in CI, where every test must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the test must run")
    pytest.skip(reason)

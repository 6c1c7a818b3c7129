"""Shared helpers: build letters from the seed fixtures and audit them."""
from __future__ import annotations

from pathlib import Path

from audit.cli import main
from audit.pipeline import audit_letter
from audit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "fixtures" / "letters"
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

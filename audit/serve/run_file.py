"""A run's JSON output (`letter-audit check -f json -o run.json`) read back as the results
`serve` puts on the worksheet, so that a batch audited once (in CI, on a bigger machine) is
reviewed without auditing it again. The findings' fingerprints are worked out as the run's
were (from the letter's key and each finding's evidence, or the identity kept when evidence was
cut), so the decisions match the run's baseline and SARIF.

The file is untrusted input: anything that is not such a document is one line of error."""
from __future__ import annotations

import json
from pathlib import Path

from ..models import Finding, LetterResult, ResultKind
from ..settings import SettingsError

MAX_BYTES = 2 << 30  # a run's JSON of a very large batch, never an unbounded read


class RunFileError(SettingsError):
    """Not a run's JSON output (exit code 2)."""


def is_run_file(paths: list[Path]) -> bool:
    """`serve run.json`: one JSON file, named as such."""
    return len(paths) == 1 and paths[0].suffix.lower() == ".json" and paths[0].is_file()


def read_run(path: Path) -> list[LetterResult]:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RunFileError(f"{path} is larger than {MAX_BYTES >> 30} GB")
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise RunFileError(f"cannot read {path} ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise RunFileError(f"{path} is not JSON ({exc})") from None
    tool = document.get("tool") if isinstance(document, dict) else None
    if not isinstance(tool, dict) or tool.get("name") != "letter-audit" or not isinstance(document.get("letters"), list):
        raise RunFileError(f"{path} is not the JSON output of `letter-audit check -f json`")
    results = []
    for number, record in enumerate(document["letters"], start=1):
        try:
            results.append(_result(record))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RunFileError(f"{path}: letter {number} of the run cannot be read ({type(exc).__name__}: {exc})") from None
    return results


def _result(record: dict) -> LetterResult:
    if "key" not in record:
        raise ValueError("a letter without its key: the file was written by an earlier letter-audit; "
                         "run `letter-audit check -f json` again")
    findings = [_finding(item) for item in record["findings"]]
    key = record["key"]
    return LetterResult(Path(str(record["path"])), _text_or_none(record.get("template")), dict(record.get("fields") or {}),
                        findings, key=None if key is None else str(key), kind=ResultKind(record.get("kind", "letter")))


def _finding(item: dict) -> Finding:
    identity = item.get("identity")
    diff = item.get("diff")
    return Finding(str(item["rule"]), str(item["severity"]), str(item["message"]), int(item["line"]),
                   _text_or_none(item.get("section")), str(item.get("excerpt") or ""),
                   tuple((str(op), str(text)) for op, text in diff) if diff else None,
                   int(item["end_line"]) if item.get("end_line") is not None else None,
                   int(item["page"]) if item.get("page") is not None else None,
                   dict(item.get("evidence") or {}), None if identity is None else str(identity))


def _text_or_none(value) -> str | None:
    return None if value is None else str(value)

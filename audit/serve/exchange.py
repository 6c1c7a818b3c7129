"""Decisions in and out of the database as files: a baseline for `check --baseline`, and the
files the static HTML report exports.

The accepted findings become baseline entries (audit/baseline.py) with the reviewer's note
as the entry's `reason`; `check --baseline URL` reads them straight from the database. A
baseline file imports as accepted decisions (its `reason` becomes the note); a decisions
CSV from the HTML report imports its accepted and needs-fix rows by their fingerprint.
"""
from __future__ import annotations

import csv
import tomllib
from pathlib import Path

from sqlalchemy.engine import Engine

from .. import baseline as baselines
from ..atomic import write_text
from ..settings import SettingsError
from . import decisions as store
from .database import open_database, shown_url
from .decisions import NewDecision

CSV_STATES = {"accepted": "accepted", "needs fix": "needs-fix", "needs-fix": "needs-fix", "reviewed": "reviewed"}


class ExchangeError(SettingsError):
    """A file that cannot be imported (exit code 2)."""


def accepted_entries(engine: Engine) -> list[baselines.Entry]:
    """The findings whose latest decision is Accept, as baseline entries, in a baseline's order."""
    entries = []
    for (kind, target), decision in store.latest(engine).items():
        if kind != "finding" or decision.state != "accepted":
            continue
        extra = {"accepted_by": decision.reviewer,
                 "accepted_at": decision.json()["decided_at"]}
        if decision.note:
            extra["reason"] = decision.note
        entries.append(baselines.Entry(target, decision.rule, decision.letter, decision.path, decision.message, extra))
    entries.sort(key=baselines.sort_key)
    return entries


def baseline_from_database(url: str) -> baselines.Baseline:
    """The database's accepted findings as the baseline `check --baseline URL` applies."""
    engine = open_database(url, create=False)
    try:
        return baselines.Baseline(shown_url(url), accepted_entries(engine))
    finally:
        engine.dispose()


def export_baseline(engine: Engine, output: Path) -> int:
    entries = accepted_entries(engine)
    try:
        write_text(output, baselines.render(entries), follow=True)
    except OSError as exc:
        raise ExchangeError(f"cannot write {output} ({exc.strerror or exc})") from None
    return len(entries)


def import_file(engine: Engine, path: Path, reviewer: str) -> int:
    """Record the decisions a baseline (TOML) or a report's decisions CSV holds; how many."""
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError as exc:
        raise ExchangeError(f"cannot read {path} ({exc.strerror or exc})") from None
    looks_csv = path.suffix.lower() == ".csv" or head.lstrip("\ufeff").startswith("path,")
    items = _from_csv(path) if looks_csv else _from_baseline(path)
    by_reviewer: dict[str, list[NewDecision]] = {}
    for who, item in items:
        by_reviewer.setdefault(who or reviewer, []).append(item)
    return sum(len(store.record(engine, who, group)) for who, group in by_reviewer.items())


def _from_baseline(path: Path) -> list[tuple[str, NewDecision]]:
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ExchangeError(f"{path} is neither a baseline (TOML) nor a decisions CSV ({exc})") from None
    baseline = baselines.Baseline.load(path)
    out = []
    for entry in baseline.entries:
        note = str(entry.extra.get("reason", ""))
        who = str(entry.extra.get("accepted_by", ""))
        out.append((who, NewDecision("finding", entry.fingerprint, "accepted", entry.letter, entry.file, entry.rule,
                                     entry.note, "", note)))
    return out


def _from_csv(path: Path) -> list[tuple[str, NewDecision]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    if rows and "fingerprint" not in rows[0]:
        raise ExchangeError(f"{path} has no fingerprint column: export the decisions again from a report written "
                           "by this letter-audit")
    out = []
    for number, row in enumerate(rows, start=2):
        state = CSV_STATES.get((row.get("decision") or "").strip().lower())
        if state == "reviewed":  # a letter's Reviewed tick: the database holds it with the text reviewed,
            continue             # which a report's export does not know
        fingerprint = (row.get("fingerprint") or "").strip()
        if state is None or not fingerprint:
            raise ExchangeError(f"{path}:{number}: expected a fingerprint and a decision (accepted or needs fix)")
        out.append((_plain(row.get("reviewer")).strip(),
                    NewDecision("finding", fingerprint, state, "", _plain(row.get("path")), _plain(row.get("rule")),
                                _plain(row.get("message")), "", _plain(row.get("note")))))
    return out


def _plain(value) -> str:
    """A CSV cell as the report wrote it, less the quote that kept a spreadsheet from reading a formula."""
    text = value or ""
    return text[1:] if text[:2] in ("'=", "'+", "'-", "'@") else text


__all__ = ["accepted_entries", "baseline_from_database", "export_baseline", "import_file", "shown_url"]

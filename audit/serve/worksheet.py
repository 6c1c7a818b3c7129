"""The run's findings as the worksheet shows them, joined with the decisions of every reviewer.

A `Worksheet` is made once per run from its results: each letter (path, key, status, a hash
of its file's bytes) and each finding with its fingerprint, numbered as a baseline numbers
them. `Worksheet.view(latest)` joins the latest decisions in: a finding's state and who set
it, whether that was on the letter's current text, which letters are reviewed (a letter
whose text changed since loses its tick), the stale decisions (about findings this run no
longer has, listed and never counted) and the progress per reviewer and per rule.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import baseline as baselines
from ..fingerprints import fingerprinted, letter_identity
from ..models import LetterResult
from ..settings import Settings
from ..report.escape import shown_path
from ..report.should_read import should_read
from .decisions import Decision


@dataclass(frozen=True)
class LetterItem:
    number: int  # 1-based, in batch order: the letter's address in the worksheet
    path: str  # as the run was given it: the letter's identity in the decisions
    key: str  # the template's key field, or the file name
    identity: str  # as the baseline knows the letter (template/key)
    template: str
    status: str
    text_hash: str
    fields: dict
    kind: str = "letter"  # or "batch": findings about the batch as a whole


@dataclass(frozen=True)
class FindingItem:
    fingerprint: str
    letter: int  # LetterItem.number
    rule: str
    severity: str
    message: str
    line: int
    section: str
    note: str  # as a baseline entry describes it
    should_read: str = ""  # what the letter should say, where one value settles the finding
    settles: tuple[str, str, str] | None = None  # (field, value it should read, value it has)


@dataclass
class Worksheet:
    letters: list[LetterItem]
    findings: list[FindingItem]
    by_fingerprint: dict[str, FindingItem] = field(default_factory=dict)
    by_path: dict[str, LetterItem] = field(default_factory=dict)
    settings: Settings | None = None  # the run's: a letter page lays its letter over its template with them

    def __post_init__(self):
        self.by_fingerprint = {f.fingerprint: f for f in self.findings}
        self.by_path = {letter.path: letter for letter in self.letters}

    @classmethod
    def of(cls, results: Iterable[LetterResult], settings: Settings | None = None) -> "Worksheet":
        """From every result of a run, batch rules' findings merged in, none filtered out."""
        letters, findings = [], []
        for number, (result, prints) in enumerate(fingerprinted(results), start=1):
            path = result.path.as_posix() if isinstance(result.path, Path) else str(result.path)
            letters.append(LetterItem(number, path, result.key or Path(path).name, letter_identity(result),
                                      result.template or "", result.status, file_hash(path), dict(result.fields),
                                      result.kind))
            for finding, print_ in zip(result.findings, prints):
                entry = baselines.entry_for(result, finding, print_)
                settled = should_read(finding)
                findings.append(FindingItem(print_, number, finding.rule, finding.severity, finding.message,
                                            finding.line, finding.section or "", entry.note,
                                            settled.sentence() if settled else "",
                                            (settled.field, settled.value, settled.written)
                                            if settled and settled.field else None))
        return cls(letters, findings, settings=settings)

    def letter(self, number: int) -> LetterItem | None:
        return self.letters[number - 1] if 1 <= number <= len(self.letters) else None

    def view(self, latest: dict[tuple[str, str], Decision]) -> "WorksheetView":
        return WorksheetView.join(self, latest)


def file_hash(path: str) -> str:
    """A hash of the letter file's bytes: a letter whose file changed is a new text to review."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


@dataclass(frozen=True)
class FindingState:
    state: str  # accepted | needs-fix | "" (undecided)
    decision: Decision | None  # the latest one, undecided included
    on_earlier_text: bool  # made when the letter's text was different


@dataclass(frozen=True)
class LetterState:
    reviewed: bool
    decision: Decision | None
    lost: bool  # was reviewed, but the text changed since


@dataclass
class WorksheetView:
    sheet: Worksheet
    findings: dict[str, FindingState]
    letters: dict[str, LetterState]
    stale: list[Decision]  # decisions on findings this run does not have

    @classmethod
    def join(cls, sheet: Worksheet, latest: dict[tuple[str, str], Decision]) -> "WorksheetView":
        findings, letters, stale = {}, {}, []
        for (kind, target), decision in latest.items():
            if kind == "finding":
                item = sheet.by_fingerprint.get(target)
                if item is None:
                    if decision.state != "undecided":
                        stale.append(decision)
                    continue
                text = sheet.letters[item.letter - 1].text_hash
                state = "" if decision.state == "undecided" else decision.state
                findings[target] = FindingState(state, decision, bool(decision.text_hash) and decision.text_hash != text)
            elif kind == "letter" and target in sheet.by_path:
                text = sheet.by_path[target].text_hash
                same = decision.text_hash == text
                reviewed = decision.state == "reviewed"
                letters[target] = LetterState(reviewed and same, decision, reviewed and not same)
        stale.sort(key=lambda d: (d.path, d.rule, d.id))
        return cls(sheet, findings, letters, stale)

    def state_of(self, fingerprint: str) -> str:
        found = self.findings.get(fingerprint)
        return found.state if found else ""

    def reviewed(self, path: str) -> bool:
        found = self.letters.get(path)
        return bool(found and found.reviewed)

    def progress(self) -> dict:
        """Decided and undecided findings, per rule and per reviewer (of the findings this run has)."""
        per_rule: dict[str, Counter] = defaultdict(Counter)
        per_reviewer: dict[str, Counter] = defaultdict(Counter)
        total = Counter()
        for item in self.sheet.findings:
            found = self.findings.get(item.fingerprint)
            state = found.state if found else ""
            per_rule[item.rule][state or "undecided"] += 1
            total[state or "undecided"] += 1
            if state:
                per_reviewer[found.decision.reviewer][state] += 1
        reviewed = sum(1 for letter in self.sheet.letters if self.reviewed(letter.path))
        return {
            "findings": len(self.sheet.findings),
            "decided": total["accepted"] + total["needs-fix"],
            "undecided": total["undecided"],
            "accepted": total["accepted"],
            "needs_fix": total["needs-fix"],
            "letters": len(self.sheet.letters),
            "reviewed": reviewed,
            "stale": len(self.stale),
            "rules": {rule: dict(c) for rule, c in sorted(per_rule.items())},
            "reviewers": {name: dict(c) for name, c in sorted(per_reviewer.items())},
        }


def shown(path: str) -> str:
    return shown_path(Path(path))

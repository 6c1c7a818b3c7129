"""Baseline: findings a reviewer has accepted, so that CI fails only on new ones.

`--write-baseline FILE` records the warning and error findings of a run; `--baseline FILE`
suppresses exactly those in later runs, reports any others as usual, and says on stderr
which entries no longer occur so the file can be pruned.

Findings are recognised by their fingerprint (audit/fingerprints.py), which survives edits
elsewhere in the letter and rewording of messages. The same fingerprint is the SARIF
result's partialFingerprints, so code-scanning tools and the baseline agree on what is "the
same finding". Baselines of version 1 (fingerprints of the excerpt or message text) are
still read and matched as they were written.

The file is TOML, one [[finding]] table per finding, sorted by letter and rule, without
line numbers, so it diffs well and can be reviewed and committed. Keys other than those
written (a `reason = "..."`, say) are kept when the baseline is written again.
"""
from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .atomic import write_text as write_text_atomically
from .report.escape import toml_string
from .fingerprints import VERSION as FORMAT_VERSION, fingerprint, fingerprinted, numbered, without_lines
from .models import LetterResult, ResultKind
from .rules import ALIASES, canonical_rule_id, renamed_note
from .settings import SettingsError

READABLE_VERSIONS = (1, 2)
RECORDED = ("error", "warning")  # severities a baseline records
NOTE_CHARS = 200
_OLD_IDS = {new: old for old, new in ALIASES.items()}  # renamed rule -> the id old baselines hold


class BaselineError(SettingsError):
    """A baseline file that cannot be used (exit code 2)."""


@dataclass
class Entry:
    fingerprint: str
    rule: str = ""
    letter: str = ""
    file: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)  # keys a reviewer added (reason = "...")

    def describe(self) -> str:
        return f"{self.file or self.letter}: {self.rule}: {self.note}"


@dataclass
class Outcome:
    suppressed: int
    stale: list[Entry]


@dataclass
class Baseline:
    path: Path
    entries: list[Entry]
    version: int = FORMAT_VERSION

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"baseline {path} does not exist (create it with --write-baseline {path})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"baseline {path} cannot be read ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise BaselineError(f"baseline {path} is not valid TOML ({exc})") from None
        version = data.get("version", FORMAT_VERSION)
        if version not in READABLE_VERSIONS:
            raise BaselineError(f"baseline {path} has version {version!r}; this letter-audit "
                                f"reads versions {' and '.join(map(str, READABLE_VERSIONS))}")
        raw = data.get("finding", [])
        if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
            raise BaselineError(f"baseline {path}: [[finding]] must be a list of tables")
        entries, notes = [], set()
        for number, item in enumerate(raw, start=1):
            if not isinstance(item.get("fingerprint"), str):
                raise BaselineError(f"baseline {path}: finding {number} has no fingerprint")
            known = {k: str(item.get(k, "")) for k in ("rule", "letter", "file", "note")}
            extra = {k: v for k, v in item.items() if k not in known and k != "fingerprint"}
            if known["rule"] in ALIASES:  # written before the rule was renamed: still matches
                if known["rule"] not in notes:
                    notes.add(known["rule"])
                    print(renamed_note(known["rule"], where=f"the baseline {path}"), file=sys.stderr)
                known["rule"] = canonical_rule_id(known["rule"])
            entries.append(Entry(item["fingerprint"], **known, extra=extra))
        return cls(path, entries, version)

    def matcher(self) -> "Matcher":
        """A fresh match of this baseline against one pass over a batch's results."""
        return Matcher(self)

    def filter(self, results: Iterable[LetterResult]) -> Iterator[LetterResult]:
        """The results without the findings the baseline holds (a batch-level carrier left
        empty is dropped)."""
        matcher = self.matcher()
        for result in results:
            kept = matcher.kept(result)
            if kept is not None:
                yield kept

    def marked(self, results: Iterable[LetterResult]) -> Iterator[tuple[LetterResult, list[bool], list[str]]]:
        """Each result whole, with per finding whether the baseline holds it (the HTML report
        shows those as accepted) and its fingerprint, in one pass."""
        matcher = self.matcher()
        for result in results:
            yield (result, *matcher.mark(result))


class Matcher:
    """The baseline's entries matched against a batch's findings as they stream past, once
    each; `outcome()` after the last result says what was suppressed and what is stale."""

    def __init__(self, baseline: Baseline):
        self.baseline = baseline
        self._wanted = Counter(e.fingerprint for e in baseline.entries)
        self._seen, self._seen_then = Counter(), Counter()
        self._suppressed = 0

    def mark(self, result: LetterResult) -> tuple[list[bool], list[str]]:
        """Per finding of `result`: whether the baseline holds it, and its fingerprint."""
        version = self.baseline.version
        prints = [numbered(self._seen, fingerprint(result, finding)) for finding in result.findings]
        theirs = prints if version == FORMAT_VERSION else [  # as an older baseline wrote them
            numbered(self._seen_then, fingerprint(result, finding, version)) for finding in result.findings]
        held = []
        for finding, print_ in zip(result.findings, theirs):
            if self._wanted[print_] <= 0:  # perhaps recorded under the rule's old id
                print_ = _old_id_print(result, finding, version) or print_
            held.append(self._wanted[print_] > 0)
            if held[-1]:
                self._wanted[print_] -= 1
                self._suppressed += 1
        return held, prints

    def kept(self, result: LetterResult) -> LetterResult | None:
        """`result` less the findings the baseline holds; None for a batch-level carrier left empty."""
        held, _ = self.mark(result)
        kept = [finding for finding, accepted in zip(result.findings, held) if not accepted]
        if result.kind != ResultKind.LETTER and not kept:
            return None
        return result if len(kept) == len(result.findings) else replace(result, findings=kept)

    def outcome(self) -> Outcome:
        wanted = Counter(self._wanted)
        stale = []
        for entry in self.baseline.entries:
            if wanted[entry.fingerprint] > 0:
                wanted[entry.fingerprint] -= 1
                stale.append(entry)
        return Outcome(self._suppressed, stale)


def _old_id_print(result: LetterResult, finding, version: int) -> str | None:
    """The fingerprint a baseline written before the finding's rule was renamed holds for it."""
    old = _OLD_IDS.get(finding.rule)
    return fingerprint(result, replace(finding, rule=old), version) if old else None


def entries_for(results: list[LetterResult], previous: Baseline | None = None) -> list[Entry]:
    """The entries to record; keys a reviewer added to `previous` carry over, matched by the
    fingerprints `previous` was written with (so an older baseline is migrated, reasons kept)."""
    extras = {e.fingerprint: e.extra for e in previous.entries} if previous else {}
    migrating = previous is not None and previous.version != FORMAT_VERSION
    current = fingerprinted(results)
    earlier = fingerprinted(results, previous.version) if migrating else None  # a second pass, only then
    entries = []
    for result, prints in current:
        old_prints = next(earlier)[1] if earlier else prints
        for finding, print_, old in zip(result.findings, prints, old_prints):
            if finding.severity not in RECORDED:
                continue
            entries.append(entry_for(result, finding, print_, extras.get(old, {})))
    entries.sort(key=sort_key)
    return entries


def entry_for(result: LetterResult, finding, print_: str, extra: dict | None = None) -> Entry:
    """The baseline entry of one finding whose fingerprint (within its batch) is `print_`."""
    note = without_lines(finding.message)
    if len(note) > NOTE_CHARS:
        note = note[: NOTE_CHARS - 3] + "..."
    return Entry(print_, finding.rule, result.key or result.path.name, result.path.as_posix(), note,
                 dict(extra or {}))


def sort_key(entry: Entry) -> tuple[str, ...]:
    """The order of entries in a baseline file."""
    return (entry.letter.casefold(), entry.file, entry.rule, entry.note, entry.fingerprint)


def render(entries: list[Entry]) -> str:
    lines = [
        "# letter-audit baseline: findings a reviewer has accepted.",
        "# `letter-audit check --baseline FILE` suppresses these and reports every other finding.",
        "# Entries are matched by fingerprint (rule, letter, evidence), never by line number; the",
        "# other keys are for people. Delete an entry to see its finding again; add",
        "# reason = \"...\" to say why it was accepted (kept when the file is written again).",
        f"version = {FORMAT_VERSION}",
    ]
    for entry in entries:
        lines += ["", "[[finding]]", f"fingerprint = {_toml(entry.fingerprint)}"]
        for key in ("rule", "letter", "file", "note"):
            lines.append(f"{key} = {_toml(getattr(entry, key))}")
        for key, value in sorted(entry.extra.items()):
            if isinstance(value, (str, bool, int, float)):
                lines.append(f"{_toml_key(key)} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def write_baseline(path: Path, results: list[LetterResult], previous: Baseline | None = None) -> Baseline:
    entries = entries_for(results, previous)
    try:
        write_text_atomically(path, render(entries), follow=True)  # the user named it
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path} ({exc.strerror or exc})") from None
    return Baseline(path, entries)


def report(outcome: Outcome, baseline: Baseline, stream=None) -> None:
    """Say on stderr what the baseline suppressed and which of its entries are stale."""
    stream = stream or sys.stderr
    if baseline.version != FORMAT_VERSION:
        stream.write(f"letter-audit: the baseline {baseline.path} was written by an earlier letter-audit "
                     f"(version {baseline.version}); it still applies. Rerun with --write-baseline "
                     f"{baseline.path} to update it.\n")
    if outcome.suppressed:
        stream.write(f"letter-audit: {outcome.suppressed} accepted finding{'s' * (outcome.suppressed != 1)} "
                     f"suppressed by the baseline {baseline.path}\n")
    if outcome.stale:
        count = len(outcome.stale)
        stream.write(f"letter-audit: {count} baseline entr{'ies' if count != 1 else 'y'} in {baseline.path} "
                     f"no longer occur{'s' if count == 1 else ''}; remove {'them' if count != 1 else 'it'} "
                     f"or rerun with --write-baseline {baseline.path}:\n")
        for entry in outcome.stale:
            stream.write(f"  stale: {entry.fingerprint} {entry.describe()}\n")


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return toml_string(value)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml(key)

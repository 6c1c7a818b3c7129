"""Batch rules: checks that need the whole batch, run after every letter has been audited.

A batch rule (BATCH = True in its module) gets the small LetterResults of the batch and a
BatchContext (settings, templates, the --data table, the --peer-groups table) and
yields (result, Issue) pairs, anchored like a letter rule's Issues: to a QuotedField of the
result (its line and section come from the result and its template) or a line of the file
the result stands for; the framework makes the Finding, with the rule's id and the run's
severity for it. A finding about a letter attaches to that letter; a finding
about the batch as a whole (a row of the data with no letter) attaches to a pseudo-result
whose path is the file it concerns (kind "batch"), so that every output format shows it
like any other finding, pointing at the line of that file. A batch rule that raises is an
internal-error finding about the batch (path `<batch rule ID>`); the others still run.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .data import PeerGroups, DataTable, Reconciliation, load_peer_groups, load_data, reconcile
from .evidence import evidence_json
from .models import Finding, Issue, LetterResult, QuotedField, ResultKind
from .rules.base import crash_finding
from .settings import Settings
from .template import Template


@dataclass
class BatchContext:
    settings: Settings
    data: DataTable | None = None
    peer_groups: PeerGroups | None = None
    letters: list[LetterResult] = field(default_factory=list)
    _pseudo: dict[Path, LetterResult] = field(default_factory=dict)

    @classmethod
    def load(cls, settings: Settings) -> "BatchContext":
        """Read the data and peer-group tables now: a bad file is a usage error, found
        before any letter is read."""
        data = load_data(settings.data, settings.templates) if settings.data else None
        fuzzy = any(t.key_match == "fuzzy" for t in settings.templates)
        groups = load_peer_groups(settings.peer_groups, fuzzy) if settings.peer_groups else None
        return cls(settings, data, groups)

    @cached_property
    def templates(self) -> dict[str, Template]:
        return {t.name: t for t in self.settings.templates}

    def template_of(self, result: LetterResult) -> Template | None:
        return self.templates.get(result.template) if result.template else None

    @cached_property
    def reconciliation(self) -> Reconciliation | None:
        return reconcile(self.letters, self.data, self.templates) if self.data else None

    def batch_result(self, path: Path) -> LetterResult:
        """The pseudo-result that carries findings about `path` (a data file) for the batch."""
        if path not in self._pseudo:
            self._pseudo[path] = LetterResult(path, None, {}, kind=ResultKind.BATCH)
        return self._pseudo[path]


@dataclass(frozen=True)
class BatchFindings:
    """What the batch rules found: findings about letters, by the letter's place in the batch,
    and the pseudo-results that carry findings about the batch as a whole."""

    about_letters: dict[int, list[Finding]]
    about_batch: list[LetterResult]


def run_batch_rules(results: list[LetterResult], batch: BatchContext,
                    whole: Callable[[int], LetterResult] | None = None) -> BatchFindings:
    """The batch rules' findings about `results` (honouring select, ignore and severity), and
    the pseudo-results about the batch as a whole that received findings. `results` are left as
    they are. `whole(index)`: the whole result of the letter at `index`, when `results` are the
    records the spool keeps, which leave out where each field is quoted (a finding's line)."""
    batch.letters = [r for r in results if r.kind == ResultKind.LETTER]
    place = {id(result): index for index, result in enumerate(results)}
    quoted: dict[int, LetterResult] = {}  # kept records with their lines, read back from the whole result

    def located(result: LetterResult) -> LetterResult:
        if whole is None or result.kind != ResultKind.LETTER:
            return result
        index = place[id(result)]
        if index not in quoted:
            quoted[index] = replace(result, lines=whole(index).lines)
        return quoted[index]

    about_letters: dict[int, list[Finding]] = {}
    carried: dict[Path, list[Finding]] = {}
    for rule in batch.settings.active_rules:
        if not rule.batch or rule.check_batch is None:
            continue
        severity = batch.settings.severity_of(rule.id, rule.severity)
        try:
            for result, issue in rule.check_batch(batch.letters, batch):
                finding = batch_finding(rule.id, severity, issue, located(result), batch.template_of(result))
                if result.kind == ResultKind.LETTER:
                    about_letters.setdefault(place[id(result)], []).append(finding)
                else:
                    carried.setdefault(result.path, []).append(finding)
        except Exception as exc:  # noqa: BLE001 - reported about the batch; the other batch rules still run
            carrier = batch.batch_result(Path(f"<batch rule {rule.id}>"))
            carried.setdefault(carrier.path, []).append(crash_finding(f"The batch rule {rule.id}", exc))
    about_batch = [replace(batch._pseudo[path], findings=sorted(found, key=lambda f: f.line))
                   for path, found in carried.items()]
    return BatchFindings(about_letters, about_batch)


def batch_finding(rule: str, severity: str, issue: Issue, result: LetterResult, template: Template | None) -> Finding:
    """The finding of a batch rule's Issue about `result`: line and section from its anchor, as
    rules/base.py derives them for the rules of one letter."""
    anchor = issue.anchor
    if isinstance(anchor, QuotedField):
        line = result.lines.get(anchor.name, 1)
        section = template.section_of_field(anchor.name) if template else None
    else:
        line, section = anchor if isinstance(anchor, int) else 1, None
    return Finding(rule, severity, issue.message, line, section, issue.excerpt or "", issue.diff, line,
                   evidence=evidence_json(issue.evidence))


def fields_needed(batch: BatchContext):
    """For a letter's result, the fields the batch rules will read: its template's key and
    peer fields, and with --data every field (the data may hold any column)."""
    def needed(result: LetterResult):
        template = batch.template_of(result)
        if batch.data is not None or template is None:
            return None
        return {template.key_field, *(name for name, spec in template.fields.items() if spec.peer)}
    return needed

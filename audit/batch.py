"""Batch rules: checks that need the whole batch, run after every letter has been audited.

A batch rule (BATCH = True in its module) gets the small LetterResults of the batch and a
BatchContext (settings, templates, the --data table, the --peer-groups table) and
yields (result, Finding) pairs. A finding about a letter attaches to that letter; a finding
about the batch as a whole (a row of the data with no letter) attaches to a pseudo-result
whose path is the file it concerns (kind "batch"), so that every output format shows it
like any other finding, pointing at the line of that file. A batch rule that raises is an
internal-error finding about the batch (path `<batch rule ID>`); the others still run.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .data import PeerGroups, DataTable, Reconciliation, load_peer_groups, load_data, reconcile
from .models import Finding, LetterResult
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
            self._pseudo[path] = LetterResult(path, None, {}, kind="batch")
        return self._pseudo[path]


@dataclass(frozen=True)
class BatchFindings:
    """What the batch rules found: findings about letters, by the letter's place in the batch,
    and the pseudo-results that carry findings about the batch as a whole."""

    about_letters: dict[int, list[Finding]]
    about_batch: list[LetterResult]


def run_batch_rules(results: list[LetterResult], batch: BatchContext) -> BatchFindings:
    """The batch rules' findings about `results` (honouring select, ignore and severity), and
    the pseudo-results about the batch as a whole that received findings. `results` are left as
    they are."""
    batch.letters = [r for r in results if r.kind == "letter"]
    place = {id(result): index for index, result in enumerate(results)}
    about_letters: dict[int, list[Finding]] = {}
    carried: dict[Path, list[Finding]] = {}
    for rule in batch.settings.active_rules:
        if not rule.batch or rule.check_batch is None:
            continue
        severity = batch.settings.severity_of(rule.id, rule.severity)
        try:
            for result, finding in rule.check_batch(batch.letters, batch):
                finding = finding if finding.severity == severity else replace(finding, severity=severity)
                if result.kind == "letter":
                    about_letters.setdefault(place[id(result)], []).append(finding)
                else:
                    carried.setdefault(result.path, []).append(finding)
        except Exception as exc:  # noqa: BLE001 - reported about the batch; the other batch rules still run
            carrier = batch.batch_result(Path(f"<batch rule {rule.id}>"))
            carried.setdefault(carrier.path, []).append(crash_finding(f"The batch rule {rule.id}", exc))
    about_batch = [replace(batch._pseudo[path], findings=sorted(found, key=lambda f: f.line))
                   for path, found in carried.items()]
    return BatchFindings(about_letters, about_batch)


def fields_needed(batch: BatchContext):
    """For a letter's result, the fields the batch rules will read: its template's key and
    peer fields, and with --data every field (the data may hold any column)."""
    def needed(result: LetterResult):
        template = batch.template_of(result)
        if batch.data is not None or template is None:
            return None
        return {template.key_field, *(name for name, spec in template.fields.items() if spec.peer)}
    return needed

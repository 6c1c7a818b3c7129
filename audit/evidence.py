"""Evidence: the facts a finding rests on, as one typed record per rule.

A rule gives each Issue a frozen record of its own Evidence type (defined in the rule's
module; checks.py holds those of the checks and conflicts templates declare, which many
rules share). The framework turns it into the finding's `evidence`: the record's fields by
name, in order, as JSON data (`Evidence.json`). Every output shows those keys, and the
baseline and SARIF fingerprints hash them (fingerprints.fingerprint), so renaming a field
changes every fingerprint of its rule: tests/test_evidence.py fails on a rename until
baselines are migrated.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """The base of every rule's evidence record."""

    def json(self) -> dict[str, Any]:
        """The record as a finding's evidence: its fields by name, in order, as JSON data."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def evidence_json(record: Evidence | None) -> dict[str, Any]:
    """The finding's evidence from an Issue's record (none: empty). Anything but a record is a
    bug in the rule: a free-form dict would let a renamed key change fingerprints unseen."""
    if record is None:
        return {}
    if not isinstance(record, Evidence):
        raise TypeError(f"a rule's evidence must be a record of an Evidence type, not {type(record).__name__}")
    return record.json()


def _plain(value: Any) -> Any:
    if isinstance(value, Evidence):
        return value.json()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value

"""Fingerprints: the stable identity of a finding, shared by the baseline and SARIF.

A fingerprint survives edits elsewhere in the letter and rewording of messages: a hash of
the rule, the letter's identity (its template and key field; the file name when the letter
has none) and the finding's structured evidence with every line and page number left out.
Never the line, never the message. Version 1 (a hash of the excerpt or message text) is
still computed so baselines written with it are matched as they were written.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from .models import LetterResult
from .names import normalise_name

VERSION = 2
KEY = "letterAudit/v2"  # the key of SARIF partialFingerprints
LOCATION_KEYS = frozenset({"line", "end_line", "first_line", "page", "traceback"})  # not identity
_LINE_REF = re.compile(
    r"\s*\(\s*lines?\s+\d+(?:\s*(?:,|-|and)\s*\d+)*\s*\)"  # (line 12)
    r"|\s*\b(?:at|after|before|on|from)\s+lines?\s+\d+(?:\s*(?:,|-|and)\s*\d+)*"  # at line 12
    r"|\blines?\s+\d+(?:\s*(?:,|-|and)\s*\d+)*\s*:?",  # line 12:
    re.I)


def without_lines(text: str) -> str:
    """The text with references to line numbers taken out, whitespace collapsed."""
    return " ".join(_LINE_REF.sub("", text).split())


def letter_identity(result: LetterResult) -> str:
    if result.key:
        return f"{result.template}/{normalise_name(result.key)}"
    return result.path.name


def identity_of(value):
    """Evidence without its locations: what stays the same when lines move."""
    if isinstance(value, dict):
        return {k: identity_of(v) for k, v in value.items() if k not in LOCATION_KEYS}
    if isinstance(value, (list, tuple)):
        return [identity_of(v) for v in value]
    return value


def fingerprint(result: LetterResult, finding, version: int = VERSION) -> str:
    """The stable identity of one finding (shared by the baseline and SARIF)."""
    if finding.identity is not None and version == VERSION:  # taken before its evidence was cut
        return finding.identity
    if version == 1 or not finding.evidence:
        evidence = without_lines(finding.excerpt or finding.message)
    else:
        evidence = json.dumps(identity_of(dict(finding.evidence)), sort_keys=True, ensure_ascii=False, default=str)
    material = "\x1f".join((finding.rule, letter_identity(result), evidence))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]


def fingerprinted(results: Iterable[LetterResult], version: int = VERSION
                  ) -> Iterator[tuple[LetterResult, list[str]]]:
    """Each result with the fingerprint of each of its findings, in one pass. Two findings
    alike in every respect (the same paragraph pasted twice) are told apart by a count:
    fp, fp-2, fp-3."""
    prints = Fingerprints(version)
    for result in results:
        yield result, prints.of(result)


class Fingerprints:
    """fingerprinted, one result at a time: the repeats counted across the results given so far."""

    def __init__(self, version: int = VERSION):
        self.version, self.seen = version, Counter()

    def of(self, result: LetterResult) -> list[str]:
        return [numbered(self.seen, fingerprint(result, finding, self.version)) for finding in result.findings]


def numbered(seen: Counter, base: str) -> str:
    """`base`, or `base-N` for its N-th occurrence in the batch."""
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"

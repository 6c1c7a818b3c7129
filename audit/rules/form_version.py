"""The version of its form a letter follows, when the template records several.

A form redrafted over time (a paragraph added in 2023, a typo fixed) is one template that
declares its versions (``versions = ["2021", "2023"]``) and marks what belongs to some of
them only: a paragraph with ``{versions: 2023}`` at its end, a wording with
``{{by version: 2021: wavier | 2023: waiver}}``. Each letter is read against the version
whose paragraphs and wordings it carries, and this note names it: the paragraphs of the
other versions are not reported as missing or extra, and those of its own version that it
lacks are (missing-paragraph). A letter carrying what belongs to two versions is also
reported as mixed-versions.

It is a note, not a fault: it says which form the letter follows, for a reviewer to check
that it was the one due.

Bad (a letter sent on the 2021 form after the 2023 redraft was due)::

    Follows version 2021 of the form (1 paragraph and 1 wording of that version).

Good (the redraft)::

    Follows version 2023 of the form (3 paragraphs and 1 wording of that version).

A letter of a version that only lacks what the others added is told by that absence::

    Follows version 2021 of the form (none of the 4 paragraphs and wordings of the other versions).
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue
from ..wording import counted
from .base import opening

ID = "form-version"
SEVERITY = "info"
HINT = "Check that this version of the form was the one to use on the letter's date."


@dataclass(frozen=True)
class FollowsVersion(Evidence):
    version: str
    lines: tuple[int, ...]  # where the letter carries what is that version's own


def check(letter):
    reading = letter.version
    if reading is None:
        return
    if reading.carried:
        paragraphs = sum(not m.wording for m in reading.carried)
        wordings = len(reading.carried) - paragraphs
        what = " and ".join(counted(n, noun) for n, noun in ((paragraphs, "paragraph"), (wordings, "wording")) if n)
        message = f"Follows version {reading.name} of the form ({what} of that version)."
        anchor = reading.carried[0].line
    else:
        others = _marked_elsewhere(letter.template, reading.name)
        elsewhere = (f"none of the {others} paragraphs and wordings" if others > 1
                     else "not the one paragraph or wording")
        message = f"Follows version {reading.name} of the form ({elsewhere} of the other versions)."
        anchor = 1
    yield Issue(message, anchor, FollowsVersion(reading.name, tuple(m.line for m in reading.carried)),
                excerpt=opening(letter) if not reading.carried else None)


def _marked_elsewhere(template, version: str) -> int:
    """The paragraphs and wordings of the template that the version does not have."""
    paragraphs = sum(1 for p in template.paragraphs if p.versions and version not in p.versions)
    wordings = sum(1 for p in template.paragraphs for s in p.slots for names in s.versions if version not in names)
    return paragraphs + wordings

"""A required boilerplate paragraph is absent from the letter.

Every paragraph of the template must appear in the letter, the signature block
included, except those marked ``{optional}`` and, in a template with versions, those of
versions other than the letter's own (see form-version). A missing paragraph inside a section that is missing altogether is reported
by missing-section instead; an optional section (``# Heading {optional}``) left out
altogether raises nothing, while one that is partly there raises this rule for what it lacks.

Bad::

    Yours sincerely,
    <signature block missing>

Good::

    Yours sincerely,
    Revenues Manager
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue, PairKind, excerpt

ID = "missing-paragraph"
SEVERITY = "error"
HINT = "Look at the named place in the letter and restore the paragraph from the template."


@dataclass(frozen=True)
class Missing(Evidence):
    """The template's paragraph (placeholders as ⟨…⟩) and the section where it belongs."""

    template: str
    section: str | None


def check(letter):
    if letter.alignment is None:
        return
    gone = {*letter.alignment.missing_sections, *letter.alignment.omitted_sections}
    for pair in letter.alignment.pairs:
        if pair.kind == PairKind.MISSING and pair.template.section not in gone:
            what = "heading" if pair.template.heading else "paragraph"
            legend = " (⟨…⟩ stands for a value each letter fills in)" if pair.template.slots else ""
            yield Issue(f'A template {what} is missing after line {pair.line}: "{excerpt(pair.template.skeleton)}"'
                        f"{legend}.", pair, Missing(pair.template.skeleton, pair.section))

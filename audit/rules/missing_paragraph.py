"""A required boilerplate paragraph is absent from the letter.

Every paragraph of the template must appear in the letter, the signature block
included. A missing paragraph inside a section that is missing altogether is reported
by missing-section instead; an optional section (``# Heading {optional}``) left out
altogether raises nothing, while one that is partly there raises this rule for what it lacks.

Bad::

    Yours sincerely,
    <signature block missing>

Good::

    Yours sincerely,
    Michael King Local Government and Social Care Ombudsman
"""
from ..models import Finding
from .base import excerpt

ID = "missing-paragraph"
SEVERITY = "error"
HINT = "Look at the named place in the letter and restore the paragraph from the template."


def check(ctx):
    if ctx.alignment is None:
        return
    gone = {*ctx.alignment.missing_sections, *ctx.alignment.omitted_sections}
    line = 1
    for pair in ctx.alignment.pairs:
        if pair.para is not None:
            line = pair.para.line
        if pair.kind == "missing" and pair.template.section not in gone:
            what = "heading" if pair.template.heading else "paragraph"
            legend = " (⟨…⟩ stands for a value each letter fills in)" if pair.template.slots else ""
            yield Finding(ID, SEVERITY,
                          f'A template {what} is missing after line {line}: "{excerpt(pair.template.skeleton)}"'
                          f"{legend}.", line, pair.template.section, excerpt(pair.template.skeleton))

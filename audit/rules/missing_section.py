"""A required section of the template is absent from the letter.

A section starts at a heading of the template (``# Complaints upheld``) and runs to the
next one. When none of its paragraphs is found in the letter, the section is reported
once, instead of every paragraph in it. Sections marked ``{optional}`` in the template
may be left out.

Bad (the statistics block never made it into the letter)::

    Yours sincerely,
    Michael King
    <end of letter>

Good::

    Yours sincerely,
    Michael King
    Complaints upheld
    100% of complaints we investigated were upheld.
"""
from ..models import Finding

ID = "missing-section"
SEVERITY = "error"
HINT = "Compare the letter with the template; if the section was never generated, re-run the mail merge for this letter."


def check(ctx):
    if ctx.alignment is None:
        return
    for title in ctx.alignment.missing_sections:
        section = ctx.template.sections[title]
        line = _line_where_it_should_stand(ctx.alignment, section.paragraphs[0])
        yield Finding(ID, SEVERITY,
                      f'The section "{title}" ({len(section.paragraphs)} paragraphs in the template) '
                      f"is missing: none of its paragraphs is in the letter.",
                      line, title, f"expected: {title}")


def _line_where_it_should_stand(alignment, index):
    line = 1
    for pair in alignment.pairs:
        if pair.para is not None:
            line = pair.para.line
        if pair.template is not None and pair.template.index >= index and pair.kind == "missing":
            return line
    return line

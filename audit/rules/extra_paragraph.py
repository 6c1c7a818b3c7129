"""A paragraph the template does not have, or a second copy of one it has.

Letters are filled from the template; text that matches no template paragraph was
added by hand (a note for one recipient) or pasted twice. Check it was meant to go out.

Bad (a note nobody expected)::

    We were pleased to deliver four complaint handling courses to your staff.

Good: every paragraph of the letter is one of the template's, once.
"""
from ..models import Finding
from .base import excerpt

ID = "extra-paragraph"
SEVERITY = "warning"
HINT = "Confirm with the author that the paragraph was meant for this recipient; otherwise delete it."


def check(ctx):
    if ctx.alignment is None:
        return
    for pair in ctx.alignment.pairs:
        if pair.kind == "extra":
            yield Finding(ID, SEVERITY,
                          f'Paragraph at line {pair.para.line} is not in the template: "{excerpt(pair.para.text)}"',
                          pair.para.line, _section_before(ctx, pair), excerpt(pair.para.text))
        elif pair.kind == "duplicate":
            first = f" (first copy at line {pair.duplicate_of})" if pair.duplicate_of else ""
            yield Finding(ID, SEVERITY,
                          f"Paragraph at line {pair.para.line} repeats a template paragraph{first}: "
                          f'"{excerpt(pair.para.text)}"',
                          pair.para.line, pair.template.section, excerpt(pair.para.text))


def _section_before(ctx, target):
    section = None
    for pair in ctx.alignment.pairs:
        if pair is target:
            return section
        if pair.template is not None and pair.kind != "missing":
            section = pair.template.section
    return section

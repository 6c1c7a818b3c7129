"""A boilerplate paragraph stands out of the template's order.

The paragraph is present, but before or after paragraphs it should follow or precede,
often after a copy-and-paste edit. Move it back or confirm the new order is intended.

Bad::

    Yours sincerely,
    Dear Mr Williams

Good::

    Dear Mr Williams
    ...
    Yours sincerely,
"""
from ..models import Finding
from .base import excerpt

ID = "paragraph-moved"
SEVERITY = "warning"
HINT = "Put the paragraph back where the template has it, or confirm the new order was intended."


def check(ctx):
    if ctx.alignment is None:
        return
    for pair in ctx.alignment.pairs:
        if pair.kind == "moved":
            yield Finding(ID, SEVERITY,
                          f'Paragraph at line {pair.para.line} is out of the template\'s order; it belongs in '
                          f'"{pair.template.section}": "{excerpt(pair.para.text)}"',
                          pair.para.line, pair.template.section, excerpt(pair.para.text))

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
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue, PairKind, excerpt

ID = "paragraph-moved"
SEVERITY = "warning"
HINT = "Put the paragraph back where the template has it, or confirm the new order was intended."


@dataclass(frozen=True)
class Moved(Evidence):
    """The moved paragraph's text and the template's section it belongs in."""

    text: str
    section: str | None


def check(letter):
    if letter.alignment is None:
        return
    for pair in letter.alignment.pairs:
        if pair.kind == PairKind.MOVED:
            yield Issue(f'Paragraph at line {pair.para.line} is out of the template\'s order; it belongs in '
                        f'"{pair.template.section}": "{excerpt(pair.para.text)}"',
                        pair, Moved(pair.para.text, pair.template.section))

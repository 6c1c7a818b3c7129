"""A paragraph the template does not have, or a second copy of one it has.

Letters are filled from the template; text that matches no template paragraph was
added by hand (a note for one recipient) or pasted twice. Check it was meant to go out.

Bad (a note nobody expected)::

    We were pleased to deliver four complaint handling courses to your staff.

Good: every paragraph of the letter is one of the template's, once.

Three or more repeated paragraphs in a row (a passage, or the whole letter, pasted
twice) are reported once, with the lines they span.
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue, PairKind, excerpt

ID = "extra-paragraph"
SEVERITY = "warning"
HINT = "Confirm with the author that the paragraph was meant for this recipient; otherwise delete it."
RUN = 3  # this many repeated paragraphs in a row are one repeated passage, one finding


@dataclass(frozen=True)
class Extra(Evidence):
    text: str  # the paragraph the template does not have


@dataclass(frozen=True)
class Repeated(Evidence):
    text: str  # the repeated paragraph
    first_line: int | None  # where its first copy stands


@dataclass(frozen=True)
class RepeatedPassage(Evidence):
    repeated: tuple[str, ...]  # the paragraphs given again, in order
    line: int
    end_line: int


def check(letter):
    if letter.alignment is None:
        return
    pairs = letter.alignment.pairs
    covered = set()
    for first, last in _repeated_passages(pairs):
        covered.update(range(first, last + 1))
        copies = sum(1 for p in pairs[first:last + 1] if p.kind == PairKind.DUPLICATE)
        start, end = pairs[first], pairs[last]
        origin = f", first from line {start.duplicate_of}" if start.duplicate_of else ""
        yield Issue(f"Lines {start.para.line}-{end.para.line} repeat {copies} paragraphs that the letter "
                    f'already has{origin}: "{excerpt(start.para.text)}" ...',
                    start, RepeatedPassage(tuple(p.para.text for p in pairs[first:last + 1] if p.kind == PairKind.DUPLICATE),
                                           start.para.line, end.para.line))
    for k, pair in enumerate(pairs):
        if k in covered:
            continue
        if pair.kind == PairKind.EXTRA:
            yield Issue(f'Paragraph at line {pair.para.line} is not in the template: "{excerpt(pair.para.text)}"',
                        pair, Extra(pair.para.text))
        elif pair.kind == PairKind.DUPLICATE:
            origin = f" (first copy at line {pair.duplicate_of})" if pair.duplicate_of else ""
            yield Issue(f"Paragraph at line {pair.para.line} repeats a template paragraph{origin}: "
                        f'"{excerpt(pair.para.text)}"',
                        pair, Repeated(pair.para.text, pair.duplicate_of))


def _repeated_passages(pairs):
    """(first, last) indices of runs holding RUN or more repeats, with only extra or
    ignored paragraphs between them: a passage pasted twice."""
    first = last = None
    count = 0
    for k, pair in enumerate([*pairs, None]):
        kind = pair.kind if pair is not None else None
        if kind == PairKind.DUPLICATE:
            first = k if first is None else first
            last, count = k, count + 1
        elif kind not in (PairKind.EXTRA, PairKind.FREE) and first is not None:
            if count >= RUN:
                yield first, last
            first, count = None, 0

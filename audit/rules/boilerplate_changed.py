"""A boilerplate paragraph is present but its words differ from the template.

Formatting (line breaks, Markdown, curly quotes, hyphenation) is ignored; what is left
is an edit: a changed figure, a dropped or added sentence, a reworded phrase. The
finding carries a word-level diff (template words removed, letter words added).

Bad::

    During the year, we delivered 120 courses, training more than 1,400 people.

Good::

    During the year, we delivered 118 courses, training more than 1,400 people.
"""
from dataclasses import dataclass

from ..diffs import describe, word_diff
from ..evidence import Evidence
from ..extract import expected_text
from ..language import sentences
from ..models import Issue, PairKind
from ..types import DESCRIPTIONS

ID = "boilerplate-changed"
SEVERITY = "warning"
HINT = "Read the diff: restore the template's wording unless the change was approved."


@dataclass(frozen=True)
class Edited(Evidence):
    """The template's paragraph as the letter's values fill it, and the letter's paragraph."""

    template: str
    text: str


def check(letter):
    if letter.alignment is None:
        return
    for pair in letter.alignment.pairs:
        if pair.kind == PairKind.CHANGED or (pair.kind == PairKind.MOVED and pair.score < 100.0):
            expected = expected_text(pair.template, letter.fields, pair.para.line, pair.para.text)
            diff = word_diff(expected, pair.para.text)
            yield Issue(f"Boilerplate at line {pair.para.line} differs from the template: "
                        f"{_sentence_changes(expected, pair.para.text) or describe(diff)}."
                        f"{_unread_fields(letter, pair)}",
                        pair, Edited(expected, pair.para.text), tuple(diff))


def _sentence_changes(expected: str, actual: str) -> str:
    """Whole sentences dropped or added, in words; empty when sentences were reworded."""
    before, after = sentences(expected), sentences(actual)
    if before is None or after is None:
        return ""
    dropped = [s for s in before if s not in after]
    added = [s for s in after if s not in before]
    if bool(dropped) == bool(added):
        return ""  # nothing whole changed, or a sentence was reworded: the word diff says it better
    changed = dropped or added
    return (f"{'dropped' if dropped else 'added'} the sentence{'s' if len(changed) > 1 else ''} "
            + "; ".join(f'"{s}"' for s in changed))


def _unread_fields(letter, pair):
    """Placeholders of the paragraph whose value could not be read from the letter."""
    unread = [(slot.field, slot.type) for slot in pair.template.slots
              if slot.field and not (letter.fields and letter.fields.in_paragraph(slot.field, pair.para.line))]
    if not unread:
        return ""
    named = ", ".join(f"{name} ({_kind(kind)})" for name, kind in unread)
    return f" No value could be read there for {named}: check the text against the template."


def _kind(type_name: str) -> str:
    """A type in words: "a whole number" for int, "an account" for a template's own type."""
    if type_name in DESCRIPTIONS:
        return DESCRIPTIONS[type_name]
    return f"{'an' if type_name[:1].lower() in 'aeiou' else 'a'} {type_name}"

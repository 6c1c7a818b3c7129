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
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue, PairKind
from ..wording import counted

ID = "missing-section"
SEVERITY = "error"
HINT = "Compare the letter with the template; if the section was never generated, re-run the mail merge for this letter."


@dataclass(frozen=True)
class MissingSection(Evidence):
    section: str  # its title


def check(letter):
    if letter.alignment is None:
        return
    for title in letter.alignment.missing_sections:
        section = letter.template.sections[title]
        where = next((p for p in letter.alignment.pairs if p.kind == PairKind.MISSING and p.template.section == title), None)
        yield Issue(f'The section "{title}" ({counted(len(section.paragraphs), "paragraph")} in the template) '
                    f"is missing: none of its paragraphs is in the letter.",
                    where, MissingSection(title), excerpt=f"expected: {title}")

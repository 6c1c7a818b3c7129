"""Stage 3b: which version of its form a letter follows (a template declaring `versions`).

A version is told by what is its own: the paragraphs marked `{versions: ...}` and the
wordings of `{{by version: ...}}` that the letter carries. The letter follows the version
that the fewest of them contradict; of equals, the one whose own paragraphs it lacks the
fewest of, then the one it carries most of. The alignment passes every marked paragraph by
(the other versions lack it); once the version is known, the paragraphs that version
requires and the letter lacks are put back as missing, so they are reported as in a form of
one version. A letter carrying what belongs to another version only mixes versions: what it
lacks of its own is then named with the mix (mixed-versions), not paragraph by paragraph.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from .align import with_missing
from .models import NEAR_SCORE, Alignment, PairKind
from .template import TemplateParagraph

CARRIED = (PairKind.EXACT, PairKind.CHANGED, PairKind.MOVED)


class Marked(NamedTuple):
    """A paragraph or a wording of some versions only, as a letter carries it."""

    versions: tuple[str, ...]
    line: int
    text: str  # the template paragraph (placeholders as ⟨…⟩), or the wording used
    wording: bool = False  # a wording of {{by version: ...}} rather than a whole paragraph


@dataclass(frozen=True)
class VersionReading:
    """The version a letter follows, and the evidence."""

    name: str
    carried: tuple[Marked, ...]  # what the letter carries of that version
    others: tuple[Marked, ...]  # what it carries of other versions only: a mix when any
    lacking: tuple[TemplateParagraph, ...]  # the paragraphs that version requires, absent from the letter

    @property
    def mixed(self) -> bool:
        return bool(self.others)


def read_version(alignment: Alignment) -> VersionReading | None:
    """The version the aligned letter follows; None for a template of one version."""
    template = alignment.template
    if not template.versions:
        return None
    carried: list[Marked] = []
    present = set(alignment.folded)  # a paragraph run into another is there, paired as one with it
    for pair in alignment.pairs:
        if pair.kind not in CARRIED or pair.template is None:
            continue
        t = pair.template
        present.add(t.index)
        if t.versions and (pair.kind == PairKind.EXACT or pair.score >= NEAR_SCORE):
            carried.append(Marked(t.versions, pair.para.line, t.skeleton))
        if pair.match is None:
            continue
        for slot in t.slots:
            if not slot.versions:
                continue
            used = " ".join((pair.match.group(slot.group) or "").split())
            names = next((names for choice, names in zip(slot.choices, slot.versions) if choice == used), ())
            if names and len(names) < len(template.versions):
                carried.append(Marked(names, pair.para.line_at(pair.match.start(slot.group)), used, True))

    def lacking(version: str) -> tuple[TemplateParagraph, ...]:
        return tuple(t for t in template.paragraphs
                     if t.version_required and version in t.versions and t.index not in present)

    def rank(k: int) -> tuple[int, int, int, int]:
        name = template.versions[k].name
        return (sum(name not in m.versions for m in carried), len(lacking(name)),
                -sum(name in m.versions for m in carried), k)

    name = template.versions[min(range(len(template.versions)), key=rank)].name
    return VersionReading(name, tuple(m for m in carried if name in m.versions),
                          tuple(m for m in carried if name not in m.versions), lacking(name))


def with_lacking(alignment: Alignment, reading: VersionReading) -> Alignment:
    """The alignment with the paragraphs the letter's version requires and it lacks as missing
    rows (a section of that version lacking altogether: a missing section)."""
    if reading.mixed or not reading.lacking:
        return alignment
    template = alignment.template
    lacking = {t.index for t in reading.lacking}
    present = {p.template.section for p in alignment.pairs if p.kind in CARRIED and p.template is not None} \
        | {template.paragraphs[i].section for i in alignment.folded}
    gone = list(dict.fromkeys(template.paragraphs[i].section for i in sorted(lacking)
                              if template.paragraphs[i].section not in present
                              and template.sections[template.paragraphs[i].section].paragraphs[0] in lacking))
    missing = lacking | {i for title in gone for i in template.sections[title].paragraphs
                         if not template.paragraphs[i].free}
    aligned = with_missing(alignment, missing)
    return replace(aligned, missing_sections=(*aligned.missing_sections, *gone),
                   omitted_sections=tuple(t for t in aligned.omitted_sections if t not in gone))

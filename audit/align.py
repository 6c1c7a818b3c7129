"""Stage 3: pair each letter paragraph with a template paragraph, or with none.

Cheap first: walk letter and template in step while every paragraph matches exactly (the
common case). Only a letter that deviates is aligned in full: rapidfuzz scores every
letter paragraph against every template paragraph, an order-keeping dynamic programme
picks the pairs, and the leftovers are sorted into split, merged, moved, duplicated,
extra and missing paragraphs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .models import Document, Paragraph
from .normalise import _merge
from .template import Template, TemplateParagraph, merge_paragraphs

PAIR_SCORE = 60  # a letter paragraph this similar to a template paragraph is taken for it
STRONG_SCORE = 90  # similar enough to call a paragraph moved or duplicated, not new
GAP_SCORE = 40  # enough for the only letter paragraph where a template paragraph is missing


@dataclass(frozen=True)
class Pair:
    """One row of the letter laid over its template."""

    kind: str  # exact | changed | moved | free | extra | duplicate | missing
    para: Paragraph | None  # None when the template paragraph is missing
    template: TemplateParagraph | None  # None for a paragraph the template does not have
    match: re.Match | None = None  # when a placeholder paragraph matched exactly
    score: float = 100.0
    duplicate_of: int | None = None  # for a duplicate: the line of the first copy


@dataclass
class Alignment:
    template: Template
    document: Document
    pairs: list[Pair] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    fast: bool = True  # aligned by the exact, in-step walk alone
    omitted_sections: list[str] = field(default_factory=list)  # optional sections left out: nothing to report

    @property
    def coverage(self) -> float:
        found = sum(1 for p in self.pairs if p.kind in ("exact", "changed", "moved"))
        wanted = sum(1 for p in self.template.paragraphs if not p.free)
        return found / wanted if wanted else 0.0


def align(document: Document, template: Template) -> Alignment:
    return _in_step(document, template) or _full(document, template)


def _in_step(document: Document, template: Template) -> Alignment | None:
    letter, canon = document.paragraphs, template.paragraphs
    pairs: list[Pair] = []
    omitted: list[str] = []
    i = j = 0
    while i < len(letter) and j < len(canon):
        expected, para = canon[j], letter[i]
        if expected.free:
            following = canon[j + 1] if j + 1 < len(canon) else None
            if following is not None and following.matches(para.text):
                j += 1
            else:
                pairs.append(Pair("free", para, expected))
                i += 1
            continue
        found = expected.matches(para.text)
        if not found and _optional_heading(template, expected):
            omitted.append(expected.section)
            j = template.sections[expected.section].paragraphs[-1] + 1
            continue
        if not found:
            return None
        pairs.append(Pair("exact", para, expected, found if isinstance(found, re.Match) else None))
        i, j = i + 1, j + 1
    while j < len(canon) and _optional_heading(template, canon[j]):
        omitted.append(canon[j].section)
        j = template.sections[canon[j].section].paragraphs[-1] + 1
    if i < len(letter) or any(not p.free for p in canon[j:]):
        return None
    return Alignment(template, document, pairs, omitted_sections=omitted)


def _optional_heading(template: Template, t: TemplateParagraph) -> bool:
    section = template.sections.get(t.section)
    return t.heading and section is not None and not section.required and section.paragraphs[0] == t.index


def _full(document: Document, template: Template) -> Alignment:
    letter = list(document.paragraphs)
    canon = [p for p in template.paragraphs if not p.free]
    scores = _scores(letter, canon)
    chosen = _best_order_keeping_pairs(scores)
    absorbed = _join_split_and_merged(template, letter, canon, chosen, scores)
    chosen = _pair_lone_gaps(letter, canon, chosen, scores)
    paired_template = {canon[j].index for _, j in chosen} | absorbed
    by_letter = dict(chosen)

    pairs: list[Pair] = []
    last_paired = -1  # template index of the last letter paragraph paired in order
    first_line: dict[int, int] = {}
    cursor = -1  # the template paragraph the letter has reached
    for i, para in enumerate(letter):
        if para is None:
            continue
        if i in by_letter:
            t = canon[by_letter[i]]
            pairs.append(_pair(para, t, scores[i][by_letter[i]]))
            first_line.setdefault(t.index, para.line)
            last_paired = cursor = t.index
            continue
        next_paired = next((canon[j].index for k, j in chosen if k > i), len(template.paragraphs))
        free = next((t for t in template.paragraphs[last_paired + 1:next_paired] if t.free), None)
        # the most similar template paragraph; of equals (one shape in three sections), the next
        # one after where the letter stands
        best = max(range(len(canon)), default=None,
                   key=lambda j: (scores[i][j], -((canon[j].index - cursor - 1) % len(template.paragraphs))))
        similar = canon[best] if best is not None and scores[i][best] >= STRONG_SCORE else None
        if similar is not None:
            cursor = similar.index
        if free is not None:
            pairs.append(Pair("free", para, free))
        elif similar is not None and similar.index not in paired_template:
            paired_template.add(similar.index)
            first_line.setdefault(similar.index, para.line)
            moved = _pair(para, similar, scores[i][best])
            pairs.append(Pair("moved", para, similar, moved.match, moved.score))
        elif similar is not None:
            pairs.append(Pair("duplicate", para, similar, score=scores[i][best],
                              duplicate_of=first_line.get(similar.index)))
        else:
            pairs.append(Pair("extra", para, None, score=0.0))

    rows = _insert_missing(template, pairs, paired_template)
    present = {p.template.section for p in rows if p.kind in ("exact", "changed", "moved")}
    missing_sections = [title for title, section in template.sections.items()
                        if section.required and title not in present]
    omitted = [title for title, section in template.sections.items()
               if not section.required and title not in present]
    return Alignment(template, document, rows, missing_sections, fast=False, omitted_sections=omitted)


def _scores(letter: list[Paragraph], canon: list[TemplateParagraph]) -> list[list[float]]:
    fuzzy = process.cdist(
        [p.text for p in letter], [_fuzzy_text(t) for t in canon],
        scorer=fuzz.ratio, processor=str.casefold, score_cutoff=PAIR_SCORE, workers=1,
    )
    scores = fuzzy.tolist()
    literals = [(j, t) for j, t in enumerate(canon) if t.regex is None]
    for i, para in enumerate(letter):  # 100 means identical; a change of letter case is a change
        for j, t in literals:
            if scores[i][j] == 100.0 and para.text != t.text:
                scores[i][j] = 99.0
    patterns = [(j, t) for j, t in enumerate(canon) if t.regex is not None]
    for i, para in enumerate(letter):
        for j, t in patterns:
            if t.regex.fullmatch(para.text):
                scores[i][j] = 100.0
    return scores


def _fuzzy_text(t: TemplateParagraph) -> str:
    return t.literal_text if t.regex is not None else t.text


def _best_order_keeping_pairs(scores: list[list[float]]) -> list[tuple[int, int]]:
    """Maximum-weight alignment keeping both orders (Needleman-Wunsch without gap costs)."""
    n, m = len(scores), len(scores[0]) if scores else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, above, weights = best[i], best[i - 1], scores[i - 1]
        for j in range(1, m + 1):
            w = weights[j - 1]
            # exact matches weigh far more than near misses
            diagonal = above[j - 1] + (w * 2 if w == 100.0 else w) if w >= PAIR_SCORE else -1.0
            row[j] = max(above[j], row[j - 1], diagonal)
    chosen, i, j = [], n, m
    while i and j:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            chosen.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return chosen[::-1]


def _join_split_and_merged(template, letter, canon, chosen, scores) -> set[int]:
    """Repair near-miss pairs: a template paragraph cut in two in the letter (join the halves),
    or two template paragraphs run together in the letter (match them as one).
    Returns the template indices absorbed into a merged pair."""
    taken_letter = {i for i, _ in chosen}
    taken_canon = {j for _, j in chosen}
    absorbed: set[int] = set()
    for i, j in chosen:
        if scores[i][j] == 100.0:
            continue
        if i + 1 < len(letter) and i + 1 not in taken_letter and letter[i + 1] is not None:
            joined = _merge(letter[i], letter[i + 1], ())
            score = _score(joined.text, canon[j])
            if score > scores[i][j]:
                letter[i], letter[i + 1], scores[i][j] = joined, None, score
        for other in (j + 1, j - 1):
            if scores[i][j] < 100.0 and 0 <= other < len(canon) and other not in taken_canon:
                first, second = sorted((j, other))
                both = merged_template(template, canon[first], canon[second])
                score = _score(letter[i].text, both)
                if score > scores[i][j]:
                    absorbed.update((canon[j].index, canon[other].index))
                    canon[j], scores[i][j] = both, score
                    taken_canon.add(other)
    return absorbed


def _pair_lone_gaps(letter, canon, chosen, scores) -> list[tuple[int, int]]:
    """Between two pairs, one letter paragraph facing one template paragraph is an edit of it,
    even when too short for its similarity to show ("By courier" for "By email", or an
    address whose values do not fit a paragraph made only of placeholders)."""
    bounds = [(-1, -1), *chosen, (len(letter), len(canon))]
    added = []
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        paras = [i for i in range(i0 + 1, i1) if letter[i] is not None]
        if len(paras) == 1 and j1 - j0 == 2 and (_similarity(letter[paras[0]].text, canon[j0 + 1]) >= GAP_SCORE
                                                 or not _fuzzy_text(canon[j0 + 1]).strip()):
            added.append((paras[0], j0 + 1))
            scores[paras[0]][j0 + 1] = max(scores[paras[0]][j0 + 1], GAP_SCORE)
    return sorted(chosen + added)


def _score(text: str, t: TemplateParagraph) -> float:
    return 100.0 if t.matches(text) else _similarity(text, t)


def _similarity(text: str, t: TemplateParagraph) -> float:
    """Letter case aside: a heading set in capitals is still that heading (edited, not new)."""
    return fuzz.ratio(text, _fuzzy_text(t), processor=str.casefold)


def _pair(para: Paragraph, t: TemplateParagraph, score: float) -> Pair:
    found = t.matches(para.text)
    if found:
        return Pair("exact", para, t, found if isinstance(found, re.Match) else None)
    return Pair("changed", para, t, score=score)


def _insert_missing(template, pairs, paired_template) -> list[Pair]:
    """Put each missing template paragraph where it should stand: after its nearest placed predecessor."""
    missing = [t for t in template.paragraphs if not t.free and t.index not in paired_template]
    if not missing:
        return pairs
    rows = list(pairs)
    for t in missing:
        position = 0
        for k, row in enumerate(rows):
            if row.template is not None and row.template.index < t.index and row.kind != "duplicate":
                position = k + 1
        rows.insert(position, Pair("missing", None, t, score=0.0))
    return rows


def merged_template(template: Template, first: TemplateParagraph, second: TemplateParagraph) -> TemplateParagraph:
    """Two template paragraphs as one, for a letter that ran them together."""
    return merge_paragraphs(template, first, second)

"""Stage 3: pair each letter paragraph with a template paragraph, or with none.

Cheap first: walk letter and template in step while every paragraph matches exactly (the
common case). Only a letter that deviates is aligned in full: rapidfuzz scores every
letter paragraph against every template paragraph, an order-keeping dynamic programme
picks the pairs, and the leftovers are sorted into split, merged, moved, duplicated,
extra and missing paragraphs. Values typed one a paragraph (an address block with Enter after
each line, as Word letters are often typed) are joined into the template paragraph they
fill, their lines kept as the lines that delimit the values. The cells of a table row have
no reading order of their own: they are taken in the order the template reads them (a
letterhead's date cell before its address cell), and a row "label | figure" is read as the
template paragraph that says the figure before its label ("Upheld decisions | 2").
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from rapidfuzz import fuzz, process

from .models import Alignment, Document, Pair, PairKind, Paragraph
from .normalise import _joined, _merge
from .template import Template, TemplateParagraph, merge_paragraphs

PAIR_SCORE = 60  # a letter paragraph this similar to a template paragraph is taken for it
STRONG_SCORE = 90  # similar enough to call a paragraph moved or duplicated, not new
GAP_SCORE = 40  # enough for the only letter paragraph where a template paragraph is missing
MAX_JOINED = 8  # letter paragraphs that may make up one template paragraph (the lines of an address)
LINE_CHARS = 100  # a longer paragraph is no line of an address
_SENTENCE_END = (".", "!", "?", ":", ";")


def align(document: Document, template: Template) -> Alignment:
    if any(p.cell for p in document.paragraphs):
        document = _cells_in_template_order(document, template)
    if document.running:
        document = _headings_among_running_headers(document, template)
    document = _template_lines_apart(document, template)
    return _in_step(document, template) or _full(document, template)


def _template_lines_apart(document: Document, template: Template) -> Document:
    """A line of a letter paragraph that is by itself a whole template paragraph stands apart:
    a heading written on the line above its text, or statements one a line, with no blank line
    between them (Markdown's hard line breaks). Only paragraphs that are no template paragraph
    as a whole (a paragraph of placeholders alone, which takes any text, aside) are cut. A
    heading written with a colon after it is that heading."""
    literal = template.literal_index  # the template's fixed paragraphs, by text
    shaped = [t for t in template.paragraphs if t.regex is not None and t.literal_text.strip()]
    headings = {t.text for t in template.paragraphs if t.heading and t.regex is None}
    paragraphs: list[Paragraph] = []
    changed = False
    for para in document.paragraphs:
        if para.text.endswith(":") and para.text[:-1].rstrip() in headings:
            para = para._replace(text=para.text[:-1].rstrip())  # "Notifying Party:" is that heading
            changed = True
        starts = para.line_starts
        if len(starts) < 2 or para.text in literal or para.cell is not None:
            paragraphs.append(para)
            continue
        ends = [start for start, _ in starts[1:]] + [len(para.text)]
        lines = [para.text[start:end].strip() for (start, _), end in zip(starts, ends)]
        apart = [k for k, line in enumerate(lines) if line in literal or any(t.matches(line) for t in shaped)]
        if not apart or any(t.matches(para.text) for t in shaped):
            paragraphs.append(para)
            continue
        changed = True
        cuts = sorted({0, len(starts)} | set(apart) | {k + 1 for k in apart})
        for first, last in zip(cuts, cuts[1:]):
            base = starts[first][0]
            text = para.text[base:ends[last - 1]].strip()
            paragraphs.append(Paragraph(text, starts[first][1],
                                        tuple((start - base, line) for start, line in starts[first:last])))
    return replace(document, paragraphs=tuple(paragraphs)) if changed else document


def _headings_among_running_headers(document: Document, template: Template) -> Document:
    """A template heading the letter lacks but whose words the reader left out as a running
    header (a section that starts at the top of a page whose header repeats the heading) is
    put back where it stood: at the one top of a page where the section's next paragraph follows."""
    paragraphs = list(document.paragraphs)
    present = {p.text for p in paragraphs}
    for t in template.paragraphs:
        if not t.heading or t.text in present:
            continue
        following = template.paragraphs[t.index + 1] if t.index + 1 < len(template.paragraphs) else None
        for header in document.running:
            if header.text != t.text or following is None:
                continue
            k = next((k for k, p in enumerate(paragraphs) if p.line >= header.line), len(paragraphs))
            if k < len(paragraphs) and following.matches(paragraphs[k].text):
                paragraphs.insert(k, header._replace(artifact=None))
                present.add(t.text)
                break
    return replace(document, paragraphs=tuple(paragraphs))


def _cells_in_template_order(document: Document, template: Template) -> Document:
    paragraphs, ordered, k = document.paragraphs, [], 0
    while k < len(paragraphs):
        end = k + 1
        if paragraphs[k].cell:
            while end < len(paragraphs) and paragraphs[end].cell and paragraphs[end].cell[:2] == paragraphs[k].cell[:2]:
                end += 1
        ordered.extend(_row_in_template_order(paragraphs[k:end], template) if end - k > 1 else paragraphs[k:end])
        k = end
    return replace(document, paragraphs=tuple(ordered))


def _row_in_template_order(row: tuple[Paragraph, ...], template: Template) -> list[Paragraph]:
    """A row's cells sorted by the first template paragraph each holds (a cell that holds none
    stays after the cell before it); two cells that are together one template paragraph, figure
    first, as that paragraph."""
    cells: list[list[Paragraph]] = []
    for para in row:
        if cells and cells[-1][0].cell == para.cell:
            cells[-1].append(para)
        else:
            cells.append([para])
    places = [_template_place(cell, template) for cell in cells]
    if len(cells) == 2 and places == [None, None] and len(cells[0]) == len(cells[1]) == 1:
        label, figure = cells[0][0], cells[1][0]
        text = label.text[:1].lower() + label.text[1:] if label.text[1:2].islower() else label.text
        swapped = _joined([(figure.text, figure.line_starts), (text, label.line_starts)], ())
        if any(t.matches(swapped.text) for t in template.paragraphs):
            return [swapped._replace(cell=figure.cell)]
    order, last = [], -1.0
    for position, (cell, place) in enumerate(zip(cells, places)):
        last = place if place is not None else last + 0.001
        order.append((last, position))
    return [para for _, position in sorted(order) for para in cells[position]]


def _template_place(cell: list[Paragraph], template: Template) -> int | None:
    """The index of the first template paragraph the cell's paragraphs are, or together make."""
    texts = [p.text for p in cell]
    if len(cell) > 1:
        texts.append(_joined([(p.text, p.line_starts) for p in cell], ()).text)
    return next((t.index for t in template.paragraphs if not t.free and any(t.matches(text) for text in texts)), None)


def _placed(pairs: list[Pair]) -> tuple[Pair, ...]:
    """Each row with the line and section where it stands in the letter (the in-step walk
    knows them as it goes)."""
    line, section, placed = 1, None, []
    for pair in pairs:
        if pair.para is not None:
            line = pair.para.line
            if pair.template is not None:
                section = pair.template.section
        placed.append(Pair(pair.kind, pair.para, pair.template, pair.match, pair.score, pair.duplicate_of, line,
                           pair.template.section if pair.template is not None else section))
    return tuple(placed)


def _in_step(document: Document, template: Template) -> Alignment | None:
    letter, canon = document.paragraphs, template.paragraphs
    pairs: list[Pair] = []
    omitted: list[str] = []
    lines_from: TemplateParagraph | None = None  # a paragraph whose last placeholder takes the paragraphs after it
    i = j = 0
    while i < len(letter) and j < len(canon):
        expected, para = canon[j], letter[i]
        if lines_from is not None and not _next_matches(template, j, para.text):
            pairs.append(Pair(PairKind.FREE, para, lines_from, line=para.line, section=lines_from.section))
            i += 1
            continue
        lines_from = None
        if expected.free:
            following = canon[j + 1] if j + 1 < len(canon) else None
            if following is not None and following.matches(para.text):
                j += 1
            else:
                pairs.append(Pair(PairKind.FREE, para, expected, line=para.line, section=expected.section))
                i += 1
            continue
        found = expected.matches(para.text)
        following = canon[j + 1] if j + 1 < len(canon) else None
        if (not found or (len(expected.slots) > 1 and not _followed(letter, i + 1, following))) \
                and (joined := _paragraphs_joined(letter, i, expected, following)):
            para, found, taken = joined
            pairs.append(Pair(PairKind.EXACT, para, expected, found if isinstance(found, re.Match) else None,
                              line=para.line, section=expected.section))
            lines_from = expected if expected.lines_slot is not None else None
            i, j = i + taken, j + 1
            continue
        if not found and _optional_heading(template, expected):
            omitted.append(expected.section)
            j = template.sections[expected.section].paragraphs[-1] + 1
            continue
        if not found and expected.optional:
            j += 1
            continue
        if not found:
            return None
        pairs.append(Pair(PairKind.EXACT, para, expected, found if isinstance(found, re.Match) else None,
                          line=para.line, section=expected.section))
        lines_from = expected if expected.lines_slot is not None else None
        i, j = i + 1, j + 1
    while lines_from is not None and i < len(letter):
        pairs.append(Pair(PairKind.FREE, letter[i], lines_from, line=letter[i].line, section=lines_from.section))
        i += 1
    while j < len(canon) and (canon[j].optional or _optional_heading(template, canon[j])):
        if canon[j].optional:
            j += 1
            continue
        omitted.append(canon[j].section)
        j = template.sections[canon[j].section].paragraphs[-1] + 1
    if i < len(letter) or any(not p.free and not p.optional for p in canon[j:]):
        return None
    return Alignment(template, document, tuple(pairs), omitted_sections=tuple(omitted))


def _next_matches(template: Template, j: int, text: str) -> bool:
    """Whether the template paragraph at `j`, or an optional one standing before the next
    required one, matches the text: where the paragraphs a lines placeholder takes end."""
    canon = template.paragraphs
    while j < len(canon):
        if canon[j].free or canon[j].matches(text):
            return True
        if not (canon[j].optional or _optional_heading(template, canon[j])):
            return False
        j += 1
    return False


def _paragraphs_joined(letter, i: int, expected: TemplateParagraph, following: TemplateParagraph | None):
    """The fewest letter paragraphs from `i` on, each a short line, that together are `expected`
    and are followed by what follows it in the template: (the joined paragraph, its match, how
    many), or None. A sentence is never taken for a line of an address."""
    for n in range(2, min(MAX_JOINED, len(letter) - i) + 1):
        if not _a_line(letter[i + n - 1]) or not _a_line(letter[i]):
            return None
        joined = _joined([(p.text, p.line_starts) for p in letter[i:i + n]], ())
        found = expected.matches(joined.text)
        if found and _followed(letter, i + n, following):
            return joined, found, n
    return None


def _leading_lines(letter, paras: list[int]) -> list[int]:
    """The paragraphs at the start of `paras` that could each be a line of one block."""
    lines = []
    for k in paras[:MAX_JOINED]:
        if not _a_line(letter[k]):
            break
        lines.append(k)
    return lines


def _a_line(para: Paragraph | None) -> bool:
    """A paragraph that could be one line of a block typed one line a paragraph (in a table
    cell, one the cell's width wrapped: "Royal Borough of" / "Kingston upon Thames")."""
    return para is not None and (len(para.line_starts) == 1 or para.cell is not None) \
        and len(para.text) <= LINE_CHARS and not para.text.endswith(_SENTENCE_END)


def _followed(letter, i: int, following: TemplateParagraph | None) -> bool:
    """Letter paragraph `i` is what the template has next (or nothing is next to check)."""
    return i >= len(letter) or following is None or following.free or bool(following.matches(letter[i].text))


def _optional_heading(template: Template, t: TemplateParagraph) -> bool:
    section = template.sections.get(t.section)
    return t.heading and section is not None and not section.required and section.paragraphs[0] == t.index


def _full(document: Document, template: Template) -> Alignment:
    letter = list(document.paragraphs)
    canon = [p for p in template.paragraphs if not p.free]
    scores = _scores(letter, canon)
    # a paragraph of placeholders alone takes any text: its match is the weakest evidence of a
    # pair, so a letter paragraph with the template's words in it goes where the words are
    bare = np.array([t.regex is not None and not t.literal_text.strip() for t in canon], dtype=bool)
    chosen = best_order_keeping_pairs(np.where(bare & (scores == 100.0), float(PAIR_SCORE), scores)
                                      if bare.any() else scores)
    absorbed = _join_split_and_merged(template, letter, canon, chosen, scores)
    chosen = _pair_lone_gaps(letter, canon, chosen, scores)
    paired_template = {canon[j].index for _, j in chosen} | absorbed
    by_letter = dict(chosen)

    pairs: list[Pair] = []
    last_paired = -1  # template index of the last letter paragraph paired in order
    first_line: dict[int, int] = {}
    cursor = -1  # the template paragraph the letter has reached
    strongest = scores.max(axis=1) if len(canon) else np.zeros(len(letter))
    following = iter(chosen)  # the pairs after the letter's position, in order
    upcoming = next(following, None)
    for i, para in enumerate(letter):
        if para is None:
            continue
        while upcoming is not None and upcoming[0] <= i:
            upcoming = next(following, None)
        if i not in by_letter and pairs and pairs[-1].kind in (PairKind.EXACT, PairKind.CHANGED, PairKind.FREE) \
                and pairs[-1].template is not None and pairs[-1].template.lines_slot is not None:
            pairs.append(Pair(PairKind.FREE, para, pairs[-1].template))  # a line of the list its label starts
            continue
        if i in by_letter:
            t = canon[by_letter[i]]
            pairs.append(_pair(para, t, scores[i][by_letter[i]]))
            first_line.setdefault(t.index, para.line)
            last_paired = cursor = t.index
            continue
        next_paired = canon[upcoming[1]].index if upcoming is not None else len(template.paragraphs)
        free = next((t for t in template.paragraphs[last_paired + 1:next_paired] if t.free), None)
        similar = best = None
        if strongest[i] >= STRONG_SCORE:
            # the most similar template paragraph; of equals (one shape in three sections), the
            # next one after where the letter stands
            best = min(np.flatnonzero(scores[i] == strongest[i]),
                       key=lambda j: (canon[j].index - cursor - 1) % len(template.paragraphs))
            similar = canon[best]
        if similar is not None:
            cursor = similar.index
        if free is not None:
            pairs.append(Pair(PairKind.FREE, para, free))
        elif similar is not None and similar.index not in paired_template:
            paired_template.add(similar.index)
            first_line.setdefault(similar.index, para.line)
            moved = _pair(para, similar, scores[i][best])
            pairs.append(Pair(PairKind.MOVED, para, similar, moved.match, moved.score))
        elif similar is not None:
            pairs.append(Pair(PairKind.DUPLICATE, para, similar, score=scores[i][best],
                              duplicate_of=first_line.get(similar.index)))
        else:
            pairs.append(Pair(PairKind.EXTRA, para, None, score=0.0))

    rows = _insert_missing(template, pairs, {t.index for t in template.paragraphs
                                             if not t.free and not t.optional and t.index not in paired_template})
    present = {p.template.section for p in rows if p.kind in (PairKind.EXACT, PairKind.CHANGED, PairKind.MOVED)}
    missing_sections = [title for title, section in template.sections.items()
                        if section.required and title not in present]
    omitted = [title for title, section in template.sections.items()
               if not section.required and title not in present]
    # an optional section left out is not missing: its paragraphs get no rows, as in the in-step walk
    rows = [p for p in rows if p.kind != PairKind.MISSING or p.template.section not in omitted]
    return Alignment(template, document, _placed(rows), tuple(missing_sections), fast=False,
                     omitted_sections=tuple(omitted), folded=frozenset(absorbed))


def _scores(letter: list[Paragraph], canon: list[TemplateParagraph]) -> np.ndarray:
    """Similarity (0-100) of every letter paragraph to every template paragraph; 100 only for
    an exact match (a placeholder paragraph's regex matching counts as exact)."""
    scores = process.cdist(
        [p.text for p in letter], [_fuzzy_text(t) for t in canon],
        scorer=fuzz.ratio, processor=str.casefold, score_cutoff=PAIR_SCORE, workers=1, dtype=np.float64,
    )
    for i, j in zip(*np.nonzero(scores == 100.0)):  # a change of letter case is a change
        if canon[j].regex is None and letter[i].text != canon[j].text:
            scores[i, j] = 99.0
    for j, t in enumerate(canon):
        if t.regex is not None:
            for i, para in enumerate(letter):
                if t.matches(para.text):
                    scores[i, j] = 100.0
    return scores


def _fuzzy_text(t: TemplateParagraph) -> str:
    return t.literal_text if t.regex is not None else t.text


def best_order_keeping_pairs(scores: np.ndarray, pair_score: float = PAIR_SCORE) -> list[tuple[int, int]]:
    """Maximum-weight alignment keeping both orders (Needleman-Wunsch without gap costs).

    A row is best[i][j] = max(best[i-1][j], best[i][j-1], best[i-1][j-1] + weight), computed a
    row at a time as a running maximum. A letter paragraph like no template paragraph leaves
    its row as the one above, so only rows with a candidate are computed and kept: time and
    memory grow with the letter's plausible paragraphs times the template's. `template infer`
    lines letters up with it too (audit/infer/columns.py)."""
    n, m = scores.shape if scores.size else (len(scores), 0)
    weights = np.where(scores >= pair_score, np.where(scores == 100.0, scores * 2, scores), -1.0)
    rows = [i for i in range(n) if m and weights[i].max() >= 0]
    best = np.zeros((len(rows) + 1, m + 1))
    for k, i in enumerate(rows, start=1):
        above = best[k - 1]
        best[k, 1:] = np.maximum(above[1:], above[:-1] + weights[i])
        np.maximum.accumulate(best[k], out=best[k])
    chosen, k, j = [], len(rows), m
    while k and j:
        i = rows[k - 1]
        if best[k, j] == best[k - 1, j]:
            k -= 1
        elif best[k, j] == best[k, j - 1]:
            j -= 1
        else:
            chosen.append((i, j - 1))
            k, j = k - 1, j - 1
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
        # lines the letter set apart with blank lines (a double-spaced signature block): join
        # the best run of unpaired paragraphs after it, then before it
        for step in (1, -1, 1):  # forward again: a run before it may make the run after it fit
            best, best_score, joined, k, used = None, scores[i][j], letter[i], i + step, []
            while 0 <= k < len(letter) and k not in taken_letter and letter[k] is not None \
                    and len(used) < MAX_JOINED:
                joined = _merge(joined, letter[k], ()) if step > 0 else _merge(letter[k], joined, ())
                used.append(k)
                score = _score(joined.text, canon[j])
                if score > best_score:
                    best, best_score, best_used = joined, score, list(used)
                k += step
            if best is not None:
                letter[i], scores[i][j] = best, best_score
                for k in best_used:
                    letter[k] = None
        for side in _neighbours(canon, j):
            best = None  # (score, other, the two as one) of the side's candidates, the most similar
            for other in side:
                if scores[i][j] < 100.0 and other not in taken_canon:
                    first, second = sorted((j, other))
                    both = merge_paragraphs(template, canon[first], canon[second])
                    score = _score(letter[i].text, both)
                    if score > (best[0] if best else scores[i][j]):
                        best = (score, other, both)
            if best is not None:
                score, other, both = best
                absorbed.update((canon[j].index, canon[other].index))
                canon[j], scores[i][j] = both, score
                taken_canon.add(other)
    return absorbed


def _neighbours(canon, j: int) -> list[list[int]]:
    """The template paragraphs that may have run together with `j` in a letter, after it and
    before it: the next one, or the one past an optional paragraph the letter left out."""
    sides = []
    for step in (1, -1):
        other, side = j + step, []
        if 0 <= other < len(canon):
            side.append(other)
            if canon[other].optional and 0 <= other + step < len(canon):
                side.append(other + step)
        sides.append(side)
    return sides


def _pair_lone_gaps(letter, canon, chosen, scores) -> list[tuple[int, int]]:
    """Between two pairs, one letter paragraph facing one template paragraph is an edit of it,
    even when too short for its similarity to show ("By courier" for "By email", or an
    address whose values do not fit a paragraph made only of placeholders)."""
    bounds = [(-1, -1), *chosen, (len(letter), len(canon))]
    added = []
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        paras = [i for i in range(i0 + 1, i1) if letter[i] is not None]
        lines = _leading_lines(letter, paras)
        if len(lines) >= 2 and j1 - j0 == 2:
            # the lines of one template paragraph, one a paragraph: the most of them that make it
            for n in range(len(lines), 1, -1):
                joined = _joined([(letter[k].text, letter[k].line_starts) for k in lines[:n]], ())
                if canon[j0 + 1].matches(joined.text):
                    letter[lines[0]] = joined
                    for k in lines[1:n]:
                        letter[k] = None
                    added.append((lines[0], j0 + 1))
                    scores[lines[0]][j0 + 1] = 100.0
                    break
            else:
                lines = []
            if lines:
                continue
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
        return Pair(PairKind.EXACT, para, t, found if isinstance(found, re.Match) else None)
    return Pair(PairKind.CHANGED, para, t, score=score)


def with_missing(alignment: Alignment, missing: set[int]) -> Alignment:
    """The alignment with these template paragraphs (indexes) as missing rows, each where it
    should stand (a paragraph of the letter's version of the form that it lacks)."""
    rows = _insert_missing(alignment.template, list(alignment.pairs), missing)
    return replace(alignment, pairs=_placed(rows))


def _insert_missing(template, pairs, missing: set[int]) -> list[Pair]:
    """Put each missing template paragraph (by index) where it should stand: after its nearest
    placed predecessor. A moved paragraph stands out of the template's order, so it places nothing."""
    last_row = {row.template.index: k for k, row in enumerate(pairs)
                if row.template is not None and row.kind not in (PairKind.DUPLICATE, PairKind.MOVED)}
    before: dict[int, list[Pair]] = {}  # row position -> the missing paragraphs that go before it
    reach = 0  # the row after the last one placed from an earlier template paragraph
    for t in template.paragraphs:
        if t.index in missing:
            before.setdefault(reach, []).append(Pair(PairKind.MISSING, None, t, score=0.0))
        if t.index in last_row:
            reach = max(reach, last_row[t.index] + 1)
    if not before:
        return pairs
    rows = []
    for k, row in enumerate(pairs):
        rows += before.get(k, ())
        rows.append(row)
    return rows + before.get(len(pairs), [])

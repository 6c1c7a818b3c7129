"""Line the paragraphs of many letters up into columns: one column per paragraph of the letter kind.

Cheap first, as in audit/align.py: a letter paragraph whose text (digits aside) is already
known goes to its column by a dictionary look-up, in order. Only what is left between two
such anchors is scored with rapidfuzz and paired by align's order-keeping programme; a
letter paragraph paired with nothing opens a new column in its place.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from ..align import best_order_keeping_pairs
from ..models import Paragraph

PAIR_SCORE = 60  # this similar (digits aside) and a paragraph is taken for the column's paragraph
LONE_SCORE = 20  # enough for the only paragraph between two anchors where one column is unfilled
CORE_SUPPORT = 0.5  # a column most letters fill
OUTLIER_SHARE = 0.5  # a letter filling less than this share of the core columns is far from the rest
FAR_SCORE = 50  # a letter this unlike the most typical one, sharing few of its paragraphs, is not lined up
SCORED_CHARS = 1000
MAX_CELLS = 40_000  # a gap larger than this is not scored pairwise: its paragraphs open columns
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class LetterParagraphs:
    """One letter's normalised paragraphs, and which of them its file marks as headings."""

    path: Path
    paragraphs: tuple[Paragraph, ...]
    marked: frozenset[int] = frozenset()  # paragraph indexes written as `# Heading`


@dataclass(eq=False)
class Column:
    members: dict[int, int] = field(default_factory=dict)  # letter index -> paragraph index

    def texts(self, letters: list[LetterParagraphs]) -> dict[int, str]:
        return {i: letters[i].paragraphs[p].text for i, p in self.members.items()}


@lru_cache(maxsize=65536)  # the letters of a batch share most of their paragraphs
def key(text: str) -> str:
    """Paragraphs that differ only in their figures share a key."""
    return _DIGITS.sub("0", text.lower())


def _scored(text: str) -> str:
    """What a paragraph is scored on: its key's beginning (a list of a thousand addresses is
    told from other paragraphs by its first lines as well as by all of them)."""
    return key(text)[:SCORED_CHARS]


def align_letters(letters: list[LetterParagraphs]) -> tuple[list[Column], set[int]]:
    """Columns in letter order, each letter paragraph in exactly one of them; and the letters
    too unlike the most typical one to line up (another kind of document), left out."""
    if not letters:
        return [], set()
    pivot = _pivot(letters)
    far = _far(letters, pivot)
    columns = [Column({pivot: i}) for i in range(len(letters[pivot].paragraphs))]
    texts = [p.text for p in letters[pivot].paragraphs]  # each column's representative text
    known = {}  # key -> column (the first one), grown as letters are added
    for index, text in enumerate(texts):
        known.setdefault(key(text), columns[index])
    for number, letter in enumerate(letters):
        if number == pivot or number in far:
            continue
        position = {id(c): i for i, c in enumerate(columns)}
        pairs = _pairs(letter, columns, texts, known, position)
        columns, texts = _merge(number, letter, columns, texts, pairs)
        for column in columns:
            if number in column.members:
                known.setdefault(key(letter.paragraphs[column.members[number]].text), column)
    return columns, far


def _far(letters: list[LetterParagraphs], pivot: int) -> set[int]:
    """Cheap test before any lining up: few paragraphs in common with the most typical letter,
    and unlike it as a whole (or many times its length)."""
    typical = letters[pivot]
    keys = {key(p.text) for p in typical.paragraphs}
    whole = key(" ".join(p.text for p in typical.paragraphs))
    far = set()
    for number, letter in enumerate(letters):
        if number == pivot:
            continue
        if len(letter.paragraphs) > 4 * len(typical.paragraphs) + 10:
            far.add(number)
            continue
        shared = sum(1 for p in letter.paragraphs if key(p.text) in keys)
        if shared < 0.2 * min(len(keys), len(letter.paragraphs)) and fuzz.ratio(
                key(" ".join(p.text for p in letter.paragraphs)), whole) < FAR_SCORE:
            far.add(number)
    return far


def _pivot(letters: list[LetterParagraphs]) -> int:
    """The most typical letter: of the commonest length, holding the commonest paragraphs."""
    lengths = Counter(len(letter.paragraphs) for letter in letters)
    modal = lengths.most_common(1)[0][0]
    frequency = Counter(k for letter in letters for k in {key(p.text) for p in letter.paragraphs})
    candidates = [i for i, letter in enumerate(letters) if len(letter.paragraphs) == modal]
    return max(candidates, key=lambda i: (sum(frequency[key(p.text)] for p in letters[i].paragraphs), -i))


def _pairs(letter: LetterParagraphs, columns, texts, known, position) -> list[tuple[int, int]]:
    """(paragraph, column) pairs, increasing in both."""
    anchors, last = [], -1
    for p, para in enumerate(letter.paragraphs):
        column = known.get(key(para.text))
        if column is not None and position[id(column)] > last:
            anchors.append((p, position[id(column)]))
            last = position[id(column)]
    pairs: list[tuple[int, int]] = []
    previous = (-1, -1)
    for anchor in [*anchors, (len(letter.paragraphs), len(columns))]:
        gap_paragraphs = range(previous[0] + 1, anchor[0])
        gap_columns = range(previous[1] + 1, anchor[1])
        pairs.extend(_fill_gap(letter, gap_paragraphs, gap_columns, texts))
        if anchor[0] < len(letter.paragraphs):
            pairs.append(anchor)
        previous = anchor
    return pairs


def _fill_gap(letter: LetterParagraphs, paragraphs: range, columns: range, texts: list[str]) -> list[tuple[int, int]]:
    if not paragraphs or not columns or len(paragraphs) * len(columns) > MAX_CELLS:
        return []
    scores = process.cdist([_scored(letter.paragraphs[p].text) for p in paragraphs],
                           [_scored(texts[c]) for c in columns], scorer=fuzz.ratio, score_cutoff=LONE_SCORE,
                           workers=1, dtype=np.float64)
    pairs = best_order_keeping_pairs(scores, PAIR_SCORE)  # the programme `check` aligns with
    rows, cols = len(paragraphs), len(columns)
    return [(paragraphs[i], columns[j]) for i, j in _by_place(pairs, scores, rows, cols)]


def _by_place(pairs: list[tuple[int, int]], scores, rows: int, cols: int) -> list[tuple[int, int]]:
    """Between two pairs, as many paragraphs left as columns: pair them in order (paragraphs
    that vary wholly, such as an address, score low against each other but keep their place)."""
    result, previous = [], (-1, -1)
    for pair in [*pairs, (rows, cols)]:
        left = range(previous[0] + 1, pair[0])
        right = range(previous[1] + 1, pair[1])
        if len(left) == len(right):
            result += [(i, j) for i, j in zip(left, right) if scores[i][j] >= LONE_SCORE]
        if pair != (rows, cols):
            result.append(pair)
        previous = pair
    return result


def _merge(number: int, letter: LetterParagraphs, columns, texts, pairs):
    """Add the letter's paragraphs to their columns; unpaired ones become new columns placed
    after the column of the paragraph before them."""
    paired, inserted_after = dict(pairs), {}
    for p, para in enumerate(letter.paragraphs):
        if p in paired:
            columns[paired[p]].members[number] = p
            continue
        before = max((c for q, c in pairs if q < p), default=-1)
        inserted_after.setdefault(before, []).append((p, para.text))
    if not inserted_after:
        return columns, texts
    new_columns, new_texts = [], []
    for c in range(-1, len(columns)):
        if c >= 0:
            new_columns.append(columns[c])
            new_texts.append(texts[c])
        for p, text in inserted_after.get(c, []):
            new_columns.append(Column({number: p}))
            new_texts.append(text)
    return new_columns, new_texts


def outliers(columns: list[Column], letters: list[LetterParagraphs]) -> set[int]:
    """Letters filling less than half of the columns most letters fill: another kind of
    document, or a badly broken letter. They are left out of every vote."""
    count = len(letters)
    core = [c for c in columns if len(c.members) >= CORE_SUPPORT * count]
    if not core or count < 3:
        return set()
    filled = Counter(i for c in core for i in c.members)
    return {i for i in range(count) if filled[i] < OUTLIER_SHARE * len(core)}


VERSION_BAND = (0.15, 0.85)  # paragraphs in this share of the letters may mark a version
TOGETHER = 3  # this many paragraphs coming and going with the same letters make a version
SAME_LETTERS = 0.05  # two paragraphs held by the same letters but this share of them go together


def version_split(columns: list[Column], count: int, least: int) -> frozenset[int] | None:
    """Letters of another version of the form: the holders of a group of paragraphs that come
    and go together (held, or left out, by the same letters), when at least `least` letters
    hold them and `least` do not. None when no such group stands out."""
    low, high = VERSION_BAND
    sets = [frozenset(c.members) for c in columns if low * count <= len(c.members) <= high * count]
    everyone = frozenset(i for c in columns for i in c.members)
    best = None
    for held in set(sets):
        if min(len(held), len(everyone - held)) < least:
            continue
        together = sum(1 for other in sets if min(len(held ^ other), len(held ^ (everyone - other))) <= SAME_LETTERS * count)
        if together >= TOGETHER and (best is None or together > best[0]):
            best = (together, held)
    return best[1] if best else None

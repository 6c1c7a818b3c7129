"""Arithmetic that ties the fields together: found on a sample, counted on every letter.

Candidates are few and cheap to test: two fields equal, one the sum of two others, one not
above another, a percentage that rounds to a ratio of two counts, a date in the batch's year.
A relation is kept when it holds in (nearly) every letter where its fields were read; the
letters that break it are listed, as they are the batch's likely errors.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import combinations, permutations
from pathlib import Path

from ..expr import rounds_to
from .kinds import ValueKind

BREAK_SHARE = 0.05  # a relation may break in this share of the letters (rounded down)
MIN_LETTERS = 5  # fewer letters than this say nothing about a relation
SMALL_BATCH = 6  # from this many letters on, one may break a relation (more in a larger batch)
PROBE = 20  # candidates are first tried on this many letters; most fail there at once
PROBE_BREAKS = 0.25  # a candidate broken by more than this share of the probe is dropped
MAX_FIGURES = 60  # the search for sums and rates is cubic: beyond this many figures it is skipped


class RelationKind(StrEnum):
    """What a relation found between fields says (as a check of the template)."""

    EQUAL = "equal"  # a == b
    SUM = "sum"  # total == a + b + ...
    AT_MOST = "le"  # a <= b
    RATE = "rate"  # rate == round(100 * part / whole)
    YEAR = "year"  # a date's year is the batch's year (plus an offset)


@dataclass
class Relation:
    kind: RelationKind
    fields: tuple[str, ...]
    offset: int = 0  # for `year`: the field's year is the batch's year plus this
    applies: int = 0  # letters in which all its fields were read
    breakers: list[Path] = field(default_factory=list)

    @property
    def holds(self) -> int:
        return self.applies - len(self.breakers)

    def test(self, values: dict, year: int | None) -> bool | None:
        """Whether the relation holds in one letter; None when it does not apply there."""
        found = [values.get(name) for name in self.fields]
        if any(v is None for v in found):
            return None
        try:
            return self._holds(found, year)
        except (TypeError, ArithmeticError):  # money of two currencies, or money beside a count
            return None

    def _holds(self, found: list, year: int | None) -> bool | None:
        if self.kind == RelationKind.EQUAL:
            return found[0] == found[1]
        if self.kind == RelationKind.SUM:
            return found[0] == sum(found[2:], found[1])
        if self.kind == RelationKind.AT_MOST:
            return found[0] <= found[1]
        if self.kind == RelationKind.RATE:
            rate, part, whole = found
            if whole == 0:
                return None
            return rounds_to(rate, Decimal(100) * part / whole)
        if self.kind == RelationKind.YEAR:
            return year is not None and found[0].year == year + self.offset
        raise ValueError(self.kind)

    def count(self, letters: list[tuple[Path, dict]], year: int | None) -> None:
        self.applies, self.breakers = 0, []
        for path, values in letters:
            self.observe(path, values, year)

    def observe(self, path: Path, values: dict, year: int | None) -> None:
        """Count one more letter (letters are counted as they stream past, never kept)."""
        outcome = self.test(values, year)
        if outcome is not None:
            self.applies += 1
            if not outcome:
                self.breakers.append(path)

    @property
    def kept(self) -> bool:
        allowed = int(BREAK_SHARE * self.applies)
        if self.kind != RelationKind.AT_MOST and self.applies >= SMALL_BATCH:
            allowed = max(allowed, 1)  # one faulty letter in a small batch; "a <= b" holds by chance too often
        return self.applies >= MIN_LETTERS and len(self.breakers) <= allowed

    @property
    def expr(self) -> str:
        f = self.fields
        if self.kind == RelationKind.EQUAL:
            return f"{f[0]} == {f[1]}"
        if self.kind == RelationKind.SUM:
            return f"{f[0]} == {' + '.join(f[1:])}"
        if self.kind == RelationKind.AT_MOST:
            return f"{f[0]} <= {f[1]}"
        if self.kind == RelationKind.RATE:
            return f"{f[2]} == 0 or rounds_to({f[0]}, 100 * {f[1]} / {f[2]})"
        return f"year({f[0]}) == {self._year}"

    @property
    def _year(self) -> str:
        return "year" + (f" {'+' if self.offset > 0 else '-'} {abs(self.offset)}" if self.offset else "")

    @property
    def message(self) -> str:
        f, label = self.fields, [name.replace("_", " ") for name in self.fields]
        gives = f"The letter gives {label[0]} as {{{f[0]}}}"
        if self.kind == RelationKind.EQUAL:
            return f"{gives} but {label[1]} as {{{f[1]}}}; in the other letters they are the same."
        if self.kind == RelationKind.SUM:
            parts = " plus ".join(f"{label[k]} ({{{f[k]}}})" for k in range(1, len(f)))
            return f"{gives}, but {parts} makes {{={' + '.join(f[1:])}}}."
        if self.kind == RelationKind.AT_MOST:
            return f"{gives}, more than {label[1]} ({{{f[1]}}}); in the other letters it is never more."
        if self.kind == RelationKind.RATE:
            return (f"{gives}, but {{{f[1]}}} of {{{f[2]}}} ({label[1]} of {label[2]}) "
                    f"is {{=round(100 * {f[1]} / {f[2]})}}%.")
        return f"{gives}, but in the other letters it falls in {{={self._year}}}."


def batch_year(letters: list[tuple[Path, dict]], kinds: dict[str, str]) -> int | None:
    years = Counter(v.year for _, values in letters for name, v in values.items()
                    if kinds.get(name) == ValueKind.DATE and isinstance(v, date))
    return years.most_common(1)[0][0] if years else None


def discover(letters: list[tuple[Path, dict]], kinds: dict[str, str], year: int | None,
             grids: list[list[list[str | None]]] = ()) -> list[Relation]:
    """Relations that hold in (nearly) all of the sampled letters, without the ones others imply;
    `grids`: tables' fields by row and column, whose rows and columns may add up."""
    numbers = [n for n, k in kinds.items() if k in (ValueKind.INT, ValueKind.DECIMAL, ValueKind.MONEY)]
    rates = [n for n, k in kinds.items() if k == ValueKind.PERCENT]
    dates = [n for n, k in kinds.items() if k == ValueKind.DATE]
    texts = [n for n, k in kinds.items() if k in (ValueKind.TEXT, ValueKind.PERSON)]

    probe = letters[:PROBE]

    def kept(relation: Relation) -> bool:
        relation.count(probe, year)
        if relation.applies >= MIN_LETTERS and len(relation.breakers) > PROBE_BREAKS * relation.applies:
            return False
        relation.count(letters, year)
        return relation.kept

    varies = {n for n in kinds if len({values.get(n) for _, values in letters} - {None}) >= 2}
    nonzero = {n for n in numbers if sum(1 for _, values in letters if values.get(n)) >= 0.1 * len(letters)}
    found: list[Relation] = []
    for group in (numbers, rates, dates, texts):
        for a, b in combinations(group, 2):
            if kinds[a] == kinds[b] and {a, b} <= varies and kept(r := Relation(RelationKind.EQUAL, (a, b))):
                found.append(r)
    equal = {frozenset(r.fields) for r in found}
    figures = numbers if len(numbers) <= MAX_FIGURES else []
    for a in figures:
        for b, c in combinations([n for n in figures if n != a and n in nonzero], 2):
            if {frozenset((a, b)), frozenset((a, c))} & equal:
                continue
            if kept(r := Relation(RelationKind.SUM, (a, b, c))):
                found.append(r)
    found += _totals(grids, numbers, kept)
    found += _order(letters, figures, equal, found, kept, _apart(grids))
    for rate in rates:
        if len({values.get(rate) for _, values in letters} - {None}) < 3:
            continue
        best = None
        for part, whole in permutations(figures, 2):
            relation = Relation(RelationKind.RATE, (rate, part, whole))
            if kept(relation) and (best is None or relation.holds > best.holds):
                best = relation
        if best:
            found.append(best)
    for name in dates:
        for offset in (0, -1, 1):
            if kept(r := Relation(RelationKind.YEAR, (name,), offset)):
                found.append(r)
                break
    return found


def _totals(grids, numbers: list[str], kept) -> list[Relation]:
    """A row or column of a table whose last (or first) figure is the sum of the others."""
    found = []
    for grid in grids:
        width = max(len(row) for row in grid)
        lines = [list(row) for row in grid] + [[row[c] for row in grid if c < len(row)] for c in range(width)]
        for line in lines:
            figures = [name for name in line if name in numbers]
            if len(figures) < 4:  # three are a - b = c, which the search for sums finds
                continue
            for total in (figures[-1], figures[0]):
                if kept(r := Relation(RelationKind.SUM, (total, *[n for n in figures if n != total]))):
                    found.append(r)
                    break
    return found


def _apart(grids) -> set[frozenset[str]]:
    """Pairs of table cells in neither the same row nor the same column: that one is below the
    other in every letter is a coincidence of the figures, not a rule of the form."""
    apart = set()
    for grid in grids:
        cells = [(r, c, name) for r, row in enumerate(grid) for c, name in enumerate(row) if name]
        apart |= {frozenset((a, b)) for r, c, a in cells for s, d, b in cells if r != s and c != d}
    return apart


def _order(letters, numbers, equal, found, kept, apart=frozenset()) -> list[Relation]:
    """`a <= b` relations, minus those that follow from others: a part is never above its sum,
    and a <= c follows from a <= b <= c."""
    edges = set()
    seen = {n: [values[n] for _, values in letters if values.get(n) is not None] for n in numbers}
    extremes = {n: (min(v), max(v)) for n, v in seen.items() if v}
    for a, b in permutations([n for n in numbers if n in extremes], 2):
        if frozenset((a, b)) in equal or frozenset((a, b)) in apart or extremes[a][1] <= extremes[b][0]:
            continue  # equal, or true by the sizes of the numbers alone, not by what they count
        if kept(Relation(RelationKind.AT_MOST, (a, b))):
            edges.add((a, b))
    implied = {(part, r.fields[0]) for r in found if r.kind == RelationKind.SUM for part in r.fields[1:]}
    known = edges | implied
    reduced = [(a, b) for a, b in edges - implied
               if not any((a, c) in known and (c, b) in known for c in numbers if c not in (a, b))]
    result = []
    for a, b in sorted(reduced, key=lambda e: (numbers.index(e[0]), numbers.index(e[1]))):
        relation = Relation(RelationKind.AT_MOST, (a, b))
        relation.count(letters, None)
        result.append(relation)
    return result

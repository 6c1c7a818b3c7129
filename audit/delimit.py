"""Where placeholders that stand side by side in a template paragraph begin and end in a letter.

`{{name}} {{job_title}} {{organisation}}` matched by one regex leaves the split to the types'
patterns: "Mr Gareth Williams Chief Executive Acme Trading Ltd" could be cut in many places
that fit every pattern. An office lays such values out one a line (or one a table cell), and
the layout is the surest delimiter: of the cuts at word gaps where every value fits its type,
those falling on the most line boundaries win. Only values flattened onto one line leave
several cuts in the running; the letter's other quotations then choose (`Run.settle`): the
cut under which fewer of the template's checks on these fields fail ("Dear Ms Okoro" settles
that "Ms Jane Okoro" is the name); of equals, the one cut at the most commas ("Ms Okoro,
Strategic Director (Place), Acme Trading Ltd"); and then the one the patterns themselves
prefer once the fewest values are fixed (the name settled, "Managing Director" is read as the
title the way the regex would).

Work is bounded: a run is cut only when its placeholders and word gaps are few
(`MAX_SLOTS`, `MAX_GAPS`); a longer one keeps the regex's split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any, Callable

from .models import Pair
from .template import Slot, Template

MAX_SLOTS = 5  # placeholders side by side in one run (an address block has three or four)
MAX_GAPS = 20  # word gaps in the run's text: C(20, 4) cuts at most, each a few pattern tests
_GAP = re.compile(r",?\s+")

Span = tuple[int, int]  # start and end offset of a value in the letter paragraph's text


@dataclass(frozen=True)
class Run:
    """Placeholders side by side (only spaces between them in the template) and the cuts of
    their text that fit, best first; `tied` of them are equally well delimited by the layout."""

    slots: tuple[Slot, ...]
    cuts: tuple[tuple[Span, ...], ...]
    tied: int
    commas: tuple[int, ...]  # of each cut: how many of its cuts fall on commas
    patterns: tuple[str, ...] = ()  # the slots' type patterns
    others: Callable[[], "Run | None"] | None = None  # for a flattened run: every cut, when asked

    def settle(self, text: str, disagreements: Callable[[tuple[Span, ...]], int]) -> tuple[Span, ...]:
        """The cut that agrees best with the rest of the letter (`disagreements` counts the
        checks and quotations a cut contradicts), and of equals the patterns' own preference."""
        if self.tied < 2:
            return self.cuts[0]
        if self.commas[0] == max(self.commas[:self.tied]) and disagreements(self.cuts[0]) == 0:
            return self.cuts[0]  # the patterns' own cut, contradicting nothing: nothing can beat it
        if self.others is not None:
            every = self.others()
            return every.settle(text, disagreements) if every is not None else self.cuts[0]
        ranked = [(disagreements(cut), -commas, cut) for cut, commas in zip(self.cuts[:self.tied], self.commas)]
        best = min(rank[:2] for rank in ranked)
        return min((cut for *rank, cut in ranked if tuple(rank) == best), key=lambda cut: self._fixed(text, cut))

    def _fixed(self, text: str, cut: tuple[Span, ...]) -> int:
        """How many leading values must be fixed before the patterns, matching the rest of the
        run in their own order of preference, cut it as `cut` does."""
        end = cut[-1][1]
        for fixed in range(len(cut)):
            rest = _rest_pattern(self.patterns[fixed:]).fullmatch(text, cut[fixed][0], end)
            if rest and tuple(rest.span(f"v{k}") for k in range(len(cut) - fixed)) == cut[fixed:]:
                return fixed
        return len(cut)


@lru_cache(maxsize=64)
def _rest_pattern(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile(r",?\s+".join(f"(?P<v{k}>{p})" for k, p in enumerate(patterns)))


def runs(pair: Pair, template: Template) -> list[Run]:
    """The runs of side-by-side placeholders in a matched pair, each with its cuts."""
    return [run for chain in _chains(pair.template.parts) if (run := _cut(pair, template, chain)) is not None]


@lru_cache(maxsize=1024)
def _chains(parts: tuple) -> tuple[tuple[Slot, ...], ...]:
    """The placeholders of a template paragraph that stand side by side, only spaces between."""
    found, k = [], 0
    while k < len(parts):
        chain = [k] if isinstance(parts[k], Slot) and parts[k].field and not parts[k].lines else []
        while chain and k + 2 < len(parts) and _blank(parts[k + 1]) and isinstance(parts[k + 2], Slot) \
                and parts[k + 2].field and not parts[k + 2].lines:
            k += 2
            chain.append(k)
        k += 1
        if 2 <= len(chain) <= MAX_SLOTS:
            found.append(tuple(parts[i] for i in chain))
    return tuple(found)


def _blank(part: Any) -> bool:
    return isinstance(part, str) and part.isspace()


def _cut(pair: Pair, template: Template, slots: tuple[Slot, ...]) -> Run | None:
    match, text = pair.match, pair.para.text
    start, end = match.start(slots[0].group), match.end(slots[-1].group)
    gaps = [(start + g.start(), start + g.end()) for g in _GAP.finditer(text, start, end)]
    if len(gaps) > MAX_GAPS:
        return None
    line_starts = {offset for offset, _ in pair.para.line_starts}
    regex_cut = tuple((match.start(s.group), match.end(s.group)) for s in slots)
    patterns = [template.compiled_type(s.type) for s in slots]
    line_gaps = [gap for gap in gaps if gap[1] in line_starts]
    if len(line_gaps) == len(slots) - 1:  # one value a line, the common case: no other cut can tie
        bounds = (start, *(x for gap in line_gaps for x in gap), end)
        spans = tuple(zip(bounds[::2], bounds[1::2]))
        if spans == regex_cut or all(p.fullmatch(text[a:b]) for p, (a, b) in zip(patterns, spans)):
            return Run(slots, (spans,), 1, (0,))
    if not line_gaps and not any(text[gap_start] == "," for gap_start, _ in gaps):
        # flattened: every cut ties; the patterns' own is tried first, the others only if it disagrees
        return Run(slots, (regex_cut,), 2, (0,), others=lambda: _every_cut(pair, template, slots, gaps, regex_cut))
    return _every_cut(pair, template, slots, gaps, regex_cut)


def _every_cut(pair: Pair, template: Template, slots: tuple[Slot, ...], gaps: list[Span],
               regex_cut: tuple[Span, ...]) -> Run | None:
    text, start, end = pair.para.text, regex_cut[0][0], regex_cut[-1][1]
    line_starts = {offset for offset, _ in pair.para.line_starts}
    patterns = [template.compiled_type(s.type) for s in slots]
    scored = []
    for chosen in combinations(gaps, len(slots) - 1):
        bounds = (start, *(x for gap in chosen for x in gap), end)
        spans = tuple(zip(bounds[::2], bounds[1::2]))
        if spans != regex_cut and not all(p.fullmatch(text[a:b]) for p, (a, b) in zip(patterns, spans)):
            continue
        on_lines = sum(gap_end in line_starts for _, gap_end in chosen)
        on_commas = sum(text[gap_start] == "," for gap_start, _ in chosen)
        scored.append((-on_lines, spans != regex_cut, -on_commas, spans))
    if not scored:
        return None
    scored.sort(key=lambda s: s[:2])
    tied = sum(1 for s in scored if s[0] == scored[0][0])
    return Run(slots, tuple(s[3] for s in scored), tied, tuple(-s[2] for s in scored), tuple(template.types[s.type] for s in slots))

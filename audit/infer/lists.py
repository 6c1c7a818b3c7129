"""Lists after a label ("Representative List of Titles:"), whose items letters set on the
label's line, one a line below it, or in paragraphs of their own: one paragraph of the form."""
from __future__ import annotations

from collections import Counter

from .columns import Column, LetterParagraphs
from .wording import wording


def with_list_openings(body: list[Column], rare, letters: list[LetterParagraphs],
                        date_order: str) -> tuple[list[Column], list[Column]]:
    """A list's paragraph with the rarer columns next to it whose paragraphs open with the same
    label (the items on the label's line in some letters, below it or in paragraphs of their
    own in others): one paragraph of the form, counted with all its letters. Returned with
    the lists so found."""
    result, lists = list(body), []
    for index, column in enumerate(body):
        if rare(column) or column not in result:
            continue
        label = Counter(column.texts(letters).values()).most_common(1)[0][0].partition(":")[0] + ":"
        near = [c for k in (-1, 1) for c in rare_run(body, index, k, rare)
                if c in result and all(t.startswith(label) for t in c.texts(letters).values())]
        if not near or label == ":":
            continue
        shared = wording({i: letters[i].paragraphs[p] for i, p in column.members.items()}, date_order)
        last = shared.holes[-1] if shared.holes else None
        if last is None or not last.items or not shared.text[:last.start].strip() == label:
            continue
        merged = Column(dict(column.members))
        for other in near:
            if not other.members.keys() & merged.members.keys():
                merged.members.update(other.members)
                result.remove(other)
        result[result.index(column)] = merged
        lists.append(merged)
    return result, lists


def rare_run(body: list[Column], index: int, step: int, rare) -> list[Column]:
    """The rare columns next to body[index], on one side."""
    run, k = [], index + step
    while 0 <= k < len(body) and rare(body[k]):
        run.append(body[k])
        k += step
    return run

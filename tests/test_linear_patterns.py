"""Every pattern the normaliser runs over letter text (and the number-noun pattern of the
grammar rule, which scans whole paragraphs) takes time linear in the text: each is
timed, the way the normaliser uses it, on strings built from its own characters at two sizes
eight times apart, and fails when the time grows much faster than eight-fold (a quadratic
pattern grows 64-fold; the Markdown-link pattern once took 45 s on 100 KB of "[")."""
from __future__ import annotations

import re
import time

from hypothesis import example, given, settings
from hypothesis import strategies as st

from audit import normalise
from audit.language import candidate_spans

SMALL, LARGE = 2_000, 16_000  # characters; LARGE / SMALL = 8
MAX_GROWTH = 24  # linear is 8; quadratic 64
# seconds: below this at LARGE the time is too small to judge on a busy machine (and harmless);
# the quadratic link pattern took 1.2 s there, and its growth is what fails the test
FLOOR = 0.15

# How the normaliser applies each pattern: over the whole text (sub), at the start of one
# line (match), to a whole paragraph (fullmatch), or to a few dozen characters it cut first.
USES = {
    "_LINE_MARKUP[0]": "match", "_LINE_MARKUP[1]": "match", "_LINE_MARKUP[2]": "match", "_LINE_MARKUP[3]": "match",
    "_INLINE_MARKUP[0]": "sub", "_INLINE_MARKUP[1]": "sub", "_INLINE_MARKUP[2]": "sub", "_INLINE_MARKUP[3]": "sub",
    "_INLINE_MARKUP[4]": "sub",
    "_SPACES": "sub", "_PAGE_NUMBER": "fullmatch", "_HARD_BREAK": "sub",
    "_HYPHENATED": "short", "_WORD_START": "match",
}
SHORT = 60  # normalise._joined keeps this much of a paragraph's end for _HYPHENATED


def patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern of the module, by where it is: alone, or in a table of them."""
    found = {}
    for name, value in vars(normalise).items():
        if isinstance(value, re.Pattern):
            found[name] = value
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                inner = item if isinstance(item, re.Pattern) else next(
                    (part for part in item if isinstance(part, re.Pattern)), None) if isinstance(item, tuple) else None
                if inner is not None:
                    found[f"{name}[{index}]"] = inner
    return found


PATTERNS = patterns()
# patterns of other stages that scan a whole paragraph of letter text
PARAGRAPH_PATTERNS = {"language.candidate_spans": candidate_spans((("complaint", "complaints"), ("is", "are")))}
ALPHABET = sorted({char for pattern in PATTERNS.values() for char in pattern.pattern if char.isprintable()}
                  | set(" \n\taA1.,-"))


def run(name: str, text: str) -> None:
    pattern, use = PATTERNS[name], USES[name]
    if use == "sub":
        pattern.sub("", text)
    elif use == "match":
        pattern.match(text)
    elif use == "fullmatch":
        pattern.fullmatch(text)
    else:
        pattern.search(text[-SHORT:])


def seconds(work, text: str) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        work(text)
        best = min(best, time.perf_counter() - started)
    return best


def assert_linear(work, motif: str, what: str) -> None:
    small = (motif * (SMALL // len(motif) + 1))[:SMALL]
    large = (motif * (LARGE // len(motif) + 1))[:LARGE]
    slow, fast = seconds(work, large), seconds(work, small)
    assert slow < FLOOR or slow / max(fast, 1e-6) < MAX_GROWTH, (
        f"{what} on {motif!r} repeated: {fast * 1000:.1f} ms for {SMALL} characters, "
        f"{slow * 1000:.1f} ms for {LARGE}")


def test_every_pattern_of_the_normaliser_is_timed():
    assert set(PATTERNS) == set(USES), "a new pattern in audit/normalise.py: say how it is used in USES"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=4))
@example("[")
@example("[a](")
@example("![a](b")
@example("<b ")
@example("</i")
@example("** ")
@example("\\")
@example(" ")
@example("- ")
@example("1 of ")
@example("1 ")
@example("1 a complaint ")
def test_normaliser_patterns_take_linear_time(motif):
    for name in PATTERNS:
        assert_linear(lambda text, name=name: run(name, text), motif, name)
    assert_linear(normalise.clean_text, motif, "clean_text")
    for name, pattern in PARAGRAPH_PATTERNS.items():
        assert_linear(lambda text, pattern=pattern: list(pattern.finditer(text)), motif, name)

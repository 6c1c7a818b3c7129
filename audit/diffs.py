"""Word-level diffs with diff-match-patch: words are mapped to single characters, diffed, mapped back."""
from __future__ import annotations

import re

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\s+|[^\s]+")
_OPS = {0: "=", 1: "+", -1: "-"}
_dmp = diff_match_patch()
_dmp.Diff_Timeout = 0.5


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Diff two texts word by word: a list of ("=" | "-" | "+", text) runs. Texts with more
    distinct words than there are characters to stand for them are wholly changed."""
    vocab: dict[str, str] = {}

    def encode(text: str) -> str:
        chars = []
        for token in _TOKEN.findall(text):
            if token not in vocab:
                vocab[token] = _code(len(vocab))
            chars.append(vocab[token])
        return "".join(chars)

    try:
        a, b = encode(old), encode(new)
    except _TooManyWords:
        return [(op, text) for op, text in (("-", old), ("+", new)) if text]
    diffs = _dmp.diff_main(a, b, False)
    _dmp.diff_cleanupSemantic(diffs)
    decode = {char: word for word, char in vocab.items()}
    return [(_OPS[op], "".join(decode[c] for c in chars)) for op, chars in diffs]


# Characters that stand for words: private-use ones first, then the rest of the planes above
# the first; none is a space or a line end, which the semantic clean-up would treat apart.
_RANGES = (range(0xE000, 0xF900), range(0xF0000, 0x110000), range(0x10000, 0xF0000))


class _TooManyWords(Exception):
    pass


def _code(number: int) -> str:
    """A distinct character for the number-th distinct word."""
    for codes in _RANGES:
        if number < len(codes):
            return chr(codes[number])
        number -= len(codes)
    raise _TooManyWords


def describe(diff: list[tuple[str, str]], limit: int = 3) -> str:
    """A short plain-words account of a diff: 'removed "x"; added "y"'."""
    parts = []
    for op, text in diff:
        text = " ".join(text.split())
        if op == "=" or not text:
            continue
        shown = text if len(text) <= 80 else text[:77] + "..."
        parts.append(f'{"removed" if op == "-" else "added"} "{shown}"')
    more = len(parts) - limit
    return "; ".join(parts[:limit]) + (f"; and {more} more change{'s' if more > 1 else ''}" if more > 0 else "")

"""Word-level diffs with diff-match-patch: words are mapped to single characters, diffed, mapped back."""
from __future__ import annotations

import re

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\s+|[^\s]+")
_OPS = {0: "=", 1: "+", -1: "-"}
_dmp = diff_match_patch()
_dmp.Diff_Timeout = 0.5


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Diff two texts word by word: a list of ("=" | "-" | "+", text) runs."""
    vocab: dict[str, str] = {}
    words: list[str] = []

    def encode(text: str) -> str:
        chars = []
        for token in _TOKEN.findall(text):
            if token not in vocab:
                vocab[token] = chr(0xE000 + len(words)) if len(words) < 6400 else chr(0xF0000 + len(words))
                words.append(token)
            chars.append(vocab[token])
        return "".join(chars)

    a, b = encode(old), encode(new)
    diffs = _dmp.diff_main(a, b, False)
    _dmp.diff_cleanupSemantic(diffs)
    decode = {char: word for word, char in vocab.items()}
    return [(_OPS[op], "".join(decode[c] for c in chars)) for op, chars in diffs]


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

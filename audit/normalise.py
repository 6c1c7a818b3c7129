"""Stage 2: turn converter output (PDF text, Markdown exports) into comparable paragraphs.

Every paragraph remembers the original line each of its pieces came from, so findings
can point at the file as the reviewer sees it.
"""
from __future__ import annotations

import html
import re
from collections.abc import Collection

from .models import Document, Paragraph, RawLetter

# Typographic variants that converters produce for the same character.
_CHARS = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u3000": " ",
    "\f": " ", "\v": " ", "\t": " ",
    "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u00ad": None,
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...",
})

# Markdown and HTML formatting. Replacements keep every line end, so line numbers hold.
# Each pattern runs only when its trigger character occurs: most letters have little markup.
_MARKUP = [
    ("#>", re.compile(r"^[ ]{0,3}(?:#{1,6}[ ]+|>[ ]?)", re.M), ""),  # headings, quotes
    ("-*+\u2022\u25aa\u25cf.)", re.compile(r"^[ ]*(?:[-*+\u2022\u25aa\u25cf]|\d{1,2}[.)])[ ]+", re.M), ""),  # bullets
    ("-*_", re.compile(r"^[ ]*(?:[-*_][ ]*){3,}$", re.M), ""),  # horizontal rules
    ("[", re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)"), r"\1"),  # links keep their text (wrapped too)
    ("<", re.compile(r"</?(?:u|b|i|em|strong|span|sup|sub|mark|br)\b[^<>\n]*>", re.I), ""),
    ("*_\\", re.compile(r"\*\*|__|\\(?=[\\`*_{}\[\]()#+\-.!])"), ""),  # bold markers, escapes
]
_SPACES = re.compile(r" {2,}")
_PAGE_NUMBER = re.compile(r"(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?", re.I)
_SENTENCE_END = (".", ":", ";", "!", "?", ",")
_HYPHENATED = re.compile(r"([A-Za-z]+)-$")
_WORD_START = re.compile(r"^([A-Za-z]+)")


def clean_text(text: str) -> str:
    """Character- and markup-level clean-up that keeps line ends where they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHARS)
    for triggers, pattern, repl in _MARKUP:
        if any(char in text for char in triggers):
            text = pattern.sub(repl, text)
    if "&" in text:
        text = html.unescape(text)
    return text


def normalise(raw: RawLetter, vocabulary: Collection[str] = ()) -> Document:
    """Split into paragraphs, joining hard-wrapped lines, hyphenated words and page-broken paragraphs.

    `vocabulary` (words of the known templates) decides whether a hyphen at a line end
    splits one word ("com-" + "plaints") or joins two ("well-" + "established").
    """
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(_SPACES.sub(" ", clean_text(raw.text or "")).split("\n"), start=1):
        line = line.strip()
        if line:
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    paragraphs = [_join(block, vocabulary) for block in blocks if block]

    kept: list[Paragraph] = []
    artifacts: list[Paragraph] = []
    for index, para in enumerate(paragraphs):
        if _PAGE_NUMBER.fullmatch(para.text):
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            starts_block = not kept or kept[-1].text.endswith(_SENTENCE_END)
            if following and following.text[:1].islower() and starts_block:
                kept.append(para)  # a number standing apart from its noun: "2" / "upheld decisions"
            else:
                artifacts.append(Paragraph(para.text, para.line, para.line_starts, "page number"))
            continue
        if kept and para.text[:1].islower() and not kept[-1].text.endswith(_SENTENCE_END):
            kept[-1] = _merge(kept[-1], para, vocabulary)  # cut in two by a page break
        else:
            kept.append(para)
    return Document(raw.path, tuple(kept), tuple(artifacts), raw.encoding, raw.page_starts)


def _join(block: list[tuple[int, str]], vocabulary: Collection[str]) -> Paragraph:
    para = Paragraph(block[0][1], block[0][0], ((0, block[0][0]),))
    for number, line in block[1:]:
        para = _merge(para, Paragraph(line, number, ((0, number),)), vocabulary)
    return para


def _merge(first: Paragraph, second: Paragraph, vocabulary: Collection[str]) -> Paragraph:
    text, glue = first.text, " "
    if text.endswith("-") and (tail := _WORD_START.match(second.text)):
        head = _HYPHENATED.search(text[-60:])
        if head and _is_split_word(head.group(1), tail.group(1), vocabulary):
            text, glue = text[:-1], ""
        elif head:
            glue = ""  # a compound broken after its hyphen: keep the hyphen, drop the space
    offset = len(text) + len(glue)
    starts = first.line_starts + tuple((offset + start, line) for start, line in second.line_starts)
    return Paragraph(text + glue + second.text, first.line, starts)


def _is_split_word(left: str, right: str, vocabulary: Collection[str]) -> bool:
    if right[:1].isupper():
        return False  # Cooper-Smith
    joined = (left + right).lower()
    if joined in vocabulary:
        return True
    if f"{left}-{right}".lower() in vocabulary:
        return False
    return left[-1:].islower()

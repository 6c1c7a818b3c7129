"""Stage 2: turn converter output (PDF text, Markdown exports) into comparable paragraphs.

Every paragraph remembers the original line each of its pieces came from, so findings
can point at the file as the reviewer sees it.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from collections.abc import Collection

from .models import Document, Paragraph, RawLetter, cell_at

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
# Markup that opens a line is looked for only on lines starting with one of its characters;
# inline markup only when its trigger character occurs: most letters have little markup.
_LINE_MARKUP = (
    re.compile(r"[ ]{0,3}(?:#{1,6}(?:[ ]+|(?=[A-Z]))|>[ ]?)"),  # headings (#Heading too, as Markdown.pl), quotes
    re.compile(r"[ ]*(?:[-*+\u2022\u25aa\u25cf]|\d{1,2}[.)])[ ]+"),  # bullets
    re.compile(r"[ ]*(?:[-*_][ ]*){3,}$"),  # horizontal rules
    re.compile(r"[ ]{0,3}(?:={2,}|--)[ ]*$"),  # a heading's underline; "--", a mail's signature delimiter
)
_LINE_TRIGGERS = frozenset("#>-*+_=\u2022\u25aa\u25cf0123456789")
_INLINE_MARKUP = [
    # links keep their text (wrapped too, or broken between the text and its target: the line
    # end kept); neither part runs past a bracket, so each character is looked at by one
    # attempt at most and a paragraph of "[" or "[a](" costs linear time
    ("[", re.compile(r"!?\[([^\[\]]*)\] ?(\n?) ?\([^()\[\]\s]*\)"), r"\1\2"),
    ("<", re.compile(r"</?(?:u|b|i|em|strong|span|sup|sub|mark|br)\b[^<>\n]*>", re.I), ""),
    # a link whose target repeats its text ("example.org <http://example.org/>"): how mail
    # clients write a linked address in plain text. The text starts where a run of such
    # characters starts (never inside one), so each character is tried once: linear, however
    # long the run
    ("<", re.compile(r"(?<![^\s<>*(\[\"'])([^\s<>*(\[\"']{1,200})(\**)( ?\n? ?)<(?:mailto:|https?://)?(?:www\.)?\1/?>(\**)",
                     re.I),
     lambda found: found[1] + found[2] + found[4] + "\n" * found[3].count("\n")),
    # asterisks of emphasis: at a word's start or end (or left alone at a line's end), never
    # between two characters ("O(N*M)") or standing between spaces ("5 * 3"), nor escaped
    ("*", re.compile(r"(?<![^\s(\[\"'])\*{1,3}(?=[^\s*])|(?<=[^\s*\\])\*{1,3}(?=[\s.,;:!?)\]\"']|$)"
                     r"|(?<=\s)\*{1,3}$", re.M), ""),
    ("*_\\", re.compile(r"\*\*|__|\\(?=[\\`*_{}\[\]()#+\-.!])"), ""),  # bold markers, escapes
]
_HARD_BREAK = re.compile(r"\\[ ]*$|<br\s*/?>", re.M | re.I)  # Markdown's backslash line end, HTML's <br>
_SPACES = re.compile(r" {2,}")
_PAGE_NUMBER = re.compile(r"(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?", re.I)
_SENTENCE_END = (".", ":", ";", "!", "?", ",")
_HYPHENATED = re.compile(r"([A-Za-z]+)-$")
_WORD_START = re.compile(r"^([A-Za-z]+)")


# Compatibility characters that stand for plain letters or spaces (ligatures such as "ﬁ",
# full-width forms): spelt out as Unicode's compatibility mapping (NFKC) says, whatever the
# format, so pasted text, Word and PDF read alike. Superscripts, fractions and the like keep
# their meaning and are left alone.
_COMPATIBLE = ("<compat>", "<wide>", "<narrow>", "<font>", "<noBreak>", "<small>")


@lru_cache(maxsize=4096)
def _plain(char: str) -> str | None:
    """The plain spelling of a compatibility character, or None for any other character."""
    decomposition = unicodedata.decomposition(char)
    if decomposition.startswith(_COMPATIBLE):
        plain = unicodedata.normalize("NFKC", char).translate(_CHARS)
        return plain if "\n" not in plain else None
    return None


def clean_text(text: str) -> str:
    """Character- and markup-level clean-up that keeps line ends where they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHARS)
    if not text.isascii():
        spelt = {char: plain for char in set(text) if ord(char) > 0x7F and (plain := _plain(char)) is not None}
        if spelt:
            text = text.translate(str.maketrans(spelt))
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.lstrip(" ")[:1] in _LINE_TRIGGERS:
            for pattern in _LINE_MARKUP:
                if found := pattern.match(line):
                    line = line[found.end():]
            lines[number] = line
    text = "\n".join(lines)
    if "\\" in text or "<" in text:
        text = _HARD_BREAK.sub(" ", text)
    for triggers, pattern, repl in _INLINE_MARKUP:
        if any(char in text for char in triggers):
            text = pattern.sub(repl, text)
    if "&" in text:
        text = html.unescape(text)
    return _SPACES.sub(" ", text) if "  " in text else text


def normalise(raw: RawLetter, vocabulary: Collection[str] = ()) -> Document:
    """Split into paragraphs, joining hard-wrapped lines, hyphenated words and page-broken paragraphs.

    `vocabulary` (words of the known templates) decides whether a hyphen at a line end
    splits one word ("com-" + "plaints") or joins two ("well-" + "established").
    """
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(clean_text(raw.text or "").split("\n"), start=1):
        line = line.strip()
        if line:
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    paragraphs = [_join(block, vocabulary) for block in blocks if block]  # hard-wrapped lines joined
    if raw.cells:
        paragraphs = _in_cells(paragraphs, raw.cells)

    groups: list[list[Paragraph]] = []  # paragraphs a page break cut in two, to join once
    artifacts: list[Paragraph] = []
    for index, para in enumerate(paragraphs):
        if _PAGE_NUMBER.fullmatch(para.text) and para.cell is None:  # a figure in a table is no page number
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            starts_block = not groups or groups[-1][-1].text.endswith(_SENTENCE_END)
            if following and following.text[:1].islower() and starts_block:
                groups.append([para])  # a number standing apart from its noun: "2" / "upheld decisions"
            else:
                artifacts.append(Paragraph(para.text, para.line, para.line_starts, "page number"))
            continue
        if groups and para.text[:1].islower() and not groups[-1][-1].text.endswith(_SENTENCE_END):
            groups[-1].append(para)  # cut in two by a page break
        else:
            groups.append([para])
    kept = tuple(group[0] if len(group) == 1 else
                 _joined([(p.text, p.line_starts) for p in group], vocabulary)._replace(cell=group[0].cell)
                 for group in groups)
    running = tuple(Paragraph(text, line, ((0, line),), kind) for line, kind, text in raw.artifacts
                    if kind == "running header")
    return Document(raw.path, kept, tuple(artifacts), raw.encoding, raw.page_starts, running)


def _in_cells(paragraphs: list[Paragraph], cells) -> list[Paragraph]:
    """Each paragraph with the table cell (table, row, column) its first line stands in."""
    return [para._replace(cell=cell) if (cell := cell_at(cells, para.line)) else para for para in paragraphs]


def _join(block: list[tuple[int, str]], vocabulary: Collection[str]) -> Paragraph:
    return _joined([(line, ((0, number),)) for number, line in block], vocabulary)


def _merge(first: Paragraph, second: Paragraph, vocabulary: Collection[str]) -> Paragraph:
    return _joined([(first.text, first.line_starts), (second.text, second.line_starts)], vocabulary)


def _joined(pieces: list[tuple[str, tuple[tuple[int, int], ...]]], vocabulary: Collection[str]) -> Paragraph:
    """Pieces (text, line starts): the lines of a paragraph, or the halves of one cut by a page
    break, as one paragraph, in time linear in their length. A hyphen at a piece's end joins a
    split word ("com-" + "plaints") or keeps a compound ("well-" + "established")."""
    first_line = pieces[0][1][0][1]
    if len(pieces) == 1:
        return Paragraph(pieces[0][0], first_line, pieces[0][1])
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    length, tail = 0, ""  # tail: the end of the text so far, enough to see a hyphenated word
    for text, piece_starts in pieces:
        glue = " " if parts else ""
        if tail.endswith("-") and (word := _WORD_START.match(text)):
            head = _HYPHENATED.search(tail)
            if head and _is_split_word(head.group(1), word.group(1), vocabulary):
                parts[-1], length, tail, glue = parts[-1][:-1], length - 1, tail[:-1], ""
            elif head:
                glue = ""  # a compound broken after its hyphen: keep the hyphen, drop the space
        offset = length + len(glue)
        for start, line in piece_starts:
            starts.append((offset + start, line))
        parts.append(glue + text)
        length = offset + len(text)
        tail = (tail + glue + text)[-60:]
    return Paragraph("".join(parts), first_line, tuple(starts))


def _is_split_word(left: str, right: str, vocabulary: Collection[str]) -> bool:
    if right[:1].isupper():
        return False  # Cooper-Smith
    joined = (left + right).lower()
    if joined in vocabulary:
        return True
    if f"{left}-{right}".lower() in vocabulary:
        return False
    return left[-1:].islower()

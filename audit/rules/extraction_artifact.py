"""Converter residue was found and ignored.

PDF and Word converters leave things in the text that are not part of the letter: page
numbers, and in PDF and Word files the running headers and footers printed on every page.
They are set aside and do not count against the letter; this note says where, so a reviewer
can confirm nothing real was dropped. Running text repeated on several pages is one note
naming the pages. (Text where the template allows any paragraphs, `<!-- free: … -->`, is
the letter's own content, not residue: it is shown as such in the JSON and HTML reports.)

Bad (if it were counted as text)::

    14

Good: the page number is reported here and ignored.
"""
import re
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue, excerpt, page_at

ID = "extraction-artifact"
SEVERITY = "info"
HINT = "Nothing to do unless the ignored text is real letter content."


@dataclass(frozen=True)
class Stray(Evidence):
    """A paragraph the normaliser set aside."""

    kind: str  # what it is ("page number")
    text: str


@dataclass(frozen=True)
class LeftOut(Evidence):
    """Running text of one kind and wording a PDF or Word reader left out."""

    kind: str  # what it is ("running header")
    text: tuple[str, ...]  # each wording found
    pages: tuple[int, ...]


def check(letter):
    yield from _dropped_by_reader(letter.raw)
    if letter.document is None:
        return
    for para in letter.document.artifacts:
        yield Issue(f'Ignored a stray {para.artifact} at line {para.line}: "{para.text}"', para,
                    Stray(para.artifact, para.text), excerpt=para.text)


def _dropped_by_reader(raw):
    """Running headers, footers and page numbers a PDF or Word reader left out: one issue per
    kind and wording (digits aside), naming the pages."""
    groups: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for line, kind, text in raw.artifacts:
        groups.setdefault((kind, re.sub(r"\d+", "#", text)), []).append((line, text))
    for (kind, _), found in groups.items():
        pages = sorted({page for line, _ in found if (page := page_at(raw.page_starts, line))})
        texts = list(dict.fromkeys(text for _, text in found))
        quoted = ", ".join(f'"{excerpt(text)}"' for text in texts[:3]) + (", ..." if len(texts) > 3 else "")
        where = f" on {_pages(pages)}" if pages else ""
        kinds = f"{kind}s" if len(texts) > 1 else kind
        yield Issue(f"Ignored the {kinds}{where}: {quoted}", found[0][0],
                    LeftOut(kind, tuple(texts), tuple(pages)), excerpt=excerpt(texts[0]))


def _pages(pages: list[int]) -> str:
    if len(pages) == 1:
        return f"page {pages[0]}"
    if pages == list(range(pages[0], pages[-1] + 1)):
        return f"pages {pages[0]}-{pages[-1]}"
    return "pages " + ", ".join(map(str, pages))


_DETERMINERS = {"a", "an", "any", "the", "some", "one", "each", "every", "no", "all", "several", "many"}


def with_article(description: str) -> str:
    """`a signature`, `an image`, but `any text` and `the footer` as written."""
    first = description.split(maxsplit=1)[0].lower() if description.strip() else ""
    if first in _DETERMINERS:
        return description
    return f"{'an' if first[:1] in 'aeiou' and first else 'a'} {description}"

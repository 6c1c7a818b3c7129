"""Converter residue was found and ignored.

PDF and Word converters leave things in the text that are not part of the letter:
page numbers, descriptions of images such as a signature. They are set aside and do
not count against the letter; this note says where, so a reviewer can confirm nothing
real was dropped.

Bad (if it were counted as text)::

    14

Good: the page number is reported here and ignored.
"""
from ..models import Issue, excerpt

ID = "extraction-artifact"
SEVERITY = "info"
HINT = "Nothing to do unless the ignored text is real letter content."


def check(letter):
    for line, kind, text in letter.raw.artifacts:
        yield Issue(f'Ignored a {kind} at line {line}: "{excerpt(text)}"', line,
                    {"kind": kind, "text": text}, excerpt=excerpt(text))
    if letter.document is None:
        return
    for para in letter.document.artifacts:
        yield Issue(f'Ignored a stray {para.artifact} at line {para.line}: "{para.text}"', para,
                    {"kind": para.artifact, "text": para.text}, excerpt=para.text)
    if letter.alignment is None:
        return
    for pair in letter.alignment.pairs:
        if pair.kind == "free":
            yield Issue(f'Ignored text where the template allows {with_article(pair.template.text)} '
                        f'(line {pair.para.line}): "{excerpt(pair.para.text)}"',
                        pair, {"kind": pair.template.text, "text": pair.para.text})


_DETERMINERS = {"a", "an", "any", "the", "some", "one", "each", "every", "no", "all", "several", "many"}


def with_article(description: str) -> str:
    """`a signature`, `an image`, but `any text` and `the footer` as written."""
    first = description.split(maxsplit=1)[0].lower() if description.strip() else ""
    if first in _DETERMINERS:
        return description
    return f"{'an' if first[:1] in 'aeiou' and first else 'a'} {description}"

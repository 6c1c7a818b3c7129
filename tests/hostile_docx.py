"""Word files that are valid zip archives of XML but broken inside, as a fuzzing campaign made
them: each once ended the whole run from inside the reader."""
from __future__ import annotations

import io
import zipfile

import docx

_SECTION = "<w:sectPr "
_RELATIONSHIPS = "</Relationships>"


def _letter(*paragraphs: str, style: str | None = None) -> bytes:
    document = docx.Document()
    if style is not None:
        document.styles.add_style(style, docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    for text in paragraphs:
        document.add_paragraph(text, style=style)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _patched(data: bytes, edits: dict) -> bytes:
    """The archive with some of its parts' text rewritten by edits[name](text)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in edits:
                content = edits[item.filename](content.decode("utf-8")).encode("utf-8")
            archive.writestr(item, content)
    return out.getvalue()


def _with_reference(kind: str, rid: str):
    return lambda text: text.replace(_SECTION, f'{_SECTION[:-1]}><w:{kind}Reference w:type="default" '
                                               f'r:id="{rid}"/></w:sectPr>{_SECTION}', 1)


def header_to_missing_part(text: str = "Dear Ms Jackson") -> bytes:
    """A header reference whose relationship id is not in the document's relationships."""
    return _patched(_letter(text), {"word/document.xml": _with_reference("header", "rIdNOPE")})


def footer_to_external_target(text: str = "Dear Ms Jackson") -> bytes:
    """A footer reference whose relationship points outside the package (a URL)."""
    external = ('<Relationship Id="rIdExt" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/footer" Target="http://example.invalid/footer.xml" TargetMode="External"/>')
    return _patched(_letter(text), {
        "word/document.xml": _with_reference("footer", "rIdExt"),
        "word/_rels/document.xml.rels": lambda rels: rels.replace(_RELATIONSHIPS, external + _RELATIONSHIPS)})


def heading_superscript_two(text: str = "Dear Ms Jackson") -> bytes:
    """A paragraph style named "Heading ²": str.isdigit() is true for "²", int() refuses it."""
    return _letter(text, style="Heading \u00b2")


CRASHING = {"header-missing-part.docx": header_to_missing_part,
            "footer-external.docx": footer_to_external_target,
            "heading-superscript.docx": heading_superscript_two}


def deeply_nested(depth: int = 300, text: str = "Dear Ms Jackson") -> bytes:
    """Content controls nested `depth` deep: libxml2 refuses beyond 256 levels, in its own words."""
    nested = "<w:sdt><w:sdtContent>" * depth + f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" + "</w:sdtContent></w:sdt>" * depth
    return _patched(_letter("x"), {"word/document.xml": lambda xml: xml.replace("<w:body>", "<w:body>" + nested, 1)})

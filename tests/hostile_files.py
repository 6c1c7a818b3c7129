"""Hostile PDF and Word files, generated: each small on disk, ruinous to read without a budget.

Tests write small variants (just past each budget, so they run in a moment);
benchmarks/bench_hostile.py writes the full-size ones the issue measured. Every function
writes one file to `path` and returns it. Run as a script to write the full set:

    python tests/hostile_files.py FOLDER
"""
from __future__ import annotations

import io
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD_LETTER = ROOT / "fixtures" / "letters-docx" / "000_bd725a1dda7d64f9.docx"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


# --- PDF --------------------------------------------------------------------------------------

def _pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF of these objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _stream(data: bytes, extra: bytes = b"", compressed: bool = False) -> bytes:
    if compressed:
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _page_pdf(path: Path, content: bytes, resources: bytes = b"", more: list[bytes] = (),
              compressed: bool = False) -> Path:
    return _pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> " + resources + b" >> >>",
        _stream(content, compressed=compressed),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *more,
    ])


def xobject_fanout(path: Path, fan: int = 10, depth: int = 9) -> Path:
    """Form k draws form k+1 `fan` times: the page draws fan ** depth rectangles (3 KB on disk)."""
    forms = []
    first = 6
    for level in range(depth):
        if level == depth - 1:
            body = b"0 0 1 1 re f"
            resources = b""
        else:
            body = b" ".join(b"q 1 0 0 1 %d 0 cm /X Do Q" % i for i in range(fan))
            resources = b" /Resources << /XObject << /X %d 0 R >> >>" % (first + level + 1)
        forms.append(_stream(body, b" /Type /XObject /Subtype /Form /BBox [0 0 595 842]" + resources))
    return _page_pdf(path, b"/X Do", b"/XObject << /X %d 0 R >>" % first, forms)


def flate_bomb(path: Path, unpacked: int = 1024 ** 3) -> Path:
    """A page whose content stream inflates to `unpacked` bytes of spaces (1 GB from about 1 MB)."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    parts = [packer.compress(b"BT /F1 12 Tf 72 720 Td (Dear Sir) Tj ET\n")]
    for _ in range(unpacked // len(chunk)):
        parts.append(packer.compress(chunk))
    parts.append(packer.flush())
    return _page_pdf(path, b"".join(parts), compressed=True)


def many_objects(path: Path, count: int = 100_000) -> Path:
    """One page drawing `count` tiny rectangles, packed."""
    content = b"".join(b"%d %d 1 1 re f\n" % (i % 500, i // 500 % 800) for i in range(count))
    return _page_pdf(path, zlib.compress(content, 9), compressed=True)


# --- Word -------------------------------------------------------------------------------------

def _docx(path: Path, document_xml: bytes, base: Path = WORD_LETTER) -> Path:
    """The sample Word letter with its body replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = document_xml if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item.filename, data)
    path.write_bytes(buffer.getvalue())
    return path


def _body(inner: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document ' + _W.encode()
            + b"><w:body>" + inner + b"</w:body></w:document>")


def _paragraph(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def empty_paragraphs(path: Path, unpacked: int = 60 * 1024 ** 2) -> Path:
    """document.xml of `unpacked` bytes of empty paragraphs (60 MB by default)."""
    return _docx(path, _body(_paragraph("Dear Sir") + b"<w:p/>" * (unpacked // 6)))


def lying_zip_bomb(path: Path, unpacked: int = 60 * 1024 ** 2) -> Path:
    """empty_paragraphs, with zip headers (local and central) declaring document.xml 1,000 bytes."""
    empty_paragraphs(path, unpacked)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
        central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))
    name = b"word/document.xml"
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04" and data[local + 30:local + 30 + len(name)] == name
    data[local + 22:local + 26] = (1000).to_bytes(4, "little")  # local header: uncompressed size
    assert data[central + 46:central + 46 + len(name)] == name
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")  # central directory: uncompressed size
    path.write_bytes(bytes(data))
    return path


def deep_nesting(path: Path, depth: int = 80) -> Path:
    """Tables nested `depth` deep, each cell holding the next table."""
    opening = b"<w:tbl><w:tr><w:tc>" * depth
    closing = b"<w:p/></w:tc></w:tr></w:tbl>" * depth
    return _docx(path, _body(_paragraph("Dear Sir") + opening + _paragraph("deep") + closing))


def billion_laughs(path: Path) -> Path:
    """Entities each ten times the one before: `&lol9;` stands for 10**9 "lol"s."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    xml = _body(_paragraph("Dear Sir") + b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>")
    head, _, rest = xml.partition(b"\n")
    return _docx(path, head + b"\n<!DOCTYPE w:document [" + entities + b"]>\n" + rest)


def external_entity(path: Path, target: Path) -> Path:
    """An XXE: an entity naming a local file, quoted in the body."""
    xml = _body(_paragraph("Dear Sir") + b"<w:p><w:r><w:t>&secret;</w:t></w:r></w:p>")
    head, _, rest = xml.partition(b"\n")
    doctype = b'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "' + Path(target).resolve().as_uri().encode() + b'">]>'
    return _docx(path, head + b"\n" + doctype + b"\n" + rest)


SMALL = {  # just past each budget at --max-bytes 1MB: written in a moment, read in a moment
    "fanout.pdf": lambda p: xobject_fanout(p, fan=10, depth=6),
    "flate-bomb.pdf": lambda p: flate_bomb(p, 8 * 1024 ** 2),
    "many-objects.pdf": lambda p: many_objects(p, 60_000),
    "lying-zip.docx": lambda p: lying_zip_bomb(p, 2 * 1024 ** 2),
    "empty-paragraphs.docx": lambda p: empty_paragraphs(p, 6 * 1024 ** 2),
    "deep-nesting.docx": lambda p: deep_nesting(p, 80),
    "billion-laughs.docx": billion_laughs,
}
FULL = {  # the sizes the issue measured
    "fanout.pdf": xobject_fanout,
    "flate-bomb.pdf": flate_bomb,
    "many-objects.pdf": many_objects,
    "lying-zip.docx": lying_zip_bomb,
    "empty-paragraphs.docx": empty_paragraphs,
    "deep-nesting.docx": deep_nesting,
    "billion-laughs.docx": billion_laughs,
}


def write_all(folder: Path, makers: dict = FULL) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [make(folder / name) for name, make in makers.items()]


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1])):
        print(f"{written}  {written.stat().st_size:,} bytes")

"""What a Word or PDF file may cost to read, checked before its library parses it.

A letter is a few pages; a file a few KB can still unpack to gigabytes (a zip bomb, a flate
bomb) or make a PDF reader draw the same form billions of times (form XObjects that each
draw the next many times). So before python-docx or PDFium sees a file, its structure is
measured against a budget, with each thing unpacked only as far as the budget allows:

- Word (.docx): every zip member's declared size, and its size as it actually unpacks, is
  held to UNPACK_RATIO times the member's packed size and, all members together, to
  UNPACKED_PER_BYTE times --max-bytes; each XML part is parsed as a stream with a budget
  of elements and of depth, and a DTD (the carrier of entity bombs and external entities,
  which Word never writes) refuses the file.
- PDF: at most MAX_PAGES pages; the content streams and forms of a page decoded to at most
  DECODED_PER_BYTE times --max-bytes for the whole file; at most MAX_DRAWN objects drawn on
  a page, counting each form as often as it is drawn.

Each check returns None when the file is within budget, or the reason it is not, completing
"The file ...", naming the limit. The worker's memory limit (--max-memory) stays the
backstop for what a budget cannot foresee.
"""
from __future__ import annotations

import copy
import io
import re
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

UNPACK_RATIO = 100  # a Word part packs 5 to 20 times; a bomb, thousands
RATIO_FROM = 1024 * 1024  # smaller parts may pack better than that: they cost nothing
UNPACKED_PER_BYTE = 4  # all parts of a Word file together: 4 x --max-bytes (40 MB by default)
MAX_XML_ELEMENTS = 500_000  # in all parts; a 20-page letter has some 50,000
MAX_XML_DEPTH = 64  # a letter's body is 6 to 25 deep (tables, text boxes)
MAX_PAGES = 100
DECODED_PER_BYTE = 4  # page content and forms, decoded, for the whole PDF: 4 x --max-bytes
MAX_DRAWN = 50_000  # objects drawn on one page: text runs, shapes, images, forms' contents
_CHUNK = 64 * 1024


class _Over(Exception):
    """The reason a file is over budget, completing "The file ..."."""


def docx_overrun(path: Path, data: bytes, max_bytes: int) -> str | None:
    """Why reading this Word file would cost more than its budget, or None."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return None  # not a zip: the reader says so
    try:
        with archive:
            _check_members(archive, UNPACKED_PER_BYTE * max_bytes)
    except _Over as over:
        return str(over)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error, NotImplementedError):
        return None  # damaged: the reader says how
    return None


def _check_members(archive: zipfile.ZipFile, total_cap: int) -> None:
    members = archive.infolist()
    declared = sum(member.file_size for member in members)
    if declared > total_cap:
        raise _Over(f"unpacks to {_size(declared)} (as its zip directory declares), more than the "
                    f"{_size(total_cap)} a Word letter may unpack to ({UNPACKED_PER_BYTE} x --max-bytes)")
    for member in members:
        _check_ratio(member.filename, member.file_size, member.compress_size)
    budget = _XmlBudget()
    unpacked = 0
    for member in members:
        unpacked += _unpack(archive, member, total_cap - unpacked,
                            budget if member.filename.endswith((".xml", ".rels")) else None)


def _check_ratio(name: str, size: int, packed: int) -> None:
    if size > RATIO_FROM and size > UNPACK_RATIO * max(packed, 1):
        raise _Over(f"is a zip bomb: its part {name!r} unpacks to {_size(size)} from {_size(packed)}, "
                    f"more than {UNPACK_RATIO} times its packed size")


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, room: int, budget: "_XmlBudget | None") -> int:
    """Unpack one member as far as the budget allows (never past its declared size plus one
    byte, which shows a header that lies), feeding XML parts to the parse budget."""
    reading = copy.copy(member)
    reading.file_size = member.file_size + 1  # read on past the declared size, to catch a lie
    del reading.CRC  # the CRC is checked by the reader; here it would stop the reading at the lie
    parser = budget.parser(member.filename) if budget else None
    count = 0
    with archive.open(reading) as stream:
        while chunk := stream.read(_CHUNK):
            count += len(chunk)
            if count > member.file_size:
                raise _Over(f"is a zip bomb: its part {member.filename!r} unpacks to more than the "
                            f"{_size(member.file_size)} its zip header declares")
            if count > room:
                raise _Over(f"unpacks to more than the {_size(room)} a Word letter may unpack to "
                            f"({UNPACKED_PER_BYTE} x --max-bytes)")
            _check_ratio(member.filename, count, member.compress_size)
            if parser is not None:
                budget.feed(parser, chunk, member.filename)
    if parser is not None:
        budget.feed(parser, b"", member.filename, final=True)
    return count


class _XmlBudget:
    """Elements and depth over all XML parts; a DTD refuses the file."""

    def __init__(self):
        self.elements = 0
        self.depth = 0

    def parser(self, name: str):
        parser = expat.ParserCreate()
        parser.StartElementHandler = lambda tag, attributes: self._start(name)
        parser.EndElementHandler = lambda tag: self._end()
        parser.StartDoctypeDeclHandler = lambda *args: self._dtd(name)
        parser.EntityDeclHandler = lambda *args: self._dtd(name)
        parser.ExternalEntityRefHandler = lambda *args: self._dtd(name)
        return parser

    def feed(self, parser, chunk: bytes, name: str, final: bool = False) -> None:
        try:
            parser.Parse(chunk, final)
        except expat.ExpatError:
            raise zipfile.BadZipFile(name) from None  # not well-formed: the reader reports the damage

    def _start(self, name: str) -> None:
        self.elements += 1
        self.depth += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise _Over(f"holds more than {MAX_XML_ELEMENTS:,} XML elements (in {name!r} and the parts "
                        "before it), more than a Word letter has")
        if self.depth > MAX_XML_DEPTH:
            raise _Over(f"nests its XML more than {MAX_XML_DEPTH} levels deep (in {name!r}), deeper than "
                        "a Word letter does (tables within tables?)")

    def _end(self) -> None:
        self.depth -= 1

    @staticmethod
    def _dtd(name: str) -> None:
        raise _Over(f"declares a DTD or entities in {name!r}, which Word never writes (entities can expand "
                    "without end or read other files); it was not parsed")


# --- PDF ----------------------------------------------------------------------------------

_DRAWING = re.compile(rb"(?<![^\s\])>])(?:Tj|TJ|'|\"|f\*?|F|S|s|B\*?|b\*?|sh|BI)(?=[\s\[(/<]|$)")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?=[\s\[(/<]|$)")


def pdf_overrun(path: Path, data: bytes, max_bytes: int) -> str | None:
    """Why reading this PDF would cost more than its budget, or None. A file pypdf cannot make
    sense of is left to PDFium, which says what is wrong with it."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are PDFium's to report
    try:
        pages = PdfReader(io.BytesIO(data), strict=False).pages
        count = len(pages)
    except Exception:  # noqa: BLE001 - any failure to make sense of it: PDFium decides
        return None
    if count > MAX_PAGES:
        return f"has {count} pages, more than the {MAX_PAGES} a letter can have"
    budget = _PdfBudget(DECODED_PER_BYTE * max_bytes)
    try:
        for number in range(count):
            drawn = budget.page(pages[number])
            if drawn > MAX_DRAWN:
                return (f"draws more than {MAX_DRAWN:,} objects on page {number + 1} (text runs, shapes, images, "
                        "each form counted as often as it is drawn), more than a letter's page has")
    except _Over as over:
        return str(over)
    except Exception:  # noqa: BLE001 - a damaged part: PDFium decides what it makes of it
        return None
    return None


class _PdfBudget:
    def __init__(self, decodable: int):
        self.room = decodable
        self.decodable = decodable
        self.forms: dict[tuple[int, int], int] = {}  # a form's drawn count, by object number

    def page(self, page) -> int:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        streams = [] if contents is None else (
            [item.get_object() for item in contents] if isinstance(contents, list) else [contents])
        text = b"\n".join(self._decoded(stream) for stream in streams)
        return self._drawn(text, page.get("/Resources"), ())

    def _drawn(self, content: bytes, resources, within: tuple) -> int:
        count = len(_DRAWING.findall(content))
        xobjects = _entry(_entry(resources, "/XObject"), None)
        for match in _DO.finditer(content):
            count += self._xobject(xobjects, "/" + match.group(1).decode("latin-1"), within)
            if count > MAX_DRAWN:
                break
        return count

    def _xobject(self, xobjects, name: str, within: tuple) -> int:
        if xobjects is None or name not in xobjects:
            return 1
        reference = xobjects.raw_get(name)
        xobject = xobjects[name].get_object()
        if xobject.get("/Subtype") != "/Form":
            return 1
        key = (getattr(reference, "idnum", id(xobject)), getattr(reference, "generation", 0))
        if key in within:
            return MAX_DRAWN + 1  # a form that draws itself
        if key not in self.forms:
            self.forms[key] = 1 + self._drawn(self._decoded(xobject), xobject.get("/Resources"), (*within, key))
        return self.forms[key]

    def _decoded(self, stream) -> bytes:
        """The stream's data, decoded no further than the bytes left in the budget."""
        filters = stream.get("/Filter")
        filters = [filters] if isinstance(filters, str) else list(filters or [])
        raw = stream._data if hasattr(stream, "_data") else b""
        if filters == ["/FlateDecode"] and not stream.get("/DecodeParms"):
            inflater = zlib.decompressobj()
            try:
                data = inflater.decompress(raw, self.room + 1)
            except zlib.error:
                data = b""
        elif not filters:
            data = raw
        else:  # other filters: pypdf's decoders, which bound their own output
            data = stream.get_data()
        if len(data) > self.room:
            raise _Over(f"holds page content that decodes to more than {_size(self.decodable)} "
                        f"({DECODED_PER_BYTE} x --max-bytes), more than a letter's pages need")
        self.room -= len(data)
        return data


def _entry(dictionary, key: str | None):
    if dictionary is None:
        return None
    dictionary = dictionary.get_object()
    if key is None:
        return dictionary if hasattr(dictionary, "raw_get") else None
    value = dictionary.get(key) if hasattr(dictionary, "get") else None
    return value.get_object() if value is not None else None


def _size(count: int) -> str:
    from .read import describe_size

    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:,.0f} MB" if count % (1024 * 1024) else describe_size(count)
    return f"{count:,} bytes"

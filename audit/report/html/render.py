"""Jinja2 set up for the report: autoescaping always on, and safe JSON data blocks."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

HERE = Path(__file__).parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "base-uri 'none'; form-action 'none'")

# Inside <script type="application/json"> only "</script" could end the block early; escaping
# every <, > and & (valid JSON string escapes) rules that out whatever the data holds.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_data(value) -> Markup:
    """JSON to embed in a data block; never markup, whatever strings it holds."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.translate(_JSON_ESCAPES))


# How each kind of text segment is marked up (views.Segment); text is escaped, always.
_SEGMENT_TAGS = {
    "value": ("mark", None),  # the most frequent kind: a bare <mark> keeps pages small
    "agree": ("mark", "agree"),
    "slot": ("span", "slot"),
    "ins": ("ins", None),
    "del": ("del", None),
    "missing": ("del", "missing"),
}


def text_escape(text: str) -> str:
    """Text as the content of an element: &, < and > escaped (quotes need no escaping there)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute_escape(text: str) -> str:
    """Text as a quoted attribute value."""
    return text_escape(text).replace('"', "&#34;")


def segments_html(segments) -> Markup:
    """A paragraph's segments as HTML. Done here rather than in a template macro: a large batch
    renders millions of segments, and a macro call each is the report's slowest part."""
    return Markup(_segments(segments))


def _segments(segments) -> str:
    parts = []
    for segment in segments:
        text = text_escape(segment.text)
        if segment.kind == "text":
            parts.append(text)
            continue
        tag, css_class = _SEGMENT_TAGS[segment.kind]
        attributes = f' class="{css_class}"' if css_class else ""
        if segment.label:
            attributes += f' title="{attribute_escape(segment.label)}"'
        parts.append(f"<{tag}{attributes}>{text}</{tag}>")
    return "".join(parts)


def field_rows(fields) -> Markup:
    """The rows of a letter's fields table (views.FieldView); built here for speed, escaped."""
    rows = []
    for field in fields:
        value = text_escape(field.value)
        if field.target:
            cell = f'<a href="#{attribute_escape(field.target)}">{value}</a>'
        else:
            cell = value or '<span class="none">not found</span>'
        if field.cell:
            cell += f' <span class="where">({text_escape(field.cell)})</span>'
        rows.append(f"<tr><th>{text_escape(field.name)}</th><td>{cell}</td></tr>\n")
    return Markup("".join(rows))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True, undefined=StrictUndefined,
                      auto_reload=False,  # package data: never changes during a run; no stat per page
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["json_data"] = json_data
    env.filters["segments"] = segments_html
    env.filters["field_rows"] = field_rows
    env.filters["thousands"] = "{:,}".format
    env.globals["csp"] = CONTENT_SECURITY_POLICY
    return env


# Rows are rendered here rather than in the page template: a batch of 10,000 letters has
# some 400,000 rows, and a template loop with its conditionals is the report's slowest part.
_ROW_NOTES = {"belongs": "where it stands"}


def row_html(row) -> str:
    """One row of the letter (views.Row) as HTML, without its closing tag. Every text is escaped.
    Kept terse, as most of a page is rows: a matching paragraph is `<div id="L12" data-ln="12">
    <p>text</p>`; other kinds add a class; the line number is shown by the stylesheet."""
    classes = "" if row.kind == "exact" else f"kind-{row.kind}"
    if row.heading:
        classes = f"{classes} heading".lstrip()
    parts = [f'<div id="{attribute_escape(row.anchor)}"', f' class="{classes}"' if classes else "",
             f' data-ln="{row.line}">' if row.line else ">"]
    if row.kind in ("missing", "free"):  # other rows' template side is built in the browser when asked for
        parts.append(f'<p class="tmpl">{_segments(row.template)}</p>')
    parts.append(f"<p>{_segments(row.letter)}</p>")
    if row.note or row.partner or row.pages:
        parts.append('<div class="notes">')
        for page in row.pages:  # a PDF's page break: the page begins in this paragraph
            parts.append(f'<span class="page-mark">page {page} begins</span> ')
        if row.note:
            parts.append(f'<span class="note">{text_escape(row.note)}</span>')
        if row.partner:
            label = _ROW_NOTES.get(row.kind, "where it belongs")
            parts.append(f' <a class="partner" href="#{attribute_escape(row.partner)}">{label}</a>')
        parts.append("</div>")
    return "".join(parts)


def mark_values(html: str, fields: set[str], kind: str) -> str:
    """The values of `fields` in a row's HTML marked as `kind` (wrong or involved): focusable."""
    for name in fields:
        label = attribute_escape(name)
        html = html.replace(f'<mark title="{label}">', f'<mark class="{kind}" tabindex="0" title="{label}">')
    return html

"""Jinja2 set up for the report: autoescaping always on, and safe JSON data blocks."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

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
    "value": ("mark", "value"),
    "agree": ("mark", "agree"),
    "slot": ("span", "slot"),
    "ins": ("ins", "ins"),
    "del": ("del", "del"),
    "missing": ("del", "missing"),
}


def segments_html(segments) -> Markup:
    """A paragraph's segments as HTML. Done here rather than in a template macro: a large batch
    renders millions of segments, and a macro call each is the report's slowest part."""
    parts = []
    for segment in segments:
        text = escape(segment.text)
        if segment.kind == "text":
            parts.append(text)
            continue
        tag, css_class = _SEGMENT_TAGS[segment.kind]
        title = f' title="{escape(segment.label)}"' if segment.label else ""
        parts.append(f'<{tag} class="{css_class}"{title}>{text}</{tag}>')
    return Markup("".join(parts))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["json_data"] = json_data
    env.filters["segments"] = segments_html
    env.filters["thousands"] = "{:,}".format
    env.globals["csp"] = CONTENT_SECURITY_POLICY
    return env

"""The inferred template as text, in the documented template format, with comments for the reviewer."""
from __future__ import annotations

import json
import re
from pathlib import Path

from . import BlockKind
from ..report.escape import shown_path, terminal_safe, toml_string
from .kinds import MARKER, PERSON_PATTERN, ValueKind

SHOWN_BREAKERS = 10
# Wording a template cannot hold as text, written as a field whose type is exactly that text
MARKERS = {"comment_open": (r"<!\-\-", "<!-- in the wording, which as text would open a comment"),
           "open_brace": (r"\{", "a { right before a value, which as text would make {{{")}
BASES = ("text", "free", "int", "decimal", "money", "percent", "date", "person")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def render(inference, checks: bool = True) -> str:
    body = "\n\n".join(_body(inference))
    markers = [name for name in MARKERS if "{{%s}}" % name in body]
    return "+++\n" + "\n".join(_header(inference, checks, markers)) + "\n+++\n\n" + body + "\n"


def _header(inference, checks: bool, markers: list[str]) -> list[str]:
    used = inference.used
    lines = [f"# Inferred by `letter-audit template infer` from {used} letters"
             + (f" (a sample of the {len(inference.paths)} given)" if len(inference.sample) < len(inference.paths) else "")
             + ".",
             "# Review it before use: rename fields, delete checks that are coincidences, mark what may vary."]
    number, count = inference.version
    if count > 1:
        dates = inference.dates
        lines.append(f"# Version {number} of {count} of this form, followed by {len(inference.paths) - len(inference.outliers)} "
                     f"letters" + (f" dated {dates[0].isoformat()} to {dates[1].isoformat()}" if dates else "")
                     + "; the other versions are in the files written beside this one.")
    if inference.outliers:
        lines.append(f"# Left out as unlike the others: {file_names(inference.outliers)}.")
    verified = inference.verification
    if verified:
        lines.append(f"# Audited with it, {verified.matching} of {verified.letters} letters have every paragraph "
                     f"as written here; {len(verified.unrecognised)} match nothing.")
    lines += [f"name = {_string(inference.name)}", f"title = {_string(inference.name)}"]
    if inference.form_versions:
        lines += _versions(inference.form_versions)
    redactions = sorted({m for f in inference.fields.values() for v in f.values.values()
                         if not MARKER.sub("", v).strip(" .,;:") for m in MARKER.findall(v)})
    if redactions:
        lines.append("withheld = [" + ", ".join(_string(m) for m in redactions) + "]  # redaction markers standing for values")
    if inference.date_order != "dmy":
        lines.append(f"date_order = {_string(inference.date_order)}  # numeric dates are month first: some have a day above 12 second")
    if inference.year is not None:
        lines.append(f"year = {inference.year}  # the commonest year of the dates in the letters")
    if inference.key_field:
        duplicates = verified.duplicate_keys if verified else 0
        lines.append(f"key_field = {_string(inference.key_field)}  # different in every letter"
                     + (f" but {duplicates} values shared by several letters" if duplicates else ""))
    if inference.overview:
        lines.append("overview_fields = [" + ", ".join(_string(n) for n in inference.overview) + "]")
    types = {name: MARKERS[name][0] for name in markers}
    for name, info in inference.fields.items():
        if info.kind == ValueKind.PERSON:
            types[ValueKind.PERSON.value] = PERSON_PATTERN
        if info.pattern:
            types[_own_type(name)] = info.pattern
    if types:
        lines += ["", "[types]  # kinds of value of these letters, as regular expressions"]
        lines += [f"{name} = '''{pattern}'''" for name, pattern in types.items()]
    lines += ["", "[fields]  # each with three values found in the letters"]
    for name, info in inference.fields.items():
        kind = _own_type(name) if info.pattern else info.kind
        examples = ", ".join(_CONTROL.sub(" ", json.dumps(v, ensure_ascii=False)) for v in info.examples)
        lines.append(f"{name} = {{ type = {_string(kind)} }}  # e.g. {examples}")
    lines += [f'{name} = {{ type = "{name}" }}  # {MARKERS[name][1]}' for name in markers]
    if checks:
        for relation in inference.relations:
            lines += ["", f"# holds in {relation.holds} of {relation.applies} letters"
                      + (f"; breaks in {file_names(relation.breakers)}" if relation.breakers else ""),
                      "[[checks]]", f"expr = {_string(relation.expr)}", f"message = {_string(relation.message)}"]
    return lines


def _versions(versions) -> list[str]:
    """The form's versions: how many letters follow each and, when they carry dates, when."""
    lines = ["# The versions of the form: the paragraphs of some of them only are marked {versions: ...}"]
    for version in versions:
        dates = f", dated {version.dates[0].isoformat()} to {version.dates[1].isoformat()}" if version.dates else ""
        read = f"; check reads {version.read} letters as it ({version.mixed} mixing versions)" if version.read else ""
        lines.append(f"#   {version.name}: learned from {version.letters} letters{dates}{read}")
    return lines + ["versions = [" + ", ".join(_string(v.name) for v in versions) + "]"]


def _body(inference) -> list[str]:
    paragraphs = []
    for block in inference.blocks:
        if block.note:
            paragraphs.append(f"<!-- {_comment(block.note)} -->")
        if block.versions or (block.optional and block.kind == BlockKind.TEXT):
            # a paragraph of some versions; a heading of some is one too, not a section
            text = f"{_literal(block.wording.text)}" if block.kind == BlockKind.HEADING else _paragraph(block.wording)
            marks = (f" {{versions: {', '.join(block.versions)}}}" if block.versions else "") \
                + (" {optional}" if block.optional else "")
            paragraphs.append(text + marks if block.kind != BlockKind.FREE
                              else f"<!-- free: {_comment(block.wording.text)} -->")
        elif block.kind == BlockKind.HEADING:
            paragraphs.append(f"# {_literal(block.wording.text)}" + (" {optional}" if block.optional else ""))
        elif block.kind == BlockKind.FREE:
            paragraphs.append(f"<!-- free: {_comment(block.wording.text)} -->")
        else:
            paragraphs.append(_paragraph(block.wording) + (" {optional}" if block.optional else ""))
    return paragraphs


def _paragraph(wording) -> str:
    text, parts, position = wording.text, [], 0
    for offset in wording.lines:  # a table keeps its rows on lines of their own
        if 0 < offset <= len(text) and text[offset - 1] == " ":
            text = text[:offset - 1] + "\n" + text[offset:]
    for hole in wording.holes:
        literal = _literal(text[position:hole.start])
        parts.append(literal[:-1] + "{{open_brace}}" if literal.endswith("{") else literal)
        parts.append(_slot(hole, text))
        position = hole.end
    parts.append(_literal(text[position:]))
    return "".join(parts)


def _slot(hole, text: str) -> str:
    if hole.kind == ValueKind.AGREEMENT:
        return "{{%s|%s}}" % hole.forms
    if hole.kind != ValueKind.VARIANT:
        return "{{%s%s}}" % (hole.name, "..." if hole.items else "")
    slot = "{{one of: " + " | ".join(c.replace("|", "\\|") for c in hole.choices) + "}}"
    if hole.start == hole.end:  # words some letters add: spaced from the wording either side
        slot = (" " if hole.start > 0 and not text[hole.start - 1].isspace() else "") + slot \
            + (" " if hole.end < len(text) and not text[hole.end].isspace() else "")
    return slot


def _literal(text: str) -> str:
    return text.replace("{{", "\\{{").replace("<!--", "{{comment_open}}")


def _own_type(field: str) -> str:
    name = f"{field}_text"
    return name if name not in BASES else f"{name}_2"


def _string(value: str) -> str:
    return toml_string(value)


def _comment(text: str) -> str:
    return " ".join(text.replace("--", "-").replace(">", "›").split())


def file_names(paths) -> str:
    """File names for a comment line: never a line end or a control character of a name."""
    shown = ", ".join(terminal_safe(shown_path(Path(path).name)) for path in paths[:SHOWN_BREAKERS])
    return shown + (f" and {len(paths) - SHOWN_BREAKERS} more" if len(paths) > SHOWN_BREAKERS else "")

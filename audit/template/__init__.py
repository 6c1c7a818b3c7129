"""Canonical letter templates: a TOML header and a Markdown-like body, compiled once.

Body syntax (docs/templates.md):
  blank-line separated paragraphs     boilerplate, matched after normalisation
  # Heading  /  # Heading {optional}  a paragraph that starts a (required or optional) section
  A paragraph. {versions: 2023}       a paragraph of some versions of the form only (header: versions)
  {{by version: 2021: A | 2023: B}}   the wording each version of the form uses
  {{field}} or {{field:type}}         a placeholder, extracted as a typed field
  {{singular|plural}}                 a noun that must agree with the number before it
  \\{{                                 a literal {{ (single braces are always literal)
  <!-- free: description -->          any paragraphs may stand here (image descriptions, ...)

The `{{…}}` syntax is parsed in parse.py and nowhere else: each paragraph becomes its `parts`
(literal text and Slots, in order) and one anchored regex whose named groups map to the
slots. Extraction, the expected text of a paragraph, the HTML overlay and grammar-number
all work from these parts. Every problem of a template is collected with the line it is
on and reported at once (TemplateError), before any letter is read.

Three modules: parse.py reads a template file's text into a Template (model.py, what every
stage reads), load.py finds a run's templates and checks them together.
"""
from .load import default_template_dir, load_template, load_templates, name_line, template_files
from .model import (MAX_FIELD_CHARS, Check, DeclaredRule, FieldSpec, MessagePart, Section, Slot, Template,
                    TemplateError, TemplateParagraph, Version, by_boilerplate, merge_paragraphs)
from .parse import parse_template

__all__ = ["MAX_FIELD_CHARS", "Check", "DeclaredRule", "FieldSpec", "MessagePart", "Section", "Slot", "Template",
           "TemplateError", "TemplateParagraph", "Version", "by_boilerplate", "default_template_dir", "load_template",
           "load_templates", "merge_paragraphs", "name_line", "parse_template", "template_files"]

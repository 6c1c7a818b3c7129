"""The rules page (rules.html): the catalogue as ruff documents its rules, one entry per rule:
summary, why it matters, a bad and a good example, how to check a finding. Findings link here."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from enum import StrEnum


class BlockKind(StrEnum):
    TEXT = "text"  # a paragraph of the rule's documentation
    EXAMPLE = "example"  # an indented example, shown as written


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    label: str = ""  # an example's caption ("Bad", "Good")


@dataclass(frozen=True)
class RuleView:
    id: str
    severity: str
    summary: str
    blocks: list[Block]
    hint: str
    batch: bool


def rules_page(rules: dict) -> list[RuleView]:
    """`rules`: the run's catalogue (Settings.rules)."""
    return [RuleView(rule.id, rule.severity, rule.summary, doc_blocks(rule.doc), rule.hint, rule.batch)
            for rule in rules.values()]


def doc_blocks(doc: str) -> list[Block]:
    """A rule docstring's paragraphs; a paragraph ending in `::` captions the indented example after it."""
    blocks: list[Block] = []
    caption = None
    for chunk in _chunks(doc):
        if caption is not None and chunk.startswith((" ", "\t")):
            blocks.append(Block(BlockKind.EXAMPLE, textwrap.dedent(chunk).strip("\n"), caption))
            caption = None
            continue
        if caption is not None:
            blocks.append(Block(BlockKind.TEXT, caption + ":"))
            caption = None
        text = " ".join(chunk.split()).replace("``", "")
        if text.endswith("::"):
            caption = text[:-2]
        elif text:
            blocks.append(Block(BlockKind.TEXT, text))
    if caption is not None:
        blocks.append(Block(BlockKind.TEXT, caption + ":"))
    return blocks


def _chunks(doc: str) -> list[str]:
    """Paragraphs separated by blank lines; an indented example may hold blank lines of its own."""
    chunks, current = [], []
    for line in doc.splitlines():
        if not line.strip():
            if current:
                chunks.append("\n".join(current))
                current = []
            continue
        if current and current[0].startswith((" ", "\t")) != line.startswith((" ", "\t")):
            chunks.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        chunks.append("\n".join(current))
    return chunks

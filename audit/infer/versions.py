"""Versions of one form, learned apart, written as one template with versions (docs/templates.md).

infer_versions learns each version of a form from its own letters. Versions that share most
of their paragraphs are one form redrafted (a paragraph added in some period, a sentence
reworded): their paragraph lists are merged in order, a paragraph of every version written
once, and one of some versions only marked `{versions: ...}`. A version sharing little with
the others is another form: it stays a template of its own, written beside the first.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from . import REQUIRED_SHARE, Block, BlockKind, FieldInfo, Inference
from .kinds import MARKER, ValueKind

AS_GOOD = 0.9  # one template is written when this share of the letters passing the templates apart pass it
SHARED = 0.3  # a version sharing at least this share of its paragraphs with the first version (and
MIN_SHARED = 3  # at least this many) is the same form redrafted
SAME_SENTENCE = 85  # this similar, their values aside, two paragraphs filled in differently are one
CROSSING = 0.05  # a paragraph this share of another version's letters carry (2 at least) tells no version
_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")


@dataclass
class FormVersion:
    """A version of the form within one inferred template."""

    name: str
    letters: int  # the letters learned it from (the sample, outliers aside)
    dates: tuple | None  # the range of the first date its letters carry
    read: int = 0  # letters `check` reads as following it, when the batch is audited with the template
    mixed: int = 0  # of those, letters carrying paragraphs of another version too
    crossing: Counter = field(default_factory=Counter)  # paragraph of another version -> letters of this one carrying it


def one_template(versions: list[Inference], verify, passing) -> list[Inference]:
    """The versions with those that are the first one's form redrafted as one template
    recording them, when their letters pass it about as well (AS_GOOD) as they pass `check`
    given the templates of the versions apart; else the versions as they were.
    `verify(inference)` audits the inference's letters with it, `passing(inferences)` counts
    the letters passing with all their templates."""
    merged, same = merge_versions(versions)
    if merged is None:
        return versions
    merged.verification = verify(merged)
    settle_versions(merged, lambda: verify(merged))
    if merged.verification.matching < AS_GOOD * passing([versions[0], *same]):
        return versions
    result = [merged, *(v for v in versions[1:] if v not in same)]
    for number, version in enumerate(result, start=1):
        version.name = versions[0].name if number == 1 else f"{versions[0].name}-v{number}"
        version.version = (number, len(result))
    return result


def merge_versions(versions: list[Inference]) -> tuple[Inference | None, list[Inference]]:
    """The versions that are the first one's form redrafted, as one inference with form
    versions (None when there are none), and those versions but the first."""
    first, rest = versions[0], versions[1:]
    same: list[Inference] = []
    for version in rest:  # the same form as the first, or as a version already found to be
        if any(_shared(version, other) >= SHARED or _shared(other, version) >= SHARED for other in [first, *same]):
            same.append(version)
    if not same:
        return None, []
    parts = sorted([first, *same], key=_chronological)
    names = [f"v{k}" for k in range(1, len(parts) + 1)]
    merged: list[tuple[Block, set[str]]] = []
    fields: dict[str, FieldInfo] = {}
    relations, seen, renamed = [], set(), {}
    for name, part in zip(names, parts):
        renames = renamed[id(part)] = _merge_blocks(merged, part, name, set(fields))
        for field_name, info in part.fields.items():
            _merge_field(fields, renames.get(field_name, field_name), info, name)
        for relation in part.relations:  # copied: the part stays as it was, should it be written on its own
            relation = replace(relation, fields=tuple(renames.get(f, f) for f in relation.fields), breakers=[])
            if (relation.kind, relation.fields, relation.offset) not in seen:
                seen.add((relation.kind, relation.fields, relation.offset))
                relations.append(relation)
    everyone = set(names)
    blocks = [replace(block, versions=tuple(n for n in names if n in held)) if held != everyone and _worded(block)
              else replace(block, versions=(), optional=block.optional or held != everyone)
              for block, held in merged]
    placed = {hole.name for block in blocks for hole in block.wording.holes}  # a paragraph kept for another's
    inference = Inference(
        first.name, [p for part in parts for p in part.paths], [p for part in parts for p in part.sample],
        sorted(p for part in parts for p in part.outliers), [p for part in parts for p in part.unreadable],
        blocks, {n: info for n, info in fields.items() if n in placed},
        [r for r in relations if set(r.fields) <= placed], first.year, None, [],
        date_order="mdy" if any(part.date_order == "mdy" for part in parts) else "dmy")
    own = renamed[id(first)]
    key = own.get(first.key_field, first.key_field)
    inference.key_field = key if key in inference.fields else None
    inference.overview = [n for n in dict.fromkeys(own.get(n, n) for n in first.overview) if n in inference.fields]
    inference.used = sum(part.used for part in parts)
    inference.form_versions = [FormVersion(name, len(part.paths) - len(part.outliers), part.dates)
                               for name, part in zip(names, parts)]
    _collapse(inference)
    return inference, same


def _key(block: Block) -> str:
    """What a paragraph is, its values aside: paragraphs of two versions with one key are one."""
    from .render import _paragraph  # render imports this package

    if block.kind == BlockKind.FREE:
        return "<free>"
    return _PLACEHOLDER.sub("⟨⟩", _paragraph(block.wording)) if block.kind == BlockKind.TEXT else block.wording.text


def _worded(block: Block) -> bool:
    """A paragraph with words of its own: one of placeholders and redaction markers only (a
    redacted line, a name) looks the same in every version's letters and tells none apart."""
    return block.kind != BlockKind.TEXT or bool(re.search(r"\w", MARKER.sub("", _key(block))))


def _shared(version: Inference, first: Inference) -> float:
    own = {_key(b) for b in version.blocks if b.kind == BlockKind.TEXT}
    both = own & {_key(b) for b in first.blocks if b.kind == BlockKind.TEXT}
    return len(both) / len(own) if len(both) >= MIN_SHARED else 0.0


def _chronological(version: Inference):
    """Oldest first when the letters carry dates; else the largest first (as learned)."""
    dates = version.dates
    return (dates is None, dates[0] if dates else None, -len(version.paths))


def _merge_blocks(merged: list[tuple[Block, set[str]]], part: Inference, name: str, taken) -> dict[str, str]:
    """Merge the part's paragraphs into `merged` in order, the part's version added to those it
    shares; returns the renames of its fields: to the names the paragraphs it shares use, and
    away from the names (`taken`) that earlier versions' other paragraphs use."""
    opcodes = SequenceMatcher(None, [_key(block) for block, _ in merged], [_key(block) for block in part.blocks],
                              autojunk=False).get_opcodes()
    renames: dict[str, str] = {}
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            for (block, _), other in zip(merged[i1:i2], part.blocks[j1:j2]):
                renames.update((hole.name, kept.name) for hole, kept in zip(other.wording.holes, block.wording.holes)
                               if hole.name and kept.name)
    for field_name in part.fields:
        if field_name not in renames and field_name in taken:  # one name, another paragraph: another field
            renames[field_name] = next(f"{field_name}_{name}" + (f"_{k}" if k else "") for k in range(len(taken) + 1)
                                       if f"{field_name}_{name}" + (f"_{k}" if k else "") not in taken)
    blocks = [_renamed(block, renames) for block in part.blocks]
    result: list[tuple[Block, set[str]]] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            for (block, held), other in zip(merged[i1:i2], blocks[j1:j2]):
                held.add(name)
                if other.optional and not block.optional and block.kind == BlockKind.TEXT:
                    block = replace(block, optional=True, note=other.note)  # this version's letters may leave it out
                result.append((block, held))
            continue
        olds, news = list(merged[i1:i2]), blocks[j1:j2]
        for k, (block, held) in enumerate(olds):  # one sentence its letters fill in differently: one paragraph
            other = next((b for b in news if _same_sentence(block, b)), None)
            if other is not None:
                news.remove(other)
                olds[k] = (min(block, other, key=_literal_length), held | {name})
        result += olds
        # a paragraph of this version that some of its letters lack: they may (presence decides, as for sections);
        # one its section's letters may leave out (as learned) stays optional
        result += [(replace(block, optional=block.optional or (block.kind == BlockKind.TEXT
                                                               and block.letters < REQUIRED_SHARE * part.used))
                    if block.kind != BlockKind.HEADING else block, {name}) for block in news]
    merged[:] = result
    return renames


def _renamed(block: Block, renames: dict[str, str]) -> Block:
    """The block with its holes renamed (a copy: the part keeps its own)."""
    if not any(renames.get(hole.name, hole.name) != hole.name for hole in block.wording.holes):
        return block
    holes = [replace(hole, name=renames.get(hole.name, hole.name)) for hole in block.wording.holes]
    return replace(block, wording=replace(block.wording, holes=holes))


def _same_sentence(block: Block, other: Block) -> bool:
    """Two paragraphs of one wording that the letters fill in differently (the values cut
    another way, more or fewer of them): not a wording of one version, but one paragraph."""
    if block.kind != BlockKind.TEXT or other.kind != BlockKind.TEXT \
            or len(block.wording.holes) == len(other.wording.holes):
        return False  # the same values, other words: a rewording that tells the versions apart
    return fuzz.ratio(_literal(block), _literal(other)) >= SAME_SENTENCE


def _literal(block: Block) -> str:
    text, position, kept = block.wording.text, 0, []
    for hole in block.wording.holes:
        kept.append(text[position:hole.start])
        position = hole.end
    return " ".join("".join([*kept, text[position:]]).split())


def _literal_length(block: Block) -> int:
    """The fewer fixed words, the more ways of filling the paragraph in its pattern takes."""
    return len(_literal(block))


def _merge_field(fields: dict[str, FieldInfo], name: str, info: FieldInfo, version: str) -> None:
    values = {(version, index): value for index, value in info.values.items()}
    known = fields.get(name)
    if known is None:
        fields[name] = FieldInfo(name, info.kind, values, info.pattern)
        return
    known.values.update(values)
    if known.kind != info.kind:  # read as one kind by one version and another by the other
        known.kind, known.pattern = ValueKind.TEXT, None


def settle_versions(inference: Inference, verify, rounds: int = 2) -> None:
    """A paragraph marked for some versions that letters `check` reads as another carry too (a
    share CROSSING of them) tells no version apart: it becomes a paragraph its versions and
    theirs may leave out. Versions no paragraph tells apart then are one; verify again."""
    for _ in range(rounds):
        crossing = {}
        for version in inference.form_versions:
            least = max(2, CROSSING * version.read)
            for text, count in version.crossing.items():
                if count >= least:
                    crossing.setdefault(text, set()).add(version.name)
        if not crossing:
            return
        everyone = {v.name for v in inference.form_versions}
        blocks = []
        for block in inference.blocks:
            carriers = crossing.get(_skeleton(block)) if block.versions else None
            if carriers:
                held = set(block.versions) | carriers
                block = replace(block, versions=() if held == everyone else
                                tuple(v.name for v in inference.form_versions if v.name in held), optional=True)
            blocks.append(block)
        inference.blocks = blocks
        _collapse(inference)
        inference.verification = verify()
        if not inference.form_versions:
            return


def _skeleton(block: Block) -> str:
    """The block as the engine shows a template paragraph (placeholders as ⟨field⟩)."""
    from .render import _paragraph

    text = _paragraph(block.wording) if block.kind == BlockKind.TEXT else block.wording.text
    text = re.sub(r"\{\{([^{}|]*)\|([^{}]*)\}\}", r"\1/\2", text)
    return " ".join(_PLACEHOLDER.sub(lambda m: f"⟨{m.group(0)[2:-2].strip()}⟩", text).replace("\\{{", "{{").split())


def _collapse(inference: Inference) -> None:
    """Versions that no marked paragraph tells apart are one (the template language requires
    every two to be told apart); the versions left are named v1, v2... again, in order."""
    signature = {v.name: tuple(v.name in b.versions for b in inference.blocks if b.versions)
                 for v in inference.form_versions}
    kept: dict[tuple, FormVersion] = {}
    for version in inference.form_versions:
        first = kept.setdefault(signature[version.name], version)
        if first is not version:
            first.letters += version.letters
            first.dates = _wider(first.dates, version.dates)
    renamed = {v.name: f"v{k}" for k, v in enumerate(kept.values(), start=1)}
    renamed = {name: renamed[kept[signature[name]].name] for name in signature}
    for k, version in enumerate(kept.values(), start=1):
        version.name = f"v{k}"
    inference.form_versions = list(kept.values()) if len(kept) > 1 else []
    everyone = set(v.name for v in inference.form_versions)
    blocks = []
    for block in inference.blocks:
        held = tuple(dict.fromkeys(renamed[n] for n in block.versions))
        blocks.append(replace(block, versions=held if everyone and set(held) != everyone else ()))
    inference.blocks = blocks


def _wider(a, b):
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), max(a[1], b[1]))

"""Versions of a form in one template (docs/templates.md): the header declares them, paragraphs
and wordings say which versions have them; every mistake is a FILE:LINE error of
`template check`, and `check` reads each letter against its own version."""
from __future__ import annotations

import pytest

from audit.settings import Settings
from audit.template import TemplateError, parse_template

from support import ROOT, audit_text

TEMPLATE = ROOT / "tests" / "fixtures" / "templates" / "versioned-notice.md"
HEAD = '+++\nname = "v"\nversions = ["2021", "2023"]\n+++\n\n'

BROKEN = [
    (HEAD + "Old text. {versions: 2022}\n", 6, "names the version '2022', which the header does not declare"),
    (HEAD + "Old text. {versions: 2021, 2023}\n", 6, "names every version of the form"),
    ('+++\nname = "v"\n+++\n\nOld text. {versions: 2021}\n', 5, "the header declares none"),
    ('+++\nname = "v"\nversions = ["2021"]\n+++\n\nText.\n', 3, "declares one version"),
    ('+++\nname = "v"\nversions = ["2021", "2021"]\n+++\n\nText.\n', 3, "declared twice"),
    ('+++\nname = "v"\nversions = [2021, 2023]\n+++\n\nText.\n', 3, "versions must be a list"),
    (HEAD + "Text.\n", 3, "the versions '2021' and '2023' are not told apart"),
    (HEAD + "No implied {{by version: 2021 wavier | 2023: waiver}}.\n", 6, "each wording starts with the versions"),
    (HEAD + "No implied {{by version: 2021: wavier | 2021: waiver}}.\n", 6, "gives no wording for the version 2023"),
    (HEAD + "No implied {{by version: 2021: waiver | 2023: waiver}}.\n", 6, "two or more different wordings"),
    (HEAD + "# Notes {versions: 2023}\n\nText. {versions: 2021}\n", 8, "in a section of the versions 2023 only"),
    (HEAD + "Text. {versions: 2023}\n\n{versions: 2023}\n", 8, "{versions: ...} marks nothing"),
    (HEAD + "Old. {versions: 2021}\n\nNew. {version: 2023}\n", 8, "one mark at its end"),
    (HEAD + "Old. {versions: 2021} {versions: 2023}\n", 6, "one mark at its end"),
    (HEAD + "No implied {{by version: 2021: wavier | 2021, 2023: waiver}}.\n", 6, "the version 2021 two wordings"),
]


@pytest.mark.parametrize("source, line, words", BROKEN, ids=[case[2] for case in BROKEN])
def test_version_mistakes_are_file_line_errors(source, line, words):
    with pytest.raises(TemplateError) as raised:
        parse_template(source)
    assert any(p.startswith(f"<template>:{line}: ") and words in p for p in raised.value.problems), raised.value.problems


def test_marks_in_either_order_and_a_section_of_some_versions():
    template = parse_template(HEAD + "Added. {optional} {versions: 2023}\n\nOld. {versions: 2021}\n\n"
                                     "A \\{versions: 2021} stays text.\n\n# Notes {versions: 2023}\n\nA note.\n")
    added, old, literal, heading, note = template.paragraphs
    assert (added.versions, added.version_required, added.optional) == (("2023",), False, True)
    assert (old.versions, old.version_required) == (("2021",), True)
    assert heading.versions == note.versions == ("2023",) and not template.sections["Notes"].required
    assert literal.text == "A {versions: 2021} stays text." and literal.versions == ()
    assert [v.name for v in template.versions] == ["2021", "2023"]


def test_a_table_of_versions_keeps_their_descriptions():
    template = parse_template(TEMPLATE.read_text(encoding="utf-8"), TEMPLATE)
    assert [(v.name, v.description) for v in template.versions] == [
        ("2021", "the first form"), ("2023", "redrafted: a sworn statement added, a typo fixed")]


def test_a_letter_of_the_first_version_lacking_its_paragraph_is_missing_it_not_another_version(tmp_path):
    letter = (ROOT / "tests" / "fixtures" / "versioned-notice" / "2021.md").read_text(encoding="utf-8")
    letter = letter.replace("We write on behalf of Example Publishing about copies of its works on your service.\n", "")
    letter = letter.replace("implied wavier", "implied waver")  # nothing left of its own: told by absence
    _, result = audit_text(tmp_path, letter, "l.md", Settings(template_paths=[TEMPLATE]))
    rules = sorted(f.rule for f in result.findings)
    assert rules == ["boilerplate-changed", "form-version", "missing-paragraph"]
    missing = next(f for f in result.findings if f.rule == "missing-paragraph")
    assert "We write on behalf of Example Publishing about copies" in missing.message


def test_a_missing_section_of_the_letters_version_is_missing_section(tmp_path):
    source = HEAD + ("Dear {{by version: 2021: reader | 2023: Sir}}\n\nOld closing. {versions: 2021}\n\n"
                     "# Sworn statement {versions: 2023}\n\nI swear.\n")
    (tmp_path / "t.md").write_text(source, encoding="utf-8")
    settings = Settings(template_paths=[tmp_path / "t.md"])
    _, old = audit_text(tmp_path, "Dear reader\n\nOld closing.\n", "old.md", settings)
    assert [f.rule for f in old.findings] == ["form-version"]
    _, new = audit_text(tmp_path, "Dear Sir\n\nSworn statement\n\nI swear.\n", "new.md", settings)
    assert [f.message for f in new.findings] == [
        "Follows version 2023 of the form (2 paragraphs and 1 wording of that version)."]
    _, unsworn = audit_text(tmp_path, "Dear Sir\n", "unsworn.md", settings)
    assert sorted(f.rule for f in unsworn.findings) == ["form-version", "missing-section"]


def test_a_section_of_one_version_marked_optional_may_be_left_out(tmp_path):
    source = HEAD + ("Dear {{by version: 2021: reader | 2023: Sir}}\n\nOld closing. {versions: 2021}\n\n"
                     "# Annex {versions: 2023} {optional}\n\nThe annex.\n")
    (tmp_path / "t.md").write_text(source, encoding="utf-8")
    _, new = audit_text(tmp_path, "Dear Sir\n", "new.md", Settings(template_paths=[tmp_path / "t.md"]))
    assert [f.rule for f in new.findings] == ["form-version"]


def _learned(name: str, paragraphs: list[str], dates: list[str], date_order: str = "dmy"):
    """An inference as infer learns one version: a dated first paragraph, then boilerplate."""
    from pathlib import Path

    from audit.infer import Block, BlockKind, FieldInfo, Inference
    from audit.infer.kinds import ValueKind
    from audit.infer.wording import Hole, Wording

    values = dict(enumerate(dates))
    dated = Block(BlockKind.TEXT, Wording("Date: 01/01/2000", [Hole(6, 16, values, ValueKind.DATE, name="sent")]),
                  "", len(dates))
    blocks = [dated, *(Block(BlockKind.TEXT, Wording(text), "", len(dates)) for text in paragraphs)]
    paths = [Path(f"{name}-{k}.md") for k in range(len(dates))]
    return Inference(name, paths, paths, [], [], blocks, {"sent": FieldInfo("sent", ValueKind.DATE, values)}, [],
                     2023, None, [], used=len(dates), date_order=date_order)


SHARED_PARAGRAPHS = ["We write about copies of our works.", "Please remove them.", "Yours faithfully,"]


def test_a_month_first_batch_merged_into_versions_keeps_its_date_order():
    from audit.infer.versions import merge_versions

    old = _learned("n", [*SHARED_PARAGRAPHS, "Old closing."], ["03/14/2021", "04/20/2021"], "mdy")
    new = _learned("n", [*SHARED_PARAGRAPHS, "I swear this is true."], ["05/02/2023", "06/07/2023"])
    merged, same = merge_versions([new, old])
    assert same == [old] and merged.date_order == "mdy"  # the new version's dates, days 12 or less, tell no order
    assert [str(d) for d in merged.dates] == ["2021-03-14", "2023-06-07"]


def test_a_letter_running_a_paragraph_of_its_version_into_the_next_lacks_neither(tmp_path):
    letter = (ROOT / "tests" / "fixtures" / "versioned-notice" / "2023.md").read_text(encoding="utf-8")
    ran = letter.replace("Sworn statement\n\nI swear", "Sworn statement I swear")
    assert ran != letter
    _, result = audit_text(tmp_path, ran, "l.md", Settings(template_paths=[TEMPLATE]))
    assert [(f.rule, f.evidence.get("version")) for f in result.findings] == [("form-version", "2023")]


def test_a_paragraph_learned_optional_stays_optional_when_its_version_is_merged():
    from audit.infer.versions import merge_versions

    old = _learned("n", [*SHARED_PARAGRAPHS, "Old closing."], ["01/02/2021"] * 10)
    new = _learned("n", [*SHARED_PARAGRAPHS, "An annex may follow."], ["01/02/2023"] * 10)
    new.blocks[-1].optional = True  # its section's letters may leave it out, though all 10 of this version hold it
    merged, _ = merge_versions([old, new])
    assert {b.wording.text: (b.versions, b.optional) for b in merged.blocks}["An annex may follow."] == (("v2",), True)


def test_a_paragraph_of_every_version_that_one_version_may_leave_out_is_optional_when_merged():
    from audit.infer.versions import merge_versions

    old = _learned("n", ["Dear GitHub,", *SHARED_PARAGRAPHS, "Old closing."], ["01/02/2021"] * 10)
    new = _learned("n", ["Dear GitHub,", *SHARED_PARAGRAPHS, "I swear this is true."], ["01/02/2023"] * 10)
    new.blocks[1].optional = True  # some letters of the redraft leave the greeting out
    merged, _ = merge_versions([old, new])
    shown = {b.wording.text: (b.versions, b.optional) for b in merged.blocks}
    assert shown["Dear GitHub,"] == ((), True) and shown["Please remove them."] == ((), False)


def test_a_paragraph_of_redaction_markers_only_tells_no_version():
    """A redacted line looks alike in every version's letters: marking it for one version made
    the other's letters "mix versions"."""
    from audit.infer.versions import merge_versions

    old = _learned("n", [*SHARED_PARAGRAPHS, "[private]", "Old closing."], ["01/02/2021"] * 10)
    new = _learned("n", [*SHARED_PARAGRAPHS, "I swear this is true."], ["01/02/2023"] * 10)
    merged, _ = merge_versions([old, new])
    shown = {b.wording.text: (b.versions, b.optional) for b in merged.blocks}
    assert shown["[private]"] == ((), True)
    assert shown["Old closing."] == (("v1",), False) and shown["I swear this is true."] == (("v2",), False)

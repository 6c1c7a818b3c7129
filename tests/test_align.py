"""Alignment tolerates merged, split, reordered, duplicated, missing and extra paragraphs."""
from __future__ import annotations

from support import audit_text, edit, seed_text

ENCOURAGE = ("I would encourage you to share the tool with colleagues and elected members; the information can "
             "provide valuable insights into service areas, early warning signs of problems and is a key source "
             "of information for governance, audit, risk and scrutiny functions.")


def serious(result):
    return [(f.rule, f.line) for f in result.findings if f.severity != "info"]


def test_clean_letter_takes_the_fast_path(tmp_path):
    ctx, result = audit_text(tmp_path, seed_text("004"))
    assert ctx.alignment.fast and serious(result) == []


def test_two_paragraphs_run_together_are_matched_as_one(tmp_path):
    text = edit(seed_text("000"), "functions.\n\nEarlier this year", "functions. Earlier this year")
    ctx, result = audit_text(tmp_path, text)
    assert not ctx.alignment.fast and serious(result) == []


def test_paragraph_split_between_sentences_is_joined(tmp_path):
    text = edit(seed_text("000"), "Again, the emphasis is on learning", "\n\nAgain, the emphasis is on learning")
    ctx, result = audit_text(tmp_path, text)
    assert serious(result) == []
    [pair] = [p for p in ctx.alignment.pairs if p.para and p.para.text.startswith("There are a range")]
    assert pair.kind == "exact" and pair.para.line == 37


def test_missing_extra_and_moved_together(tmp_path):
    text = edit(seed_text("000"), ENCOURAGE + "\n\n", "")
    text = edit(text, "Complaint statistics\n", "Complaint statistics\n\n" + ENCOURAGE + "\n")
    text = edit(text, "By email\n", "By courier\n")
    _, result = audit_text(tmp_path, text)
    assert serious(result) == [("boilerplate-changed", 7), ("paragraph-moved", 21)]


def test_placeholders_still_extracted_when_boilerplate_around_them_changed(tmp_path):
    text = edit(seed_text("000"), "Statistics are based on a total of 2 compliance outcomes for the period",
                "Statistics are based on a grand total of 2 compliance outcomes over the period")
    ctx, result = audit_text(tmp_path, text)
    assert result.fields["compliance_outcomes"] == 2 and result.fields["period_end"] == "2020-03-31"
    [finding] = [f for f in result.findings if f.rule == "boilerplate-changed"]
    assert finding.line == 77 and 'added "grand "' in finding.message.replace('"grand"', '"grand "')


def test_the_same_shape_in_three_sections_goes_to_the_right_section(tmp_path):
    text = edit(seed_text("000"), "This compares to an average of **99%**", "This compares to an average of **98%**")
    text = edit(text, "Complaints upheld\n\n\n\n \n100% of complaints", "100% of complaints")
    ctx, result = audit_text(tmp_path, text)
    assert result.fields["upheld_average"] == 45 and result.fields["compliance_average"] == 98
    assert result.fields["remedy_average"] == 20
    assert serious(result) == [("missing-paragraph", 50)]


def test_a_missing_paragraph_stands_after_its_predecessor_though_another_paragraph_moved(tmp_path):
    """A paragraph moved to the end of the letter says nothing about where the paragraphs after
    its place in the template stand: one of them missing is missing where the template has it."""
    text = seed_text("000")
    moved = next(p for p in text.split("\n\n") if p.startswith("This year, we continue"))
    dropped = next(p for p in text.split("\n\n") if p.startswith("Compliance with recommendations"))
    text = edit(edit(text, moved + "\n\n", ""), dropped + "\n\n", "")
    text = edit(text, "Yours sincerely,", moved + "\n\nYours sincerely,")
    upheld = next(k for k, line in enumerate(text.splitlines(), 1) if line.startswith("Complaints upheld - We uphold"))
    _, result = audit_text(tmp_path, text)
    [missing] = [f for f in result.findings if f.rule == "missing-paragraph"]
    assert "Compliance with recommendations" in missing.message
    assert missing.line == upheld and f"missing after line {upheld}:" in missing.message
    assert [f.rule for f in result.findings if f.severity != "info"] == ["missing-paragraph", "paragraph-moved"]

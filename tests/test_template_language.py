"""The template language of real form letters: optional paragraphs, accepted variants, a
placeholder that takes lines, withheld values, numeric dates, and template and letter read by
one normaliser. Each case is a letter and the findings it must (and must not) raise."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.settings import Settings
from audit.template import TemplateError, parse_template

from support import ROOT, audit_text

TEMPLATE = ROOT / "tests/fixtures/templates/rights-notice.md"
CLEAN = (ROOT / "tests/fixtures/rights-notice/clean.md").read_text(encoding="utf-8")
SETTINGS = Settings(template_paths=[TEMPLATE])
QUIET = {"info"}


def _letter(*edits: tuple[str, str]) -> str:
    text = CLEAN
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


CASES = [  # (name, edits, rules expected (warnings and errors), words the messages hold)
    ("the clean letter", [], set(), []),
    ("the optional paragraph present", [("Reference AB-1234\n", "Reference AB-1234\n\nSent on behalf of the "
                                         "rights holder by its appointed agent.\n")], set(), []),
    ("the other accepted variant", [("(“Example”)", "(Example)")], set(), []),
    ("a wording that is no accepted variant", [("(“Example”)", "(Examples)")], {"boilerplate-changed"},
     ["(Examples)"]),
    ("a required paragraph left out", [("The licence fee of $120.00 was not paid; the amount paid is $120.00.\n", "")],
     {"missing-paragraph"}, ["licence fee"]),
    ("one title on the label's line", [("work(s):\n   COMPUTER", "work(s): COMPUTER")], set(), []),
    ("the colon of a list's label left out", [("work(s):\n   COMPUTER", "work(s)\n   COMPUTER")], set(), []),
    ("redaction marker with a comma the form lacks", [("[private] Rights", "[private], Rights")], set(), []),
    ("redaction marker where a date stands", [("12/27/2017", "[REDACTED]")], set(), []),
    ("markdown the template does not have", [("Reference AB-1234", "**Reference** AB-1234  \\")], set(), []),
    ("the list numbers left out", [("1. Identification", "Identification"), ("2. Locations", "Locations")],
     set(), []),
    ("a follow-up paragraph after the signature", [("Rights Team\n", "Rights Team\n\nPlease reply within 7 days.\n")],
     {"extra-paragraph"}, ["Please reply within 7 days"]),
]


@pytest.mark.parametrize("name, edits, rules, words", CASES, ids=[case[0] for case in CASES])
def test_letter(tmp_path, name, edits, rules, words):
    _, result = audit_text(tmp_path, _letter(*edits), "letter.md", SETTINGS)
    raised = {f.rule for f in result.findings if f.severity not in QUIET}
    assert raised == rules, [(f.rule, f.message) for f in result.findings]
    for word in words:
        assert any(word in f.message for f in result.findings), (word, [f.message for f in result.findings])


def test_values_of_lists_dates_and_redactions(tmp_path):
    _, result = audit_text(tmp_path, CLEAN, "letter.md", SETTINGS)
    assert result.fields["sent"] == "2017-12-27"  # month first, as the template's date_order says
    assert result.fields["titles"] == ["COMPUTER NETWORKING: A TOP-DOWN APPROACH - by J. KUROSE",
                                       "ARTIFICIAL INTELLIGENCE: A MODERN APPROACH - by S. RUSSELL"]
    assert result.fields["urls"] == ["http://example.org/a/networking.pdf", "http://example.org/b/ai.pdf",
                                     "http://example.org/c/ai-2.pdf"]  # a blank line inside the list too
    assert result.fields["agent"] == {"withheld": "[private]"}
    assert result.variants == [{"line": 9, "template_line": 35, "used": "(\"Example\")",
                                "choices": ["(\"Example\")", "(Example)"]}]


def test_json_names_the_variant_used(tmp_path):
    from audit.cli import main

    (tmp_path / "a.md").write_text(_letter(("(“Example”)", "(Example)")), encoding="utf-8")
    out = tmp_path / "out.json"
    main(["check", str(tmp_path / "a.md"), "-t", str(TEMPLATE), "-f", "json", "-o", str(out), "--exit-zero"])
    letter = json.loads(out.read_text(encoding="utf-8"))["letters"][0]
    assert letter["variants"][0]["used"] == "(Example)"


DAY_FIRST = '+++\nname = "d"\n[fields]\nwhen = { type = "date" }\n+++\n\nSent on {{when}}.\n'


@pytest.mark.parametrize("written, read", [("02/08/2022", "2022-08-02"), ("2022-08-02", "2022-08-02"),
                                           ("2.8.2022", "2022-08-02"), ("2 August 2022", "2022-08-02"),
                                           ("August 2, 2022", "2022-08-02"), ("31/02/2024", None)])
def test_numeric_dates_read_day_first_by_default(tmp_path, written, read):
    (tmp_path / "t.md").write_text(DAY_FIRST, encoding="utf-8")
    _, result = audit_text(tmp_path, f"Sent on {written}.\n", "l.txt", Settings(template_paths=[tmp_path / "t.md"]))
    assert result.fields["when"] == read
    assert ({f.rule for f in result.findings} == {"invalid-value"}) == (read is None)


BROKEN = [
    ('+++\nname = "b"\n+++\n\nList: {{items...}} and more.\n', 5, "must end its paragraph"),
    ('+++\nname = "b"\n+++\n\nOne {{one of: only}} choice.\n', 5, "two or more different variants"),
    ('+++\nname = "b"\ndate_order = "ymd"\n+++\n\nText.\n', 3, "date_order must be"),
    ('+++\nname = "b"\nwithheld = "[private]"\n+++\n\nText.\n', 3, "withheld must be a list"),
    ('+++\nname = "b"\n+++\n\n{optional}\n', 5, "{optional} marks nothing"),
]


@pytest.mark.parametrize("source, line, words", BROKEN, ids=[case[2] for case in BROKEN])
def test_template_mistakes_are_file_line_errors(source, line, words):
    with pytest.raises(TemplateError) as raised:
        parse_template(source)
    assert any(p.startswith(f"<template>:{line}: ") and words in p for p in raised.value.problems), raised.value.problems


def test_the_template_body_is_normalised_like_a_letter():
    template = parse_template('+++\nname = "n"\n+++\n\n1. **First** item, see [the site](https://x.org)\n\n'
                              '---\n\n- a bullet\\\n  on two lines\n\n\\{optional} stays text\n')
    assert [p.text for p in template.paragraphs] == ["First item, see the site", "a bullet on two lines",
                                                     "{optional} stays text"]


def test_duplicate_letter_compares_the_whole_text_and_names_what_is_equal(tmp_path, capsys):
    from audit.cli import main

    (tmp_path / "a.md").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "b.md").write_text(CLEAN.replace("ai-2.pdf", "ai-3.pdf"), encoding="utf-8")  # its list differs
    (tmp_path / "c.md").write_text(CLEAN, encoding="utf-8")
    main(["check", str(tmp_path), "-t", str(TEMPLATE), "-f", "json", "-o", str(tmp_path / "out.json"), "--exit-zero"])
    letters = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["letters"]
    duplicates = {Path(r["path"]).name: f["message"] for r in letters for f in r["findings"]
                  if f["rule"] == "duplicate-letter"}
    # b is another notice for the same reference, not the same text: its list of URLs differs
    assert "whole text" not in duplicates["b.md"] and "the reference AB-1234 of" in duplicates["b.md"]
    assert "whole text" in duplicates["a.md"] and "c.md" in duplicates["a.md"]


EXCERPT = Settings(template_paths=[ROOT / "tests/fixtures/templates/markmonitor-excerpt.md"])


@pytest.mark.parametrize("name, rules", [
    ("markmonitor-double-spaced.md", set()),  # every line its own paragraph: the same notice
    ("markmonitor-signed-by.md", {"boilerplate-changed"}),  # "Signed by" where the form has "Sincerely,"
])
def test_excerpts_of_real_notices(tmp_path, name, rules):
    letter, result = audit_text(tmp_path, (ROOT / "tests/fixtures/real" / name).read_bytes(), name, EXCERPT)
    assert {f.rule for f in result.findings if f.severity != "info"} == rules, [f.message for f in result.findings]
    assert result.fields["sent"] in ("2018-08-02", "2016-09-13")  # 08/02/2018 read month first
    assert result.fields["signer"] == {"withheld": "[private]"} or rules
    assert all(item.startswith("http") for item in result.fields["locations"])


HEAD_ALL_OPTIONAL = ('+++\nname = "h"\n+++\n\nA note the publisher may put first. {optional}\n\n'
                     'Dear Sir or Madam, {optional}\n\n# Notice\n\nThe notice itself, word for word.\n\n'
                     '# Statement\n\nThe statement, word for word.\n')


@pytest.mark.parametrize("letter", [
    "Notice\n\nThe notice itself, word for word.\n\nStatement\n\nThe statement, word for word.\n",
    # an edit elsewhere sends the letter through the full alignment, which decides sections there
    "Notice\n\nThe notice itself, word for word.\n\nStatement\n\nThe statement, not word for word.\n",
])
def test_a_letter_head_of_optional_paragraphs_may_be_left_out(tmp_path, letter):
    (tmp_path / "t.md").write_text(HEAD_ALL_OPTIONAL, encoding="utf-8")
    _, result = audit_text(tmp_path, letter, "l.txt", Settings(template_paths=[tmp_path / "t.md"]))
    assert "missing-section" not in {f.rule for f in result.findings}, [f.message for f in result.findings]


STATEMENTS = ('+++\nname = "s"\n+++\n\n# Notice\n\nThe notice itself, word for word.\n\n# Statement\n\n'
              'The first statement.\n\nThe second statement.\n')


@pytest.mark.parametrize("letter", [
    "Notice  \nThe notice itself, word for word.\n\nStatement  \nThe first statement.  \nThe second statement.\n",
    "Notice\nThe notice itself,\nword for word.\n\nStatement\n\nThe first statement.\nThe second statement.\n",
])
def test_headings_and_statements_one_a_line_without_blank_lines_between(tmp_path, letter):
    (tmp_path / "t.md").write_text(STATEMENTS, encoding="utf-8")
    _, result = audit_text(tmp_path, letter, "l.md", Settings(template_paths=[tmp_path / "t.md"]))
    assert not result.findings, [f.message for f in result.findings]


def test_a_heading_line_inside_a_paragraph_still_shows_an_edit_of_the_rest(tmp_path):
    (tmp_path / "t.md").write_text(STATEMENTS, encoding="utf-8")
    letter = "Notice\nThe notice itself, word for word.\n\nStatement\nThe first statement.\nThe second statemnt.\n"
    _, result = audit_text(tmp_path, letter, "l.md", Settings(template_paths=[tmp_path / "t.md"]))
    assert [(f.rule, f.line) for f in result.findings] == [("boilerplate-changed", 6)], \
        [(f.rule, f.line, f.message) for f in result.findings]


@pytest.mark.parametrize("letter, matches", [
    ("The statement.", True), ("The statement. I agree.", True), ("The statement. We agree.", True),
    ("The statement. You agree.", False),
])
def test_a_variant_that_may_be_left_out_ends_its_paragraph(letter, matches):
    template = parse_template('+++\nname = "v"\n+++\n\nThe statement. {{one of: | I agree. | We agree.}}\n')
    assert bool(template.paragraphs[0].matches(letter)) == matches


def test_two_paragraphs_run_together_with_an_optional_one_left_out_between(tmp_path):
    (tmp_path / "t.md").write_text('+++\nname = "r"\n+++\n\n# Statement\n\nThe first statement, in full words.\n\n'
                                   'An optional remark. {optional}\n\nThe second statement, in full words.\n',
                                   encoding="utf-8")
    letter = "Statement\n\nThe first statement, in full words. The second statement, in full words.\n"
    _, result = audit_text(tmp_path, letter, "l.md", Settings(template_paths=[tmp_path / "t.md"]))
    assert not result.findings, [f.message for f in result.findings]


def test_statements_run_together_are_not_taken_for_the_signature_after_them(tmp_path):
    (tmp_path / "t.md").write_text('+++\nname = "g"\n[fields]\nsignature = { type = "text", lines = true }\n+++\n\n'
                                   '# Statement\n\nI believe the use is not authorised by the owner or the law.\n\n'
                                   'I swear that the information in this notice is accurate.\n\n'
                                   '{{signature...}} {optional}\n', encoding="utf-8")
    letter = ("Statement\n\nI believe the use is not authorised by the owner or the law. "
              "I swear that the information in this notice is accurate.\n")  # and no signature
    _, result = audit_text(tmp_path, letter, "l.md", Settings(template_paths=[tmp_path / "t.md"]))
    assert not result.findings, [f.message for f in result.findings]


def test_headings_with_a_colon_or_a_hash_touching_them(tmp_path):
    (tmp_path / "t.md").write_text(STATEMENTS, encoding="utf-8")
    letter = "Notice:\n\nThe notice itself, word for word.\n\n#Statement\n\nThe first statement.\n\nThe second statement.\n"
    _, result = audit_text(tmp_path, letter, "l.md", Settings(template_paths=[tmp_path / "t.md"]))
    assert not result.findings, [f.message for f in result.findings]

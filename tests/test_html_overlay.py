"""A letter laid over its template: what each row shows, and where each finding points."""
from __future__ import annotations

from pathlib import Path

import pytest

from audit.pipeline import audit_letter
from audit.report.html.overlay import lay_over, place_findings
from audit.settings import Settings
from html_support import LETTERS

SETTINGS = Settings()


def seed(prefix: str) -> Path:
    (path,) = LETTERS.glob(f"{prefix}_*")
    return path


def overlay_of(path: Path):
    ctx, result = audit_letter(path, SETTINGS)
    rows = lay_over(ctx)
    return ctx, result, rows, place_findings(rows, result.findings)


def test_a_clean_letter_is_muted_boilerplate_with_labelled_values():
    _, result, rows, _ = overlay_of(seed("000"))
    assert {row.kind for row in rows} == {"exact", "free"}
    values = {s.label: s.text for row in rows for s in row.letter if s.kind == "value"}
    assert values["authority"] == "Ipswich Borough Council"
    assert values["recipient_name"] == "Mr Williams"
    assert values["upheld_rate"] == "100%"
    # the template side of a matching row is the letter's with each value as its slot, built by
    # the page when asked for; only rows the letter lacks carry one
    assert all(row.template == [] for row in rows if row.kind == "exact")
    agreeing = [s for row in rows for s in row.letter if s.kind == "agree"]
    assert {s.text for s in agreeing} == {"decisions", "investigations", "outcomes"}


def test_extra_paragraph_page_number_and_missing_sections():
    ctx, result, rows, targets = overlay_of(seed("002"))
    kinds = [row.kind for row in rows]
    assert kinds.count("extra") == 1 and kinds.count("artifact") == 1
    extra = rows[kinds.index("extra")]
    assert extra.line == 41 and extra.note == "not in the template"
    assert rows[kinds.index("artifact")].line == 45
    missing = [row for row in rows if row.kind == "missing"]
    assert len(missing) == 15 and all(row.line is None for row in missing)
    assert all(s.kind == "missing" for row in missing for s in row.letter)
    # missing text reads as this letter would: its own values, nouns agreeing, no template syntax
    shown = " ".join(s.text for row in missing for s in row.letter)
    assert "{{" not in shown and "⟨" not in shown and "|" not in shown
    # a value the letter gives nowhere is named in words
    assert "[upheld rate]" in shown and "investigations" in shown
    headings = [row for row in missing if row.heading]
    assert [row.note for row in headings] == [f"section “{row.section}” missing" for row in headings]
    # lines only increase: the letter's order is kept, missing rows stand where they belong
    lines = [row.line for row in rows if row.line is not None]
    assert lines == sorted(lines)

    by_anchor = {row.anchor: row for row in rows}
    for finding, target in zip(result.findings, targets):
        row = by_anchor[target]
        if finding.rule == "missing-section":
            assert row.kind == "missing" and row.heading and row.section == finding.section
        else:
            assert row.line == finding.line


def test_finding_inside_a_paragraph_points_at_that_paragraph():
    _, result, rows, targets = overlay_of(seed("001"))
    (finding,) = [f for f in result.findings if f.rule == "count-mismatch"]
    row = next(r for r in rows if r.anchor == targets[result.findings.index(finding)])
    assert row.line <= finding.line <= row.last_line


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = seed("000").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "edited.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_changed_boilerplate_shows_word_insertions_and_deletions(tmp_path):
    _, result, rows, targets = overlay_of(edited(tmp_path, "we delivered 118 courses", "we delivered 120 courses"))
    (changed,) = [row for row in rows if row.kind == "changed"]
    assert [(s.kind, s.text) for s in changed.letter if s.kind in ("ins", "del")] == [("del", "118"), ("ins", "120")]
    assert changed.template == changed.letter  # one diff; the layout decides which side shows what
    (finding,) = [f for f in result.findings if f.rule == "boilerplate-changed"]
    assert targets[result.findings.index(finding)] == changed.anchor


def test_changed_placeholder_paragraph_keeps_its_values_marked(tmp_path):
    _, _, rows, _ = overlay_of(edited(tmp_path, "In **0%** of upheld cases", "In **0%** of all upheld cases"))
    (changed,) = [row for row in rows if row.kind == "changed"]
    assert ("value", "0%", "remedy_rate") in [(s.kind, s.text, s.label) for s in changed.letter]
    assert ("ins", "all ") in [(s.kind, s.text) for s in changed.letter]


def test_the_overlay_diff_is_the_findings_diff(tmp_path):
    """The last statistics line quotes 3 investigations where the first quotes 2: its own
    value and noun form are filled in, so only the edited boilerplate shows as changed."""
    text = seed("000").read_text(encoding="utf-8")
    last = text.rindex("total of 2 detailed investigations for")
    path = tmp_path / "edited.txt"
    path.write_text(text[:last] + "grand total of 3 detailed investigations during"
                    + text[last + len("total of 2 detailed investigations for"):], encoding="utf-8")
    _, result, rows, _ = overlay_of(path)
    (changed,) = [row for row in rows if row.kind == "changed"]
    (finding,) = [f for f in result.findings if f.rule == "boilerplate-changed"]
    edits = [(s.kind, s.text.strip()) for s in changed.letter if s.kind in ("ins", "del")]
    assert edits == [("ins", "grand"), ("del", "for"), ("ins", "during")]
    assert [(op, text.strip()) for op, text in finding.diff if op != "="] == [
        ("+", "grand"), ("-", "for"), ("+", "during")]
    assert ("value", "3", "investigations") in [(s.kind, s.text, s.label) for s in changed.letter]


def test_missing_paragraph_stands_where_it_belongs(tmp_path):
    path = edited(tmp_path, "Yours sincerely,\n", "")
    _, result, rows, targets = overlay_of(path)
    (missing,) = [row for row in rows if row.kind == "missing"]
    assert "".join(s.text for s in missing.letter) == "Yours sincerely,"
    before = rows[rows.index(missing) - 1]
    assert "training" in "".join(s.text for s in before.letter)
    (finding,) = [f for f in result.findings if f.rule == "missing-paragraph"]
    assert targets[result.findings.index(finding)] == missing.anchor


@pytest.mark.parametrize("content, kind", [(b"", None), (b"\x00\x01binary", None),
                                           (b"Minutes of the meeting\n\nApologies were received.", "unmatched")])
def test_letters_without_a_template_show_their_paragraphs_if_any(tmp_path, content, kind):
    path = tmp_path / "odd.txt"
    path.write_bytes(content)
    _, result, rows, targets = overlay_of(path)
    assert result.findings and result.status == "fail"
    assert [row.kind for row in rows] == ([kind, kind] if kind else [])
    assert targets == ([rows[0].anchor] if kind else ["letter"])


def test_a_moved_paragraph_is_marked_where_it_belongs_and_both_link(tmp_path):
    text = seed("000").read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p.startswith("Finally, we compare"))
    moved = text.replace(paragraph + "\n\n", "", 1).replace("Yours sincerely,", paragraph + "\n\nYours sincerely,", 1)
    path = tmp_path / "moved.txt"
    path.write_text(moved, encoding="utf-8")
    _, result, rows, targets = overlay_of(path)
    (finding,) = [f for f in result.findings if f.rule == "paragraph-moved"]
    (stands,) = [row for row in rows if row.kind == "moved"]
    (belongs,) = [row for row in rows if row.kind == "belongs"]
    assert stands.partner == belongs.anchor and belongs.partner == stands.anchor
    assert rows.index(belongs) < rows.index(stands)
    assert targets[result.findings.index(finding)] == stands.anchor


def test_missing_text_is_filled_with_the_letters_own_values(tmp_path):
    text = seed("000").read_text(encoding="utf-8")
    last = text.rindex("Statistics are based on a total of 2 detailed investigations")
    path = tmp_path / "edited.txt"
    path.write_text(text[:last] + text[text.find("\n", last) + 1 or len(text):], encoding="utf-8")
    _, _, rows, _ = overlay_of(path)
    (missing,) = [row for row in rows if row.kind == "missing"]
    assert "".join(s.text for s in missing.letter) == (
        "Statistics are based on a total of 2 detailed investigations for the period between "
        "1 April 2019 to 31 March 2020")
    assert [s.label for s in missing.letter if s.label] == ["investigations", "period_start", "period_end"]


def test_rows_of_a_letter_in_step_are_rendered_alike_by_the_fast_way(tmp_path):
    """Most letters follow their template paragraph for paragraph; their rows are rendered
    straight from the alignment, and must read exactly as the general way renders them."""
    from audit.report.html import drafts

    text = seed("004").read_text(encoding="utf-8")
    (tmp_path / "plain.txt").write_text(text.replace("A handwritten signature", "Signed"), encoding="utf-8")
    letters = [*sorted(LETTERS.glob("*.txt")), tmp_path / "plain.txt"]
    fast_ones = 0
    for path in letters:
        ctx, _ = audit_letter(path, SETTINGS)
        fast = drafts._rows_in_step(ctx)
        if fast is None:
            continue
        fast_ones += 1
        general = [(row.anchor, row.kind, row.line, row.last_line, row.section, row.absent_excerpt,
                    tuple((s.label, s.text) for s in row.letter if s.kind == "value"), drafts.row_html(row))
                   for row in lay_over(ctx)]
        assert [tuple(row) for row in fast] == general, path.name
    assert fast_ones >= 2

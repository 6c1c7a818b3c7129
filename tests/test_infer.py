"""Template inference on a small letter kind made up here: a council-tax refund letter with money,
an optional section, a varying note, singular/plural nouns, and a stray file of minutes."""
from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.cli import main
from audit.infer import DEVIATIONS as DEVIATIONS_CHECKED
from audit.infer import InferenceError, infer_template
from audit.infer.render import render
from audit.infer.kinds import type_of, value
from audit.infer.naming import ending_pattern, name_from
from audit.discover import iter_letter_paths
from audit.template import parse_template

NOTES = ["Your case officer checked the payments against the bank statements you sent us in the spring.",
         "We apologise for the delay while we waited for the valuation office to confirm your band.",
         "Please keep this letter with your records as you may need it when you move home next year.",
         "The account was closed on the date you left the property and no further bills will follow."]


def refund_letter(index: int, rng: random.Random, appeals: bool) -> str:
    charge = rng.randint(900, 2400) + rng.choice([0, 0.5, 0.25])
    credit = rng.randint(100, 800) + rng.choice([0, 0.75])
    payments = rng.choice([1, 1, 2, 3, 5])
    name = f"{rng.choice(['Mr', 'Ms', 'Dr'])} {rng.choice(['Ahmed', 'Baker', 'Clarke', 'Dunn', 'Evans'])}"
    paragraphs = [
        "Council Tax Office",
        f"{rng.randint(1, 28)} {rng.choice(['March', 'April'])} 2021",
        f"Account AB{100000 + index * 7919 % 900000}",
        f"Dear {name}",
        "# Your refund",
        f"We have reviewed your account for the year. You were charged £{charge:,.2f} and your credit of "
        f"£{credit:,.2f} leaves a refund of £{charge - credit:,.2f}, which we will pay within ten working days.",
        f"The refund covers {payments} {'payment' if payments == 1 else 'payments'} made since April.",
        rng.choice(NOTES) + f" Reference {rng.randint(1000, 9999)} applies to case {index}.",
    ]
    if appeals:
        paragraphs += ["# Appeals", "If you disagree with this decision you may appeal within one month of the date of this letter."]
    paragraphs += ["Yours sincerely,", "Revenue Manager"]
    return "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def refunds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("refunds")
    rng = random.Random(9)
    for index in range(12):
        (folder / f"refund-{index:02d}.md").write_text(refund_letter(index, rng, appeals=index % 3 != 0), encoding="utf-8")
    (folder / "minutes.txt").write_text("Minutes of the meeting\n\nPresent: the board.\n\nApologies: none.\n",
                                        encoding="utf-8")
    inference = infer_template(list(iter_letter_paths([folder])), "refund")
    return folder, inference, render(inference)


def test_a_document_of_another_kind_is_left_out_of_the_vote(refunds):
    folder, inference, text = refunds
    assert inference.outliers == [folder / "minutes.txt"]
    assert "Left out as unlike the others: minutes.txt." in text
    assert "Minutes" not in text.split("+++")[2]


def test_a_section_some_letters_lack_is_optional_with_its_count(refunds):
    _, _, text = refunds
    assert "<!-- optional: present in 8 of 12 letters -->\n\n# Appeals {optional}" in text
    assert "\n# Your refund\n" in text


def test_amounts_are_money_and_their_arithmetic_is_a_check(refunds):
    _, inference, text = refunds
    money = [name for name, f in inference.fields.items() if f.kind == "money"]
    assert len(money) == 3
    sums = [r for r in inference.relations if r.kind == "sum"]
    assert len(sums) == 1 and set(sums[0].fields) == set(money) and not sums[0].breakers
    assert "# holds in 12 of 12 letters\n[[checks]]\nexpr = " in text


def test_a_noun_after_a_number_agrees_with_it(refunds):
    _, _, text = refunds
    assert re.search(r"The refund covers \{\{(\w+)\}\} \{\{payment\|payments\}\} made since April\.", text)


def test_a_paragraph_varying_wholly_is_a_free_slot_and_a_recurring_key_is_proposed(refunds):
    _, inference, text = refunds
    body = text.split("+++")[2]
    assert re.search(r"made since April\.\n\n<!-- free: [^\n]* -->\n\n<!-- optional: present in 8 of 12 letters -->", body)
    assert inference.key_field is not None
    assert len(set(inference.fields[inference.key_field].values.values())) == 12
    date = [n for n, f in inference.fields.items() if f.kind == "date"]
    assert len(date) == 1 and inference.year == 2021
    assert any(r.kind == "year" and r.fields == (date[0],) for r in inference.relations)


def test_values_are_typed_by_their_shape():
    assert type_of(["1,400", "12", "0"]) == "int"
    assert type_of(["12.5", "3"]) == "decimal"
    assert type_of(["£150.50", "£12"]) == "money"
    assert type_of(["12%", "12.5%"]) == "percent"
    assert type_of(["22 July 2020", "1 April 2019"]) == "date"
    assert type_of(["Mr Williams", "Ms Cooper-Smith"]) == "person"
    assert type_of(["Ipswich", "12"]) == "text"


def test_names_come_from_the_words_around_a_value():
    assert name_from("Statistics are based on a total of ", " detailed investigations for the period", "int") == \
        "detailed_investigations"
    assert name_from("", " of complaints we investigated were upheld.", "percent") == "complaints_rate"
    assert name_from("the year ending ", ".", "date") == "year_ending"
    assert name_from(" to ", "", "date", previous="period") == "period_end"
    title = re.compile(ending_pattern(["Chief Executive", "Managing Director"]))
    assert title.fullmatch("Managing Director") and title.fullmatch("Interim Chief Executive")  # a title's opening word
    assert not title.fullmatch("Cooper-Smith Chief Executive") and not title.fullmatch("Chief Officer")


def test_command_writes_the_template_and_a_summary(refunds, tmp_path, capsys):
    folder, _, _ = refunds
    output = tmp_path / "out" / "refund.md"
    assert main(["template", "infer", str(folder), "-o", str(output), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "learned from 12 of 13 letters; 1 unlike the others left out" in err
    assert "audited with it: 12 of 13 letters have every paragraph as written" in err
    assert output.read_text(encoding="utf-8").startswith("+++\n")
    assert 'name = "refund"' in output.read_text(encoding="utf-8")
    assert [p.name for p in output.parent.iterdir()] == ["refund.md"]  # no temporary file left


def test_command_never_writes_onto_a_letter_and_needs_letters(refunds, tmp_path, capsys):
    folder, _, _ = refunds
    letter = folder / "refund-00.md"
    before = letter.read_bytes()
    assert main(["template", "infer", str(folder), "-o", str(letter)]) == 2
    assert letter.read_bytes() == before
    assert "is one of the letters" in capsys.readouterr().err
    (tmp_path / "taken").mkdir()
    assert main(["template", "infer", str(folder), "-o", str(tmp_path / "taken"), "--no-progress"]) == 2
    assert "cannot write" in capsys.readouterr().err and not list((tmp_path / "taken").iterdir())
    assert list(tmp_path.iterdir()) == [tmp_path / "taken"]  # no temporary file left beside it
    (tmp_path / "empty").mkdir()
    assert main(["template", "infer", str(tmp_path / "empty"), "-o", str(tmp_path / "t.md")]) == 2
    assert "no letters found" in capsys.readouterr().err
    assert not (tmp_path / "t.md").exists()


WORDS = ["the", "of", "refund", "£12.50", "1", "2", "45%", "22 July 2020", "Mr Smith", "Dear", "#", "{{", "}}",
         "<!--", "-->", "+++", "\\", "'", "payment", "payments", "{", "-", ":", ".", "\n", "\n\n"]
paragraph_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=15).map(" ".join)


@settings(max_examples=int(os.environ.get("LETTER_AUDIT_FUZZ_EXAMPLES", "40")) // 2, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(paragraph_text, min_size=1, max_size=6), st.lists(st.tuples(st.integers(0, 5), paragraph_text),
                                                                    max_size=8), st.integers(1, 6))
def test_any_batch_gives_a_template_that_loads_or_a_plain_error(tmp_path_factory, shared, edits, count):
    """Whatever the letters hold (braces, comment marks, headings, nothing in common), the
    command writes a template that loads and audits them, or says plainly why it cannot."""
    folder = tmp_path_factory.mktemp("batch")
    for number in range(count):
        paragraphs = list(shared)
        for where, text in edits[number::count]:
            paragraphs.insert(where % (len(paragraphs) + 1), text)
        (folder / f"letter-{number}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    try:
        inference = infer_template(sorted(folder.iterdir()), "fuzz")
    except InferenceError:
        return
    parse_template(render(inference), folder / "t.md")
    assert inference.verification.letters == count


def test_a_template_among_the_letters_is_skipped_not_learned_from(refunds, tmp_path, capsys):
    folder, _, text = refunds
    letters = tmp_path / "letters"
    letters.mkdir()
    for path in folder.glob("refund-*.md"):
        (letters / path.name).write_bytes(path.read_bytes())
    (letters / "earlier.md").write_text(text, encoding="utf-8")  # an earlier run's output
    assert main(["template", "infer", str(letters), "-o", str(tmp_path / "again.md"), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert f"skipped {letters / 'earlier.md'}: it is a letter template" in err
    assert "learned from 12 of 12 letters" in err


def test_file_names_never_reach_the_terminal_or_the_template_raw(refunds, tmp_path, capsys):
    folder, _, _ = refunds
    letters = tmp_path / "letters"
    letters.mkdir()
    for path in folder.glob("refund-*.md"):
        (letters / path.name).write_bytes(path.read_bytes())
    (letters / "min\x1b[31mutes\nx.txt").write_bytes((folder / "minutes.txt").read_bytes())
    output = tmp_path / "t.md"
    assert main(["template", "infer", str(letters), "-o", str(output), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "min\\x1b[31mutes\\nx.txt" in err
    assert main(["template", "check", str(output)]) == 0


def test_negative_figures_keep_their_sign():
    from decimal import Decimal

    from audit.types import Money
    assert value("money", "-£5.00") == value("money", "£-5.00") == Money(Decimal("-5.00"), "GBP")
    assert value("decimal", "-2.5") == Decimal("-2.5") and value("int", "1,400") == 1400


def test_letters_are_found_as_check_finds_them_and_dash_writes_to_stdout(refunds, tmp_path, capsys):
    """`check`'s discovery and its options; `-o -` prints the template (no file named `-`); the
    summary counts what `template check` counts on the written file."""
    folder, _, _ = refunds
    letters = tmp_path / "letters"
    (letters / "drafts").mkdir(parents=True)
    for path in folder.glob("refund-*.md"):
        (letters / path.name).write_bytes(path.read_bytes())
    (letters / "drafts" / "odd.md").write_text("Minutes\n\nNothing like a refund.\n", encoding="utf-8")
    (letters / "notes.txt").write_text("Minutes\n\nNothing like a refund either.\n", encoding="utf-8")
    (letters / "huge.md").write_text("Council Tax Office\n\n" + "word " * 5000, encoding="utf-8")
    os.chdir(tmp_path)
    assert main(["template", "infer", str(letters), "-o", "-", "--no-progress", "--no-config", "--exclude", "drafts",
                 "--extensions", ".md", "--max-bytes", "4KB"]) == 0
    captured = capsys.readouterr()
    assert not (tmp_path / "-").exists()
    assert captured.out.startswith("+++\n") and 'name = "inferred"' in captured.out
    assert "learned from 12 of 13 letters" in captured.err and "1 unreadable" in captured.err  # huge.md refused
    written = tmp_path / "t.md"
    written.write_text(captured.out, encoding="utf-8")
    assert main(["template", "check", str(written)]) == 0
    counted = re.search(r"ok \((.*)\)", capsys.readouterr().out).group(1)
    assert f"  {counted};" in captured.err
    assert main(["template", "infer", "-", "-o", "x.md"]) == 2
    assert "not standard input" in capsys.readouterr().err


def test_a_minority_spelling_and_punctuation_stay_boilerplate_and_are_reported(tmp_path):
    """"wokring" in three of twelve letters is a slip, not a field with the values
    working/wokring; quote marks two letters add are no field either. The template keeps the
    majority's wording, so those letters are reported."""
    rng = random.Random(3)
    for index in range(12):
        text = refund_letter(index, rng, appeals=True)
        if index in (1, 5, 9):
            text = text.replace("ten working days", "ten wokring days")
        if index in (2, 7):
            text = text.replace("made since April.", 'made since ("April").')
        (tmp_path / f"refund-{index:02d}.md").write_text(text, encoding="utf-8")
    paths = sorted(tmp_path.glob("*.md"))
    inference = infer_template(paths, "refund")
    written = render(inference)
    assert "within ten working days" in written and "made since April." in written
    assert not any({"wokring", "working"} & set(f.values.values()) or "(" in "".join(f.values.values())
                   for f in inference.fields.values())
    assert sorted(p.name for p in inference.verification.deviating) == [
        "refund-01.md", "refund-02.md", "refund-05.md", "refund-07.md", "refund-09.md"]


def test_a_value_is_named_from_its_label_never_from_an_address_or_the_sentence_before():
    assert name_from("Email: legal@example.com Date: ", "", "text") == "date"
    assert name_from("**Infringing URL:** ", "", "text") == "infringing_url"
    assert "march" not in name_from("We wrote to you in March. On ", " we received it.", "text")
    from audit.infer.wording import tokens
    assert [m.group() for m in tokens("at https://github.com/a/b/blob/x.md, on 08/02/2022")] == [
        "at", "https://github.com/a/b/blob/x.md", ",", "on", "08/02/2022"]


def table_report(rng: random.Random, wrong_total: bool = False) -> str:
    rows, totals = [], [0, 0, 0]
    for region in ("North", "South", "East", "West"):
        target = rng.randint(80, 400)
        actual = target + rng.randint(-60, 60)
        cells = [target, actual, actual - target]
        totals = [a + b for a, b in zip(totals, cells)]
        rows.append(f"| {region} | {cells[0]} | {cells[1]} | {cells[2]} |")
    totals[1] += 10 if wrong_total else 0
    return "\n\n".join([
        "Regional Sales Office", f"Dear {rng.choice(['Ms', 'Mr'])} {rng.choice(['Ahmed', 'Baker', 'Clarke', 'Dunn'])}",
        "Below are the figures for your region's branches this month, against the target agreed in January.",
        "\n".join(["| Region | Target | Actual | Difference |", "|---|---|---|---|", *rows,
                   f"| Total | {totals[0]} | {totals[1]} | {totals[2]} |"]),
        "Yours sincerely,", "Head of Sales"]) + "\n"


def test_a_table_gives_a_typed_field_per_cell_named_by_row_and_column_and_its_sums(tmp_path):
    rng = random.Random(5)
    for index in range(16):
        (tmp_path / f"report-{index:02d}.md").write_text(table_report(rng, wrong_total=index == 7), encoding="utf-8")
    inference = infer_template(sorted(tmp_path.glob("*.md")), "sales")
    assert inference.fields["north_target"].kind == "int"
    assert inference.fields["west_difference"].kind == "decimal"  # negative figures: never an int
    assert "| North | {{north_target}} | {{north_actual}} | {{north_difference}} |\n" in render(inference)
    relations = {r.expr: r for r in inference.relations}
    assert "north_actual == north_target + north_difference" in relations
    total = relations["total_actual == north_actual + south_actual + east_actual + west_actual"]
    assert [p.name for p in total.breakers] == ["report-07.md"]
    assert not [r for r in inference.relations if r.kind == "le"]  # cells of other rows and columns: chance


def test_a_second_version_of_the_form_is_learned_on_its_own_and_written_beside_the_first(tmp_path, capsys):
    rng = random.Random(11)
    letters = tmp_path / "letters"
    letters.mkdir()
    for index in range(12):
        (letters / f"a-{index:02d}.md").write_text(refund_letter(index, rng, appeals=True), encoding="utf-8")
    for index in range(6):  # the office's new wording, sent by a few letters of the batch
        name = rng.choice(["Ahmed", "Baker", "Clarke", "Dunn", "Evans", "Fisher"])
        (letters / f"b-{index:02d}.md").write_text("\n\n".join([
            "Revenues and Benefits Service", f"Reference RB{4000 + index * 37}", f"Dear Mx {name}",
            "Thank you for telling us that you have moved out of the borough this spring.",
            f"Your final bill is £{rng.randint(50, 900)}.00 and is due within twenty-eight days of this notice.",
            "You can pay online, by telephone or at any post office using the barcode overleaf.",
            "With kind regards,", "Revenues Team"]) + "\n", encoding="utf-8")
    output = tmp_path / "refund.md"
    assert main(["template", "infer", str(letters), "-o", str(output), "--no-progress", "--no-config"]) == 0
    err = capsys.readouterr().err
    second = tmp_path / "refund-v2.md"
    assert "2 versions of the form:" in err and "refund: 12 letters" in err and "refund-v2: 6 letters" in err
    assert "Version 2 of 2 of this form, followed by 6 letters" in second.read_text(encoding="utf-8")
    assert main(["check", str(letters), "-t", str(output), "-t", str(second), "-f", "json", "--no-config",
                 "--select", ",".join(sorted(DEVIATIONS_CHECKED))]) == 0
    chosen = {Path(r["path"]).name[0]: r["template"] for r in json.loads(capsys.readouterr().out)["letters"]}
    assert chosen == {"a": "refund", "b": "refund-v2"}


def _redrafted(text: str) -> str:
    """The refund letter as the office redrafted it in 2023: a paragraph added in each section,
    the appeal and the closing reworded."""
    return (text.replace(" 2021\n", " 2023\n")
            .replace("# Appeals", "Our leaflet on council tax, sent with this letter, explains how the refund was "
                                  "worked out.\n\n# Appeals")
            .replace("If you disagree with this decision you may appeal within one month of the date of this letter.",
                     "If you think this decision is wrong, write to us within one month of the date of this letter."
                     "\n\nYou can also ask the Valuation Tribunal to look at it again once we have replied to you.")
            .replace("Yours sincerely,", "With best wishes from the whole team,"))


def test_a_form_redrafted_is_one_template_with_its_versions(tmp_path, capsys):
    rng = random.Random(5)
    letters = tmp_path / "letters"
    letters.mkdir()
    for index in range(10):
        (letters / f"a-{index:02d}.md").write_text(refund_letter(index, rng, appeals=True), encoding="utf-8")
    for index in range(6):
        (letters / f"b-{index:02d}.md").write_text(_redrafted(refund_letter(100 + index, rng, appeals=True)),
                                                   encoding="utf-8")
    output = tmp_path / "refund.md"
    assert main(["template", "infer", str(letters), "-o", str(output), "--no-progress", "--no-config"]) == 0
    err = capsys.readouterr().err
    assert not (tmp_path / "refund-v2.md").exists()
    assert "2 versions of the form, recorded in this one template" in err
    assert re.search(r"v1: learned from 10 letters, dated 2021-\S+ to 2021-\S+; check reads 10 letters as "
                     r"following it, 0 of them mixing versions", err), err
    assert re.search(r"v2: learned from 6 letters, dated 2023-\S+ to 2023-\S+; check reads 6 letters", err), err
    template = parse_template(output.read_text(encoding="utf-8"), output)
    assert [v.name for v in template.versions] == ["v1", "v2"]
    marked = {p.text: p.versions for p in template.paragraphs if p.versions}
    assert marked["If you disagree with this decision you may appeal within one month of the date of this letter."] \
        == ("v1",)
    assert marked["With best wishes from the whole team,"] == ("v2",)
    # a letter of the redraft with the old appeal pasted in mixes the versions
    mixed = (letters / "b-00.md").read_text(encoding="utf-8").replace(
        "If you think this decision is wrong, write to us within one month of the date of this letter.",
        "If you disagree with this decision you may appeal within one month of the date of this letter.")
    (letters / "b-mixed.md").write_text(mixed, encoding="utf-8")
    assert main(["check", str(letters), "-t", str(output), "-f", "json", "--no-config", "--exit-zero",
                 "--select", "form-version,mixed-versions"]) == 0
    results = {Path(r["path"]).name: {f["rule"]: f for f in r["findings"]}
               for r in json.loads(capsys.readouterr().out)["letters"]}
    read = {name: found["form-version"]["evidence"]["version"] for name, found in results.items()}
    assert {name for name, version in read.items() if version == "v1"} == {f"a-{i:02d}.md" for i in range(10)}
    assert [name for name, found in results.items() if "mixed-versions" in found] == ["b-mixed.md"]
    assert 'paragraph "If you disagree' in results["b-mixed.md"]["mixed-versions"]["message"]

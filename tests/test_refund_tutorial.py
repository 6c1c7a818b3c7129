"""The tutorial's template (docs/templates.md): its letters audit as documented, money to the
penny, an optional section, an account-number key matched exactly against --data."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from audit.cli import main
from audit.settings import Settings

from support import ROOT, audit_text, run_cli

TEMPLATE = ROOT / "docs" / "examples" / "council-tax-refund.md"
LETTERS = ROOT / "fixtures" / "letters-refund"
TUTORIAL = ROOT / "docs" / "templates.md"


def run(capsys, *args):
    return run_cli(capsys, "check", "--no-config", "--template", str(TEMPLATE), *args)


def test_the_refund_letters_audit_as_the_tutorial_shows(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "fixtures/letters-refund")
    [shown] = [block for block in re.findall(r"```text\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S)
               if block.split("\n", 1)[0] == "$ letter-audit check fixtures/letters-refund --template "
                                                "docs/examples/council-tax-refund.md"]
    assert code == 1
    assert out.strip() == shown.split("\n", 1)[1].strip()


def test_the_data_check_shows_as_the_tutorial_shows(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    [shown] = [block for block in re.findall(r"```text\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S)
               if block.startswith("$ letter-audit check fixtures/letters-refund --template docs/examples/"
                                   "council-tax-refund.md --data")]
    command, _, expected = shown.partition("\n")
    code = main(["check", "--no-config", *command.split()[3:]])
    out, _ = capsys.readouterr()
    assert code == 1 and out.strip() == expected.strip()


def test_clean_letters_have_typed_fields(capsys):
    code, out, _ = run(capsys, "--format", "json", LETTERS / "01_clean_direct_debit.txt",
                       LETTERS / "02_clean_no_direct_debit.txt")
    letters = json.loads(out)["letters"]
    assert code == 0 and [letter["status"] for letter in letters] == ["pass", "pass"]
    # money as amount (exact, as a decimal string) and ISO currency, to compute with
    assert letters[0]["fields"]["paid"] == {"amount": "1234.50", "currency": "GBP"}
    assert letters[0]["fields"]["refund"] == {"amount": "105.25", "currency": "GBP"}
    assert letters[0]["fields"]["days"] == 5 and letters[1]["fields"]["days"] is None


def test_money_arithmetic_is_exact_to_the_penny(tmp_path):
    settings = Settings(template_paths=[TEMPLATE])
    text = (LETTERS / "01_clean_direct_debit.txt").read_text(encoding="utf-8")
    _, result = audit_text(tmp_path, text.replace("£105.25", "£105.24"), settings=settings)
    [finding] = [f for f in result.findings if f.severity != "info"]
    assert finding.rule == "refund-mismatch"
    assert finding.message == "The refund is £105.24, but £1,234.50 paid minus a bill of £1,129.25 is £105.25."


def test_money_of_two_currencies_fails_the_check_saying_so(tmp_path):
    settings = Settings(template_paths=[TEMPLATE])
    text = (LETTERS / "01_clean_direct_debit.txt").read_text(encoding="utf-8")
    _, result = audit_text(tmp_path, text.replace("£1,129.25", "€1,129.25"), settings=settings)
    [finding] = [f for f in result.findings if f.severity != "info"]
    assert finding.rule == "refund-mismatch" and finding.message == (
        "The check “refund == paid - bill” cannot hold: £1,234.50 and €1,129.25 are in different currencies (GBP and EUR).")


def test_an_optional_section_left_out_raises_nothing_partly_there_raises_missing_paragraph(tmp_path):
    settings = Settings(template_paths=[TEMPLATE])
    _, clean = audit_text(tmp_path, (LETTERS / "02_clean_no_direct_debit.txt").read_bytes(), settings=settings)
    assert clean.status == "pass" and clean.findings == []
    _, partly = audit_text(tmp_path, (LETTERS / "06_direct_debit_paragraph_missing.txt").read_bytes(),
                           settings=settings)
    assert [f.rule for f in partly.findings] == ["missing-paragraph"]


def test_pounds_and_pence_in_an_int_field_is_a_finding_not_150(tmp_path):
    parking = ROOT / "tests" / "fixtures" / "templates" / "parking-permit-renewal.md"
    letter = ("Dear Ms Rivers\n\nYour permit AB-12345\n\nYour resident parking permit AB-12345 expires on "
              "31 May 2024.\n\nIt covers 2 vehicles at £40 each, a total of £150.50.\n\nHow to renew\n\n"
              "Renew online before the expiry date to keep parking in your zone.\n\nYours faithfully,\n\n"
              "Parking Services\n")
    _, result = audit_text(tmp_path, letter, settings=Settings(template_paths=[parking]))
    assert result.fields["total_fee"] is None
    assert [f.rule for f in result.findings] == ["invalid-value"]


@pytest.fixture
def refund_batch(tmp_path, monkeypatch):
    shutil.copytree(LETTERS, tmp_path / "letters")
    monkeypatch.chdir(tmp_path)
    return tmp_path


DATA_HEADER = "Account,Resident,Paid,Bill,Refund\n"


def test_data_matched_by_account_exactly(refund_batch, capsys):
    rows = ["AB123456,Ms Anita Patel,1234.50,1129.25,105.25",  # the clean letter: agrees
            "cd654321,Mr Tom Hughes,980.00,830.00,150.00",  # letter says CD654321: exact keys, no match
            "EF112233,Dr Sara Khan,1500,1349.50,150.50"]  # the letter says £105.50
    (refund_batch / "data.csv").write_text(DATA_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    letters = [refund_batch / "letters" / n for n in
               ("01_clean_direct_debit.txt", "02_clean_no_direct_debit.txt", "03_refund_wrong.txt")]
    code, out, _ = run(capsys, *letters, "--data", "data.csv", "--format", "json",
                       "--select", "data-mismatch,missing-letter,unknown-recipient")
    found = {(Path(r["path"]).name, f["rule"]): f["message"] for r in json.loads(out)["letters"] for f in r["findings"]}
    assert set(found) == {("02_clean_no_direct_debit.txt", "unknown-recipient"),
                          ("03_refund_wrong.txt", "data-mismatch"),
                          ("data.csv", "missing-letter")}
    assert found[("03_refund_wrong.txt", "data-mismatch")].startswith("refund is £105.50 in the letter but 150.50 in the data")


@pytest.mark.parametrize("content, message", [
    (DATA_HEADER + "AB123456,Ms Anita Patel,1234.50,1129.25,105.25,\n", "data.csv line 2: 6 cells, but the header has 5"),
    (DATA_HEADER + "AB123456,Ms Anita Patel,1234.50,1129.25\n", "data.csv line 2: 4 cells, but the header has 5"),
    ("Account,Resident,Paid,Bill,Refund,\nAB123456,Ms Anita Patel,1234.50,1129.25,105.25,\n", "column 6 of the header has no name"),
    ("Account,Days\nAB123456,\nCD654321,5.5\n", "data.csv line 3, column days: '5.5' is not a valid int"),
])
def test_ragged_or_mistyped_data_stops_the_run_naming_file_and_line(refund_batch, capsys, content, message):
    (refund_batch / "data.csv").write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "letters", "--data", "data.csv")
    assert code == 2 and out == "" and message in err


def test_an_int_column_with_a_blank_cell_stays_whole_numbers(refund_batch, capsys):
    (refund_batch / "data.csv").write_text("Account,Days\nAB123456,5\nCD654321,\n", encoding="utf-8")
    letters = [refund_batch / "letters" / n for n in ("01_clean_direct_debit.txt", "02_clean_no_direct_debit.txt")]
    code, out, _ = run(capsys, *letters, "--data", "data.csv", "--format", "json")
    assert code == 0, out


def test_an_optional_section_left_out_has_no_missing_rows_whichever_way_the_letter_was_aligned(tmp_path):
    from audit.align import align
    from audit.normalise import normalise
    from audit.read import read_letter
    from audit.template import load_template

    template = load_template(TEMPLATE)
    text = (LETTERS / "02_clean_no_direct_debit.txt").read_text(encoding="utf-8")
    # an extra paragraph forces the full alignment instead of the in-step walk
    edited = text.replace("Yours sincerely,", "Thank you for your patience.\n\nYours sincerely,")
    for letter, fast in ((text, True), (edited, False)):
        path = tmp_path / "letter.txt"
        path.write_text(letter, encoding="utf-8")
        alignment = align(normalise(read_letter(path), template.vocabulary), template)
        assert alignment.fast is fast and alignment.omitted_sections == ("Direct Debit",)
        assert not [p for p in alignment.pairs if p.kind == "missing"]

"""Reconciliation with --data: matching, mismatching, missing and unknown authorities,
tolerant name matching, CSV and Excel, batch-level findings in every format, bad files."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from junitparser import JUnitXml

from audit.cli import main
from support import run_cli
from audit.names import NameIndex, normalise_name

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "fixtures" / "ci" / "data.csv"
L000, L001, L002, L003, L004 = (
    "000_bd725a1dda7d64f9.txt", "001_eb19f74a81183c1a.txt", "002_3e1a7b4ce7d2b570.txt",
    "003_93a2751bcc8bc2f0.txt", "004_63abd8654b08d728.txt")
DATA_RULES = "data-mismatch,missing-letter,unknown-recipient"


@pytest.fixture
def batch(tmp_path, monkeypatch):
    """The seed letters, with 004 written for "Telford and Wrekin Council" (the data says
    "Telford & Wrekin Council"), and the data file beside them."""
    shutil.copytree(ROOT / "fixtures" / "letters", tmp_path / "letters")
    letter = tmp_path / "letters" / L004
    letter.write_text(letter.read_text(encoding="utf-8").replace("Rochford District Council",
                                                                 "Telford and Wrekin Council"), encoding="utf-8")
    shutil.copy(DATA, tmp_path / "data.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args):
    return run_cli(capsys, "check", "--no-config", *args)


def data_findings(out: str) -> dict[tuple[str, str], list[dict]]:
    found: dict = {}
    for record in json.loads(out)["letters"]:
        for f in record["findings"]:
            if f["rule"] in DATA_RULES.split(","):
                found.setdefault((Path(record["path"]).name, f["rule"]), []).append(f)
    return found


def test_reconciliation_against_csv(batch, capsys):
    code, out, _ = run(capsys, "letters", "--data", "data.csv", "--format", "json")
    assert code == 1
    found = data_findings(out)
    assert set(found) == {
        (L001, "data-mismatch"),  # WELLINGBOROUGH BOROUGH COUNCIL: compliance outcomes differ
        (L004, "data-mismatch"),  # Telford & Wrekin: upheld rate differs
        (L003, "unknown-recipient"),  # Ashfield is not in the data
        ("data.csv", "missing-letter"),  # Norwich has no letter
    }  # Ipswich (exact) and Cambridge ("Cambridge City Council.") match without findings

    [wellingborough] = found[(L001, "data-mismatch")]
    assert wellingborough["severity"] == "error"
    assert wellingborough["message"] == (
        "compliance_outcomes is 1 in the letter but 2 in the data (data.csv line 3, "
        "\"WELLINGBOROUGH BOROUGH COUNCIL\", same name ignoring case, '&'/'and' and punctuation).")
    assert wellingborough["line"] == 77 and wellingborough["section"] == "Compliance with Ombudsman recommendations"

    [telford] = found[(L004, "data-mismatch")]
    assert "upheld_rate is 100% in the letter but 50% in the data" in telford["message"]
    assert 'data.csv line 5, "Telford & Wrekin Council"' in telford["message"]

    [ashfield] = found[(L003, "unknown-recipient")]
    assert ashfield["severity"] == "warning"
    assert 'authority "Ashfield District Council" matches no row of data.csv' in ashfield["message"]
    assert ashfield["line"] == 7  # name, title and council on one line in this Markdown export

    [norwich] = found[("data.csv", "missing-letter")]
    assert norwich["severity"] == "error" and norwich["line"] == 6
    assert 'authority "Norwich City Council"' in norwich["message"]

    report = json.loads(out)
    carrier = [r for r in report["letters"] if r.get("kind") == "batch"]
    assert [r["path"] for r in carrier] == ["data.csv"]
    assert report["summary"]["letters"] == 5  # the carrier is not a letter


def test_without_data_no_data_rule_runs(batch, capsys):
    _, out, _ = run(capsys, "letters", "--format", "json")
    assert data_findings(out) == {}


def test_a_clean_match_and_a_typing_slip(batch, capsys):
    letters = batch / "letters"
    for name in (L001, L002, L003):
        (letters / name).unlink()
    letter = letters / L000
    letter.write_text(letter.read_text(encoding="utf-8").replace("Ipswich Borough Council", "Ipswich Borugh Council"),
                      encoding="utf-8")
    (batch / "data.csv").write_text(
        "authority,upheld_decisions,investigations\n"
        "Ipswich Borough Council,3,2\n"
        "Telford & Wrekin Council,1,1\n", encoding="utf-8")
    code, out, _ = run(capsys, "letters", "--data", "data.csv", "--format", "json")
    found = data_findings(out)
    assert set(found) == {(L000, "data-mismatch")}  # matched despite the slip; Telford matched exactly
    [finding] = found[(L000, "data-mismatch")]
    assert "upheld_decisions is 2 in the letter but 3 in the data" in finding["message"]
    assert 'data.csv line 2, "Ipswich Borough Council", similar name, 98% alike' in finding["message"]


def test_excel_data_with_percent_cells_gives_the_same_findings(batch, capsys):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    lines = DATA.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        cells = line.split(",")
        if number:
            cells = [cells[0], *(int(c) if c.isdigit() else c for c in cells[1:])]
            rate = str(cells[3]).rstrip("%")
            cells[3] = int(rate) / 100  # a percent cell holds 0.5 for 50%
        sheet.append(cells)
        if number:
            sheet.cell(row=number + 1, column=4).number_format = "0%"
    book.save(batch / "data.xlsx")

    _, csv_out, _ = run(capsys, "letters", "--data", "data.csv", "--format", "json")
    _, xlsx_out, _ = run(capsys, "letters", "--data", "data.xlsx", "--format", "json")
    as_csv = {k: [f["message"] for f in v] for k, v in data_findings(csv_out).items()}
    as_xlsx = {(k[0].replace("data.xlsx", "data.csv"), k[1]): [f["message"].replace("data.xlsx", "data.csv")
                                                               for f in v]
               for k, v in data_findings(xlsx_out).items()}
    assert as_xlsx == as_csv and len(as_csv) == 4


def test_batch_level_finding_in_every_format(batch, capsys):
    run(capsys, "letters", "--data", "data.csv", "--select", "missing-letter", "--format", "text",
        "--output-format", "sarif:out.sarif", "--output-format", "github:out.github",
        "--output-format", "junit:out.xml", "--output", "out.txt")
    assert "data.csv:6: error missing-letter " in Path("out.txt").read_text(encoding="utf-8")
    assert "1 error" in Path("out.txt").read_text(encoding="utf-8")

    [result] = json.loads(Path("out.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert result["ruleId"] == "missing-letter"
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == ("data.csv", 6)

    github = Path("out.github").read_text(encoding="utf-8")
    assert "::error file=data.csv,line=6,title=letter-audit missing-letter::No letter in the batch" in github

    suite = list(JUnitXml.fromfile("out.xml"))[0]
    cases = {case.name: case for case in suite}
    assert len(cases) == 6 and suite.failures == 1
    [failure] = cases["data.csv"].result
    assert failure.type == "missing-letter" and "Norwich City Council" in failure.text


@pytest.mark.parametrize("content, message", [
    ("name,upheld_rate\nIpswich,100\n", "no authority column"),
    ("authority,upheld_rate\nIpswich,lots\n", "data.csv line 2, column upheld_rate: 'lots' is not a valid percent"),
    ("authority,investigations\nIpswich,2.5\n", "column investigations: '2.5' is not a valid int"),
    ("authority,letter_date\nIpswich,yesterday\n", "is not a valid date"),
    ("authority\nIpswich\nIPSWICH.\n", "'Ipswich' is on line 2 and again on line 3"),
    ("authority,investigations\n,2\n", "data.csv line 2: the authority cell is empty"),
])
def test_an_unusable_data_file_is_a_usage_error(batch, capsys, content, message):
    (batch / "data.csv").write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "letters", "--data", "data.csv")
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_missing_data_file(batch, capsys):
    code, _, err = run(capsys, "letters", "--data", "nowhere.csv")
    assert code == 2 and "nowhere.csv: no such file" in err


# --- name matching ---------------------------------------------------------------------------

@pytest.mark.parametrize("left, right", [
    ("Telford & Wrekin Council", "telford and wrekin council"),
    ("St. Helens Council", "St Helens Council"),
    ("King's Lynn and West Norfolk", "Kings Lynn & West Norfolk"),
    ("Stockton-on-Tees Borough Council", "STOCKTON ON TEES BOROUGH COUNCIL"),
    ("  Ipswich   Borough Council ", "Ipswich Borough Council"),
])
def test_names_equal_once_normalised(left, right):
    assert normalise_name(left) == normalise_name(right)


def test_fuzzy_matching_tolerates_slips_not_other_words():
    index = NameIndex(["South Kesteven District Council", "East Sussex County Council",
                       "Wellingborough Borough Council", "Ipswich Borough Council"])
    assert index.match("Wellingboro Borough Council").name == "Wellingborough Borough Council"
    assert index.match("Ipswich Borugh Council").how == "fuzzy"
    assert index.match("IPSWICH BOROUGH COUNCIL").how == "normalised"
    assert index.match("Ipswich Borough Council").how == "exact"
    assert index.match("North Kesteven District Council") is None
    assert index.match("West Sussex County Council") is None
    assert index.match("Norwich City Council") is None
    assert index.closest("Norwich City Council") is not None


@pytest.mark.parametrize("base, letter, cell, agree", [
    ("percent", 13, "12.5", True),  # the letter states the exact figure rounded
    ("percent", 12, "12.5", True),
    ("percent", 20, "12.5", False),
    ("percent", 12.5, "12.5%", True),
    ("int", 12, "12", True),
    ("money", "£150.50", "150.50", True),  # a bare amount takes the letter's currency
    ("money", "£150.50", "£150.5", True),
    ("money", "£150.50", "150.51", False),
    ("money", "£150.50", "150.50 EUR", False),
    ("date", "2020-07-22", "22 July 2020", True),
    ("text", "Smith & Sons", "SMITH AND SONS", True),
])
def test_data_cells_are_compared_with_the_letters_values_by_type(base, letter, cell, agree):
    from audit.data import letter_value, same, typed

    assert same(base, letter_value(base, letter), typed(base, cell)) is agree


@pytest.mark.parametrize("base, cell", [("int", "12.0"), ("int", "1.5"), ("percent", "x"), ("money", "£"),
                                        ("date", "2020-13-01")])
def test_data_cells_not_of_the_columns_type_are_refused(base, cell):
    from audit.data import typed

    with pytest.raises(ValueError):
        typed(base, cell)


def test_columns_that_match_no_field_are_an_error_naming_them(batch, capsys):
    """A column compared with nothing would pass every letter: it stops the run, with a suggestion."""
    header, *rows = (batch / "data.csv").read_text(encoding="utf-8").splitlines()
    columns = header.split(",")
    renamed = [("Upheld decision" if c == "Upheld decisions" else c) for c in columns]
    (batch / "data.csv").write_text("\n".join([",".join(renamed + ["notes"]), *(r + "," for r in rows)]) + "\n",
                                    encoding="utf-8")
    code, out, err = run(capsys, "letters", "--data", "data.csv")
    assert code == 2 and out == ""
    assert "'upheld_decision' (did you mean 'upheld_decisions'?), 'notes' match no field" in err

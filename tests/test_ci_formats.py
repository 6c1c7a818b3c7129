"""The CI output formats: JUnit (read back with junitparser), SARIF (checked against the
SARIF 2.1.0 schema shipped in tests/fixtures/ci), GitHub workflow commands (exact
escaping), and several formats from one run with --output-format."""
from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from audit.cli import main
from support import run_cli
from audit.models import Finding, LetterResult
from audit.report import Summary, as_github, formats
from audit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "fixtures" / "ci" / "sarif-schema-2.1.0.json"
LETTER_001 = "001_eb19f74a81183c1a.txt"


@pytest.fixture
def batch(tmp_path, monkeypatch):
    """A copy of fixtures/letters in a temporary working directory, as letters/."""
    shutil.copytree(ROOT / "fixtures" / "letters", tmp_path / "letters")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "letters"


def run(capsys, *args) -> tuple[int, str, str]:
    return run_cli(capsys, "check", "--no-config", *args)


def sarif_validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# --- JUnit ---------------------------------------------------------------------------

def test_junit_one_suite_one_case_per_letter_failures_name_rule_and_line(batch, capsys):
    code, out, _ = run(capsys, "letters", "--format", "junit", "--output", "junit.xml")
    assert code == 1 and out == ""
    xml = JUnitXml.fromfile("junit.xml")
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    cases = {case.name: case for case in suite}
    assert len(cases) == 5 and suite.tests == 5 and suite.failures == 3
    assert all(name.startswith("letters/") for name in cases)

    failing = cases[f"letters/{LETTER_001}"]
    [failure] = failing.result
    assert isinstance(failure, Failure)
    assert failure.type == "count-mismatch"
    assert "line 77" in failure.message and "count-mismatch" in failure.message
    assert "Compliance outcomes are given as 1" in failure.text

    three = cases["letters/003_93a2751bcc8bc2f0.txt"]
    [failure] = three.result
    assert failure.message.startswith("3 findings")
    assert failure.text.count("missing-section") == 3

    clean = cases["letters/004_63abd8654b08d728.txt"]
    assert clean.is_passed and not clean.result
    assert cases["letters/000_bd725a1dda7d64f9.txt"].is_passed
    with_info = cases["letters/002_3e1a7b4ce7d2b570.txt"]
    assert "extraction-artifact" not in with_info.result[0].text  # info findings do not fail a letter...
    assert "extraction-artifact" in with_info.system_out  # ...but are shown


def test_junit_cleans_characters_xml_cannot_hold():
    result = LetterResult(Path("x.txt"), None, {}, [Finding("extra-paragraph", "warning", "bad \x0b byte", 3)])
    stream = io.StringIO()
    formats()["junit"].write([result], Summary.of([result]), stream)
    assert "\x0b" not in stream.getvalue()
    JUnitXml.fromstring(stream.getvalue().split("\n", 1)[1])  # still well-formed XML


# --- SARIF ---------------------------------------------------------------------------

def test_sarif_is_valid_and_lists_every_rule_once(batch, capsys):
    code, out, _ = run(capsys, "letters", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    sarif_validator().validate(log)
    assert log["version"] == "2.1.0"
    [sarif_run] = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    catalogue = Settings().rules  # the run's: built-in rules and those its template declares
    assert ids == list(catalogue)  # each rule once, in catalogue order
    for rule in rules:
        assert rule["shortDescription"]["text"] == catalogue[rule["id"]].summary
        assert rule["fullDescription"]["text"] == catalogue[rule["id"]].doc
        assert "Bad" in rule["fullDescription"]["text"] and "Good" in rule["fullDescription"]["text"]

    results = sarif_run["results"]
    assert len(results) == 9  # 7 errors, 1 warning, 1 info on the fixtures
    levels = {r["level"] for r in results}
    assert levels == {"error", "warning", "note"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert uri.startswith("letters/") and Path(uri).is_file()  # relative to the working directory
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert isinstance(location["region"]["startLine"], int) and location["region"]["startLine"] >= 1
    count = next(r for r in results if r["ruleId"] == "count-mismatch")
    assert count["locations"][0]["physicalLocation"]["region"]["startLine"] == 77
    assert count["level"] == "error"
    prints = [r["partialFingerprints"]["letterAudit/v2"] for r in results]
    assert len(set(prints)) == len(prints)  # every finding told apart


def test_sarif_fingerprints_survive_unrelated_lines_moving(batch, capsys):
    def results():
        code, out, _ = run(capsys, "letters", "--format", "sarif")
        return json.loads(out)["runs"][0]["results"]

    before = results()
    letter = batch / LETTER_001
    letter.write_text("\n\n\n" + letter.read_text(encoding="utf-8"), encoding="utf-8")
    after = results()

    def by_print(rs):
        return {r["partialFingerprints"]["letterAudit/v2"]: r for r in rs}

    assert by_print(before).keys() == by_print(after).keys()
    moved = [r for r in after if r["ruleId"] == "count-mismatch"][0]
    assert moved["locations"][0]["physicalLocation"]["region"]["startLine"] == 80  # the line did move
    assert by_print(before)[moved["partialFingerprints"]["letterAudit/v2"]]["ruleId"] == "count-mismatch"


def test_sarif_fingerprint_changes_with_the_evidence(batch, capsys):
    def count_print():
        _, out, _ = run(capsys, "letters", "--format", "sarif", "--select", "count-mismatch")
        [result] = json.loads(out)["runs"][0]["results"]
        return result["partialFingerprints"]["letterAudit/v2"]

    first = count_print()
    letter = batch / LETTER_001
    letter.write_text(letter.read_text(encoding="utf-8").replace("total of 1 compliance outcome ",
                                                                  "total of 3 compliance outcomes "),
                      encoding="utf-8")
    assert count_print() != first


# --- GitHub --------------------------------------------------------------------------

def test_github_escapes_message_and_properties_exactly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    finding = Finding("rate-mismatch", "error", "Rate: 50% of 3,\r\nnot 100%", 12)
    result = LetterResult(Path("batch 1/a,b:c%.txt"), "t", {}, [finding])
    stream = io.StringIO()
    as_github.write([result], Summary.of([result]), stream)
    first = stream.getvalue().splitlines()[0]
    assert first == ("::error file=batch 1/a%2Cb%3Ac%25.txt,line=12,title=letter-audit rate-mismatch"
                     "::Rate: 50%25 of 3,%0D%0Anot 100%25")


def test_github_escape_functions():
    assert as_github.escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert as_github.escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"


def test_github_levels_and_paths(batch, capsys):
    code, out, _ = run(capsys, "letters", "--format", "github")
    assert code == 1
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert len(commands) == 9
    assert sum(line.startswith("::error ") for line in commands) == 7
    assert sum(line.startswith("::warning ") for line in commands) == 1
    assert sum(line.startswith("::notice ") for line in commands) == 1  # info -> notice
    assert f"::error file=letters/{LETTER_001},line=77,title=letter-audit count-mismatch::Compliance" in out
    for line in commands:
        assert re.fullmatch(r"::(error|warning|notice) file=[^,:]+,line=\d+,title=[^,:]+::.+", line)


# --- one run, several formats ------------------------------------------------------------

def test_output_format_writes_several_reports_from_one_run(batch, capsys):
    code, out, _ = run(capsys, "letters", "--format", "json",
                       "--output-format", "junit:reports/letters.xml",
                       "--output-format", "sarif:reports/letters.sarif",
                       "--output-format", "github:reports/github.txt",
                       "--output-format", "csv:reports/letters.csv")
    assert code == 1
    report = json.loads(out)
    assert report["format_version"] == 2
    findings = sum(len(letter["findings"]) for letter in report["letters"])
    sarif = json.loads(Path("reports/letters.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == findings
    github = Path("reports/github.txt").read_text(encoding="utf-8")
    assert sum(line.startswith("::") for line in github.splitlines()) == findings
    junit = JUnitXml.fromfile("reports/letters.xml")
    assert sum(1 for suite in junit for case in suite) == len(report["letters"])
    assert Path("reports/letters.csv").read_text(encoding="utf-8").count("\n") == 6


@pytest.mark.parametrize("spec", ["junit:", "nope:out.xml", ":out.xml", "nope"])
def test_output_format_rejects_bad_specs(batch, capsys, spec):
    code, out, err = run(capsys, "letters", "--output-format", spec)
    assert code == 2
    assert err.startswith("letter-audit: error: --output-format") and err.count("\n") == 1
    assert "Traceback" not in err


def test_output_format_without_a_file_is_the_main_format(batch, capsys):
    """As in ruff, `--output-format FORMAT` alone picks the report on stdout (issue 11)."""
    code, out, _ = run(capsys, "letters", "--output-format", "json")
    assert code == 1 and json.loads(out)["format_version"] == 2
    code, out, err = run(capsys, "letters", "--output-format", "json", "--format", "csv")
    assert code == 2 and "--format asks for csv" in err


def test_json_gives_money_as_amount_and_currency_and_csv_as_written(tmp_path, capsys):
    template = tmp_path / "fees.md"
    template.write_text('+++\nname = "fees"\nwithheld = ["[private]"]\n[types.fee]\nbase = "money"\n'
                        '[fields]\nfee = { type = "fee" }\npaid = { type = "money" }\nnote = { type = "text" }\n'
                        '+++\n\nThe fee is {{fee}}; you paid {{paid}} ({{note}}).\n', encoding="utf-8")
    letters = []
    for name, text in (("a.txt", "The fee is 1,234.50 EUR; you paid -£3 (£5 back).\n"),
                       ("b.txt", "The fee is [private]; you paid $0.10 (none).\n")):
        letters.append(tmp_path / name)
        letters[-1].write_text(text, encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", "--no-config", "-t", template, "--format", "json", *letters)
    fields = [letter["fields"] for letter in json.loads(out)["letters"]]
    # with a baseline, the records are made from the results read back, not where each letter was audited
    code, out, _ = run_cli(capsys, "check", "--no-config", "-t", template, "--format", "json",
                           "--write-baseline", tmp_path / "baseline.toml", *letters)
    assert [letter["fields"] for letter in json.loads(out)["letters"]] == fields
    assert fields == [{"fee": {"amount": "1234.50", "currency": "EUR"}, "paid": {"amount": "-3", "currency": "GBP"},
                       "note": "£5 back"},  # text that reads as money stays text
                      {"fee": {"withheld": "[private]"}, "paid": {"amount": "0.10", "currency": "USD"}, "note": "none"}]
    code, out, _ = run_cli(capsys, "check", "--no-config", "-t", template, "--format", "csv", *letters)
    assert "€1,234.50" in out and "-£3" in out and "$0.10" in out


def test_a_runs_json_read_back_gives_money_as_the_results_hold_it(tmp_path, capsys):
    """`letter-audit serve run.json` shows a letter's fields as a run audited here would."""
    from audit.pipeline import audit_letter
    from audit.serve.run_file import read_run

    template = ROOT / "docs" / "examples" / "council-tax-refund.md"
    letters = sorted((ROOT / "fixtures" / "letters-refund").glob("*.txt"))[:3]
    run = tmp_path / "run.json"
    run_cli(capsys, "check", "--no-config", "-t", template, "-f", "json", "-o", run, "--fail-on", "never", *letters)
    assert any(isinstance(v, dict) and "amount" in v for letter in json.loads(run.read_text(encoding="utf-8"))["letters"]
               for v in letter["fields"].values())
    audited = [audit_letter(path, Settings(template_paths=[template]))[1].fields for path in letters]
    assert [result.fields for result in read_run(run)] == audited

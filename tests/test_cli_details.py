"""The command line's details, as ruff and sqlfluff do them: usage with no arguments, "did you
mean" for options, commands and rule ids, plain-text rule docs, sizes in the unit given, the
format in the configuration, what a folder search skips, a missing path reported and passed."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audit.cli import main
from audit.read import describe_size
from support import ROOT, SEEDS, run_cli


def run(capsys, *args):
    return run_cli(capsys, *args)


def audited(out: str) -> list[str]:
    return [Path(letter["path"]).relative_to(Path.cwd()).as_posix() if Path(letter["path"]).is_absolute()
            else letter["path"] for letter in json.loads(out)["letters"]]


def test_no_arguments_prints_the_usage():
    done = subprocess.run([sys.executable, "-m", "audit"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("usage: letter-audit") and "check" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args, suggestion", [
    (["check", "x", "--exlcude", "y"], "(did you mean --exclude?)"),
    (["check", "x", "--fail-onn", "error"], "(did you mean --fail-on?)"),
    (["chek", "x"], "(did you mean check?)"),
    (["check", "x", "--format", "jsn"], "(did you mean json?)"),
    (["check", str(SEEDS["000"]), "--select", "count-mismach"], "(did you mean 'count-mismatch'?)"),
    (["rule", "duplicate-leter"], "(did you mean 'duplicate-letter'?)"),
])
def test_a_mistyped_name_gets_a_suggestion(capsys, args, suggestion):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and suggestion in err


def test_rule_docs_are_plain_text(capsys):
    code, out, _ = run(capsys, "rule", "duplicate-letter")
    assert code == 0 and "::" not in out and "``" not in out
    assert "Bad:\n    letters/012.txt" in out


@pytest.mark.parametrize("size, like, shown", [
    (5120, None, "5 KB"), (6000, 5120, "5.9 KB"), (5121, 5120, "5,121 bytes"), (10 * 2**20, None, "10 MB"),
    (11 * 2**20 + 5, 10 * 2**20, "11.0 MB"), (5000, None, "5,000 bytes"), (6000, 5000, "6,000 bytes"),
    (2**30, None, "1 GB"),
])
def test_sizes_are_shown_in_the_unit_of_the_limit(size, like, shown):
    assert describe_size(size, like=like) == shown


def test_a_file_over_max_bytes_is_described_in_the_unit_given(tmp_path, capsys):
    letter = tmp_path / "big.txt"
    letter.write_bytes(b"x" * 6000)
    code, out, _ = run(capsys, "check", "--no-config", letter, "--max-bytes", "5KB")
    assert code == 1 and "is 5.9 KB, larger than the limit of 5 KB (--max-bytes)" in out


def test_the_output_format_can_be_set_in_the_configuration(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "letter-audit.toml").write_text('format = "json"\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", SEEDS["000"])
    assert code == 0 and json.loads(out)["letters"][0]["status"] == "pass"
    code, out, _ = run(capsys, "check", SEEDS["000"], "--format", "text")  # the command line wins
    assert out.startswith("\n1 letter") or "1 letter: 1 pass" in out
    (tmp_path / "letter-audit.toml").write_text('format = "jsn"\n', encoding="utf-8")
    code, _, err = run(capsys, "check", SEEDS["000"])
    assert code == 2 and "format must be one of" in err and "(did you mean 'json'?)" in err


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder: letters, a virtualenv with its lib64 -> lib link, node_modules, .git,
    a folder .gitignore ignores, a link to a folder and a link to a letter."""
    seed = SEEDS["000"].read_bytes()
    for folder in ("letters", ".venv/lib", ".git", "node_modules/pkg", "build", "drafts", "__pycache__"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "a.txt").write_bytes(seed)
    (tmp_path / "letters" / "b.txt").write_bytes(SEEDS["003"].read_bytes())
    (tmp_path / "letters" / "skip.log.txt").write_bytes(seed)
    os.symlink("lib", tmp_path / ".venv" / "lib64")
    os.symlink("../letters", tmp_path / "letters" / "again")
    os.symlink("b.txt", tmp_path / "letters" / "twin.txt")
    (tmp_path / ".gitignore").write_text("drafts/\n*.log.txt\n", encoding="utf-8")  # .git marks the repository
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_folder_search_skips_tool_folders_and_what_gitignore_ignores(project, capsys):
    code, out, _ = run(capsys, "check", "--no-config", ".", "--format", "json", "--ignore", "duplicate-letter")
    assert audited(out) == ["letters/a.txt", "letters/b.txt"]  # links to a folder and to a letter: not again
    code, out, _ = run(capsys, "check", "--no-config", ".", "--format", "json", "--no-default-excludes",
                       "--ignore", "duplicate-letter")
    assert sorted(audited(out)) == sorted(["__pycache__/a.txt", ".git/a.txt", ".venv/lib/a.txt", "build/a.txt",
                                           "drafts/a.txt", "letters/a.txt", "letters/b.txt",
                                           "letters/skip.log.txt", "node_modules/pkg/a.txt"])
    code, out, _ = run(capsys, "check", "--no-config", "letters/b.txt", "letters/twin.txt", "letters",
                       "--format", "json", "--ignore", "duplicate-letter")
    assert audited(out) == ["letters/b.txt", "letters/a.txt"]  # one file, reached three times: audited once


def test_a_missing_path_is_a_finding_and_the_run_goes_on(project, capsys):
    code, out, err = run(capsys, "check", "--no-config", "nowhere.txt", "letters/a.txt")
    assert code == 1 and err == ""
    assert "nowhere.txt:1: error unreadable-input The file does not exist." in out
    assert "2 letters: 1 pass, 0 warn, 1 fail" in out


def test_ints_stay_ints_in_every_csv_when_a_letter_lacks_the_field(tmp_path, capsys):
    (tmp_path / "other.txt").write_text("Minutes of the Audit Committee\n\nPresent: all members.\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--no-config", SEEDS["001"], tmp_path / "other.txt", "--format", "csv",
                       "--html", tmp_path / "report", "-q")
    for text in (out, (tmp_path / "report" / "fields.csv").read_text(encoding="utf-8")):
        header, first, second = text.splitlines()[:3]
        row = dict(zip(header.split(","), first.split(",")))
        assert row["upheld_decisions"] == "2" and row["upheld_rate"] == "100" and row["errors"] == "1"
        assert ".0," not in first and second.endswith(",,")


@pytest.mark.parametrize("document", ["letters-pdf/001_eb19f74a81183c1a.pdf", "letters-docx/001_eb19f74a81183c1a.docx"])
def test_standard_input_is_read_by_what_its_bytes_are(document):
    """A PDF or Word file on standard input, with no --stdin-filename to name its format."""
    done = subprocess.run([sys.executable, "-m", "audit", "check", "--no-config", "-", "--format", "json"],
                          input=(ROOT / "fixtures" / document).read_bytes(), capture_output=True, cwd=ROOT, timeout=120)
    assert b"Traceback" not in done.stderr
    [letter] = json.loads(done.stdout)["letters"]
    assert letter["template"] == "lgsco-annual-review-2020" and letter["fields"]["upheld_decisions"] == 2
    assert [f["rule"] for f in letter["findings"]] == ["count-mismatch"]

"""Distribution: the pre-commit hook, and the CI examples in README.md (valid YAML whose
letter-audit commands the command line accepts)."""
from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from audit.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "README.md"


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def commands_in(value) -> list[str]:
    """Every `letter-audit check ...` command in a parsed YAML document."""
    if isinstance(value, dict):
        return [c for v in value.values() for c in commands_in(v)]
    if isinstance(value, list):
        return [c for v in value for c in commands_in(v)]
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip().startswith("letter-audit check")]
    return []


def test_pre_commit_hook():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "letter-audit" and hook["language"] == "python"
    files = re.compile(hook["files"])
    assert files.search("letters/001.txt") and files.search("letters/001.md")
    assert not files.search("audit/cli.py") and not files.search("notes.txt.bak")
    entry = shlex.split(hook["entry"])
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert entry[0] in scripts  # the console script pip installs
    build_parser().parse_args([*entry[1:], "a.txt", "b.md"])  # pre-commit appends the file names


def test_pre_commit_entry_audits_the_files_it_is_given(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    args = shlex.split(hook["entry"])[1:] + ["--no-config", "fixtures/letters/004_63abd8654b08d728.txt"]
    assert main(args) == 0
    args[-1] = "fixtures/letters/001_eb19f74a81183c1a.txt"
    assert main(args) == 1
    capsys.readouterr()


def test_docs_yaml_examples_parse_and_their_commands_are_valid():
    documents = [yaml.safe_load(block) for block in code_blocks("yaml")]
    assert len(documents) == 3  # GitHub Actions, GitLab, pre-commit
    github, gitlab, pre_commit = documents
    assert github["jobs"]["letter-audit"]["permissions"]["security-events"] == "write"
    steps = github["jobs"]["letter-audit"]["steps"]
    upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert upload and upload[0]["with"]["sarif_file"] == "letter-audit.sarif"
    assert gitlab["letter-audit"]["artifacts"]["reports"]["junit"] == "letter-audit.xml"
    assert pre_commit["repos"][0]["hooks"][0]["id"] == "letter-audit"

    commands = commands_in(github) + commands_in(gitlab)
    assert len(commands) == 2
    for command in commands:
        args = build_parser().parse_args(shlex.split(command)[1:])
        outputs = dict(spec.split(":", 1) for spec in args.output_format)
        assert outputs  # every example writes a report file for its CI to pick up
    assert "sarif:letter-audit.sarif" in commands[0] and "--format github" in commands[0]
    assert "junit:letter-audit.xml" in commands[1]


@pytest.mark.parametrize("block", code_blocks("sh"))
def test_docs_shell_commands_are_valid(block):
    for line in block.splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("letter-audit check"):
            build_parser().parse_args(shlex.split(line)[1:])


def test_docs_config_example_is_read_as_documented(tmp_path, monkeypatch, capsys):
    [example] = [b for b in code_blocks("toml") if "fail-on" in b]
    (tmp_path / "letter-audit.toml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--show-settings"]) == 0
    out, err = capsys.readouterr()
    assert err == ""  # every key of the example is known
    assert 'fail-on = "error"' in out and "extra-paragraph" in out

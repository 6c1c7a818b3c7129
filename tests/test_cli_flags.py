"""The command line people expect of a linter (issue 11, section 4) and the inputs of issue 9,
section 6: standard input, colour, -q, --statistics, --exit-zero, short flags, --extensions,
--exclude by folder name, no letters found (templates among letters: test_no_input_crashes.py)."""
from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys

import pytest

from audit.cli import main

from support import LETTERS, ROOT, SEEDS, run_cli

TEMPLATE = ROOT / "templates" / "lgsco-annual-review-2020.md"
ESC = "\x1b["


def run(capsys, *args):
    return run_cli(capsys, "check", "--no-config", *args)


def plain_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI", "TERM")}
    return {**env, "TERM": "xterm", **extra}


def cli(*args, stdin: bytes | None = None, **env):
    return subprocess.run([sys.executable, "-m", "audit", "check", "--no-config", *map(str, args)],
                          input=stdin, capture_output=True, cwd=ROOT, env=plain_env(**env), timeout=60)


def at_terminal(*args, **env) -> str:
    """What the tool writes when its stdout is a terminal (a pseudo-terminal here)."""
    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "audit", "check", "--no-config", *map(str, args)],
                          stdout=follower, stderr=subprocess.DEVNULL, cwd=ROOT, env=plain_env(**env)) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the run is over
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


# --- standard input ----------------------------------------------------------------------

def test_a_letter_from_standard_input_under_its_given_name():
    done = cli("-", "--stdin-filename", "letters/ipswich.txt", stdin=SEEDS["001"].read_bytes())
    out = done.stdout.decode()
    assert done.returncode == 1
    assert "letters/ipswich.txt:77: error count-mismatch" in out and "1 letter: 0 pass" in out
    done = cli("-", "--format", "json", stdin=SEEDS["000"].read_bytes())
    [letter] = json.loads(done.stdout)["letters"]
    assert letter["path"] == "-" and letter["status"] == "pass" and done.returncode == 0


def test_standard_input_with_files_and_twice(tmp_path):
    done = cli("-", SEEDS["000"], "--format", "json", stdin=SEEDS["001"].read_bytes())
    assert [letter["path"] for letter in json.loads(done.stdout)["letters"]] == ["-", str(SEEDS["000"])]
    done = cli("-", "-", stdin=b"")
    assert done.returncode == 2 and b"standard input (-) can be read only once" in done.stderr


# --- colour ------------------------------------------------------------------------------

def test_colour_at_a_terminal_only():
    coloured = at_terminal(SEEDS["001"])
    assert f"{ESC}1;31merror{ESC}0m" in coloured and f"{ESC}35mcount-mismatch{ESC}0m" in coloured
    assert f"{ESC}1m{SEEDS['001']}:77:{ESC}0m" in coloured
    assert f"{ESC}1m1 letter: 0 pass" in coloured
    assert ESC not in at_terminal(SEEDS["001"], NO_COLOR="1")
    assert ESC not in at_terminal(SEEDS["001"], "--color", "never")
    assert ESC not in at_terminal(SEEDS["001"], TERM="dumb")


def test_no_colour_in_pipes_files_or_ci_formats(capsys, monkeypatch, tmp_path):
    """In this process, whose captured stdout is no terminal, as a pipe is not."""
    def out(*args, **env):
        for name in ("NO_COLOR", "FORCE_COLOR"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return run(capsys, SEEDS["001"], *args)[1]

    assert ESC not in out()
    assert ESC in out(FORCE_COLOR="1")
    assert ESC not in out(FORCE_COLOR="1", NO_COLOR="1")
    assert ESC in out("--color", "always", NO_COLOR="1")
    assert ESC not in out("--color", "always", "--format", "github")
    out("--color", "always", "--output", tmp_path / "report.txt")
    assert ESC not in (tmp_path / "report.txt").read_text()


# --- quiet, statistics, exit-zero, short flags ---------------------------------------------

def test_quiet_prints_the_findings_only(capsys, tmp_path):
    shutil.copy(SEEDS["001"], tmp_path / "letter.txt")
    code, out, err = run(capsys, tmp_path, "-q")
    assert code == 1 and err == ""
    assert out.splitlines() == [f"{tmp_path}/letter.txt:77: error count-mismatch Compliance outcomes are given "
                                "as 1, but 2 upheld decisions minus 0 satisfactory remedy decisions makes 2."]
    code, out, _ = run(capsys, tmp_path, "--quiet", "--format", "github")
    assert code == 1 and out.count("\n") == 1 and out.startswith("::error ")


def test_statistics_count_findings_per_rule(capsys):
    code, out, _ = run(capsys, LETTERS, "--statistics")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["6", "missing-section", "error", "A", "required", "section", "of", "the",
                                "template", "is", "absent", "from", "the", "letter."]
    assert [line.split()[1] for line in lines] == ["missing-section", "count-mismatch", "extra-paragraph",
                                                   "extraction-artifact"]
    assert "Compliance outcomes" not in out


def test_exit_zero_and_short_flags(capsys, tmp_path):
    assert run(capsys, LETTERS, "--exit-zero")[0] == 0
    code, out, _ = run(capsys, LETTERS, "-t", TEMPLATE, "-f", "json", "-o", tmp_path / "report.json")
    assert code == 1 and out == ""
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["summary"]["letters"] == 5
    assert run(capsys, LETTERS, "--exit-zero", "--template", tmp_path / "missing.md")[0] == 2


# --- which files are letters -----------------------------------------------------------------

def test_extensions_choose_the_files_searched(capsys, tmp_path):
    for name in ("a.txt", "b.md", "c.TXT", "d.letter"):
        shutil.copy(SEEDS["000"], tmp_path / name)
    code, out, _ = run(capsys, tmp_path, "--extensions", ".md", "--format", "json")
    assert [letter["path"].rsplit("/", 1)[1] for letter in json.loads(out)["letters"]] == ["b.md"]
    code, out, _ = run(capsys, tmp_path, "--extensions", "txt,letter", "--format", "json")
    assert [letter["path"].rsplit("/", 1)[1] for letter in json.loads(out)["letters"]] == [
        "a.txt", "c.TXT", "d.letter"]
    code, out, _ = run(capsys, tmp_path, "--format", "json")
    assert len(json.loads(out)["letters"]) == 3


def test_no_letters_found_is_a_usage_error(capsys, tmp_path):
    (tmp_path / "notes.rtf").write_text("not a letter")
    code, out, err = run(capsys, tmp_path)
    assert code == 2 and out == ""
    assert err == f"letter-audit: error: no letters found in {tmp_path}; looked for .txt, .md, .pdf, .docx and .doc\n"
    code, _, err = run(capsys, tmp_path, "--extensions", ".txt,.md")
    assert err == f"letter-audit: error: no letters found in {tmp_path}; looked for .txt and .md\n"


def test_exclude_matches_a_folder_name_anywhere(capsys, tmp_path):
    for folder in ("2020", "2020/drafts/old", "2021"):
        (tmp_path / folder).mkdir(parents=True)
    shutil.copy(SEEDS["000"], tmp_path / "2020" / "a.txt")
    shutil.copy(SEEDS["000"], tmp_path / "2020" / "drafts" / "old" / "b.txt")
    shutil.copy(SEEDS["000"], tmp_path / "2021" / "c-draft.txt")
    code, out, _ = run(capsys, tmp_path, "--exclude", "drafts", "--exclude", "*-draft.txt", "--format", "json")
    assert [letter["path"] for letter in json.loads(out)["letters"]] == [f"{tmp_path}/2020/a.txt"]


@pytest.mark.parametrize("key, value, shown", [
    ("extensions", '[".md"]', 'extensions = [".md"]'), ("max-bytes", '"1 MB"', "max-bytes = 1048576"),
])
def test_extensions_and_max_bytes_in_the_config_file(capsys, tmp_path, key, value, shown):
    (tmp_path / "letter-audit.toml").write_text(f"{key} = {value}\n")
    code = main(["check", "--config", str(tmp_path / "letter-audit.toml"), "--show-settings"])
    out = capsys.readouterr().out
    assert code == 0 and shown in out


def test_the_light_command_line_module_agrees_with_the_engine():
    """cli.py names formats and fail-on levels without importing the engine; they must match."""
    from audit import cli, settings
    from audit.report import formats

    assert cli.FAIL_ON is settings.FAIL_ON
    assert cli.FORMAT_NAMES == sorted(formats())


@pytest.mark.parametrize("description, phrase", [
    ("signature image description", "a signature image description"), ("any text", "any text"),
    ("image description", "an image description"), ("the footer", "the footer"),
])
def test_free_text_messages_read_as_english(description, phrase):
    """Issue 9: "allows a any text" read badly."""
    from audit.rules.extraction_artifact import with_article

    assert with_article(description) == phrase


def test_text_format_names_the_page_when_the_reader_knew_pages():
    """Issue 11: `file.pdf:12: ... (page 2)`; plain text has no pages and shows none."""
    import io

    from audit.models import Finding, LetterResult
    from audit.report import Summary, as_text

    on_page = Finding("count-mismatch", "error", "Counts disagree.", 12, page=2)
    no_page = Finding("count-mismatch", "error", "Counts disagree.", 3)
    results = [LetterResult(ROOT / "a.pdf", None, {}, [on_page]), LetterResult(ROOT / "b.txt", None, {}, [no_page])]
    stream = io.StringIO()
    as_text.write(results, Summary.of(results), stream)
    lines = stream.getvalue().splitlines()
    assert lines[0] == f"{ROOT}/a.pdf:12: error count-mismatch Counts disagree. (page 2)"
    assert lines[1] == f"{ROOT}/b.txt:3: error count-mismatch Counts disagree."

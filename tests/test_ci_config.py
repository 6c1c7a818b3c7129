"""Configuration: letter-audit.toml / [tool.letter-audit] found upward, command-line
overrides, unknown-key warnings, invalid values, --show-settings."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from audit.cli import main
from support import run_cli
from audit.config import find_config

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "lgsco-annual-review-2020.md"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """proj/ with the seed letters; the tests work from proj/work/deep."""
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "fixtures" / "letters", proj / "letters")
    deep = proj / "work" / "deep"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    return proj


def run(capsys, *args):
    return run_cli(capsys, "check", *args)


def settings_shown(capsys, *args) -> dict[str, str]:
    """--show-settings as {key: 'value  # source'}."""
    code, out, _ = run(capsys, "--show-settings", *args)
    assert code == 0
    shown = {}
    for line in out.splitlines():
        if " = " in line and not line.startswith("#"):
            key, _, rest = line.partition(" = ")
            shown[key] = rest
    return shown


def test_config_is_found_upward_and_applies(project, capsys):
    (project / "letter-audit.toml").write_text('fail-on = "never"\n', encoding="utf-8")
    assert find_config() == project / "letter-audit.toml"
    code, _, _ = run(capsys, "../../letters")
    assert code == 0  # the fixtures have errors, but fail-on = never
    assert settings_shown(capsys)["fail-on"] == f'"never"  # {project / "letter-audit.toml"}'


def test_command_line_overrides_config(project, capsys):
    (project / "letter-audit.toml").write_text('fail-on = "never"\nignore = ["missing-section"]\n', encoding="utf-8")
    code, _, _ = run(capsys, "../../letters", "--fail-on", "error")
    assert code == 1
    shown = settings_shown(capsys, "--fail-on", "error", "--ignore", "count-mismatch")
    assert shown["fail-on"] == '"error"  # command line'
    assert shown["ignore"] == '["count-mismatch"]  # command line'  # a list given replaces the file's
    assert shown["select"].endswith("# default: every rule")


def test_letter_audit_toml_beats_pyproject_in_the_same_folder(project, capsys):
    (project / "pyproject.toml").write_text('[tool.letter-audit]\nfail-on = "info"\n', encoding="utf-8")
    (project / "letter-audit.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    assert settings_shown(capsys)["fail-on"].startswith('"error"')


def test_the_nearest_folder_wins_and_pyproject_without_the_table_is_skipped(project, capsys):
    (project / "letter-audit.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    (project / "work" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert settings_shown(capsys)["fail-on"].startswith('"error"')  # no [tool.letter-audit]: skipped
    (project / "work" / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.letter-audit]\n'
                                                     'fail-on = "info"\n', encoding="utf-8")
    assert find_config() == project / "work" / "pyproject.toml"
    assert settings_shown(capsys)["fail-on"] == f'"info"  # {project / "work" / "pyproject.toml"}'


def test_every_key_takes_effect_paths_relative_to_the_file(project, capsys):
    (project / "tpl").mkdir()
    shutil.copy(TEMPLATE, project / "tpl" / "annual.md")
    (project / "letter-audit.toml").write_text(
        'template = "tpl/annual.md"\n'
        'ignore = ["missing-section", "extra-paragraph"]\n'
        'severity = { count-mismatch = "info" }\n'
        'exclude = ["003_*"]\n', encoding="utf-8")
    code, out, _ = run(capsys, "../../letters", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert len(report["letters"]) == 4  # 003 excluded
    rules = {(f["rule"], f["severity"]) for r in report["letters"] for f in r["findings"]}
    assert rules == {("count-mismatch", "info"), ("extraction-artifact", "info")}
    shown = settings_shown(capsys)
    assert shown["template"].startswith(f'["{project / "tpl" / "annual.md"}"]')
    assert shown["severity"].startswith('{ count-mismatch = "info" }')

    # --severity on the command line is merged rule by rule
    shown = settings_shown(capsys, "--severity", "grammar-number=error")
    assert shown["severity"].startswith('{ count-mismatch = "info", grammar-number = "error" }')
    assert "command line" in shown["severity"]


def test_unknown_key_is_a_warning_naming_it(project, capsys):
    (project / "letter-audit.toml").write_text('fail_on = "never"\ncolour = "blue"\n', encoding="utf-8")
    code, _, err = run(capsys, "../../letters")
    assert code == 1  # the run goes on, with the defaults
    assert "unknown key 'fail_on'" in err and "did you mean 'fail-on'" in err
    assert "unknown key 'colour'" in err
    assert "warning" in err


@pytest.mark.parametrize("content, message", [
    ('fail-on = "sometimes"\n', "fail-on must be one of error, warning, info, never, not 'sometimes'"),
    ('select = ["no-such-rule"]\n', "unknown rule 'no-such-rule'"),
    ('severity = { count-mismatch = "fatal" }\n', "severity of count-mismatch must be one of"),
    ("template = 3\n", "template must be a string or a list of strings, not 3"),
    ('exclude = [""]\n', "exclude must be a string or a list of strings"),
    ("fail-on = [\n", "not valid TOML"),
])
def test_invalid_values_exit_2_with_one_line(project, capsys, content, message):
    (project / "letter-audit.toml").write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "../../letters")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("letter-audit: error: ")
    assert "letter-audit.toml" in err and message in err


def test_show_settings_without_config_and_with_no_config(project, capsys):
    (project / "letter-audit.toml").write_text('fail-on = "never"\n', encoding="utf-8")
    code, out, _ = run(capsys, "--show-settings", "--no-config")
    assert code == 0
    assert "configuration file: none found" in out
    assert 'fail-on = "warning"  # default' in out
    assert "# baseline is not set  # default" in out
    code, out, _ = run(capsys, "--show-settings")
    assert "configuration file: " + str(project / "letter-audit.toml") in out


def test_explicit_config_file(project, capsys, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text('fail-on = "never"\n', encoding="utf-8")
    code, _, _ = run(capsys, "../../letters", "--config", other)
    assert code == 0
    code, _, err = run(capsys, "../../letters", "--config", tmp_path / "missing.toml")
    assert code == 2 and "no such configuration file" in err


def test_check_without_paths_is_a_usage_error(project, capsys):
    code, _, err = run(capsys)
    assert code == 2 and "PATH" in err


def test_old_rule_ids_in_a_configuration_file_still_work(tmp_path, capsys):
    from audit.config import load_config

    path = tmp_path / "letter-audit.toml"
    path.write_text('ignore = ["unknown-authority"]\nseverity = { inconsistent-average = "error" }\n'
                    'authority-types = "groups.csv"\n', encoding="utf-8")
    config = load_config(path)
    assert config.values["peer_groups"] == tmp_path / "groups.csv"
    from audit.config import resolve_settings

    settings = resolve_settings({}, config)
    assert settings.ignore == {"unknown-recipient"} and settings.severity == {"inconsistent-value": "error"}
    err = capsys.readouterr().err
    assert "the key 'authority-types' is now called 'peer-groups'" in err

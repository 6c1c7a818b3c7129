"""Issue 22: an --html report is replaced whole or not at all, and a run's outputs are
committed together: a run that fails or is interrupted leaves every previous output as it
was; two runs into one report folder never mix; drafts of letter text stay inside the
report's own folder under way and go with it."""
from __future__ import annotations

import errno
import fcntl
import json
import os

from audit.cli import main
from audit.report import html as html_report
from audit.report.html import HtmlReport
from audit.settings import Settings

from support import SEEDS


def run(capsys, *args):
    code = main(["check", "--no-config", *map(str, args)])
    return (code, *capsys.readouterr())


def files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def previous_run(tmp_path, capsys):
    report, output = tmp_path / "html", tmp_path / "out.json"
    assert run(capsys, SEEDS["000"], "--html", report, "-o", output, "--format", "json")[0] == 0
    return report, output, files(report), output.read_bytes()


def test_a_full_disk_while_the_report_is_written_leaves_every_previous_output(tmp_path, capsys, monkeypatch):
    report, output, pages, json_before = previous_run(tmp_path, capsys)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(html_report, "write_text", disk_full)
    code, out, err = run(capsys, SEEDS["001"], "--html", report, "-o", output, "--format", "json")
    assert code == 2 and "No space left on device" in err and "Traceback" not in err
    assert files(report) == pages and output.read_bytes() == json_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html", "out.json"]


def test_an_interrupt_in_the_html_phase_leaves_the_outputs_already_written(tmp_path, capsys, monkeypatch):
    report, output, pages, json_before = previous_run(tmp_path, capsys)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(HtmlReport, "write", interrupted)
    code, _, err = run(capsys, SEEDS["001"], "--html", report, "-o", output, "--format", "json")
    assert code == 130 and "interrupted" in err
    assert output.read_bytes() == json_before and files(report) == pages
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html", "out.json"]


def test_a_successful_run_replaces_the_report_and_the_outputs_together(tmp_path, capsys):
    report, output, pages, _ = previous_run(tmp_path, capsys)
    assert run(capsys, SEEDS["001"], "--html", report, "-o", output, "--format", "json")[0] == 1
    assert json.loads(output.read_text())["letters"][0]["path"] == str(SEEDS["001"])
    assert [p.name for p in (report / "letters").iterdir()] == ["0001-001-eb19f74a81183c1a.html"]  # none of the old run's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html", "out.json"]


def test_a_second_run_into_a_folder_being_written_stops(tmp_path, capsys):
    report = tmp_path / "html"
    with open(tmp_path / ".html.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a run under way holds it
        code, _, err = run(capsys, SEEDS["000"], "--html", report)
    assert code == 2 and err == (f"letter-audit: error: another letter-audit run is writing the HTML report "
                                 f"{report}; wait for it to end, or choose another folder\n")
    assert not report.exists()


def test_drafts_stay_inside_the_folder_under_way(tmp_path):
    with HtmlReport(tmp_path / "html", [SEEDS["000"]], Settings().rules) as report:
        assert report.out_dir.parent == tmp_path and report.out_dir.name.startswith(".html.new-")
        assert report.keeper.folder.parent == report.out_dir
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # given up: nothing left


def test_a_folder_holding_other_files_is_never_replaced(tmp_path, capsys):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("keep\n")
    code, _, err = run(capsys, SEEDS["000"], "--html", folder)
    assert code == 2 and "it holds todo.txt, which is not part of a letter-audit report" in err
    assert os.listdir(folder) == ["todo.txt"]

"""The tool's edges with the file system and the terminal: hostile paths, signals, atomic
outputs, spreadsheet formulas, terminal escapes, links in the report folder, inputs never
overwritten (issue 8, sections 4 and 5)."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from audit.cli import main
from audit.report import as_json
from audit.report.as_csv import line
from audit.report.escape import csv_cell, terminal_safe
from audit.workers import processors

from support import ROOT, SEEDS, edit, run_cli, seed_text

RUN = [sys.executable, "-m", "audit", "check", "--no-config"]


def run(capsys, *args):
    return run_cli(capsys, "check", "--no-config", *args)


def findings_by_path(report: dict) -> dict[str, list[dict]]:
    return {letter["path"]: letter["findings"] for letter in report["letters"]}


# --- hostile paths --------------------------------------------------------------------------

def test_hostile_batch_is_reported_path_by_path_and_never_hangs(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "good.txt").write_bytes(SEEDS["000"].read_bytes())
    os.mkfifo(batch / "pipe.txt")
    os.symlink(batch / "pipe.txt", batch / "link-to-pipe.md")
    os.symlink("/dev/zero", batch / "device.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(batch / "socket.md"))
    (batch / "x.txt").mkdir()
    (batch / "x.txt" / "inside.txt").write_bytes(SEEDS["003"].read_bytes())
    odd_name = os.fsencode(batch) + b"/caf\xe9-\xff.txt"
    with open(odd_name, "wb") as handle:
        handle.write(SEEDS["000"].read_bytes())
    (batch / "utf16.txt").write_bytes(seed_text("000").replace("Ipswich", "Norwich").encode("utf-16-le"))
    locked = batch / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_bytes(SEEDS["000"].read_bytes())
    locked.chmod(0)
    try:
        done = subprocess.run([*RUN, str(batch), "--format", "json", "--ignore", "duplicate-letter"],
                              capture_output=True, cwd=ROOT, timeout=10)  # a hang raises TimeoutExpired
    finally:
        locked.chmod(stat.S_IRWXU)
        server.close()
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    report = json.loads(done.stdout.decode("utf-8"))  # valid UTF-8 and valid JSON
    found = findings_by_path(report)

    def rule_and_message(name):
        [finding] = found[f"{batch}/{name}"]
        return finding["rule"], finding["message"]

    assert rule_and_message("pipe.txt") == (
        "unreadable-input", "The file is not a regular file but a named pipe (FIFO); it was not opened.")
    assert rule_and_message("link-to-pipe.md")[0] == "unreadable-input"
    assert "not a regular file" in rule_and_message("link-to-pipe.md")[1]
    assert rule_and_message("device.txt") == (
        "unreadable-input", "The file is not a regular file but a character device; it was not opened.")
    assert rule_and_message("socket.md") == (
        "unreadable-input", "The file is not a regular file but a socket; it was not opened.")
    assert rule_and_message("x.txt")[0] == "unreadable-input"
    assert rule_and_message("x.txt")[1].startswith("This is a folder, not a letter")
    assert f"{batch}/x.txt/inside.txt" in found  # a folder named like a letter is still searched
    status = {letter["path"]: letter["status"] for letter in report["letters"]}
    assert status[f"{batch}/caf\\xe9-\\xff.txt"] == "pass"  # audited, its odd bytes shown escaped
    assert status[f"{batch}/utf16.txt"] == "pass"
    [utf16] = [letter for letter in report["letters"] if letter["path"].endswith("utf16.txt")]
    assert utf16["fields"]["authority"] == "Norwich Borough Council"
    if os.geteuid() != 0:  # root lists any folder
        assert rule_and_message("locked")[0] == "unreadable-input"
        assert "cannot be listed" in rule_and_message("locked")[1]

    text = subprocess.run([*RUN, str(batch)], capture_output=True, cwd=ROOT, timeout=10).stdout.decode("utf-8")
    assert f"{batch}/caf\\xe9-\\xff.txt:" in text
    assert f"{batch}/pipe.txt:1: error unreadable-input" in text


def test_an_unlistable_folder_is_a_finding_and_the_run_goes_on(tmp_path, capsys, monkeypatch):
    """Root can list any folder, so the refusal is simulated where the walk lists folders."""
    batch = tmp_path / "batch"
    (batch / "locked").mkdir(parents=True)
    (batch / "locked" / "a.txt").write_bytes(SEEDS["000"].read_bytes())
    (batch / "open.txt").write_bytes(SEEDS["000"].read_bytes())
    real_scandir = os.scandir

    def refuse(path="."):
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", refuse)
    code, out, _ = run(capsys, batch, "--format", "json")
    found = findings_by_path(json.loads(out))
    [finding] = found[str(batch / "locked")]
    assert finding["rule"] == "unreadable-input"
    assert finding["message"] == ("The folder cannot be listed (Permission denied); "
                                  "the letters in it, if any, were not audited.")
    assert str(batch / "open.txt") in found and code == 1


def test_files_above_max_bytes_are_refused_naming_the_limit(tmp_path, capsys):
    (tmp_path / "letter.txt").write_bytes(SEEDS["000"].read_bytes())
    code, out, _ = run(capsys, tmp_path / "letter.txt", "--max-bytes", "2KB", "--format", "json")
    [finding] = json.loads(out)["letters"][0]["findings"]
    assert finding["rule"] == "unreadable-input"
    assert "KB, larger than the limit of 2 KB (--max-bytes)" in finding["message"]  # in the unit given
    assert run(capsys, tmp_path / "letter.txt")[0] == 0  # the default limit is 10 MB
    code, _, err = run(capsys, tmp_path / "letter.txt", "--max-bytes", "lots")
    assert code == 2 and "--max-bytes takes a size" in err


class _Counted(io.BufferedReader):
    """A file object that remembers the sizes it was asked to read."""
    asked: list = []

    def read(self, size=-1):
        _Counted.asked.append(size)
        return super().read(size)


def _read_with_stat_size(monkeypatch, path, size, max_bytes):
    """read_bytes as if the file measured `size` bytes when checked: a file that grew (or
    shrank) between the check and the read, or one whose size the system gives as 0."""
    from audit import read

    real = read._checked_stat
    monkeypatch.setattr(read, "_checked_stat", lambda p: os.stat_result((*real(p)[:6], size, *real(p)[7:])))
    real_open = open
    monkeypatch.setattr(read, "open", lambda handle, *a, **k: _Counted(real_open(handle, *a, buffering=0, **k)),
                        raising=False)
    _Counted.asked = []
    return read.read_bytes(Path(path), max_bytes)


def test_a_read_asks_for_the_file_size_not_the_limit(tmp_path, monkeypatch):
    letter = tmp_path / "letter.txt"
    letter.write_bytes(SEEDS["000"].read_bytes())
    size = letter.stat().st_size
    assert _read_with_stat_size(monkeypatch, letter, size, 10 * 2**20) == letter.read_bytes()
    assert _Counted.asked == [size + 1]  # not the 10 MB limit


@pytest.mark.parametrize("size", [0, 100])  # unknown (as /proc gives), or grown since the check
def test_a_file_longer_than_its_checked_size_is_read_whole_within_the_limit(tmp_path, monkeypatch, size):
    from audit.read import Unreadable

    letter = tmp_path / "letter.txt"
    letter.write_bytes(SEEDS["000"].read_bytes())
    assert _read_with_stat_size(monkeypatch, letter, size, 10 * 2**20) == letter.read_bytes()
    with pytest.raises(Unreadable, match="larger than the limit of 2 KB"):
        _read_with_stat_size(monkeypatch, letter, size, 2048)


def test_a_broken_link_reads_as_a_sentence(tmp_path, capsys):
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    _, out, _ = run(capsys, tmp_path, "--format", "json")
    [finding] = json.loads(out)["letters"][0]["findings"]
    assert finding["message"] == f"The file is a broken symbolic link (it points to {tmp_path}/gone.txt, " \
                                 "which does not exist)."


# --- signals and atomic outputs ---------------------------------------------------------------

def _descendants(pid: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                state, ppid = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue
            if state != "Z":
                parents.setdefault(int(ppid), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory):
    """3,000 letters (hard links to the seeds): enough for workers and a run of a few seconds."""
    folder = tmp_path_factory.mktemp("big")
    seeds = list(SEEDS.values())
    for index in range(3000):
        os.link(seeds[index % len(seeds)], folder / f"{index:05d}.txt")
    return folder


def _survivors(pids: list[int], within: float) -> list[int]:
    """The processes still alive once all have ended or `within` seconds have passed (polled,
    no fixed wait: a quick exit makes a quick test, a slow machine still gets its margin)."""
    deadline = time.monotonic() + within
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return alive


needs_workers = pytest.mark.skipif(processors() < 2 or not Path("/proc/self/stat").exists(),
                                   reason="workers start only with two processors; the tree is read from /proc")


@needs_workers
@pytest.mark.parametrize("signame, status", [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130)])
def test_a_signal_stops_the_run_and_its_workers(big_batch, tmp_path, signame, status):
    output = tmp_path / "report.json"
    output.write_text("previous report\n")
    run = subprocess.Popen([*RUN, str(big_batch), "--ignore", "duplicate-letter", "--format", "json",
                            "--output", str(output), "--html", str(tmp_path / "html")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.monotonic() + 60
    tree = []
    while len(tree) < 2 and time.monotonic() < deadline and run.poll() is None:
        tree = _descendants(run.pid)
        time.sleep(0.02)
    assert len(tree) >= 2, "the run ended before its workers could be seen"
    run.send_signal(getattr(signal, signame))
    out, err = run.communicate(timeout=10)
    survivors = _survivors(tree, within=5)
    _kill(survivors)  # leave no stray process behind when the assertion fails
    assert survivors == []
    assert run.returncode == status
    assert b"Traceback" not in err and err.decode().startswith(f"letter-audit: interrupted ({signame})")
    assert output.read_text() == "previous report\n"  # the previous output is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary file, no half report


@needs_workers
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_parent_killed_outright(big_batch, tmp_path):
    output = tmp_path / "report.json"
    output.write_text("previous report\n")
    run = subprocess.Popen([*RUN, str(big_batch), "--ignore", "duplicate-letter", "--format", "json",
                            "--output", str(output)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    deadline, tree = time.monotonic() + 60, []
    while len(tree) < 2 and time.monotonic() < deadline and run.poll() is None:
        tree = _descendants(run.pid)
        time.sleep(0.02)
    assert len(tree) >= 2, "the run ended before its workers could be seen"
    run.kill()
    run.communicate(timeout=10)
    survivors = _survivors(tree, within=5)
    _kill(survivors)  # leave no stray process behind when the assertion fails
    assert survivors == []
    assert output.read_text() == "previous report\n"


def test_an_output_interrupted_mid_write_leaves_the_previous_one(tmp_path, capsys, monkeypatch):
    output = tmp_path / "report.json"
    output.write_text("previous report\n")
    real_write = as_json.write

    def write_half_then_stop(results, summary, stream):
        stream.write('{"tool": ')
        raise KeyboardInterrupt
    monkeypatch.setattr(as_json, "write", write_half_then_stop)
    code, _, err = run(capsys, SEEDS["000"], "--format", "json", "--output", output)
    assert code == 130 and "interrupted" in err
    assert output.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    monkeypatch.setattr(as_json, "write", real_write)
    assert run(capsys, SEEDS["000"], "--format", "json", "--output", output)[0] == 0
    assert json.loads(output.read_text())["summary"]["letters"] == 1


def test_an_interrupted_html_report_leaves_the_previous_one_whole(tmp_path, capsys, monkeypatch):
    from audit.spool import Spool

    report = tmp_path / "html"
    assert run(capsys, SEEDS["000"], SEEDS["003"], "--html", report, "--exit-zero")[0] == 0
    before = {p.relative_to(report): p.read_bytes() for p in report.rglob("*") if p.is_file()}
    real_add = Spool.add  # pages are written by the workers as their letters are audited
    added = []

    def stop_after_one(*args):
        if added:
            raise KeyboardInterrupt
        added.append(args)
        real_add(*args)
    monkeypatch.setattr(Spool, "add", stop_after_one)
    code, _, _ = run(capsys, SEEDS["000"], SEEDS["003"], "--html", report)
    assert code == 130
    assert {p.relative_to(report): p.read_bytes() for p in report.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]  # no folder under way, no lock, no draft


# --- what outputs may contain ---------------------------------------------------------------

CSV_CASES = json.loads((Path(__file__).parent / "fixtures" / "csv_cells.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("value, shown", [*map(tuple, CSV_CASES), (-5, -5), (3.5, 3.5), (None, None)])
def test_csv_cells_cannot_be_formulas(value, shown):
    assert csv_cell(value) == shown


def test_csv_outputs_neutralise_formulas_and_keep_numbers(tmp_path, capsys, monkeypatch):
    letter = edit(seed_text("000"), "Dear Mr Williams", 'Dear =HYPERLINK("http://evil.example","x")')
    (tmp_path / "=cmd.txt").write_text(letter, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "=cmd.txt", "--format", "csv", "--html", "report")
    for text in (out, (tmp_path / "report" / "fields.csv").read_text(encoding="utf-8")):
        [row] = list(csv.DictReader(io.StringIO(text)))
        assert row["path"] == "'=cmd.txt"
        assert row["salutation_name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
        assert not [cell for cell in row.values() if cell[:1] in ("=", "+", "@", "\t", "\r")]
    table = pd.read_csv(io.StringIO(out))
    assert table.loc[0, "investigations"] == 2 and table.loc[0, "errors"] >= 1  # numbers stay numbers
    assert pd.api.types.is_integer_dtype(table["investigations"])

    assert line(["n", "t"]) + line([-5, "-5"]) + line([3, "=1"]) == "n,t\n-5,-5\n3,'=1\n"


def test_csv_figures_stay_whole_numbers_when_other_letters_lack_them(capsys):
    """Letters of two templates: each lacks the other's fields, and its own figures stay as written
    (a table library would have made the column floats: 2.0)."""
    code, out, _ = run(capsys, SEEDS["000"], ROOT / "fixtures" / "letters-refund" / "01_clean_direct_debit.txt",
                       "-t", ROOT / "templates", "-t", ROOT / "docs" / "examples" / "council-tax-refund.md",
                       "--format", "csv")
    lgsco, refund = csv.DictReader(io.StringIO(out))
    assert (lgsco["investigations"], lgsco["upheld_rate"], lgsco["account"]) == ("2", "100", "")
    assert (refund["investigations"], refund["days"]) == ("", "5")


def test_text_and_github_formats_never_send_escape_sequences(tmp_path, capsys):
    letter = edit(seed_text("000"), "Complaint statistics",
                  "Note \x1b[2J\x1b[31mthis\x1b]0;owned\x07 \u202eevil\n\nComplaint statistics")
    (tmp_path / "a\x1b[1mb.txt").write_text(letter, encoding="utf-8")
    for fmt in ("text", "github"):
        code, out, _ = run(capsys, tmp_path, "--format", fmt)
        assert code == 1
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
        assert "\\x1b[2J\\x1b[31mthis\\x1b]0;owned\\x07 \\u202eevil" in out
        assert "a\\x1b[1mb.txt" in out
    assert terminal_safe("tab\there\nnew") == "tab\\there\\nnew"


# --- the report folder and the inputs -------------------------------------------------------

def test_html_writer_never_follows_a_link_in_its_folder(tmp_path, capsys):
    report, victim = tmp_path / "report", tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    report.mkdir()
    os.symlink(victim, report / "index.html")
    os.symlink(victim, report / "fields.csv")
    assert run(capsys, SEEDS["000"], "--html", report)[0] == 0
    assert victim.read_text() == "keep me\n"
    assert not (report / "index.html").is_symlink() and (report / "index.html").stat().st_size > 1000

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    second = tmp_path / "second"
    second.mkdir()
    os.symlink(elsewhere, second / "letters")
    code, _, err = run(capsys, SEEDS["000"], "--html", second)
    assert code == 0 and not (second / "letters").is_symlink()  # the folder is replaced whole, links and all
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("option", ["--output", "--write-baseline", "--output-format"])
def test_an_output_that_is_an_input_letter_is_refused(tmp_path, capsys, option):
    letter = tmp_path / "letters" / "a.txt"
    letter.parent.mkdir()
    letter.write_bytes(SEEDS["001"].read_bytes())
    os.symlink(letter, tmp_path / "alias.txt")
    target = str(tmp_path / "alias.txt")
    value = f"json:{target}" if option == "--output-format" else target
    code, out, err = run(capsys, letter.parent, option, value)
    assert code == 2 and out == ""
    assert err.startswith(f"letter-audit: error: refusing to write a report to {target}: it is the input letter")
    assert letter.read_bytes() == SEEDS["001"].read_bytes()


def test_an_html_folder_holding_inputs_is_refused(tmp_path, capsys):
    (tmp_path / "a.txt").write_bytes(SEEDS["000"].read_bytes())
    code, _, err = run(capsys, tmp_path / "a.txt", "--html", tmp_path)
    assert code == 2 and "refusing to write the HTML report into" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_file_name_that_is_not_utf8_in_every_output(tmp_path, capsys, monkeypatch):
    """Each format, the baseline and the HTML report hold the name with its odd byte as \\xff."""
    import tomllib

    from audit.report import formats

    monkeypatch.chdir(tmp_path)
    (tmp_path / "letters").mkdir()
    with open(b"letters/caf\xe9\x1b.txt", "wb") as handle:
        handle.write(SEEDS["001"].read_bytes())
    outputs = [f"{name}:out/report.{name}" for name in sorted(formats())]
    code, out, err = run(capsys, "letters", "--html", "out/html",
                         *[arg for spec in outputs for arg in ("--output-format", spec)])
    assert code == 1 and "Traceback" not in err
    assert "letters/caf\\xe9\\x1b.txt:77: error count-mismatch" in out
    code, _, err = run(capsys, "letters", "--write-baseline", "out/baseline.toml")
    assert code == 0 and "Traceback" not in err  # the baseline accepts every finding
    for name in sorted(formats()):
        text = (tmp_path / "out" / f"report.{name}").read_bytes().decode("utf-8")  # valid UTF-8
        assert any(shown in text for shown in ("caf\\xe9", "caf\\\\xe9", "caf%E9")), name
        assert "\x1b" not in text or name in ("json", "sarif", "junit", "csv"), name
    assert json.loads((tmp_path / "out" / "report.json").read_text())["letters"][0]["path"] == \
        "letters/caf\\xe9\x1b.txt"
    tomllib.loads((tmp_path / "out" / "baseline.toml").read_text(encoding="utf-8"))  # still loads
    page = next((tmp_path / "out" / "html" / "letters").iterdir()).read_text(encoding="utf-8")
    assert "caf\\xe9" in page


def test_an_output_that_is_a_pipe_or_device_is_written_to_not_replaced(tmp_path, capsys):
    import threading

    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    code, _, _ = run(capsys, SEEDS["000"], "--format", "json", "--output", pipe)
    reader.join(10)
    assert code == 0 and stat.S_ISFIFO(os.lstat(pipe).st_mode)  # still the pipe, not a file renamed over it
    assert json.loads(received[0])["summary"]["letters"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pipe"]
    assert run(capsys, SEEDS["000"], "--output", os.devnull)[0] == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_deep_folders_and_link_loops_are_walked_without_recursion(tmp_path, capsys):
    folder = tmp_path / "batch"
    folder.mkdir()
    deep = os.open(folder, os.O_RDONLY)
    for _ in range(1200):  # deeper than Python's recursion limit
        os.mkdir("d", dir_fd=deep)
        inner = os.open("d", os.O_RDONLY, dir_fd=deep)
        os.close(deep)
        deep = inner
    os.close(deep)
    (folder / "letter.txt").write_bytes(SEEDS["000"].read_bytes())
    os.symlink("..", folder / "d" / "loop")
    code, out, err = run(capsys, folder, "--format", "json")
    assert code == 0 and "Traceback" not in err
    assert [letter["path"] for letter in json.loads(out)["letters"]] == [str(folder / "letter.txt")]
    subprocess.run(["rm", "-rf", str(folder)], check=True)  # shutil.rmtree recurses too deep


def test_a_link_to_a_pipe_planted_in_the_report_folder_is_replaced_never_waited_on(tmp_path):
    report = tmp_path / "report"
    report.mkdir()
    os.mkfifo(tmp_path / "pipe")
    os.symlink(tmp_path / "pipe", report / "fields.csv")
    done = subprocess.run([sys.executable, "-m", "audit", "check", "--no-config", str(SEEDS["000"]),
                           "--html", str(report)], cwd=ROOT, capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert not (report / "fields.csv").is_symlink() and (report / "fields.csv").stat().st_size > 0

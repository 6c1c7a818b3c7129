"""Decisions in the database (SQLite and PostgreSQL both): history, the worksheet's states over
runs, and the command line reading them (check --baseline URL, review export / import)."""
from __future__ import annotations

import json
import tomllib

import pytest

from audit.cli import main
from audit.serve import decisions as store
from audit.serve.database import open_database
from audit.serve.decisions import NewDecision
from audit.serve.exchange import accepted_entries
from serve_support import LETTERS, worksheet


@pytest.fixture(scope="module")
def sheet():
    return worksheet(LETTERS)


def decide(engine, sheet, reviewer, fingerprint, state, note=""):
    item = sheet.by_fingerprint[fingerprint]
    letter = sheet.letter(item.letter)
    return store.record(engine, reviewer, [NewDecision("finding", fingerprint, state, letter.identity, letter.path,
                                                       item.rule, item.note, letter.text_hash, note)])[0]


def test_two_decisions_on_one_finding_are_both_kept_and_the_latest_shows(database_url, sheet):
    engine = open_database(database_url)
    fingerprint = sheet.findings[1].fingerprint
    first = decide(engine, sheet, "ann", fingerprint, "accepted", "the figure is right")
    second = decide(engine, sheet, "bob", fingerprint, "needs-fix")
    assert second.id > first.id
    assert [(d.reviewer, d.state) for d in store.history(engine, "finding", fingerprint)] == [
        ("bob", "needs-fix"), ("ann", "accepted")]
    shown = sheet.view(store.latest(engine)).findings[fingerprint]
    assert (shown.state, shown.decision.reviewer, shown.on_earlier_text) == ("needs-fix", "bob", False)
    engine.dispose()


def test_a_retried_request_is_recorded_once(database_url, sheet):
    engine = open_database(database_url)
    item = NewDecision("finding", sheet.findings[0].fingerprint, "accepted", request_id="retry-1")
    once = store.record(engine, "ann", [item])
    again = store.record(engine, "ann", [item, NewDecision("finding", sheet.findings[2].fingerprint, "accepted")])
    assert again[0] == once[0]
    assert store.count(engine) == 2
    engine.dispose()


def test_a_changed_letter_loses_reviewed_and_a_vanished_finding_is_stale(database_url, sheet, tmp_path):
    engine = open_database(database_url)
    letters = tmp_path / "letters"
    letters.mkdir()
    for path in LETTERS.iterdir():
        (letters / path.name).write_bytes(path.read_bytes())
    before = worksheet(letters)
    changed = before.letter(3)  # 002: an extra paragraph at line 41, three missing sections
    extra = next(f for f in before.findings if f.letter == 3 and f.rule == "extra-paragraph")
    missing = next(f for f in before.findings if f.letter == 3 and f.rule == "missing-section")
    other = next(f for f in before.findings if f.letter == 2)
    for item in (extra, missing, other):
        decide(engine, before, "ann", item.fingerprint, "accepted")
    store.record(engine, "ann", [NewDecision("letter", changed.path, "reviewed", text_hash=changed.text_hash)])
    assert before.view(store.latest(engine)).reviewed(changed.path)

    path = letters / "002_3e1a7b4ce7d2b570.txt"
    text = path.read_text(encoding="utf-8").split("\n\n")
    path.write_text("\n\n".join(p for p in text if not p.startswith("We were pleased to deliver")), encoding="utf-8")
    after = worksheet(letters).view(store.latest(engine))
    assert not after.reviewed(changed.path) and after.letters[changed.path].lost
    assert [d.target for d in after.stale] == [extra.fingerprint]  # listed, not counted
    assert after.findings[missing.fingerprint].on_earlier_text
    assert not after.findings[other.fingerprint].on_earlier_text
    progress = after.progress()
    assert (progress["accepted"], progress["stale"], progress["reviewed"]) == (2, 1, 0)
    assert progress["findings"] == len(before.findings) - 1
    engine.dispose()


def test_check_baseline_from_the_database_suppresses_exactly_the_accepted(database_url, sheet, capsys):
    engine = open_database(database_url)
    accepted = [sheet.findings[1], sheet.findings[4]]
    decide(engine, sheet, "ann", accepted[0].fingerprint, "accepted", "known")
    decide(engine, sheet, "bob", accepted[1].fingerprint, "accepted")
    decide(engine, sheet, "ann", sheet.findings[2].fingerprint, "needs-fix")
    decide(engine, sheet, "ann", sheet.findings[3].fingerprint, "accepted")
    decide(engine, sheet, "bob", sheet.findings[3].fingerprint, "undecided")  # taken back
    engine.dispose()

    code = main(["check", str(LETTERS), "--no-config", "-f", "json", "--baseline", database_url, "--fail-on", "never"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    shown = [(r["path"], f["message"]) for r in json.loads(captured.out)["letters"] for f in r["findings"]]
    everything = [(sheet.letter(f.letter).path, f.message) for f in sheet.findings]
    assert sorted(shown) == sorted(x for x in everything
                                   if x not in {(sheet.letter(a.letter).path, a.message) for a in accepted})
    assert "2 accepted findings suppressed by the baseline" in captured.err


def test_review_export_writes_a_baseline_and_import_loads_it(database_url, sheet, tmp_path, capsys):
    engine = open_database(database_url)
    decide(engine, sheet, "ann", sheet.findings[1].fingerprint, "accepted", 'the council "agreed"')
    decide(engine, sheet, "bob", sheet.findings[5].fingerprint, "accepted")
    decide(engine, sheet, "bob", sheet.findings[6].fingerprint, "needs-fix")
    engine.dispose()
    out = tmp_path / "baseline.toml"
    assert main(["review", "export", "--db", database_url, "-o", str(out)]) == 0
    written = tomllib.loads(out.read_text(encoding="utf-8"))["finding"]
    assert sorted(e["fingerprint"] for e in written) == sorted(sheet.findings[k].fingerprint for k in (1, 5))
    assert {e.get("reason") for e in written} == {'the council "agreed"', None}
    assert {e["accepted_by"] for e in written} == {"ann", "bob"}

    # the file is a baseline check reads as it reads one written by --write-baseline
    assert main(["check", str(LETTERS), "--no-config", "-q", "--baseline", str(out), "--fail-on", "never"]) == 0
    assert "2 accepted findings suppressed" in capsys.readouterr().err

    fresh = f"sqlite:///{tmp_path / 'imported.db'}"
    assert main(["review", "import", "--db", fresh, str(out)]) == 0
    imported = open_database(fresh)
    entries = accepted_entries(imported)
    assert [(e.fingerprint, e.extra.get("reason"), e.extra["accepted_by"]) for e in entries] == [
        (e["fingerprint"], e.get("reason"), e["accepted_by"]) for e in written]
    imported.dispose()


def test_import_reads_a_decisions_csv_with_fingerprints_and_refuses_one_without(tmp_path, sheet, capsys):
    first, second = sheet.findings[1], sheet.findings[2]
    csv_file = tmp_path / "decisions.csv"
    csv_file.write_text("path,rule,line,message,decision,note,reviewer,fingerprint\r\n"
                        f"a.txt,{first.rule},3,x,accepted,'=fine,carol,{first.fingerprint}\r\n"
                        f"b.txt,{second.rule},4,y,needs fix,,carol,{second.fingerprint}\r\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert main(["review", "import", "--db", url, str(csv_file)]) == 0
    engine = open_database(url)
    latest = store.latest(engine)
    assert (latest[("finding", first.fingerprint)].state, latest[("finding", first.fingerprint)].note) == (
        "accepted", "=fine")
    assert latest[("finding", second.fingerprint)].state == "needs-fix"
    assert latest[("finding", second.fingerprint)].reviewer == "carol"
    engine.dispose()
    old = tmp_path / "old.csv"
    old.write_text("path,rule,line,message,decision,note,reviewer\r\na.txt,r,1,m,accepted,,x\r\n", encoding="utf-8")
    assert main(["review", "import", "--db", url, str(old)]) == 2
    assert "no fingerprint column" in capsys.readouterr().err


def test_a_missing_database_is_an_error_not_an_empty_baseline(tmp_path, capsys):
    code = main(["check", str(LETTERS), "--no-config", "--baseline", f"sqlite:///{tmp_path / 'typo.db'}"])
    assert code == 2
    assert "no such database" in capsys.readouterr().err


def test_a_database_url_is_a_baseline_in_the_configuration_file(sheet, tmp_path, capsys):
    """`baseline = "sqlite:///review.db"` in letter-audit.toml: the SQLite file beside the
    configuration, as every path in it is."""
    engine = open_database(f"sqlite:///{tmp_path / 'review.db'}")
    decide(engine, sheet, "ann", sheet.findings[1].fingerprint, "accepted", "known")
    engine.dispose()
    config = tmp_path / "letter-audit.toml"
    config.write_text('baseline = "sqlite:///review.db"\n', encoding="utf-8")
    code = main(["check", str(LETTERS), "--config", str(config), "-f", "json", "--fail-on", "never"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "1 accepted finding suppressed by the baseline" in captured.err
    shown = sum(len(r["findings"]) for r in json.loads(captured.out)["letters"])
    assert shown == len(sheet.findings) - 1


def test_serve_opens_a_runs_json_with_the_runs_own_fingerprints(sheet, tmp_path, capsys):
    from audit.cli import build_parser
    from audit.serve.command import load_worksheet

    run = tmp_path / "run.json"
    main(["check", str(LETTERS), "--no-config", "-f", "json", "-o", str(run), "--fail-on", "never"])
    sarif = tmp_path / "run.sarif"
    main(["check", str(LETTERS), "--no-config", "-f", "sarif", "-o", str(sarif), "--fail-on", "never"])
    opened = load_worksheet(build_parser().parse_args(["serve", str(run), "--no-config"]))
    assert [(f.fingerprint, f.rule, f.message, f.should_read) for f in opened.findings] == \
        [(f.fingerprint, f.rule, f.message, f.should_read) for f in sheet.findings]
    assert [(l.key, l.identity, l.status, l.text_hash) for l in opened.letters] == \
        [(l.key, l.identity, l.status, l.text_hash) for l in sheet.letters]
    prints = [r["partialFingerprints"]["letterAudit/v2"]
              for r in json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]]
    assert sorted(prints) == sorted(f.fingerprint for f in opened.findings)

    broken = tmp_path / "broken.json"
    for text, said in [('{"tool": {"name": "other"}, "letters": []}', "is not the JSON output of"),
                       ("[1, 2", "is not JSON"),
                       ('{"tool": {"name": "letter-audit"}, "letters": [{"path": "a", "key": null, "findings": [{"rule": "x"}]}]}',
                        "letter 1 of the run cannot be read"),
                       ('{"tool": {"name": "letter-audit"}, "letters": [{"path": "a", "findings": []}]}',
                        "written by an earlier letter-audit")]:
        broken.write_text(text, encoding="utf-8")
        assert main(["serve", str(broken), "--no-config", "--db", f"sqlite:///{tmp_path / 'review.db'}"]) == 2
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1 and "Traceback" not in err

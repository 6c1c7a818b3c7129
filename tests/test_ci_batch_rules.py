"""Batch rules: inconsistent-value (peers by agreeing fields, or by authority type) and
duplicate-letter (same authority, same text), run on letters made from a clean seed."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from audit.cli import main
from support import run_cli
from audit.rules import builtin_rules

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "fixtures" / "letters" / "000_bd725a1dda7d64f9.txt").read_text(encoding="utf-8")
UPHELD_AVERAGE_LINE = 61


def make_letter(folder: Path, name: str, authority: str, upheld=45, compliance=99, remedy=20) -> Path:
    text = SEED.replace("Ipswich Borough Council", authority)
    for old, new in (("average of **45%**", upheld), ("average of **99%**", compliance),
                     ("average of **20%**", remedy)):
        assert text.count(old) == 1
        text = text.replace(old, f"average of **{new}%**")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "letters").mkdir()
    return tmp_path / "letters"


def run(capsys, *args):
    code, out, err = run_cli(capsys, "check", "--no-config", "--format", "json", *args)
    return code, (json.loads(out) if out else None), err


def findings(report, rule):
    return [(Path(letter["path"]).name, f) for letter in report["letters"]
            for f in letter["findings"] if f["rule"] == rule]


def test_batch_rules_are_documented_batch_rules():
    for rule_id in ("inconsistent-value", "duplicate-letter", "data-mismatch", "missing-letter",
                    "unknown-recipient"):
        rule = builtin_rules()[rule_id]
        assert rule.batch and rule.check is None and callable(rule.check_batch)
        assert "Bad" in rule.doc and "Good" in rule.doc and rule.summary


# --- inconsistent-value ----------------------------------------------------------------

def test_one_odd_average_among_agreeing_peers_is_flagged(folder, capsys):
    for i, name in enumerate(["Adur", "Babergh", "Craven", "Dacorum"]):
        make_letter(folder, f"{i}.txt", f"{name} District Council")
    make_letter(folder, "odd.txt", "Eden District Council", upheld=47)
    code, report, _ = run(capsys, "letters")
    assert code == 1
    found = findings(report, "inconsistent-value")
    assert [name for name, _ in found] == ["odd.txt"]
    finding = found[0][1]
    assert finding["severity"] == "warning"
    assert finding["line"] == UPHELD_AVERAGE_LINE
    assert finding["section"] == "Complaints upheld"
    message = finding["message"]
    assert "upheld_average is 47%" in message
    assert "4 of 5 peer letters" in message and "quote 45%" in message  # majority value and how many


def test_too_few_peers_to_call_one_odd(folder, capsys):
    make_letter(folder, "a.txt", "Adur District Council")
    make_letter(folder, "b.txt", "Babergh District Council")
    make_letter(folder, "c.txt", "Craven District Council", upheld=47)
    code, report, _ = run(capsys, "letters")
    assert code == 0 and findings(report, "inconsistent-value") == []


def test_peers_are_letters_whose_other_averages_agree(folder, capsys):
    for i in range(3):  # district councils: 45 / 99 / 20
        make_letter(folder, f"d{i}.txt", f"District {i} Council")
    for i in range(3):  # county councils: 55 / 98 / 25; a different upheld average is no anomaly
        make_letter(folder, f"c{i}.txt", f"County {i} Council", upheld=55, compliance=98, remedy=25)
    code, report, _ = run(capsys, "letters")
    assert code == 0 and findings(report, "inconsistent-value") == []

    make_letter(folder, "odd.txt", "County 9 Council", upheld=55, compliance=97, remedy=25)
    code, report, _ = run(capsys, "letters")
    found = findings(report, "inconsistent-value")
    assert [(name, f["excerpt"]) for name, f in found] == [("odd.txt", "compliance_average = 97%")]
    assert "quote 98%" in found[0][1]["message"] and "3 of 4" in found[0][1]["message"]


def test_authority_types_table_decides_peers(folder, capsys, tmp_path):
    names = ["Adur District Council", "Babergh District Council", "Craven District Council",
             "Dacorum District Council"]
    for i, name in enumerate(names):
        make_letter(folder, f"{i}.txt", name)
    make_letter(folder, "metro.txt", "Wigan Metropolitan Borough Council", upheld=52)
    code, report, _ = run(capsys, "letters")
    assert [n for n, _ in findings(report, "inconsistent-value")] == ["metro.txt"]  # looks odd...

    types = tmp_path / "types.csv"
    types.write_text("Authority,Type\n" + "".join(f"{n.upper()},District\n" for n in names)
                     + "Wigan Metropolitan Borough Council,Metropolitan Borough\n", encoding="utf-8")
    code, report, _ = run(capsys, "letters", "--authority-types", types)
    assert code == 0 and findings(report, "inconsistent-value") == []  # ...but is its type's only letter

    make_letter(folder, "odd-district.txt", "Eden District Council", upheld=40)
    types.write_text(types.read_text(encoding="utf-8") + "Eden District Council,District\n", encoding="utf-8")
    code, report, _ = run(capsys, "letters", "--authority-types", types)
    found = findings(report, "inconsistent-value")
    assert [n for n, _ in found] == ["odd-district.txt"]
    assert "District letters" in found[0][1]["message"] and "quote 45%" in found[0][1]["message"]


def test_peer_groups_table_decides_peers_and_the_old_option_is_an_alias(folder, capsys, tmp_path):
    names = ["Adur District Council", "Babergh District Council", "Craven District Council",
             "Dacorum District Council"]
    for i, name in enumerate(names):
        make_letter(folder, f"{i}.txt", name)
    make_letter(folder, "metro.txt", "Wigan Metropolitan Borough Council", upheld=52)
    groups = tmp_path / "groups.csv"
    groups.write_text("Authority,Group\n" + "".join(f"{n},District\n" for n in names)
                      + "Wigan Metropolitan Borough Council,Metropolitan Borough\n", encoding="utf-8")
    code, report, err = run(capsys, "letters", "--peer-groups", groups)
    assert code == 0 and findings(report, "inconsistent-value") == [] and "deprecated" not in err
    code, report, err = run(capsys, "letters", "--authority-types", groups)
    assert code == 0 and findings(report, "inconsistent-value") == []
    assert "--authority-types is now called --peer-groups" in err


def test_batch_rules_honour_ignore_select_and_severity(folder, capsys):
    for i in range(3):
        make_letter(folder, f"{i}.txt", f"Council {i}")
    make_letter(folder, "odd.txt", "Council 9", remedy=21)
    _, report, _ = run(capsys, "letters", "--ignore", "inconsistent-value")
    assert findings(report, "inconsistent-value") == []
    _, report, _ = run(capsys, "letters", "--select", "count-mismatch")
    assert findings(report, "inconsistent-value") == []
    code, report, _ = run(capsys, "letters", "--severity", "inconsistent-value=error", "--fail-on", "error")
    [(name, finding)] = findings(report, "inconsistent-value")
    assert code == 1 and finding["severity"] == "error" and name == "odd.txt"


def test_the_old_rule_ids_still_work_with_a_deprecation_note(folder, capsys):
    for i in range(3):
        make_letter(folder, f"{i}.txt", f"Council {i}")
    make_letter(folder, "odd.txt", "Council 9", remedy=21)
    code, report, err = run(capsys, "letters", "--severity", "inconsistent-average=error", "--fail-on", "error")
    [(_, finding)] = findings(report, "inconsistent-value")
    assert code == 1 and finding["severity"] == "error"
    assert "'inconsistent-average'" in err and "now called 'inconsistent-value'" in err
    _, report, _ = run(capsys, "letters", "--ignore", "inconsistent-average")
    assert findings(report, "inconsistent-value") == []


def test_the_seed_batch_has_no_batch_findings(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    _, report, _ = run(capsys, "fixtures/letters")
    assert findings(report, "inconsistent-value") == [] and findings(report, "duplicate-letter") == []


# --- duplicate-letter ----------------------------------------------------------------------

def test_two_letters_for_the_same_authority(folder, capsys):
    make_letter(folder, "a.txt", "Adur District Council")
    make_letter(folder, "b.txt", "ADUR DISTRICT COUNCIL", upheld=44)  # same authority, other figures
    make_letter(folder, "c.txt", "Craven District Council")
    code, report, _ = run(capsys, "letters")
    assert code == 1
    found = dict(findings(report, "duplicate-letter"))
    assert set(found) == {"a.txt", "b.txt"}
    assert "repeats the authority Adur District Council of letters/b.txt, whose text differs" \
        in found["a.txt"]["message"]
    assert found["a.txt"]["line"] == 11  # where the authority is named
    assert found["a.txt"]["severity"] == "warning"


def test_the_same_text_twice_even_through_another_converter(folder, capsys):
    original = make_letter(folder, "a.txt", "Adur District Council")
    # the same letter re-wrapped at 70 columns with Windows line ends: same text once normalised
    # (links are kept on one line: the normaliser reads Markdown line by line)
    link = "[Your council's performance](#)"
    paragraphs = original.read_text(encoding="utf-8").replace(link, link.replace(" ", "\0")).split("\n\n")
    rewrapped = "\r\n\r\n".join("\r\n".join(textwrap.wrap(p, 70)) if len(p) > 70 else p.replace("\n", "\r\n")
                                for p in paragraphs).replace("\0", " ")
    assert rewrapped.count(link) == 2
    (folder / "a-copy.md").write_text(rewrapped, encoding="utf-8")
    make_letter(folder, "b.txt", "Babergh District Council")
    _, report, _ = run(capsys, "letters")
    found = dict(findings(report, "duplicate-letter"))
    assert set(found) == {"a.txt", "a-copy.md"}
    assert "repeats the whole text (every paragraph, lists and free content included) of letters/a-copy.md" \
        in found["a.txt"]["message"]
    assert found["a-copy.md"]["excerpt"] == "identical text: Adur District Council"


def test_identical_unrecognised_files_are_duplicates_too(folder, capsys):
    minutes = "Minutes of the meeting of the Audit Committee held on 3 March 2020.\n\nPresent: all members.\n"
    (folder / "m1.txt").write_text(minutes, encoding="utf-8")
    (folder / "m2.txt").write_text(minutes, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "empty2.txt").write_text("", encoding="utf-8")
    _, report, _ = run(capsys, "letters")
    assert {name for name, _ in findings(report, "duplicate-letter")} == {"m1.txt", "m2.txt"}


@pytest.mark.parametrize("key_match, duplicates", [("exact", 0), ("fuzzy", 2)])
def test_same_recipient_is_compared_as_the_template_says(folder, capsys, key_match, duplicates):
    template = folder.parent / "note.md"
    template.write_text('+++\nname = "note"\nkey_field = "name"\nkey_match = "' + key_match + '"\n'
                        '[fields]\nname = { type = "text" }\ncount = { type = "int" }\n+++\n'
                        'Dear {{name}},\n\nYou have {{count}} items.\n', encoding="utf-8")
    (folder / "a.txt").write_text("Dear Ann Lee,\n\nYou have 2 items.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Dear ANN LEE,\n\nYou have 3 items.\n", encoding="utf-8")
    code, report, err = run(capsys, "letters", "--template", template)
    assert report is not None, (code, err)
    assert len(findings(report, "duplicate-letter")) == duplicates

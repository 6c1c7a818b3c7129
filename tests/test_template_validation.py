"""A template's mistakes stop the run before any letter is read: every problem as FILE:LINE, all at once, exit 2."""
from __future__ import annotations

import pytest

from audit.cli import main

from support import LETTERS

GOOD_HEADER = """+++
name = "t"
year = 2024
[fields]
amount = { type = "money" }
count = { type = "int" }
rate = { type = "percent" }
when = { type = "date" }
+++
"""
GOOD_BODY = "Paid {{amount}} for {{count}} {{item|items}} on {{when}} at {{rate}}.\n"


def template(tables: str = "", body: str = GOOD_BODY, header: str = GOOD_HEADER, top: str = "") -> str:
    """`top`: keys inserted at line 4 (before [fields]); `tables`: appended from line 9 on."""
    head, _, _ = header.rpartition("+++\n")
    head = head.replace("year = 2024\n", "year = 2024\n" + top, 1)
    return head + tables + "+++\n" + body


# (source, line of the problem, words of its message)
CASES = {
    "unclosed placeholder": (template(body="Paid {{amount}} and {{count\n"), 10, "unclosed {{"),
    "empty placeholder": (template(body="Paid {{amount}} {{ }}\n"), 10, "empty placeholder"),
    "undeclared placeholder": (template(body="Hello\n\nDear {{nobody}}\n"), 12, "{{nobody}} is not declared in [fields]"),
    "unknown inline type": (template(body="Dear {{who:persn}}\n"), 10, "unknown type 'persn'"),
    "unknown field type": (template(header=GOOD_HEADER.replace('"int"', '"integer"')), 6, "unknown type 'integer'"),
    "pattern does not compile": (template('[types.code]\npattern = "[A-Z"\n'), 9, "the pattern of the type 'code' cannot be used: it does not compile"),
    # issue 22: patterns and nesting that once hung a run or gave "internal error"
    "pattern nests repetitions": (template('[types]\ncode = "[A-Z](\\\\w+\\\\s?)*!"\n'), 10, "it repeats `\\w+` inside a repetition"),
    "pattern count too large": (template('[types]\ncode = "a{4294967295}"\n'), 10, "a repetition count is larger than 4,294,967,294"),
    "pattern groups too deep": (template('[types]\ncode = "' + "(" * 60 + "a" + ")" * 60 + '"\n'), 10, "nests groups more than 50 deep"),
    "header nested too deep": (template(top="deep = " + "[" * 3000 + "]" * 3000 + "\n"), 4, "nests arrays or tables inside each other too deep"),
    "check nested too deep": (template('[[checks]]\nexpr = "' + "+".join(["count"] * 200) + ' > 0"\n'), 10, "nests deeper than 100 levels"),
    "check parentheses too deep": (template('[[checks]]\nexpr = "' + "(" * 300 + "count" + ")" * 300 + ' > 0"\n'), 10, "too many nested parentheses"),
    "max of one value": (template('[[checks]]\nexpr = "max(count) > 1"\n'), 10, "`max` is given 1 value in 'max(count)'; it takes at least 2"),

    "pattern matches nothing": (template('[types]\ncode = "[A-Z]*"\n'), 10, "matches the empty string"),
    "unknown base": (template('[types.code]\npattern = "[A-Z]+"\nbase = "number"\n'), 9, "base 'number'"),
    "check syntax error": (template('[[checks]]\nexpr = "amount =="\n'), 10, "cannot parse"),
    "check unknown name": (template('[[checks]]\nexpr = "amont > 0"\n'), 10, "did you mean `amount`?"),
    "check unknown function": (template('[[checks]]\nexpr = "floor(count) == 1"\n'), 10, "`floor`, which is not a function"),
    "check unknown rule": (template('[[checks]]\nrule = "amount-wrong"\nexpr = "count > 0"\n'), 10, "'amount-wrong', which is neither built in nor declared"),
    "money plus percent": (template('[[checks]]\nexpr = "amount + rate > 0"\n'), 10, "adds money and a number"),
    "date arithmetic": (template('[[checks]]\nexpr = "when - 1 == when"\n'), 10, "arithmetic on a date"),
    "message unknown field": (template('[[checks]]\nexpr = "count > 0"\nmessage = "{cont} is wrong"\n'), 11, "{cont}, which is not a field (did you mean `count`?)"),
    "message invalid computation": (template('[[checks]]\nexpr = "count > 0"\nmessage = "{=count +}"\n'), 11, "invalid {=count +}"),
    "no header": ("Dear {{who:text}}\n", 1, "no TOML header"),
    "invalid TOML": (template(top="title = = 3\n"), 4, "not valid TOML"),
    "no name": (template(header=GOOD_HEADER.replace('name = "t"\n', "")), 1, "has no `name`"),
    "title not text": (template(top="title = [1, 2]\n"), 4, "`title` must be text in quotes, not [1, 2]"),
    "section heading twice": (template(body="# Part\n\nOne {{count}}\n\n# Part\n\nTwo\n"), 14, "heading 'Part' is used twice"),
    "key_field unknown": (template(top='key_field = "acount"\n'), 4, "key_field 'acount' is not a field"),
    "overview_fields unknown": (template(top='overview_fields = ["amount", "nope"]\n'), 4, "overview_fields names 'nope'"),
    "rule without summary": (template('[rules.amount-wrong]\nseverity = "error"\n'), 9, "needs a `summary`"),
    "rule with bad severity": (template('[rules.amount-wrong]\nseverity = "fatal"\nsummary = "x"\n'), 9, "severity 'fatal'"),
    "conflict rule unknown": (template(header=GOOD_HEADER.replace('count = { type = "int" }', 'count = { type = "int", conflict = "count-clash" }')),
                              6, "names the rule 'count-clash' for conflicts"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_template_problem_is_reported_with_its_line(tmp_path, capsys, name):
    source, line, words = CASES[name]
    path = tmp_path / "broken.md"
    path.write_text(source, encoding="utf-8")
    assert main(["template", "check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert f"{path}:{line}: " in err and words in err, err
    assert "Traceback" not in err and out == ""


def test_a_broken_template_stops_check_before_any_letter_with_every_problem(tmp_path, capsys):
    path = tmp_path / "broken.md"
    path.write_text(template('[[checks]]\nexpr = "amont > 0"\n', body="Dear {{nobody}} {{count\n"), encoding="utf-8")
    assert main(["check", "--no-config", str(LETTERS), "--template", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{path}:10: " in err and "did you mean `amount`?" in err
    assert err.count(f"{path}:12: ") == 2  # the undeclared placeholder and the unclosed one, both reported


def test_two_templates_with_one_name_in_a_run(tmp_path, capsys):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(template(), encoding="utf-8")
    assert main(["check", "--no-config", str(LETTERS), "--template", str(tmp_path)]) == 2
    assert f"{tmp_path / 'b.md'}:2: the name 't' is also the name of" in capsys.readouterr().err


def test_a_field_never_placed_is_a_warning_not_an_error(tmp_path, capsys):
    path = tmp_path / "t.md"
    path.write_text(template('spare = { type = "int" }\n'), encoding="utf-8")
    assert main(["template", "check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: ok (1 sections, 1 paragraphs, 5 fields, 0 checks)\n"
    assert f"{path}:9: warning: the field 'spare' is declared but no placeholder uses it" in err


def test_the_shipped_and_tutorial_templates_check_clean(capsys):
    from support import ROOT

    files = [ROOT / "templates" / "lgsco-annual-review-2020.md", ROOT / "docs" / "examples" / "council-tax-refund.md"]
    assert main(["template", "check", *map(str, files)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{files[0]}: ok (7 sections, 36 paragraphs, 18 fields, 10 checks)",
                                f"{files[1]}: ok (4 sections, 14 paragraphs, 7 fields, 2 checks)"]
    assert err == ""


def test_template_check_reports_two_templates_with_one_name(tmp_path, capsys):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(template(), encoding="utf-8")
    assert main(["template", "check", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == f"{tmp_path / 'a.md'}: ok (1 sections, 1 paragraphs, 4 fields, 0 checks)\n"
    assert f"{tmp_path / 'b.md'}:2: the name 't' is also the name of" in err


HEADER_VALUES = ['5', '"x"', '[1, 2]', '["a"]', '{ a = 1 }', 'true', '1.5', '[{ expr = 1 }]', '{ x = { type = 3 } }',
                 '{ x = { pattern = 3, base = [1] } }', '{ x = { severity = 1, summary = [] } }',
                 '[{ expr = "a", rule = 5, message = 7 }]', '{ x = { type = "int", conflict = 5, peer = "y" } }']


@pytest.mark.parametrize("key", ["name", "title", "year", "key_field", "key_match", "overview_fields",
                                 "first_section", "types", "fields", "rules", "checks"])
def test_a_header_value_of_any_kind_is_a_template_problem_never_a_crash(key):
    from audit.template import TemplateError, parse_template

    for value in HEADER_VALUES:
        source = f'+++\nname = "t"\n{key} = {value}\n+++\nHello\n' if key != "name" else f"+++\nname = {value}\n+++\nHello\n"
        try:
            parse_template(source)
        except TemplateError:
            pass


@pytest.mark.parametrize("pattern", [r"(?:\d+,)*\d+", r"\d{1,3}(?:,\d{3})+", r"([A-Z][a-z]+ ?)+", r"(\w+\s)*\w+",
                                     r"(?:Mr|Mrs|Ms) [A-Z][\w'-]*(?: [A-Z][\w'-]*)*", r"[A-Z]{2}\d{2} ?\d[A-Z]{2}"])
def test_patterns_whose_turns_are_separated_are_accepted(pattern):
    from audit.patterns import pattern_problem
    from audit.types import BASE_PATTERNS

    assert pattern_problem(pattern) is None
    assert all(pattern_problem(p) is None for p in BASE_PATTERNS.values())


@pytest.mark.parametrize("pattern", [r"(a+)+", r"(\d+)*x", r"(x\w*)*", r"((ab)*)+", r"(?:\s?\w+)*$", r"(a|b+)*c"])
def test_patterns_that_can_divide_a_text_many_ways_are_refused(pattern):
    from audit.patterns import pattern_problem

    assert "exponential time" in pattern_problem(pattern)

"""Templates are data: parsing, errors, another kind of letter, choosing between templates."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from audit.expr import ExpressionError, compile_expression
from audit.settings import Settings
from audit.template import TemplateError, default_template_dir, load_template, parse_template
from audit.types import CurrencyMismatch, InvalidValue, Money, convert, money

from support import audit_text, edit, seed_text

PARKING = Path(__file__).parent / "fixtures" / "templates" / "parking-permit-renewal.md"
PERMIT_LETTER = """Dear Ms Rivers

Your permit AB-12345

Your resident parking permit AB-12345 expires on 31 May 2024.

It covers 2 vehicles at £40 each, a total of £{total}.

How to renew

Renew online before the expiry date to keep parking in your zone.

Yours faithfully,

Parking Services
"""


def test_default_template_compiles_to_sections_fields_and_checks():
    template = load_template(default_template_dir() / "lgsco-annual-review-2020.md")
    assert template.year == 2020
    assert list(template.sections)[-3:] == [
        "Complaints upheld", "Compliance with Ombudsman recommendations",
        "Satisfactory remedies provided by the authority"]
    assert {"investigations", "upheld_rate", "period_end", "salutation_name"} <= set(template.fields)
    assert {check.rule for check in template.checks} == {
        "salutation-mismatch", "count-mismatch", "rate-mismatch", "date-mismatch"}
    [free] = [p for p in template.paragraphs if p.free]
    assert free.text == "signature image description"
    stats = next(p for p in template.paragraphs if p.text.startswith("Statistics are based on a total of {{inv"))
    assert stats.regex.fullmatch("Statistics are based on a total of 12 detailed  investigations for the "
                                 "period between 1 April 2019 to 31 March 2020")


def test_another_kind_of_letter_needs_only_a_template(tmp_path):
    settings = Settings(template_paths=[PARKING])
    ctx, result = audit_text(tmp_path, PERMIT_LETTER.format(total=80), settings=settings)
    assert result.template == "parking-permit-renewal" and result.status == "pass"
    assert result.fields == {"permit_number": "AB-12345", "vehicles": 2, "fee_each": 40, "total_fee": 80,
                             "resident": "Ms Rivers", "expiry": "2024-05-31"}
    _, wrong = audit_text(tmp_path, PERMIT_LETTER.format(total=60), settings=settings)
    [finding] = wrong.findings
    assert finding.rule == "fee-mismatch" and finding.line == 7
    assert finding.message == "The total fee is given as £60, but 2 vehicles at £40 make £80."


def test_best_template_is_chosen_per_letter(tmp_path):
    year_2021 = tmp_path / "templates" / "lgsco-annual-review-2021.md"
    year_2021.parent.mkdir()
    source = (default_template_dir() / "lgsco-annual-review-2020.md").read_text(encoding="utf-8")
    source = source.replace('name = "lgsco-annual-review-2020"', 'name = "lgsco-annual-review-2021"')
    source = source.replace("year = 2020", "year = 2021").replace("Annual Review letter 2020", "Annual Review letter 2021")
    source = source.replace("on 29 July 2020", "on 28 July 2021")
    year_2021.write_text(source, encoding="utf-8")
    settings = Settings(template_paths=[default_template_dir(), year_2021.parent, PARKING])

    letter_2021 = seed_text("004").replace("Annual Review letter 2020", "Annual Review letter 2021")
    letter_2021 = letter_2021.replace("on 29 July 2020", "on 28 July 2021").replace("2020", "2021").replace("2019", "2020")
    results = {
        name: audit_text(tmp_path, text, name, settings)[1]
        for name, text in [("a.txt", seed_text("000")), ("b.txt", letter_2021),
                           ("c.txt", PERMIT_LETTER.format(total=80)), ("d.txt", "Shopping list\n\nEggs\n")]
    }
    assert [results[n].template for n in "a.txt b.txt c.txt d.txt".split()] == [
        "lgsco-annual-review-2020", "lgsco-annual-review-2021", "parking-permit-renewal", None]
    assert results["b.txt"].status == "pass" and results["b.txt"].fields["period_end"] == "2021-03-31"
    assert [f.rule for f in results["d.txt"].findings] == ["unrecognised-document"]


@pytest.mark.parametrize("source, problem", [
    ("+++\nname = \n+++\nHello", "not valid TOML"),
    ("+++\nname = 't'\n[fields]\nx = { type = \"moneys\" }\n+++\n{{x}}", "unknown type 'moneys'"),
    ("+++\nname = 't'\n+++\nTotal {{n:int}} {{a|b}} and {{c|d}}", None),
    ("+++\nname = 't'\n+++\n{{a|b}} first", "no number placeholder before it"),
    ("+++\nname = 't'\n[[checks]]\nexpr = \"__import__('os').system('true')\"\n+++\nHi", "not allowed"),
    ("+++\nname = 't'\n[[checks]]\nexpr = \"a.__class__\"\n+++\nHi", "not allowed"),
    ("+++\nname = 't'\n[[checks]]\nrule = \"check-failed\"\n+++\nHi", "lacks 'expr'"),
    ("+++\nname = 't'\n[fields]\nx = { type = \"int\" }\n+++\nCount {{x:date}}", "contradicts the header"),
    ("+++\nname = 'x'\n", "never closed"),
])
def test_template_errors_name_the_problem(source, problem):
    if problem is None:
        assert parse_template(source).paragraphs
        return
    with pytest.raises(TemplateError, match=problem):
        parse_template(source)


@pytest.mark.parametrize("expression, env, expected", [
    ("a == round(100 * b / c)", {"a": 67, "b": 2, "c": 3}, True),
    ("round(2.5) == 3 and round(0.5) == 1", {}, True),  # half up, not to even
    ("c == 0 or a / c > 1", {"a": 1, "c": 0}, True),
    ("1 <= a < 3", {"a": 3}, False),
    ("not a - b", {"a": 2, "b": 2}, True),
    ("max(a, b) - min(a, b) == abs(a - b)", {"a": 2, "b": 9}, True),
])
def test_expressions(expression, env, expected):
    evaluate, _ = compile_expression(expression)
    assert evaluate(env) is expected


@pytest.mark.parametrize("expression", [
    "open('x')", "a.real", "[a]", "lambda: 1", "a if b else c", "(yield)", "a[0]", "f'{a}'", "round(a, ndigits=1)",
])
def test_expressions_outside_the_whitelist_are_refused(expression):
    with pytest.raises(ExpressionError):
        compile_expression(expression)


def test_missing_and_edited_seed_still_uses_the_template(tmp_path):
    text = edit(seed_text("000"), "Annual Review letter 2020", "Annual Review letter 2002")
    _, result = audit_text(tmp_path, text)
    assert [f.rule for f in result.findings if f.severity != "info"] == ["boilerplate-changed"]


def test_a_template_naming_an_unknown_rule_is_refused(tmp_path):
    source = PARKING.read_text(encoding="utf-8").replace('rule = "fee-mismatch"', 'rule = "fee-mismatc"')
    broken = tmp_path / "broken.md"
    broken.write_text(source, encoding="utf-8")
    with pytest.raises(TemplateError, match="names the rule 'fee-mismatc', which is neither built in nor declared"):
        Settings(template_paths=[broken]).templates


def test_single_braces_are_literal_and_a_backslash_writes_a_literal_double_brace(tmp_path):
    source = ('+++\nname = "braces"\n[fields]\ncode = { type = "int" }\n+++\n\n'
              'Reply to {office} with \\{{code}} replaced by {{code}}.\n\nYours,\n\nThe team\n')
    template = parse_template(source)
    [paragraph] = [p for p in template.paragraphs if p.slots]
    assert [p for p in paragraph.parts if isinstance(p, str)] == ["Reply to {office} with {{code}} replaced by ", "."]
    assert paragraph.skeleton == "Reply to {office} with {{code}} replaced by ⟨code⟩."
    path = tmp_path / "braces.md"
    path.write_text(source, encoding="utf-8")
    _, result = audit_text(tmp_path, "Reply to {office} with {{code}} replaced by 42.\n\nYours,\n\nThe team\n",
                           settings=Settings(template_paths=[path]))
    assert result.status == "pass" and result.fields == {"code": 42}


@pytest.mark.parametrize("expression, env, expected", [
    ("a / b == 0.125", {"a": 1, "b": 8}, True),  # exact: no binary floating point
    ("0.1 + 0.2 == 0.3", {}, True),
    ("rounds_to(s, 100 * a / b)", {"s": 13, "a": 1, "b": 8}, True),  # 12.5 half up
    ("rounds_to(s, 100 * a / b)", {"s": 12, "a": 1, "b": 8}, True),  # 12.5 half to even
    ("rounds_to(s, 100 * a / b)", {"s": 20, "a": 1, "b": 8}, False),
    ("rounds_to(s, 100 * a / b)", {"s": Decimal("12.5"), "a": 1, "b": 8}, True),
    ("rounds_to(s, 100 * a / b)", {"s": Decimal("12.4"), "a": 1, "b": 8}, False),  # 12.4 is written to 0.1
    ("sum(a, b, c) == 6", {"a": 1, "b": 2, "c": 3}, True),
    ("total == sum(a, b)", {"total": money("£3.75"), "a": money("£1.25"), "b": money("£2.50")}, True),
    ("refund == paid - bill", {"refund": money("£105.25"), "paid": money("£1,234.50"), "bill": money("£1,129.25")}, True),
    ("fee * 3 == total", {"fee": money("£0.10"), "total": money("£0.30")}, True),
])
def test_arithmetic_is_exact(expression, env, expected):
    evaluate, _ = compile_expression(expression)
    assert evaluate(env) is expected


def test_money_of_two_currencies_cannot_be_added_or_compared():
    evaluate, _ = compile_expression("a + b > 0")
    with pytest.raises(CurrencyMismatch, match="different currencies"):
        evaluate({"a": money("£1.00"), "b": money("$1.00")})


@pytest.mark.parametrize("text, amount, currency", [
    ("£1,234.50", "1234.50", "GBP"), ("$12", "12", "USD"), ("€3.50", "3.50", "EUR"),
    ("1,234.50 GBP", "1234.50", "GBP"), ("-£5.00", "-5.00", "GBP"),
])
def test_money_is_read_with_its_currency(text, amount, currency):
    assert money(text) == Money(Decimal(amount), currency) and money(text).currency == currency


@pytest.mark.parametrize("base, text, value", [
    ("int", "1,400", 1400), ("decimal", "1,234.5", Decimal("1234.5")), ("percent", "12.5%", Decimal("12.5")),
    ("percent", "100%", Decimal("100")),
])
def test_values_are_read_exactly(base, text, value):
    assert convert(base, text) == value


@pytest.mark.parametrize("base, text", [("int", "150.50"), ("int", "1,40"), ("percent", "12"), ("money", "12.50"),
                                        ("date", "31 February 2021")])
def test_text_that_is_not_a_value_of_the_type_is_refused(base, text):
    with pytest.raises(InvalidValue):
        convert(base, text)


@pytest.mark.parametrize("expression, words", [
    ("fee + rate", "adds money and a number"),
    ("fee * fee", "multiplies money by money"),
    ("when + 1", "arithmetic on a date"),
    ("year(fee) == 2020", "needs one date"),
    ("rounds_to(fee, 3)", "compares money with a number"),
    ("name + 1", "arithmetic on text"),
    ("when == 3", "compares a date with a number"),
])
def test_expressions_whose_types_do_not_fit_are_refused_before_any_letter(expression, words):
    types = {"fee": "money", "rate": "percent", "when": "date", "name": "text"}
    with pytest.raises(ExpressionError, match=re.escape(words)):
        compile_expression(expression, types)


def test_a_body_that_starts_with_a_heading_has_no_empty_first_section(tmp_path):
    source = ('+++\nname = "heading-first"\n[types.fee]\nbase = "money"\n[fields]\nfee = { type = "fee" }\n+++\n\n'
              '# Your fee\n\nThe fee is {{fee}}.\n\n# Paying\n\nPay online.\n')
    path = tmp_path / "t.md"
    path.write_text(source, encoding="utf-8")
    template = load_template(path)
    assert list(template.sections) == ["Your fee", "Paying"] and template.bases["fee"] == "money"
    _, result = audit_text(tmp_path, "Your fee\n\nThe fee is £12.50.\n\nPaying\n\nPay online.\n",
                           settings=Settings(template_paths=[path]))
    assert result.status == "pass" and result.fields == {"fee": "£12.50"}
    _, result = audit_text(tmp_path, "Your fee\n\nThe fee is £12.50.\n", settings=Settings(template_paths=[path]))
    assert [f.rule for f in result.findings] == ["missing-section"]

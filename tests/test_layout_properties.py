"""Letters to realistic recipients audit clean, with the values they were written with, in
every format and layout: text with one value a line, Markdown with the address flattened onto
one line and the headings marked, and Word with the address one paragraph a line inside a
letterhead table (the date and "By email" in the other cell). The letters are the ones
`benchmarks/bench_check.py --accuracy` measures, written from the shipped template."""
from __future__ import annotations

import random
import sys

import docx
import pytest

from audit.pipeline import audit_letter
from audit.settings import Settings

from support import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_check  # noqa: E402

ADDRESS = ("recipient_name", "recipient_title", "authority")
CASES = 6  # recipients, each in every format


@pytest.fixture(scope="module")
def settings():
    return Settings()


def letters():
    template = bench_check.load_template(bench_check.TEMPLATE)
    rng = random.Random(1515)
    for index in range(CASES):
        values = bench_check.realistic_values(rng, index * 37)
        yield pytest.param(template, values, id=values["recipient_name"])


def as_markdown(template, values) -> str:
    text = bench_check.lay_out_address(bench_check.render(template, values, address_lines=True), values, "flat")
    headings = {t.text for t in template.paragraphs if t.heading}
    return "\n\n".join(f"# {block}" if block in headings else block for block in text.split("\n\n"))


def as_word(template, values, path) -> None:
    """The letter in Word: a letterhead table (address one paragraph a line | date, By email),
    then one Word paragraph per paragraph, headings in Heading styles."""
    blocks = bench_check.render(template, values, address_lines=True).strip().split("\n\n")
    headings = {t.text for t in template.paragraphs if t.heading}
    address = next(b for b in blocks if b.startswith(values["recipient_name"] + "\n"))
    date, by = blocks[1], blocks[2]
    document = docx.Document()
    document.add_paragraph(blocks[0])
    left, right = document.add_table(rows=1, cols=2).rows[0].cells
    lines = address.split("\n")
    left.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        left.add_paragraph(line)
    right.paragraphs[0].text = date
    right.add_paragraph(by)
    for block in blocks[3:]:
        if block != address:
            document.add_heading(block, level=1) if block in headings else document.add_paragraph(block)
    document.save(path)


@pytest.mark.parametrize("template, values", list(letters()))
def test_every_format_and_layout_audits_clean_with_the_same_values(tmp_path, settings, template, values):
    (tmp_path / "letter.txt").write_text(bench_check.render(template, values, address_lines=True), encoding="utf-8")
    (tmp_path / "letter.md").write_text(as_markdown(template, values), encoding="utf-8")
    as_word(template, values, tmp_path / "letter.docx")
    for name in ("letter.txt", "letter.md", "letter.docx"):
        _, result = audit_letter(tmp_path / name, settings)
        assert [f"{f.rule}: {f.message}" for f in result.findings if f.severity != "info"] == [], name
        read = {field: result.fields[field] for field in (*ADDRESS, "salutation_name", "investigations")}
        expected = {field: values[field] for field in read}
        expected["investigations"] = int(expected["investigations"])
        if name == "letter.md":  # flattened: the name and the greeting are sure, title and council may be cut elsewhere
            read = {k: v for k, v in read.items() if k not in ("recipient_title", "authority")}
            expected = {k: v for k, v in expected.items() if k in read}
        assert read == expected, name

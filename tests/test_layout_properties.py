"""Letters to realistic recipients audit clean, with the values they were written with, in
every format and layout: text with one value a line, Markdown with the address flattened onto
one line and the headings marked, Word with the address one paragraph a line inside a
letterhead table (the date and "By email" in the other cell) and its counts in a statistics
table ("Upheld decisions | 2"), that Word letter printed to PDF by LibreOffice, and the letter
as a web page printed by Chromium, its letterhead a two-column grid and its counts a table. The letters are the ones `benchmarks/bench_check.py --accuracy` measures, written from
the shipped template. The PDFs need LibreOffice and Chromium (skipped without them, except in
CI, which installs both); all are made in one LibreOffice run and a few Chromium runs, to stay fast."""
from __future__ import annotations

import html
import random
import shutil
import subprocess
import sys

import docx
import pytest

from audit.pipeline import audit_letter
from audit.settings import Settings

from support import ROOT, unavailable

sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "fixtures"))
import bench_check  # noqa: E402
from make_layouts import _COUNT as COUNT, as_html  # noqa: E402

ADDRESS = ("recipient_name", "recipient_title", "authority")
CASES = 6  # recipients, each in every format
PRINTED = 2  # of them also printed by Chromium (a few seconds each on a busy machine)
SOFFICE, CHROMIUM = shutil.which("soffice"), shutil.which("chromium")


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


def as_row(block: str) -> tuple[str, str] | None:
    """A count paragraph as a statistics table's row: "2 upheld decisions" -> ("Upheld decisions", "2")."""
    count = COUNT.match(block)
    return (count.group(2)[:1].upper() + count.group(2)[1:], count.group(1)) if count else None


def as_word(template, values, path) -> None:
    """The letter in Word: a letterhead table (address one paragraph a line | date, By email),
    then one Word paragraph per paragraph, headings in Heading styles, a count as a table row."""
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
        if (row := as_row(block)) is not None:
            cells = document.add_table(rows=1, cols=2).rows[0].cells
            cells[0].text, cells[1].text = row
        elif block != address:
            document.add_heading(block, level=1) if block in headings else document.add_paragraph(block)
    document.save(path)


def as_web_page(template, values) -> str:
    """The letter as a web page: the address | date and "By email" as a grid written row by
    row, headings as h2, every other paragraph a p."""
    blocks = bench_check.render(template, values, address_lines=True).strip().split("\n\n")
    headings = {t.text for t in template.paragraphs if t.heading}
    address = next(b for b in blocks if b.startswith(values["recipient_name"] + "\n")).split("\n")
    right = [blocks[1], blocks[2]]
    grid = "".join(f"<div>{html.escape(line)}</div><div>{html.escape(right[k]) if k < len(right) else ''}</div>"
                   for k, line in enumerate(address))
    body = [f"<p>{html.escape(blocks[0])}</p>", f'<div style="display:grid;grid-template-columns:1fr 1fr">{grid}</div>']
    for block in blocks[3:]:
        if block.split("\n") != address:
            row = as_row(block)
            body.append(f"<h2>{html.escape(block)}</h2>" if block in headings else
                        f"<table style='width:100%'><tr><td>{html.escape(row[0])}</td><td>{row[1]}</td></tr></table>" if row else
                        "<p>" + "<br>".join(as_html(line) for line in block.split("\n")) + "</p>")
    return f"<!doctype html><meta charset='utf-8'><body style='font: 11pt sans-serif'>{''.join(body)}</body>"


def audited_clean(path, settings, values, flattened: bool = False) -> None:
    _, result = audit_letter(path, settings)
    where = f"{path.parent.name}/{path.name}"
    assert [f"{f.rule}: {f.message}" for f in result.findings if f.severity != "info"] == [], where
    read = {field: result.fields[field] for field in (*ADDRESS, "salutation_name", "investigations")}
    expected = {field: values[field] for field in read}
    expected["investigations"] = int(expected["investigations"])
    if flattened:  # the name and the greeting are sure, title and council may be cut elsewhere
        read = {k: v for k, v in read.items() if k not in ("recipient_title", "authority")}
        expected = {k: v for k, v in expected.items() if k in read}
    assert read == expected, where


@pytest.mark.parametrize("template, values", list(letters()))
def test_every_format_and_layout_audits_clean_with_the_same_values(tmp_path, settings, template, values):
    (tmp_path / "letter.txt").write_text(bench_check.render(template, values, address_lines=True), encoding="utf-8")
    (tmp_path / "letter.md").write_text(as_markdown(template, values), encoding="utf-8")
    as_word(template, values, tmp_path / "letter.docx")
    for name in ("letter.txt", "letter.md", "letter.docx"):
        audited_clean(tmp_path / name, settings, values, flattened=name == "letter.md")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Every letter printed to PDF: (values, path) of LibreOffice's and of Chromium's prints."""
    if not (SOFFICE and CHROMIUM):
        unavailable("needs LibreOffice (soffice) and Chromium to print PDFs")
    folder = tmp_path_factory.mktemp("printed")
    cases = [param.values for param in letters()]
    for index, (template, values) in enumerate(cases):
        as_word(template, values, folder / f"{index}.docx")
        if index < PRINTED:
            (folder / f"{index}.html").write_text(as_web_page(template, values), encoding="utf-8")
    subprocess.run([SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder / "libreoffice"),
                    *(str(folder / f"{index}.docx") for index in range(len(cases)))],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    (folder / "chromium").mkdir()
    for index in range(PRINTED):
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={folder / 'chrome'}",
                        "--no-pdf-header-footer", f"--print-to-pdf={folder / 'chromium' / f'{index}.pdf'}",
                        (folder / f"{index}.html").as_uri()],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return ([(values, folder / "libreoffice" / f"{index}.pdf") for index, (_, values) in enumerate(cases)]
            + [(cases[index][1], folder / "chromium" / f"{index}.pdf") for index in range(PRINTED)])


def test_every_letter_printed_to_pdf_audits_clean_with_the_same_values(settings, printed):
    assert len(printed) == CASES + PRINTED
    for values, path in printed:
        audited_clean(path, settings, values)

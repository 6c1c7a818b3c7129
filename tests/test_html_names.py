"""Letter pages get unique names that cannot leave the report folder."""
from __future__ import annotations

from pathlib import PurePath

import pytest

from audit.report.html.names import page_href, page_name, slug
from html_support import LETTERS, letter_pages, write_report


@pytest.mark.parametrize("name, expected", [
    ("000_bd725a1dda7d64f9", "000-bd725a1dda7d64f9"),
    ("Letter to Cllr. O'Brien", "letter-to-cllr-o-brien"),
    ("..", "letter"),
    ("", "letter"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("Zürich Ärzte", "zurich-arzte"),
    ("a" * 200, "a" * 40),
])
def test_slug_is_lower_case_ascii_words(name, expected):
    assert slug(name) == expected


@pytest.mark.parametrize("path", ["../x.txt", "../../etc/passwd", "/abs/../../x.md", "a/..\\..\\b.txt",
                                  "..txt", "dir/.hidden.txt", "con.txt", "x\x00y.txt", "\u202eevil.txt"])
def test_page_names_hold_no_path_parts(path):
    name = page_name(7, PurePath(path), 10)
    assert name.startswith("0007-") and name.endswith(".html")
    body = name[len("0007-"):-len(".html")]
    assert body and all(c.isascii() and (c.isalnum() or c == "-") for c in body)
    assert PurePath(page_href(7, PurePath(path), 10)).parts == ("letters", name)


def test_numbers_are_padded_to_the_batch_size():
    assert page_name(3, PurePath("a.txt"), 5) == "0003-a.html"
    assert page_name(3, PurePath("a.txt"), 123456) == "000003-a.html"


def test_same_file_names_in_different_folders_get_their_own_pages(tmp_path):
    letters = tmp_path / "in"
    seed = sorted(LETTERS.glob("*.txt"))
    for folder, source in (("north", seed[0]), ("south", seed[1])):
        (letters / folder).mkdir(parents=True)
        (letters / folder / "letter.txt").write_bytes(source.read_bytes())
    (letters / "..txt").write_bytes(seed[2].read_bytes())  # a name made of dots
    out = tmp_path / "out"
    write_report(out, letters)

    pages = letter_pages(out)
    assert [p.name for p in pages] == ["0001-letter.html", "0002-letter.html", "0003-letter.html"]
    written = {p.resolve() for p in out.rglob("*") if p.is_file()}
    assert all(out.resolve() in p.parents for p in written)
    assert not any(p.name.endswith(".html") for p in tmp_path.iterdir())  # nothing beside the report
    authorities = {p.read_text(encoding="utf-8").count("Ipswich Borough Council") > 0 for p in pages[1:]}
    assert authorities == {True, False}  # north and south pages hold different letters


def test_a_letter_named_like_a_parent_folder_stays_inside(tmp_path):
    source = sorted(LETTERS.glob("*.txt"))[0]
    outside = tmp_path / "x.html"
    inner = tmp_path / "deep" / "in"
    inner.mkdir(parents=True)
    (inner / "..x.txt").write_bytes(source.read_bytes())
    out = tmp_path / "deep" / "out"
    write_report(out, inner / ".." / "in" / "..x.txt")
    assert [p.name for p in letter_pages(out)] == ["0001-x.html"]
    assert not outside.exists()


def test_the_index_links_every_page(tmp_path):
    write_report(tmp_path, LETTERS)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for page in letter_pages(tmp_path):
        assert f'"letters/{page.name}"' in index
    assert len(letter_pages(tmp_path)) == len(list(LETTERS.glob("*.txt")))

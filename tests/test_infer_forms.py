"""Inference on letters sent by people from a form (issue 17): what varies is written in the
template language of real form letters (docs/templates.md), so the letters that follow the
form pass and the ones that depart from it are still reported."""
from __future__ import annotations

import random

from audit.infer import infer_template, read_letters
from audit.infer.kinds import date_order_of, type_of
from audit.infer.render import render
from audit.infer.wording import wording
from audit.template import parse_template

TITLES = ["CLEAN CODE", "REFACTORING", "THE C++ PROGRAMMING LANGUAGE", "OPERATING SYSTEMS", "COMPUTER NETWORKS",
          "ARTIFICIAL INTELLIGENCE: A MODERN APPROACH"]


def notice(index: int, rng: random.Random) -> str:
    """A takedown notice of one form: some carry a line above the address, some a closing
    request, the sender's details are redacted, and the titles stand on the label's line or
    one a line below it."""
    titles = TITLES[:1] + rng.sample(TITLES[1:], rng.randint(0, 2))
    listed = "Titles: " + ", ".join(titles) if index % 3 else "Titles:\n" + "\n".join(titles)
    paragraphs = [
        ("Notice sent by email\n" if index % 4 == 1 else "") + "300 Hudson Street\nNew York, NY 10013",
        f"{rng.randint(1, 12):02d}/{rng.randint(13, 28):02d}/20{rng.randint(16, 19)}",
        "I am writing to notify you about violations of the rights of the publisher on your service and to demand "
        "that you take immediate corrective action to cease this infringement.",
        "The publisher holds rights in the titles listed below, which are being infringed on your service.",
        "I swear, under penalty of perjury, that the information in this notification is accurate.",
        "Sincerely,\n[private]" + ("," if index % 2 else "") + "\nAnti-Piracy Team\nEmail: [private]",
        listed,
        "Please reply to [private]" + ("." if index % 2 else ""),
    ]
    if index % 3 == 2:
        paragraphs.pop()  # the closing request is left out by a third of the notices
    return "\n\n".join(paragraphs) + "\n"


def test_form_letters_pass_and_departures_are_reported(tmp_path):
    rng = random.Random(17)
    for index in range(15):
        text = notice(index, rng)
        if index == 4:
            text = text.replace("The publisher holds rights in the titles listed below, which are being infringed on "
                                "your service.\n\n", "")
        if index == 7:
            text = text.replace("is accurate", "is not accurate")
        (tmp_path / f"notice-{index:02d}.md").write_text(text, encoding="utf-8")
    inference = infer_template(sorted(tmp_path.glob("*.md")), "notice")
    written = render(inference)
    parse_template(written)  # the engine reads what was written
    assert 'withheld = ["[private]"]' in written and 'date_order = "mdy"' in written
    assert "{{one of:  | Notice sent by email}} 300 Hudson Street" in written  # a line some letters add
    assert "<!-- optional: present in 10 of the section's 15 letters -->\n\nPlease reply to {{" in written
    assert "{optional}" in written.split("Please reply to")[1]
    assert any(f.kind == "date" for f in inference.fields.values())
    assert not any("private" in name for name in inference.fields)  # a marker never names a field
    assert sorted(p.name for p in inference.verification.deviating) == ["notice-04.md", "notice-07.md"]


def test_a_redaction_marker_stands_for_a_value_of_any_type_and_dates_prove_their_order():
    assert type_of(["12", "[private]", "7"]) == "int"
    assert type_of(["06/22/2018", "09/13/2016"], "mdy") == "date"
    assert date_order_of(["sent 06/22/2018 and 01/02/2020"]) == "mdy"
    assert date_order_of(["sent 22/06/2018", "and 06/22/2018"]) == "dmy"  # both orders seen: nothing proven
    assert date_order_of(["sent 06/02/2018"]) == "dmy"


def test_a_value_after_a_label_that_letters_set_one_item_a_line_is_a_list(tmp_path):
    words = ["ALGEBRA", "BIOLOGY", "CALCULUS", "DRAWING", "ECONOMICS", "FINANCE", "GEOLOGY", "HISTORY", "IDIOMS",
             "JAVA", "KOTLIN", "LOGIC", "MUSIC", "NURSING", "OPTICS", "PHYSICS", "QUANTUM", "RHETORIC"]
    for index in range(9):
        titles = words[2 * index:2 * index + 1 + index % 3 // 2]  # each notice its own titles, one or two
        listed = "Titles: " + ", ".join(titles) if index % 2 else "Titles:\n" + "\n".join(titles)
        (tmp_path / f"notice-{index}.md").write_text(listed + "\n", encoding="utf-8")
    letters, _ = read_letters(sorted(tmp_path.glob("*.md")))
    shared = wording({i: letter.paragraphs[0] for i, letter in enumerate(letters)})
    assert shared.text.startswith("Titles: ") and [h.items for h in shared.holes] == [True]
    inline = wording({i: letter.paragraphs[0] for i, letter in enumerate(letters) if i % 2})
    assert [h.items for h in inline.holes] == [False]  # never set below the label: a plain value


def test_words_some_letters_add_are_a_variant_but_a_marker_never_is(tmp_path):
    opening = "We are writing about the files listed below, which copy our work."
    for index in range(12):
        added = "Notice sent by email " if index % 4 == 0 else "[private] " if index % 4 == 1 else ""
        (tmp_path / f"notice-{index:02d}.md").write_text(added + opening + "\n", encoding="utf-8")
    letters, _ = read_letters(sorted(tmp_path.glob("*.md")))
    shared = wording({i: letter.paragraphs[0] for i, letter in enumerate(letters)})
    assert [h.choices for h in shared.holes if h.kind == "variant"] == [("", "Notice sent by email")]

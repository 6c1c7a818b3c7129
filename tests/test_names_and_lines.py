"""Names compare as names (`same_person`), and values that stand one a line are delimited by
their lines before any pattern is tried (audit/delimit.py)."""
from __future__ import annotations

import pytest

from audit.expr import ExpressionError, compile_expression
from audit.names import same_person

from support import audit_text, edit, seed_text

SAME = [
    ("Ms Okoro,", "Ms Jane Okoro"),
    ("Mr Williams,", "Mr Gareth Williams"),
    ("Mr Lewandowski,", "Mr Lewandowski"),
    ("Ms J. Okoro", "Ms Jane Okoro"),
    ("Mr de Souza", "Mr Carlos de Souza"),
    ("Dr O'Brien-Smith", "Dr Aoife O\u2019Brien-Smith"),
    ("MR WILLIAMS", "Mr Williams"),
    ("Mrs Okoro", "Ms Jane Okoro"),
    ("Cllr Hall", "Councillor Amy Hall"),
    ("Jane", "Ms Jane Okoro"),
]
DIFFERENT = [
    ("Mr Smithers", "Mr Raj Patel"),
    ("Mr Okoro", "Ms Jane Okoro"),
    ("Ms Jane", "Ms Jane Okoro"),  # a first name with a form of address is no greeting of the surname
    ("Mr K Patel", "Mr Raj Patel"),
    ("Mr Raj", "Mr Raj Patel"),
    ("", "Mr Williams"),
    ("Mr", "Mr Williams"),
]


@pytest.mark.parametrize("a, b", SAME)
def test_same_person(a, b):
    assert same_person(a, b) and same_person(b, a)


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_not_same_person(a, b):
    assert not same_person(a, b) and not same_person(b, a)


def test_same_person_in_a_check_is_type_checked():
    evaluate, names = compile_expression("same_person(greeting, name)", {"greeting": "text", "name": "text"})
    assert names == {"greeting", "name"}
    assert evaluate({"greeting": "Ms Okoro,", "name": "Ms Jane Okoro"}) is True
    with pytest.raises(ExpressionError, match="needs two names"):
        compile_expression("same_person(count, name)", {"count": "int", "name": "text"})


ADDRESS = "Mr Williams\nChief Executive\nIpswich Borough Council"


def fields_of(tmp_path, address: str, salutation: str) -> dict:
    text = edit(edit(seed_text("000"), ADDRESS, address), "Dear Mr Williams", f"Dear {salutation}")
    _, result = audit_text(tmp_path, text)
    assert not [f.message for f in result.findings if f.severity != "info"]
    return {k: result.fields[k] for k in ("recipient_name", "recipient_title", "authority")}


@pytest.mark.parametrize("address, salutation, expected", [
    # one value a line: any title, first names, particles, odd council names
    ("Mr Gareth Williams\nChief Executive\nIpswich Borough Council", "Mr Williams,",
     ("Mr Gareth Williams", "Chief Executive", "Ipswich Borough Council")),
    ("Ms Jane Okoro\nLeader of the Council\nRoyal Borough of Greenwich", "Ms Okoro,",
     ("Ms Jane Okoro", "Leader of the Council", "Royal Borough of Greenwich")),
    ("Mr Carlos de Souza\nHead of Paid Service\nCouncil of the Isles of Scilly", "Mr de Souza",
     ("Mr Carlos de Souza", "Head of Paid Service", "Council of the Isles of Scilly")),
    # a title wrapped over two lines stays whole
    ("Mr Raj Patel\nChief Executive and\nHead of Paid Service\nLeeds City Council", "Mr Patel",
     ("Mr Raj Patel", "Chief Executive and Head of Paid Service", "Leeds City Council")),
    # flattened: the salutation settles the name, the patterns the rest
    ("Ms Jane Okoro Leader of the Council Royal Borough of Greenwich", "Ms Okoro,",
     ("Ms Jane Okoro", "Leader of the Council", "Royal Borough of Greenwich")),
    ("Mr John Scrutton Managing Director Tendring District Council", "Mr John Scrutton",
     ("Mr John Scrutton", "Managing Director", "Tendring District Council")),
    # flattened, a title with its remit: in brackets, or after "of" up to a common area of work
    ("Ms Jane Williams Strategic Director (Place) Tynewich & North East Lynnfield Council", "Ms Williams",
     ("Ms Jane Williams", "Strategic Director (Place)", "Tynewich & North East Lynnfield Council")),
    ("Mr J. Nguyen Executive Director of Finance and Resources Council of the Isles of Bathfield", "Mr Nguyen",
     ("Mr J. Nguyen", "Executive Director of Finance and Resources", "Council of the Isles of Bathfield")),
    ("Mrs Jane O'Brien-Smith Director of Corporate Resources Royal Borough of Helenfield", "Mrs O'Brien-Smith",
     ("Mrs Jane O'Brien-Smith", "Director of Corporate Resources", "Royal Borough of Helenfield")),
    ("Dr Kwame Okoro Head of Legal Services Ipswich Borough Council", "Dr Okoro",
     ("Dr Kwame Okoro", "Head of Legal Services", "Ipswich Borough Council")),
    # name and title on one line, the council on the next
    ("Mr Gareth Williams Chief Executive\nIpswich Borough Council", "Mr Williams",
     ("Mr Gareth Williams", "Chief Executive", "Ipswich Borough Council")),
    # commas between the values
    ("Dr Aoife O'Brien-Smith, Chief Executive, London Borough of Barking and Dagenham", "Dr O'Brien-Smith",
     ("Dr Aoife O'Brien-Smith", "Chief Executive", "London Borough of Barking and Dagenham")),
])
def test_address_values_delimited_by_lines_then_by_the_letter(tmp_path, address, salutation, expected):
    assert tuple(fields_of(tmp_path, address, salutation).values()) == expected


def test_a_wrong_greeting_is_caught_however_the_address_is_laid_out(tmp_path):
    for address in ("Mr Raj Patel\nChief Executive\nLeeds City Council",
                    "Mr Raj Patel Chief Executive Leeds City Council"):
        text = edit(edit(seed_text("000"), ADDRESS, address), "Dear Mr Williams", "Dear Mr Smithers")
        _, result = audit_text(tmp_path, text)
        assert [f.rule for f in result.findings if f.severity == "error"] == ["salutation-mismatch"], address
        assert result.fields["recipient_name"].startswith("Mr Raj"), address


@pytest.mark.parametrize("elsewhere", [None, ("I would encourage you", "We would encourage you")])
def test_address_typed_one_paragraph_a_line(tmp_path, elsewhere):
    """Each address line its own paragraph (Enter after each, as in Word): one address block,
    whether the letter otherwise follows the template exactly or not."""
    address = "Mr Gareth Williams\n\nChief Executive and\n\nHead of Paid Service\n\nIpswich Borough Council"
    text = edit(edit(seed_text("000"), ADDRESS, address), "Dear Mr Williams", "Dear Mr Williams,")
    if elsewhere:
        text = edit(text, *elsewhere)
    _, result = audit_text(tmp_path, text)
    assert [f.rule for f in result.findings if f.severity != "info"] == (["boilerplate-changed"] if elsewhere else [])
    assert (result.fields["recipient_name"], result.fields["recipient_title"], result.fields["authority"]) == (
        "Mr Gareth Williams", "Chief Executive and Head of Paid Service", "Ipswich Borough Council")
    assert result.lines["authority"] == 15  # the value's own line


def test_a_first_line_that_alone_fits_the_address_is_still_joined_with_the_rest(tmp_path):
    """"Mrs Mary Ann McAllister" alone fits name, title and council; the lines after it are
    still the address, because the salutation only follows them."""
    address = "Mrs Mary Ann McAllister\n\nHead of Paid Service\n\nRoyal Borough of Somerset"
    text = edit(edit(seed_text("000"), ADDRESS, address), "Dear Mr Williams", "Dear Mrs McAllister")
    _, result = audit_text(tmp_path, text)
    assert [f.rule for f in result.findings if f.severity != "info"] == []
    assert result.fields["recipient_name"] == "Mrs Mary Ann McAllister"


def test_a_sentence_after_the_address_is_an_extra_paragraph_not_a_line_of_it(tmp_path):
    address = "Mr Williams\n\nChief Executive\n\nIpswich Borough Council\n\nWe enclose our report for your council."
    text = edit(seed_text("000"), ADDRESS, address)
    _, result = audit_text(tmp_path, text)
    assert [f.rule for f in result.findings if f.severity != "info"] == ["extra-paragraph"]
    assert result.fields["authority"] == "Ipswich Borough Council"

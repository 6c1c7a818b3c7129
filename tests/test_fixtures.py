"""The contract on the sample batch in fixtures/letters (issue 2, "Done when")."""
from __future__ import annotations

import pytest

from audit.pipeline import audit_batch
from audit.settings import Settings

from support import SEEDS

RESULTS = {}


@pytest.fixture(scope="module")
def results():
    if not RESULTS:
        for result in audit_batch(sorted(SEEDS.values()), Settings()):
            RESULTS[result.path.name[:3]] = result
    return RESULTS


def serious(result):
    return sorted((f.rule, f.line) for f in result.findings if f.severity != "info")


def infos(result):
    return sorted((f.rule, f.line) for f in result.findings if f.severity == "info")


HEADERS = {
    "000": ("Mr Williams", "Chief Executive", "Ipswich Borough Council"),
    "001": ("Ms Elliott", "Managing Director", "Wellingborough Borough Council"),
    "002": ("Ms Jackson", "Chief Executive", "Cambridge City Council"),
    "003": ("Ms Cooper-Smith", "Interim Chief Executive", "Ashfield District Council"),
    "004": ("Mr Scrutton", "Managing Director", "Rochford District Council"),
}


@pytest.mark.parametrize("seed", sorted(HEADERS))
def test_header_fields_of_every_letter(results, seed):
    fields = results[seed].fields
    name, title, authority = HEADERS[seed]
    assert (fields["recipient_name"], fields["recipient_title"], fields["authority"]) == (name, title, authority)
    assert fields["salutation_name"] == name
    assert fields["letter_date"] == "2020-07-22"
    assert results[seed].template == "lgsco-annual-review-2020"


def test_clean_letters_have_every_field(results):
    assert results["000"].fields == {
        "letter_date": "2020-07-22", "recipient_name": "Mr Williams", "recipient_title": "Chief Executive",
        "authority": "Ipswich Borough Council", "salutation_name": "Mr Williams", "year_end": "2020-03-31",
        "upheld_rate": 100, "upheld_average": 45, "upheld_decisions": 2, "investigations": 2,
        "period_start": "2019-04-01", "period_end": "2020-03-31",
        "compliance_rate": 100, "compliance_average": 99, "compliance_outcomes": 2,
        "remedy_rate": 0, "remedy_average": 20, "remedy_decisions": 0,
    }
    fields = results["004"].fields
    assert (fields["investigations"], fields["upheld_decisions"], fields["compliance_outcomes"],
            fields["remedy_decisions"]) == (1, 1, 1, 0)
    assert (fields["upheld_rate"], fields["compliance_rate"], fields["remedy_rate"]) == (100, 100, 0)
    assert (fields["upheld_average"], fields["compliance_average"], fields["remedy_average"]) == (45, 99, 20)
    assert (fields["period_start"], fields["period_end"]) == ("2019-04-01", "2020-03-31")


def test_expected_findings_and_nothing_else(results):
    assert serious(results["000"]) == []
    assert serious(results["004"]) == []
    assert serious(results["001"]) == [("count-mismatch", 77)]
    assert serious(results["002"]) == [("extra-paragraph", 41)] + [("missing-section", 47)] * 3
    assert serious(results["003"]) == [("missing-section", 43)] * 3
    assert {f.section for f in results["003"].findings} == {
        "Complaints upheld", "Compliance with Ombudsman recommendations",
        "Satisfactory remedies provided by the authority"}


def test_converter_residue_is_info_only(results):
    assert infos(results["002"]) == [("extraction-artifact", 45)]  # a stray page number
    assert infos(results["000"]) == infos(results["001"]) == infos(results["003"]) == infos(results["004"]) == []


def test_free_content_is_the_letters_own(results):
    # the signature image description stands where the template allows one: content, not residue
    assert [(c["line"], c["where"]) for c in results["000"].content] == [(48, "signature image description")]
    assert results["000"].content[0]["text"].startswith("A handwritten signature in black ink")


def test_statuses(results):
    assert {seed: r.status for seed, r in results.items()} == {
        "000": "pass", "001": "fail", "002": "fail", "003": "fail", "004": "pass"}


@pytest.mark.parametrize("seed", sorted(HEADERS))
def test_no_internal_error_on_any_seed(results, seed):
    assert not [f.message for f in results[seed].findings if f.rule == "internal-error"]

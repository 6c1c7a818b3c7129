"""Whatever bytes or text arrive, the audit returns findings and never raises."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import SEVERITIES
from audit.pipeline import audit_letter
from audit.settings import Settings

from support import seed_text

SETTINGS = Settings()
SEED = seed_text("000")
FOLDER = Path()  # pytest's temporary folder for this module (folder()), removed as pytest removes its own


@pytest.fixture(scope="module", autouse=True)
def folder(tmp_path_factory):
    global FOLDER
    FOLDER = tmp_path_factory.mktemp("hypothesis")
EXAMPLES = int(os.environ.get("LETTER_AUDIT_FUZZ_EXAMPLES", "120"))  # raise it for a longer hunt
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def audit_bytes(data: bytes):
    path = FOLDER / "letter.txt"
    path.write_bytes(data)
    ctx, result = audit_letter(path, SETTINGS)
    for finding in result.findings:
        assert finding.severity in SEVERITIES and finding.line >= 1 and finding.message
        assert finding.rule != "internal-error", (finding.message, finding.evidence.get("traceback"))
    return result


@fuzz
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data):
    audit_bytes(data)


@fuzz
@given(st.text(max_size=3000))
def test_arbitrary_text(text):
    audit_bytes(text.encode("utf-8"))


@fuzz
@given(st.lists(st.tuples(st.integers(0, len(SEED)), st.integers(0, 400),
                          st.text(alphabet=st.characters(codec="utf-8"), max_size=80)), max_size=6))
def test_damaged_letters(cuts):
    text = SEED
    for start, length, insert in cuts:
        text = text[:start] + insert + text[start + length:]
    result = audit_bytes(text.encode("utf-8"))
    assert result.template in (None, "lgsco-annual-review-2020")


@fuzz
@given(st.permutations(SEED.split("\n\n")))
def test_shuffled_paragraphs(paragraphs):
    audit_bytes("\n\n".join(paragraphs).encode("utf-8"))


TEMPLATE_PIECES = ["{{", "}}", "{", "}", "\\{{", "a", "b:int", "|", ":", "x|y", " ", "\n", "\n\n", "# ",
                   "{optional}", "<!--", "-->", "free:", "%", "£", "1", "a:money", "c:nope", "a:", "word"]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(TEMPLATE_PIECES), max_size=40))
def test_any_template_body_compiles_or_is_refused_with_its_problems(pieces):
    from audit.template import TemplateError, parse_template

    source = '+++\nname = "t"\n[fields]\na = { type = "int" }\n+++\n' + "".join(pieces)
    try:
        template = parse_template(source)
    except TemplateError as exc:
        assert exc.problems and all(problem.startswith("<template>:") for problem in exc.problems)
        return
    for paragraph in template.paragraphs:
        if paragraph.regex is not None:
            paragraph.matches("a 1 b")

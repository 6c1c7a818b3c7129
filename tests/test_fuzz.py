"""A small sample of the fuzzing campaign (tests/fuzz.py; the long run's figures are in the
README): hostile letters, Word files broken inside and mutated templates. No crash, no hang,
no letter missing from the report."""
from __future__ import annotations

import fuzz


def test_a_sample_of_the_campaign_finds_no_crash_hang_or_lost_letter(tmp_path):
    outcome = fuzz.campaign(letters=80, templates=30, seed=22, size=20_000, folder=tmp_path)
    assert outcome.clean(), outcome.summary() + "\n" + "\n".join(outcome.crashes + outcome.hangs + outcome.lost)
    assert outcome.templates_loaded > 0  # the templates that load are used on letters too

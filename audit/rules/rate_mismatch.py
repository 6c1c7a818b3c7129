"""A stated percentage does not follow from the counts it summarises.

The template declares how each rate is computed from counts (rounded half up to a
whole percent). A rate that differs from the computed one was typed in by hand or
taken from another letter.

Bad::

    50% of complaints we investigated were upheld.
    2 upheld decisions
    Statistics are based on a total of 2 detailed investigations

Good::

    100% of complaints we investigated were upheld.
"""
from .base import declared_issues

ID = "rate-mismatch"
SEVERITY = "error"
HINT = "Recompute the percentage from the counts in the letter and in the source data."


def check(letter):
    return declared_issues(letter, ID)

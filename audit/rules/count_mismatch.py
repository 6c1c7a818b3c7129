"""Counts that the template's arithmetic ties together disagree.

The template declares how its counts relate (for example, compliance outcomes equal
upheld decisions minus satisfactory remedies) and which counts are quoted more than
once. A letter whose counts break one of these relations has a wrong figure somewhere;
the message names the figures and the lines they stand on.

Bad::

    2 upheld decisions ... 0 satisfactory remedy decisions ...
    Statistics are based on a total of 1 compliance outcome

Good::

    2 upheld decisions ... 0 satisfactory remedy decisions ...
    Statistics are based on a total of 2 compliance outcomes
"""
from .base import declared_issues

ID = "count-mismatch"
SEVERITY = "error"
HINT = "Check each figure against the source data; at least one of them is wrong."


def check(letter):
    return declared_issues(letter, ID)

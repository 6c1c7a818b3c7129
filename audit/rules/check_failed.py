"""A check the template declares does not hold.

A template's ``[[checks]]`` say what must hold between the fields of a letter
(``refund == charge - credit``). A check that names no rule of its own raises this one;
its message is the check's message, with the letter's values and the computed ones.

Bad (the template checks ``refund == charge - credit``)::

    Charge £150.50, credit £45.25, refund £100.00

Good::

    Charge £150.50, credit £45.25, refund £105.25
"""
from .base import declared_issues

ID = "check-failed"
SEVERITY = "error"
HINT = "Check the figures the message names against the source data; at least one of them is wrong."


def check(letter):
    return declared_issues(letter, ID)

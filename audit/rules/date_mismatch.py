"""Reporting years or periods disagree within the letter or with the template's year.

The letter's date, the year it reports on and every statistics period must agree
with each other and with the year of the template.

Bad::

    ... for the year ending 31 March 2020 ...
    ... for the period between 1 April 2018 to 31 March 2019

Good::

    ... for the year ending 31 March 2020 ...
    ... for the period between 1 April 2019 to 31 March 2020
"""
from .base import declared_issues

ID = "date-mismatch"
SEVERITY = "error"
HINT = "Check every date and period in the letter against the reporting year."


def check(letter):
    return declared_issues(letter, ID)

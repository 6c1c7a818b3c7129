"""letter-audit could not check part of this letter: a rule, a stage or a template check failed.

Never a verdict on the letter: whatever the failed part checks was not checked, so the
letter cannot pass. The other rules still ran and their findings stand. The message names
what failed and the exception; the JSON report holds the traceback under ``evidence``.
A template check that cannot be evaluated (a division by zero its guard does not catch,
a date added to a number) is reported here too, naming the template, the check and the
values, instead of being skipped.

Bad (a check without a guard, and a letter with no investigations)::

    expr = "upheld_rate == round(100 * upheld_decisions / investigations)"

Good::

    expr = "investigations == 0 or upheld_rate == round(100 * upheld_decisions / investigations)"
"""
from ..models import INTERNAL_ERROR
from .base import declared_issues

ID = INTERNAL_ERROR
SEVERITY = "error"
HINT = "Report it with the JSON report's evidence; check the named part of the letter by hand meanwhile."


def check(letter):
    return declared_issues(letter, ID)

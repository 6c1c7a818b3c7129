"""The audit of a letter could not be completed: a check or a rule failed to run.

This is a fault of the tool or of a template, never of the letter, and never a pass:
the letter's other findings are still reported. A template check that cannot be
evaluated (a type error, a division by zero its guard does not cover) names the
template, the check and the values it was given.

Bad::

    (a template check divides by a count that is zero in this letter)

Good::

    investigations == 0 or rounds_to(upheld_rate, 100 * upheld_decisions / investigations)
"""
from .base import declared_findings

ID = "internal-error"
SEVERITY = "error"
HINT = "Report it with the message; for a template check, guard the expression (x == 0 or ...)."


def check(ctx):
    return declared_findings(ctx, ID, SEVERITY)

"""A check was not evaluated because a value it needs is withheld.

A template can name the redaction markers its letters use (``withheld = ["[private]"]``).
A marker where a placeholder's value stands is that value withheld: it satisfies the
field's type, and it is no edit of the boilerplate, but nothing can be said about the value.
A check that needs it is not evaluated, and this note says which check and which value, so
that a reviewer knows what was not verified.

Bad (nothing to compare: the template checks ``refund == paid - bill``)::

    You paid [REDACTED] for the year. Your revised bill is £1,129.25.

Good::

    You paid £1,234.50 for the year. Your revised bill is £1,129.25.
"""
from .base import declared_issues

ID = "withheld-value"
SEVERITY = "info"
HINT = "Verify the check against the unredacted source, if you have it."


def check(letter):
    return declared_issues(letter, ID)

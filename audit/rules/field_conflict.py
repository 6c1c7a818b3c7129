"""A field is quoted twice in a letter with different values.

A value a template places more than once (an account number in the heading and in the
text) must read the same each time. The finding points at the odd value out and lists
every quotation with its line. A template can have another rule raised instead
(``conflict = "rule-id"`` on the field).

Bad::

    Your account AB123456 ... the balance of account AB123465 ...

Good::

    Your account AB123456 ... the balance of account AB123456 ...
"""
from .base import declared_issues

ID = "field-conflict"
SEVERITY = "error"
HINT = "Find which quotation is right (the source data says) and correct the other."


def check(letter):
    return declared_issues(letter, ID)

"""The salutation names someone other than the addressee.

"Dear ..." must greet the person the letter is addressed to, as the template's check
declares. A different name usually means a mail-merge row was misaligned.

Bad::

    Mr Williams Chief Executive Ipswich Borough Council
    Dear Ms Elliott

Good::

    Mr Williams Chief Executive Ipswich Borough Council
    Dear Mr Williams
"""
from .base import declared_issues

ID = "salutation-mismatch"
SEVERITY = "error"
HINT = "Check the address block and the salutation against the recipient list."


def check(letter):
    return declared_issues(letter, ID)

"""The file matches none of the templates.

An empty file, a file of another kind (minutes, a different letter) or a letter so
damaged that too little of any template is found in it. Check the file belongs in the
batch, or add a template for its kind.

Bad::

    Minutes of the meeting of the Audit Committee held on 3 March 2020

Good: a letter whose paragraphs are mostly a template's boilerplate.
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue
from .base import opening

ID = "unrecognised-document"
SEVERITY = "error"
HINT = "Check that the file belongs to this batch and is a complete letter; or add a template for its kind."


@dataclass(frozen=True)
class Unrecognised(Evidence):
    reason: str  # why no template fits


def check(letter):
    if letter.unrecognised:
        yield Issue(letter.unrecognised, 1, Unrecognised(letter.unrecognised), excerpt=opening(letter))

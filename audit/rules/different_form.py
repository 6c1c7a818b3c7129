"""The document is another form than its template's: it shares some wording, far less than a letter of the kind.

A document that holds some of a template's paragraphs, but fewer than half of them as
written, is not a faulty letter of that kind but another form: another sender's notice on
the same subject, an older or newer version of the form, a reply. Reporting each of its
paragraphs as changed, missing or extra would bury the one fact that matters, so it gets
this one finding with the share of the template it matches, and its paragraphs are not
compared one by one. (A document that matches less than a third is `unrecognised-document`.)

Bad (a notice for another publisher, sent with the same agent's form)::

    I am writing to notify you about violations of certain rights of Cengage Learning, Inc. ...

Good: a letter that holds the template's paragraphs, with its own values.
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue
from .base import opening

ID = "different-form"
SEVERITY = "error"
HINT = "Check whether the file belongs in this batch; if the form changed, write a template for the new form."


@dataclass(frozen=True)
class OtherForm(Evidence):
    reason: str  # how little of the template the document holds
    template: str  # the template it was compared with


def check(letter):
    if letter.different_form:
        yield Issue(letter.different_form, 1, OtherForm(letter.different_form, letter.template.name),
                    excerpt=opening(letter))

"""A value in the letter is not of its field's type.

Each placeholder of a template has a type (``int``, ``decimal``, ``money``, ``percent``,
``date``, ...). Text that stands where a value belongs but is not such a value is
reported, never half read: ``150.50`` where a whole number belongs is not 150, and
``31 February 2021`` is no date.

Bad (the template has ``a total of £{{total_fee:int}}``)::

    a total of £150.50

Good::

    a total of £150
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue

ID = "invalid-value"
SEVERITY = "error"
HINT = "Correct the value in the letter (or the field's type in the template, if the letter is right)."


@dataclass(frozen=True)
class NotOfType(Evidence):
    field: str
    type: str  # the field's type, as the template names it
    value: str  # the letter's text
    problem: str  # what it is not ("not a whole number")


def check(letter):
    if letter.fields is None:
        return
    for bad in letter.fields.unreadable:
        kind = _kind(letter.template, bad.type)
        why = "" if kind.startswith(bad.reason.removeprefix("not ")) else f", which is {bad.reason}"
        yield Issue(f"{bad.field} should be {kind}, but the letter has “{bad.raw}”{why}.", bad.line,
                    NotOfType(bad.field, bad.type, bad.raw, bad.reason),
                    excerpt=f"{bad.field} = {bad.raw}")


def _kind(template, type_name: str) -> str:
    from ..types import DESCRIPTIONS

    base = template.bases.get(type_name, type_name)
    described = DESCRIPTIONS.get(base, base)
    return described if type_name == base else f"{described} ({type_name})"

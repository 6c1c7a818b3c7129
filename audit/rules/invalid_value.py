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
from ..models import Finding
from .base import excerpt

ID = "invalid-value"
SEVERITY = "error"
HINT = "Correct the value in the letter (or the field's type in the template, if the letter is right)."


def check(ctx):
    if ctx.extraction is None:
        return
    for bad in ctx.extraction.unreadable:
        kind = _kind(ctx, bad.type)
        why = "" if kind.startswith(bad.reason.removeprefix("not ")) else f", which is {bad.reason}"
        yield Finding(ID, SEVERITY, f"{bad.field} should be {kind}, but the letter has “{bad.raw}”{why}.",
                      bad.line, bad.section, excerpt(f"{bad.field} = {bad.raw}"))


def _kind(ctx, type_name: str) -> str:
    from ..types import DESCRIPTIONS

    base = ctx.template.bases.get(type_name, type_name)
    described = DESCRIPTIONS.get(base, base)
    return described if type_name == base else f"{described} ({type_name})"

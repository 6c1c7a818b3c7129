"""A figure in the letter differs from the source data (--data).

With ``--data FILE`` (CSV or Excel, one row per letter, columns named like the
template's fields), each letter is matched to its row by the template's key field
(exactly, or with ``key_match = "fuzzy"`` ignoring case, "&"/"and" and punctuation and
tolerating a slip of the keyboard) and every field the data holds is compared with what
the letter says, read with the field's type. The message names the field, the letter's
value, the data's value and the row.

Bad (the data has refund = 105.25 for this account)::

    We will refund £150.25, the amount you have overpaid.

Good::

    We will refund £105.25, the amount you have overpaid.
"""
from dataclasses import dataclass

from ..data import letter_value, same, show, typed
from ..evidence import Evidence
from ..models import Issue, QuotedField

ID = "data-mismatch"
SEVERITY = "error"
HINT = "Compare the letter's figure with the source data row named in the message; correct whichever is wrong."
BATCH = True


@dataclass(frozen=True)
class DataDiffers(Evidence):
    """A field whose value in the letter is not the data's, each as the field's type shows it."""

    field: str
    letter: str
    data: str


def check_batch(results, batch):
    found = batch.reconciliation
    if found is None:
        return
    for result in results:
        if result not in found.matches:
            continue
        row, match = found.matches[result]
        template = batch.template_of(result)
        where = found.table.where(row) + ("" if match.how == "exact" else f", {match.describe()}")
        for column, text in row.cells.items():
            if column == found.table.key or column not in template.fields:
                continue
            said = result.fields.get(column)
            if said is None:
                continue
            kind = template.fields[column].base
            expected, actual = typed(kind, text), letter_value(kind, said)
            if same(kind, actual, expected):
                continue
            yield result, Issue(
                f"{column} is {show(kind, actual)} in the letter but {show(kind, expected)} in the data ({where}).",
                QuotedField(column),
                evidence=DataDiffers(column, show(kind, actual), show(kind, expected)),
                excerpt=f"{column}: letter {show(kind, actual)}, data {show(kind, expected)}")

"""The letter is for a recipient the source data (--data) does not have.

With ``--data FILE``, every letter's key field (an account number, a name) should match a
row of the data: exactly, or with the template's ``key_match = "fuzzy"`` ignoring case,
"&"/"and" and punctuation. A letter that matches none was written for someone the data
knows nothing about, or its key is mistyped; the message names the closest row.

Bad (the data has the account AB123456)::

    Your refund for account AB123465

Good::

    Your refund for account AB123456
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue, QuotedField

ID = "unknown-recipient"
SEVERITY = "warning"
HINT = "Check the letter's key (whom it is for) against the data file, or add its row to the data."
BATCH = True


@dataclass(frozen=True)
class UnknownKey(Evidence):
    key: str  # the letter's key
    closest: str | None  # the data's closest row, described; None when the data has no rows


def check_batch(results, batch):
    found = batch.reconciliation
    if found is None:
        return
    table = found.table
    for result in found.unknown:
        closest = table.index.closest(result.key)
        hint = (f" (closest: {table.where(table.rows[closest.index])}, {closest.score:.0f}% alike)"
                if closest else " (the data has no rows)")
        template = batch.template_of(result)
        yield result, Issue(
            f'{table.key} "{result.key}" matches no row of {table.path.name}{hint}.', QuotedField(template.key_field),
            evidence=UnknownKey(result.key, table.where(table.rows[closest.index]) if closest else None),
            excerpt=f"{table.key} = {result.key}")

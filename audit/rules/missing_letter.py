"""A row of the source data (--data) has no letter in the batch.

With ``--data FILE``, every row should have its letter. A row that no letter matches
means a letter was never produced (or could not be read, so whom it is for is unknown).
The finding is about the batch, not a letter: it points at the row of the data file.
Audit the whole batch when using --data: a partial batch leaves rows without letters.

Bad: the data has a row for account AB123456 and the batch no letter for it.

Good: one letter for every row of the data.
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue

ID = "missing-letter"
SEVERITY = "error"
HINT = "Produce the letter for each listed row, or remove the row from the data if none is due."
BATCH = True


@dataclass(frozen=True)
class NoLetter(Evidence):
    key: str  # the row's key: whom the missing letter is for
    data: str  # the data file's name


def check_batch(results, batch):
    found = batch.reconciliation
    if found is None:
        return
    table = found.table
    carrier = batch.batch_result(table.path)
    for row in found.rows_without_letter:
        name = row.cells[table.key]
        yield carrier, Issue(f'No letter in the batch for {table.key} "{name}" ({table.path.name} line {row.line}).',
                             row.line, evidence=NoLetter(name, table.path.name), excerpt=name)

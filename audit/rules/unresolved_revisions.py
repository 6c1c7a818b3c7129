"""A Word letter still holds tracked changes or comments that nobody resolved.

A letter about to be published should be final: every tracked change accepted or
rejected, every comment answered and deleted. Word keeps unresolved changes and comments
inside the file, and they can reach the recipient (in Word, or in a PDF printed with
markup shown). The letter is audited as it would print with every change accepted; this
finding says how many insertions, deletions, moves and comments are left, and on which
lines of the text read (`letter-audit extract FILE` shows that text).

Bad (Word, Review > Track Changes left on)::

    Dear [deleted: Sir or Madam][inserted: Mr Scrutton]     + a comment "Figures to be checked"

Good: every change accepted or rejected and every comment deleted (Review > Accept >
Accept All Changes; Review > Delete > Delete All Comments in Document), then saved.
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue

ID = "unresolved-revisions"
SEVERITY = "warning"
HINT = "Open the file in Word, accept or reject every tracked change, delete the comments, and save it."

# models.Revisions' attributes, in the order of Unresolved's fields
_KINDS = (("insertions", "insertion"), ("deletions", "deletion"), ("moves", "move"), ("comments", "comment"))


@dataclass(frozen=True)
class Unresolved(Evidence):
    """Lines of the text read where each kind of revision is left."""

    insertions: tuple[int, ...]
    deletions: tuple[int, ...]
    moves: tuple[int, ...]
    comments: tuple[int, ...]


def check(letter):
    revisions = letter.raw.revisions
    if not revisions:
        return
    parts, lines = [], []
    for attribute, noun in _KINDS:
        found = getattr(revisions, attribute)
        if found:
            where = sorted(set(found))
            parts.append(f"{len(found)} {noun}{'' if len(found) == 1 else 's'} "
                         f"(line{'' if len(where) == 1 else 's'} {', '.join(map(str, where))})")
            lines += found
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    yield Issue(f"The Word file still holds {listed} that nobody accepted or rejected; "
                f"the letter was audited with every change accepted.", min(lines),
                Unresolved(*(tuple(getattr(revisions, attribute)) for attribute, _ in _KINDS)), excerpt=listed)

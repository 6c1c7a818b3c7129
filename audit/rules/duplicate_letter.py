"""Two letters in the batch are for the same recipient, or hold the same text.

A batch has one letter per authority (the template's key field). Two letters for the same
authority, or two files holding the same letter (compared after normalisation, so a PDF
export and a Markdown export of one letter count as the same text), mean a letter was
produced twice, perhaps with different figures: keep one. Letters of different templates
(another year) may share a recipient.

Bad::

    letters/012.txt   ... Dear Mr Williams ... Ipswich Borough Council ...
    letters/317.txt   ... Dear Mr Williams ... Ipswich Borough Council ...

Good: each authority has exactly one letter in the batch.
"""
from collections import defaultdict

from ..models import Finding
from ..names import normalise_name

ID = "duplicate-letter"
SEVERITY = "warning"
HINT = "Keep one of the letters: check which file is the one meant for publication."
BATCH = True
LISTED = 5  # other files named in one message


def check_batch(results, batch):
    same_text, same_key = defaultdict(list), defaultdict(list)
    for result in results:
        if result.content_hash:
            same_text[result.content_hash].append(result)
        if result.key:
            same_key[(result.template, normalise_name(result.key))].append(result)
    for result in results:
        copies = [r for r in same_text.get(result.content_hash, ()) if r is not result]
        rivals = [r for r in same_key.get((result.template, normalise_name(result.key or "")), ())
                  if r is not result and r not in copies]
        if not copies and not rivals:
            continue
        parts = []
        if copies:
            parts.append(f"the same text as {_paths(copies)}")
        if rivals:
            parts.append(f"another letter for {result.key}: {_paths(rivals)}")
        template = batch.template_of(result)
        line = result.lines.get(template.key_field, 1) if template and template.key_field else 1
        what = "identical text" if copies else "same recipient"
        yield result, Finding(ID, SEVERITY, f"This letter duplicates {'; '.join(parts)}.", line, None,
                              f"{what}: {result.key or result.content_hash}")


def _paths(results):
    shown = ", ".join(str(r.path) for r in results[:LISTED])
    return shown + (f" and {len(results) - LISTED} more" if len(results) > LISTED else "")

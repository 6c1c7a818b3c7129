"""Two letters in the batch are for the same recipient, or hold the same text.

A batch has one letter per recipient (the template's key field). Two letters for the same
recipient, or two files holding the same letter (its whole text, compared after
normalisation: every paragraph, the lists and free content included, so two notices that
differ only in their list of URLs are two letters; a PDF export and a Markdown export of one
letter count as the same text), mean a letter was produced twice, perhaps with different
figures: keep one. The message names what is equal: the whole text, or the key. Letters of different templates
(another year) may share a recipient.

Bad::

    letters/012.txt   ... Dear Mr Williams ... account AB123456 ...
    letters/317.txt   ... Dear Mr Williams ... account AB123456 ...

Good: each recipient has exactly one letter in the batch.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import islice

from ..evidence import Evidence
from ..models import Issue, QuotedField
from ..names import normalise_name

ID = "duplicate-letter"
SEVERITY = "warning"
HINT = "Keep one of the letters: check which file is the one meant for publication."
BATCH = True
LISTED = 5  # other files named in one message


@dataclass(frozen=True)
class Duplicate(Evidence):
    duplicate: str  # what is repeated: "identical text" or "same recipient"
    of: str  # the letter's key, or its text's hash when it has none


def check_batch(results, batch):
    def _key(result):
        """Whom a letter is for, compared as its template says (exact, or names loosely)."""
        template = batch.template_of(result)
        fuzzy = template is not None and template.key_match == "fuzzy"
        return result.template, normalise_name(result.key) if fuzzy else result.key

    keys = [_key(result) if result.key else None for result in results]  # once a letter: normalising names is slow
    same_text, same_key = defaultdict(list), defaultdict(list)
    for result, key in zip(results, keys):
        if result.content_hash:
            same_text[result.content_hash].append(result)
        if key is not None:
            same_key[key].append(result)
    # how many letters of one recipient share one text: the rest of the recipient's letters differ
    texts_per_key = Counter((key, r.content_hash) for r, key in zip(results, keys) if key is not None)
    for result, key in zip(results, keys):
        copies = same_text.get(result.content_hash, ()) if result.content_hash else ()
        rivals = same_key.get(key, ()) if key is not None else ()
        n_copies = len(copies) - 1 if copies else 0
        n_rivals = len(rivals) - texts_per_key[(key, result.content_hash)] if rivals else 0
        if not n_copies and not n_rivals:
            continue
        parts = []
        template = batch.template_of(result)
        if n_copies:
            others = [r for r in islice(copies, LISTED + 1) if r is not result]
            parts.append(f"the whole text (every paragraph, lists and free content included) of "
                         f"{_paths(others, n_copies)}")
        if n_rivals:
            others = _first(rivals, LISTED, result.content_hash)
            named = f"{template.key_field} " if template is not None and template.key_field else ""
            parts.append(f"the {named}{result.key} of {_paths(others, n_rivals)}, whose text differs")
        what = "identical text" if n_copies else "same recipient"
        yield result, Issue(f"This letter repeats {'; and '.join(parts)}.",
                            QuotedField(template.key_field) if template and template.key_field else None,
                            evidence=Duplicate(what, result.key or result.content_hash),
                            excerpt=f"{what}: {result.key or result.content_hash}")


def _first(group, count, content_hash):
    """The first `count` letters of the group whose text differs from `content_hash`."""
    return list(islice((r for r in group if r.content_hash != content_hash), count))


def _paths(shown, count):
    """Up to LISTED paths, and how many more there are of `count` letters."""
    text = ", ".join(str(r.path) for r in shown[:LISTED])
    return text + (f" and {count - LISTED} more" if count > LISTED else "")

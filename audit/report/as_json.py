"""The whole batch as one JSON document: letters with fields and findings, and a summary."""
from __future__ import annotations

import json

from .. import __version__
from ..rules import all_rules

NAME = "json"
FORMAT_VERSION = 1


def letter_record(result) -> dict:
    """A letter; a record of kind "batch" (path: the data file) holds findings about the batch."""
    catalogue = all_rules()
    return {
        **({"kind": result.kind} if result.kind != "letter" else {}),
        "path": str(result.path),
        "template": result.template,
        "status": result.status,
        "fields": result.fields,
        "findings": [{**f.json(), "hint": catalogue[f.rule].hint if f.rule in catalogue else None}
                     for f in result.findings],
    }


def write(results, summary, stream) -> None:
    stream.write('{"tool": ' + json.dumps({"name": "letter-audit", "version": __version__}))
    stream.write(f', "format_version": {FORMAT_VERSION}, "letters": [')
    for index, result in enumerate(results):
        stream.write(("," if index else "") + "\n" + json.dumps(letter_record(result), ensure_ascii=False))
    stream.write('\n], "summary": ' + json.dumps(summary.json()) + "}\n")

"""Templates are data: nothing in the code is about a particular kind of letter.

The seed batch is a kind of letter about councils and an ombudsman; the code must not know
it. Only the deprecated aliases kept for old command lines, configuration files and
baselines may still spell that vocabulary.
"""
from __future__ import annotations

import re

from support import ROOT

WORDS = re.compile(r"ombudsman|authorit|council", re.IGNORECASE)
# the deprecated names of renamed options and rules, accepted with a note
ALLOWED = {"--authority-types", "authority-types", "authority_types", "unknown-authority"}
ALLOWED_PATTERN = re.compile("|".join(re.escape(a) for a in sorted(ALLOWED, key=len, reverse=True)))


def test_the_code_speaks_of_no_particular_kind_of_letter():
    found = []
    for path in sorted((ROOT / "audit").rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".html", ".js", ".css", ".toml", ".md", ".txt"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WORDS.search(ALLOWED_PATTERN.sub("", line)):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)

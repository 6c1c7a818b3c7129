"""The letter mixes versions of its form: it carries paragraphs or wordings of two of them.

A template that records the versions of its form (see form-version) marks what belongs to
some versions only. A letter that carries what belongs to one version and also what
belongs to another was put together from two drafts: an old paragraph pasted into the new
form, a fixed typo back again. This warning names each such paragraph or wording with its
line and its version, and the paragraphs of the letter's own version that it lacks (they
are not reported again as missing-paragraph).

Bad (the 2023 form, with the 2021 opening pasted in)::

    We write about your account.                 <- version 2021
    ...
    A paragraph added in 2023.                   <- version 2023

Good: every marked paragraph and wording of the letter is of one version.
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue, excerpt
from ..wording import counted

ID = "mixed-versions"
SEVERITY = "warning"
HINT = "Compare the named lines with the version of the form the letter should follow, and redo them from it."


@dataclass(frozen=True)
class Carried(Evidence):
    line: int
    versions: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class MixedVersions(Evidence):
    version: str  # the version the letter follows for the most part
    own: tuple[Carried, ...]
    others: tuple[Carried, ...]
    lacking: tuple[str, ...]  # paragraphs of its version it lacks


def check(letter):
    reading = letter.version
    if reading is None or not reading.mixed:
        return
    first = min(reading.others, key=lambda m: m.line)
    lines = ", ".join(str(m.line) for m in reading.carried)
    message = (f"Mixes versions of the form: it follows version {reading.name}"
               + (f" ({'line' if len(reading.carried) == 1 else 'lines'} {lines})" if reading.carried else "")
               + ", but " + "; ".join(f'line {m.line} ({"wording" if m.wording else "paragraph"} '
                                      f'{_shown(m.text)}) is of {_versions(m.versions)}'
                                      for m in reading.others)
               + (f"; it lacks {counted(len(reading.lacking), 'paragraph')} of version {reading.name}: "
                  + "; ".join(f'"{_short(t.skeleton)}"' for t in reading.lacking) if reading.lacking else "")
               + ".")
    yield Issue(message, first.line,
                MixedVersions(reading.name, tuple(_carried(m) for m in reading.carried),
                              tuple(_carried(m) for m in reading.others), tuple(t.skeleton for t in reading.lacking)),
                excerpt=first.text[:160])


def _carried(m) -> Carried:
    return Carried(m.line, m.versions, m.text)


def _shown(text: str) -> str:
    """A wording quoted; one a version leaves out (`{{by version: 2021: | 2023: Inc.}}`) said so."""
    return f'"{_short(text)}"' if text.strip() else "left out"


def _versions(names: tuple[str, ...]) -> str:
    return f"version {names[0]}" if len(names) == 1 else f"versions {', '.join(names)}"


def _short(text: str, limit: int = 100) -> str:
    text = excerpt(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."

"""A name for a field, from the words of the letter around its value."""
from __future__ import annotations

import re
from collections import Counter

from .kinds import MARKER, TITLE_WORDS, ValueKind

STOPWORDS = frozenset("""
a an the of to in on at by for with from and or but as is are was were be been being it its this that
these those we our us you your they their he she his her i my me which who whom whose than then there
here have has had do does did not no so if into onto over under about after before between during per
all any each every some more most less least very also just only such same other total number
""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def ending_pattern(values: list[str]) -> str | None:
    """A pattern for text made of few words ("Chief Executive", "Managing Director") that
    lets a text placeholder stand right after a name and before another placeholder and still
    be read apart from both: the words seen before the last one (for a job title, also any word
    that opens one), then one of the last words seen."""
    split = [v.split() for v in values if v and v.split()]
    lasts = {words[-1] for words in split}
    leads = {word for words in split for word in words[:-1]}
    if leads & set(TITLE_WORDS):  # job titles: any of the words that open one ("Interim Chief Executive")
        leads |= set(TITLE_WORDS)
    if not lasts or len(lasts) > 6 or len(leads) > 20 or not all(_WORD.fullmatch(w) for w in lasts | leads):
        return None
    alternatives = lambda words: "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))  # noqa: E731
    lead = rf"(?:(?:{alternatives(leads)})\s+)*" if leads else ""
    return rf"{lead}(?:{alternatives(lasts)})"


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def name_from(before: str, after: str, kind: ValueKind, previous: str | None = None, values: list[str] = ()) -> str:
    """A field name from the words around a placeholder: the noun after a number
    ("2 upheld decisions" -> upheld_decisions), the words before anything else
    ("for the year ending ..." -> year_ending), the end of a range ("between {{period}}
    to ..." -> period_end); the type when the words say nothing."""
    if previous and before.strip() and not _trailing_content(words_of(before)) and len(before.split()) <= 2:
        return f"{previous}_end"
    after_words = _leading_content(words_of(_clause_after(after)))
    before = label_before(before)
    before_words = _trailing_content(words_of(before))
    if kind == ValueKind.PERCENT:
        following = words_of(after)
        if following[:1] == ["of"] and _leading_content(following[1:]):
            return _join(_leading_content(following[1:]) + ["rate"])
        return _join(before_words + ["rate"]) if before_words else "percent"
    if kind in (ValueKind.INT, ValueKind.DECIMAL) and after_words:
        return _join(after_words)  # a count names what it counts: "2 upheld decisions", "2.5 working days"
    if before_words:
        return _join(before_words + (["name"] if kind == ValueKind.PERSON else []))
    if after_words:
        return _join(after_words)
    common = Counter(w for v in values for w in set(words_of(v)) if w not in STOPWORDS and len(w) > 2)
    if kind == ValueKind.TEXT and common and common.most_common(1)[0][1] >= len(values) / 2:
        return common.most_common(1)[0][0]  # "North Water Board", "East Water Board" -> board
    return {ValueKind.INT: "number", ValueKind.DECIMAL: "number", ValueKind.MONEY: "amount"}.get(kind, str(kind))


_ADDRESS = re.compile(r"https?://\S*|\S+@\S+|\w+(?:\.\w+)+")  # web, mail addresses and domains: no labels
_CLAUSE_END = re.compile(r"[.;!?](?:\s|$)|\n|\)")
_LABEL = re.compile(r"([^:]*?)[*_\s]*:[*_\s]*$")  # "Date: ", "**Name:** "


def label_before(before: str) -> str:
    """The words a value belongs to, on its side: the label before a colon ("Date: 08/02/2022"),
    else the words of its own clause. Never a web or mail address, never the previous
    sentence, never a redaction marker."""
    text = MARKER.sub(" ", _ADDRESS.sub(" ", before))
    ends = list(_CLAUSE_END.finditer(text))
    if ends and text[ends[-1].end():].strip():
        text = text[ends[-1].end():]
    label = _LABEL.search(text)
    return label.group(1) if label and words_of(label.group(1)) else text


def _clause_after(after: str) -> str:
    text = _ADDRESS.sub(" ", after)
    end = _CLAUSE_END.search(text)
    return text[:end.start()] if end and end.start() > 0 else text


def name_from_label(label: str) -> str:
    """A table cell's name: its row label and column heading ("North", "Target" -> north_target)."""
    return _join(words_of(label)[:6]) if words_of(label) else ""


def _leading_content(words: list[str]) -> list[str]:
    taken = []
    for word in words[:4]:
        if word in STOPWORDS:
            break
        taken.append(word)
    return taken[:3]


def _trailing_content(words: list[str]) -> list[str]:
    taken = []
    for word in reversed(words[-4:]):
        if word in STOPWORDS:
            if taken:
                break
            continue
        taken.insert(0, word)
    return taken[-2:]


def _join(words: list[str]) -> str:
    name = "_".join(re.sub(r"\W+", "_", w).strip("_") for w in words if w)
    name = re.sub(r"_+", "_", name)
    return name if name and not name[0].isdigit() else f"field_{name}"

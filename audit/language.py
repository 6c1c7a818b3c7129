"""spaCy, loaded only when a letter deviates: a blank English pipeline (no model download).

spaCy only ever reads short spans: candidate number-noun spans found by a regex, and
paragraphs up to SENTENCE_CHARS long.
"""
from __future__ import annotations

import re
from functools import lru_cache

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "no": 0, "zero": 0}


@lru_cache(maxsize=1)
def pipeline():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=32)
def agreement_matcher(forms: tuple[tuple[str, str], ...]):
    """A Matcher for a number, up to two words, then one of the nouns the template inflects."""
    from spacy.matcher import Matcher

    nouns = sorted({form.lower() for pair in forms for form in pair})
    matcher = Matcher(pipeline().vocab)
    matcher.add("NUMBER_NOUN", [[
        {"LIKE_NUM": True},
        {"IS_ALPHA": True, "LOWER": {"NOT_IN": nouns}, "OP": "{0,2}"},
        {"LOWER": {"IN": nouns}},
    ]])
    return matcher


SENTENCE_CHARS = 5000  # longer text is not split into sentences (the word diff describes it)


@lru_cache(maxsize=32)
def candidate_spans(forms: tuple[tuple[str, str], ...]) -> re.Pattern:
    """A number (digits or a word number_value knows), up to two other words, then one of the
    nouns: a superset of what agreement_matcher can find, in linear time."""
    nouns = "|".join(sorted({re.escape(form) for pair in forms for form in pair}, key=len, reverse=True))
    numbers = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    return re.compile(rf"(?<![\w,.])(?:\d[\d,.]{{0,20}}|(?:{numbers})\b)(?:\s+[A-Za-z]+){{0,2}}?\s+(?:{nouns})\b",
                      re.IGNORECASE)


def number_value(text: str) -> float | None:
    text = text.lower().replace(",", "")
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    try:
        return float(text)
    except ValueError:
        return None


def sentences(text: str) -> list[str] | None:
    """The sentences of `text`; None when it is too long to be read sentence by sentence."""
    if len(text) > SENTENCE_CHARS:
        return None
    return [s.text.strip() for s in pipeline()(text).sents if s.text.strip()]

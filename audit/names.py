"""Matching the names that say whom a letter is for (a template's key field) across files.

The same recipient is written "Smith & Sons Ltd" in the letter and "SMITH AND SONS LTD"
in the data; "St. Helens" and "St Helens"; "King's Lynn" and "Kings Lynn".
Names are compared after normalising case, "&"/"and" and punctuation, and only then, for
typing slips, fuzzily (rapidfuzz) under rules strict enough that "North Kesteven" never
passes for "South Kesteven". A template whose keys are codes (account numbers) asks for
exact matching instead (`key_match = "exact"`): only surrounding and repeated spaces aside.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

FUZZY_MIN = 90  # whole-name similarity a slip of the keyboard keeps
WORD_MIN = 80  # and each word that differs must be this close to its counterpart
_APOSTROPHES = re.compile(r"['\u2019`]")
_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalise_name(name: str) -> str:
    """Casefolded, "&" read as "and", apostrophes dropped, other punctuation as spaces."""
    text = str(name)
    if text.isascii() and text.replace(" ", "").isalnum():  # most names: nothing to read but case and spaces
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ").replace("+", " and ")
    text = _PUNCTUATION.sub(" ", _APOSTROPHES.sub("", text))
    return " ".join(text.split())


@dataclass(frozen=True)
class NameMatch:
    index: int  # position of the matched name in the index
    name: str  # the name as the index holds it
    score: float  # 100 for names equal once normalised
    how: str  # "exact", "normalised" or "fuzzy"

    def describe(self) -> str:
        if self.how == "exact":
            return "same name"
        if self.how == "normalised":
            return "same name ignoring case, '&'/'and' and punctuation"
        return f"similar name, {self.score:.0f}% alike"


class NameIndex:
    """Names to match against, each with its position (a row of a table)."""

    def __init__(self, names: list[str], fuzzy: bool = True):
        self.names = list(names)
        self.fuzzy = fuzzy
        # exact matching (account numbers, codes): only surrounding and repeated spaces are ignored
        self.normalised = [normalise_name(n) if fuzzy else " ".join(str(n).split()) for n in self.names]
        self._by_normalised: dict[str, int] = {}
        for index, norm in enumerate(self.normalised):
            self._by_normalised.setdefault(norm, index)

    def duplicates(self) -> list[tuple[int, int]]:
        """(first, later) positions of names that are the same once normalised."""
        return [(self._by_normalised[norm], index) for index, norm in enumerate(self.normalised)
                if self._by_normalised[norm] != index]

    def match(self, name: str) -> NameMatch | None:
        norm = normalise_name(name) if self.fuzzy else " ".join(str(name).split())
        index = self._by_normalised.get(norm)
        if index is not None:
            how = "exact" if self.names[index].strip() == str(name).strip() else "normalised"
            return NameMatch(index, self.names[index], 100.0, how)
        if not self.fuzzy:
            return None
        candidates = process.extract(norm, self.normalised, scorer=fuzz.ratio, limit=3, score_cutoff=FUZZY_MIN)
        accepted = [c for c in candidates if _words_close(norm, c[0])]
        if not accepted or (len(accepted) > 1 and accepted[1][1] >= accepted[0][1] - 2):
            return None  # nothing close enough, or two names equally close: refuse to guess
        _, score, index = accepted[0]
        return NameMatch(index, self.names[index], score, "fuzzy")

    def closest(self, name: str) -> NameMatch | None:
        """The most similar name, however far: for messages about names that did not match."""
        found = process.extractOne(normalise_name(name) if self.fuzzy else " ".join(str(name).split()),
                                   self.normalised, scorer=fuzz.ratio)
        if not found:
            return None
        _, score, index = found
        return NameMatch(index, self.names[index], score, "closest")


def _words_close(left: str, right: str) -> bool:
    """Every word one name has and the other lacks must pair off with a near-identical word."""
    a, b = left.split(), right.split()
    only_a = [w for w in a if w not in b]
    only_b = [w for w in b if w not in a]
    if len(only_a) != len(only_b):
        return False
    return all(fuzz.ratio(x, y) >= WORD_MIN for x, y in zip(only_a, only_b))


# Forms of address a name may open with; each set's members are the same form written another way
# (Ms, Mrs and Miss all stand for a woman's form of address: offices use them interchangeably).
_HONORIFICS = {word: group for group, words in {
    "mr": ("mr", "mister"), "ms": ("ms", "mrs", "miss", "missus"), "mx": ("mx",), "dr": ("dr", "doctor"),
    "prof": ("prof", "professor"), "sir": ("sir",), "dame": ("dame",), "lord": ("lord",), "lady": ("lady",),
    "rev": ("rev", "revd", "reverend"),
}.items() for word in words}
_NAME_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*\w)?|[^\W\d_]")


def _person_words(name: str) -> tuple[str | None, list[str]]:
    """The form of address (as its group) and the name's words, casefolded, punctuation aside."""
    text = unicodedata.normalize("NFKC", str(name)).casefold().replace("\u2019", "'")
    words = _NAME_WORD.findall(text)
    honorific = None
    while words and words[0] in _HONORIFICS:
        honorific = honorific or _HONORIFICS[words.pop(0)]
    return honorific, words


def same_person(a: str, b: str) -> bool:
    """True when one name is the other with first names or initials left out, letter case,
    punctuation and a trailing comma aside: "Ms Okoro," is "Ms Jane Okoro" and "Ms J. Okoro";
    "Mr de Souza" is "Mr Carlos de Souza". The surnames (last words) must be the same, every
    other word of the shorter name must stand, in order, in the longer one (an initial for the
    word it begins, an abbreviation such as "Cllr" for the word it shortens), and forms of
    address given on both sides must agree (Ms, Mrs and Miss alike). A first name alone greets its bearer ("Dear Jane" for Ms Jane Okoro) when it
    carries no form of address."""
    (title_a, words_a), (title_b, words_b) = _person_words(a), _person_words(b)
    if not words_a or not words_b:
        return False
    if title_a and title_b and title_a != title_b:
        return False
    return _within(words_a, title_a, words_b) or _within(words_b, title_b, words_a)


def _within(short: list[str], short_title: str | None, long: list[str]) -> bool:
    """`short` is `long` with words left out (or initials for them): the surname kept."""
    if len(short) > len(long):
        return False
    if len(short) == 1 and short[0] != long[-1]:
        return short_title is None and short[0] == long[0] and len(long) > 1
    if short[-1] != long[-1]:
        return False
    rest = iter(long[:-1])
    return all(any(_stands_for(word, other) for other in rest) for word in short[:-1])


def _stands_for(word: str, other: str) -> bool:
    """The same word, its initial, or an abbreviation keeping its first and last letters in order."""
    if word == other or (len(word) == 1 and other.startswith(word)):
        return True
    if not 1 < len(word) < len(other) or word[0] != other[0] or word[-1] != other[-1]:
        return False
    letters = iter(other)
    return all(letter in letters for letter in word)

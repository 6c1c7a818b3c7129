"""A number and the noun after it disagree ("1 detailed investigations").

The template marks nouns that must agree with the number before them
(``{{investigation|investigations}}``). Those are checked in every letter; in text the
template does not have (edited or added paragraphs) the same nouns are found with
spaCy's tokenizer and matcher.

Bad::

    Statistics are based on a total of 1 detailed investigations

Good::

    Statistics are based on a total of 1 detailed investigation
"""
from dataclasses import dataclass
from itertools import islice

from ..evidence import Evidence
from ..language import agreement_matcher, candidate_spans, number_value, pipeline
from ..models import Issue, PairKind, excerpt

ID = "grammar-number"
SEVERITY = "warning"
HINT = "Correct the noun (or the number, if the number is the mistake)."
MAX_SPANS = 500  # number-noun candidates read per letter: bounds the work on a hostile file


@dataclass(frozen=True)
class Disagrees(Evidence):
    """A number, the noun after it as written, and the form the number asks for."""

    number: str
    noun: str
    expected: str


def check(letter):
    if letter.fields is None:
        return
    for d in letter.fields.disagreements:
        yield Issue(f'"{d.number} ... {d.noun}" does not agree: with {d.number} it should be "{d.expected}".',
                    d.line, Disagrees(d.number, d.noun, d.expected),
                    excerpt=excerpt(d.pair.para.text))
    # text the template does not explain: find number ... noun candidates with a regex, and
    # let spaCy (loaded only when there is one) read just those short spans
    unexplained = [p for p in letter.alignment.pairs
                   if p.kind in (PairKind.EXTRA, PairKind.CHANGED, PairKind.DUPLICATE) and p.match is None]
    forms = tuple(sorted({slot.forms for p in letter.template.paragraphs for slot in p.slots if slot.forms}))
    if not unexplained or not forms:
        return
    spans = [(pair, found.start(), found.end()) for pair in unexplained
             for found in islice(candidate_spans(forms).finditer(pair.para.text), MAX_SPANS)][:MAX_SPANS]
    if not spans:
        return
    to_plural = {s.lower(): p.lower() for s, p in forms}
    to_singular = {p.lower(): s.lower() for s, p in forms}
    matcher = agreement_matcher(forms)
    texts = (pair.para.text[start:end] for pair, start, end in spans)
    for (pair, start, _), doc in zip(spans, pipeline().pipe(texts)):
        for _, first, last in matcher(doc):
            number, noun = doc[first], doc[last - 1]
            value = number_value(number.text)
            if value is None:
                continue
            word = noun.text.lower()
            expected = to_singular.get(word, word) if value == 1 else to_plural.get(word, word)
            if expected != word:
                yield Issue(f'"{doc[first:last].text}" does not agree: with {number.text} it should be "{expected}".',
                            pair.para.line_at(start + number.idx),
                            Disagrees(number.text, noun.text, expected),
                            excerpt=excerpt(pair.para.text))
                break

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
from ..language import agreement_matcher, number_value, pipeline
from ..models import Issue, excerpt

ID = "grammar-number"
SEVERITY = "warning"
HINT = "Correct the noun (or the number, if the number is the mistake)."


def check(letter):
    if letter.fields is None:
        return
    for d in letter.fields.disagreements:
        yield Issue(f'"{d.number} ... {d.noun}" does not agree: with {d.number} it should be "{d.expected}".',
                    d.line, {"number": d.number, "noun": d.noun, "expected": d.expected},
                    excerpt=excerpt(d.pair.para.text))
    # text the template does not explain: read it with spaCy (loaded only for such letters)
    unexplained = [p for p in letter.alignment.pairs
                   if p.kind in ("extra", "changed", "duplicate") and p.match is None]
    if not unexplained:
        return
    forms = tuple(sorted({slot.forms for p in letter.template.paragraphs for slot in p.slots if slot.forms}))
    if not forms:
        return
    to_plural = {s.lower(): p.lower() for s, p in forms}
    to_singular = {p.lower(): s.lower() for s, p in forms}
    for pair in unexplained:
        doc = pipeline()(pair.para.text)
        seen = set()
        for _, start, end in agreement_matcher(forms)(doc):
            number, noun = doc[start], doc[end - 1]
            value = number_value(number.text)
            if value is None or noun.i in seen:
                continue
            seen.add(noun.i)
            word = noun.text.lower()
            expected = to_singular.get(word, word) if value == 1 else to_plural.get(word, word)
            if expected != word:
                yield Issue(f'"{doc[start:end].text}" does not agree: with {number.text} it should be "{expected}".',
                            pair.para.line_at(number.idx),
                            {"number": number.text, "noun": noun.text, "expected": expected},
                            excerpt=excerpt(pair.para.text))

"""A letter quotes a peer-wide figure differently from the letters of its peers.

Some figures are the same for every letter of a group: "This compares to an average of
45% in similar areas" is one number for all letters to one kind of recipient. The
template marks such fields `peer = true`. Peers are the letters whose other peer fields
all agree with this letter's (if two averages match, the third should too); with
``--peer-groups FILE`` (CSV: key,group) they are the letters whose keys are in the same
group (a letter whose key the table lacks falls back to agreeing fields). When at least
three peers agree on a value and it is quoted at least three times as often as this
letter's value, the odd letter is flagged, naming the majority value and how many letters
quote it. Letters of different templates are never peers.

Bad (11 other letters of the group quote 45%)::

    This compares to an average of 47% in similar areas.

Good::

    This compares to an average of 45% in similar areas.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..data import show
from ..evidence import Evidence
from ..models import Issue, QuotedField
from ..wording import counted

ID = "inconsistent-value"
SEVERITY = "warning"
HINT = "Peer-wide figures are the same for every letter of a group: check this letter's against the source data."
BATCH = True
MIN_MAJORITY = 3  # peers that must agree before one letter can be called odd
RATIO = 3  # the majority value must be quoted this many times as often as the odd one


@dataclass(frozen=True)
class OddValue(Evidence):
    """A peer-wide field's value in this letter and the one most peers quote, as its type shows them."""

    field: str
    value: str
    majority: str


def check_batch(results, batch):
    by_template = defaultdict(list)
    for result in results:
        by_template[result.template].append(result)
    for name, letters in by_template.items():
        template = batch.templates.get(name)
        if template is None:
            continue
        peer_fields = [f for f, spec in template.fields.items() if spec.peer]
        for field in peer_fields:
            others = [f for f in peer_fields if f != field]
            for description, members in _peer_groups(letters, field, others, batch):
                yield from _odd_ones(template, field, description, members)


def _peer_groups(letters, field, others, batch):
    """(description of the peers, letters) for each group of peers quoting `field`."""
    groups = defaultdict(list)
    peer_groups = batch.peer_groups
    for result in letters:  # (every letter, once for each peer field: kept lean)
        fields = result.fields
        if fields.get(field) is None:
            continue
        kind = peer_groups.group_of(result.key) if peer_groups else None
        if kind is not None:
            groups[("type", kind)].append(result)
            continue
        agreed = tuple(map(fields.get, others))
        if None not in agreed:
            groups[("fields", agreed)].append(result)
    for (how, value), members in groups.items():
        if how == "type":
            yield f"{value} letters", members
        elif others:
            yield f"letters whose {' and '.join(others)} agree with this one's", members
        else:
            yield "letters of the batch", members


def _odd_ones(template, field, description, members):
    counts = Counter(r.fields[field] for r in members)
    ranked = counts.most_common(2)
    majority, quoted = ranked[0]
    if quoted < MIN_MAJORITY or (len(ranked) > 1 and ranked[1][1] == quoted):
        return
    kind = template.fields[field].base
    for result in members:
        value = result.fields[field]
        if value == majority or counts[value] * RATIO > quoted:
            continue
        alike = "" if counts[value] == 1 else f" ({show(kind, value)} is quoted by {counts[value]} letters)"
        yield result, Issue(
            f"{field} is {show(kind, value)} here, but {quoted} of {counted(len(members), 'peer letter')} "
            f"({description}) quote {show(kind, majority)}{alike}.", QuotedField(field),
            evidence=OddValue(field, show(kind, value), show(kind, majority)),
            excerpt=f"{field} = {show(kind, value)}")

"""A template's own regular expressions, checked before any letter meets them.

Python's `re` backtracks: a repetition inside another repetition, each free to take a varying
number of characters (`(\\w+\\s?)*`), tries every way of dividing a text between them, which
takes exponential time on a text that almost matches (a value of 44 characters once held a
run for ever). Such a pattern is refused at load, with what to write instead; so is one that
`re` cannot compile (too deep, or a repetition count beyond what it can count). The text a
pattern sees is bounded besides (template.MAX_FIELD_CHARS per placeholder).
"""
from __future__ import annotations

import re
from re import _constants as sre  # the parsed form re compiles from; public since Python 3.0 under other names
from re import _parser

MAX_NESTING = 50  # groups inside groups; letters' patterns need a handful

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT}


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be a template's pattern, in plain words, or None when it can."""
    if _depth(pattern) > MAX_NESTING:
        return f"it nests groups more than {MAX_NESTING} deep"
    try:
        parsed = _parser.parse(pattern)
        re.compile(pattern)
    except re.error as exc:
        return f"it does not compile: {exc}"
    except OverflowError:
        return f"a repetition count is larger than {sre.MAXREPEAT - 1:,}, the most a pattern can count"
    except RecursionError:
        return "it nests groups too deep to compile"
    nested = _nested_repeat(parsed)
    if nested:
        return (f"it repeats {nested} inside a repetition whose next turn can start with what {nested} "
                "takes: matching can take exponential time. Put a required separator between the turns "
                "(`(\\w+\\s)*\\w+` instead of `(\\w+\\s?)*`)")
    return None


def _depth(pattern: str) -> int:
    """How deep parentheses nest (escaped ones and those in a class are text, not groups)."""
    depth = deepest = 0
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest


# characters standing for every kind a pattern tells apart, to see whether two parts overlap
_SAMPLE = frozenset(chr(c) for c in range(32, 127)) | frozenset("\n\t\u00a0\u00e9\u00b2\u00a3\u20ac\u2019\u0661")
_CATEGORIES = {getattr(sre, f"CATEGORY_{name}"): frozenset(c for c in _SAMPLE if re.match(rf"\{code}", c))
               for name, code in (("WORD", "w"), ("NOT_WORD", "W"), ("DIGIT", "d"), ("NOT_DIGIT", "D"),
                                  ("SPACE", "s"), ("NOT_SPACE", "S"))}


def _many(low: int, high: int) -> bool:
    """A repetition that can take different numbers of turns, more than one."""
    return low != high and high > 1


def _nested_repeat(items) -> str | None:
    r"""A repetition of varying length that ends a repeated part which can start again with what
    it takes: `(\w+\s?)*` (after `\w+`, the next turn can start with a word character), not
    `(\w+\s)*` (a space must come between)."""
    for op, argument in items:
        if op in _REPEATS:
            low, high, body = argument
            if _many(low, high):
                starts = _first(body)
                for end in _ends(body):
                    if _chars(end[2]) & starts:
                        return f"`{_shown(end)}`"
            found = _nested_repeat(body)
        elif op == sre.SUBPATTERN:
            found = _nested_repeat(argument[-1])
        elif op == sre.BRANCH:
            found = next(filter(None, (_nested_repeat(branch) for branch in argument[1])), None)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            found = _nested_repeat(argument[1])
        else:
            found = None
        if found:
            return found
    return None


def _ends(items):
    """The repetitions of varying length a match of `items` can end with (only optional parts after)."""
    for op, argument in reversed(list(items)):
        if op in _REPEATS and _many(argument[0], argument[1]):
            yield argument
        if op == sre.SUBPATTERN:
            yield from _ends(argument[-1])
        elif op == sre.BRANCH:
            for branch in argument[1]:
                yield from _ends(branch)
        if not _nullable(op, argument):
            return


def _nullable(op, argument) -> bool:
    if op in _REPEATS:
        return argument[0] == 0 or all(_nullable(*item) for item in argument[2])
    if op == sre.SUBPATTERN:
        return all(_nullable(*item) for item in argument[-1])
    if op == sre.BRANCH:
        return any(all(_nullable(*item) for item in branch) for branch in argument[1])
    return op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


def _first(items) -> frozenset:
    found = frozenset()
    for op, argument in items:
        found |= _chars([(op, argument)], first=True)
        if not _nullable(op, argument):
            break
    return found


def _chars(items, first: bool = False) -> frozenset:
    """The characters (of _SAMPLE) that `items` can match: anywhere, or `first`."""
    found = frozenset()
    for op, argument in items:
        if op == sre.LITERAL:
            found |= {chr(argument)}
        elif op == sre.NOT_LITERAL or op == sre.ANY:
            found |= _SAMPLE - {chr(argument) if op == sre.NOT_LITERAL else "\n"}
        elif op == sre.IN:
            found |= _class(argument)
        elif op in _REPEATS:
            found |= _first(argument[2]) if first else _chars(argument[2])
        elif op == sre.SUBPATTERN:
            found |= _first(argument[-1]) if first else _chars(argument[-1])
        elif op == sre.BRANCH:
            for branch in argument[1]:
                found |= _first(branch) if first else _chars(branch)
        elif op == sre.GROUPREF:
            found |= _SAMPLE
        if first and not _nullable(op, argument):
            break
    return found


def _class(items) -> frozenset:
    found, negate = set(), False
    for op, argument in items:
        if op == sre.NEGATE:
            negate = True
        elif op == sre.LITERAL:
            found.add(chr(argument))
        elif op == sre.RANGE:
            found |= {c for c in _SAMPLE if argument[0] <= ord(c) <= argument[1]}
        elif op == sre.CATEGORY:
            found |= _CATEGORIES.get(argument, _SAMPLE)
    return frozenset(_SAMPLE - found if negate else found)


def _shown(argument) -> str:
    low, high, body = argument
    count = {(0, sre.MAXREPEAT): "*", (1, sre.MAXREPEAT): "+", (0, 1): "?"}.get(
        (low, high), f"{{{low},{'' if high == sre.MAXREPEAT else high}}}")
    return f"a part{count}" if not _single(body) else f"{_single(body)}{count}"


def _single(body) -> str:
    if len(body) != 1:
        return ""
    op, argument = body[0]
    if op == sre.IN and len(argument) == 1 and argument[0][0] == sre.CATEGORY:
        return {sre.CATEGORY_WORD: "\\w", sre.CATEGORY_DIGIT: "\\d", sre.CATEGORY_SPACE: "\\s"}.get(argument[0][1], "")
    if op == sre.LITERAL:
        return re.escape(chr(argument))
    return ""

"""Distinct strings of a regular expression, quickly: the n-th one of its choices.

Seeding and the load test need a new value of a `pattern` field for every row (a unique
ISBN, `^[0-9]{13}$`): hypothesis finds one in a third of a second, which a load test cannot
wait for. This walks the parsed pattern instead, taking each choice (a character of a class,
a branch) from the digits of a counter, so call n and call m give different strings. Every
result is checked with `re.fullmatch`; what this cannot build (a back-reference, a lookahead
it does not satisfy) gives None and the caller asks hypothesis.
"""

from __future__ import annotations

import functools
import itertools
import re
import re._constants as sre
import re._parser as sre_parse
import string
from typing import Any

ALPHABET = string.ascii_lowercase + string.digits + string.ascii_uppercase + "-_."
CATEGORIES = {
    sre.CATEGORY_DIGIT: string.digits,
    sre.CATEGORY_NOT_DIGIT: string.ascii_letters + "-_.",
    sre.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre.CATEGORY_NOT_WORD: "-. ",
    sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_SPACE: ALPHABET,
}
STRETCHES = (0, 1, 2, 4, 8, 16, 32, 64, 128)  # how far past its minimum each repeat may go


class Unsupported(ValueError):
    """The pattern has a construct this walk does not build (a back-reference)."""


class _Walk:
    """One string of the pattern: choices from the digits of `n`, repeats `stretch` long."""

    def __init__(self, n: int, stretch: int) -> None:
        self.n, self.stretch, self.slot = n, stretch, 0

    def pick(self, options: str | list[Any]) -> Any:
        """The choice the next digit of n makes, shifted per slot: no run of the first
        option (`9790000000000`), which a simple example of another prober would be."""
        if not options:
            raise Unsupported("an empty class")
        self.n, digit = divmod(self.n, len(options))
        self.slot += 1
        return options[(digit + 7 * self.slot) % len(options)]

    def emit(self, nodes: Any) -> str:
        return "".join(self.node(op, arg) for op, arg in nodes)

    def node(self, op: Any, arg: Any) -> str:  # noqa: PLR0911 - one line per regex construct
        if op is sre.LITERAL:
            return chr(arg)
        if op is sre.NOT_LITERAL:
            return str(self.pick(ALPHABET.replace(chr(arg), "")))
        if op is sre.ANY:
            return str(self.pick(ALPHABET))
        if op in (sre.IN, sre.CATEGORY):
            return str(self.pick(_charset([(op, arg)] if op is sre.CATEGORY else arg)))
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, sub = arg
            count = low + min(self.stretch, max(high - low, 0))
            return "".join(self.emit(sub) for _ in range(count))
        if op in (sre.SUBPATTERN, sre.ATOMIC_GROUP):
            return self.emit(arg[-1])
        if op is sre.BRANCH:
            return self.emit(self.pick(arg[1]))
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return ""  # anchors and lookarounds: the fullmatch check judges the result
        raise Unsupported(str(op))


def _charset(items: list[tuple[Any, Any]]) -> str:
    """The characters a class allows, from a fixed candidate alphabet when negated."""
    chars: list[str] = []
    negate = False
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chars.append(chr(arg))
        elif op is sre.RANGE:  # printable ones only (a NUL is refused by PostgreSQL)
            span = (chr(c) for c in range(arg[0], arg[1] + 1))
            chars += list(itertools.islice((c for c in span if c.isprintable()), 95))
        elif op is sre.CATEGORY:
            chars += CATEGORIES.get(arg, "")
    if negate:
        return "".join(c for c in ALPHABET if c not in chars)
    return "".join(dict.fromkeys(chars))


@functools.lru_cache(maxsize=64)
def _parse(pattern: str) -> tuple[Any, re.Pattern[str]]:
    return sre_parse.parse(pattern), re.compile(pattern)


def sample(pattern: str, n: int, low: int = 0, high: int | None = None) -> str | None:
    """The n-th string of `pattern` whose length is within [low, high]; None if none found."""
    try:
        parsed, compiled = _parse(pattern)
    except re.error:
        return None
    for stretch in STRETCHES:
        for shift in range(8):  # a lookahead may refuse a few: others far from n
            walk = _Walk(n + shift * 1_000_003, stretch)
            try:
                text = walk.emit(parsed)
            except Unsupported:
                return None
            if walk.n:
                break  # too few choices at this length for n: longer repeats have more
            fits = len(text) >= low and (high is None or len(text) <= high)
            if fits and compiled.fullmatch(text):
                return text
    return None

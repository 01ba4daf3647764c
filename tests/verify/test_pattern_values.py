"""A pattern's n-th string (`live.pattern.sample`): distinct for distinct n, matching the
pattern in full and the field's lengths; None for what it cannot build, so seeding asks
hypothesis instead of sending a value the service will refuse."""

from __future__ import annotations

import re

import pytest

from agent.verify.live.pattern import sample

PATTERNS = [
    r"^[0-9]{13}$",
    r"^[A-Z]{3}-\d{4}$",
    r"^(?!admin)[a-z0-9-]{3,20}$",
    r"^\+?[1-9]\d{1,14}$",
    r"^[A-Z0-9]+$",
    r"^(draft|sent|paid)-[a-f0-9]{6}$",
    r"^[^@\s]+@[a-z]+\.(com|org)$",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_distinct_full_matches_within_the_lengths(pattern: str) -> None:
    """300 calls, 300 different strings, each a full match between 2 and 32 characters."""
    found = [sample(pattern, n, 2, 32) for n in range(1, 301)]
    assert all(s is not None and re.fullmatch(pattern, s) for s in found), found[:5]
    assert all(2 <= len(s or "") <= 32 for s in found)
    assert len(set(found)) == 300


def test_what_it_cannot_build_is_none() -> None:
    """A back-reference, and a pattern no string of the lengths matches."""
    assert sample(r"^(a)\1$", 1) is None
    assert sample(r"^[ab]$", 1, low=2) is None
    assert sample(r"^(?!aaa)a{3}$", 1) is None


def test_control_characters_are_left_out_of_ranges() -> None:
    """A range that starts at NUL gives printable characters (PostgreSQL refuses a NUL)."""
    found = [sample(r"^[\x00-\x7f]{4}$", n, 4, 4) for n in range(50)]
    assert all(s is not None and s.isprintable() for s in found)

"""Percentage split (R5): whose turn the next call is, so that every share holds exactly.

Not random, and not "largest deficit first" (which can fall more than one call behind):
Tijdeman's rule for the chairman assignment problem. With shares p_1..p_k (summing to
1) and c_i calls so far given to member i, call n goes to the member with the earliest
*deadline* (c_i + 1 - s) / p_i among those whose deficit n p_i - c_i is at least s, where
s = 1 / (2k - 2). Tijdeman proved that then |n p_i - c_i| <= 1 - s after every call n:
each member is always less than one call away from its exact share, so over every 100
calls it gets exactly its percentage (n p_i is a whole number at n = 100, and so is c_i).

All arithmetic is exact (`Fraction`). After every 100 calls the counts equal the shares
exactly and start again from zero, which changes nothing in the sequence.
"""

from __future__ import annotations

from fractions import Fraction

from firmware.routing.stats import SplitCounts

CYCLE = 100  # calls after which every share is exact (shares are whole percents)


def fresh(shares: tuple[tuple[str, int], ...], state: SplitCounts | None) -> SplitCounts:
    """The counts to go on from: `state` if it is for these shares, else zeros."""
    if state is None or state.shares != shares or len(state.counts) != len(shares) \
            or state.calls % CYCLE == 0:
        return SplitCounts(shares, (0,) * len(shares))
    return state


def next_turn(state: SplitCounts) -> int:
    """The index of the member the next call goes to (Tijdeman's rule)."""
    k = len(state.shares)
    if k == 1:
        return 0
    total = sum(share for _, share in state.shares)
    n = state.calls + 1
    slack = Fraction(1, 2 * k - 2)
    best: tuple[Fraction, int] | None = None
    for i, ((_, share), count) in enumerate(zip(state.shares, state.counts, strict=True)):
        p = Fraction(share, total)
        if n * p - count < slack:
            continue
        deadline = (count + 1 - slack) / p
        if best is None or deadline < best[0]:
            best = (deadline, i)
    assert best is not None, state  # Tijdeman: someone is always eligible
    return best[1]


def after(state: SplitCounts, index: int) -> SplitCounts:
    """The counts once the call went to member `index`."""
    counts = list(state.counts)
    counts[index] += 1
    return SplitCounts(state.shares, tuple(counts))


def by_deficit(state: SplitCounts, first: int) -> list[int]:
    """Member indices in ringing order: `first`, then the others, furthest behind first
    (if the first does not answer, the call is not lost)."""
    total = sum(share for _, share in state.shares)
    n = state.calls + 1

    def deficit(i: int) -> Fraction:
        return Fraction(n * state.shares[i][1], total) - state.counts[i]

    rest = sorted((i for i in range(len(state.shares)) if i != first), key=lambda i: -deficit(i))
    return [first, *rest]

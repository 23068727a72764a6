"""The two operations BPE is made of: count adjacent pairs, and merge one pair into a new token.

A token sequence is a list of ints. Its *pairs* are its adjacent tokens, ``(ids[i], ids[i+1])``
for every ``i``: a sequence of n tokens has n - 1 of them, and they overlap, so ``[a, a, a]``
holds the pair ``(a, a)`` twice. *Merging* a pair replaces each occurrence by one new token,
scanning left to right; an occurrence that overlaps one already merged is skipped, so
``[a, a, a]`` becomes ``[z, a]``, not ``[z, z]``: the middle ``a`` can belong to one token only.
Training and encoding both use exactly these two functions, which is why they agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

Pair = tuple[int, int]


def pair_counts(ids: Sequence[int], counts: Counter | None = None, weight: int = 1) -> Counter:
    """How often each adjacent pair occurs in ``ids``, times ``weight``, added to ``counts``.

    Args:
        ids: a token sequence.
        counts: a Counter to add to (a new one when None), so many sequences can be counted
            into one table.
        weight: how many times the sequence occurs (a word seen 40 times counts 40 per pair).

    Example::

        >>> pair_counts([1, 1, 1, 2])
        Counter({(1, 1): 2, (1, 2): 1})
    """
    counts = Counter() if counts is None else counts
    for pair in pairwise(ids):
        counts[pair] += weight
    return counts


def merge_pair(ids: Sequence[int], pair: Pair, new_id: int) -> list[int]:
    """``ids`` with every occurrence of ``pair``, left to right, replaced by ``new_id``.

    Example::

        >>> merge_pair([5, 5, 5, 6, 5, 5], (5, 5), 9)
        [9, 5, 6, 9]
    """
    first, second = pair
    merged = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == first and ids[i + 1] == second:
            merged.append(new_id)
            i += 2
        else:
            merged.append(ids[i])
            i += 1
    return merged

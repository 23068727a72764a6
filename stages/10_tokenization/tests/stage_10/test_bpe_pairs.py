# Generated from solutions/tests/stage_10/test_bpe_pairs.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 10: the two operations of BPE, counting adjacent pairs and merging one pair."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinytorch.text import merge_pair, pair_counts

#: Short sequences over three ids: full of runs such as [1, 1, 1], where pairs overlap.
sequences = st.lists(st.integers(0, 2), max_size=12)
pairs = st.tuples(st.integers(0, 2), st.integers(0, 2))


def merge_reference(ids, pair, new_id):
    """Replace occurrences left to right, never reusing a token: a recursive definition."""
    if len(ids) < 2:
        return list(ids)
    if (ids[0], ids[1]) == tuple(pair):
        return [new_id, *merge_reference(ids[2:], pair, new_id)]
    return [ids[0], *merge_reference(ids[1:], pair, new_id)]


@pytest.mark.points(
    2, hint="every adjacent pair counts, overlapping ones too: [1, 1, 1] has (1, 1) twice"
)
@given(sequences, st.integers(1, 5))
def test_pair_counts_counts_every_adjacent_pair(ids, weight):
    """pair_counts counts each (ids[i], ids[i+1]) once per i, times the weight, into the table."""
    expected = Counter()
    for i in range(len(ids) - 1):
        expected[(ids[i], ids[i + 1])] += weight
    assert pair_counts(ids, weight=weight) == expected
    table = Counter({(7, 7): 3})
    assert pair_counts(ids, table, weight) is table
    assert table == expected + Counter({(7, 7): 3})


@pytest.mark.points(1)
def test_pair_counts_of_a_run():
    """A run of four equal ids holds three overlapping pairs."""
    assert pair_counts([4, 4, 4, 4]) == Counter({(4, 4): 3})
    assert pair_counts([4]) == Counter() and pair_counts([]) == Counter()


@pytest.mark.points(
    3, hint="after a match step over BOTH tokens: [a, a, a] -> [z, a], never [z, z]"
)
@given(sequences, pairs)
def test_merge_pair_replaces_left_to_right_without_overlap(ids, pair):
    """merge_pair equals a left-to-right replacement that uses each token at most once."""
    merged = merge_pair(ids, pair, 9)
    assert merged == merge_reference(ids, pair, 9)
    assert len(merged) == len(ids) - merged.count(9)


@pytest.mark.points(1)
def test_merge_pair_at_runs_and_ends():
    """Runs merge pairwise from the left, a match at the very end is found, input is untouched."""
    ids = [5, 5, 5, 6, 5, 5]
    assert merge_pair(ids, (5, 5), 9) == [9, 5, 6, 9]
    assert ids == [5, 5, 5, 6, 5, 5]
    assert merge_pair([5, 5, 5, 5], (5, 5), 9) == [9, 9]
    assert merge_pair([1, 2], (1, 2), 7) == [7] and merge_pair([1], (1, 2), 7) == [1]

# Generated from solutions/tests/stage_08/test_dataset.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: TensorDataset, Subset and random_split."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.data import Subset, TensorDataset, random_split
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays


@st.composite
def rows_and_labels(draw):
    """Inputs (N, ...) float32 and labels (N,) int64 with N >= 1."""
    n = draw(st.integers(1, 12))
    features = draw(st.lists(st.integers(1, 4), max_size=2))
    x = draw(float_arrays((n, *features)))
    y = np.asarray(draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)), dtype=np.int64)
    return x, y


@pytest.mark.points(2)
@given(rows_and_labels())
def test_tensor_dataset_items_are_rows(xy):
    """TensorDataset's len is N and item i is (x[i], y[i]) with dtypes kept, negative i too."""
    x, y = xy
    dataset = TensorDataset(tt.tensor(x), tt.tensor(y))
    assert len(dataset) == len(x)
    for i in range(-len(x), len(x)):
        xi, yi = dataset[i]
        assert_close(xi, x[i])
        assert_close(yi, y[i])


@pytest.mark.points(1, hint="PyTorch's words: 'Size mismatch between tensors', then every size")
def test_tensor_dataset_rejects_mismatched_sizes():
    """Tensors whose first dimensions differ are rejected with both sizes in the message."""
    assert len(TensorDataset(tt.zeros(3, 2), tt.zeros(3))) == 3
    with pytest.raises(ValueError, match=r"Size mismatch.*\[3, 4\]"):
        TensorDataset(tt.zeros(3, 2), tt.zeros(4))


@pytest.mark.points(1)
@given(n=st.integers(1, 20), data=st.data())
def test_subset_maps_positions_to_indices(n, data):
    """Subset(ds, idx)[k] is ds[idx[k]] and its len is len(idx)."""
    indices = data.draw(st.lists(st.integers(0, n - 1), max_size=2 * n))
    dataset = TensorDataset(tt.arange(n) * 10)
    subset = Subset(dataset, indices)
    assert len(subset) == len(indices)
    for k, i in enumerate(indices):
        assert subset[k][0].item() == 10 * i


def _indices_of(subset) -> list[int]:
    """The dataset indices a subset covers, read through __getitem__ of an arange dataset."""
    return [int(subset[k][0].item()) for k in range(len(subset))]


@pytest.mark.points(3, hint="cut ONE permutation into consecutive pieces")
@given(lengths=st.lists(st.integers(0, 8), min_size=1, max_size=5), seed=st.integers(0, 2**31))
def test_random_split_partitions_the_dataset(lengths, seed):
    """random_split with counts gives subsets of exactly those sizes that cover every index once."""
    n = sum(lengths)
    dataset = TensorDataset(tt.arange(n))
    parts = random_split(dataset, lengths, seed=seed)
    assert [len(p) for p in parts] == lengths
    covered = [i for p in parts for i in _indices_of(p)]
    assert sorted(covered) == list(range(n))


@pytest.mark.points(2, hint="floor(n * f) each, then the remainder one by one from the first")
@given(
    n=st.integers(0, 50),
    weights=st.lists(st.integers(1, 10), min_size=1, max_size=5),
)
def test_random_split_fractions_follow_pytorch(n, weights):
    """Fractions that sum to 1 become floor(n*f) samples each, remainder round-robin from index 0."""
    fractions = [w / sum(weights) for w in weights]
    expected = [math.floor(n * f) for f in fractions]
    for i in range(n - sum(expected)):
        expected[i % len(expected)] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an empty split warns; that is tested below
        parts = random_split(TensorDataset(tt.arange(n)), fractions, seed=0)
    assert [len(p) for p in parts] == expected
    assert [len(p) for p in random_split(TensorDataset(tt.arange(5)), [0.5, 0.5], seed=0)] == [3, 2]


@pytest.mark.points(1)
@given(n=st.integers(10, 30), seed=st.integers(0, 2**31))
def test_random_split_is_reproducible(n, seed):
    """The same seed (or generator seed, or global seed) gives the same split; another seed another."""
    dataset = TensorDataset(tt.arange(n))
    first = [_indices_of(p) for p in random_split(dataset, [n // 2, n - n // 2], seed=seed)]
    again = [_indices_of(p) for p in random_split(dataset, [n // 2, n - n // 2], seed=seed)]
    rng = np.random.default_rng(seed)
    with_generator = [_indices_of(p) for p in random_split(dataset, [n // 2, n - n // 2], rng)]
    other = [_indices_of(p) for p in random_split(dataset, [n // 2, n - n // 2], seed=seed + 1)]
    assert first == again == with_generator
    assert first != other
    tt.manual_seed(seed)
    global_a = [_indices_of(p) for p in random_split(dataset, [n // 2, n - n // 2])]
    tt.manual_seed(seed)
    global_b = [_indices_of(p) for p in random_split(dataset, [n // 2, n - n // 2])]
    assert global_a == global_b


@pytest.mark.points(
    1,
    hint="PyTorch's words: 'Sum of input lengths does not equal the length of the input dataset!'",
)
def test_random_split_rejects_bad_lengths():
    """Counts that do not add up to len(dataset), and fractions outside [0, 1], are rejected."""
    dataset = TensorDataset(tt.arange(10))
    assert [len(p) for p in random_split(dataset, [7, 3], seed=0)] == [7, 3]
    with pytest.raises(ValueError, match=r"Sum of input lengths.*10"):
        random_split(dataset, [7, 4], seed=0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        random_split(dataset, [1.5, -0.5], seed=0)
    with pytest.warns(UserWarning, match="index 1 is 0"):
        random_split(TensorDataset(tt.arange(1)), [1.0, 0.0], seed=0)

# Generated from solutions/tests/stage_08/test_dataloader.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: the DataLoader visits every sample once per epoch, in seeded batches."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.data import DataLoader, TensorDataset

loader_options = st.fixed_dictionaries(
    {
        "n": st.integers(1, 40),
        "batch_size": st.integers(1, 12),
        "shuffle": st.booleans(),
        "drop_last": st.booleans(),
        "seed": st.integers(0, 2**31),
    }
)


def index_dataset(n: int) -> TensorDataset:
    """Sample i is (i, 2i as float32): one can read back which samples a batch holds."""
    ids = tt.arange(n)
    return TensorDataset(ids, ids.float() * 2)


def epoch(loader) -> list[list[int]]:
    """The sample ids of each batch of one pass over ``loader`` (checking each batch's pairing)."""
    batches = []
    for ids, doubled in loader:
        np.testing.assert_array_equal(doubled.numpy(), ids.numpy() * 2)
        batches.append(ids.numpy().tolist())
    return batches


@pytest.mark.points(3, hint="each epoch is ONE permutation of range(len(dataset)), cut in pieces")
@given(loader_options)
def test_every_sample_appears_exactly_once_per_epoch(options):
    """Over an epoch every sample comes exactly once (with drop_last: all but n % batch_size)."""
    n, b = options["n"], options["batch_size"]
    loader = DataLoader(
        index_dataset(n),
        b,
        options["shuffle"],
        drop_last=options["drop_last"],
        seed=options["seed"],
    )
    for _ in range(2):
        seen = [i for batch in epoch(loader) for i in batch]
        if options["drop_last"]:
            assert len(seen) == n - n % b
            assert len(set(seen)) == len(seen) and set(seen) <= set(range(n))
        else:
            assert sorted(seen) == list(range(n))
        if not options["shuffle"]:
            assert seen == list(range(len(seen)))


@pytest.mark.points(2)
@given(loader_options)
def test_batch_sizes_and_len_are_exact(options):
    """len(loader) is ceil(n/b) (floor with drop_last); all batches are full but maybe the last."""
    n, b, drop_last = options["n"], options["batch_size"], options["drop_last"]
    loader = DataLoader(
        index_dataset(n), batch_size=b, shuffle=options["shuffle"], drop_last=drop_last
    )
    expected_len = n // b if drop_last else math.ceil(n / b)
    assert len(loader) == expected_len
    sizes = [len(batch) for batch in epoch(loader)]
    assert len(sizes) == expected_len
    expected = [b] * (n // b) + ([] if drop_last or n % b == 0 else [n % b])
    assert sizes == expected


@pytest.mark.points(2, hint="drop the END of this epoch's permutation, not random samples")
@given(loader_options)
def test_drop_last_drops_the_tail_of_the_permutation(options):
    """With drop_last, an epoch is the same seeded order without its final short batch."""
    n, b, seed = options["n"], options["batch_size"], options["seed"]
    full = DataLoader(index_dataset(n), b, shuffle=True, seed=seed)
    dropped = DataLoader(index_dataset(n), b, shuffle=True, drop_last=True, seed=seed)
    for _ in range(2):
        whole = [i for batch in epoch(full) for i in batch]
        kept = [i for batch in epoch(dropped) for i in batch]
        assert kept == whole[: n - n % b]


@pytest.mark.points(2, hint="draw the permutation from a generator made once, in __init__")
@given(n=st.integers(20, 40), batch_size=st.integers(1, 8), seed=st.integers(0, 2**31))
def test_same_seed_same_orders_and_epochs_differ(n, batch_size, seed):
    """Two loaders with one seed replay the same epochs; epochs differ; another seed differs."""
    first = DataLoader(index_dataset(n), batch_size, shuffle=True, seed=seed)
    second = DataLoader(index_dataset(n), batch_size, shuffle=True, seed=seed)
    other = DataLoader(index_dataset(n), batch_size, shuffle=True, seed=seed + 1)
    epochs_first = [epoch(first) for _ in range(3)]
    epochs_second = [epoch(second) for _ in range(3)]
    assert epochs_first == epochs_second
    assert epochs_first[0] != epochs_first[1] != epochs_first[2]
    assert epoch(other) != epochs_first[0]
    generator = DataLoader(
        index_dataset(n), batch_size, shuffle=True, generator=np.random.default_rng(seed)
    )
    assert epoch(generator) == epochs_first[0]


@pytest.mark.points(1, hint="with no seed or generator, permute with default_generator()")
@given(seed=st.integers(0, 2**31))
def test_unseeded_shuffle_follows_the_global_seed(seed):
    """Without seed=, tinytorch.manual_seed fixes the shuffled order."""
    loader = DataLoader(index_dataset(30), batch_size=7, shuffle=True)
    tt.manual_seed(seed)
    a = [epoch(loader) for _ in range(2)]
    tt.manual_seed(seed)
    b = [epoch(loader) for _ in range(2)]
    assert a == b
    assert a[0] != a[1]


@pytest.mark.points(1, hint="a permutation drawn uniformly puts each sample first equally often")
def test_shuffle_is_uniform():
    """Over many epochs each of 6 samples leads an epoch about equally often (a chi-square check)."""
    loader = DataLoader(index_dataset(6), batch_size=6, shuffle=True, seed=1986)
    firsts = np.bincount([epoch(loader)[0][0] for _ in range(1200)], minlength=6)
    chi2 = float(((firsts - 200.0) ** 2 / 200.0).sum())
    assert chi2 < 25.0, firsts  # 5 degrees of freedom: P(chi2 > 25) < 0.0002


@pytest.mark.points(1)
def test_collate_fn_receives_the_list_of_samples():
    """A custom collate_fn gets each batch as the list of dataset[i] samples, in order."""
    loader = DataLoader(list(range(10)), batch_size=4, collate_fn=lambda samples: samples)
    assert list(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    dicts = [{"id": i, "name": str(i)} for i in range(5)]
    batches = list(DataLoader(dicts, batch_size=5))
    assert batches[0]["name"] == ["0", "1", "2", "3", "4"]
    assert batches[0]["id"].numpy().tolist() == [0, 1, 2, 3, 4]


@pytest.mark.points(1)
def test_loader_rejects_bad_arguments():
    """A non-positive batch size, or both seed and generator, are rejected with a clear message."""
    assert len(DataLoader(index_dataset(5), batch_size=2)) == 3
    with pytest.raises(ValueError, match=r"positive integer.*batch_size=0"):
        DataLoader(index_dataset(5), batch_size=0)
    with pytest.raises(ValueError, match="seed or a generator"):
        DataLoader(index_dataset(5), shuffle=True, seed=1, generator=np.random.default_rng(1))
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(iter(range(5)))

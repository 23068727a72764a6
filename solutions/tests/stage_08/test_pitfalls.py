"""Stage 08: exact cases for mistakes that the property tests can miss (in-place transforms,
when an epoch's order is drawn)."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.data import DataLoader, TensorDataset
from tinytorch.data import transforms as T
from tinytorch_testing import assert_close


@pytest.mark.points(1, hint="inplace=True writes into the given array and returns that same object")
def test_normalize_inplace_overwrites_and_returns_its_input():
    """Normalize(inplace=True) writes the result into the given image and returns that very
    object (tensor or array); inplace=False leaves the input untouched."""
    image = np.arange(12, dtype=np.float32).reshape(3, 2, 2)
    expected = (image - np.array([1.0, 5.0, 9.0], np.float32).reshape(3, 1, 1)) / np.float32(2.0)
    for wrap in (tt.tensor, np.array):
        given_image = wrap(image.copy())
        out = T.Normalize([1.0, 5.0, 9.0], [2.0], inplace=True)(given_image)
        assert out is given_image, "inplace=True must return the very object it was given"
        assert_close(given_image, expected)
        untouched = wrap(image.copy())
        out = T.Normalize([1.0, 5.0, 9.0], [2.0])(untouched)
        assert out is not untouched
        assert_close(untouched, image)
        assert_close(out, expected)


def ids_of(iterator) -> list[int]:
    return [i for ids, _ in iterator for i in ids.numpy().tolist()]


@pytest.mark.points(
    2, hint="draw the epoch's permutation in __iter__ itself, before the first batch"
)
def test_each_epoch_order_is_drawn_when_iter_is_called():
    """An epoch's order is fixed when iter(loader) is called, not when its first batch is
    taken: two iterators made one after the other are epochs 1 and 2 in that order, and
    re-seeding the global generator after iter() changes nothing."""
    ids = tt.arange(12)
    dataset = TensorDataset(ids, ids.float())
    seeded = DataLoader(dataset, batch_size=5, shuffle=True, seed=8)
    reference = DataLoader(dataset, batch_size=5, shuffle=True, seed=8)
    epoch1, epoch2 = ids_of(reference), ids_of(reference)
    first, second = iter(seeded), iter(seeded)
    assert ids_of(second) == epoch2, "the second iterator must hold the second epoch's order"
    assert ids_of(first) == epoch1

    unseeded = DataLoader(dataset, batch_size=5, shuffle=True)
    tt.manual_seed(1)
    expected = ids_of(unseeded)
    tt.manual_seed(1)
    iterator = iter(unseeded)
    tt.manual_seed(2)
    assert ids_of(iterator) == expected

# Generated from solutions/tests/stage_08/test_pitfalls.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: exact cases for mistakes that the property tests can miss (in-place transforms,
when an epoch's order is drawn)."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.data import DataLoader, TensorDataset, random_split
from tinytorch.data import transforms as T
from tinytorch.datasets.cifar import decode_batch
from tinytorch.datasets.mnist import read_idx
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


@pytest.mark.points(2, hint="pad_if_needed pads BOTH sides by the whole shortfall, as torchvision")
def test_random_crop_pads_a_small_image_when_needed():
    """RandomCrop((5, 4), pad_if_needed=True) on a 3x3 image pads 2 rows and 1 column on each
    side (torchvision's rule) and cuts a window of that padded image, each of the 3 x 2
    possible windows for some seed; a crop too big in one dimension alone is a ValueError."""
    image = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3)
    padded = np.pad(image, ((0, 0), (2, 2), (1, 1)))
    windows = {(i, j): padded[:, i : i + 5, j : j + 4] for i in range(3) for j in range(2)}
    seen = set()
    for seed in range(40):
        out = T.RandomCrop((5, 4), pad_if_needed=True, seed=seed)(image)
        assert out.shape == (1, 5, 4)
        matches = [key for key, window in windows.items() if np.array_equal(out, window)]
        assert matches, f"seed {seed}: the crop is not a window of the padded image"
        seen.update(matches)
    assert len(seen) == 6, f"windows reached: {sorted(seen)}"
    # padding comes first; only a remaining shortfall is padded, on the dimension that has one
    # padding=1 makes it 5x5; the crop needs 7 rows: 2 more rows on each side, no columns
    padded = np.pad(image, ((0, 0), (3, 3), (1, 1)))
    windows = [padded[:, i : i + 7, :] for i in range(3)]
    out = T.RandomCrop((7, 5), padding=1, pad_if_needed=True, seed=0)(image)
    assert out.shape == (1, 7, 5) and any(np.array_equal(out, w) for w in windows)
    rows, cols = np.pad(image, ((0, 0), (2, 2), (0, 0))), np.pad(image, ((0, 0), (0, 0), (2, 2)))
    for seed in range(8):  # a dimension without a shortfall is not padded
        tall = T.RandomCrop((5, 3), pad_if_needed=True, seed=seed)(image)
        assert any(np.array_equal(tall, rows[:, i : i + 5, :]) for i in range(3)), tall
        wide = T.RandomCrop((3, 5), pad_if_needed=True, seed=seed)(image)
        assert any(np.array_equal(wide, cols[:, :, j : j + 5]) for j in range(3)), wide
    for size in ((4, 2), (2, 4)):
        with pytest.raises(ValueError, match="larger than"):
            T.RandomCrop(size)(image)
    assert T.RandomCrop((2, 2), seed=0)(image).shape == (1, 2, 2)


@pytest.mark.points(1, hint="fractions that add up to 1 become counts; any bad length is an error")
def test_random_split_takes_fractions_and_refuses_any_bad_length():
    """random_split takes fractions adding up to 1 (turned into counts) and refuses a list
    with any negative or non-integer count, even when the others are fine."""
    ids = tt.arange(10)
    dataset = TensorDataset(ids, ids.float())
    parts = random_split(dataset, [0.3, 0.7], seed=0)
    assert [len(part) for part in parts] == [3, 7]
    with pytest.raises(ValueError, match="index 0"):
        random_split(dataset, [1.5, -0.5], seed=0)
    for lengths in ([5, -1, 6], [4.5, 5.5], [2, 3.5, 4.5]):
        with pytest.raises(ValueError, match="lengths"):
            random_split(dataset, lengths, seed=0)
    assert sorted(i for part in random_split(dataset, [4, 6], seed=1) for i, _ in part) == list(
        range(10)
    )


@pytest.mark.points(1, hint="every tensor needs a first (sample) dimension, not just one of them")
def test_tensor_dataset_refuses_a_scalar_among_its_tensors():
    """TensorDataset refuses a 0-d tensor even when the other tensors are fine."""
    with pytest.raises(ValueError):
        TensorDataset(tt.arange(3), tt.tensor(1.0))
    assert len(TensorDataset(tt.arange(3), tt.ones(3))) == 3


@pytest.mark.points(1, hint="check the length before reading the 4 magic bytes")
def test_idx_files_too_short_or_without_two_zero_bytes_are_refused():
    """An IDX file shorter than its 4 magic bytes, or whose second byte is not zero, is a
    ValueError; a 4-byte header without its sizes is refused as a short header."""
    for data in (b"", b"\x00\x00\x08", b"\x00\x01\x08\x01" + bytes(8)):
        with pytest.raises(ValueError, match="two zero bytes"):
            read_idx(data)
    with pytest.raises(ValueError, match="IDX header"):
        read_idx(b"\x00\x00\x08\x01")
    assert read_idx(b"\x00\x00\x08\x01" + (2).to_bytes(4, "big") + b"\x05\x06").tolist() == [5, 6]


@pytest.mark.points(1, hint="check both keys and both ends of the label range")
def test_cifar_batches_need_both_keys_and_labels_in_range():
    """A CIFAR-10 batch without 'labels' (or without 'data'), or with a label below 0, is a
    ValueError; a valid one decodes."""
    data = np.zeros((2, 3072), np.uint8)
    for entry in ({"data": data}, {"labels": [0, 1]}, {"data": data, "labels": [-1, 3]}):
        with pytest.raises(ValueError):
            decode_batch(entry)
    images, labels = decode_batch({"data": data, "labels": [0, 9]})
    assert images.shape == (2, 32, 32, 3) and labels.tolist() == [0, 9]

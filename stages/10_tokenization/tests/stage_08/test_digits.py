# Generated from solutions/tests/stage_08/test_digits.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: the shipped digits data set."""

import hashlib

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.data import DataLoader, transforms
from tinytorch.datasets import DatasetFileError, Digits, load_digits
from tinytorch.datasets.digits import DIGITS_PATH


@pytest.mark.points(2, hint="pixels are 0..16: divide by 16, and add the channel axis")
def test_digits_items_are_scaled_images_and_int_labels():
    """Digits has 1437/360 items; each is a float32 (1, 8, 8) image in [0, 1] and an int label."""
    train, test = Digits(train=True), Digits(train=False)
    assert (len(train), len(test)) == (1437, 360)
    for dataset in (train, test):
        raw = dataset.data.numpy()
        for i in (0, 1, len(dataset) // 2, len(dataset) - 1, -1):
            image, label = dataset[i]
            assert isinstance(image, tt.Tensor) and image.shape == (1, 8, 8)
            assert image.dtype == np.float32
            assert image.numpy().min() >= 0.0 and image.numpy().max() <= 1.0
            np.testing.assert_allclose(image.numpy()[0] * 16, raw[i], atol=1e-5)
            assert type(label) is int and label == int(dataset.targets.numpy()[i])
    with pytest.raises(IndexError):
        train[len(train)]


@pytest.mark.points(1)
def test_digits_applies_transform_and_target_transform():
    """transform sees each image and target_transform each label."""
    plain = Digits(train=False)
    shifted = Digits(
        train=False,
        transform=transforms.Normalize([0.5], [0.5]),
        target_transform=lambda y: y + 100,
    )
    image, label = plain[5]
    image2, label2 = shifted[5]
    np.testing.assert_allclose(image2.numpy(), (image.numpy() - 0.5) / 0.5, atol=1e-6)
    assert label2 == label + 100


@pytest.mark.points(2)
def test_digits_split_is_stratified_and_batches_load():
    """Every class is 0.2 of the test split (within one image) and a loader yields (B, 1, 8, 8)."""
    labels = {}
    for train in (True, False):
        dataset = Digits(train=train)
        labels[train] = np.array([dataset[i][1] for i in range(len(dataset))])
    total = np.bincount(np.concatenate(list(labels.values())), minlength=10)
    test_counts = np.bincount(labels[False], minlength=10)
    assert np.all(np.abs(test_counts - 0.2 * total) <= 1.0), test_counts
    images, targets = next(iter(DataLoader(Digits(), batch_size=32, shuffle=True, seed=0)))
    assert images.shape == (32, 1, 8, 8) and images.dtype == np.float32
    assert targets.shape == (32,) and targets.dtype == np.int64


@pytest.mark.points(1)
def test_digits_file_is_checksum_verified(tmp_path):
    """A modified or missing digits file is refused with a message naming the file."""
    assert Digits(train=False)[0][0].shape == (1, 8, 8)
    damaged = tmp_path / "digits.npz"
    data = bytearray(DIGITS_PATH.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(DatasetFileError, match=r"digits\.npz is corrupt.*SHA-256"):
        load_digits(damaged)
    with pytest.raises(FileNotFoundError, match=r"missing.*build_digits\.py"):
        load_digits(tmp_path / "absent.npz")


@pytest.mark.points(1, hint="the given load_digits checks shapes and ranges after the checksum")
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda a: a.update(train_images=a["train_images"][:, :7]), r"\(N, 8, 8\).*\(1437, 7, 8\)"),
        (lambda a: a.update(test_images=a["test_images"].astype(np.float64)), "uint8.*float64"),
        (lambda a: a["train_images"].__setitem__((0, 0, 0), 17), r"0\.\.16, found 17"),
        (lambda a: a.update(test_labels=a["test_labels"][:-1]), r"360 integers.*\(359,\)"),
        (lambda a: a["train_labels"].__setitem__(3, 10), r"0\.\.9, found 0\.\.10"),
    ],
    ids=["image_shape", "image_dtype", "pixel_range", "label_count", "label_range"],
)
def test_digits_file_with_a_matching_checksum_is_still_validated(tmp_path, change, reason):
    """A file whose SHA-256 matches what the caller passed, but whose arrays have the wrong
    shape, dtype, pixel range or label range, is refused with a DatasetFileError naming the
    array and what is wrong, before any image reaches a model."""
    image, label = Digits(train=False)[0]
    assert image.shape == (1, 8, 8) and 0 <= label <= 9
    arrays = {name: array.copy() for name, array in load_digits().items()}
    change(arrays)
    path = tmp_path / "digits.npz"
    np.savez(path, **arrays)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DatasetFileError, match=reason):
        load_digits(path, sha256)

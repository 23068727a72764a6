"""Digits: 1,797 handwritten digits of 8x8 pixels, shipped with the course (no download).

Provenance and license
    "Optical Recognition of Handwritten Digits" (E. Alpaydin and C. Kaynak, 1998), from the UCI
    Machine Learning Repository (https://archive.ics.uci.edu/dataset/80), in the copy that
    scikit-learn distributes as ``sklearn.datasets.load_digits`` (BSD-3-Clause; UCI publishes
    the data set under CC BY 4.0). 43 people filled in forms; each 32x32 bitmap of a digit was
    reduced to 8x8 by counting the "on" pixels in each 4x4 block, so pixels are integers 0..16.

The course ships it as ``digits.npz`` next to this module, built by ``scripts/build_digits.py``
with a fixed split stratified by class: 1,437 training and 360 test images. Its SHA-256 is
recorded below and checked on every load, so a damaged file is reported, never used.

Small as it is, the set is a real benchmark: a linear classifier already gets most test images
right, and the errors it leaves are what a hidden layer trained by backpropagation (milestone
1986) and a convolution (milestone 1998) take away.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import ClassVar

import numpy as np

from tinytorch import dtypes
from tinytorch.data.dataset import Dataset
from tinytorch.datasets.utils import DatasetFileError, read_shipped
from tinytorch.tensor import Tensor

#: The shipped file and its SHA-256 (``scripts/build_digits.py`` prints it when rebuilding).
DIGITS_PATH = Path(__file__).with_name("digits.npz")
DIGITS_SHA256 = "74dbcc5df76ba33bbfa7fbb5ccd895ece59536e63fc4acfc6683066d23477483"

#: The largest pixel value: each pixel counts the "on" pixels of a 4x4 block.
MAX_PIXEL = 16

_ARRAYS = ("train_images", "train_labels", "test_images", "test_labels")
_REBUILD = (
    "It ships with tinytorch: restore it from the course repository, or rebuild it with "
    "scripts/build_digits.py."
)


def load_digits(
    path: str | Path = DIGITS_PATH, sha256: str = DIGITS_SHA256
) -> dict[str, np.ndarray]:
    """The arrays of the digits file, after checking its SHA-256.

    Returns:
        ``train_images`` (1437, 8, 8) and ``test_images`` (360, 8, 8) as uint8 in 0..16, and
        ``train_labels`` / ``test_labels`` as uint8 in 0..9.

    Raises:
        FileNotFoundError: the file is missing.
        DatasetFileError: its checksum does not match, it lacks an expected array, or an
            array has the wrong shape, dtype or range (checked even when the checksum
            matches: a caller may pass the SHA-256 of a file of their own).
    """
    path = Path(path)
    data = read_shipped(path, sha256, "the digits file", _REBUILD)
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        missing = [name for name in _ARRAYS if name not in archive.files]
        if missing:
            raise DatasetFileError(f"{path} lacks the arrays {missing}. {_REBUILD}")
        arrays = {name: archive[name] for name in _ARRAYS}
    for split in ("train", "test"):
        _check_split(path, split, arrays[f"{split}_images"], arrays[f"{split}_labels"])
    return arrays


def _check_split(path: Path, split: str, images: np.ndarray, labels: np.ndarray) -> None:
    """Raise DatasetFileError unless ``images`` are uint8 (N, 8, 8) in 0..16 and ``labels``
    N integers in 0..9."""
    problem = None
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (8, 8):
        problem = (
            f"{split}_images must be uint8 of shape (N, 8, 8), got {images.dtype} {images.shape}"
        )
    elif images.size and images.max() > MAX_PIXEL:
        problem = f"{split}_images must be in 0..{MAX_PIXEL}, found {images.max()}"
    elif labels.dtype.kind not in "iu" or labels.shape != (len(images),):
        problem = (
            f"{split}_labels must be {len(images)} integers (one per image), got {labels.dtype} "
            f"of shape {labels.shape}"
        )
    elif labels.size and (labels.min() < 0 or labels.max() > 9):
        problem = f"{split}_labels must be in 0..9, found {labels.min()}..{labels.max()}"
    if problem:
        raise DatasetFileError(f"{path} is not a digits file: {problem}. {_REBUILD}")


class Digits(Dataset):
    """The shipped 8x8 digits: ``digits[i]`` is ``(image, label)``.

    Args:
        train: the 1,437 training images, or (False) the 360 test images.
        transform: applied to each image, e.g. ``transforms.Normalize``.
        target_transform: applied to each label.

    Each image is a float32 Tensor of shape ``(1, 8, 8)`` (one channel, as a CNN wants it)
    with pixels scaled from 0..16 to [0, 1]; each label is a Python int 0..9, as in
    torchvision. ``data`` holds all raw images (uint8 Tensor ``(N, 8, 8)``, 0..16) and
    ``targets`` all labels (int64 Tensor ``(N,)``), for code that wants them at once.
    """

    classes: ClassVar[list[str]] = [str(digit) for digit in range(10)]

    def __init__(self, train: bool = True, transform=None, target_transform=None) -> None:
        arrays = load_digits()
        split = "train" if train else "test"
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        self.data = Tensor._wrap(arrays[f"{split}_images"].copy())
        self.targets = Tensor._wrap(arrays[f"{split}_labels"].astype(dtypes.int64))

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int):
        image = Tensor._wrap(self.data.data[index][None].astype(dtypes.float32) / MAX_PIXEL)
        label = int(self.targets.data[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return f"Digits({split}, {len(self)} images of 1x8x8, 10 classes)"

#!/usr/bin/env python3
"""Rebuild ``solutions/tinytorch/datasets/digits.npz``, the digits data set the course ships.

    python3 -m venv /tmp/skvenv && /tmp/skvenv/bin/pip install scikit-learn numpy
    /tmp/skvenv/bin/python scripts/build_digits.py            # write the file, print its sha256
    /tmp/skvenv/bin/python scripts/build_digits.py --check    # compare with the shipped file

Provenance and license
    The data are the 1,797 8x8 handwritten digits of the "Optical Recognition of Handwritten
    Digits" data set (E. Alpaydin and C. Kaynak, 1998, UCI Machine Learning Repository,
    https://archive.ics.uci.edu/dataset/80), in the copy scikit-learn distributes as
    ``sklearn.datasets.load_digits`` (the UCI test set; scikit-learn is BSD-3-Clause licensed,
    UCI publishes the data set under CC BY 4.0). Each pixel counts the "on" pixels of a 4x4 block
    of a 32x32 bitmap, so values are integers 0..16. scikit-learn reads its copy from a file
    inside its own package: no network is used.

What the file holds (a zip of .npy arrays, readable with ``np.load(..., allow_pickle=False)``)
    train_images (1437, 8, 8) uint8, train_labels (1437,) uint8, and test_images (360, 8, 8),
    test_labels (360,): a fixed split, stratified by class (each digit contributes the same
    fraction, within one image, to the test set) and drawn with seed ``SPLIT_SEED``.
    train_index / test_index (int16) say where each image sits in scikit-learn's order.

The zip is written deterministically (fixed timestamps, sorted names), so a rebuild gives the
same bytes as long as zlib compresses the same way; ``--check`` compares the arrays themselves
too, so a different zlib shows up as "same data, different bytes". scikit-learn is only needed
here: the course loads the shipped file with NumPy alone and verifies its sha256, which is
recorded as ``DIGITS_SHA256`` in ``solutions/tinytorch/datasets/digits.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "solutions" / "tinytorch" / "datasets" / "digits.npz"
MODULE = ROOT / "solutions" / "tinytorch" / "datasets" / "digits.py"
SPLIT_SEED = 1986
TEST_SIZE = 360
#: 1980-01-01, the earliest time a zip entry can record: no build time leaks into the file.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def load_source() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits as (images uint8 (1797, 8, 8), labels uint8 (1797,)), checked."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        sys.exit("scikit-learn is needed to rebuild the digits file; see this script's docstring")
    digits = load_digits()
    images, labels = digits.images, digits.target
    if images.shape != (1797, 8, 8) or labels.shape != (1797,):
        sys.exit(f"unexpected digits shapes {images.shape} and {labels.shape}")
    if not np.array_equal(images, np.round(images)) or images.min() < 0 or images.max() > 16:
        sys.exit("digits pixels are expected to be integers in 0..16")
    if set(np.unique(labels)) != set(range(10)):
        sys.exit("digits labels are expected to be the ten classes 0..9")
    return images.astype(np.uint8), labels.astype(np.uint8)


def stratified_split(
    labels: np.ndarray, test_size: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test), each sorted: every class gives its share of ``test_size``.

    Shares are ``test_size * class_count / n`` rounded by largest remainder, so they add up to
    exactly ``test_size``; which images of a class go to the test set is drawn with ``seed``.
    """
    rng = np.random.default_rng(seed)
    counts = np.bincount(labels)
    exact = test_size * counts / labels.size
    share = np.floor(exact).astype(int)
    short = test_size - share.sum()
    share[np.argsort(-(exact - share), kind="stable")[:short]] += 1
    test = np.concatenate(
        [rng.permutation(np.flatnonzero(labels == c))[:k] for c, k in enumerate(share)]
    )
    test = np.sort(test)
    train = np.setdiff1d(np.arange(labels.size), test)
    return train, test


def build_arrays() -> dict[str, np.ndarray]:
    images, labels = load_source()
    train, test = stratified_split(labels, TEST_SIZE, SPLIT_SEED)
    return {
        "train_images": images[train],
        "train_labels": labels[train],
        "test_images": images[test],
        "test_labels": labels[test],
        "train_index": train.astype(np.int16),
        "test_index": test.astype(np.int16),
    }


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A compressed .npz, byte for byte the same for the same arrays (and the same zlib)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(
                member, np.ascontiguousarray(arrays[name]), allow_pickle=False
            )
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    return buffer.getvalue()


def recorded_sha256() -> str | None:
    """The sha256 the loader expects, as written in the datasets module (None if absent)."""
    text = MODULE.read_text(encoding="utf-8") if MODULE.is_file() else ""
    match = re.search(r'^DIGITS_SHA256 = "([0-9a-f]{64})"', text, re.M)
    return match.group(1) if match else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the shipped file, write nothing"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the .npz")
    args = parser.parse_args(argv)

    arrays = build_arrays()
    data = npz_bytes(arrays)
    digest = hashlib.sha256(data).hexdigest()
    counts = np.bincount(arrays["test_labels"], minlength=10)
    print(f"train {len(arrays['train_labels'])} images, test {len(arrays['test_labels'])}")
    print(f"test images per class: {counts.tolist()}")
    print(f"{len(data)} bytes, sha256 {digest}")

    if args.check:
        shipped = args.output.read_bytes()
        with np.load(io.BytesIO(shipped), allow_pickle=False) as old:
            same_data = set(old.files) == set(arrays) and all(
                old[k].dtype == v.dtype and np.array_equal(old[k], v) for k, v in arrays.items()
            )
        same_bytes = shipped == data
        print(f"shipped file: same data {same_data}, same bytes {same_bytes}")
        print(f"sha256 recorded in {MODULE.relative_to(ROOT)}: {recorded_sha256()}")
        return 0 if same_data and recorded_sha256() == hashlib.sha256(shipped).hexdigest() else 1

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output}")
    if recorded_sha256() != digest:
        print(f'now set DIGITS_SHA256 = "{digest}" in {MODULE.relative_to(ROOT)}')
    return 0


if __name__ == "__main__":
    sys.exit(main())

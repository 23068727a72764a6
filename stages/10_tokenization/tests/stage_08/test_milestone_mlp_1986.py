# Generated from solutions/tests/stage_08/test_milestone_mlp_1986.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Milestone 1986: an MLP trained by backpropagation reads handwritten digits."""

import gzip
import hashlib
import struct

import numpy as np
import pytest

from milestones import mlp_1986
from tinytorch.datasets import DatasetFileError, load_digits


@pytest.mark.milestone
@pytest.mark.points(5, hint="every part of stage 08 runs here: dataset, Normalize, DataLoader")
def test_mlp_1986_reaches_97_percent_on_digits():
    """Milestone 1986: the MLP gets at least 97 % of the 360 held-out digits right."""
    result = mlp_1986.main([])
    assert result["dataset"] == "digits"
    assert result["test_accuracy"] >= mlp_1986.TARGET
    losses = [record["loss"] for record in result["history"]]
    assert losses[-1] < losses[0]


def write_mnist_lookalike(root) -> dict[str, str]:
    """MNIST-format files (28x28, 0..255) made from the digits: each pixel becomes 3x3, padded."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    arrays = load_digits()
    checksums = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = np.kron(arrays[f"{split}_images"], np.ones((3, 3), np.uint8))
        images = np.pad(images, ((0, 0), (2, 2), (2, 2))).astype(np.float64) * (255 / 16)
        for kind, array in (
            ("images", np.round(images).astype(np.uint8)),
            ("labels", arrays[f"{split}_labels"]),
        ):
            header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
            header += struct.pack(f">{array.ndim}I", *array.shape)
            data = gzip.compress(header + array.tobytes(), mtime=0)
            name = f"{prefix}-{kind}-idx{array.ndim}-ubyte.gz"
            (raw / name).write_bytes(data)
            checksums[name] = hashlib.md5(data).hexdigest()
    return checksums


@pytest.mark.milestone
@pytest.mark.points(2)
def test_mlp_1986_trains_on_mnist_files(tmp_path, monkeypatch):
    """The milestone's MNIST path reads official-format files (a 28x28 lookalike) and learns."""
    checksums = write_mnist_lookalike(tmp_path)
    result = mlp_1986.run("mnist", tmp_path, epochs=3, checksums=checksums, log=lambda *_: None)
    assert result["dataset"] == "mnist"
    assert result["test_accuracy"] >= 0.9
    monkeypatch.setenv(mlp_1986.MNIST_ENV, str(tmp_path))
    with pytest.raises(
        DatasetFileError, match="MD5"
    ):  # the env var is honoured; official MD5s apply
        mlp_1986.main(["--epochs", "1"])

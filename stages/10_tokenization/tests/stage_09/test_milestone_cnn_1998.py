# Generated from solutions/tests/stage_09/test_milestone_cnn_1998.py by scripts/build_stages.py: a regression check from stage 09.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Milestone 1998: a LeNet-style CNN reads the digits; its CIFAR-10 version runs on real-format files."""

import hashlib
import math
import pickle

import numpy as np
import pytest

from milestones import cnn_1998, cnn_cifar10_1998
from tinytorch.datasets import DatasetFileError


@pytest.mark.milestone
@pytest.mark.points(5, hint="every layer of this stage trains here: Conv2d, BatchNorm2d, MaxPool2d")
def test_cnn_1998_reaches_98_percent_on_digits():
    """Milestone 1998: the CNN gets at least 98 % of the 360 held-out digits right."""
    result = cnn_1998.main([])
    assert result["test_accuracy"] >= cnn_1998.TARGET
    losses = [record["loss"] for record in result["history"]]
    assert losses[-1] < losses[0]


def write_cifar_batches(root, per_batch: int, seed: int = 0) -> dict[str, str]:
    """cifar-10-batches-py/ in the official format (pickled dicts of uint8 rows and labels),
    with images whose class shows as a bright square; returns the files' MD5 checksums."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    checksums = {}
    for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
        labels = rng.integers(0, 10, per_batch)
        images = rng.integers(0, 64, (per_batch, 3, 32, 32), dtype=np.uint8)
        for image, label in zip(images, labels, strict=True):
            image[label % 3, 3 * label : 3 * label + 6, 4:12] = 255
        entry = {b"batch_label": name.encode(), b"labels": labels.tolist()}
        entry[b"data"] = images.reshape(per_batch, 3072)
        data = pickle.dumps(entry)
        (folder / name).write_bytes(data)
        checksums[name] = hashlib.md5(data).hexdigest()
    names = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse",
             b"ship", b"truck"]  # fmt: skip
    meta = pickle.dumps({b"label_names": names, b"num_vis": 3072})
    (folder / "batches.meta").write_bytes(meta)
    checksums["batches.meta"] = hashlib.md5(meta).hexdigest()
    return checksums


@pytest.mark.milestone
@pytest.mark.points(2, hint="the CIFAR network is Conv2d/BatchNorm2d/MaxPool2d at 32x32 in colour")
def test_cnn_cifar10_script_runs_on_official_format_files(tmp_path, monkeypatch):
    """The CIFAR-10 script trains a few steps on batches written here in the official format."""
    checksums = write_cifar_batches(tmp_path, per_batch=16)
    lines = []
    result = cnn_cifar10_1998.run(
        tmp_path, epochs=2, batch_size=16, max_steps=2, checksums=checksums, log_every=1,
        log=lines.append,
    )  # fmt: skip
    assert len(result["history"]) == 2 and math.isfinite(result["loss"])
    assert 0.0 <= result["test_accuracy"] <= 1.0
    assert result["parameters"] == sum(p.numel() for p in cnn_cifar10_1998.vgg_small().parameters())
    assert any("step    2/2" in line for line in lines), "progress is printed every step asked"
    monkeypatch.delenv(cnn_cifar10_1998.CIFAR10_ENV, raising=False)
    with pytest.raises(SystemExit):  # no --root and no environment variable: a usage error
        cnn_cifar10_1998.main([])
    monkeypatch.setenv(cnn_cifar10_1998.CIFAR10_ENV, str(tmp_path))
    with pytest.raises(DatasetFileError, match="MD5"):  # the variable is honoured; real MD5s apply
        cnn_cifar10_1998.main(["--epochs", "1"])

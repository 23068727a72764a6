"""Milestone 1986: backpropagation teaches a multi-layer perceptron to read handwriting.

In 1986 Rumelhart, Hinton and Williams ("Learning representations by back-propagating
errors", Nature 323) showed that the chain rule, run backwards through a network, trains
*hidden* layers: the units between input and output learn features nobody designed. Seventeen
years after Minsky and Papert had shown what a single layer cannot do (milestone 1969), a
hidden layer trained this way could learn to read digits.

This script replays that result with everything you have built: the shipped digits
(``datasets.Digits``), standardized with the training set's own mean and deviation
(``transforms.Normalize``), served in seeded shuffled batches (``DataLoader``), a
``Linear -> ReLU -> Linear`` network, cross-entropy, ``AdamW`` and a cosine learning-rate
schedule, trained by your ``Trainer`` (stage 07). Each epoch prints its loss and accuracies
(the Trainer's ``val_`` values are measured on the test images); the run ends by checking the
target (97 % of the held-out test images right).

Run it from the stage folder::

    python -m milestones.mlp_1986                          # the shipped digits, a few seconds
    python -m milestones.mlp_1986 --mnist ~/data           # MNIST, files in ~/data/MNIST/raw/
    TINYTORCH_MNIST_ROOT=~/data python -m milestones.mlp_1986

MNIST is used only when you point the script at its files (``--download`` fetches them).
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.data import DataLoader, transforms
from tinytorch.datasets import MNIST, Digits
from tinytorch.training import Trainer, accuracy

#: The accuracy on held-out images the milestone must reach.
TARGET = 0.97
SEED = 1986
#: Environment variable naming the folder that holds MNIST/raw/ (instead of --mnist).
MNIST_ENV = "TINYTORCH_MNIST_ROOT"

#: Hyper-parameters per data set: a wider layer and bigger batches for MNIST's 60,000 images.
CONFIGS = {
    "digits": {"hidden": 128, "epochs": 20, "batch_size": 32, "lr": 1e-2},
    "mnist": {"hidden": 256, "epochs": 10, "batch_size": 128, "lr": 2e-3},
}


def channel_stats(dataset, batch_size: int = 2048) -> tuple[float, float]:
    """The mean and standard deviation of every pixel of ``dataset``, measured in one pass."""
    total = total_sq = count = 0.0
    for images, _ in DataLoader(dataset, batch_size=batch_size):
        x = images.numpy().astype(np.float64)
        total, total_sq, count = total + x.sum(), total_sq + (x * x).sum(), count + x.size
    mean = total / count
    return mean, math.sqrt(total_sq / count - mean * mean)


def load(name: str, root=None, download: bool = False, checksums=None):
    """(train, test) datasets of ``name``, both standardized with the training set's statistics."""
    if name == "digits":
        make = Digits
    else:

        def make(train, transform=None):
            return MNIST(root, train, transform, download=download, checksums=checksums)

    mean, std = channel_stats(make(train=True))
    normalize = transforms.Normalize([mean], [std])
    return make(train=True, transform=normalize), make(train=False, transform=normalize)


def mlp(in_features: int, hidden: int, classes: int = 10) -> nn.Module:
    """The 1986 network: one hidden layer of rectified units between pixels and class scores."""
    return nn.Sequential(
        nn.Flatten(), nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, classes)
    )


def epoch_records(history: dict[str, list]) -> list[dict]:
    """The Trainer's history (one list per quantity) as one record per epoch.

    The training loss is ``"loss"``; what the Trainer measured on its ``val_data`` (here the
    held-out test images) is ``"test_loss"`` and ``"test_accuracy"``.
    """
    rename = {"train_loss": "loss", "val_loss": "test_loss", "val_accuracy": "test_accuracy"}
    columns = {rename.get(key, key): values for key, values in history.items()}
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def run(
    name: str = "digits", root=None, *, epochs: int | None = None, download: bool = False,
    checksums=None, seed: int = SEED, log=print,
) -> dict:  # fmt: skip
    """Train and evaluate on ``name`` ("digits" or "mnist"); return the measured results."""
    config = dict(CONFIGS[name])
    epochs = epochs or config["epochs"]
    tt.manual_seed(seed)
    start = time.perf_counter()
    train_set, test_set = load(name, root, download, checksums)
    image = train_set[0][0]
    model = mlp(image.numel(), config["hidden"])
    optimizer = optim.AdamW(model.parameters(), lr=config["lr"])
    trainer = Trainer(
        model, optimizer, nn.CrossEntropyLoss(label_smoothing=0.1),
        scheduler=optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs),
        metrics={"accuracy": accuracy}, log=log,
    )  # fmt: skip
    params = sum(p.numel() for p in model.parameters())
    log(
        f"milestone 1986 on {name}: {len(train_set)} training and {len(test_set)} test images "
        f"of {tuple(image.shape)}, MLP {image.numel()}-{config['hidden']}-10 ({params} parameters)"
    )
    trainer.fit(
        DataLoader(train_set, config["batch_size"], shuffle=True, seed=seed),
        epochs,
        val_data=DataLoader(test_set, batch_size=1024),
    )
    history = epoch_records(trainer.history)
    final = {**history[-1], "seconds": time.perf_counter() - start}
    verdict = "reached" if final["test_accuracy"] >= TARGET else "MISSED"
    log(
        f"test accuracy {final['test_accuracy']:.2%} after {epochs} epochs in "
        f"{final['seconds']:.1f} s: target {TARGET:.0%} {verdict}"
    )
    return {"dataset": name, "history": history, **final}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description="Milestone 1986: an MLP trained by backpropagation."
    )
    parser.add_argument(
        "--mnist", metavar="ROOT", default=os.environ.get(MNIST_ENV),
        help=f"train on MNIST from ROOT/MNIST/raw/ (default: ${MNIST_ENV}, else the digits)",
    )  # fmt: skip
    parser.add_argument("--download", action="store_true", help="fetch MNIST into ROOT first")
    parser.add_argument("--epochs", type=int, default=None, help="override the number of epochs")
    args = parser.parse_args(argv)
    if args.mnist:
        return run("mnist", args.mnist, epochs=args.epochs, download=args.download)
    return run("digits", epochs=args.epochs)


if __name__ == "__main__":
    main()

"""Milestone 1998: a convolutional network reads handwritten digits.

In 1998 LeCun, Bottou, Bengio and Haffner ("Gradient-based learning applied to document
recognition", Proc. IEEE 86(11)) described LeNet-5: small learned kernels slid over the image
(convolutions), each followed by subsampling (pooling), then a few fully connected layers, all
trained end to end by backpropagation. Weight sharing gave the network a built-in prior, that a
stroke means the same thing wherever it appears, and made it the first neural network to read
real-world cheques and ZIP codes.

This script replays that design at the scale of the shipped 8x8 digits, with everything you
have built: two ``Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d`` blocks (8x8 -> 4x4 -> 2x2), then
``Linear -> ReLU -> Linear``, cross-entropy with label smoothing, Adam and a cosine schedule.
(Batch normalization is from 2015; LeNet used tanh units and no normalization.) Your ``Trainer``
runs it, as in milestone 1986: each epoch prints its loss and accuracies (``val_`` on the test
images); the run ends by checking the target: 98 % of the 360 held-out test images right, a few
errors fewer than the 1986 MLP leaves.

Run it from the stage folder::

    python -m milestones.cnn_1998
    python -m milestones.cnn_1998 --epochs 5      # a quicker, less accurate run

The CIFAR-10 version of this milestone (colour photos, 32x32) is ``milestones.cnn_cifar10_1998``.
"""

from __future__ import annotations

import argparse
import time

import tinytorch as tt
from milestones.mlp_1986 import epoch_records
from tinytorch import nn, optim
from tinytorch.data import DataLoader
from tinytorch.datasets import Digits
from tinytorch.training import Trainer, accuracy

#: The accuracy on held-out images the milestone must reach.
TARGET = 0.98
SEED = 1998
EPOCHS = 20
BATCH_SIZE = 32
LEARNING_RATE = 3e-3


def lenet(channels: tuple[int, int] = (16, 32), hidden: int = 64, classes: int = 10) -> nn.Module:
    """Two convolution blocks (each halves height and width), then a small classifier.

    A 3x3 kernel with padding 1 keeps the size; a 2x2 max pool halves it: 8x8 -> 4x4 -> 2x2.
    """
    first, second = channels
    return nn.Sequential(
        nn.Conv2d(1, first, 3, padding=1), nn.BatchNorm2d(first), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(first, second, 3, padding=1), nn.BatchNorm2d(second), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(second * 2 * 2, hidden), nn.ReLU(),
        nn.Linear(hidden, classes),
    )  # fmt: skip


def run(epochs: int = EPOCHS, seed: int = SEED, log=print) -> dict:
    """Train on the digits and evaluate on the held-out test images; return what was measured."""
    tt.manual_seed(seed)
    start = time.perf_counter()
    train_set, test_set = Digits(train=True), Digits(train=False)
    model = lenet()
    optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)
    trainer = Trainer(
        model, optimizer, nn.CrossEntropyLoss(label_smoothing=0.1),
        scheduler=optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs),
        metrics={"accuracy": accuracy}, log=log,
    )  # fmt: skip
    params = sum(p.numel() for p in model.parameters())
    log(
        f"milestone 1998 on digits: {len(train_set)} training and {len(test_set)} test images "
        f"of 1x8x8, a LeNet-style CNN with {params} parameters"
    )
    trainer.fit(
        DataLoader(train_set, BATCH_SIZE, shuffle=True, seed=seed),
        epochs,
        val_data=DataLoader(test_set, batch_size=len(test_set)),
    )
    history = epoch_records(trainer.history)
    final = {**history[-1], "seconds": time.perf_counter() - start}
    errors = round((1 - final["test_accuracy"]) * len(test_set))
    verdict = "reached" if final["test_accuracy"] >= TARGET else "MISSED"
    log(
        f"test accuracy {final['test_accuracy']:.2%} ({errors} of {len(test_set)} wrong) after "
        f"{epochs} epochs in {final['seconds']:.1f} s: target {TARGET:.0%} {verdict}"
    )
    return {"history": history, "parameters": params, **final}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Milestone 1998: a LeNet-style CNN on digits.")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="number of epochs")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args(argv)
    return run(epochs=args.epochs, seed=args.seed)


if __name__ == "__main__":
    main()

"""Milestone 1998, in colour: a convolutional network on CIFAR-10 photos.

The digits of ``milestones.cnn_1998`` are small, centred and grey. CIFAR-10 (Krizhevsky, 2009)
is 60,000 colour photos of 32x32 pixels in ten classes (airplane ... truck), with the object
anywhere, at any scale, on any background: the kind of data where learned, shared kernels leave
hand-made features far behind. This script trains a small VGG-style network, the LeNet recipe
made deeper, with the tools of stages 01-09.

The recipe (target: at least 75 % of the 10,000 test photos right):

- **network**: three stages of 3x3 convolutions with batch norm and ReLU (32, 32 | 64, 64 |
  128 channels), each stage closed by a 2x2 max pool (32 -> 16 -> 8 -> 4 pixels), then dropout
  and one linear layer from the 128x4x4 features to the 10 classes;
- **data**: every channel standardized with the training set's mean and deviation; training
  images randomly shifted (``RandomCrop(32, padding=4)``) and mirrored
  (``RandomHorizontalFlip``), so the network never sees the same photo twice;
- **optimization**: SGD with Nesterov momentum 0.9, weight decay 5e-4, batches of 128, the
  learning rate following a cosine from 0.05 to 0 over all steps, 15 epochs, run by your
  ``Trainer`` (its scheduler stepped after every optimizer step).

Everything runs on NumPy on the CPU, so a full run takes a long time: the script prints its
throughput every few steps, and the Trainer each epoch's loss, accuracies (``val_`` on the test
photos) and measured time. Get the data once (about 170 MB), then run it from the stage
folder::

    python -m milestones.cnn_cifar10_1998 --root ~/data --download   # fetch, then train
    python -m milestones.cnn_cifar10_1998 --root ~/data              # ~/data/cifar-10-batches-py/
    TINYTORCH_CIFAR10_ROOT=~/data python -m milestones.cnn_cifar10_1998
    python -m milestones.cnn_cifar10_1998 --root ~/data --epochs 1 --max-steps 20  # a quick look
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import time

import numpy as np

import tinytorch as tt
from milestones.mlp_1986 import epoch_records
from tinytorch import nn, optim
from tinytorch.data import DataLoader, transforms
from tinytorch.datasets import CIFAR10
from tinytorch.training import Trainer, accuracy

#: The test accuracy the full recipe is built to reach.
TARGET = 0.75
SEED = 1998
#: Environment variable naming the folder that holds cifar-10-batches-py/ (instead of --root).
CIFAR10_ENV = "TINYTORCH_CIFAR10_ROOT"
EPOCHS = 15
BATCH_SIZE = 128
LEARNING_RATE = 0.05


def vgg_small(classes: int = 10) -> nn.Module:
    """3x3 convolutions with batch norm and ReLU, a 2x2 max pool closing each of three stages."""

    def conv(c_in: int, c_out: int) -> list[nn.Module]:
        return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]

    return nn.Sequential(
        *conv(3, 32), *conv(32, 32), nn.MaxPool2d(2),  # 32x32 -> 16x16
        *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2),  # -> 8x8
        *conv(64, 128), nn.MaxPool2d(2),  # -> 4x4
        nn.Flatten(), nn.Dropout(0.3), nn.Linear(128 * 4 * 4, classes),
    )  # fmt: skip


def load(root, download: bool = False, checksums=None):
    """(train, test) CIFAR-10, standardized per channel with the training set's statistics."""
    plain = CIFAR10(root, train=True, download=download, checksums=checksums)
    pixels = plain.data.reshape(-1, 3).astype(np.float64) / 255.0  # (N*32*32, 3), HWC order
    mean, std = pixels.mean(axis=0), pixels.std(axis=0)
    normalize = transforms.Normalize(mean.tolist(), std.tolist())
    augment = transforms.Compose(
        [transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(), normalize]
    )
    train = CIFAR10(root, train=True, transform=augment, checksums=checksums)
    test = CIFAR10(root, train=False, transform=normalize, checksums=checksums)
    return train, test


class Steps:
    """The training batches of each epoch, cut after ``steps`` of them, with a progress line
    every ``log_every`` steps: a CIFAR-10 epoch takes minutes, too long to wait in silence for
    the Trainer's line at its end."""

    def __init__(self, loader: DataLoader, steps: int, epochs: int, log_every: int, log) -> None:
        self.loader, self.steps, self.epochs = loader, steps, epochs
        self.log_every, self.log = log_every, log
        self.epoch = 0

    def __len__(self) -> int:
        return self.steps

    def __iter__(self):
        self.epoch += 1
        start, seen = time.perf_counter(), 0
        batches = itertools.islice(self.loader, self.steps)
        for step, (images, labels) in enumerate(batches, start=1):
            yield images, labels  # the Trainer takes its step before it asks for the next batch
            seen += len(labels)
            if step % self.log_every == 0 or step == self.steps:
                rate = seen / (time.perf_counter() - start)
                self.log(
                    f"epoch {self.epoch}/{self.epochs} step {step:>4}/{self.steps}  "
                    f"{rate:.0f} images/s"
                )


def run(
    root, *, epochs: int = EPOCHS, batch_size: int = BATCH_SIZE, max_steps: int | None = None,
    download: bool = False, checksums=None, seed: int = SEED, log_every: int = 50, log=print,
) -> dict:  # fmt: skip
    """Train on CIFAR-10 under ``root`` and evaluate on its test set; return what was measured.

    ``max_steps`` cuts every epoch short after that many batches (for a quick look).
    """
    tt.manual_seed(seed)
    start = time.perf_counter()
    train_set, test_set = load(root, download, checksums)
    model = vgg_small()
    optimizer = optim.SGD(
        model.parameters(), lr=LEARNING_RATE, momentum=0.9, nesterov=True, weight_decay=5e-4
    )
    train_loader = DataLoader(train_set, batch_size, shuffle=True, drop_last=True, seed=seed)
    steps = min(len(train_loader), max_steps or len(train_loader))
    trainer = Trainer(
        model, optimizer, nn.CrossEntropyLoss(),
        scheduler=optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(epochs * steps, 1)),
        scheduler_interval="step", metrics={"accuracy": accuracy}, log=log,
    )  # fmt: skip
    params = sum(p.numel() for p in model.parameters())
    log(
        f"milestone 1998 on CIFAR-10: {len(train_set)} training and {len(test_set)} test "
        f"images of 3x32x32, a VGG-style CNN with {params} parameters, {steps} steps per epoch"
    )
    trainer.fit(
        Steps(train_loader, steps, epochs, log_every, log),
        epochs,
        val_data=DataLoader(test_set, batch_size=256),
    )
    history = epoch_records(trainer.history)
    final = {**history[-1], "seconds": time.perf_counter() - start}
    verdict = "reached" if final["test_accuracy"] >= TARGET else "not reached"
    log(
        f"test accuracy {final['test_accuracy']:.2%} after {epochs} epochs in "
        f"{final['seconds']:.1f} s: target {TARGET:.0%} {verdict}"
    )
    if not math.isfinite(final["loss"]):
        log("the loss diverged: lower --lr? (the recipe's learning rate assumes batches of 128)")
    return {"history": history, "parameters": params, **final}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Milestone 1998 on CIFAR-10: a VGG-style CNN.")
    parser.add_argument(
        "--root", default=os.environ.get(CIFAR10_ENV),
        help=f"folder holding cifar-10-batches-py/ (default: ${CIFAR10_ENV})",
    )  # fmt: skip
    parser.add_argument("--download", action="store_true", help="fetch CIFAR-10 into ROOT first")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="number of epochs")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="images per step")
    parser.add_argument("--max-steps", type=int, default=None, help="cut each epoch short")
    args = parser.parse_args(argv)
    if not args.root:
        parser.error(
            f"where is CIFAR-10? Pass --root ROOT (or set ${CIFAR10_ENV}); ROOT holds "
            "cifar-10-batches-py/, and --download fetches it there"
        )
    return run(
        args.root, epochs=args.epochs, batch_size=args.batch_size, max_steps=args.max_steps,
        download=args.download,
    )  # fmt: skip


if __name__ == "__main__":
    main()

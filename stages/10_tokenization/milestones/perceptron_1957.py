"""1957 · Rosenblatt's perceptron learns to separate two clouds of points.

Run from the stage folder:  python -m milestones.perceptron_1957

Frank Rosenblatt's perceptron (1957) is a single linear unit with a threshold: it answers +1
when ``w · x + b > 0`` and -1 otherwise. Its learning rule is one line: after a mistake on
``(x, y)``, add ``y * x`` to ``w`` and ``y`` to ``b``; after a correct answer, do nothing. The
perceptron convergence theorem (Novikoff, 1962) guarantees that on data a line can separate,
this stops making mistakes after finitely many updates.

Here the rule is not hand-coded: it *falls out* of this course's machinery. The "perceptron
criterion" loss ``relu(-y * score)`` is zero on correct answers and ``-y * score`` on mistakes,
so its gradient is ``-y * x`` exactly where the rule updates: SGD with learning rate 1 on one
sample at a time *is* Rosenblatt's rule. The Trainer runs it one epoch at a time until an epoch
passes without a single mistake: then no update happened, and none ever will again.
"""

from __future__ import annotations

import numpy as np

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.nn import functional as F
from tinytorch.training import Trainer, accuracy

SEED = 1957
MAX_EPOCHS = 50
MARGIN = 0.2  # every point is at least this far from the true boundary: separable for sure


def make_blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds on either side of the line x0 + x1 = 0, labelled -1 and +1.

    Points closer than MARGIN to that line are dropped, so the classes are linearly
    separable (with a margin, the condition of the convergence theorem).
    """
    labels = rng.choice(np.array([-1.0, 1.0]), size=4 * n)
    points = labels[:, None] * np.array([0.7, 0.7]) + rng.standard_normal((4 * n, 2))
    distance = labels * points.sum(axis=1) / np.sqrt(2.0)
    keep = np.flatnonzero(distance >= MARGIN)[:n]
    return points[keep].astype(np.float32), labels[keep].astype(np.float32)


def perceptron_criterion(scores: tt.Tensor, labels: tt.Tensor) -> tt.Tensor:
    """Rosenblatt's loss: mean of relu(-y * score), zero exactly when every answer is right."""
    return F.relu(-labels * scores.reshape(-1)).mean()


def main() -> dict:
    """Train a perceptron on separable blobs; return its measured accuracies."""
    tt.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    x_train, y_train = make_blobs(1000, rng)
    x_test, y_test = make_blobs(1000, rng)
    print(f"1957 perceptron: {len(x_train)} training and {len(x_test)} test points in 2-D")

    model = nn.Linear(2, 1)
    # One sample per step with lr=1: exactly the perceptron update w += y * x on a mistake.
    train = [
        (tt.tensor(x_train[i : i + 1]), tt.tensor(y_train[i : i + 1])) for i in range(len(x_train))
    ]
    test = [(tt.tensor(x_test), tt.tensor(y_test))]
    trainer = Trainer(
        model,
        optim.SGD(model.parameters(), lr=1.0),
        perceptron_criterion,
        metrics={"accuracy": accuracy},
        log_every=None,
    )
    while trainer.epoch < MAX_EPOCHS:
        trainer.fit(train, epochs=trainer.epoch + 1, val_data=test)
        # Each sample is scored before its update, so this counts the epoch's mistakes.
        mistakes = round(len(train) * (1 - trainer.history["train_accuracy"][-1]))
        test_so_far = trainer.history["val_accuracy"][-1]
        print(f"epoch {trainer.epoch:2d}: {mistakes:3d} mistakes (updates), "
              f"test accuracy {test_so_far:.2%}")  # fmt: skip
        if mistakes == 0:
            print("a whole epoch without a mistake: the perceptron has converged")
            break

    train_accuracy = trainer.evaluate([(tt.tensor(x_train), tt.tensor(y_train))])["accuracy"]
    test_accuracy = trainer.evaluate(test)["accuracy"]
    w, b = model.weight.data[0], model.bias.data[0]
    print(f"learned boundary: {w[0]:.3f} * x0 {w[1]:+.3f} * x1 {b:+.3f} = 0")
    print(f"train accuracy {train_accuracy:.2%}, test accuracy {test_accuracy:.2%} "
          f"after {trainer.epoch} epochs")  # fmt: skip
    return {
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
        "epochs": trainer.epoch,
    }


if __name__ == "__main__":
    main()

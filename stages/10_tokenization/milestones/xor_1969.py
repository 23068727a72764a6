"""1969 · XOR: what one layer cannot learn, and what a hidden layer can.

Run from the stage folder:  python -m milestones.xor_1969

In *Perceptrons* (1969), Minsky and Papert proved that a single-layer perceptron cannot
compute XOR, and the field's funding dried up for a decade. The proof for the four points fits
in four lines. Suppose a threshold unit ``w1*x1 + w2*x2 + b > 0`` computed XOR:

    (0, 0) -> 0 needs   b <= 0
    (1, 1) -> 0 needs   w1 + w2 + b <= 0
    (0, 1) -> 1 needs   w2 + b > 0
    (1, 0) -> 1 needs   w1 + b > 0

Adding the first two gives ``w1 + w2 + 2b <= 0``; adding the last two gives
``w1 + w2 + 2b > 0``. No weights satisfy both, so at least one of the four points is always
wrong: a linear threshold scores at most 3 of 4, 75 %. A hidden layer fixes it, because it
bends the input space: its units can compute, say, OR and AND, and XOR = OR and not AND is
linear in *those*. Backpropagation (1986) made such layers trainable; this script shows both
sides with the same Trainer and the same loss.
"""

from __future__ import annotations

import math

import numpy as np

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.training import Trainer, accuracy

SEED = 1969
EPOCHS = 300


def xor_data() -> tuple[tt.Tensor, tt.Tensor]:
    """The four XOR points and their labels."""
    x = tt.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = tt.tensor([[0.0], [1.0], [1.0], [0.0]])
    return x, y


def train(model: nn.Module, name: str) -> dict[str, float]:
    """Train ``model`` on XOR with Adam and binary cross-entropy; return its final loss and
    accuracy."""
    x, y = xor_data()
    data = [(x, y)]  # full batch: all four points every step
    trainer = Trainer(
        model,
        optim.Adam(model.parameters(), lr=0.05),
        nn.BCEWithLogitsLoss(),
        metrics={"accuracy": accuracy},
        log_every=100,
    )
    print(f"--- {name} ---")
    trainer.fit(data, epochs=EPOCHS)
    return trainer.evaluate(data)


def best_linear_accuracy(samples: int = 200_000, seed: int = SEED) -> float:
    """The best accuracy of any linear threshold on XOR, searched over random (w1, w2, b).

    Directions are drawn uniformly on the sphere (the scale of (w1, w2, b) does not change the
    answers); the proof in the module docstring says the answer is at most 0.75.
    """
    x, y = xor_data()
    points = np.concatenate([x.data, np.ones((4, 1), dtype=np.float32)], axis=1)  # (4, 3)
    directions = np.random.default_rng(seed).standard_normal((samples, 3))
    predictions = directions @ points.T > 0  # (samples, 4)
    return float((predictions == (y.data.T > 0.5)).mean(axis=1).max())


def main() -> dict:
    """Train a 2-layer MLP and a single linear layer on XOR; return the measured accuracies."""
    tt.manual_seed(SEED)
    mlp = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    mlp = train(mlp, "2-layer MLP (2 -> 8 tanh -> 1)")
    linear = train(nn.Linear(2, 1), "single linear layer (2 -> 1)")
    searched = best_linear_accuracy()
    mlp_accuracy, linear_accuracy = mlp["accuracy"], linear["accuracy"]
    print(f"2-layer MLP:          accuracy {mlp_accuracy:4.0%}, loss {mlp['loss']:.4f}")
    print(f"single layer:         accuracy {linear_accuracy:4.0%}, loss {linear['loss']:.4f}")
    print(f"best of 200 000 random linear thresholds: accuracy {searched:.0%}")
    print(
        "Why: one layer draws one straight line, and no line puts (0,1) and (1,0) on one side\n"
        "and (0,0) and (1,1) on the other (the four inequalities in this file's docstring\n"
        "contradict each other), so at least one point is always wrong: 75 % at best.\n"
        f"Cross-entropy drives the single layer to its least-bad answer, probability 0.5 for\n"
        f"every point: its loss ends near ln 2 = {math.log(2):.4f}, and which side of 0.5 each\n"
        "point lands on is noise. The hidden layer maps the points to a space where one line\n"
        "does separate them."
    )
    return {
        "mlp_accuracy": mlp_accuracy,
        "linear_accuracy": linear_accuracy,
        "best_linear_accuracy": searched,
    }


if __name__ == "__main__":
    main()

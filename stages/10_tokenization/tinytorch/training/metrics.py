"""Metrics: numbers that say how good predictions are, for humans (losses are for gradients)."""

from __future__ import annotations

import numpy as np

from tinytorch.tensor import Tensor


def accuracy(output: Tensor, target: Tensor, threshold: float = 0.0) -> float:
    """The fraction of correct predictions.

    - class scores ``(N, C)`` with class ids ``(N,)``: the prediction is the argmax;
    - one score per sample (``(N,)`` or ``(N, 1)``) with binary targets (0/1 or -1/+1): the
      prediction is ``score > threshold``. The default 0 suits logits and perceptron scores;
      pass ``threshold=0.5`` for probabilities (e.g. with ``functools.partial``).
    """
    scores = np.asarray(output.data if isinstance(output, Tensor) else output)
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    if scores.ndim >= 2 and scores.shape[-1] > 1:
        if labels.shape != scores.shape[:-1]:
            raise ValueError(
                f"accuracy: class scores of shape {scores.shape} need class ids of shape "
                f"{scores.shape[:-1]}, got {labels.shape}"
            )
        return float(np.mean(scores.argmax(axis=-1) == labels))
    if scores.size != labels.size:
        raise ValueError(
            f"accuracy: {scores.size} scores (shape {scores.shape}) for {labels.size} targets "
            f"(shape {labels.shape})"
        )
    return float(np.mean((scores.reshape(labels.shape) > threshold) == (labels > 0)))

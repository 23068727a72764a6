"""Datasets: anything with a length that hands out one sample per index.

A dataset is the smallest contract a training loop needs: ``len(dataset)`` samples, and
``dataset[i]`` returns sample ``i`` (usually an ``(input, target)`` pair). Keeping it that small
is what lets one :class:`~tinytorch.data.DataLoader` batch and shuffle anything, from two
tensors in memory to image files on disk, exactly as ``torch.utils.data`` does.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from tinytorch.random import default_generator
from tinytorch.tensor import Tensor


class Dataset:
    """Base class of map-style datasets: implement ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")


class TensorDataset(Dataset):
    """Samples are slices of tensors along their first dimension: ``(x[i], y[i])``.

    Args:
        tensors: tensors (or arrays, converted with ``Tensor``) that all have the same size
            along dimension 0, e.g. inputs ``(N, 64)`` and labels ``(N,)``.
    """

    def __init__(self, *tensors) -> None:
        tensors = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in tensors)
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        if any(t.ndim == 0 for t in tensors):
            shapes = [t.shape for t in tensors]
            raise ValueError(
                f"TensorDataset needs tensors with a first dimension, got shapes {shapes}"
            )
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) != 1:
            raise ValueError(
                f"Size mismatch between tensors: every tensor needs the same size along "
                f"dimension 0, got {sizes}"
            )
        self.tensors = tensors

    def __getitem__(self, index) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order (``subset[k]`` is
    ``dataset[indices[k]]``)."""

    def __init__(self, dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(
    dataset, lengths: Sequence[int | float], generator: np.random.Generator | None = None, *,
    seed: int | None = None,
) -> list[Subset]:  # fmt: skip
    """Split ``dataset`` into non-overlapping random subsets of the given lengths.

    As ``torch.utils.data.random_split``: ``lengths`` are either sample counts that add up to
    ``len(dataset)``, or fractions that add up to 1. Fractions become ``floor(n * fraction)``
    samples each, and the few samples left over go one at a time to the subsets in turn,
    starting with the first; so ``[0.5, 0.5]`` of 5 samples gives 3 and 2.

    Args:
        dataset: any dataset with ``len``.
        lengths: counts or fractions, one per subset.
        generator: draws the permutation (a ``numpy.random.Generator``).
        seed: a seed for a fresh generator instead; with neither, the global tinytorch
            generator is used, so ``tinytorch.manual_seed`` fixes the split.

    Returns:
        one :class:`Subset` per length; together they hold every index exactly once.
    """
    if generator is not None and seed is not None:
        raise ValueError("random_split takes a generator or a seed, not both")
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1):
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1, got {fraction}")
        counts = [math.floor(n * fraction) for fraction in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
        lengths = counts
    if any(not isinstance(k, (int, np.integer)) or k < 0 for k in lengths):
        raise ValueError(
            f"lengths must be non-negative integers that add up to {n} or fractions that add "
            f"up to 1, got {lengths}"
        )
    if sum(lengths) != n:
        raise ValueError(
            f"Sum of input lengths does not equal the length of the input dataset! "
            f"The lengths {lengths} add up to {sum(lengths)}, the dataset has {n} samples"
        )
    rng = generator or (np.random.default_rng(seed) if seed is not None else default_generator())
    order = rng.permutation(n).tolist()
    ends = np.cumsum(lengths).tolist()
    return [Subset(dataset, order[end - k : end]) for end, k in zip(ends, lengths, strict=True)]

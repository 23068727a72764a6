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
        # TODO: store the tensors in self.tensors; their first dimensions must all be equal.
        # HINT: raise ValueError naming every size when they differ (or when there is none),
        #   starting with PyTorch's words "Size mismatch between tensors".
        raise NotImplementedError(
            "stage 08: TensorDataset.__init__: store the tensors in self.tensors; their first dimensions must all be equal."
        )

    def __getitem__(self, index) -> tuple[Tensor, ...]:
        # TODO: return a tuple with each tensor indexed by `index`.
        raise NotImplementedError(
            "stage 08: TensorDataset.__getitem__: return a tuple with each tensor indexed by `index`."
        )

    def __len__(self) -> int:
        # TODO: the shared size of dimension 0.
        raise NotImplementedError(
            "stage 08: TensorDataset.__len__: the shared size of dimension 0."
        )


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order (``subset[k]`` is
    ``dataset[indices[k]]``)."""

    def __init__(self, dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        # TODO: map the position `index` (an int, or a list of them) to the dataset's index.
        raise NotImplementedError(
            "stage 08: Subset.__getitem__: map the position `index` (an int, or a list of them) to the dataset's index."
        )

    def __len__(self) -> int:
        # TODO: one sample per index.
        raise NotImplementedError("stage 08: Subset.__len__: one sample per index.")


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
    # TODO: turn fractions into counts, then cut ONE random permutation into pieces that long.
    # HINT: fractions: floor(n * f) each, then the remainder one by one, round-robin from index
    #   0; the counts must add up to len(dataset) (ValueError otherwise). PyTorch's words:
    #   "Sum of input lengths does not equal the length of the input dataset!" (name both
    #   numbers), "Fraction at index i is not between 0 and 1", and a UserWarning "Length of
    #   split at index i is 0" for an empty piece.
    raise NotImplementedError(
        "stage 08: random_split: turn fractions into counts, then cut ONE random permutation into pieces that long."
    )

"""The DataLoader: one epoch of a dataset, as a sequence of shuffled batches.

Stochastic gradient descent wants two things from its data: small batches (one gradient
step per batch, so many steps per epoch) and a fresh random order every epoch (so consecutive
steps see unrelated samples and no ordering artefact leaks into the model). A ``DataLoader``
supplies both for any dataset: it draws a permutation of the indices, cuts it into batches,
fetches each sample and collates each batch into tensors.

Reproducibility is part of the contract: with ``seed=`` the sequence of epoch orders is fixed
(a new loader with the same seed replays it exactly), and without it the orders come from the
global generator, so ``tinytorch.manual_seed`` fixes them instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from tinytorch.data.collate import default_collate
from tinytorch.random import default_generator


class DataLoader:
    """Iterate over ``dataset`` in batches, as ``torch.utils.data.DataLoader``.

    Args:
        dataset: anything with ``len(dataset)`` and ``dataset[i]``.
        batch_size: samples per batch; the last batch may be smaller.
        shuffle: draw a new random order every epoch (otherwise ``0, 1, 2, ...``).
        drop_last: drop the final batch when it is smaller than ``batch_size``.
        collate_fn: merges a list of samples into a batch (default: :func:`default_collate`).
        seed: seeds this loader's own generator, so its epoch orders are reproducible.
        generator: a ``numpy.random.Generator`` to draw the orders from instead.

    With neither ``seed`` nor ``generator`` a shuffled loader draws from the global tinytorch
    generator. Iterating yields ``len(loader)`` batches; each epoch visits every sample once
    (with ``drop_last``, all but the tail of that epoch's order).
    """

    def __init__(
        self,
        dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        *,
        drop_last: bool = False,
        collate_fn: Callable | None = None,
        seed: int | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader needs a map-style dataset with __len__ and __getitem__, "
                f"got {type(dataset).__name__}"
            )
        if (
            not isinstance(batch_size, (int, np.integer))
            or isinstance(batch_size, bool)
            or batch_size < 1
        ):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size!r}"
            )
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"collate_fn must be callable, got {collate_fn!r}")
        if seed is not None and generator is not None:
            raise ValueError("DataLoader takes a seed or a generator, not both")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn if collate_fn is not None else default_collate
        self.seed = seed
        self.generator = np.random.default_rng(seed) if seed is not None else generator

    def __len__(self) -> int:
        """The number of batches in one epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _epoch_order(self) -> np.ndarray:
        """The sample indices of the next epoch, in the order they will be visited.

        Each call is a new epoch: with ``shuffle`` it draws a new permutation from this
        loader's generator (or the global one), which is what makes epochs differ.
        """
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self.generator if self.generator is not None else default_generator()
        return rng.permutation(n)

    def __iter__(self) -> Iterator:
        """One epoch: ``len(self)`` collated batches, in this epoch's order."""
        order = self._epoch_order().tolist()
        b = self.batch_size
        batches = [order[k * b : (k + 1) * b] for k in range(len(self))]
        return (self.collate_fn([self.dataset[i] for i in batch]) for batch in batches)

    def __repr__(self) -> str:
        return (
            f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, "
            f"batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last})"
        )

"""Embedding lookup: pick rows of a table by id, and send gradients back to those rows.

An embedding table is a (num_embeddings, embedding_dim) matrix; token id ``i`` is represented
by row ``i``. The forward pass is a *gather*, ``weight[ids]``: for ids of shape (B, T) it
returns (B, T, embedding_dim). Mathematically that is ``one_hot(ids) @ weight``, but building
the one-hot matrix would cost B*T*num_embeddings numbers to read B*T rows.

The backward pass is the matching *scatter-add*: the gradient of output position ``n`` is added
to row ``ids[n]`` of the table's gradient. When an id appears several times (the word "the" in
a sentence), its row collects the sum of all those gradients; rows of ids that never appear get
zero. A plain ``grad_weight[ids] = grad`` is wrong for repeated ids: NumPy keeps only the last
write.
"""

from __future__ import annotations

import numpy as np

from tinytorch.errors import DTypeError
from tinytorch.function import Function


def check_indices(ids: np.ndarray, num_embeddings: int, fn: str = "embedding") -> np.ndarray:
    """``ids`` as an int64 array, or an error naming the offending id and the table size.

    Raises:
        DTypeError: the ids are not integers (floats, booleans).
        IndexError: an id is negative or not below ``num_embeddings``.
    """
    # TODO: reject non-integer ids (DTypeError) and ids outside [0, num_embeddings) (IndexError).
    # HINT: ids.dtype.kind is "i" or "u" for integers. Both messages start with f"{fn}: " and
    #   name the first bad id (ids[bad].flat[0]) and the table size, e.g. "embedding: id 12
    #   is out of range for a table of 10 embeddings (valid ids are 0 to 9)". Check before
    #   indexing: NumPy's own IndexError says nothing about embeddings.
    raise NotImplementedError(
        "stage 11: check_indices: reject non-integer ids (DTypeError) and ids outside [0, num_embeddings) (IndexError)."
    )


def scatter_add_rows(ids: np.ndarray, rows: np.ndarray, num_rows: int) -> np.ndarray:
    """A (num_rows, D) array whose row ``r`` is the sum of ``rows[n]`` over every ``ids[n] == r``.

    ``ids`` is 1-D (N,), ``rows`` is (N, D). Vectorized by sorting: after a stable sort by id,
    equal ids sit next to each other, and ``np.add.reduceat`` sums each run of equal ids in one
    pass. ``np.add.at(out, ids, rows)`` computes the same thing; ``systems/embedding_scatter.py``
    times both (and a ``np.bincount`` version) on this machine.
    """
    # TODO: sum the rows of each id into a zero (num_rows, D) array, keeping rows' dtype.
    # HINT: order = np.argsort(ids, kind="stable"); the runs of equal ids in ids[order] start
    #   where the sorted id changes (np.flatnonzero of a "differs from the previous" mask, plus
    #   position 0); np.add.reduceat(rows[order], starts, axis=0) sums each run; write the sums
    #   at the run's id. np.add.at(out, ids, rows) is a slower but correct first version.
    raise NotImplementedError(
        "stage 11: scatter_add_rows: sum the rows of each id into a zero (num_rows, D) array, keeping rows' dtype."
    )


class Embedding(Function):
    """Rows of ``weight`` picked by ``ids``: (*ids.shape, embedding_dim).

    ``ids`` (checked int64) and ``padding_idx`` are options, not inputs: ids are integers and
    have no gradient. The ``padding_idx`` row gets no gradient, so padding stays what it is.
    """

    def __init__(self, ids: np.ndarray, padding_idx: int | None = None) -> None:
        self.ids, self.padding_idx = ids, padding_idx

    def forward(self, weight: np.ndarray) -> np.ndarray:
        # TODO: gather the rows of weight at self.ids.
        # HINT: NumPy's integer-array indexing weight[ids] returns ids.shape + (D,) in one step.
        raise NotImplementedError(
            "stage 11: Embedding.forward: gather the rows of weight at self.ids."
        )

    def backward(self, grad: np.ndarray):
        # TODO: scatter-add grad into the rows of self.ids; the padding_idx row gets zero.
        # HINT: flatten to ids (N,) and grad (N, D), call scatter_add_rows, then zero the
        #   padding row (its forward output still counts, its gradient does not).
        raise NotImplementedError(
            "stage 11: Embedding.backward: scatter-add grad into the rows of self.ids; the padding_idx row gets zero."
        )

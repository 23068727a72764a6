"""Embedding: a learned vector for every token id, as ``torch.nn.Embedding``.

A language model sees token ids, integers such as 17 or 4021. Ids have no useful arithmetic
(token 18 is not "a bit more" than token 17), so the first layer of every such model looks
each id up in a table of ``num_embeddings`` learned vectors of size ``embedding_dim``. That is
exactly ``one_hot(ids) @ weight`` (a Linear layer on one-hot inputs), computed as a row lookup,
which is what makes a vocabulary of 50,000 tokens affordable.

``padding_idx`` names a row reserved for padding: it starts at zero, is returned for padding
positions like any other row, but never receives a gradient, so training leaves it alone.
"""

from __future__ import annotations

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import DTypeError, ShapeError
from tinytorch.nn import init
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter
from tinytorch.ops import embedding as embedding_ops
from tinytorch.ops.embedding import check_indices
from tinytorch.tensor import Tensor


def _ids_array(input) -> np.ndarray:
    """The ids' NumPy array (a Tensor's data, or an array-like converted)."""
    return input.data if isinstance(input, Tensor) else np.asarray(input)


def _normalize_padding_idx(padding_idx: int | None, num_embeddings: int) -> int | None:
    """A negative ``padding_idx`` counts from the end, as in PyTorch; out of range is an error."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"padding_idx must be within num_embeddings: expected {-num_embeddings} <= "
            f"padding_idx < {num_embeddings}, got {padding_idx}"
        )
    return int(padding_idx) % num_embeddings


def embedding(input, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Look up the rows of ``weight`` at the integer ids ``input``, as ``F.embedding``.

    Args:
        input: integer ids of any shape (*), each in ``[0, num_embeddings)``.
        weight: the table, (num_embeddings, embedding_dim).
        padding_idx: a row that receives no gradient (may be negative: counts from the end).

    Returns:
        (*, embedding_dim).

    Raises:
        DTypeError: the ids are not integers.
        IndexError: an id is negative or too large (the message names it and the table size).
    """
    if weight.ndim != 2:
        raise ShapeError(
            f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape "
            f"{weight.shape}"
        )
    num_embeddings = weight.shape[0]
    padding_idx = _normalize_padding_idx(padding_idx, num_embeddings)
    ids = check_indices(_ids_array(input), num_embeddings)
    return embedding_ops.Embedding.apply(weight, ids=ids, padding_idx=padding_idx)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class ids (*) to one-hot rows (*, num_classes) of 0s and 1s, int64, as ``F.one_hot``.

    ``num_classes=-1`` means one more than the largest id in ``tensor``.

    Raises:
        DTypeError: the ids are not integers.
        ValueError: an id is negative or not below ``num_classes``, or there is nothing to
            infer ``num_classes`` from.
    """
    ids = _ids_array(tensor)
    if ids.dtype.kind not in "iu":
        raise DTypeError(f"one_hot needs an integer (int64) tensor of class ids, got {ids.dtype}")
    if num_classes == -1:
        if ids.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass it")
        num_classes = int(ids.max()) + 1
    if ids.size and ids.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {int(ids.min())}")
    if ids.size and ids.max() >= num_classes:
        raise ValueError(
            f"one_hot: class values must be smaller than num_classes={num_classes}, got "
            f"{int(ids.max())}"
        )
    rows = ids[..., None] == np.arange(num_classes)
    return Tensor._wrap(rows.astype(dtypes.int64))


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``.

    Args:
        num_embeddings: the number of rows (the vocabulary size).
        embedding_dim: the size of each vector.
        padding_idx: a row that starts at zero and never receives a gradient; negative values
            count from the end (``-1`` is the last row), as in PyTorch.
        dtype: the weight's dtype (default float32).

    Attributes:
        weight: (num_embeddings, embedding_dim), initialised from N(0, 1).

    Input ids of any shape (*) give (*, embedding_dim).
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        dtype=None,
    ) -> None:
        super().__init__()
        for name, value in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Embedding {name} must be a non-negative integer, got {value!r}")
        dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
        self.num_embeddings = int(num_embeddings)
        self.embedding_dim = int(embedding_dim)
        self.padding_idx = _normalize_padding_idx(padding_idx, self.num_embeddings)
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: every entry from N(0, 1), then the padding row set to zero."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input) -> Tensor:
        return embedding(input, self.weight, self.padding_idx)

    @classmethod
    def from_pretrained(
        cls, embeddings, freeze: bool = True, padding_idx: int | None = None
    ) -> Embedding:
        """An Embedding whose weight is ``embeddings`` (num_embeddings, embedding_dim).

        As in PyTorch, the weight shares the given tensor's storage, the padding row keeps its
        given values (only its gradient is zero), and ``freeze=True`` (the default) switches
        ``weight.requires_grad`` off so an optimizer leaves the vectors unchanged.
        """
        array = _ids_array(embeddings)
        if array.ndim != 2:
            raise ShapeError(
                f"from_pretrained: embeddings must be 2-D (num_embeddings, embedding_dim), "
                f"got shape {array.shape}"
            )
        module = cls(array.shape[0], array.shape[1], padding_idx=padding_idx, dtype=array.dtype)
        module.weight = Parameter(embeddings, requires_grad=not freeze)
        return module

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")

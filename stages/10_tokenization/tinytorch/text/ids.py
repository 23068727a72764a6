"""Token ids in, token ids out: what a tokenizer's ``decode`` accepts.

Ids come from many places: a list that ``encode`` returned, a row of a NumPy batch, a Tensor
that a model generated. ``decode`` wants one flat sequence of Python ints, so every tokenizer
converts its input here, once, and refuses what cannot be token ids (floats, booleans, a 2-D
batch) with a message instead of decoding something else.
"""

from __future__ import annotations

import numpy as np

from tinytorch.tensor import Tensor


def as_token_ids(ids) -> list[int]:
    """``ids`` as a list of Python ints.

    Args:
        ids: a list or tuple of ints, or a 1-D integer NumPy array or Tensor.

    Raises:
        TypeError: the ids are not integers (floats, booleans, strings).
        ValueError: they are not one sequence (a 2-D batch: decode each row instead).
    """
    array = ids.data if isinstance(ids, Tensor) else np.asarray(ids)
    if array.ndim != 1:
        raise ValueError(
            f"expected one sequence of token ids (1-D), got shape {array.shape}: "
            "decode a batch row by row"
        )
    if array.size and array.dtype.kind not in "iu":
        raise TypeError(f"token ids must be integers, got dtype {array.dtype}")
    return array.astype(np.int64).tolist()

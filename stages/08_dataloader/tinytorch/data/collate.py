"""Collation: turn a list of samples into one batch.

A dataset returns one sample at a time, say ``(image, label)``. The model wants one tensor of
images ``(B, C, H, W)`` and one of labels ``(B,)``. ``default_collate`` does that regrouping for
any nesting of tuples, lists and dicts: it transposes the list of samples into a sample of
lists, then stacks each leaf along a new first dimension, with ``torch.utils.data``'s rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from tinytorch import dtypes
from tinytorch.tensor import Tensor


def _stack(arrays: list[np.ndarray]) -> Tensor:
    """Stack same-shaped arrays along a new first axis; name the first shape that differs."""
    try:
        return Tensor._wrap(np.stack(arrays))
    except ValueError:
        first = arrays[0].shape
        entry = next(i for i, a in enumerate(arrays) if a.shape != first)
        raise RuntimeError(
            f"stack expects each tensor to be equal size, but got {first} at entry 0 and "
            f"{arrays[entry].shape} at entry {entry}"
        ) from None


def default_collate(batch: list):
    """Merge a list of samples into a batch, as ``torch.utils.data.default_collate``.

    ============================  ==================================================
    each sample is                the batch is
    ============================  ==================================================
    a Tensor or NumPy array       one Tensor, stacked along a new dim 0 (dtype kept)
    a NumPy scalar                a 1-D Tensor of its dtype
    a Python bool / int / float   a 1-D Tensor of bool / int64 / float64
    a str or bytes                the list, unchanged
    a dict                        a dict with each key collated
    a namedtuple                  the same namedtuple with each field collated
    a tuple or list               a list with each position collated (all equally long)
    ============================  ==================================================

    Python floats become float64, as in PyTorch (a Python float *is* a double); store
    float32 tensors or arrays in a dataset to get float32 batches.
    """
    # TODO: follow the table above by the first sample's type, recursing into containers.
    # HINT: check bool before int (True is an int in Python); zip(*batch) transposes a list
    #   of samples into a list of fields. In PyTorch's words: list samples of different
    #   lengths are a RuntimeError, "each element in list of batch should be of equal size";
    #   any other type is a TypeError ending "found <its type(elem)>".
    raise NotImplementedError(
        "stage 08: default_collate: follow the table above by the first sample's type, recursing into containers."
    )

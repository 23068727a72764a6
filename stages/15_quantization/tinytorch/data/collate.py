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
    if not batch:
        raise ValueError("default_collate needs at least one sample, got an empty batch")
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack([sample.data for sample in batch])
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind not in "biuf":
            raise TypeError(
                f"default_collate: NumPy arrays of dtype {elem.dtype} cannot become tensors; "
                "expected bool, integer or float arrays"
            )
        return _stack([np.asarray(sample) for sample in batch])
    if isinstance(elem, np.generic) and elem.dtype.kind in "biuf":
        return Tensor._wrap(np.array(batch, dtype=elem.dtype))
    if isinstance(elem, bool):
        return Tensor._wrap(np.array(batch, dtype=dtypes.bool))
    if isinstance(elem, int):
        return Tensor._wrap(np.array(batch, dtype=dtypes.int64))
    if isinstance(elem, float):
        return Tensor._wrap(np.array(batch, dtype=dtypes.float64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch, strict=True)))
    if isinstance(elem, Sequence):
        sizes = {len(sample) for sample in batch}
        if len(sizes) != 1:
            raise RuntimeError(
                f"each element in list of batch should be of equal size, got sizes {sorted(sizes)}"
            )
        return [default_collate(list(field)) for field in zip(*batch, strict=True)]
    raise TypeError(
        "default_collate: batch must contain tensors, NumPy arrays, numbers, dicts or lists; "
        f"found {type(elem)}"
    )

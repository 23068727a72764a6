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

    :func:`collate` does the work. When it fails because the samples are not alike (a
    tensor beside a number, a dict without a key the others have, images of two sizes),
    the error says which sample and which field differ from sample 0, and how.
    """
    try:
        return collate(batch)
    except NotImplementedError:
        raise
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, RuntimeError):
        mismatch = first_mismatch(batch) if isinstance(batch, list) and batch else None
        if mismatch is None:
            raise
        raise mismatch from None


def collate(batch: list):
    """Merge a list of alike samples into a batch (:func:`default_collate` explains samples
    that are not alike).

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
        return {key: collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(collate(list(field)) for field in zip(*batch, strict=True)))
    if isinstance(elem, Sequence):
        sizes = {len(sample) for sample in batch}
        if len(sizes) != 1:
            raise RuntimeError(
                f"each element in list of batch should be of equal size, got sizes {sorted(sizes)}"
            )
        return [collate(list(field)) for field in zip(*batch, strict=True)]
    raise TypeError(
        "default_collate: batch must contain tensors, NumPy arrays, numbers, dicts or lists; "
        f"found {type(elem)}"
    )


def first_mismatch(batch: list) -> Exception | None:
    """The error explaining the first place where a sample differs from sample 0 in kind,
    keys, length or shape (e.g. "sample 3['image'] is int, but sample 0['image'] is
    Tensor"), or None when every sample has sample 0's structure."""
    first = batch[0]
    for index, sample in enumerate(batch[1:], start=1):
        stack = [(first, sample, "")]
        while stack:
            a, b, where = stack.pop()
            kind_a, kind_b = _kind(a), _kind(b)
            if kind_a != kind_b:
                return TypeError(
                    f"default_collate: sample {index}{where} is {kind_b}, but sample 0{where} is "
                    f"{kind_a}; every sample must have the same structure"
                )
            if kind_a in ("Tensor", "ndarray") and np.shape(a) != np.shape(b):
                return RuntimeError(
                    f"stack expects each tensor to be equal size, but got {np.shape(a)} at entry "
                    f"0 and {np.shape(b)} at entry {index} (sample {index}{where})"
                )
            if isinstance(a, Mapping):
                if set(a) != set(b):
                    return RuntimeError(
                        f"default_collate: sample {index}{where} has keys {sorted(map(str, b))} "
                        f"but sample 0{where} has {sorted(map(str, a))}"
                    )
                stack.extend((a[key], b[key], f"{where}[{key!r}]") for key in a)
            elif isinstance(a, Sequence) and not isinstance(a, (str, bytes)):
                if len(a) != len(b):
                    return RuntimeError(
                        f"each element in list of batch should be of equal size: sample "
                        f"0{where} has {len(a)} items, sample {index}{where} has {len(b)}"
                    )
                stack.extend(
                    (x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b, strict=True))
                )
    return None


def _kind(value) -> str:
    """What collation treats ``value`` as: samples are alike when their kinds match."""
    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return f"a {type(value).__name__}"
    if isinstance(value, (list, tuple)):
        return "a list or tuple"
    return type(value).__name__

"""Losses: one number that says how wrong a model is, as ``torch.nn`` defines them.

- ``mse_loss``: mean squared error, for regression.
- ``nll_loss``: the negative log-likelihood of the correct class, given log-probabilities.
- ``cross_entropy``: ``nll_loss(log_softmax(logits))``, for classification from raw scores;
  optionally against class probabilities, with class weights, an ignored class id and label
  smoothing.
- ``binary_cross_entropy`` (probabilities) and ``binary_cross_entropy_with_logits`` (raw
  scores, stable for any logit), for yes/no targets.

Each takes ``reduction``: ``'none'`` (one loss per element), ``'sum'`` or ``'mean'`` (the
default). The module classes (``nn.CrossEntropyLoss()`` ...) store the options and call these.

Why logits and ``log_softmax`` rather than ``softmax`` and ``log``: ``softmax`` of a logit of
1000 overflows ``exp`` in float32, and ``log`` of a probability that rounded to 0 is ``-inf``.
``log_softmax`` never forms either, so the loss stays finite for any logits.

Every option after ``weight`` is keyword-only. PyTorch's positional slots there still hold the
deprecated ``size_average`` and ``reduce``, so ``cross_entropy(x, y, w, None, 3)`` would mean
different things in the two libraries; by name (``ignore_index=3``) it means the same.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from tinytorch.errors import DTypeError, ShapeError
from tinytorch.nn import functional as F
from tinytorch.nn.module import Module
from tinytorch.ops.loss import BinaryCrossEntropy, BinaryCrossEntropyWithLogits
from tinytorch.tensor import Tensor, _to_float

_REDUCTIONS = ("none", "mean", "sum")


# ---------------------------------------------------------------------- checking the inputs


def _check_reduction(reduction) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"{reduction!r} is not a valid value for reduction; expected one of {_REDUCTIONS}"
        )


def _as_tensor(value, name: str) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (np.ndarray, list, tuple, int, float)):
        return Tensor(value)
    raise TypeError(f"{name} must be a tinytorch.Tensor, got {type(value).__name__}")


def _same_dtype(t: Tensor, dtype) -> Tensor:
    return t if t.dtype == dtype else t.to(dtype)


def _check_same_shape(fn: str, input: Tensor, target: Tensor) -> None:
    if input.shape != target.shape:
        raise ShapeError(f"{fn}: target shape {target.shape} must equal input shape {input.shape}")


def _class_weight(weight, num_classes: int, dtype) -> np.ndarray | None:
    """A per-class weight as an array of the input's dtype, or None."""
    if weight is None:
        return None
    weight = np.asarray(weight.data if isinstance(weight, Tensor) else weight)
    if weight.shape != (num_classes,):
        raise ShapeError(
            f"weight must hold one value per class, shape ({num_classes},), got {weight.shape}"
        )
    return weight.astype(dtype)


def _class_indices(fn: str, input: Tensor, target: Tensor, ignore_index: int) -> np.ndarray:
    """Check that ``target`` holds valid class ids for ``input`` and return them as int64.

    The class dimension of the input is 1 (0 for an unbatched input of shape (C,)); the target
    has the input's shape without it, e.g. input (N, C, H, W) and target (N, H, W).
    """
    if target.dtype.kind not in "iu":
        raise DTypeError(
            f"{fn}: class-index targets must be an integer tensor (int64), got dtype "
            f"{target.dtype}; for class probabilities pass a float target of the input's "
            f"shape {input.shape}"
        )
    if input.ndim == 0:
        raise ShapeError(f"{fn}: input must have a class dimension, got a 0-d tensor")
    class_dim = 0 if input.ndim == 1 else 1
    expected = input.shape[:class_dim] + input.shape[class_dim + 1 :]
    if target.shape != expected:
        raise ShapeError(
            f"{fn}: input of shape {input.shape} needs a target of shape {expected}, "
            f"got {target.shape}"
        )
    classes = input.shape[class_dim]
    ids = target.data.astype(np.int64)
    bad = ((ids < 0) | (ids >= classes)) & (ids != ignore_index)
    if bad.any():
        raise IndexError(
            f"{fn}: target {int(ids[bad].flat[0])} is out of range; class indices must be "
            f"in [0, {classes - 1}] for {classes} classes (or equal ignore_index={ignore_index})"
        )
    return ids


def _weighted_mean(total: Tensor, weight_sum: float) -> Tensor:
    """``total / weight_sum``, the 'mean' of a loss with class weights or ignored targets.

    When every target is ignored the sum of weights is 0: the loss is nan, as in PyTorch, but
    its gradient is 0 (``total`` is a sum of zeroed terms), so one batch of padding cannot
    put nan into every parameter.
    """
    if weight_sum == 0:
        return total + math.nan
    return total / weight_sum


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction`` ('none', 'mean' or 'sum') to an elementwise loss."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


# ---------------------------------------------------------------------- functional losses


def mse_loss(input: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    """Mean squared error: ``(input - target) ** 2``, reduced.

    As in PyTorch, different shapes are broadcast with a warning (usually a bug, such as a
    target of shape (N,) against predictions of shape (N, 1)).
    """
    _check_reduction(reduction)
    input, target = _to_float(_as_tensor(input, "input")), _as_tensor(target, "target")
    if input.shape != target.shape:
        warnings.warn(
            f"mse_loss: target shape {target.shape} differs from input shape {input.shape}; "
            "they will be broadcast, which is likely not what you want",
            UserWarning,
            stacklevel=2,
        )
    diff = input - target
    return _reduce(diff * diff, reduction)


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: ``-input[n, target[n]]``, for log-probabilities ``input``.

    Args:
        input: log-probabilities (N, C), (C,) or (N, C, d1, ...).
        target: class ids (N,), () or (N, d1, ...), each in [0, C) or equal to ignore_index.
        weight: optional (C,) weight per class; each loss is scaled by its target's weight.
        ignore_index: a target id that contributes nothing (and is not counted by 'mean').
        reduction: 'mean' divides by the sum of the weights of the counted targets (their
            number, without weights), so the result is a weighted average.
    """
    _check_reduction(reduction)
    input, target = _as_tensor(input, "input"), _as_tensor(target, "target")
    ids = _class_indices("nll_loss", input, target, ignore_index)
    classes = input.shape[0 if input.ndim == 1 else 1]
    weight = _class_weight(weight, classes, input.dtype)
    if input.ndim == 1:
        rows = input.reshape(1, classes)
    else:
        rows = input.permute(0, *range(2, input.ndim), 1).reshape(-1, classes)
    flat_ids = ids.reshape(-1)
    kept = flat_ids != ignore_index
    safe_ids = np.where(kept, flat_ids, 0)
    w = (weight[safe_ids] if weight is not None else np.ones(flat_ids.shape, input.dtype)) * kept
    losses = -rows[np.arange(flat_ids.size), safe_ids] * Tensor._wrap(w)
    if reduction == "none":
        return losses.reshape(ids.shape)
    if reduction == "sum":
        return losses.sum()
    return _weighted_mean(losses.sum(), float(w.sum()))


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy between logits and targets: ``nll_loss(log_softmax(input, class_dim))``.

    Args:
        input: raw scores (logits) of shape (N, C), (C,) or (N, C, d1, ...); class dim is 1
            (0 for an unbatched (C,) input).
        target: class ids (an integer tensor without the class dimension), or class
            probabilities (a float tensor of the input's shape).
        weight: optional (C,) weight per class.
        ignore_index: a class id that contributes nothing (class-id targets only).
        reduction: 'none', 'sum', or 'mean' (a weighted average over the counted targets for
            class ids; the plain average over samples for probabilities).
        label_smoothing: ε in [0, 1]: the target becomes (1 - ε) × the true distribution +
            ε × the uniform one over C classes.
    """
    _check_reduction(reduction)
    if isinstance(label_smoothing, bool) or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing!r}")
    input, target = _to_float(_as_tensor(input, "input")), _as_tensor(target, "target")
    if input.ndim == 0:
        raise ShapeError("cross_entropy: input must have a class dimension, got a 0-d tensor")
    class_dim = 0 if input.ndim == 1 else 1
    classes = input.shape[class_dim]
    probabilities = target.shape == input.shape
    if probabilities and target.dtype.kind != "f":
        raise DTypeError(
            f"cross_entropy: a target of the input's shape {input.shape} holds class "
            f"probabilities and must be float, got dtype {target.dtype}"
        )
    if not probabilities:
        _class_indices("cross_entropy", input, target, ignore_index)
    weight = _class_weight(weight, classes, input.dtype)
    logp = F.log_softmax(input, dim=class_dim)
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_dim] = classes
        logp_w = logp * Tensor._wrap(weight.reshape(shape))
    else:
        logp_w = logp
    if probabilities:
        target = _same_dtype(target, input.dtype)
        if label_smoothing > 0:
            target = target * (1.0 - label_smoothing) + label_smoothing / classes
        return _reduce(-(logp_w * target).sum(dim=class_dim), reduction)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0:
        return nll
    kept = target.data != ignore_index
    smooth = -logp_w.sum(dim=class_dim) * Tensor._wrap(kept.astype(input.dtype))
    if reduction == "mean":
        ids = np.where(kept, target.data, 0)
        counted = (weight[ids] if weight is not None else np.ones(ids.shape, input.dtype)) * kept
        smooth = _weighted_mean(smooth.sum(), float(counted.sum()))
    else:
        smooth = _reduce(smooth, reduction)
    return nll * (1.0 - label_smoothing) + smooth * (label_smoothing / classes)


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, *, reduction: str = "mean"
) -> Tensor:
    """-(y log x + (1 - y) log(1 - x)) for probabilities x in [0, 1]; logs clamped at -100.

    ``weight`` (optional) rescales each element's loss and must broadcast to the input's shape.
    """
    _check_reduction(reduction)
    input, target = _to_float(_as_tensor(input, "input")), _as_tensor(target, "target")
    _check_same_shape("binary_cross_entropy", input, target)
    if input.data.size and not (np.all(input.data >= 0) and np.all(input.data <= 1)):
        raise ValueError(
            "binary_cross_entropy: every input value must be a probability in [0, 1], got "
            f"values from {input.data.min()} to {input.data.max()}; for raw scores use "
            "binary_cross_entropy_with_logits"
        )
    loss = BinaryCrossEntropy.apply(input, _same_dtype(target, input.dtype))
    return _reduce(_weighted(loss, weight, "binary_cross_entropy"), reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    *,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)``, computed from the logits without overflow.

    ``pos_weight`` (optional, broadcast along the last dimension: one per class) multiplies
    the loss of positive targets, trading precision for recall; ``weight`` rescales each
    element's loss.
    """
    _check_reduction(reduction)
    input, target = _to_float(_as_tensor(input, "input")), _as_tensor(target, "target")
    _check_same_shape("binary_cross_entropy_with_logits", input, target)
    if pos_weight is not None:
        pos_weight = np.asarray(pos_weight.data if isinstance(pos_weight, Tensor) else pos_weight)
        if not _broadcasts_to(pos_weight.shape, input.shape):
            raise ShapeError(
                f"pos_weight of shape {pos_weight.shape} must broadcast to the input's shape "
                f"{input.shape} (one weight per class, along the last dimension)"
            )
        pos_weight = pos_weight.astype(input.dtype)
    loss = BinaryCrossEntropyWithLogits.apply(
        input, _same_dtype(target, input.dtype), pos_weight=pos_weight
    )
    return _reduce(_weighted(loss, weight, "binary_cross_entropy_with_logits"), reduction)


def _weighted(loss: Tensor, weight, fn: str) -> Tensor:
    """``loss * weight`` for a weight that broadcasts to the loss's shape (or no weight)."""
    if weight is None:
        return loss
    weight = _same_dtype(_as_tensor(weight, "weight"), loss.dtype)
    if not _broadcasts_to(weight.shape, loss.shape):
        raise ShapeError(
            f"{fn}: weight of shape {weight.shape} must broadcast to the input's shape {loss.shape}"
        )
    return loss * weight


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """Whether an array of ``shape`` broadcasts to ``target`` without growing it."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


# ---------------------------------------------------------------------- loss modules


class _Loss(Module):
    """Base of the loss modules: stores and checks ``reduction``."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(reduction)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with an optional weight, kept as a buffer (so it is saved in the state dict)."""

    def __init__(self, weight=None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", None if weight is None else _as_tensor(weight, "weight"))


class MSELoss(_Loss):
    """Mean squared error, as ``torch.nn.MSELoss``; see :func:`mse_loss`."""

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return mse_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities, as ``torch.nn.NLLLoss``; see :func:`nll_loss`."""

    def __init__(self, weight=None, *, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits, as ``torch.nn.CrossEntropyLoss``; see :func:`cross_entropy`."""

    def __init__(
        self,
        weight=None,
        *,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, reduction)
        if isinstance(label_smoothing, bool) or not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing!r}"
            )
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities, as ``torch.nn.BCELoss``."""

    def __init__(self, weight=None, *, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy of logits, stable for any logit, as ``torch.nn.BCEWithLogitsLoss``."""

    def __init__(self, weight=None, *, reduction: str = "mean", pos_weight=None) -> None:
        super().__init__(weight, reduction)
        self.register_buffer(
            "pos_weight", None if pos_weight is None else _as_tensor(pos_weight, "pos_weight")
        )

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )

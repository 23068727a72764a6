"""Scaled dot-product attention, as ``torch.nn.functional.scaled_dot_product_attention``.

Each query asks "which keys match me?", and receives the average of the values, weighted by
how well each key matched::

    scores  = query @ key^T * scale          (..., L, S)   one score per (query, key) pair
    weights = softmax(scores, dim=-1)        each row sums to 1
    output  = weights @ value                (..., L, Ev)

``scale`` defaults to ``1 / sqrt(E)``: the dot product of two random E-dimensional vectors
has a standard deviation of about ``sqrt(E)``, and without the scale wide heads would push
softmax into saturation, where one key gets all the weight and gradients vanish.

Masks follow PyTorch exactly:

- a **boolean** ``attn_mask`` marks the pairs that *take part* (True = may attend); the others
  get a score of ``-inf``, hence a weight of exactly 0;
- a **float** ``attn_mask`` is *added* to the scores (``-inf`` forbids, other values bias);
- masks broadcast to (..., L, S): one (L, S) mask serves every batch element and head;
- ``is_causal=True`` builds the causal mask itself, ``tril`` of ones aligned to the top-left,
  so query ``i`` sees keys ``0..i`` (also when L != S); giving ``attn_mask`` as well is an
  error, as in PyTorch.

A query row whose every key is masked has nothing to average: PyTorch 2.x returns zeros there
(and zero gradient), and so does this implementation.

Everything is built from differentiable operations (matmul, masked_fill, softmax, dropout),
so autograd provides the backward pass. The cost is the (..., L, S) score matrix: time and
memory grow with the *square* of the sequence length.
"""

from __future__ import annotations

import math

import numpy as np

from tinytorch.errors import DTypeError, ShapeError
from tinytorch.nn.dropout import _check_probability, dropout
from tinytorch.ops import masking
from tinytorch.ops.activation import Softmax
from tinytorch.tensor import Tensor


def _check_shapes(query: Tensor, key: Tensor, value: Tensor) -> None:
    """query (..., L, E), key (..., S, E), value (..., S, Ev), or a ShapeError naming them."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        if t.ndim < 2:
            raise ShapeError(
                f"scaled_dot_product_attention: {name} must have at least 2 dimensions "
                f"(..., length, features), got shape {t.shape}"
            )
    if query.shape[-1] != key.shape[-1]:
        raise ShapeError(
            f"scaled_dot_product_attention: query (..., L, E) and key (..., S, E) need the same "
            f"E, got query {query.shape} and key {key.shape}"
        )
    if key.shape[-2] != value.shape[-2]:
        raise ShapeError(
            f"scaled_dot_product_attention: key (..., S, E) and value (..., S, Ev) need the "
            f"same S, got key {key.shape} and value {value.shape}"
        )


def _check_mask(mask: Tensor, scores_shape: tuple[int, ...]) -> None:
    """A bool or float mask that broadcasts to the scores' shape (..., L, S)."""
    if mask.dtype.kind not in "bf":
        raise DTypeError(
            f"scaled_dot_product_attention: attn_mask must be bool (True = attend) or float "
            f"(added to the scores), got dtype {mask.dtype}"
        )
    try:
        fits = np.broadcast_shapes(mask.shape, scores_shape) == scores_shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(
            f"scaled_dot_product_attention: attn_mask of shape {mask.shape} does not broadcast "
            f"to the attention scores' shape (..., L, S) = {scores_shape}"
        )


def _scores_shape(query: Tensor, key: Tensor) -> tuple[int, ...]:
    """(..., L, S): the batch dimensions of query and key broadcast, or a ShapeError."""
    try:
        batch = np.broadcast_shapes(query.shape[:-2], key.shape[:-2])
    except ValueError:
        raise ShapeError(
            f"scaled_dot_product_attention: the batch dimensions of query {query.shape} and "
            f"key {key.shape} do not broadcast"
        ) from None
    return (*batch, query.shape[-2], key.shape[-2])


def causal_mask(query_length: int, key_length: int) -> np.ndarray:
    """PyTorch's causal mask: (L, S) bool, True where key ``j <= i`` for query ``i``.

    Aligned to the top-left corner (``tril`` of ones), also when L != S.
    """
    # BEGIN SOLUTION
    # TODO: return the (L, S) lower triangle (diagonal included) as a bool array.
    # HINT: masking.triangle(rows, cols) gives exactly that.
    return masking.triangle(query_length, key_length)
    # END SOLUTION


def softmax_over_keys(scores: Tensor, masked: bool = True) -> Tensor:
    """Softmax over the last dimension (the keys), with zeros for rows masked entirely.

    A row whose every score is ``-inf`` has no key to attend to: a plain softmax computes
    ``0 / 0 = nan`` there, and the nan would spread through every later layer and gradient.
    Such rows are set to 0 before the softmax and their weights to 0 after it, so their output
    is zero and they pass no gradient, as in PyTorch 2.x. (A causal mask always leaves key 0,
    so only a given mask can empty a row: ``masked=False`` skips the check.)
    """
    empty = np.isneginf(scores.data).all(axis=-1, keepdims=True) if masked else None
    if empty is None or not empty.any():
        return Softmax.apply(scores, dim=scores.ndim - 1)
    weights = Softmax.apply(scores.masked_fill(empty, 0.0), dim=scores.ndim - 1)
    return weights.masked_fill(empty, 0.0)


def attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> tuple[Tensor, Tensor]:
    """``(output, weights)``: scaled dot-product attention and its (..., L, S) weights.

    The arguments are those of :func:`scaled_dot_product_attention` (checked there). The
    weights are the ones the output was computed with: after dropout, if any.
    """
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    # BEGIN SOLUTION
    # TODO: scores = (query * scale) @ key^T; apply the mask; softmax over the keys; dropout
    #   the weights when dropout_p > 0; return (weights @ value, weights).
    # HINT: key.transpose(-2, -1) is (..., E, S). Masks: is_causal -> masked_fill the pairs
    #   outside causal_mask(L, S) with -inf; a bool attn_mask -> masked_fill(~mask, -inf); a
    #   float attn_mask -> add it (cast to the scores' dtype). Then
    #   softmax_over_keys(scores, masked=...) (given) and dropout(weights, p, training=True).
    scores = (query * scale).matmul(key.transpose(-2, -1))
    if is_causal:
        scores = scores.masked_fill(~causal_mask(*scores.shape[-2:]), -math.inf)
    elif attn_mask is not None and attn_mask.dtype.kind == "b":
        scores = scores.masked_fill(~attn_mask.data, -math.inf)
    elif attn_mask is not None:
        scores = scores + attn_mask.to(scores.dtype)
    weights = softmax_over_keys(scores, masked=attn_mask is not None)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights.matmul(value), weights
    # END SOLUTION


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """``softmax(query @ key^T * scale + mask) @ value``, as PyTorch's function of this name.

    Args:
        query: (..., L, E).
        key: (..., S, E).
        value: (..., S, Ev). Leading (batch, head) dimensions broadcast, as in matmul.
        attn_mask: bool (True = may attend) or float (added to the scores), broadcastable
            to (..., L, S).
        dropout_p: probability of dropping each attention weight (inverted dropout); applied
            whenever it is > 0, as in PyTorch (pass 0.0 in evaluation).
        is_causal: attend only to keys ``j <= i`` (top-left aligned); excludes ``attn_mask``.
        scale: the factor of the scores, ``1 / sqrt(E)`` when None.

    Returns:
        (..., L, Ev).

    Raises:
        RuntimeError: ``attn_mask`` together with ``is_causal=True``.
        ShapeError: shapes that do not fit (named in the message).
        DTypeError: a mask that is neither bool nor float.
    """
    _check_shapes(query, key, value)
    dropout_p = _check_probability(dropout_p)
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError(
                "scaled_dot_product_attention: an explicit attn_mask should not be set when "
                "is_causal=True (is_causal builds the causal mask itself); pass one or the other"
            )
        _check_mask(attn_mask, _scores_shape(query, key))
    output, _ = attention(query, key, value, attn_mask, dropout_p, is_causal, scale)
    return output

"""Multi-head attention, as ``torch.nn.MultiheadAttention``.

One attention head computes one weighted average per query: it can look for one kind of
relation at a time. Multi-head attention runs ``num_heads`` of them side by side on smaller
projections (``head_dim = embed_dim / num_heads``): one head may follow the previous token,
another the subject of the sentence. The heads' outputs are concatenated and mixed by a final
linear layer::

    q, k, v = query W_q^T + b_q,  key W_k^T + b_k,  value W_v^T + b_v     (N, L|S, E)
    split E into H heads of D = E / H                                     (N, H, L|S, D)
    out     = scaled_dot_product_attention(q, k, v, mask)                 (N, H, L, D)
    output  = concat(heads) W_o^T + b_o                                   (N, L, E)

The heads cost no more than one head of width E: the split is a reshape, and all heads go
through attention in one batched matmul (heads are a batch dimension, never a Python loop).

**PyTorch's layout**, so that its state dicts load: the three input projections are stacked
in one ``in_proj_weight`` of shape (3E, E) (rows ``[0:E]`` for q, ``[E:2E]`` for k, ``[2E:3E]``
for v) with ``in_proj_bias`` (3E,), and ``out_proj`` is a ``Linear(E, E)``. Inputs are
sequence-first (L, N, E) unless ``batch_first=True``, and an unbatched (L, E) input works too.

**Masks mean the opposite of scaled_dot_product_attention's**, as in PyTorch: here a boolean
``True`` marks a position that may *not* be attended (``key_padding_mask`` True = padding).
Float masks are added to the scores in both.
"""

from __future__ import annotations

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import DTypeError, ShapeError
from tinytorch.nn import init
from tinytorch.nn.attention import attention
from tinytorch.nn.dropout import _check_probability
from tinytorch.nn.linear import Linear, linear
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter
from tinytorch.tensor import Tensor


def as_additive_mask(mask: Tensor, name: str, dtype) -> np.ndarray:
    """A bool mask (True = may not attend) as 0 / -inf, or a float mask as is, in ``dtype``."""
    if mask.dtype.kind not in "bf":
        raise DTypeError(f"{name} must be bool (True = ignore) or float (added), got {mask.dtype}")
    # BEGIN SOLUTION
    # TODO: turn a bool mask into -inf where True and 0 elsewhere; cast a float mask to dtype.
    # HINT: np.where(mask, -np.inf, 0.0).astype(dtype).
    if mask.dtype.kind == "b":
        return np.where(mask.data, -np.inf, 0.0).astype(dtype)
    return mask.data.astype(dtype, copy=False)
    # END SOLUTION


class MultiheadAttention(Module):
    """Multi-head attention with PyTorch's arguments, parameters and forward signature.

    Args:
        embed_dim: E, the model width (of query, key, value and output).
        num_heads: H; must divide ``embed_dim`` (each head has ``head_dim = E // H``).
        dropout: dropout probability on the attention weights (in training mode only).
        bias: whether the input and output projections have biases.
        add_bias_kv, add_zero_attn, kdim, vdim: PyTorch's options for extra key/value rows and
            key/value widths other than E; accepted at their defaults only (an error otherwise).
        batch_first: inputs and outputs are (N, L, E) instead of (L, N, E).
        dtype: the parameters' dtype (default float32).

    Attributes:
        in_proj_weight: (3 * E, E), Xavier-uniform.
        in_proj_bias: (3 * E,), zeros (None without bias).
        out_proj: ``Linear(E, E)`` with Linear's initialisation and a zero bias.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        dtype=None,
    ) -> None:
        super().__init__()
        for name, value in (("embed_dim", embed_dim), ("num_heads", num_heads)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"MultiheadAttention {name} must be a positive integer, got {value!r}"
                )
        if embed_dim % num_heads:
            raise ValueError(
                f"embed_dim must be divisible by num_heads, got embed_dim={embed_dim} and "
                f"num_heads={num_heads}"
            )
        if (
            add_bias_kv
            or add_zero_attn
            or kdim not in (None, embed_dim)
            or vdim not in (None, embed_dim)
        ):
            raise ValueError(
                "tinytorch's MultiheadAttention supports add_bias_kv=False, add_zero_attn=False "
                f"and kdim = vdim = embed_dim only, got add_bias_kv={add_bias_kv}, "
                f"add_zero_attn={add_zero_attn}, kdim={kdim}, vdim={vdim}"
            )
        dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
        self.embed_dim, self.num_heads = int(embed_dim), int(num_heads)
        self.head_dim = self.embed_dim // self.num_heads
        self.kdim = self.vdim = self.embed_dim
        self._qkv_same_embed_dim = True
        self.dropout = _check_probability(dropout)
        self.batch_first = bool(batch_first)
        # BEGIN SOLUTION
        # TODO: create in_proj_weight (3E, E), in_proj_bias (3E,) or None, and out_proj, a
        #   Linear(E, E, bias=bias); then call self._reset_parameters().
        # HINT: register_parameter("in_proj_bias", None) when bias is False, so the attribute
        #   exists; pass dtype to Linear too.
        e = self.embed_dim
        self.in_proj_weight = Parameter(np.empty((3 * e, e), dtype=dtype))
        if bias:
            self.in_proj_bias = Parameter(np.empty((3 * e,), dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(e, e, bias=bias, dtype=dtype)
        self._reset_parameters()
        # END SOLUTION

    def _reset_parameters(self) -> None:
        """PyTorch's initialisation: Xavier-uniform ``in_proj_weight``, zero biases; the
        ``out_proj`` weight keeps ``Linear``'s default."""
        # BEGIN SOLUTION
        # TODO: xavier_uniform_ the in_proj_weight; zero in_proj_bias and out_proj.bias.
        init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
        if self.out_proj.bias is not None:
            init.zeros_(self.out_proj.bias)
        # END SOLUTION

    def _in_projection(self, query: Tensor, key: Tensor, value: Tensor):
        """q, k, v as (N, H, L|S, head_dim) from (N, L|S, E) inputs.

        Self-attention (one tensor passed three times) takes one (3E, E) matmul; otherwise each
        input gets its own third of the weight.
        """
        n, h, d = query.shape[0], self.num_heads, self.head_dim
        # BEGIN SOLUTION
        # TODO: project with in_proj_weight/in_proj_bias and split E into H heads of head_dim.
        # HINT: for self-attention, linear(query, W, b) is (N, L, 3E): reshape to
        #   (N, L, 3, H, D), permute to (3, N, H, L, D) and index [0], [1], [2]. Otherwise use
        #   rows [0:E], [E:2E], [2E:3E] of W (and b) for query, key and value, then reshape each
        #   to (N, length, H, D) and transpose(1, 2).
        w, b, e = self.in_proj_weight, self.in_proj_bias, self.embed_dim
        if query is key and key is value:
            qkv = linear(query, w, b).reshape(n, query.shape[1], 3, h, d).permute(2, 0, 3, 1, 4)
            return qkv[0], qkv[1], qkv[2]
        heads = []
        for i, x in enumerate((query, key, value)):
            part = slice(i * e, (i + 1) * e)
            projected = linear(x, w[part], None if b is None else b[part])
            heads.append(projected.reshape(n, x.shape[1], h, d).transpose(1, 2))
        return tuple(heads)
        # END SOLUTION

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` (L, N, E) to ``key``/``value`` (S, N, E) (batch first:
        (N, L, E) and (N, S, E); unbatched: (L, E) and (S, E)).

        Args:
            key_padding_mask: (N, S) or (S,): bool True marks keys to ignore (padding), or
                float values added to every query's scores for that key.
            need_weights: also return the attention weights.
            attn_mask: (L, S) or (N * num_heads, L, S) ((num_heads, L, S) unbatched): bool
                True marks pairs that may *not* attend, or float values added to the scores.
            average_attn_weights: average the returned weights over the heads.
            is_causal: a hint that ``attn_mask`` is the causal mask, as in PyTorch, where it
                requires ``attn_mask``; the mask itself is what is applied.

        Returns:
            ``(output, weights)``: output like ``query``; weights (N, L, S) averaged or
            (N, H, L, S) per head (no N when unbatched), or None when ``need_weights`` is False.
            The weights are those the output used (after dropout, in training).
        """
        unbatched = self._check_inputs(query, key, value)
        if is_causal and attn_mask is None:
            raise RuntimeError(
                "MultiheadAttention: is_causal=True is a hint about attn_mask and needs attn_mask, "
                "as in PyTorch; pass the causal mask itself (True = may not attend), e.g. "
                "tinytorch.tensor(np.triu(np.ones((L, L), bool), 1))"
            )
        if unbatched:
            query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
        elif not self.batch_first:
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        n, length, source = query.shape[0], query.shape[1], key.shape[1]
        mask = self._merged_mask(
            key_padding_mask, attn_mask, n, length, source, unbatched, query.dtype
        )
        # BEGIN SOLUTION
        # TODO: project and split heads, attend (dropout only in training), merge the heads
        #   back to (N, L, E), apply out_proj; undo the batch layout; return (output, weights).
        # HINT: attention(q, k, v, mask, dropout_p) returns (out, weights) of shapes
        #   (N, H, L, D) and (N, H, L, S). out.transpose(1, 2).reshape(N, L, E) merges the
        #   heads. Average the weights with .mean(1) when asked; drop the batch dimension
        #   (output[0], weights[0]) for unbatched inputs, transpose(0, 1) the output back when
        #   not batch_first.
        q, k, v = self._in_projection(query, key, value)
        dropout_p = self.dropout if self.training else 0.0
        out, weights = attention(q, k, v, mask, dropout_p)
        output = self.out_proj(out.transpose(1, 2).reshape(n, length, self.embed_dim))
        if unbatched:
            output = output[0]
        elif not self.batch_first:
            output = output.transpose(0, 1)
        if not need_weights:
            return output, None
        if average_attn_weights:
            weights = weights.mean(1)
        return output, (weights[0] if unbatched else weights)
        # END SOLUTION

    def _check_inputs(self, query: Tensor, key: Tensor, value: Tensor) -> bool:
        """Whether the inputs are unbatched (2-D); a ShapeError for anything that does not fit."""
        if query.ndim not in (2, 3):
            raise ShapeError(
                f"MultiheadAttention expects query of shape (L, N, E), (N, L, E) with "
                f"batch_first, or unbatched (L, E); got {query.shape}"
            )
        for name, t in (("query", query), ("key", key), ("value", value)):
            if t.ndim != query.ndim or t.shape[-1] != self.embed_dim:
                raise ShapeError(
                    f"MultiheadAttention: {name} must be {query.ndim}-D like query with last "
                    f"dimension embed_dim={self.embed_dim}; got query {query.shape}, {name} "
                    f"{t.shape}"
                )
        batch_dim, seq_dim = (0, 1) if self.batch_first else (1, 0)
        if (
            query.ndim == 3
            and not query.shape[batch_dim] == key.shape[batch_dim] == value.shape[batch_dim]
        ):
            raise ShapeError(
                f"MultiheadAttention: query, key and value need the same batch size (dim "
                f"{batch_dim}), got {query.shape}, {key.shape} and {value.shape}"
            )
        seq = 0 if query.ndim == 2 else seq_dim
        if key.shape[seq] != value.shape[seq]:
            raise ShapeError(
                f"MultiheadAttention: key and value need the same length, got {key.shape} and "
                f"{value.shape}"
            )
        return query.ndim == 2

    def _merged_mask(self, key_padding_mask, attn_mask, n, length, source, unbatched, dtype):
        """Both masks as one additive (N|1, H|1, L, S) float Tensor, or None if there are none."""
        h = self.num_heads
        merged = None
        if attn_mask is not None:
            allowed = [
                (length, source),
                (h, length, source) if unbatched else (n * h, length, source),
            ]
            if tuple(attn_mask.shape) not in allowed:
                raise ShapeError(
                    f"MultiheadAttention: attn_mask must have shape {' or '.join(map(str, allowed))}, "
                    f"got {attn_mask.shape}"
                )
            merged = as_additive_mask(attn_mask, "attn_mask", dtype)
            # (L, S) serves every batch element and head; (N * H, L, S) is one per pair.
            heads = (n, h) if attn_mask.ndim == 3 else (1, 1)
            merged = merged.reshape(*heads, length, source)
        if key_padding_mask is not None:
            expected = (source,) if unbatched else (n, source)
            if tuple(key_padding_mask.shape) != expected:
                raise ShapeError(
                    f"MultiheadAttention: key_padding_mask must have shape {expected} (batch, "
                    f"key length), got {key_padding_mask.shape}"
                )
            padding = as_additive_mask(key_padding_mask, "key_padding_mask", dtype)
            padding = padding.reshape(n, 1, 1, source)
            merged = padding if merged is None else merged + padding
        return None if merged is None else Tensor._wrap(merged)

"""``nn.TransformerEncoderLayer``: the block of "Attention Is All You Need", as PyTorch has it.

One encoder layer is self-attention then a position-wise feed-forward network, each wrapped in
a residual connection and a LayerNorm. Where the LayerNorm sits is the one design choice:

- **post-LN** (``norm_first=False``, the 2017 paper and PyTorch's default):
  ``x = norm1(x + attention(x))``, then ``x = norm2(x + feed_forward(x))``;
- **pre-LN** (``norm_first=True``, GPT-2 and most models since):
  ``x = x + attention(norm1(x))``, then ``x = x + feed_forward(norm2(x))``.

Post-LN normalises the residual stream itself after every layer; pre-LN only normalises what
each sub-layer reads, leaving a clean sum from input to output, which trains deep stacks
without a learning-rate warm-up. Both share this class's parameters and names, so a PyTorch
state dict of either loads.
"""

from __future__ import annotations

from collections.abc import Callable

from tinytorch.nn import functional as F
from tinytorch.nn.dropout import Dropout
from tinytorch.nn.linear import Linear
from tinytorch.nn.module import Module
from tinytorch.nn.multihead_attention import MultiheadAttention
from tinytorch.nn.normalization import LayerNorm
from tinytorch.tensor import Tensor

_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def _activation(activation) -> Callable[[Tensor], Tensor]:
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation should be 'relu' or 'gelu', not {activation!r}")
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(f"activation must be 'relu', 'gelu' or a callable, got {activation!r}")
    return activation


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward network with residuals and LayerNorms.

    Args:
        d_model: the number of features of each token.
        nhead: attention heads (must divide ``d_model``).
        dim_feedforward: the hidden width of the feed-forward network.
        dropout: dropout on the attention weights, inside the feed-forward network and on
            both residual branches.
        activation: ``"relu"``, ``"gelu"`` or a callable (a function or a module).
        layer_norm_eps: ``eps`` of both LayerNorms.
        batch_first: inputs are (N, S, E) if True, else (S, N, E) as PyTorch's default.
        norm_first: pre-LN if True, post-LN (the 2017 paper's) if False.
        bias: biases in the linear layers and the LayerNorms.
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src`` (S, N, E), or (N, S, E) with ``batch_first``; same shape out.

        ``src_mask`` (S, S) and ``src_key_padding_mask`` (N, S) follow
        ``nn.MultiheadAttention``'s mask semantics; ``is_causal`` hints that ``src_mask`` is
        the causal mask.
        """
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal: bool) -> Tensor:
        """Self-attention sub-layer (before its residual addition)."""
        out, _ = self.self_attn(
            x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
            need_weights=False, is_causal=is_causal,
        )  # fmt: skip
        return self.dropout1(out)

    def _ff_block(self, x: Tensor) -> Tensor:
        """Feed-forward sub-layer (before its residual addition)."""
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

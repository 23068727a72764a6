"""A GPT: a decoder-only transformer that predicts the next token, and samples text with it.

The model reads a sequence of token ids ``idx`` (B, T) and, at every position t, outputs scores
(logits) for the token at t + 1, having seen only tokens 0..t. Its parts, bottom to top:

1. **Embeddings.** Each id looks up a learned vector of ``d_model`` numbers; each position 0..T-1
   looks up another, so that the model knows the order of the tokens. Their sum is the
   "residual stream" every block reads from and adds to.
2. **Blocks** (``n_layer`` of them), each pre-LN (GPT-2's arrangement):
   ``x = x + attention(layer_norm(x))`` then ``x = x + mlp(layer_norm(x))``. Attention lets each
   position gather information from earlier positions (a causal mask hides the later ones); the
   MLP then transforms each position on its own. Normalising *before* each sub-layer leaves
   the residual path an untouched sum, so gradients reach the first layer undiminished.
3. **Head.** A final LayerNorm, then a linear map back to ``vocab_size`` scores. Its weight is
   the token embedding table itself ("weight tying", Press & Wolf 2017): the same vector
   represents a token coming in and scores it going out, with ``vocab_size * d_model`` fewer
   parameters.

Training is next-token prediction: ``targets`` is ``idx`` shifted left by one, and the loss is
the cross-entropy over all B * T positions at once. At initialisation every token is about
equally likely, so the loss starts near ``ln(vocab_size)``: a quick health check.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from tinytorch import autograd, nn
from tinytorch.errors import DTypeError, ShapeError
from tinytorch.nn import functional as F
from tinytorch.nn import init
from tinytorch.random import default_generator
from tinytorch.tensor import Tensor

#: GPT-2's initialisation: every weight matrix and embedding from N(0, 0.02**2).
INIT_STD = 0.02


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which position t only sees positions 0..t.

    One fused ``qkv_proj`` computes queries, keys and values for all heads in a single matrix
    multiply (d_model -> 3 * d_model); the heads then run as one batched
    ``F.scaled_dot_product_attention`` call over (B, n_head, T, head_dim) tensors, and
    ``out_proj`` mixes the concatenated heads back into the residual stream.
    """

    def __init__(self, d_model: int, n_head: int, dropout: float = 0.0) -> None:
        super().__init__()
        if d_model % n_head:
            raise ValueError(
                f"d_model ({d_model}) must be divisible by n_head ({n_head}): each head gets "
                "d_model / n_head features"
            )
        self.n_head, self.dropout = n_head, dropout
        self.qkv_proj = nn.Linear(d_model, 3 * d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, d_model) -> (B, T, d_model)."""
        B, T, C = x.shape
        head_dim = C // self.n_head
        qkv = self.qkv_proj(x).reshape(B, T, 3, self.n_head, head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        dropout_p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p, is_causal=True)
        y = y.transpose(1, 2).reshape(B, T, C)
        return self.resid_dropout(self.out_proj(y))


class MLP(nn.Module):
    """The position-wise feed-forward network: d_model -> 4 d_model -> GELU -> d_model."""

    def __init__(self, d_model: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.fc = nn.Linear(d_model, 4 * d_model)
        self.gelu = nn.GELU(approximate="tanh")  # GPT-2's form of GELU
        self.proj = nn.Linear(4 * d_model, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        return self.dropout(self.proj(self.gelu(self.fc(x))))


class Block(nn.Module):
    """One pre-LN transformer block: ``x + attn(ln_1(x))``, then ``x + mlp(ln_2(x))``."""

    def __init__(self, d_model: int, n_head: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_head, dropout)
        self.ln_2 = nn.LayerNorm(d_model)
        self.mlp = MLP(d_model, dropout)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


def _positive_int(value, name: str) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"GPT {name} must be a positive integer, got {value!r}")
    return int(value)


class GPT(nn.Module):
    """A GPT-2-style language model, as in nanoGPT, with PyTorch-style modules.

    Args:
        vocab_size: the number of distinct token ids.
        block_size: the longest context the model reads (the number of learned positions).
        n_layer: the number of transformer blocks.
        n_head: attention heads per block; must divide ``d_model``.
        d_model: the width of the residual stream (the embedding size).
        dropout: dropout probability on embeddings, attention weights and residual branches.

    ``lm_head.weight`` *is* ``token_embedding.weight`` (one Parameter, tied). Weights are
    initialised as GPT-2's: N(0, 0.02) for every Linear and Embedding, zero biases, and the
    two projections that write into the residual stream in each block (``attn.out_proj`` and
    ``mlp.proj``) scaled down by ``1 / sqrt(2 * n_layer)``, so that the stream's variance
    does not grow with depth.
    """

    def __init__(
        self,
        vocab_size: int,
        block_size: int,
        n_layer: int,
        n_head: int,
        d_model: int,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.vocab_size = _positive_int(vocab_size, "vocab_size")
        self.block_size = _positive_int(block_size, "block_size")
        self.n_layer = _positive_int(n_layer, "n_layer")
        n_head, d_model = _positive_int(n_head, "n_head"), _positive_int(d_model, "d_model")
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(block_size, d_model)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(d_model, n_head, dropout) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = self.token_embedding.weight
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                init.normal_(module.weight, 0.0, INIT_STD)
            if isinstance(module, nn.Linear) and module.bias is not None:
                init.zeros_(module.bias)
        residual_std = INIT_STD / math.sqrt(2 * n_layer)
        for block in self.blocks:
            init.normal_(block.attn.out_proj.weight, 0.0, residual_std)
            init.normal_(block.mlp.proj.weight, 0.0, residual_std)

    def _check_ids(self, ids, name: str, allow_ignored: bool = False) -> Tensor:
        """``ids`` as a (B, T) integer Tensor of valid token ids, or a clear error."""
        if not isinstance(ids, Tensor):
            ids = Tensor(np.asarray(ids))
        if ids.dtype.kind not in "iu":
            raise DTypeError(f"GPT {name} must hold integer token ids, got dtype {ids.dtype}")
        if ids.ndim != 2:
            raise ShapeError(f"GPT {name} must have shape (batch, time), got {ids.shape}")
        data = ids.data
        valid = (data >= 0) & (data < self.vocab_size)
        if allow_ignored:
            valid |= data == -100  # F.cross_entropy's default ignore_index
        if data.size and not valid.all():
            bad = int(data[~valid][0])
            raise IndexError(
                f"GPT {name} holds the id {bad}, outside [0, {self.vocab_size}) for "
                f"vocab_size {self.vocab_size}"
            )
        return ids

    def forward(self, idx, targets=None) -> tuple[Tensor, Tensor | None]:
        """Logits for the next token at every position, and the loss if ``targets`` are given.

        Args:
            idx: (B, T) integer token ids, T <= block_size.
            targets: optional (B, T) ids of the next tokens; a target of -100 is ignored.

        Returns:
            ``(logits, loss)``: logits (B, T, vocab_size); loss the mean cross-entropy over
            all positions, or None without targets.
        """
        idx = self._check_ids(idx, "idx")
        B, T = idx.shape
        if self.block_size < T:
            raise ShapeError(
                f"GPT got a sequence of length {T}, longer than its block_size "
                f"{self.block_size}: crop the context to the last {self.block_size} tokens"
            )
        if targets is not None:
            targets = self._check_ids(targets, "targets", allow_ignored=True)
            if targets.shape != idx.shape:
                raise ShapeError(
                    f"GPT targets must have the shape of idx {idx.shape}, got {targets.shape}"
                )
        positions = Tensor(np.arange(T))
        x = self.dropout(self.token_embedding(idx) + self.position_embedding(positions))
        for block in self.blocks:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.reshape(B * T, self.vocab_size), targets.reshape(B * T))
        return logits, loss

    def generate(
        self,
        idx,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        *,
        seed: int | None = None,
    ) -> Tensor:
        """Extend ``idx`` (B, T) by ``max_new_tokens`` sampled tokens; returns (B, T + new).

        Each step feeds the last ``block_size`` tokens (the context is cropped, so generation
        can run past ``block_size``), takes the logits of the last position, divides them by
        ``temperature``, keeps the ``top_k`` largest (if given) and samples from their softmax.
        ``temperature=0`` or ``top_k=1`` is greedy decoding (always the most likely token).
        ``seed`` makes the draws reproducible without touching the global generator (without
        it, they come from ``tinytorch.manual_seed``'s generator). The model runs in
        evaluation mode and without a graph; its training mode is restored afterwards.
        """
        tokens = self._check_ids(idx, "idx").data.astype(np.int64)
        if not isinstance(max_new_tokens, numbers.Integral) or max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be a non-negative int, got {max_new_tokens!r}")
        if not isinstance(temperature, numbers.Real) or not temperature >= 0:
            raise ValueError(f"temperature must be a number >= 0, got {temperature!r}")
        if top_k is not None and (not isinstance(top_k, numbers.Integral) or top_k < 1):
            raise ValueError(f"top_k must be None or a positive int, got {top_k!r}")
        if tokens.shape[1] == 0:
            raise ShapeError("GPT.generate needs at least one token of context per sequence")
        rng = default_generator() if seed is None else np.random.default_rng(seed)
        was_training = self.training
        self.eval()
        try:
            with autograd.no_grad():
                for _ in range(int(max_new_tokens)):
                    logits, _ = self(Tensor(tokens[:, -self.block_size :]))
                    next_ids = sample_next_token(logits.data[:, -1], temperature, top_k, rng)
                    tokens = np.concatenate([tokens, next_ids[:, None]], axis=1)
        finally:
            self.train(was_training)
        return Tensor(tokens)


def sample_next_token(
    logits: np.ndarray, temperature: float, top_k: int | None, rng: np.random.Generator
) -> np.ndarray:
    """One token id per row of ``logits`` (B, vocab): greedy, or sampled as ``generate`` says."""
    if temperature == 0 or top_k == 1:
        return logits.argmax(axis=-1)
    scores = logits.astype(np.float64) / float(temperature)
    if top_k is not None and top_k < scores.shape[-1]:
        kth = np.partition(scores, -top_k, axis=-1)[:, -top_k, None]
        scores = np.where(scores < kth, -np.inf, scores)
    probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
    cdf = np.cumsum(probs, axis=-1)
    u = rng.random((scores.shape[0], 1))
    return (cdf <= u * cdf[:, -1:]).sum(axis=-1)

"""Workload e's two comparison columns: a GPT train step in plain NumPy, and the same GPT in PyTorch.

Both compute exactly what ``tinytorch.models.GPT`` computes: token + position embeddings,
pre-LN blocks (LayerNorm, fused qkv projection, causal attention over all heads at once, output
projection, residual; LayerNorm, MLP 4x with tanh-GELU, residual), a final LayerNorm and an
output head tied to the token embedding; mean cross-entropy over all positions; AdamW.
Parameters come in tinytorch's ``parameters()`` order, so weights copy across one to one.

The NumPy floor is what a careful engineer writes by hand: every gradient derived analytically
(LayerNorm's closed form, softmax's Jacobian-vector product), no graph, no temporaries kept
beyond what the backward pass reads, float32 throughout.
"""

from __future__ import annotations

import math

import numpy as np

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float = 1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    inv_std = 1.0 / np.sqrt((centered * centered).mean(axis=-1, keepdims=True) + eps)
    x_hat = centered * inv_std
    return x_hat * w + b, (x_hat, inv_std, w)


def layer_norm_backward(grad: np.ndarray, cache):
    x_hat, inv_std, w = cache
    g = grad * w
    grad_x = (g - g.mean(axis=-1, keepdims=True)
              - x_hat * (g * x_hat).mean(axis=-1, keepdims=True)) * inv_std  # fmt: skip
    lead = tuple(range(grad.ndim - 1))
    return grad_x, (grad * x_hat).sum(axis=lead), grad.sum(axis=lead)


def gelu_tanh(x: np.ndarray):
    th = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
    return 0.5 * x * (1 + th), th


def gelu_tanh_backward(grad: np.ndarray, x: np.ndarray, th: np.ndarray) -> np.ndarray:
    du = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
    return grad * (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * du)


def dense(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x (..., in) @ w.T + b, as one 2-D matrix multiply."""
    out = x.reshape(-1, x.shape[-1]) @ w.T
    out += b
    return out.reshape(*x.shape[:-1], w.shape[0])


def dense_backward(grad: np.ndarray, x: np.ndarray, w: np.ndarray):
    g2, x2 = grad.reshape(-1, grad.shape[-1]), x.reshape(-1, x.shape[-1])
    return (g2 @ w).reshape(x.shape), g2.T @ x2, g2.sum(axis=0)


class AdamW:
    """AdamW with PyTorch's defaults (weight decay 1e-2, decoupled), in place."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        self.params, self.lr, self.betas, self.eps, self.wd = params, lr, betas, eps, weight_decay
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads) -> None:
        self.t += 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1 - beta1**self.t)
        root_correction = math.sqrt(1 - beta2**self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            p *= 1.0 - self.lr * self.wd
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            p -= step_size * m / (np.sqrt(v) / root_correction + self.eps)


PER_BLOCK = 12  # ln_1 w/b, qkv w/b, out w/b, ln_2 w/b, fc w/b, proj w/b


class NumpyGPT:
    """The GPT forward, backward and AdamW step by hand (parameters in tinytorch's order)."""

    def __init__(self, params: list[np.ndarray], n_head: int) -> None:
        self.params = [p.copy() for p in params]
        self.n_head = n_head
        self.n_layer = (len(params) - 4) // PER_BLOCK
        self.optimizer = AdamW(self.params)

    def _blocks(self):
        for i in range(self.n_layer):
            yield self.params[2 + PER_BLOCK * i : 2 + PER_BLOCK * (i + 1)]

    def forward_backward(self, idx: np.ndarray, targets: np.ndarray):
        wte, wpe = self.params[0], self.params[1]
        B, T = idx.shape
        C = wte.shape[1]
        H, D = self.n_head, C // self.n_head
        scale = 1.0 / math.sqrt(D)
        causal = np.triu(np.full((T, T), -np.inf, dtype=wte.dtype), 1)  # added to the scores
        x = wte[idx] + wpe[:T]
        caches = []
        for (
            ln1w,
            ln1b,
            qkvw,
            qkvb,
            outw,
            outb,
            ln2w,
            ln2b,
            fcw,
            fcb,
            projw,
            projb,
        ) in self._blocks():
            h, ln1 = layer_norm(x, ln1w, ln1b)
            q, k, v = dense(h, qkvw, qkvb).reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4)
            scores = (q * scale) @ k.transpose(0, 1, 3, 2)
            scores += causal
            scores -= scores.max(axis=-1, keepdims=True)
            p = np.exp(scores)
            p /= p.sum(axis=-1, keepdims=True)
            y = (p @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
            x = x + dense(y, outw, outb)
            h2, ln2 = layer_norm(x, ln2w, ln2b)
            f = dense(h2, fcw, fcb)
            g, th = gelu_tanh(f)
            x = x + dense(g, projw, projb)
            caches.append((h, ln1, q, k, v, p, y, h2, ln2, f, g, th))
        hf, lnf = layer_norm(x, self.params[-2], self.params[-1])
        logits = hf.reshape(B * T, C) @ wte.T
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows, labels = np.arange(B * T), targets.reshape(-1)
        loss = float(-log_probs[rows, labels].mean())
        dlogits = np.exp(log_probs)
        dlogits[rows, labels] -= 1
        dlogits /= B * T

        grads: list = [None] * len(self.params)
        grads[0] = dlogits.T @ hf.reshape(B * T, C)  # the head's share of the tied weight
        dx, grads[-2], grads[-1] = layer_norm_backward((dlogits @ wte).reshape(B, T, C), lnf)
        for i in reversed(range(self.n_layer)):
            base = 2 + PER_BLOCK * i
            _, _, qkvw, _, outw, _, _, _, fcw, _, projw, _ = self.params[base : base + PER_BLOCK]
            h, ln1, q, k, v, p, y, h2, ln2, f, g, th = caches[i]
            dg, grads[base + 10], grads[base + 11] = dense_backward(dx, g, projw)
            dh2, grads[base + 8], grads[base + 9] = dense_backward(
                gelu_tanh_backward(dg, f, th), h2, fcw
            )
            dln2, grads[base + 6], grads[base + 7] = layer_norm_backward(dh2, ln2)
            dx = dx + dln2
            dy, grads[base + 4], grads[base + 5] = dense_backward(dx, y, outw)
            dy = dy.reshape(B, T, H, D).transpose(0, 2, 1, 3)
            dp = dy @ v.transpose(0, 1, 3, 2)
            dv = p.transpose(0, 1, 3, 2) @ dy
            dscores = p * (dp - (dp * p).sum(axis=-1, keepdims=True))
            dq = (dscores @ k) * scale
            dk = dscores.transpose(0, 1, 3, 2) @ (q * scale)
            dqkv = np.stack([dq, dk, dv]).transpose(1, 3, 0, 2, 4).reshape(B, T, 3 * C)
            dh, grads[base + 2], grads[base + 3] = dense_backward(dqkv, h, qkvw)
            dln1, grads[base], grads[base + 1] = layer_norm_backward(dh, ln1)
            dx = dx + dln1
        np.add.at(grads[0], idx.reshape(-1), dx.reshape(B * T, C))
        grads[1] = np.zeros_like(wpe)
        grads[1][:T] = dx.sum(axis=0)
        return loss, grads

    def train_step(self, idx: np.ndarray, targets: np.ndarray) -> float:
        loss, grads = self.forward_backward(idx, targets)
        self.optimizer.step(grads)
        return loss


def torch_gpt(torch, vocab_size: int, block_size: int, n_layer: int, n_head: int, d_model: int):
    """The same GPT as a PyTorch module (parameters in tinytorch's order, head tied)."""
    nn, F = torch.nn, torch.nn.functional

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ln_1, self.qkv = nn.LayerNorm(d_model), nn.Linear(d_model, 3 * d_model)
            self.out = nn.Linear(d_model, d_model)
            self.ln_2, self.fc = nn.LayerNorm(d_model), nn.Linear(d_model, 4 * d_model)
            self.proj = nn.Linear(4 * d_model, d_model)

        def forward(self, x):
            B, T, C = x.shape
            qkv = self.qkv(self.ln_1(x)).view(B, T, 3, n_head, C // n_head).permute(2, 0, 3, 1, 4)
            y = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], is_causal=True)
            x = x + self.out(y.transpose(1, 2).reshape(B, T, C))
            return x + self.proj(F.gelu(self.fc(self.ln_2(x)), approximate="tanh"))

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.wte, self.wpe = (
                nn.Embedding(vocab_size, d_model),
                nn.Embedding(block_size, d_model),
            )
            self.blocks = nn.ModuleList([Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab_size, bias=False)
            self.head.weight = self.wte.weight

        def forward(self, idx, targets):
            x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
            for block in self.blocks:
                x = block(x)
            logits = self.head(self.ln_f(x))
            return F.cross_entropy(logits.view(-1, vocab_size), targets.view(-1))

    return GPT()

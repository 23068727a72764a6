"""The NumPy floor: the benchmark workloads written directly in NumPy, with no framework.

Each function here computes exactly what the matching tinytorch model computes (same layers,
same loss, same Adam update, float32 throughout), the way a careful engineer would write it by
hand: im2col convolutions as one big ``tensordot``, non-overlapping pooling by reshaping, and
analytic gradients. ``scripts/bench.py`` times tinytorch against these in the same run; the
ratio is what the framework's abstractions (tensors, the graph, modules) cost.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# ----------------------------------------------------------------------------- layers


def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int) -> tuple[np.ndarray, tuple]:
    """Stride-1 convolution, NCHW, as im2col + one batched matmul.

    The columns are laid out (N, C*kh*kw, OH*OW) so that ``weight (O, K) @ cols (N, K, L)``
    lands directly in NCHW order: the fastest plain-NumPy formulation we know.
    """
    n, c = x.shape[:2]
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))) if padding else x
    view = sliding_window_view(xp, (kh, kw), axis=(2, 3))  # N, C, OH, OW, kh, kw
    oh, ow = view.shape[2:4]
    cols = view.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)  # the one copy
    out = np.matmul(w.reshape(o, -1), cols).reshape(n, o, oh, ow)
    out += b.reshape(o, 1, 1)
    return out, (xp.shape, cols, w, padding)


def conv2d_backward(grad: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`conv2d` w.r.t. input, weight and bias."""
    padded_shape, cols, w, padding = cache
    n, o, oh, ow = grad.shape
    c, kh, kw = w.shape[1:]
    grad = grad.reshape(n, o, oh * ow)
    grad_b = grad.sum(axis=(0, 2))
    grad_w = np.matmul(grad, cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    grad_cols = np.matmul(w.reshape(o, -1).T, grad).reshape(n, c, kh, kw, oh, ow)
    grad_xp = np.zeros(padded_shape, dtype=grad.dtype)
    for i in range(kh):  # scatter back one kernel offset at a time (kh*kw slices)
        for j in range(kw):
            grad_xp[:, :, i : i + oh, j : j + ow] += grad_cols[:, :, i, j]
    if padding:
        grad_xp = grad_xp[:, :, padding:-padding, padding:-padding]
    return grad_xp, grad_w, grad_b


def max_pool2(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """2x2 max pooling with stride 2 (H and W even): the max of the four strided quarters."""
    quarters = (x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2], x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2])
    out = np.maximum(np.maximum(quarters[0], quarters[1]), np.maximum(quarters[2], quarters[3]))
    return out, (x.shape, quarters, out)


def max_pool2_backward(grad: np.ndarray, cache: tuple) -> np.ndarray:
    """Route each window's gradient to the position(s) holding its maximum."""
    shape, quarters, out = cache
    grad_x = np.empty(shape, dtype=grad.dtype)
    for (i, j), quarter in zip(((0, 0), (0, 1), (1, 0), (1, 1)), quarters, strict=True):
        grad_x[:, :, i::2, j::2] = grad * (quarter == out)
    return grad_x


def linear(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    return x @ w.T + b


def linear_backward(grad: np.ndarray, x: np.ndarray, w: np.ndarray):
    return grad @ w, grad.T @ x, grad.sum(axis=0)


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy and its gradient w.r.t. the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = logits.shape[0]
    loss = -log_probs[np.arange(n), labels].mean()
    grad = np.exp(log_probs)
    grad[np.arange(n), labels] -= 1
    return float(loss), grad / n


class Adam:
    """Adam with PyTorch's defaults, updating the arrays in place."""

    def __init__(
        self, params: list[np.ndarray], lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8
    ):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        beta1, beta2 = self.betas
        correction1, correction2 = 1 - beta1**self.t, 1 - beta2**self.t
        step_size = self.lr / correction1
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            p -= step_size * m / (np.sqrt(v / correction2) + self.eps)


# ----------------------------------------------------------------------------- workloads


class MLP:
    """784-128-64-10 with ReLU, cross-entropy, Adam."""

    def __init__(self, weights: list[np.ndarray]) -> None:
        self.params = [w.copy() for w in weights]  # w1, b1, w2, b2, w3, b3
        self.adam = Adam(self.params)

    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        w1, b1, w2, b2, w3, b3 = self.params
        h1 = np.maximum(linear(x, w1, b1), 0)
        h2 = np.maximum(linear(h1, w2, b2), 0)
        loss, g = cross_entropy(linear(h2, w3, b3), y)
        g, gw3, gb3 = linear_backward(g, h2, w3)
        g, gw2, gb2 = linear_backward(g * (h2 > 0), h1, w2)
        _, gw1, gb1 = linear_backward(g * (h1 > 0), x, w1)
        self.adam.step([gw1, gb1, gw2, gb2, gw3, gb3])
        return loss


class ConvNet:
    """Convolutions (stride 1, ReLU, 2x2 max pooling) followed by linear layers, trained by Adam.

    ``convs`` is a list of (weight, bias, padding); ``linears`` a list of (weight, bias), with
    ReLU between linear layers. This covers LeNet-5 and the CIFAR CNN of the benchmark.
    """

    def __init__(self, convs: list[tuple], linears: list[tuple]) -> None:
        self.convs = [(w.copy(), b.copy(), p) for w, b, p in convs]
        self.linears = [(w.copy(), b.copy()) for w, b in linears]
        params = [a for w, b, _ in self.convs for a in (w, b)] + [
            a for pair in self.linears for a in pair
        ]
        self.adam = Adam(params)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list]:
        caches = []
        for w, b, padding in self.convs:
            x, conv_cache = conv2d(x, w, b, padding)
            relu_mask = x > 0
            x, pool_cache = max_pool2(x * relu_mask)
            caches.append((conv_cache, relu_mask, pool_cache))
        flat_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        inputs = []
        for index, (w, b) in enumerate(self.linears):
            inputs.append(x)
            x = linear(x, w, b)
            if index < len(self.linears) - 1:
                x = np.maximum(x, 0)
        return x, [caches, flat_shape, inputs]

    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        logits, (caches, flat_shape, inputs) = self.forward(x)
        loss, g = cross_entropy(logits, y)
        linear_grads = []
        for index in reversed(range(len(self.linears))):
            w, _ = self.linears[index]
            if index < len(self.linears) - 1:
                g = g * (inputs[index + 1] > 0)
            g, gw, gb = linear_backward(g, inputs[index], w)
            linear_grads[:0] = [gw, gb]
        g = g.reshape(flat_shape)
        conv_grads = []
        for (_, _, _), (conv_cache, relu_mask, pool_cache) in zip(
            reversed(self.convs), reversed(caches), strict=True
        ):
            g = max_pool2_backward(g, pool_cache) * relu_mask
            g, gw, gb = conv2d_backward(g, conv_cache)
            conv_grads[:0] = [gw, gb]
        self.adam.step(conv_grads + linear_grads)
        return loss


def conv_forward_backward(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, grad: np.ndarray, padding: int
):
    """One convolution forward and backward (workload d)."""
    out, cache = conv2d(x, w, b, padding)
    return out, conv2d_backward(grad, cache)

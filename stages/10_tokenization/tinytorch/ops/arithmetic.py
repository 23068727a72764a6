"""Arithmetic: + - * / ** negation and matrix multiplication, with NumPy broadcasting.

Broadcasting lets a (3, 1) tensor meet a (4,) tensor: NumPy stretches both to (3, 4) without
copying. The forward pass gets it for free; the backward pass must undo it (``unbroadcast``).
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function, unbroadcast


class Add(Function):
    """a + b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b

    def backward(self, grad: np.ndarray):
        a, b = self.inputs
        return unbroadcast(grad, a.shape), unbroadcast(grad, b.shape)


class Sub(Function):
    """a - b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a - b

    def backward(self, grad: np.ndarray):
        a, b = self.inputs
        return unbroadcast(grad, a.shape), unbroadcast(-grad, b.shape)


class Mul(Function):
    """a * b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a * b

    def backward(self, grad: np.ndarray):
        a, b = self.inputs
        return unbroadcast(grad * b, a.shape), unbroadcast(grad * a, b.shape)


class Div(Function):
    """a / b (true division)"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a / b

    def backward(self, grad: np.ndarray):
        a, b = self.inputs
        grad_a = unbroadcast(grad / b, a.shape)
        grad_b = unbroadcast(-grad * self.output / b, b.shape)
        return grad_a, grad_b


class Neg(Function):
    """-a"""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return -a

    def backward(self, grad: np.ndarray):
        return (-grad,)


class Pow(Function):
    """a ** b, for a tensor or a number on either side."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a**b

    def backward(self, grad: np.ndarray):
        a, b = self.inputs
        grad_a = grad_b = None
        if self.needs_input_grad[0]:
            with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1, masked below
                slope = np.where(b == 0, 0, b * a ** (b - 1)).astype(a.dtype, copy=False)
            grad_a = unbroadcast(grad * slope, a.shape)
        if self.needs_input_grad[1]:
            # log(a) is real only for a > 0. At a == 0 the output a**b is 0 (for b > 0), so
            # the product is taken as 0, as PyTorch does; for a < 0 it is nan.
            positive = a > 0
            log_a = np.log(np.where(positive, a, 1))
            log_a = np.where(positive, log_a, np.where(a == 0, 0, np.nan).astype(a.dtype))
            grad_b = unbroadcast(grad * self.output * log_a, b.shape)
        return grad_a, grad_b


class MatMul(Function):
    """a @ b with NumPy's rules: 1-D operands are vectors; leading (batch) dims broadcast."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(
                f"matmul needs tensors with at least 1 dimension, got shapes {a.shape} and "
                f"{b.shape}; use * to multiply by a scalar"
            )
        inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != inner_b:
            raise ValueError(
                f"matmul shape mismatch: {a.shape} @ {b.shape} needs a's last dimension "
                f"({a.shape[-1]}) to equal b's {'only' if b.ndim == 1 else 'second-to-last'} "
                f"dimension ({inner_b})"
            )
        return np.matmul(a, b)

    def backward(self, grad: np.ndarray):
        a, b = self.inputs
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if a.ndim == 1 and b.ndim == 1:
            grad = grad.reshape(1, 1)
        elif a.ndim == 1:
            grad = np.expand_dims(grad, -2)
        elif b.ndim == 1:
            grad = np.expand_dims(grad, -1)
        grad_a = grad_b = None
        if self.needs_input_grad[0]:
            grad_a = unbroadcast(np.matmul(grad, np.swapaxes(b2, -1, -2)), a2.shape)
            grad_a = grad_a.reshape(a.shape)
        if self.needs_input_grad[1]:
            grad_b = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), grad), b2.shape)
            grad_b = grad_b.reshape(b.shape)
        return grad_a, grad_b

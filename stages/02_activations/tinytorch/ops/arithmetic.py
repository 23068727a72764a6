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
        raise NotImplementedError("Add.backward arrives in stage 05 (Autograd)")


class Sub(Function):
    """a - b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a - b

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Sub.backward arrives in stage 05 (Autograd)")


class Mul(Function):
    """a * b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a * b

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Mul.backward arrives in stage 05 (Autograd)")


class Div(Function):
    """a / b (true division)"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a / b

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Div.backward arrives in stage 05 (Autograd)")


class Neg(Function):
    """-a"""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return -a

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Neg.backward arrives in stage 05 (Autograd)")


class Pow(Function):
    """a ** b, for a tensor or a number on either side."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a**b

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Pow.backward arrives in stage 05 (Autograd)")


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
        raise NotImplementedError("MatMul.backward arrives in stage 05 (Autograd)")

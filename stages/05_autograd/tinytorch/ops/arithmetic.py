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
        # TODO: d(a+b)/da = d(a+b)/db = 1; undo broadcasting for each input.
        raise NotImplementedError(
            "stage 05: Add.backward: d(a+b)/da = d(a+b)/db = 1; undo broadcasting for each input."
        )


class Sub(Function):
    """a - b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a - b

    def backward(self, grad: np.ndarray):
        # TODO: d(a-b)/da = 1, d(a-b)/db = -1; undo broadcasting.
        raise NotImplementedError(
            "stage 05: Sub.backward: d(a-b)/da = 1, d(a-b)/db = -1; undo broadcasting."
        )


class Mul(Function):
    """a * b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a * b

    def backward(self, grad: np.ndarray):
        # TODO: d(a*b)/da = b and d(a*b)/db = a; undo broadcasting.
        raise NotImplementedError(
            "stage 05: Mul.backward: d(a*b)/da = b and d(a*b)/db = a; undo broadcasting."
        )


class Div(Function):
    """a / b (true division)"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a / b

    def backward(self, grad: np.ndarray):
        # TODO: d(a/b)/da = 1/b and d(a/b)/db = -a/b**2 = -out/b; undo broadcasting.
        raise NotImplementedError(
            "stage 05: Div.backward: d(a/b)/da = 1/b and d(a/b)/db = -a/b**2 = -out/b; undo broadcasting."
        )


class Neg(Function):
    """-a"""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return -a

    def backward(self, grad: np.ndarray):
        # TODO: d(-a)/da = -1.
        raise NotImplementedError("stage 05: Neg.backward: d(-a)/da = -1.")


class Pow(Function):
    """a ** b, for a tensor or a number on either side."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a**b

    def backward(self, grad: np.ndarray):
        # TODO: d(a**b)/da = b * a**(b-1) (0 where b == 0); d(a**b)/db = a**b * log(a) (a > 0).
        # HINT: compute each gradient only if self.needs_input_grad says it is wanted: x ** 2
        #   never needs the exponent's, and 2 ** x never needs the base's. x ** 0 is constant,
        #   but at x = 0 the formula gives 0 * 0**-1 = nan: np.where(b == 0, 0, ...) fixes it.
        raise NotImplementedError(
            "stage 05: Pow.backward: d(a**b)/da = b * a**(b-1) (0 where b == 0); d(a**b)/db = a**b * log(a) (a > 0)."
        )


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
        # TODO: dL/da = grad @ b^T and dL/db = a^T @ grad, for vectors and batches too.
        # HINT: treat a 1-D a as a row (1, k) and a 1-D b as a column (k, 1), then remove
        #   those axes again, and sum away broadcast batch dimensions (unbroadcast). Skip a
        #   product nobody needs (self.needs_input_grad): the input x of a first layer needs
        #   no gradient, and its product is the most expensive one.
        raise NotImplementedError(
            "stage 05: MatMul.backward: dL/da = grad @ b^T and dL/db = a^T @ grad, for vectors and batches too."
        )

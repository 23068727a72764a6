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
        # BEGIN SOLUTION
        # TODO: return the elementwise sum; NumPy broadcasts the shapes for you.
        return a + b
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(a+b)/da = d(a+b)/db = 1; undo broadcasting for each input.
        a, b = self.inputs
        return unbroadcast(grad, a.shape), unbroadcast(grad, b.shape)
        # END SOLUTION


class Sub(Function):
    """a - b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the elementwise difference.
        return a - b
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(a-b)/da = 1, d(a-b)/db = -1; undo broadcasting.
        a, b = self.inputs
        return unbroadcast(grad, a.shape), unbroadcast(-grad, b.shape)
        # END SOLUTION


class Mul(Function):
    """a * b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the elementwise product.
        return a * b
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(a*b)/da = b and d(a*b)/db = a; undo broadcasting.
        a, b = self.inputs
        return unbroadcast(grad * b, a.shape), unbroadcast(grad * a, b.shape)
        # END SOLUTION


class Div(Function):
    """a / b (true division)"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the elementwise quotient.
        return a / b
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(a/b)/da = 1/b and d(a/b)/db = -a/b**2 = -out/b; undo broadcasting.
        a, b = self.inputs
        grad_a = unbroadcast(grad / b, a.shape)
        grad_b = unbroadcast(-grad * self.output / b, b.shape)
        return grad_a, grad_b
        # END SOLUTION


class Neg(Function):
    """-a"""

    def forward(self, a: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the elementwise negation.
        return -a
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(-a)/da = -1.
        return (-grad,)
        # END SOLUTION


class Pow(Function):
    """a ** b, for a tensor or a number on either side."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return a raised to b elementwise.
        return a**b
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(a**b)/da = b * a**(b-1) (0 where b == 0); d(a**b)/db = a**b * log(a) (a > 0).
        # HINT: compute each gradient only if self.needs_input_grad says it is wanted: x ** 2
        #   never needs the exponent's, and 2 ** x never needs the base's. x ** 0 is constant,
        #   but at x = 0 the formula gives 0 * 0**-1 = nan: np.where(b == 0, 0, ...) fixes it.
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
        # END SOLUTION


class MatMul(Function):
    """a @ b with NumPy's rules: 1-D operands are vectors; leading (batch) dims broadcast."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the matrix product, raising ValueError if the inner dimensions differ.
        # HINT: np.matmul does the batching. A 1-D a has its "inner" dim at a.shape[-1];
        #   a 1-D b has it at b.shape[0], otherwise at b.shape[-2]; the error names both
        #   shapes. A 0-d operand has no inner dim: a ValueError too, suggesting * instead.
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
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: dL/da = grad @ b^T and dL/db = a^T @ grad, for vectors and batches too.
        # HINT: treat a 1-D a as a row (1, k) and a 1-D b as a column (k, 1), then remove
        #   those axes again, and sum away broadcast batch dimensions (unbroadcast). Skip a
        #   product nobody needs (self.needs_input_grad): the input x of a first layer needs
        #   no gradient, and its product is the most expensive one.
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
        if self.needs_input_grad[1] and b.ndim == 2 and a.ndim > 2:
            # A stack of inputs times one matrix (a Linear layer on (B, T, in)): fold the
            # batch into the rows, so one large product replaces B small ones and their sum.
            rows = a.reshape(-1, a.shape[-1])
            grad_b = np.swapaxes(rows, 0, 1) @ grad.reshape(-1, grad.shape[-1])
        elif self.needs_input_grad[1]:
            grad_b = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), grad), b2.shape)
            grad_b = grad_b.reshape(b.shape)
        return grad_a, grad_b
        # END SOLUTION

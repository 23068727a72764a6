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
        # TODO: return the elementwise sum; NumPy broadcasts the shapes for you.
        raise NotImplementedError(
            "stage 01: Add.forward: return the elementwise sum; NumPy broadcasts the shapes for you."
        )

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Add.backward arrives in stage 05 (Autograd)")


class Sub(Function):
    """a - b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # TODO: return the elementwise difference.
        raise NotImplementedError("stage 01: Sub.forward: return the elementwise difference.")

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Sub.backward arrives in stage 05 (Autograd)")


class Mul(Function):
    """a * b"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # TODO: return the elementwise product.
        raise NotImplementedError("stage 01: Mul.forward: return the elementwise product.")

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Mul.backward arrives in stage 05 (Autograd)")


class Div(Function):
    """a / b (true division)"""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # TODO: return the elementwise quotient.
        raise NotImplementedError("stage 01: Div.forward: return the elementwise quotient.")

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Div.backward arrives in stage 05 (Autograd)")


class Neg(Function):
    """-a"""

    def forward(self, a: np.ndarray) -> np.ndarray:
        # TODO: return the elementwise negation.
        raise NotImplementedError("stage 01: Neg.forward: return the elementwise negation.")

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Neg.backward arrives in stage 05 (Autograd)")


class Pow(Function):
    """a ** b, for a tensor or a number on either side."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # TODO: return a raised to b elementwise.
        raise NotImplementedError("stage 01: Pow.forward: return a raised to b elementwise.")

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Pow.backward arrives in stage 05 (Autograd)")


class MatMul(Function):
    """a @ b with NumPy's rules: 1-D operands are vectors; leading (batch) dims broadcast."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # TODO: return the matrix product, raising ValueError if the inner dimensions differ.
        # HINT: np.matmul does the batching. A 1-D a has its "inner" dim at a.shape[-1];
        #   a 1-D b has it at b.shape[0], otherwise at b.shape[-2]; the error names both
        #   shapes. A 0-d operand has no inner dim: a ValueError too, suggesting * instead.
        raise NotImplementedError(
            "stage 01: MatMul.forward: return the matrix product, raising ValueError if the inner dimensions differ."
        )

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("MatMul.backward arrives in stage 05 (Autograd)")

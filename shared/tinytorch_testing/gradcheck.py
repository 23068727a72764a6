"""Finite-difference gradient checking.

The derivative of f at x is the limit of (f(x + h) - f(x - h)) / 2h. With h = 1e-6 and float64
arithmetic, that *central* difference is accurate to about 1e-9 for smooth functions, which
makes it an independent referee for a hand-written backward pass: if the two disagree, the
backward pass is wrong (or the function is not differentiable at x).

We check vector-Jacobian products, which is what ``backward(gradient=v)`` computes: for a
random upstream gradient v, the gradient of sum(v * f(x)) with respect to each input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


class GradcheckError(AssertionError):
    """The analytic gradient does not match the numerical one."""


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at ``x`` (float64).

    ``f`` is called twice per element of ``x``; ``x`` is restored after each probe.
    """
    x = np.asarray(x)
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient needs float64 input for accuracy, got {x.dtype}")
    grad = np.zeros_like(x)
    flat, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):  # one probe per element: this loop is the method
        original = flat[i]
        flat[i] = original + eps
        plus = float(f(x))
        flat[i] = original - eps
        minus = float(f(x))
        flat[i] = original
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def _tensor_type():
    from tinytorch import Tensor  # the stage under test's package

    return Tensor


def gradcheck(
    fn: Callable,
    *inputs,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
    tensor_type=None,
    names: Sequence[str] | None = None,
) -> None:
    """Check the backward pass of ``fn`` against finite differences.

    Args:
        fn: maps tinytorch tensors (and any other arguments) to a tensor.
        inputs: float64 NumPy arrays become tensors with ``requires_grad=True`` and are
            checked; anything else (integer targets, options) is passed through unchanged.
        eps: the finite-difference step.
        atol, rtol: elementwise tolerance ``|analytic - numeric| <= atol + rtol * |numeric|``.
        seed: seeds the random upstream gradient.
        tensor_type: the Tensor class (default: ``tinytorch.Tensor`` of the stage under test).
        names: what each input is (``("input", "weight", "bias")``), for the failure message.

    Raises:
        GradcheckError: naming the input, the worst element and both values.
    """
    Tensor = tensor_type or _tensor_type()
    checked = [i for i, x in enumerate(inputs) if isinstance(x, np.ndarray) and x.dtype.kind == "f"]
    if not checked:
        raise ValueError("gradcheck needs at least one float NumPy array among the inputs")
    for i in checked:
        if inputs[i].dtype != np.float64:
            raise TypeError(f"gradcheck input {i} must be float64, got {inputs[i].dtype}")
    arrays = [x.copy() if i in checked else x for i, x in enumerate(inputs)]

    def label(i: int) -> str:
        return f"{names[i]} (input {i})" if names and i < len(names) else f"input {i}"

    def call(values: Sequence) -> object:
        args = [Tensor(v, requires_grad=True) if i in checked else v for i, v in enumerate(values)]
        return args, fn(*args)

    args, out = call(arrays)
    out_data = np.asarray(out.data)
    if out_data.dtype != np.float64:
        raise GradcheckError(f"fn returned dtype {out_data.dtype} for float64 inputs")
    v = np.random.default_rng(seed).standard_normal(out_data.shape)
    out.backward(Tensor(v) if out_data.ndim else None)
    if out_data.ndim == 0:
        v = np.float64(1.0)

    for i in checked:
        analytic = args[i].grad
        if analytic is None:
            raise GradcheckError(f"{label(i)} got no gradient (its .grad is None after backward)")
        analytic = np.asarray(analytic.data)
        if analytic.shape != arrays[i].shape:
            raise GradcheckError(
                f"{label(i)}: gradient shape {analytic.shape} != input shape {arrays[i].shape}"
            )

        def scalar(x, i=i):
            values = list(arrays)
            values[i] = x
            _, result = call(values)
            return float(np.sum(np.asarray(result.data) * v))

        numeric = numerical_gradient(scalar, arrays[i].copy(), eps)
        error = np.abs(analytic - numeric)
        bad = error > atol + rtol * np.abs(numeric)
        if np.any(bad):
            worst = np.where(bad, error - rtol * np.abs(numeric), -np.inf)
            index = np.unravel_index(int(np.argmax(worst)), bad.shape) if bad.ndim else ()
            index = tuple(int(j) for j in index)
            raise GradcheckError(
                f"gradient of {label(i)} (shape {arrays[i].shape}) is wrong at index {index}: "
                f"backward gives {analytic[index]:.6g}, finite differences give "
                f"{numeric[index]:.6g} (max abs error {error.max():.3g})"
            )

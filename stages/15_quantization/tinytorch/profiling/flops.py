"""Counting floating-point operations (FLOPs) from shapes, as ``torch.utils.flop_counter``.

How much arithmetic does a model do? Not a guess: every operation's inputs have shapes, and a
matrix product of an (m, k) by a (k, n) matrix does m*n dot products of length k, that is
m*n*k multiplications and as many additions. PyTorch's convention, used here, counts a
**multiply-add as 2 FLOPs**, so that product costs ``2*m*n*k``; a bias addition, an
activation or a softmax costs nothing next to it and is not counted.

What is counted (forward, and the backward of each, input by input):

=========================  ==============================================================
operation                  FLOPs of the forward
=========================  ==============================================================
``a @ b`` (MatMul)         ``2 * batch * m * k * n`` (batch dimensions broadcast)
``Conv2d``                 ``2 * N * C_out * OH * OW * (C_in / groups) * kh * kw``
attention                  ``2*B*L*S*E`` for ``q @ k^T`` plus ``2*B*L*S*Ev`` for ``@ v``
``LayerNorm``              ``7`` per element (see :func:`layer_norm_flop`)
=========================  ==============================================================

A ``Linear`` layer is a MatMul plus a bias, so it costs ``2 * batch * in * out``. Attention
written from MatMuls is counted through them, with the same total as the formula above. In
the backward pass a product needs two products of the same size, one per input, so training a
layer costs about three times its forward: the counter sees exactly which inputs asked for a
gradient (``needs_input_grad``) and counts only those products.

:class:`FlopCounterMode` watches operations while its ``with`` block runs (see
:mod:`tinytorch.profiling.observe`) and adds up each one's formula from
:data:`flop_registry`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from tinytorch.autograd import no_grad
from tinytorch.function import Function
from tinytorch.nn.module import Module
from tinytorch.ops import arithmetic
from tinytorch.ops import conv as conv_ops
from tinytorch.ops import normalization as normalization_ops
from tinytorch.profiling.observe import OpObserver, op_name

Shape = tuple[int, ...]
#: ``formula(fn, input_shapes, out_shape) -> FLOPs`` of one call of an operation.
FlopFormula = Callable[[Function, list[Shape], Shape], int]

#: (operation class, "forward" or "backward") -> its FLOP formula.
flop_registry: dict[tuple[type[Function], str], FlopFormula] = {}


def register_flop_formula(targets, phase: str = "forward"):
    """Decorator: ``formula`` counts the FLOPs of ``targets`` (a Function class or several).

    ``phase`` says which pass it counts, ``"forward"`` or ``"backward"``.
    """
    if phase not in ("forward", "backward"):
        raise ValueError(f"phase must be 'forward' or 'backward', got {phase!r}")
    targets = targets if isinstance(targets, (tuple, list)) else (targets,)

    def register(formula: FlopFormula) -> FlopFormula:
        for target in targets:
            if not (isinstance(target, type) and issubclass(target, Function)):
                raise TypeError(f"register_flop_formula expects Function classes, got {target!r}")
            flop_registry[(target, phase)] = formula
        return formula

    return register


# ----------------------------------------------------------------------------- formulas


def matmul_flop(a_shape: Shape, b_shape: Shape) -> int:
    """FLOPs of ``a @ b`` with NumPy's rules: ``2 * batch * m * k * n``.

    A 1-D ``a`` is a single row (m = 1), a 1-D ``b`` a single column (n = 1), and the batch
    dimensions (all but the last two) broadcast: ``(4, 1, m, k) @ (3, k, n)`` is 12 products.
    """
    a = (1, *a_shape) if len(a_shape) == 1 else tuple(a_shape)
    b = (*b_shape, 1) if len(b_shape) == 1 else tuple(b_shape)
    batch = math.prod(np.broadcast_shapes(a[:-2], b[:-2]))
    m, k = a[-2:]
    n = b[-1]
    return 2 * batch * m * k * n


def conv_flop(x_shape: Shape, w_shape: Shape, out_shape: Shape) -> int:
    """FLOPs of a 2-D convolution: ``2 * N * C_out * OH * OW * (C_in / groups) * kh * kw``.

    Each output value is one dot product of a (C_in / groups, kh, kw) receptive field with a
    filter; ``w_shape`` is (C_out, C_in / groups, kh, kw), so groups, stride, padding and
    dilation all enter through the shapes. The bias is not counted.
    """
    return 2 * math.prod(out_shape) * math.prod(w_shape[1:])


def sdpa_flop(q_shape: Shape, k_shape: Shape, v_shape: Shape) -> int:
    """FLOPs of scaled dot-product attention: the two products ``q @ k^T`` and ``attn @ v``.

    ``q`` is (*, L, E), ``k`` (*, S, E), ``v`` (*, S, Ev): ``2*B*L*S*E + 2*B*L*S*Ev`` where B
    is the number of (batch, head) pairs. As in PyTorch, the scaling, the mask and the softmax
    are not counted, and a causal mask saves nothing (the full score matrix is computed).
    """
    k_transposed = (*k_shape[:-2], k_shape[-1], k_shape[-2])
    scores = (*np.broadcast_shapes(q_shape[:-2], k_shape[:-2]), q_shape[-2], k_shape[-2])
    return matmul_flop(q_shape, k_transposed) + matmul_flop(scores, v_shape)


#: LayerNorm's arithmetic per element: forward, and the backward of each input.
LAYER_NORM_FLOPS = {"forward": 7, "input": 8, "weight": 2, "bias": 1}


def layer_norm_flop(x_shape: Shape, phase: str = "forward", needs_input_grad=(True,) * 3) -> int:
    """FLOPs of layer normalization of an input of shape ``x_shape``.

    LayerNorm is no matrix product (PyTorch's counter skips it); here every add, subtract,
    multiply or divide on an element counts 1 (operations done once per row, such as the
    square root, are left out):

    - forward, 7 per element: the mean's sum, the subtraction, the square and the variance's
      sum, the multiplication by ``1 / std``, then ``* weight`` and ``+ bias``;
    - backward: the input's gradient ``(g - mean(g) - x_hat * mean(g * x_hat)) / std`` with
      ``g = grad * weight`` costs 8 per element, the weight's gradient (``grad * x_hat``,
      summed) 2 and the bias's (a sum) 1, each only when that input needs a gradient.
    """
    numel = math.prod(x_shape)
    if phase == "forward":
        return LAYER_NORM_FLOPS["forward"] * numel
    per_input = (LAYER_NORM_FLOPS["input"], LAYER_NORM_FLOPS["weight"], LAYER_NORM_FLOPS["bias"])
    return numel * sum(n for n, needed in zip(per_input, needs_input_grad, strict=True) if needed)


# ------------------------------------------------------------- registered for operations


@register_flop_formula(arithmetic.MatMul)
def _matmul_forward(fn: Function, shapes: list[Shape], out_shape: Shape) -> int:
    return matmul_flop(*shapes)


@register_flop_formula(arithmetic.MatMul, phase="backward")
def _matmul_backward(fn: Function, shapes: list[Shape], out_shape: Shape) -> int:
    """grad_a = grad @ b^T and grad_b = a^T @ grad: each a product as large as the forward."""
    return matmul_flop(*shapes) * sum(fn.needs_input_grad)


@register_flop_formula(conv_ops.Conv2d)
def _conv_forward(fn: Function, shapes: list[Shape], out_shape: Shape) -> int:
    return conv_flop(shapes[0], shapes[1], out_shape)


@register_flop_formula(conv_ops.Conv2d, phase="backward")
def _conv_backward(fn: Function, shapes: list[Shape], out_shape: Shape) -> int:
    """grad_x = weight^T @ grad and grad_weight = grad @ columns^T: each as large as the
    forward product (the bias's gradient, a sum, is not counted)."""
    return conv_flop(shapes[0], shapes[1], out_shape) * sum(fn.needs_input_grad[:2])


@register_flop_formula(normalization_ops.LayerNorm)
def _layer_norm_forward(fn: Function, shapes: list[Shape], out_shape: Shape) -> int:
    return layer_norm_flop(shapes[0])


@register_flop_formula(normalization_ops.LayerNorm, phase="backward")
def _layer_norm_backward(fn: Function, shapes: list[Shape], out_shape: Shape) -> int:
    return layer_norm_flop(shapes[0], "backward", fn.needs_input_grad)


# ----------------------------------------------------------------------------- counting


class FlopCounterMode(OpObserver):
    """Count the FLOPs of every operation run inside ``with``, as PyTorch's FlopCounterMode.

    Args:
        model: optionally, a Module whose submodules the FLOPs are attributed to: the counts
            of a module include everything that ran during its forward (its submodules too).

    After the block, :meth:`get_total_flops` is the total and :meth:`get_flop_counts` maps
    ``"Global"`` (and each module's qualified name) to ``{operation name: FLOPs}``. Backward
    operations are named as in PyTorch (``MatMulBackward0``) and are attributed to
    ``"Global"`` only. Operations without a registered formula count 0.
    """

    def __init__(self, model: Module | None = None) -> None:
        self.model = model
        self.flop_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._module_stack: list[str] = []
        self._handles: list = []
        self._shapes: list[Shape] = []

    def __enter__(self) -> FlopCounterMode:
        self.flop_counts.clear()
        if self.model is not None:
            for name, module in self.model.named_modules():
                self._handles.append(module.register_forward_pre_hook(self._push(name)))
                self._handles.append(module.register_forward_hook(self._pop))
        return super().__enter__()

    def __exit__(self, *exc_info) -> None:
        super().__exit__(*exc_info)
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _push(self, name: str):
        def hook(module, args):
            self._module_stack.append(name)

        return hook

    def _pop(self, module, args, output):
        self._module_stack.pop()

    def enter(self, fn: Function, phase: str, arrays) -> None:
        # The backward reads the forward's inputs; the forward, the arrays it is given.
        source = fn.inputs if phase == "backward" else arrays
        self._shapes = [a.shape for a in source]

    def exit(self, fn: Function, phase: str, result) -> None:
        super().exit(fn, phase, result)
        formula = flop_registry.get((type(fn), phase))
        if formula is None:
            return
        out_shape = (fn.output if phase == "backward" else result).shape
        flops = formula(fn, self._shapes, out_shape)
        name = op_name(fn, phase)
        scopes = ["Global"] + (self._module_stack if phase == "forward" else [])
        for scope in dict.fromkeys(scopes):  # a module called inside itself counts once
            self.flop_counts[scope][name] += flops

    def get_total_flops(self) -> int:
        """All FLOPs counted so far."""
        return sum(self.flop_counts["Global"].values()) if "Global" in self.flop_counts else 0

    def get_flop_counts(self) -> dict[str, dict[str, int]]:
        """``{"Global" or module name: {operation name: FLOPs}}``, as plain dicts."""
        return {scope: dict(ops) for scope, ops in self.flop_counts.items()}


def count_flops(model: Module, *inputs) -> int:
    """The FLOPs of one forward pass ``model(*inputs)`` (run without recording a graph).

    For the cost of a training step, run the forward and ``backward()`` inside a
    :class:`FlopCounterMode` instead.
    """
    with no_grad(), FlopCounterMode() as counter:
        model(*inputs)
    return counter.get_total_flops()

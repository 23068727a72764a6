"""Reverse-mode automatic differentiation: the engine behind ``loss.backward()``.

Every recorded operation links its output tensor to a Function, and the Function to its input
tensors. That makes a directed acyclic graph with the loss at the top. ``backward`` visits it
in reverse topological order: a node's gradient is complete only after every consumer of the
node has added its share, so each node's ``backward`` runs exactly once, after all of them.

The order is built with an explicit stack instead of recursion, so a chain of 10 000
operations works without hitting Python's recursion limit.
"""

from __future__ import annotations

from contextlib import ContextDecorator

import numpy as np

_grad_enabled = True


def is_grad_enabled() -> bool:
    """Whether operations are currently being recorded for backward."""
    return _grad_enabled


class _GradMode(ContextDecorator):
    """Switch graph recording to ``mode`` inside a ``with`` block (or a decorated function),
    and back to what it was afterwards."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> None:
        global _grad_enabled
        self.previous = _grad_enabled
        _grad_enabled = self.mode

    def __exit__(self, *exc_info) -> None:
        global _grad_enabled
        _grad_enabled = self.previous

    def _recreate_cm(self) -> _GradMode:
        """Each call of a decorated function gets its own switch, so that recursive calls
        (each remembering its own previous mode) restore the right one."""
        return _GradMode(self.mode)


class no_grad(_GradMode):
    """Do not record operations: for evaluation and for updating parameters in place."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_GradMode):
    """Record operations again inside a ``no_grad`` region."""

    def __init__(self) -> None:
        super().__init__(True)


class set_grad_enabled(_GradMode):
    """Turn recording on or off: in a ``with`` block, as a decorator, or, as in PyTorch, as a
    plain call: ``set_grad_enabled(False)`` switches it off until ``set_grad_enabled(True)``.
    """

    def __init__(self, mode: bool) -> None:
        global _grad_enabled
        super().__init__(mode)
        self.before_call = _grad_enabled
        _grad_enabled = self.mode  # the plain-call form takes effect right away

    def __enter__(self) -> None:
        global _grad_enabled
        _grad_enabled = self.before_call  # as if the call had not switched yet, so that the
        super().__enter__()  # context remembers the mode from before it, and switches

    def __call__(self, function):
        """Used as a decorator: undo the switch the call made; each call switches instead."""
        global _grad_enabled
        _grad_enabled = self.before_call
        return super().__call__(function)


def topological_order(root) -> list:
    """Every tensor ``root`` depends on (requiring grad), each listed after its inputs.

    Iterative depth-first search: a node is emitted when popped the second time, after all the
    nodes it depends on have been emitted.
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        # A Function freed by an earlier backward has no parents; backward() reports it.
        for parent in getattr(node.grad_fn, "parents", ()):
            if parent.requires_grad and id(parent) not in visited:
                stack.append((parent, False))
    return order


def backward(root, grad: np.ndarray, retain_graph: bool = False) -> None:
    """Propagate ``grad`` (dRoot/dRoot) from ``root`` to every leaf that requires grad.

    Leaves accumulate into ``.grad`` (so gradients add up across calls until zeroed); the
    intermediate gradients live only in a dictionary for the duration of the call.
    """
    from tinytorch.tensor import Tensor

    pending = {id(root): grad}
    for node in reversed(topological_order(root)):
        grad = pending.pop(id(node), None)
        if grad is None:
            continue
        fn = node.grad_fn
        if fn is None:
            grad = np.asarray(grad, dtype=node.dtype)
            if node.grad is None:
                node.grad = Tensor._wrap(grad.copy())
            else:
                node.grad.data += grad
            continue
        if not hasattr(fn, "parents"):
            raise RuntimeError(
                "trying to run backward through a graph a second time (its intermediate "
                "values were freed); pass retain_graph=True to the first backward() call"
            )
        parent_grads = fn.backward(grad)
        if not isinstance(parent_grads, tuple):
            parent_grads = (parent_grads,)
        if len(parent_grads) != len(fn.parents):
            raise RuntimeError(
                f"{type(fn).__name__}.backward returned {len(parent_grads)} gradients for "
                f"{len(fn.parents)} inputs"
            )
        for parent, parent_grad in zip(fn.parents, parent_grads, strict=True):
            if parent_grad is None or not parent.requires_grad:
                continue
            if parent_grad.shape != parent.shape:
                raise RuntimeError(
                    f"{type(fn).__name__}.backward returned a gradient of shape "
                    f"{parent_grad.shape} for an input of shape {parent.shape}"
                )
            key = id(parent)
            pending[key] = parent_grad if key not in pending else pending[key] + parent_grad
        if not retain_graph:
            del fn.parents, fn.inputs, fn.output

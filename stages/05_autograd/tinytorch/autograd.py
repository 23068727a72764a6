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
        # TODO: remember the current mode, then switch to self.mode.
        raise NotImplementedError(
            "stage 05: _GradMode.__enter__: remember the current mode, then switch to self.mode."
        )

    def __exit__(self, *exc_info) -> None:
        # TODO: restore the mode that was active before __enter__ (even after an error).
        raise NotImplementedError(
            "stage 05: _GradMode.__exit__: restore the mode that was active before __enter__ (even after an error)."
        )

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
    # TODO: depth-first search with an explicit stack of (tensor, inputs_done) pairs.
    # HINT: push (node, True) before pushing its parents, and emit a node when you pop it
    #   with inputs_done=True. Track visited nodes by id() so shared ones are listed once.
    raise NotImplementedError(
        "stage 05: topological_order: depth-first search with an explicit stack of (tensor, inputs_done) pairs."
    )


def backward(root, grad: np.ndarray, retain_graph: bool = False) -> None:
    """Propagate ``grad`` (dRoot/dRoot) from ``root`` to every leaf that requires grad.

    Leaves accumulate into ``.grad`` (so gradients add up across calls until zeroed); the
    intermediate gradients live only in a dictionary for the duration of the call.
    """
    # TODO: walk topological_order(root) backwards, passing each node's gradient on.
    # HINT: keep a dict id(tensor) -> gradient. At a leaf, add the gradient into
    #   tensor.grad (a copy the first time); at an inner node, call grad_fn.backward(gradient)
    #   and add each result into its parent's entry. Check each returned gradient's shape
    #   against its parent and name the Function in the error: that catches most backward
    #   bugs at their source. Unless retain_graph, `del fn.parents, fn.inputs, fn.output`
    #   once used; a Function without them was freed by an earlier backward: raise
    #   RuntimeError suggesting retain_graph=True.
    raise NotImplementedError(
        "stage 05: backward: walk topological_order(root) backwards, passing each node's gradient on."
    )

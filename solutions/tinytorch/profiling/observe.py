"""Watching every operation: the hook the Profiler and the FLOP counter share.

Every operation in tinytorch goes through ``Function.__call__``, which tells each object in
``tinytorch.function.observers`` when an operation starts (``enter``) and when it has its
result (``exit``). An :class:`OpObserver` is a context manager that puts itself in that list
while its ``with`` block runs, so::

    with FlopCounterMode() as counter:     # an OpObserver
        model(x)

sees every operation the model runs, however the model was written: no layer needs to know
it is being watched. (PyTorch gets the same effect from its dispatcher, one level lower.)

The backward pass calls ``function.backward(grad)`` directly, so an observer that also wants
the backward of an operation wraps that one object's ``backward`` when it sees the forward
run: only operations whose forward ran while someone was watching are seen in backward.
"""

from __future__ import annotations

import numpy as np

from tinytorch import function
from tinytorch.function import Function


def _watch_backward(fn: Function) -> None:
    """Make ``fn.backward`` report to whichever observers are active when it runs."""
    if "backward" in vars(fn):  # already watched
        return
    backward = fn.backward  # the class's method, bound to fn

    def observed_backward(grad: np.ndarray):
        for observer in function.observers:
            observer.enter(fn, "backward", (grad,))
        result = backward(grad)
        for observer in reversed(function.observers):
            observer.exit(fn, "backward", result)
        return result

    fn.backward = observed_backward  # an instance attribute hides the class's method


class OpObserver:
    """Base class of context managers that see every operation's forward and backward.

    Subclasses override :meth:`enter` and :meth:`exit`. ``phase`` is ``"forward"`` or
    ``"backward"``; ``arrays`` are the operation's inputs (for backward: the incoming
    gradient); ``result`` is what it returned.
    """

    def __enter__(self):
        function.observers.append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        function.observers.remove(self)

    def enter(self, fn: Function, phase: str, arrays: tuple[np.ndarray, ...]) -> None:
        """Called just before ``fn`` runs its ``phase``."""

    def exit(self, fn: Function, phase: str, result) -> None:
        """Called just after ``fn`` ran its ``phase``; watches its backward if a graph was
        recorded (the operation then has ``parents``)."""
        if phase == "forward" and hasattr(fn, "parents"):
            _watch_backward(fn)


def op_name(fn: Function, phase: str) -> str:
    """PyTorch's spelling: ``MatMul`` for the forward, ``MatMulBackward0`` for its backward."""
    name = type(fn).__name__
    return name if phase == "forward" else f"{name}Backward0"

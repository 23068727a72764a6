"""The errors tinytorch raises for shapes and sizes that do not fit.

NumPy reports a shape problem as ``ValueError``; PyTorch reports the same problem as
``RuntimeError``. Code written against either convention should work with tinytorch, so a
shape error here is *both*: ``except ValueError`` and ``except RuntimeError`` each catch it.
"""

from __future__ import annotations


class ShapeError(ValueError, RuntimeError):
    """A shape, size or dimension that does not fit the operation.

    Raised, for example, when two shapes do not broadcast, when matmul's inner dimensions
    differ, when reshape's new shape holds a different number of elements, or when ``item()``
    is called on a tensor that does not hold exactly one element. The message names what was
    expected and what arrived.
    """

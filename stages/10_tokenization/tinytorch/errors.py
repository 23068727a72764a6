"""The errors tinytorch raises for shapes, sizes and dtypes that do not fit.

NumPy reports a shape problem as ``ValueError``; PyTorch reports the same problem as
``RuntimeError``. Code written against either convention should work with tinytorch, so a
shape error here is *both*: ``except ValueError`` and ``except RuntimeError`` each catch it.
Likewise a dtype error is both a ``TypeError`` and a ``RuntimeError``.
"""

from __future__ import annotations


class ShapeError(ValueError, RuntimeError):
    """A shape, size or dimension that does not fit the operation.

    Raised, for example, when two shapes do not broadcast, when matmul's inner dimensions
    differ, when reshape's new shape holds a different number of elements, or when ``item()``
    is called on a tensor that does not hold exactly one element. The message names what was
    expected and what arrived.
    """


class DTypeError(TypeError, RuntimeError):
    """A dtype that does not fit the operation, such as class ids stored as floats, or an
    in-place ``int_tensor += 0.5`` whose float result cannot be stored in the int tensor.

    Python calls a wrong kind of value a ``TypeError``; PyTorch raises ``RuntimeError``. This
    is both, for the same reason as :class:`ShapeError`.
    """

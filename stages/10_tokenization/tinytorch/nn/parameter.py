"""Parameter: a tensor that a Module learns.

A ``Parameter`` is an ordinary :class:`~tinytorch.Tensor` with one difference in meaning:
assigning it as an attribute of a :class:`~tinytorch.nn.Module` registers it, so that
``model.parameters()`` finds it and an optimizer can update it. It requires gradients by
default, because learning is what parameters are for.
"""

from __future__ import annotations

import numpy as np

from tinytorch import dtypes
from tinytorch.tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a module's learnable state.

    Args:
        data: the initial values (a Tensor, NumPy array or nested list). A Tensor's or an
            array's dtype is kept; Python floats become float32. A Tensor's storage is shared,
            not copied, as in PyTorch. ``None`` gives an empty float32 parameter.
        requires_grad: whether the parameter is trained (default True).
    """

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty((0,), dtype=dtypes.default_float)
        super().__init__(data, requires_grad=requires_grad)
        if isinstance(data, Tensor):
            self.data = data.data

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

"""Test support shared by every stage of the course.

- :mod:`.strategies`: Hypothesis strategies for shapes, broadcastable shape pairs and arrays.
- :func:`assert_close`: compare tensors/arrays with dtype-aware tolerances and a useful message.
- :func:`gradcheck`: compare a tinytorch backward pass with central finite differences.
- :mod:`.plugin`: the pytest plugin that records points per test for grading.
"""

from tinytorch_testing.assertions import assert_close, tolerances
from tinytorch_testing.gradcheck import GradcheckError, gradcheck, numerical_gradient

__all__ = ["GradcheckError", "assert_close", "gradcheck", "numerical_gradient", "tolerances"]

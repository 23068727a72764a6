# Generated from solutions/tests/stage_03/test_parameter.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: nn.Parameter, a Tensor that a Module learns."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close


@pytest.mark.points(2, hint="call Tensor.__init__ with requires_grad, then share a Tensor's array")
def test_parameter_is_a_trainable_tensor():
    """A Parameter is a Tensor that requires grad by default and shares a Tensor's data."""
    source = tt.randn(2, 3)
    p = nn.Parameter(source)
    assert isinstance(p, tt.Tensor) and p.requires_grad
    assert p.shape == (2, 3) and p.dtype == tt.float32
    assert np.shares_memory(p.data, source.data)
    frozen = nn.Parameter(tt.zeros(4), requires_grad=False)
    assert not frozen.requires_grad
    assert nn.Parameter([1.0, 2.0]).dtype == tt.float32
    assert nn.Parameter(np.zeros(3)).dtype == tt.float64
    assert nn.Parameter().shape == (0,)
    assert repr(nn.Parameter([1.0])).startswith("Parameter containing:\ntensor(")


@pytest.mark.points(1)
def test_parameter_arithmetic_gives_plain_tensors():
    """Operations on Parameters give ordinary Tensors (only assignment registers)."""
    p = nn.Parameter(tt.ones(3))
    out = p * 2
    assert type(out) is tt.Tensor
    assert_close(out, np.full(3, 2.0, dtype=np.float32))
    with pytest.raises(RuntimeError, match="floating-point"):
        nn.Parameter(tt.tensor([1, 2]))

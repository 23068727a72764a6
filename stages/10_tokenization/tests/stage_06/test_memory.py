# Generated from solutions/tests/stage_06/test_memory.py by scripts/build_stages.py: a regression check from stage 06.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Optimizer memory: the state each optimizer keeps, measured in bytes."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import optim

CASES = [
    ("SGD", lambda ps: optim.SGD(ps, lr=0.1), 0),
    ("SGD momentum", lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), 1),
    ("RMSprop", lambda ps: optim.RMSprop(ps), 1),
    ("RMSprop centered + momentum", lambda ps: optim.RMSprop(ps, centered=True, momentum=0.9), 3),
    ("Adam", lambda ps: optim.Adam(ps), 2),
    ("AdamW", lambda ps: optim.AdamW(ps), 2),
    ("Adam amsgrad", lambda ps: optim.Adam(ps, amsgrad=True), 3),
]


def state_bytes(opt) -> int:
    """Bytes held by the arrays in the optimizer's per-parameter state."""
    total = 0
    for state in opt.state.values():
        for value in state.values():
            if isinstance(value, (tt.Tensor, np.ndarray)):
                total += np.asarray(getattr(value, "data", value)).nbytes
    return total


@pytest.mark.points(1, hint="keep only the buffers the rule needs, in the parameter's dtype")
@pytest.mark.parametrize(("name", "factory", "copies"), CASES, ids=[c[0] for c in CASES])
def test_optimizer_state_is_the_expected_multiple_of_the_parameters(name, factory, copies):
    """Measured state bytes: SGD 0x, momentum 1x, RMSprop 1x, Adam 2x the parameter bytes."""
    params = [tt.zeros(64, 32, requires_grad=True), tt.zeros(32, requires_grad=True)]
    opt = factory(params)
    for _ in range(2):
        for p in params:
            p.grad = tt.ones(*p.shape)
        opt.step()
    parameter_bytes = sum(p.data.nbytes for p in params)
    assert state_bytes(opt) == copies * parameter_bytes, name

# Generated from solutions/tests/stage_06/test_convergence.py by scripts/build_stages.py: a regression check from stage 06.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Every optimizer minimizes random convex quadratics, using autograd for the gradients."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import optim

#: name -> (factory given params and the curvature L, number of steps)
SETTINGS = {
    "SGD": (lambda ps, L: optim.SGD(ps, lr=1.0 / L), 40),
    "SGD momentum": (lambda ps, L: optim.SGD(ps, lr=0.5 / L, momentum=0.5), 40),
    "SGD Nesterov": (lambda ps, L: optim.SGD(ps, lr=0.5 / L, momentum=0.5, nesterov=True), 40),
    "Adam": (lambda ps, L: optim.Adam(ps, lr=0.2), 100),
    "AdamW": (lambda ps, L: optim.AdamW(ps, lr=0.2, weight_decay=0.0), 100),
    "RMSprop": (lambda ps, L: optim.RMSprop(ps, lr=0.1), 100),
}


@st.composite
def quadratics(draw):
    """f(x) = 0.5 x^T A x - b^T x with A symmetric positive definite (eigenvalues in [0.5, 4])."""
    n = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    eigenvalues = rng.uniform(0.5, 4.0, n)
    a = (q * eigenvalues) @ q.T
    b = rng.standard_normal(n) * 3
    x0 = rng.standard_normal(n) * 3
    return a.astype(np.float32), b.astype(np.float32), x0.astype(np.float32), eigenvalues.max()


def objective(a, b, x):
    return 0.5 * (x @ (a @ x)) - (b * x).sum()


@pytest.mark.points(1, hint="if one optimizer diverges, compare its step with the rule's formula")
@pytest.mark.parametrize("name", sorted(SETTINGS))
@given(problem=quadratics())
def test_loss_decreases_on_random_convex_quadratics(name, problem):
    """Each optimizer removes at least 90 % of the gap to the minimum of a convex quadratic."""
    a_array, b_array, x0, curvature = problem
    a, b = tt.tensor(a_array), tt.tensor(b_array)
    x = tt.tensor(x0, requires_grad=True)
    factory, steps = SETTINGS[name]
    opt = factory([x], float(curvature))
    x_star = np.linalg.solve(a_array.astype(np.float64), b_array.astype(np.float64))
    f_star = 0.5 * x_star @ a_array @ x_star - b_array @ x_star
    start = objective(a, b, x).item()
    for _ in range(steps):
        opt.zero_grad()
        loss = objective(a, b, x)
        loss.backward()
        opt.step()
    end = objective(a, b, x).item()
    assert x.dtype == np.float32
    assert end - f_star <= 0.1 * (start - f_star) + 1e-3, (name, start, end, f_star)

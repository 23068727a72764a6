# Generated from solutions/tests/stage_05/test_pytorch_rules.py by scripts/build_stages.py: a regression check from stage 05.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 05: gradients and autograd behaviour where PyTorch makes a specific choice."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import shapes


@st.composite
def tied_array_and_dim(draw):
    """A float64 array of few distinct values (so maxima tie) and one of its dims."""
    shape = draw(shapes(min_dims=1, max_dims=3, max_side=4))
    a = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 0.5, 2.0])))
    return a, draw(st.integers(-a.ndim, a.ndim - 1))


@pytest.mark.points(2, hint="max(dim).values are x at the indices: the gradient goes there only")
@given(tied_array_and_dim(), st.booleans())
def test_max_with_dim_sends_the_gradient_to_its_index(case, keepdim):
    """max(dim)/min(dim) give each slice's gradient to the returned (first) index, even when
    several elements tie; amax instead shares it equally among the tied ones."""
    a, dim = case
    upstream = np.random.default_rng(0).standard_normal(np.max(a, axis=dim).shape)
    for name, arg_reduce in (("max", np.argmax), ("min", np.argmin)):
        x = tt.tensor(a, requires_grad=True)
        values, indices = getattr(x, name)(dim, keepdim)
        first = np.expand_dims(arg_reduce(a, axis=dim), dim)  # NumPy also picks the first
        assert_close(indices, first if keepdim else first.squeeze(dim))
        values.backward(tt.tensor(np.expand_dims(upstream, dim) if keepdim else upstream))
        expected = np.zeros_like(a)
        np.put_along_axis(expected, first, np.expand_dims(upstream, dim), axis=dim)
        assert_close(x.grad, expected)
    x = tt.tensor(a, requires_grad=True)
    x.amax(dim).backward(tt.tensor(upstream))
    winners = a == np.max(a, axis=dim, keepdims=True)
    share = winners / winners.sum(axis=dim, keepdims=True)
    assert_close(x.grad, share * np.expand_dims(upstream, dim))


@pytest.mark.points(1, hint="x ** 0 is constant: its slope is 0 even at x = 0 (not 0 * 0**-1)")
def test_pow_gradient_where_the_exponent_is_zero():
    """d(x**b)/dx is 0 where b == 0, also at x = 0 (no nan), and b * x**(b-1) elsewhere."""
    x = tt.tensor([0.0, 0.0, 2.0, 3.0], requires_grad=True)
    b = tt.tensor([0.0, 2.0, 0.0, 2.0], requires_grad=True)
    (x**b).sum().backward()
    assert_close(x.grad, np.array([0.0, 0.0, 0.0, 6.0], np.float32))
    assert_close(b.grad, np.array([0.0, 0.0, math.log(2.0), 9 * math.log(3.0)], np.float32))
    y = tt.tensor([0.0, 1.5], requires_grad=True)
    (y**0).sum().backward()
    assert_close(y.grad, np.zeros(2, np.float32))


@pytest.mark.points(1, hint="a decorated function needs a fresh switch per call (recursion)")
def test_grad_modes_are_reentrant_and_set_grad_enabled_works_as_a_call():
    """A recursive no_grad function restores the mode the outermost call found; and
    set_grad_enabled(False), called plainly, switches recording off until switched back."""

    @tt.no_grad()
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(3) == 3 and tt.is_grad_enabled()
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    try:
        tt.set_grad_enabled(False)
        assert not tt.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        tt.set_grad_enabled(True)
    assert tt.is_grad_enabled() and (x * 2).requires_grad


@pytest.mark.points(1, hint="an all-ignored 'mean' is 0/0: return nan without nan gradients")
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_a_batch_with_every_target_ignored_has_zero_gradients(smoothing):
    """cross_entropy over targets that are all ignore_index is nan, as in PyTorch, but sends
    zero gradients, so such a batch cannot turn every parameter into nan."""
    logits = tt.tensor(np.arange(12.0, dtype=np.float32).reshape(4, 3) / 7, requires_grad=True)
    targets = tt.tensor([-100, -100, -100, -100])
    loss = F.cross_entropy(logits, targets, label_smoothing=smoothing)
    assert math.isnan(loss.item())
    loss.backward()
    assert_close(logits.grad, np.zeros((4, 3), np.float32))
    some = F.cross_entropy(logits, tt.tensor([0, -100, 2, -100]), label_smoothing=smoothing)
    assert math.isfinite(some.item())


@pytest.mark.points(1)
def test_computed_tensors_show_their_grad_fn():
    """A computed tensor prints grad_fn=<MulBackward0> like PyTorch, and its requires_grad
    cannot be switched off (only a leaf's can; detach() is the way out)."""
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    y.sum().backward()
    assert_close(x.grad, np.full(2, 3.0, np.float32))
    assert repr(y) == "tensor([3., 6.], grad_fn=<MulBackward0>)"
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False
    assert not y.detach().requires_grad

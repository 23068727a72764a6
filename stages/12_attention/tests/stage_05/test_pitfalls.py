# Generated from solutions/tests/stage_05/test_pitfalls.py by scripts/build_stages.py: a regression check from stage 05.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 05: exact cases for mistakes that random examples rarely hit (aliased gradients,
gradients at kinks, losses at the edge of their domain)."""

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch_testing import assert_close, gradcheck


@pytest.mark.points(
    3, hint="a leaf's first .grad must be a copy: the incoming array may be shared or read-only"
)
def test_leaf_gradients_are_fresh_arrays_that_accumulate():
    """Each leaf's first .grad is its own writable array: not the gradient passed in, not
    another leaf's, not a read-only broadcast view; later backward calls add into it."""
    a = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = tt.tensor([4.0, 5.0, 6.0], requires_grad=True)
    gradient = tt.tensor([1.0, -2.0, 0.5])
    (a + b).backward(gradient=gradient)
    assert not np.shares_memory(a.grad.data, b.grad.data), "a.grad and b.grad share one array"
    for leaf in (a, b):
        assert not np.shares_memory(leaf.grad.data, gradient.data), (
            ".grad is the very array passed as gradient="
        )
    (a + b).backward(gradient=gradient)
    assert_close(a.grad, 2 * gradient.data)
    assert_close(b.grad, 2 * gradient.data)
    assert_close(gradient, np.array([1.0, -2.0, 0.5], np.float32))  # the caller's array is intact

    x = tt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x.sum().backward()  # sum's backward broadcasts the scalar gradient: often a read-only view
    x.mean().backward()
    x.sum().backward()
    assert_close(x.grad, np.full((2, 2), 2.25, np.float32))


@pytest.mark.points(
    3, hint="at a kink PyTorch picks one side: relu'(0) = 0, clip passes at its bounds"
)
def test_gradients_at_kinks_follow_pytorch():
    """relu'(0) = 0, leaky_relu'(0) = negative_slope, |x|'(0) = 0, and clip passes the gradient
    at exactly its bounds (1 for low <= x <= high), as PyTorch does."""
    x = tt.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    F.relu(x).sum().backward()
    assert_close(x.grad, np.array([0.0, 0.0, 1.0], np.float32))

    x = tt.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    F.leaky_relu(x, 0.1).sum().backward()
    assert_close(x.grad, np.array([0.1, 0.1, 1.0], np.float32))

    x = tt.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    x.abs().sum().backward()
    assert_close(x.grad, np.array([-1.0, 0.0, 1.0], np.float32))

    values = np.array([-2.0, -1.0, 0.0, 2.0, 3.0], np.float32)
    for low, high, expected in [
        (-1.0, 2.0, [0.0, 1.0, 1.0, 1.0, 0.0]),
        (-1.0, None, [0.0, 1.0, 1.0, 1.0, 1.0]),
        (None, 2.0, [1.0, 1.0, 1.0, 1.0, 0.0]),
    ]:
        x = tt.tensor(values, requires_grad=True)
        x.clip(low, high).sum().backward()
        assert_close(x.grad, np.array(expected, np.float32))


@pytest.mark.points(2, hint="clamp x (1 - x) below at 1e-12 in the gradient, as PyTorch does")
def test_binary_cross_entropy_gradient_is_finite_at_zero_and_one():
    """BCE's gradient at predictions of exactly 0 or 1 is finite: (x - y) / max(x (1 - x), 1e-12)."""
    x = tt.tensor([0.0, 1.0, 0.0, 1.0, 0.25], dtype=tt.float64, requires_grad=True)
    y = tt.tensor([0.0, 1.0, 1.0, 0.0, 1.0], dtype=tt.float64)
    F.binary_cross_entropy(x, y, reduction="sum").backward()
    assert np.all(np.isfinite(x.grad.data)), f"BCE gradient {x.grad.data} is not finite"
    expected = np.array([0.0, 0.0, -1e12, 1e12, -0.75 / 0.1875])
    assert_close(x.grad, expected, rtol=1e-9)


@pytest.mark.points(2, hint="each input's gradient goes to that input: check the index you test")
def test_binary_cross_entropy_gradient_reaches_a_target_that_alone_requires_grad():
    """When only the target requires grad, BCE and BCE-with-logits still send it its gradient."""
    x = np.array([[0.2, 0.7], [0.9, 0.4]])
    y = np.array([[0.0, 1.0], [0.5, 0.25]])
    constant = tt.tensor(x)
    gradcheck(lambda t: F.binary_cross_entropy(constant, t), y)
    gradcheck(lambda t: F.binary_cross_entropy_with_logits(constant, t), y)


@pytest.mark.points(2, hint="a 1-D operand is a row (or column) of EVERY matrix in the batch")
def test_matmul_gradients_of_a_vector_with_a_batch_of_matrices():
    """Gradients of vector @ batch-of-matrices and batch-of-matrices @ vector are exact."""
    rng = np.random.default_rng(5)
    vector, batch = rng.standard_normal(3), rng.standard_normal((2, 3, 3))
    gradcheck(lambda v, m: v @ m, vector, batch)
    gradcheck(lambda m, v: m @ v, batch, vector)
    gradcheck(lambda v, m: v @ m, rng.standard_normal(3), rng.standard_normal((2, 2, 3, 4)))


@pytest.mark.points(1, hint="guard the divisions and sums against tensors with no elements")
def test_empty_tensors_get_zero_gradients_of_their_shape():
    """Tensors with no elements backpropagate: a mean over an axis of length 3 in a (0, 3)
    tensor, and a (1,) tensor broadcast against a (0,) one, get gradients of their shape."""
    x = tt.zeros((0, 3), requires_grad=True)
    x.mean(1).sum().backward()
    assert x.grad.shape == (0, 3)
    a = tt.ones((1,), requires_grad=True)
    b = tt.zeros((0,), requires_grad=True)
    (a * b).sum().backward()
    assert_close(a.grad, np.zeros(1, np.float32))
    assert b.grad.shape == (0,)


@pytest.mark.points(1, hint="only a NON-leaf refuses requires_grad_(False)")
def test_requires_grad_can_be_switched_off_on_a_leaf_only():
    """requires_grad_(False) works on a leaf (it stops recording) and is refused on a non-leaf."""
    a = tt.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    assert a.requires_grad_(False) is a and not a.requires_grad
    assert not (a * 2).requires_grad
    with pytest.raises(RuntimeError, match="leaf"):
        b.requires_grad_(False)

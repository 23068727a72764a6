"""Stage 05: the autograd engine (backward, accumulation, grad modes, detach)."""

import collections
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.function import Function
from tinytorch.ops import arithmetic
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import broadcastable_shapes, float_arrays, shapes


@pytest.mark.points(3)
def test_backward_of_a_small_expression():
    """d/dx and d/dy of x*y + x**2 are y + 2x and x; only leaves get .grad."""
    x = tt.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = tt.tensor([4.0, 5.0, -6.0], requires_grad=True)
    z = x * y + x**2
    loss = z.sum()
    loss.backward()
    assert_close(x.grad, np.array([6.0, 1.0, 0.0], np.float32))
    assert_close(y.grad, np.array([1.0, -2.0, 3.0], np.float32))
    assert z.grad is None and loss.grad is None  # non-leaf gradients are not kept
    assert x.is_leaf and not z.is_leaf


@pytest.mark.points(4, hint="build the topological order with an explicit stack, not recursion")
def test_a_10000_op_chain_needs_no_recursion():
    """Backward through a chain of 10 000 operations works (no RecursionError) and is exact."""
    limit = sys.getrecursionlimit()
    x = tt.tensor([1.0, 2.0], dtype=tt.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    try:
        sys.setrecursionlimit(1000)  # Python's default: a recursive walk would die here
        y.sum().backward()
    finally:
        sys.setrecursionlimit(limit)
    assert_close(x.grad, np.full(2, 1.0001**10_000), rtol=1e-9)


@pytest.mark.points(4, hint="accumulate into a dict keyed by node and visit each node once")
@pytest.mark.time_limit(5, means="backward visits nodes more than once (once per path: 2**40)?")
def test_shared_subexpressions_run_each_backward_once(monkeypatch):
    """In y = y + y repeated 40 times (2**40 paths) each node's backward runs exactly once."""
    calls = collections.Counter()
    for cls in (arithmetic.Add, arithmetic.Mul):

        def counting(self, grad, _original=cls.backward):
            calls[id(self)] += 1
            return _original(self, grad)

        monkeypatch.setattr(cls, "backward", counting)
    x = tt.tensor(1.5, dtype=tt.float64, requires_grad=True)
    y = x * 1.0
    nodes = [y.grad_fn]
    for _ in range(40):
        y = y + y
        nodes.append(y.grad_fn)
    y.backward()
    assert_close(x.grad, np.float64(2.0**40))
    assert set(calls) == {id(node) for node in nodes}
    assert all(count == 1 for count in calls.values()), "some backward ran more than once"


@pytest.mark.points(3, hint="add into .grad at a leaf instead of replacing it")
@given(float_arrays(shapes(), dtype=np.float64))
def test_gradients_accumulate_across_backward_calls(a):
    """Two backward passes (separate forwards, or one graph with retain_graph=True) add up."""
    x = tt.tensor(a, requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    assert_close(x.grad, 3 + 2 * a)
    x.grad = None
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    assert_close(x.grad, 4 * a)


@pytest.mark.points(2, hint="after backward without retain_graph the Functions drop their inputs")
def test_second_backward_through_a_freed_graph_explains_itself():
    """A second backward without retain_graph raises RuntimeError suggesting retain_graph."""
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    loss = (x.exp() * 2).sum()
    loss.backward()
    assert_close(x.grad, 2 * np.exp(np.array([1.0, 2.0], np.float32)))
    with pytest.raises(RuntimeError, match="retain_graph"):
        loss.backward()


@pytest.mark.points(3, hint="unbroadcast: sum over added leading axes and stretched size-1 axes")
@given(data=st.data())
def test_broadcasting_is_undone_in_the_gradient(data):
    """Gradients of broadcast operands have their operand's shape and sum over the copies."""
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a = data.draw(float_arrays(shape_a, dtype=np.float64))
    b = data.draw(float_arrays(shape_b, dtype=np.float64))
    x, y = tt.tensor(a, requires_grad=True), tt.tensor(b, requires_grad=True)
    (x + y).sum().backward()
    out_shape = np.broadcast_shapes(shape_a, shape_b)
    copies = np.prod(out_shape, dtype=np.int64)
    assert x.grad.shape == shape_a and y.grad.shape == shape_b
    assert_close(x.grad, np.full(shape_a, copies / max(a.size, 1)))
    assert_close(y.grad, np.full(shape_b, copies / max(b.size, 1)))


@pytest.mark.points(
    3, hint="_GradMode.__enter__ saves the mode, then switches; __exit__ restores it"
)
def test_no_grad_stops_recording():
    """Under no_grad results do not require grad, have no grad_fn, and the mode is restored."""
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    with tt.no_grad():
        assert not tt.is_grad_enabled()
        y = x * 2
        with tt.enable_grad():
            assert tt.is_grad_enabled()
            w = x * 2
        assert not tt.is_grad_enabled()
    assert tt.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert w.requires_grad and w.grad_fn is not None
    w.sum().backward()
    assert_close(x.grad, np.full(2, 2.0, np.float32))


@pytest.mark.points(2, hint="__exit__ restores the saved mode even when the block raised")
def test_grad_modes_work_as_decorators_and_survive_errors():
    """no_grad and set_grad_enabled work as decorators and restore the mode after an error."""

    @tt.no_grad()
    def double(t):
        return t * 2

    @tt.set_grad_enabled(False)
    def triple(t):
        return t * 3

    x = tt.tensor([1.0], requires_grad=True)
    assert not double(x).requires_grad and not triple(x).requires_grad
    assert tt.is_grad_enabled()
    with pytest.raises(ZeroDivisionError), tt.set_grad_enabled(False):
        1 / 0
    assert tt.is_grad_enabled()
    with tt.set_grad_enabled(True):
        assert (x * 2).requires_grad


@pytest.mark.points(2)
def test_in_place_writes_need_no_grad():
    """x[i] = v on a tensor that requires grad raises RuntimeError, but works under no_grad."""
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    with tt.no_grad():
        x[0] = 5.0
    assert_close(x, np.array([5.0, 2.0], np.float32))
    with pytest.raises(RuntimeError, match="no_grad"):
        x[1] = 0.0


@pytest.mark.points(2, hint="detach wraps the same array in a tensor without grad_fn")
def test_detach_cuts_the_graph_but_shares_data():
    """detach() shares the data, does not require grad, and blocks the gradient."""
    x = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.data, x.data)
    (x * d).sum().backward()  # d is a constant: the gradient is d, not 2x
    assert_close(x.grad, np.array([1.0, 2.0, 3.0], np.float32))


@pytest.mark.points(
    3, hint="a result requires grad iff an input does; requires_grad_(False) on a non-leaf raises"
)
def test_requires_grad_propagates_like_pytorch():
    """A result requires grad iff an input does; requires_grad_() sets it on leaves only."""
    a = tt.tensor([1.0, 2.0])
    b = tt.tensor([3.0, 4.0])
    assert not (a * b).requires_grad
    assert a.requires_grad_() is a and a.requires_grad
    c = a * b
    assert c.requires_grad and c.grad_fn is not None and not c.is_leaf
    assert not (a > b).requires_grad  # comparisons are not differentiable
    assert not a.long().requires_grad  # neither are integer results
    assert c.requires_grad_(True) is c
    with pytest.raises(RuntimeError, match="leaf"):
        c.requires_grad_(False)
    with pytest.raises(RuntimeError, match="floating"):
        tt.tensor([1, 2]).requires_grad_()
    c.sum().backward()
    assert_close(a.grad, b.data)
    assert b.grad is None


@pytest.mark.points(
    3, hint="no gradient= and more than one element: say only a scalar can, name the shape"
)
def test_backward_on_a_non_scalar_needs_a_gradient():
    """backward() on a non-scalar needs gradient= (else a RuntimeError that explains why)."""
    x = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(gradient=tt.tensor([1.0, 0.5, -1.0]), retain_graph=True)
    assert_close(x.grad, np.array([2.0, 2.0, -6.0], np.float32))
    with pytest.raises(RuntimeError, match=r"scalar.*\(3,\)"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"\(2,\).*\(3,\)"):
        y.backward(gradient=tt.ones(2))


@pytest.mark.points(
    1, hint="Tensor.backward first checks requires_grad and says it does not require grad"
)
def test_backward_without_requires_grad_explains_itself():
    """backward() on a tensor that does not require grad raises RuntimeError saying so."""
    x = tt.tensor([2.0], requires_grad=True)
    (x * 3).sum().backward()
    assert_close(x.grad, np.array([3.0], np.float32))
    with pytest.raises(RuntimeError, match=r"requires_grad|require grad"):
        (tt.tensor([2.0]) * 3).sum().backward()


OPS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: y - x,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / (y * y + 1),
    "pow": lambda x, y: (x * x + 1) ** y,
    "scalar": lambda x, y: 2.5 * x - y / 4 + x**2,
    "matmul": lambda x, y: x.reshape(1, -1) @ y.reshape(-1, 1),
    "reduce": lambda x, y: x.sum(0, keepdim=True) * y.mean() + x.amax() - y.amin(),
    "shape": lambda x, y: x.T.flatten().unsqueeze(0).squeeze(0) * y.reshape(-1).permute(0),
    "index": lambda x, y: x.reshape(-1)[[0, 0, -1]] * y.reshape(-1)[:1],
    "elementwise": lambda x, y: (x.abs() + 1).log() + (y * y + 1).sqrt() + x.exp().clip(0.0, 5.0),
    "cast": lambda x, y: x.double().float() * y,
}


@pytest.mark.points(
    1, hint="keep every backward in the input's dtype: Python floats, not np.float64"
)
@pytest.mark.parametrize("name", list(OPS))
@given(data=st.data())
def test_gradient_dtype_and_shape_match_the_input(name, data):
    """float32 in gives float32 gradients (float64 gives float64) of each input's shape."""
    shape = data.draw(shapes(min_dims=1, max_dims=2, max_side=3))
    for dtype in (np.float32, np.float64):
        a = data.draw(float_arrays(shape, dtype=dtype, min_value=-2, max_value=2))
        b = data.draw(float_arrays(shape, dtype=dtype, min_value=-2, max_value=2))
        x, y = tt.tensor(a, requires_grad=True), tt.tensor(b, requires_grad=True)
        out = OPS[name](x, y)
        for fn in _functions_in_graph(out):  # each backward on its own, before any casting
            grads = fn.backward(np.ones_like(fn.output))
            grads = grads if isinstance(grads, tuple) else (grads,)
            for parent, grad in zip(fn.parents, grads, strict=True):
                if grad is not None and parent.requires_grad:
                    assert grad.dtype == parent.dtype, f"{fn} returned a {grad.dtype} gradient"
        out.sum().backward()
        for leaf in (x, y):
            assert leaf.grad is not None, f"{name}: an input got no gradient"
            assert leaf.grad.dtype == dtype, f"{name}: gradient dtype {leaf.grad.dtype}"
            assert leaf.grad.shape == shape
            assert np.all(np.isfinite(leaf.grad.data))


def _functions_in_graph(root):
    """Every Function recorded in the graph that produced ``root``."""
    found, stack, seen = [], [root], set()
    while stack:
        fn = stack.pop().grad_fn
        if fn is not None and id(fn) not in seen:
            seen.add(id(fn))
            found.append(fn)
            stack.extend(fn.parents)
    return found


class Square(Function):
    """A user-defined operation: forward and backward are all it takes."""

    def forward(self, x):
        return x * x

    def backward(self, grad):
        (x,) = self.inputs
        return (2 * x * grad,)


@pytest.mark.points(1)
def test_a_custom_function_plugs_into_the_engine():
    """A new Function subclass with forward and backward is differentiated like a built-in."""
    x = tt.tensor([1.0, -3.0], requires_grad=True)
    (Square.apply(x) * 2).sum().backward()
    assert_close(x.grad, np.array([4.0, -12.0], np.float32))


@pytest.mark.points(1, hint="turn a gradient that is not a Tensor into one with _as_gradient")
def test_backward_explains_a_gradient_that_is_not_numbers():
    """backward(gradient) accepts a nested list of numbers; a string or a ragged list is a
    TypeError / ValueError that names backward's gradient and what is wrong with it, not
    NumPy's message about converting strings or inhomogeneous shapes."""
    x = tt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 3
    y.backward([[1, 0], [0, 1]], retain_graph=True)
    assert_close(x.grad, np.array([[3.0, 0.0], [0.0, 3.0]], np.float32))
    with pytest.raises(TypeError, match=r"backward\(\): gradient.*str.*numbers"):
        y.backward("ab", retain_graph=True)
    with pytest.raises(ValueError, match=r"backward\(\): gradient.*rectangular"):
        y.backward([[1.0, 2.0], [3.0]], retain_graph=True)

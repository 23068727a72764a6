# Generated from solutions/tests/stage_01/test_tensor.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: making a Tensor, its attributes, and getting data back out."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import arrays, float_arrays, shapes


@pytest.mark.points(3, hint="Python floats become float32, Python ints int64, bools stay bool")
def test_dtype_inferred_from_python_data_like_pytorch():
    """Python floats make float32, ints make int64, bools make bool, as torch.tensor does."""
    assert tt.tensor([1.0, 2.5]).dtype == tt.float32
    assert tt.tensor([[1, 2], [3, 4]]).dtype == tt.int64
    assert tt.tensor([True, False]).dtype == tt.bool
    assert tt.tensor([1, 2.5]).dtype == tt.float32  # one float makes the whole tensor float
    assert tt.tensor(3.0).dtype == tt.float32
    assert tt.tensor(7).dtype == tt.int64
    assert tt.tensor([]).dtype == tt.float32
    assert tt.Tensor([1.0]).dtype == tt.float32


@pytest.mark.points(2)
@given(st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int32, np.int64, np.bool_]))
def test_numpy_arrays_keep_their_dtype(dtype):
    """A NumPy array keeps its dtype; an explicit dtype= converts."""
    a = np.arange(6).reshape(2, 3).astype(dtype)
    assert tt.tensor(a).dtype == np.dtype(dtype)
    assert_close(tt.tensor(a), a)
    converted = tt.tensor(a, dtype=tt.float64)
    assert converted.dtype == tt.float64
    assert_close(converted, a.astype(np.float64))
    assert tt.tensor([1, 2], dtype="float32").dtype == tt.float32


@pytest.mark.points(2)
@given(float_arrays(shapes()))
def test_tensor_copies_its_data(a):
    """tensor(array) copies the array, as torch.tensor does: later writes do not leak in."""
    t = tt.tensor(a)
    original = a.copy()
    a += 1
    assert_close(t, original)
    u = tt.tensor(t)
    u.data += 1
    assert_close(t, original)


@pytest.mark.points(3)
@given(arrays(shapes(), dtype=np.float32))
def test_attributes_match_numpy(a):
    """shape, ndim, dtype, size(), size(dim), numel() and dim() describe the data."""
    t = tt.tensor(a)
    assert t.shape == a.shape
    assert t.ndim == a.ndim == t.dim()
    assert t.dtype == tt.float32
    assert t.size() == a.shape
    assert t.numel() == a.size
    for d in range(-a.ndim, a.ndim):
        assert t.size(d) == a.shape[d]
    assert t.grad is None
    assert t.requires_grad is False


@pytest.mark.points(2)
def test_size_of_a_missing_dim_is_an_index_error():
    """size(dim) outside the tensor's dimensions raises IndexError naming the valid range."""
    t = tt.zeros(2, 3)
    assert t.size(-1) == 3
    with pytest.raises(IndexError, match=r"dimension 2 .* 2 dimensions"):
        t.size(2)


@pytest.mark.points(
    2, hint="ragged: ValueError saying 'rectangular'; strings: TypeError 'numbers or booleans'"
)
def test_bad_data_is_rejected_with_a_clear_error():
    """Strings and ragged lists are rejected, naming what was wrong."""
    assert tt.tensor([[1.0, 2.0], [3.0, 4.0]]).shape == (2, 2)
    with pytest.raises(TypeError, match="numbers or booleans"):
        tt.tensor(["a", "b"])
    with pytest.raises(ValueError, match="rectangular"):
        tt.tensor([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match="dtype"):
        tt.tensor([1.0], dtype="complex128")


@pytest.mark.points(2)
def test_only_float_tensors_can_require_grad():
    """requires_grad=True works for floats; an integer tensor raises RuntimeError."""
    assert tt.tensor([1.0], requires_grad=True).requires_grad is True
    with pytest.raises(RuntimeError, match="floating-point"):
        tt.tensor([1, 2], requires_grad=True)


@pytest.mark.points(2)
@given(arrays(shapes(), dtype=np.float32))
def test_numpy_returns_the_shared_array(a):
    """numpy() returns the data itself (same values and dtype, shared memory), as PyTorch."""
    t = tt.tensor(a)
    out = t.numpy()
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float32
    assert_close(out, a)
    assert np.shares_memory(out, t.data)
    assert t.tolist() == a.tolist()


@pytest.mark.points(2, hint="data.item() gives the Python number; otherwise name the shape")
def test_item_returns_a_python_number():
    """item() gives a Python number for one element, else ValueError naming the shape."""
    value = tt.tensor([[2.5]]).item()
    assert type(value) is float and value == 2.5
    assert type(tt.tensor(3).item()) is int
    assert tt.tensor([True]).item() is True
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        tt.zeros(2, 3).item()


@pytest.mark.points(2)
def test_python_protocols():
    """len(), iteration, bool() and float() behave as on a torch.Tensor."""
    t = tt.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3
    assert_close(rows[2], np.array([5.0, 6.0], dtype=np.float32))
    assert float(tt.tensor([4.0])) == 4.0
    assert bool(tt.tensor(1.0)) and not bool(tt.tensor(0.0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(t)
    with pytest.raises(TypeError, match="0-d"):
        len(tt.tensor(1.0))


@pytest.mark.points(
    3, hint="np.array2string(data, formatter={'float_kind': _float_formatter(data)}, ...)"
)
def test_repr_looks_like_pytorch():
    """repr prints like PyTorch: aligned rows, 4 decimals, non-default dtype, requires_grad."""
    assert repr(tt.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(tt.tensor([[1, 2], [3, 4]])) == "tensor([[1, 2],\n        [3, 4]])"
    assert repr(tt.tensor(3.0)) == "tensor(3.)"
    assert repr(tt.tensor([True, False])) == "tensor([ True, False])"
    assert repr(tt.tensor([1.0], dtype=tt.float64)) == "tensor([1.], dtype=tinytorch.float64)"
    assert repr(tt.tensor([1.0, -2.0], requires_grad=True)) == (
        "tensor([ 1., -2.], requires_grad=True)"
    )
    assert repr(tt.tensor([1.5, 2.0])) == "tensor([1.5000, 2.0000])"
    assert repr(tt.tensor(3.14159)) == "tensor(3.1416)"
    assert repr(tt.tensor([[-1.25, 3.0]])) == "tensor([[-1.2500,  3.0000]])"

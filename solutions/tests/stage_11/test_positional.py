"""Stage 11: positional information, the fixed sinusoid table of "Attention Is All You Need"
and a learned position embedding, both added to (*, T, D) token embeddings."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays


def sinusoid_reference(positions, dim, base=10000.0):
    """PE[pos, 2i] = sin(pos / base^(2i/D)), PE[pos, 2i+1] = cos(pos / base^(2i/D)), entry by entry."""
    table = np.zeros((positions, dim))
    for pos in range(positions):
        for j in range(dim):
            i = j // 2
            angle = pos / base ** (2 * i / dim)
            table[pos, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return table


@given(positions=st.integers(0, 40), dim=st.integers(1, 12), base=st.sampled_from([1e4, 100.0]))
@pytest.mark.points(
    3, hint="even columns sin, odd columns cos, both at frequency base^(-2i/D), i = j // 2"
)
def test_sinusoid_table_matches_its_formula(positions, dim, base):
    """The sinusoid table equals the paper's formula at every position and column.

    sinusoidal_position_encoding equals the paper's formula for every position and column
    (odd widths too), float32 by default and float64 on request."""
    expected = sinusoid_reference(positions, dim, base)
    table = F.sinusoidal_position_encoding(positions, dim, base=base)
    assert_close(table, expected.astype(np.float32))
    assert_close(F.sinusoidal_position_encoding(positions, dim, base, dtype=tt.float64), expected)


@given(pos=st.integers(0, 50), shift=st.integers(0, 50))
@pytest.mark.points(2, hint="a pair (sin, cos) at one frequency must rotate as the position moves")
def test_sinusoid_of_a_shifted_position_is_a_rotation(pos, shift):
    """PE[pos + k] is PE[pos] with each (sin, cos) pair rotated by k times its frequency."""
    dim = 8
    table = F.sinusoidal_position_encoding(pos + shift + 1, dim, dtype=tt.float64).numpy()
    for i in range(dim // 2):
        turn = shift / 10000 ** (2 * i / dim)
        c, s = math.cos(turn), math.sin(turn)
        sin_a, cos_a = table[pos, 2 * i], table[pos, 2 * i + 1]
        rotated = np.array([sin_a * c + cos_a * s, cos_a * c - sin_a * s])
        assert_close(table[pos + shift, 2 * i : 2 * i + 2], rotated, atol=1e-9)


@given(shape=st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 5)), data=st.data())
@pytest.mark.points(2, hint="register the table as the buffer 'pe'; add rows offset..offset+T-1")
def test_sinusoidal_module_adds_the_table_without_parameters(shape, data):
    """SinusoidalPositionalEncoding adds its table rows and has no parameters.

    SinusoidalPositionalEncoding adds pe[offset:offset+T] to (B, T, D), has no parameters,
    keeps its table in the state dict, and refuses sequences longer than its table."""
    batch, length, dim = shape
    offset = data.draw(st.integers(0, 3))
    module = nn.SinusoidalPositionalEncoding(length + offset, dim)
    x = data.draw(float_arrays(shape))
    out = module(tt.tensor(x), offset=offset)
    table = sinusoid_reference(length + offset, dim)
    assert_close(out, (x + table[offset:]).astype(np.float32), atol=1e-5)
    assert list(module.parameters()) == []
    assert list(module.state_dict()) == ["pe"]
    with pytest.raises(ValueError, match=str(length + offset)):
        module(tt.zeros(batch, length + offset + 1, dim))


@given(shape=st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(1, 4)), data=st.data())
@pytest.mark.points(
    3, hint="input + weight[offset:offset + T]; the slice's backward finds the rows"
)
def test_learned_positions_add_a_trained_row_per_position(shape, data):
    """LearnedPositionalEmbedding adds one trained row per position and trains those rows.

    LearnedPositionalEmbedding adds weight[offset + t] at position t, and each row's gradient
    is the sum over the batch of the gradient at its position (other rows get none)."""
    batch, length, dim = shape
    offset = data.draw(st.integers(0, 2))
    module = nn.LearnedPositionalEmbedding(length + offset + 1, dim)
    x = data.draw(float_arrays(shape))
    out = module(tt.tensor(x), offset=offset)
    weight = module.weight.numpy()
    assert_close(out, x + weight[offset : offset + length])
    grad = data.draw(float_arrays(shape, min_value=-1, max_value=1))
    out.backward(tt.tensor(grad))
    expected = np.zeros(weight.shape)
    for b in range(batch):
        for t in range(length):
            expected[offset + t] += grad[b, t]
    assert_close(module.weight.grad, expected.astype(np.float32), atol=1e-5)
    with pytest.raises(ValueError, match="max_positions"):
        module(tt.zeros(1, length + offset + 2, dim))

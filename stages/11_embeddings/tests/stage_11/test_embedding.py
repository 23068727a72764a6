# Generated from solutions/tests/stage_11/test_embedding.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 11: embedding tables (F.embedding, nn.Embedding, from_pretrained) and F.one_hot.

The references loop over the ids one by one, straight from the definition: the forward pass
reads row ``ids[n]``, the backward pass adds gradient ``n`` to row ``ids[n]``.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import float_arrays, shapes


@st.composite
def lookups(draw, max_rows=6):
    """(num_embeddings, embedding_dim, ids): few rows, so ids repeat often."""
    rows = draw(st.integers(1, max_rows))
    dim = draw(st.integers(1, 4))
    ids = draw(hnp.arrays(np.int64, shapes(max_dims=3), elements=st.integers(0, rows - 1)))
    return rows, dim, ids


def scatter_reference(ids, grad, rows, padding_idx=None):
    """The table's gradient, one id at a time: row ids[n] += grad[n] (padding row skipped)."""
    dim = grad.shape[-1]
    out = np.zeros((rows, dim), dtype=np.float64)
    flat_grad = grad.reshape(-1, dim)
    for n, i in enumerate(ids.reshape(-1)):
        if i != padding_idx:
            out[i] += flat_grad[n]
    return out


@given(case=lookups(), data=st.data())
@pytest.mark.points(2, hint="weight[ids] gathers one row per id: the output is ids.shape + (D,)")
def test_embedding_returns_the_row_of_each_id(case, data):
    """F.embedding(ids, weight) holds row ids[...] of the table at every position."""
    rows, dim, ids = case
    weight = data.draw(float_arrays((rows, dim)))
    out = F.embedding(tt.tensor(ids), tt.tensor(weight))
    expected = np.zeros((*ids.shape, dim), np.float32)
    for index in np.ndindex(ids.shape):
        expected[index] = weight[ids[index]]
    assert_close(out, expected)


@given(case=lookups(max_rows=3), data=st.data())
@pytest.mark.points(
    4,
    hint="grad_weight[ids] = grad keeps only the last write of a repeated id: add every "
    "occurrence (sort + np.add.reduceat, or np.add.at)",
)
def test_gradient_of_repeated_ids_accumulates(case, data):
    """Each row's gradient is the sum of the output gradients at every position of its id."""
    rows, dim, ids = case
    weight = tt.tensor(data.draw(float_arrays((rows, dim))), requires_grad=True)
    out = F.embedding(tt.tensor(ids), weight)
    grad = data.draw(float_arrays(out.shape, min_value=-1, max_value=1))
    out.backward(tt.tensor(grad))
    expected = scatter_reference(ids, grad.astype(np.float64), rows)
    assert_close(weight.grad, expected.astype(np.float32), atol=1e-5)


@given(case=lookups(), data=st.data())
@pytest.mark.points(3, hint="zero the padding_idx row of the gradient; the forward still reads it")
def test_padding_row_gets_no_gradient(case, data):
    """The padding_idx row (negative counts from the end) gets zero gradient; others as usual."""
    rows, dim, ids = case
    padding_idx = data.draw(st.integers(-rows, rows - 1))
    weight_values = data.draw(float_arrays((rows, dim)))
    weight = tt.tensor(weight_values, requires_grad=True)
    out = F.embedding(tt.tensor(ids), weight, padding_idx=padding_idx)
    assert_close(out, weight_values[ids])  # padding positions still read their row
    grad = data.draw(float_arrays(out.shape, min_value=-1, max_value=1))
    out.backward(tt.tensor(grad))
    row = padding_idx % rows
    expected = scatter_reference(ids, grad.astype(np.float64), rows, padding_idx=row)
    assert_close(weight.grad, expected.astype(np.float32), atol=1e-5)
    assert not weight.grad.numpy()[row].any()


@given(case=lookups(), seed=st.integers(0, 2**16))
@pytest.mark.points(2)
def test_embedding_gradcheck(case, seed):
    """F.embedding's backward matches finite differences (float64, shapes drawn at random).

    (With ``padding_idx`` the padding row's gradient is zero *by design*, not the derivative,
    so that case is tested against the loop reference above instead.)
    """
    rows, dim, ids = case
    weight = np.random.default_rng(seed).standard_normal((rows, dim))
    gradcheck(lambda w: F.embedding(tt.tensor(ids), w), weight)


@pytest.mark.points(
    3,
    hint="check before indexing: integer dtype, then 0 <= id < num_embeddings; messages start "
    "with 'embedding: ' and name the id and the table size",
)
def test_bad_ids_are_rejected_with_the_id_and_table_size():
    """Ids equal to num_embeddings, negative ids and float ids fail, naming the id and table size."""
    weight = tt.randn(10, 3)
    ok = F.embedding(tt.tensor([0, 9]), weight)  # both ends of the table are fine
    assert_close(ok, weight.numpy()[[0, 9]])
    # (NumPy's own "index 10 is out of bounds" does not count: the check must come first.)
    with pytest.raises(IndexError, match=r"^embedding: .*\b10\b.*\b10\b"):
        F.embedding(tt.tensor([[3, 10]]), weight)
    with pytest.raises(IndexError, match=r"^embedding: .*-1\b.*\b10\b"):
        F.embedding(tt.tensor([-1]), weight)
    with pytest.raises(TypeError, match=r"^embedding: .*float32.*\b10\b"):
        F.embedding(tt.tensor([1.0, 2.5]), weight)
    with pytest.raises(IndexError, match=r"^embedding: .*\b12\b.*\b10\b"):
        nn.Embedding(10, 3)(tt.tensor([12]))


@pytest.mark.points(
    3, hint="N(0, 1) init, then zero the padding row; -1 means the last row; check the range"
)
def test_embedding_module_init_and_padding_idx():
    """nn.Embedding draws N(0, 1), zeroes the padding row and normalises padding_idx.

    nn.Embedding: weight (num, dim) from N(0, 1), padding row zeroed, negative padding_idx
    normalised, out-of-range padding_idx rejected."""
    tt.manual_seed(0)
    emb = nn.Embedding(400, 50)
    w = emb.weight.numpy()
    assert emb.weight.shape == (400, 50) and emb.weight.dtype == tt.float32
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1.0) < 0.02
    assert [name for name, _ in emb.named_parameters()] == ["weight"]

    emb = nn.Embedding(7, 4, padding_idx=-2)
    assert emb.padding_idx == 5
    assert not emb.weight.numpy()[5].any() and emb.weight.numpy()[4].any()
    out = emb(tt.tensor([5, 4, 5]))
    out.sum().backward()
    assert_close(emb.weight.grad.numpy()[[4, 5]], np.array([[1.0] * 4, [0.0] * 4], np.float32))
    for bad in (7, -8):
        with pytest.raises(ValueError, match="padding_idx"):
            nn.Embedding(7, 4, padding_idx=bad)


@pytest.mark.points(3, hint="freeze=True: requires_grad False; the weight is the given tensor")
def test_from_pretrained_uses_the_vectors_and_freezes_them():
    """from_pretrained shares the given vectors and freezes them unless freeze=False.

    from_pretrained copies nothing, freezes by default, trains with freeze=False, and keeps
    the given padding row (which gets no gradient)."""
    vectors = tt.tensor(np.arange(12, dtype=np.float32).reshape(4, 3))
    frozen = nn.Embedding.from_pretrained(vectors)
    assert (frozen.num_embeddings, frozen.embedding_dim) == (4, 3)
    assert not frozen.weight.requires_grad
    assert np.shares_memory(frozen.weight.numpy(), vectors.numpy())
    out = frozen(tt.tensor([3, 1]))
    assert_close(out, vectors.numpy()[[3, 1]])
    assert not out.requires_grad

    trained = nn.Embedding.from_pretrained(vectors, freeze=False, padding_idx=1)
    assert trained.weight.requires_grad and trained.padding_idx == 1
    assert_close(trained.weight, vectors.numpy())  # the padding row keeps its given values
    trained(tt.tensor([1, 2, 2])).sum().backward()
    assert_close(trained.weight.grad, np.array([[0] * 3, [0] * 3, [2] * 3, [0] * 3], np.float32))


@given(
    ids=hnp.arrays(np.int64, shapes(max_dims=3), elements=st.integers(0, 5)),
    extra=st.integers(0, 2),
)
@pytest.mark.points(3, hint="ids[..., None] == np.arange(num_classes), as int64")
def test_one_hot_matches_rows_of_the_identity(ids, extra):
    """F.one_hot(ids, n) equals rows of the n x n identity (int64); n defaults to max + 1."""
    n = int(ids.max()) + 1 + extra
    assert_close(F.one_hot(tt.tensor(ids), n), np.eye(n, dtype=np.int64)[ids])
    inferred = F.one_hot(tt.tensor(ids))
    assert_close(inferred, np.eye(int(ids.max()) + 1, dtype=np.int64)[ids])


@pytest.mark.points(2, hint="negative ids and ids >= num_classes are ValueErrors naming the id")
def test_one_hot_rejects_bad_class_values():
    """one_hot refuses negative, too large and float ids, and an empty input without a size.

    one_hot refuses negative ids, ids >= num_classes, float ids, and an empty input without
    num_classes."""
    assert F.one_hot(tt.tensor([1, 0]), 2).shape == (2, 2)
    with pytest.raises(ValueError, match="-1"):
        F.one_hot(tt.tensor([0, -1]), 3)
    with pytest.raises(ValueError, match=r"\b3\b"):
        F.one_hot(tt.tensor([0, 3]), 3)
    with pytest.raises(TypeError, match="float32"):
        F.one_hot(tt.tensor([0.0, 1.0]), 3)
    with pytest.raises(ValueError, match="empty"):
        F.one_hot(tt.zeros(0).long())
    assert F.one_hot(tt.zeros(0).long(), 3).shape == (0, 3)


@given(case=lookups(), data=st.data())
@pytest.mark.points(2)
def test_embedding_is_one_hot_times_the_table(case, data):
    """An embedding lookup equals one_hot(ids) @ weight, in value and in gradient."""
    rows, dim, ids = case
    values = data.draw(float_arrays((rows, dim), dtype=np.float64))
    looked_up = tt.tensor(values, requires_grad=True)
    multiplied = tt.tensor(values, requires_grad=True)
    a = F.embedding(tt.tensor(ids), looked_up)
    b = F.one_hot(tt.tensor(ids), rows).double() @ multiplied
    assert_close(a, b.numpy())
    grad = tt.tensor(data.draw(float_arrays(a.shape, dtype=np.float64)))
    a.backward(grad)
    b.backward(grad)
    assert_close(looked_up.grad, multiplied.grad.numpy(), atol=1e-6)

# Generated from solutions/tests/stage_08/test_collate.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: default_collate turns a list of samples into a batch, with PyTorch's rules."""

from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.data import default_collate
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import arrays, shapes

Pair = namedtuple("Pair", ["image", "label"])


@pytest.mark.points(2, hint="np.stack the samples' arrays along a new first axis")
@given(
    shape=shapes(max_dims=3),
    batch=st.integers(1, 5),
    dtype=st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.bool_]),
    data=st.data(),
)
def test_collate_stacks_tensors_and_arrays(shape, batch, dtype, data):
    """Tensors and NumPy arrays stack along a new dim 0 into a Tensor of the same dtype."""
    samples = [data.draw(arrays(shape, dtype, 0, 9)) for _ in range(batch)]
    expected = np.stack(samples)
    from_tensors = default_collate([tt.tensor(s) for s in samples])
    from_arrays = default_collate(samples)
    assert isinstance(from_tensors, tt.Tensor)
    assert isinstance(from_arrays, tt.Tensor)
    assert_close(from_tensors, expected)
    assert_close(from_arrays, expected)


@pytest.mark.points(1, hint="check bool before int: True is an int in Python")
@given(
    ints=st.lists(st.integers(-100, 100), min_size=1, max_size=6),
    floats=st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=6),
    bools=st.lists(st.booleans(), min_size=1, max_size=6),
)
def test_collate_numbers_follow_pytorch_dtypes(ints, floats, bools):
    """Python ints become int64, floats float64, bools bool, NumPy scalars keep their dtype."""
    assert_close(default_collate(ints), np.array(ints, dtype=np.int64))
    assert_close(default_collate(floats), np.array(floats, dtype=np.float64))
    assert_close(default_collate(bools), np.array(bools, dtype=np.bool_))
    scalars = [np.float32(v) for v in floats]
    assert_close(default_collate(scalars), np.array(floats, dtype=np.float32))


@pytest.mark.points(2, hint="zip(*batch) turns a list of pairs into a pair of lists")
@given(batch=st.integers(1, 5), data=st.data())
def test_collate_recurses_into_tuples_dicts_and_namedtuples(batch, data):
    """(x, y) samples give [X, Y]; dicts collate per key; namedtuples keep their type; str stays a list."""
    xs = [data.draw(arrays((2, 3), np.float32)) for _ in range(batch)]
    ys = data.draw(st.lists(st.integers(0, 9), min_size=batch, max_size=batch))
    names = [f"sample{i}" for i in range(batch)]

    pairs = default_collate([(tt.tensor(x), y) for x, y in zip(xs, ys, strict=True)])
    assert isinstance(pairs, list) and len(pairs) == 2
    assert_close(pairs[0], np.stack(xs))
    assert_close(pairs[1], np.array(ys, dtype=np.int64))

    dicts = default_collate(
        [{"x": x, "meta": {"y": y, "name": n}} for x, y, n in zip(xs, ys, names, strict=True)]
    )
    assert set(dicts) == {"x", "meta"}
    assert_close(dicts["x"], np.stack(xs))
    assert_close(dicts["meta"]["y"], np.array(ys, dtype=np.int64))
    assert dicts["meta"]["name"] == names

    named = default_collate([Pair(x, y) for x, y in zip(xs, ys, strict=True)])
    assert isinstance(named, Pair)
    assert_close(named.image, np.stack(xs))
    assert_close(named.label, np.array(ys, dtype=np.int64))


@pytest.mark.points(
    1,
    hint="unequal list lengths: RuntimeError '... should be of equal size'; else TypeError 'found <type>'",
)
def test_collate_errors_name_the_problem():
    """Unequal shapes, unequal sample lengths and unsupported types raise clear errors."""
    assert default_collate([tt.zeros(3), tt.ones(3)]).shape == (2, 3)
    with pytest.raises(RuntimeError, match=r"equal size.*\(3,\) at entry 0 and \(4,\) at entry 1"):
        default_collate([tt.zeros(3), tt.zeros(4)])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([(1, 2), (3,)])
    with pytest.raises(TypeError, match="found <class 'object'>"):
        default_collate([object(), object()])


@pytest.mark.points(1, hint="the given default_collate explains samples that are not alike")
def test_collate_says_which_sample_and_field_differ():
    """Mixed or mismatched samples name the sample and the field that differ from sample 0
    and how (kind, keys, length or shape), also through a DataLoader, instead of a bare
    AttributeError, KeyError or ValueError."""
    good = [{"image": tt.zeros(2, 2), "label": 1}, {"image": tt.ones(2, 2), "label": 0}]
    assert default_collate(good)["image"].shape == (2, 2, 2)
    cases = [
        ([tt.zeros(3), 3], TypeError, r"sample 1 is int, but sample 0 is Tensor"),
        (
            [*good, {"image": tt.zeros(2, 2)}],
            RuntimeError,
            r"sample 2 has keys \['image'\] but sample 0 has \['image', 'label'\]",
        ),
        (
            [*good, {"image": tt.zeros(3, 2), "label": 2}],
            RuntimeError,
            r"\(2, 2\) at entry 0 and \(3, 2\) at entry 2 \(sample 2\['image'\]\)",
        ),
        (
            [(tt.zeros(1), 1), (tt.zeros(1), "cat")],
            TypeError,
            r"sample 1\[1\] is str, but sample 0\[1\] is int",
        ),
        ([(1, [1, 2]), (2, [3])], RuntimeError, r"sample 0\[1\] has 2 items, sample 1\[1\] has 1"),
    ]
    for batch, error, message in cases:
        with pytest.raises(error, match=message):
            default_collate(batch)
    loader = tt.data.DataLoader([*good, {"image": tt.zeros(2, 2), "label": "x"}], batch_size=3)
    with pytest.raises(
        TypeError, match=r"sample 2\['label'\] is str, but sample 0\['label'\] is int"
    ):
        next(iter(loader))

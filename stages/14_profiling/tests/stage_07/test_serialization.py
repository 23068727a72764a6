# Generated from solutions/tests/stage_07/test_serialization.py by scripts/build_stages.py: a regression check from stage 07.
# Do not edit: the grader checks this file against ci/manifest.json.
"""tinytorch.save / tinytorch.load: exact round trips through .npz, and never pickle."""

import io
import math
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch_testing.strategies import shapes


def assert_same(a, b, where="obj"):
    """Deep equality that also checks types, dtypes and every bit of every array."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} became {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} became {list(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, (tt.Tensor, np.ndarray, np.generic)):
        x, y = np.asarray(getattr(a, "data", a)), np.asarray(getattr(b, "data", b))
        assert x.dtype == y.dtype and x.shape == y.shape, where
        assert x.tobytes() == y.tobytes(), f"{where}: values differ"
        if isinstance(a, tt.Tensor):
            assert a.requires_grad == b.requires_grad, where
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, where
        if isinstance(a, float):
            assert math.copysign(1, a) == math.copysign(1, b), where


def round_trip(obj, tmp_path):
    path = tmp_path / "checkpoint.tt"
    tt.save(obj, path)
    return tt.load(path)


@pytest.mark.points(3, hint="a dict is stored as [key, value] pairs so int keys survive")
def test_nested_objects_round_trip_exactly(tmp_path):
    """Dicts (str and int keys), lists, tuples, tensors, arrays, numbers, str, bool, None."""
    obj = {
        "model": {"0.weight": tt.randn(3, 2), "0.bias": tt.zeros(3, requires_grad=True)},
        "optimizer": {"state": {0: {"step": 3, "exp_avg": tt.ones(2, dtype=tt.float64)}}},
        "betas": (0.9, 0.999),
        "history": {"loss": [1.5, 0.25, float("nan")], "best": float("inf"), "zero": -0.0},
        "epoch": 7,
        "rng": {"state": 2**100 + 7, "inc": -(2**70)},
        "name": "résumé ✓",
        "flags": [True, False, None],
        "arrays": [np.arange(6, dtype=np.int32).reshape(2, 3), np.array(True), np.float32(2.5)],
        "empty": {"list": [], "dict": {}, "tuple": (), "array": np.zeros((0, 3))},
    }
    assert_same(obj, round_trip(obj, tmp_path))


@pytest.mark.points(2)
@given(
    hnp.arrays(
        dtype=st.sampled_from(
            [np.float32, np.float64, np.float16, np.int64, np.int8, np.uint8, np.bool_]
        ),
        shape=shapes(max_dims=4),
    )
)
def test_arrays_of_every_dtype_round_trip_bit_for_bit(array):
    """Any array (nan, inf and -0.0 included) comes back with the same dtype, shape and bits."""
    buffer = io.BytesIO()
    tt.save({"tensor": tt.Tensor(array), "array": array}, buffer)
    buffer.seek(0)
    back = tt.load(buffer)
    assert_same({"tensor": tt.Tensor(array), "array": array}, back)


@pytest.mark.points(
    3, hint="write arrays with np.savez and read with np.load(..., allow_pickle=False)"
)
def test_saving_and_loading_never_pickle(tmp_path, monkeypatch):
    """The file is a zip of .npy arrays readable without pickle, and pickle is never called."""

    def forbidden(*args, **kwargs):
        raise AssertionError("pickle must not be used")

    for name in ("dump", "dumps", "load", "loads"):
        monkeypatch.setattr(pickle, name, forbidden)
    path = tmp_path / "model.ckpt"
    obj = {"w": tt.randn(4, 4), "meta": {"epoch": 1, "tags": ("a", "b")}}
    tt.save(obj, path)
    assert_same(obj, tt.load(path))
    assert path.exists() and not (tmp_path / "model.ckpt.npz").exists()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert names and all(name.endswith(".npy") for name in names)
    with np.load(path, allow_pickle=False) as archive:
        for name in archive.files:
            assert archive[name].dtype != object


@pytest.mark.points(
    2, hint="extend where as you recurse (obj['opt'][0]); refuse with '{where}, of type {name}'"
)
def test_unsupported_objects_are_refused_by_name(tmp_path):
    """A set, a function or an object array raises TypeError naming where it was."""
    with pytest.raises(TypeError, match=r"obj\['opt'\]\['fn'\], of type function"):
        tt.save({"opt": {"fn": lambda x: x}}, tmp_path / "a")
    with pytest.raises(TypeError, match=r"obj\[1\], of type set"):
        tt.save([1, {2, 3}], tmp_path / "b")
    with pytest.raises(TypeError, match="dtype object"):
        tt.save({"bad": np.array([None, 1], dtype=object)}, tmp_path / "c")
    assert not (tmp_path / "a").exists()
    tt.save({"fine": [1, 2]}, tmp_path / "d")
    assert tt.load(tmp_path / "d") == {"fine": [1, 2]}


@pytest.mark.points(2)
def test_loading_something_else_is_a_clear_error(tmp_path):
    """Random bytes, a plain .npz, a .npy file or a missing file are refused clearly."""
    (tmp_path / "noise").write_bytes(b"this is not a checkpoint at all")
    np.savez(tmp_path / "plain.npz", x=np.ones(3))
    np.save(tmp_path / "single.npy", np.ones(3))
    for name in ("noise", "plain.npz", "single.npy"):
        with pytest.raises(ValueError, match="not a tinytorch checkpoint"):
            tt.load(tmp_path / name)
    with pytest.raises(FileNotFoundError):
        tt.load(tmp_path / "missing")
    tt.save(1.5, tmp_path / "ok")
    assert tt.load(tmp_path / "ok") == 1.5


@pytest.mark.points(3)
def test_model_and_optimizer_resume_from_a_saved_file(tmp_path):
    """A model and Adam saved mid-training and loaded into fresh objects train on identically."""
    rng = np.random.default_rng(0)
    x = tt.tensor(rng.standard_normal((16, 3)).astype(np.float32))
    y = tt.tensor(rng.standard_normal((16, 1)).astype(np.float32))

    def train(model, optimizer, steps):
        for _ in range(steps):
            optimizer.zero_grad()
            nn.MSELoss()(model(x), y).backward()
            optimizer.step()

    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    train(model, optimizer, 3)
    tt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, tmp_path / "ck")
    train(model, optimizer, 3)

    tt.manual_seed(1)
    fresh = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1))
    fresh_optimizer = optim.Adam(fresh.parameters(), lr=0.5)
    checkpoint = tt.load(tmp_path / "ck")
    fresh.load_state_dict(checkpoint["model"])
    fresh_optimizer.load_state_dict(checkpoint["optimizer"])
    train(fresh, fresh_optimizer, 3)
    assert_same(
        {k: v.data for k, v in model.state_dict().items()},
        {k: v.data for k, v in fresh.state_dict().items()},
    )
    assert_same(optimizer.state_dict(), fresh_optimizer.state_dict())

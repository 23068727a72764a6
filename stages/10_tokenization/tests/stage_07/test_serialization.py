# Generated from solutions/tests/stage_07/test_serialization.py by scripts/build_stages.py: a regression check from stage 07.
# Do not edit: the grader checks this file against ci/manifest.json.
"""tinytorch.save / tinytorch.load: exact round trips through .npz, and never pickle."""

import io
import json
import math
import os
import pickle
import stat
import threading
import tracemalloc
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


# ---------------------------------------------------------------------- durability


def _folder(tmp_path):
    return sorted(p.name for p in tmp_path.iterdir())


@pytest.mark.points(1, hint="the given _replace_atomically writes a temporary file and renames it")
def test_a_failed_save_leaves_the_old_checkpoint_and_no_temporary_file(tmp_path, monkeypatch):
    """If writing fails half-way (a full disk), the previous checkpoint is untouched and no
    temporary file is left in the folder."""
    path = tmp_path / "model.ckpt"
    tt.save({"step": 1, "w": tt.ones(3)}, path)

    def full_disk(file, **entries):
        file.write(b"PK\x03\x04 half a checkpoint")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full_disk)
    with pytest.raises(OSError, match="No space left"):
        tt.save({"step": 2, "w": tt.zeros(3)}, path)
    monkeypatch.undo()
    assert _folder(tmp_path) == ["model.ckpt"]
    restored = tt.load(path)
    assert restored["step"] == 1
    np.testing.assert_array_equal(restored["w"].numpy(), np.ones(3, np.float32))


@pytest.mark.points(1)
def test_concurrent_saves_to_one_path_never_collide(tmp_path):
    """Threads saving to the same path at the same time each succeed, the file holds one
    complete checkpoint of one of them, and no temporary file is left behind."""
    path = tmp_path / "shared.ckpt"
    errors = []

    def saver(worker):
        try:
            for step in range(15):
                tt.save({"worker": worker, "step": step, "w": tt.full((64, 64), worker)}, path)
        except Exception as error:  # collected: a failing thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=saver, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    assert _folder(tmp_path) == ["shared.ckpt"]
    final = tt.load(path)
    assert final["step"] == 14
    np.testing.assert_array_equal(final["w"].numpy(), np.full((64, 64), final["worker"]))


@pytest.mark.points(1, hint="write to os.path.realpath(path): the file the link points to")
def test_saving_through_a_symlink_replaces_its_target(tmp_path):
    """Saving to a symbolic link writes the file it points to and keeps the link, as
    open(path, 'wb') and torch.save do; an existing file keeps its permissions."""
    target = tmp_path / "real.ckpt"
    tt.save([1], target)
    target.chmod(0o640)
    link = tmp_path / "latest.ckpt"
    link.symlink_to(target.name)
    tt.save([2], link)
    assert link.is_symlink()
    assert tt.load(target) == [2]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _folder(tmp_path) == ["latest.ckpt", "real.ckpt"]


@pytest.mark.points(1)
def test_save_flushes_the_file_and_its_folder_to_disk(tmp_path, monkeypatch):
    """save fsyncs the new file before renaming it into place, then the folder, so the
    checkpoint and its name both survive a power cut."""
    synced = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        info = os.fstat(fd)
        synced.append(("folder" if stat.S_ISDIR(info.st_mode) else "file", info.st_ino))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    path = tmp_path / "ckpt"
    tt.save({"w": tt.ones(2)}, path)
    assert synced == [("file", path.stat().st_ino), ("folder", tmp_path.stat().st_ino)]


# ---------------------------------------------------------------------- crafted files


def _write_checkpoint(path, document, arrays=(), compress=False):
    """An archive like save's, with a header document written by the test."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    entries = {"__tinytorch__": np.frombuffer(json.dumps(document).encode(), np.uint8)}
    entries.update({f"array_{i}": a for i, a in enumerate(arrays)})
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, array in entries.items():
            buffer = io.BytesIO()
            np.save(buffer, array)
            archive.writestr(f"{name}.npy", buffer.getvalue())


def _header(obj):
    return {"format": "tinytorch", "version": 1, "object": obj}


@pytest.mark.points(1, hint="load wraps what _decode raises on a header that lies")
def test_crafted_checkpoint_headers_are_value_errors_naming_the_file(tmp_path):
    """A header that does not describe its arrays (a missing key, an unknown array, a
    malformed pair, an unhashable key, an int tensor with requires_grad, nesting far too
    deep) is the promised ValueError naming the file, never a KeyError, TypeError or
    RecursionError."""
    tt.save({"w": tt.ones(2)}, tmp_path / "good")
    assert tt.load(tmp_path / "good")["w"].shape == (2,)
    deep = 0
    for _ in range(100_000):
        deep = [deep]
    crafted = {
        "no_object": {"format": "tinytorch", "version": 1},
        "unknown_array": _header({"__kind__": "ndarray", "array": "array_7"}),
        "bad_pair": _header({"__kind__": "dict", "items": [[1]]}),
        "list_key": _header({"__kind__": "dict", "items": [[[1], 2]]}),
        "int_grad": _header({"__kind__": "tensor", "array": "array_0", "requires_grad": True}),
        "no_items": _header({"__kind__": "tuple"}),
    }
    for name, document in crafted.items():
        _write_checkpoint(tmp_path / name, document, [np.arange(3)])
        with pytest.raises(ValueError, match=name) as error:
            tt.load(tmp_path / name)
        assert type(error.value) is ValueError
    path = tmp_path / "deep"
    with zipfile.ZipFile(path, "w") as archive:
        text = '{"format": "tinytorch", "version": 1, "object": ' + "[" * 100_000
        buffer = io.BytesIO()
        np.save(buffer, np.frombuffer((text + "]" * 100_000 + "}").encode(), np.uint8))
        archive.writestr("__tinytorch__.npy", buffer.getvalue())
    with pytest.raises(ValueError, match=r"deep.*nested too deeply"):
        tt.load(path)


@pytest.mark.points(1, hint="the given save checks for cycles before _encode runs")
def test_save_refuses_containers_that_contain_themselves(tmp_path):
    """A list or dict that contains itself, or nesting thousands of levels deep, is a
    ValueError naming where, not a RecursionError; nothing is written."""
    tt.save([[1, 2], {"a": (3,)}], tmp_path / "fine")
    assert tt.load(tmp_path / "fine") == [[1, 2], {"a": (3,)}]
    loop = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match=r"obj\[1\]: it contains itself"):
        tt.save(loop, tmp_path / "loop")
    state = {"model": {}}
    state["model"]["parent"] = state
    with pytest.raises(ValueError, match=r"obj\['model'\]\['parent'\]: it contains itself"):
        tt.save(state, tmp_path / "state")
    deep = 0
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(ValueError, match="nested more than"):
        tt.save(deep, tmp_path / "deep")
    assert _folder(tmp_path) == ["fine"]


@pytest.mark.points(1, hint="load checks each entry's declared size against the file's")
def test_load_never_inflates_beyond_the_file_size(tmp_path):
    """A small archive whose entry would inflate to 32 MB (compressed), or whose .npy header
    declares a billion elements it does not hold, is refused before any of it is allocated
    (peak memory stays under 8 MB)."""
    tt.save({"w": tt.ones(2)}, tmp_path / "good")
    assert tt.load(tmp_path / "good")["w"].shape == (2,)
    bomb = tmp_path / "bomb"
    header = io.BytesIO()
    np.save(
        header,
        np.frombuffer(
            json.dumps(_header({"__kind__": "ndarray", "array": "array_0"})).encode(), np.uint8
        ),
    )
    size = 32 * 2**20
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("__tinytorch__.npy", header.getvalue())
        with archive.open("array_0.npy", "w", force_zip64=True) as member:
            member.write(_npy_header((size,), np.uint8))
            for _ in range(size // 2**20):
                member.write(bytes(2**20))
    liar = tmp_path / "liar"
    with zipfile.ZipFile(liar, "w") as archive:
        archive.writestr("__tinytorch__.npy", header.getvalue())
        archive.writestr("array_0.npy", _npy_header((10**9,), np.float64) + bytes(8))
    assert bomb.stat().st_size < 2**20
    for path, reason in [(bomb, "compressed"), (liar, "declares shape")]:
        tracemalloc.start()
        try:
            with pytest.raises(ValueError, match=reason):
                tt.load(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 8 * 2**20, f"loading {path.name} allocated {peak} bytes"


def _npy_header(shape, dtype):
    """The bytes of a .npy file's header (magic string, version 1.0, dict), without data."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer,
        {
            "descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
            "fortran_order": False,
            "shape": shape,
        },
    )
    return buffer.getvalue()

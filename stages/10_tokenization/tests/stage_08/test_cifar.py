# Generated from solutions/tests/stage_08/test_cifar.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: reading CIFAR-10's official "python version" batches, written here by the test.

Each batch is a pickled dict with ``b"data"`` (N, 3072) uint8 and ``b"labels"``, and
``batches.meta`` holds ``b"label_names"``, as in the official archive; the batches are tiny
(two images) and their checksums are passed with ``checksums=``. No network is used.
"""

import hashlib
import io
import json
import pickle
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.datasets import CIFAR10, DatasetFileError
from tinytorch.datasets import utils as dataset_utils
from tinytorch.datasets.cifar import decode_batch

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
TRAIN = [f"data_batch_{i}" for i in range(1, 6)]


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def layout_reference(rows: np.ndarray) -> np.ndarray:
    """(N, 3072) rows -> (N, 32, 32, 3), by the format's definition, one value at a time."""
    out = np.empty((len(rows), 32, 32, 3), np.uint8)
    for n in range(len(rows)):
        for channel in range(3):
            for r in range(32):
                for c in range(32):
                    out[n, r, c, channel] = rows[n, channel * 1024 + r * 32 + c]
    return out


def write_cifar(root, per_batch=2, seed=0, protocol=None):
    """Write cifar-10-batches-py/ under root; return ({name: (rows, labels)}, checksums)."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    batches, checksums = {}, {}
    for name in [*TRAIN, "test_batch"]:
        rows = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, per_batch).tolist()
        batches[name] = (rows, labels)
        entry = {b"batch_label": name.encode(), b"labels": labels, b"data": rows}
        entry[b"filenames"] = [f"img{i}.png".encode() for i in range(per_batch)]
        data = pickle.dumps(entry, protocol=protocol)
        (folder / name).write_bytes(data)
        checksums[name] = md5(data)
    meta = {b"label_names": [c.encode() for c in CLASSES], b"num_vis": 3072}
    meta = pickle.dumps(meta, protocol=protocol)
    (folder / "batches.meta").write_bytes(meta)
    checksums["batches.meta"] = md5(meta)
    return batches, checksums


@pytest.mark.points(2, hint="each row is 1024 red, 1024 green, 1024 blue values, row-major")
def test_decode_batch_follows_the_format():
    """decode_batch turns (N, 3072) rows into (N, 32, 32, 3) images and int64 labels."""
    rows = np.random.default_rng(1).integers(0, 256, (2, 3072), dtype=np.uint8)
    images, labels = decode_batch({"data": rows, "labels": [3, 7]})
    assert images.shape == (2, 32, 32, 3) and images.dtype == np.uint8
    np.testing.assert_array_equal(images, layout_reference(rows))
    assert labels.dtype == np.int64 and labels.tolist() == [3, 7]
    with pytest.raises(ValueError, match=r"\(N, 3072\).*\(2, 3071\)"):
        decode_batch({"data": rows[:, :-1], "labels": [3, 7]})
    with pytest.raises(ValueError, match="2 integers"):
        decode_batch({"data": rows, "labels": [3]})
    with pytest.raises(ValueError, match=r"0\.\.9"):
        decode_batch({"data": rows, "labels": [3, 10]})


@pytest.mark.points(3, hint="items are (3, 32, 32) float32 in [0, 1]: transpose HWC to CHW")
def test_cifar_reads_the_official_format(tmp_path):
    """CIFAR10 reads batches written by the test: data, targets, classes and items all match."""
    batches, checksums = write_cifar(tmp_path)
    train = CIFAR10(tmp_path, train=True, checksums=checksums)
    rows = np.concatenate([batches[name][0] for name in TRAIN])
    labels = [y for name in TRAIN for y in batches[name][1]]
    assert len(train) == 10 and train.targets == labels
    assert train.data.shape == (10, 32, 32, 3) and train.data.dtype == np.uint8
    np.testing.assert_array_equal(train.data, layout_reference(rows))
    assert train.classes == CLASSES and train.class_to_idx["cat"] == 3
    for i in range(len(train)):
        image, label = train[i]
        assert isinstance(image, tt.Tensor) and image.shape == (3, 32, 32)
        assert image.dtype == np.float32
        np.testing.assert_allclose(
            image.numpy(), train.data[i].transpose(2, 0, 1) / 255.0, rtol=1e-6
        )
        assert type(label) is int and label == labels[i]
    test = CIFAR10(tmp_path, train=False, checksums=checksums, target_transform=lambda y: -y)
    assert len(test) == 2 and test[1][1] == -batches["test_batch"][1][1]


class Payload:
    """Unpickling this object opens (creates) a file: a stand-in for any code an attacker wants run."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.points(
    3, hint="verify the MD5 first; unpickle with an Unpickler whose find_class refuses"
)
def test_cifar_never_runs_code_from_a_batch(tmp_path):
    """A crafted batch is refused unverified, and also when verified: its code never runs."""
    _, checksums = write_cifar(tmp_path)
    assert len(CIFAR10(tmp_path, train=False, checksums=checksums)) == 2
    marker = tmp_path / "pwned"
    evil = pickle.dumps({b"data": Payload(marker), b"labels": [0]})
    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(evil)

    with pytest.raises(DatasetFileError, match=r"test_batch is truncated or corrupt.*MD5"):
        CIFAR10(tmp_path, train=False, checksums=checksums)
    assert not marker.exists()

    with pytest.raises(DatasetFileError, match=r"test_batch cannot be loaded.*forbidden global"):
        CIFAR10(tmp_path, train=False, checksums={**checksums, "test_batch": md5(evil)})
    assert not marker.exists()

    with pytest.raises(DatasetFileError, match="no known checksum"):
        CIFAR10(
            tmp_path,
            train=False,
            checksums={k: v for k, v in checksums.items() if k != "test_batch"},
        )
    assert not marker.exists()

    pickle.loads(evil)[b"data"].close()  # the payload is live: plain pickle runs it
    assert marker.exists()


@pytest.mark.points(1)
def test_cifar_missing_or_damaged_batches_are_named(tmp_path):
    """A missing batch names the file and folder; a cut pickle with a matching MD5 is reported."""
    _, checksums = write_cifar(tmp_path)
    folder = tmp_path / "cifar-10-batches-py"
    assert len(CIFAR10(tmp_path, train=True, checksums=checksums)) == 10
    cut = (folder / "data_batch_3").read_bytes()[:100]
    (folder / "data_batch_3").write_bytes(cut)
    with pytest.raises(DatasetFileError, match="data_batch_3 cannot be loaded"):
        CIFAR10(tmp_path, train=True, checksums={**checksums, "data_batch_3": md5(cut)})
    (folder / "data_batch_3").unlink()
    with pytest.raises(
        FileNotFoundError, match=r"data_batch_3 is missing.*cifar-10-batches-py.*download"
    ):
        CIFAR10(tmp_path, train=True, checksums=checksums)


@pytest.mark.points(1, hint="extract only regular files under cifar-10-batches-py/")
def test_cifar_download_verifies_and_extracts_safely(tmp_path, monkeypatch):
    """download=True verifies the archive, unpacks the batches, and ignores paths that escape root."""
    source = tmp_path / "source"
    batches, checksums = write_cifar(source)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(source / "cifar-10-batches-py", arcname="cifar-10-batches-py")
        escape = tarfile.TarInfo("cifar-10-batches-py/../../escaped.txt")
        escape.size = 4
        tar.addfile(escape, io.BytesIO(b"evil"))
    archive = buffer.getvalue()
    checksums["cifar-10-python.tar.gz"] = md5(archive)
    requests = []

    def fake_urlopen(url, timeout=None):
        requests.append(url)
        return io.BytesIO(archive)

    monkeypatch.setattr(dataset_utils, "urlopen", fake_urlopen)
    root = tmp_path / "data" / "inner"
    dataset = CIFAR10(root, train=False, download=True, checksums=checksums)
    assert requests == ["https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"]
    assert dataset.targets == batches["test_batch"][1]
    assert dataset[0][0].shape == (3, 32, 32)
    assert not (tmp_path / "data" / "escaped.txt").exists()
    assert not (root / "escaped.txt").exists()


# ---------------------------------------------------------------------- pickles by hand
# Opcodes of pickle protocol 2 (see the standard library's pickletools), to write the
# batches Python 2 wrote and the crafted ones no pickler would write.


def _text(value: str) -> bytes:
    """BINUNICODE: a str."""
    data = value.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def _py2_str(data: bytes) -> bytes:
    """BINSTRING: Python 2's str (a byte string)."""
    return b"T" + struct.pack("<I", len(data)) + data


def _dtype(name: str, state: bytes) -> bytes:
    """numpy.dtype(name, False, True), then BUILD with the tuple whose items are `state`."""
    return b"cnumpy\ndtype\n" + _text(name) + b"\x89\x88\x87R(" + state + b"tb"


PLAIN_STATE = b"K\x03" + _text("|") + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00"


def _array(shape: tuple, dtype: bytes, raw: bytes) -> bytes:
    """numpy's _reconstruct(ndarray, (0,), b'b'), then BUILD (1, shape, dtype, False, raw)."""
    sizes = b"(" + b"".join(b"J" + struct.pack("<i", n) for n in shape) + b"t"
    return (
        b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85U\x01b\x87R"
        + b"(K\x01"
        + sizes
        + dtype
        + b"\x89"
        + _py2_str(raw)
        + b"tb"
    )


def _batch(data: bytes, labels: list) -> bytes:
    """A protocol-2 dict {'data': <data>, 'labels': labels}, keys as Python 2's str."""
    items = b"".join(b"J" + struct.pack("<i", y) + b"a" for y in labels)
    return (
        b"\x80\x02}" + _py2_str(b"data") + data + b"s" + _py2_str(b"labels") + b"]" + items + b"s."
    )


def _structured_state(offset: int) -> bytes:
    """A dtype state naming one float64 field 'x' at `offset` bytes into an 8-byte record."""
    f8 = _dtype("f8", b"K\x03" + _text("<") + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00")
    fields = b"}" + _text("x") + b"(" + f8 + b"J" + struct.pack("<i", offset) + b"ts"
    return b"K\x03" + _text("|") + b"N(" + _text("x") + b"t" + fields + b"K\x08K\x01K\x00"


#: Loads crafted batches in a fresh Python, so that a crash fails this test, not the run.
CRAFTED_LOADER = """
import json, pickle, sys
sys.path.insert(0, sys.argv[1])
from tinytorch.datasets import CIFAR10, DatasetFileError
from tinytorch.datasets.batch_pickle import unpickle_batch
for root, checksums in json.loads(sys.argv[2]):
    try:
        CIFAR10(root, train=False, checksums=checksums)
    except DatasetFileError as error:
        print("CIFAR10 refused:", error)
    try:
        unpickle_batch(open(root + "/cifar-10-batches-py/test_batch", "rb").read())
    except pickle.UnpicklingError as error:
        print("unpickle_batch refused:", error)
"""


@pytest.mark.points(2, hint="the given unpickler builds arrays only from plain number dtypes")
def test_a_crafted_dtype_is_refused_without_crashing(tmp_path):
    """A batch whose array has a structured dtype built by pickle (numpy.dtype + BUILD, with
    a field far outside its record; from a 'V8' or an 'f8' dtype) is refused with a clear
    error naming the dtype, by CIFAR10 with a matching checksum and by unpickle_batch, in a
    fresh Python that must not crash (reading that field reads memory not the array's)."""
    cases = []
    for name in ("V8", "f8"):
        root = tmp_path / name
        _, checksums = write_cifar(root)
        assert len(CIFAR10(root, train=False, checksums=checksums)) == 2
        evil = _batch(_array((1,), _dtype(name, _structured_state(2**30)), bytes(8)), [0])
        (root / "cifar-10-batches-py" / "test_batch").write_bytes(evil)
        cases.append((str(root), {**checksums, "test_batch": md5(evil)}))
    package_root = Path(tt.__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, "-c", CRAFTED_LOADER, str(package_root), json.dumps(cases)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, f"the loader died (exit {run.returncode}): {run.stderr[-500:]}"
    lines = run.stdout.splitlines()
    assert len(lines) == 4, run.stdout
    for line, reader in zip(lines, ["CIFAR10", "unpickle_batch"] * 2, strict=True):
        assert line.startswith(f"{reader} refused:") and "refused dtype" in line
    assert "test_batch cannot be loaded" in lines[0]


@pytest.mark.points(1, hint="Python 3 pickles bytes under protocol 2 as _codecs.encode")
@pytest.mark.parametrize("protocol", [2, 5])
def test_batches_pickled_by_python_3_and_python_2_load(tmp_path, protocol):
    """Batches pickled by Python 3 with protocol 2 (bytes as _codecs.encode(text, 'latin1'))
    or 5 (arrays as _frombuffer), and a batch as Python 2 wrote the official files (str
    payloads), all load with the right pixels and labels."""
    batches, checksums = write_cifar(tmp_path, protocol=protocol)
    test = CIFAR10(tmp_path, train=False, checksums=checksums)
    rows, labels = batches["test_batch"]
    np.testing.assert_array_equal(test.data, layout_reference(rows))
    assert test.targets == labels and test.classes == CLASSES
    old = _batch(_array(rows.shape, _dtype("u1", PLAIN_STATE), rows.tobytes()), labels)
    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(old)
    test = CIFAR10(tmp_path, train=False, checksums={**checksums, "test_batch": md5(old)})
    np.testing.assert_array_equal(test.data, layout_reference(rows))
    assert test.targets == labels
    assert test.data.flags.writeable

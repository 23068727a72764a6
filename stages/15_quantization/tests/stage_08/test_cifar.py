# Generated from solutions/tests/stage_08/test_cifar.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: reading CIFAR-10's official "python version" batches, written here by the test.

Each batch is a pickled dict with ``b"data"`` (N, 3072) uint8 and ``b"labels"``, and
``batches.meta`` holds ``b"label_names"``, as in the official archive; the batches are tiny
(two images) and their checksums are passed with ``checksums=``. No network is used.
"""

import hashlib
import io
import pickle
import tarfile

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


def write_cifar(root, per_batch=2, seed=0):
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
        data = pickle.dumps(entry)
        (folder / name).write_bytes(data)
        checksums[name] = md5(data)
    meta = pickle.dumps({b"label_names": [c.encode() for c in CLASSES], b"num_vis": 3072})
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

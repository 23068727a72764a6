# Generated from solutions/tests/stage_08/test_mnist.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: reading MNIST's official IDX files, written here by the test itself.

The files are tiny (a few images) but in exactly the official format: gzip-compressed IDX with
magic numbers 2051 (images) and 2049 (labels) and big-endian sizes. Their checksums are passed
with ``checksums=``, as the published MD5s would be for the real files. No network is used.
"""

import gzip
import hashlib
import io
import struct
import tracemalloc
from urllib.error import URLError

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.datasets import MNIST, DatasetFileError, DownloadError, read_idx
from tinytorch.datasets import utils as dataset_utils

IDX_CODES = {
    np.uint8: 0x08,
    np.int8: 0x09,
    np.int16: 0x0B,
    np.int32: 0x0C,
    np.float32: 0x0D,
    np.float64: 0x0E,
}
NAMES = {
    (True, "images"): "train-images-idx3-ubyte.gz",
    (True, "labels"): "train-labels-idx1-ubyte.gz",
    (False, "images"): "t10k-images-idx3-ubyte.gz",
    (False, "labels"): "t10k-labels-idx1-ubyte.gz",
}


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of ``array``: 0, 0, type code, ndim, big-endian sizes, big-endian values."""
    code = IDX_CODES[array.dtype.type]
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def write_mnist(root, n_train=6, n_test=4, seed=0, rows=28, cols=28):
    """Write the four official .gz files under root/MNIST/raw; return (arrays, checksums)."""
    rng = np.random.default_rng(seed)
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    arrays, checksums = {}, {}
    for train, n in ((True, n_train), (False, n_test)):
        images = rng.integers(0, 256, (n, rows, cols), dtype=np.uint8)
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        arrays[train] = (images, labels)
        for kind, array in (("images", images), ("labels", labels)):
            data = gzip.compress(idx_bytes(array), mtime=0)
            (raw / NAMES[train, kind]).write_bytes(data)
            checksums[NAMES[train, kind]] = md5(data)
    return arrays, checksums


@st.composite
def idx_arrays(draw):
    dtype = draw(st.sampled_from(list(IDX_CODES)))
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=4)))
    if np.dtype(dtype).kind == "f":
        values = st.floats(-1e6, 1e6, width=32)
    else:
        info = np.iinfo(dtype)
        values = st.integers(int(info.min), int(info.max))
    flat = draw(st.lists(values, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    return np.asarray(flat, dtype=dtype).reshape(shape)


@pytest.mark.points(2, hint="sizes and values are BIG-endian; convert values to native order")
@given(idx_arrays())
def test_read_idx_parses_every_type(array):
    """read_idx returns the array an IDX file encodes, for every type code, in native byte order."""
    parsed = read_idx(idx_bytes(array))
    assert parsed.shape == array.shape
    assert parsed.dtype == array.dtype and parsed.dtype.isnative
    np.testing.assert_array_equal(parsed, array)


@pytest.mark.points(
    1, hint="check magic, type code and byte count before reshaping; see the HINT's wording"
)
def test_read_idx_rejects_malformed_files():
    """A bad magic number, an unknown type code, and missing or extra bytes raise ValueError."""
    good = idx_bytes(np.arange(6, dtype=np.uint8).reshape(2, 3))
    assert read_idx(good).tolist() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="two zero bytes"):
        read_idx(b"\x01" + good[1:])
    with pytest.raises(ValueError, match="type code 0x07"):
        read_idx(good[:2] + b"\x07" + good[3:])
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*5 bytes"):
        read_idx(good[:-1])
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*7 bytes"):
        read_idx(good + b"\x00")


@pytest.mark.points(3, hint="the image is (1, H, W) float32 = pixels / 255; the label an int")
def test_mnist_reads_the_official_format(tmp_path):
    """MNIST parses gzip IDX files written by the test: data, targets and items all match."""
    arrays, checksums = write_mnist(tmp_path)
    for train in (True, False):
        images, labels = arrays[train]
        dataset = MNIST(tmp_path, train=train, checksums=checksums)
        assert len(dataset) == len(labels)
        np.testing.assert_array_equal(dataset.data.numpy(), images)
        assert dataset.data.dtype == np.uint8
        np.testing.assert_array_equal(dataset.targets.numpy(), labels.astype(np.int64))
        assert dataset.targets.dtype == np.int64
        for i in range(len(labels)):
            image, label = dataset[i]
            assert isinstance(image, tt.Tensor) and image.shape == (1, 28, 28)
            assert image.dtype == np.float32
            np.testing.assert_allclose(image.numpy()[0], images[i] / 255.0, rtol=1e-6)
            assert type(label) is int and label == labels[i]
    flipped = MNIST(tmp_path, checksums=checksums, transform=lambda x: -x, target_transform=str)
    assert flipped[0][1] == str(arrays[True][1][0])
    assert flipped[0][0].numpy().max() <= 0.0


@pytest.mark.points(1)
def test_mnist_missing_file_says_where_it_goes(tmp_path):
    """A missing file raises FileNotFoundError naming it and the folder it belongs in."""
    _, checksums = write_mnist(tmp_path)
    assert len(MNIST(tmp_path, train=False, checksums=checksums)) == 4
    (tmp_path / "MNIST" / "raw" / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"train-labels-idx1-ubyte\.gz.*MNIST/raw"):
        MNIST(tmp_path, train=True, checksums=checksums)


@pytest.mark.points(
    2, hint="check the checksum before parsing; turn parse errors into DatasetFileError"
)
def test_mnist_rejects_truncated_and_corrupt_files(tmp_path):
    """Truncated, corrupt, mislabeled and inconsistent files raise DatasetFileError naming the file."""
    arrays, checksums = write_mnist(tmp_path)
    raw = tmp_path / "MNIST" / "raw"
    assert len(MNIST(tmp_path, train=False, checksums=checksums)) == 4
    images_path = raw / NAMES[False, "images"]
    whole = images_path.read_bytes()

    # The published checksums reject the test's files: they are not the real MNIST.
    with pytest.raises(
        DatasetFileError, match=r"t10k-images-idx3-ubyte\.gz is truncated or corrupt.*MD5"
    ):
        MNIST(tmp_path, train=False)

    # Truncated after download: the checksum no longer matches.
    images_path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DatasetFileError, match=r"t10k-images.*MD5 is [0-9a-f]{32}, expected"):
        MNIST(tmp_path, train=False, checksums=checksums)

    # Even with a matching checksum, a cut gzip stream is reported, not half-read.
    cut = whole[: len(whole) // 2]
    images_path.write_bytes(cut)
    with pytest.raises(
        DatasetFileError, match=r"t10k-images-idx3-ubyte\.gz is not a complete gzip"
    ):
        MNIST(tmp_path, train=False, checksums={**checksums, NAMES[False, "images"]: md5(cut)})

    # A header that promises more images than the file holds.
    images, _ = arrays[False]
    short = gzip.compress(idx_bytes(images)[:-28], mtime=0)
    images_path.write_bytes(short)
    with pytest.raises(DatasetFileError, match=r"t10k-images-idx3-ubyte\.gz: IDX header"):
        MNIST(tmp_path, train=False, checksums={**checksums, NAMES[False, "images"]: md5(short)})

    # A labels file where the images belong: its magic number is 2049, not 2051.
    labels_data = (raw / NAMES[False, "labels"]).read_bytes()
    images_path.write_bytes(labels_data)
    with pytest.raises(DatasetFileError, match=r"magic number 2049.*2051"):
        MNIST(
            tmp_path, train=False, checksums={**checksums, NAMES[False, "images"]: md5(labels_data)}
        )

    # Images and labels that disagree on the number of samples.
    five = gzip.compress(idx_bytes(images[:3]), mtime=0)
    images_path.write_bytes(five)
    with pytest.raises(DatasetFileError, match="same N"):
        MNIST(tmp_path, train=False, checksums={**checksums, NAMES[False, "images"]: md5(five)})


class FakeServer:
    """Stands in for urlopen: serves bytes by file name, or fails like a machine offline."""

    def __init__(self, files=None, offline=False):
        self.files, self.offline, self.requests = files or {}, offline, []

    def __call__(self, url, timeout=None):
        self.requests.append(url)
        if self.offline:
            raise URLError("[Errno -3] Temporary failure in name resolution")
        return io.BytesIO(self.files[url.rsplit("/", 1)[1]])


@pytest.mark.points(2, hint="download, verify the MD5, and only then keep the file")
def test_mnist_download_is_checksum_verified(tmp_path, monkeypatch):
    """download=True fetches and verifies the files; bad bytes are discarded; offline says what to do."""
    source = tmp_path / "source"
    arrays, checksums = write_mnist(source)
    served = {name: (source / "MNIST" / "raw" / name).read_bytes() for name in checksums}

    server = FakeServer(served)
    monkeypatch.setattr(dataset_utils, "urlopen", server)
    dataset = MNIST(tmp_path / "data", download=True, checksums=checksums)
    assert len(server.requests) == 4 and server.requests[0].startswith("https://")
    np.testing.assert_array_equal(dataset.targets.numpy(), arrays[True][1])
    assert dataset[0][0].shape == (1, 28, 28)

    tampered = {name: data[:-1] + bytes([data[-1] ^ 1]) for name, data in served.items()}
    monkeypatch.setattr(dataset_utils, "urlopen", FakeServer(tampered))
    with pytest.raises(DatasetFileError, match=r"MD5 is [0-9a-f]{32}, expected .*discarded"):
        MNIST(tmp_path / "other", download=True, checksums=checksums)
    assert not any((tmp_path / "other" / "MNIST" / "raw").iterdir())

    monkeypatch.setattr(dataset_utils, "urlopen", FakeServer(offline=True))
    with pytest.raises(DownloadError, match=r"(?s)offline.*put it at .*MNIST/raw/train-images"):
        MNIST(tmp_path / "offline", download=True, checksums=checksums)


def _gzip_stream(header: bytes, zeros: int) -> bytes:
    """gzip of `header` followed by `zeros` zero bytes, compressed chunk by chunk (the test
    never holds the inflated bytes)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as stream:
        stream.write(header)
        for _ in range(zeros // 2**20):
            stream.write(bytes(2**20))
    return out.getvalue()


@pytest.mark.points(1, hint="the given reader inflates no more than the IDX header declares")
def test_mnist_never_inflates_beyond_what_the_header_declares(tmp_path):
    """A small .gz whose stream inflates to 32 MB behind a header declaring 6 images, and
    one whose header declares a million 1000x1000 images, are refused with the file named,
    never inflated: peak memory stays under 4 MB."""
    _, checksums = write_mnist(tmp_path)
    assert len(MNIST(tmp_path, train=True, checksums=checksums)) == 6
    images = tmp_path / "MNIST" / "raw" / NAMES[True, "images"]
    header = struct.pack(">BBBB3I", 0, 0, 0x08, 3, 6, 28, 28)
    huge = struct.pack(">BBBB3I", 0, 0, 0x08, 3, 10**6, 1000, 1000)
    cases = [
        (_gzip_stream(header, 32 * 2**20), "more than the 4720 bytes its IDX header declares"),
        (_gzip_stream(huge, 2**20), r"declares shape \(1000000, 1000, 1000\).*more than"),
    ]
    for data, reason in cases:
        assert len(data) < 2**20
        images.write_bytes(data)
        tracemalloc.start()
        try:
            with pytest.raises(DatasetFileError, match=r"train-images-idx3-ubyte\.gz: .*" + reason):
                MNIST(tmp_path, train=True, checksums={**checksums, images.name: md5(data)})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 4 * 2**20, f"reading the file allocated {peak} bytes"

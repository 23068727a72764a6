"""MNIST: 70,000 handwritten digits of 28x28 pixels, read from the official IDX files.

The files are LeCun, Cortes and Burges' originals, gzip-compressed, in the IDX format: a 4-byte
*magic number* ``0x00 0x00 <type> <ndim>`` (2051 = unsigned bytes in 3 dimensions for images,
2049 = unsigned bytes in 1 dimension for labels), then ``ndim`` sizes as big-endian 32-bit
integers, then the values, row-major. Reading them yourself is the point: there is no magic in
a data set file, only a header you can check and bytes you can count.

Files live in ``<root>/MNIST/raw/`` (the layout torchvision uses, so an existing download
works). Each is checked against its published MD5 before it is parsed.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import numpy as np

from tinytorch import dtypes
from tinytorch.data.dataset import Dataset
from tinytorch.datasets.utils import DatasetFileError, download, is_verified, read_verified
from tinytorch.tensor import Tensor

#: Where the files can be downloaded from, tried in order.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
#: The published MD5 of each file (as torchvision lists them).
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
#: The magic numbers of MNIST's two kinds of file.
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049

#: IDX type codes (the magic number's third byte) and the big-endian dtypes they stand for.
IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(data: bytes) -> np.ndarray:
    """Parse the bytes of an (uncompressed) IDX file into an array in native byte order.

    Raises:
        ValueError: the magic number is malformed, the type code unknown, or the number of
            bytes does not match the sizes in the header (a truncated or padded file).
    """
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"not an IDX file: it must start with two zero bytes, got {data[:4]!r}")
    code, ndim = data[2], data[3]
    if code not in IDX_TYPES:
        raise ValueError(f"unknown IDX type code 0x{code:02x}; expected one of {sorted(IDX_TYPES)}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(
            f"IDX header promises {ndim} sizes but the file has only {len(data)} bytes"
        )
    shape = tuple(int(n) for n in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_TYPES[code]
    expected = math.prod(shape) * dtype.itemsize
    if len(data) - header != expected:
        raise ValueError(
            f"IDX header says shape {shape} ({expected} bytes of values) but the file holds "
            f"{len(data) - header} bytes after its header"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header)
    return values.reshape(shape).astype(dtype.newbyteorder("="))


#: The most a deflate stream can expand: each 258-byte run costs at least two bits, so no gzip
#: file of n bytes inflates to more than about 1032 n. What a file's size allows.
MAX_DEFLATE_RATIO = 1032


def gunzip_idx(data: bytes) -> bytes:
    """Decompress a gzip-compressed IDX file, never to more bytes than its header declares.

    A gzip file's size says little about what it inflates to: 3 MB of zeros inflate to 3 GB.
    An IDX file's header does say it: the shape. So this inflates the header first, refuses a
    shape the compressed file could not possibly hold, and then inflates at most the declared
    number of bytes (plus one, to notice a stream that holds more).

    Raises:
        ValueError: the header is malformed or declares more than the file can hold, or the
            stream inflates to more than the header declares or carries trailing data.
        zlib.error: the bytes are not a valid gzip stream (a damaged file).
        EOFError: the gzip stream ends early (a truncated file).
    """
    stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # 16+: expect a gzip wrapper
    head = stream.decompress(data, 4)
    if len(head) < 4 and not stream.eof:
        raise EOFError("the gzip stream ends early")
    if len(head) < 4 or head[:2] != b"\x00\x00" or head[2] not in IDX_TYPES:
        raise ValueError(f"not an IDX file: it starts with {head!r}, not 0, 0, type, ndim")
    ndim = head[3]
    head += stream.decompress(stream.unconsumed_tail, 4 * ndim)
    if len(head) < 4 + 4 * ndim:
        raise ValueError(f"the IDX header promises {ndim} sizes but the file ends first")
    shape = struct.unpack(f">{ndim}I", head[4:])
    declared = len(head) + math.prod(shape) * IDX_TYPES[head[2]].itemsize
    if declared > len(data) * MAX_DEFLATE_RATIO:
        raise ValueError(
            f"its IDX header declares shape {shape} ({declared} bytes), more than a gzip file "
            f"of {len(data)} bytes can hold"
        )
    raw = head + stream.decompress(stream.unconsumed_tail, declared - len(head) + 1)
    if len(raw) > declared:
        raise ValueError(f"it inflates to more than the {declared} bytes its IDX header declares")
    if not stream.eof:
        raise EOFError("the gzip stream ends early")
    if stream.unused_data:
        raise ValueError(f"{len(stream.unused_data)} bytes follow the end of the gzip stream")
    return raw


class MNIST(Dataset):
    """The MNIST digits: ``mnist[i]`` is ``(image, label)``, as ``torchvision.datasets.MNIST``.

    Args:
        root: the folder holding ``MNIST/raw/`` (created by ``download=True``).
        train: the 60,000 training images, or (False) the 10,000 test images.
        transform, target_transform: applied to each image / label.
        download: fetch the four files first if they are not already there and valid.
        checksums: file name -> MD5 of the files that may be read (default: the published
            ones); a file whose MD5 differs is rejected before it is parsed.

    Each image is a float32 Tensor ``(1, 28, 28)`` in [0, 1] (what torchvision returns after
    ``ToTensor``); each label a Python int. ``data`` is the uint8 Tensor ``(N, 28, 28)`` of
    all images, ``targets`` the int64 Tensor ``(N,)`` of all labels.
    """

    classes: ClassVar[list[str]] = [
        "0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
        "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine",
    ]  # fmt: skip

    def __init__(
        self,
        root: str | Path,
        train: bool = True,
        transform=None,
        target_transform=None,
        download: bool = False,
        *,
        checksums: Mapping[str, str] | None = None,
    ) -> None:
        self.root = Path(root).expanduser()
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        self.checksums = dict(MNIST_MD5 if checksums is None else checksums)
        if download:
            self.download()
        prefix = "train" if train else "t10k"
        images = self._read(f"{prefix}-images-idx3-ubyte.gz", IMAGES_MAGIC)
        labels = self._read(f"{prefix}-labels-idx1-ubyte.gz", LABELS_MAGIC)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DatasetFileError(
                f"MNIST files in {self.raw_folder} do not match: images {images.shape} need "
                f"shape (N, rows, cols) and labels {labels.shape} shape (N,) with the same N"
            )
        if labels.size and labels.max() > 9:
            raise DatasetFileError(f"MNIST labels must be 0..9, found {labels.max()}")
        self.data = Tensor._wrap(images)
        self.targets = Tensor._wrap(labels.astype(dtypes.int64))

    @property
    def raw_folder(self) -> Path:
        """Where the four .gz files live."""
        return self.root / "MNIST" / "raw"

    def _how_to_get(self, name: str) -> str:
        return (
            f"Pass download=True, or download {name} from {MNIST_MIRRORS[0]} yourself and put "
            f"it in {self.raw_folder}/ (all four MNIST .gz files go there, still compressed)."
        )

    def _read(self, name: str, magic: int) -> np.ndarray:
        """Verify, decompress and parse one file; any problem names the file."""
        path = self.raw_folder / name
        data = read_verified(path, self.checksums, self._how_to_get(name))
        try:
            raw = gunzip_idx(data)
        except (zlib.error, EOFError) as error:
            raise DatasetFileError(
                f"{path} is not a complete gzip file ({error}). {self._how_to_get(name)}"
            ) from None
        except ValueError as error:
            raise DatasetFileError(f"{path}: {error}. {self._how_to_get(name)}") from None
        found = int.from_bytes(raw[:4], "big")
        if found != magic:
            kind = "images" if magic == IMAGES_MAGIC else "labels"
            raise DatasetFileError(
                f"{path} has magic number {found}, but an MNIST {kind} file starts with {magic}"
            )
        try:
            return read_idx(raw)
        except ValueError as error:
            raise DatasetFileError(f"{path}: {error}. {self._how_to_get(name)}") from None

    def download(self) -> None:
        """Fetch every file that is not already present with the right checksum."""
        for name, md5 in MNIST_MD5.items():
            path = self.raw_folder / name
            if not is_verified(path, self.checksums):
                urls = [mirror + name for mirror in MNIST_MIRRORS]
                download(urls, path, self.checksums.get(name, md5))

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int):
        image = Tensor._wrap(self.data.data[index][None].astype(dtypes.float32) / 255.0)
        label = int(self.targets.data[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return f"MNIST({split}, {len(self)} images, root={str(self.root)!r})"

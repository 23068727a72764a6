"""CIFAR-10: 60,000 colour photos of 32x32 pixels in 10 classes, from the official batches.

Krizhevsky's "CIFAR-10 python version" is a folder ``cifar-10-batches-py/`` of pickled dicts:
``data_batch_1`` .. ``data_batch_5`` (10,000 training images each), ``test_batch`` and
``batches.meta`` (the class names). In a batch, ``data`` is a uint8 array ``(10000, 3072)``
whose rows hold an image's 1,024 red values, then 1,024 green, then 1,024 blue, each plane
row-major; ``labels`` is a list of ints 0..9.

Pickle is a program, not a data format: unpickling runs whatever constructors the file names,
so a crafted "batch" can run any code. Two locks keep that shut here. A file is unpickled only
after its MD5 matched the published table, and the unpickler answers the few NumPy
constructors a real batch names with inert stand-ins that check every dtype, shape and byte
count before an array exists, refusing every other global by name.
"""

from __future__ import annotations

import io
import math
import pickle
import tarfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from tinytorch import dtypes
from tinytorch.data.dataset import Dataset
from tinytorch.datasets.utils import DatasetFileError, download, is_verified, read_verified
from tinytorch.tensor import Tensor

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCHES = ("test_batch",)
META = "batches.meta"
#: The published MD5 of the archive and of each file in it (as torchvision lists them).
CIFAR10_MD5 = {
    CIFAR10_ARCHIVE: "c58f30108f718f92721af3b95e74349a",
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
    META: "5ff9c542aee3614f3951f8cda6e48888",
}


class _DTypeSpec:
    """A dtype as a pickle describes it (``numpy.dtype(name, align, copy)`` then a BUILD with
    its state), kept inert until checked.

    Unpickling a real ``np.dtype`` hands the state to ``dtype.__setstate__``, and a crafted
    state can describe a structured dtype whose fields lie far outside each record: reading
    such an array reads arbitrary memory and crashes Python. Here the name must be a plain
    number type (``'u1'``, ``'<i8'``, ``'f4'``) and the state may only choose a byte order.
    """

    def __init__(self, name, align=False, copy=False) -> None:
        try:
            dtype = np.dtype(name) if isinstance(name, str) else None
        except TypeError:
            dtype = None
        if dtype is None or not _is_plain(dtype):
            raise pickle.UnpicklingError(
                f"refused dtype {name!r}: a CIFAR-10 batch only holds arrays of plain numbers "
                "(bool, int, uint or float)"
            )
        self.dtype = dtype

    def __setstate__(self, state) -> None:
        # (version, byte order, subarray, names, fields, item size, alignment, flags)
        if (
            not isinstance(state, tuple)
            or len(state) < 5
            or state[1] not in ("<", ">", "|", "=")
            or state[2:5] != (None, None, None)
        ):
            raise pickle.UnpicklingError(
                f"refused dtype state {state!r:.120}: only a byte order may be set on a plain "
                "dtype (no fields, no sub-arrays)"
            )
        if state[1] in "<>":
            self.dtype = self.dtype.newbyteorder(state[1])


def _is_plain(dtype: np.dtype) -> bool:
    return dtype.kind in "biuf" and dtype.fields is None and dtype.subdtype is None


class _ArraySpec:
    """An array as protocols 2-4 pickle it: ``_reconstruct(ndarray, (0,), b"b")`` makes an
    empty one, then a BUILD sets ``(version, shape, dtype, fortran_order, raw bytes)``.

    Only the checked result, :attr:`array`, leaves :func:`unpickle_batch`.
    """

    array: np.ndarray | None = None

    def __setstate__(self, state) -> None:
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise pickle.UnpicklingError(f"refused array state of type {type(state).__name__}")
        shape, dtype, fortran_order, raw = state[-4:]
        self.array = _checked_array(raw, dtype, shape, "F" if fortran_order else "C")


class _NDArrayMarker:
    """Stands for ``numpy.ndarray`` in a pickle: only ever an argument, never called."""


_NDARRAY = _NDArrayMarker()


def _reconstruct(subtype, shape, typecode) -> _ArraySpec:
    """Stand-in for NumPy's ``_reconstruct``: the empty array a BUILD then fills."""
    if subtype is not _NDARRAY:
        raise pickle.UnpicklingError("refused _reconstruct of something other than ndarray")
    return _ArraySpec()


def _frombuffer(buffer, dtype, shape, order) -> np.ndarray:
    """Stand-in for NumPy's ``_frombuffer``, how protocol 5 pickles an array."""
    return _checked_array(buffer, dtype, shape, order)


def _checked_array(raw, dtype, shape, order) -> np.ndarray:
    """The array of ``shape`` and ``dtype`` (a checked :class:`_DTypeSpec`) over ``raw``,
    whose length must be exactly what they need."""
    if not isinstance(dtype, _DTypeSpec):
        raise pickle.UnpicklingError("refused array: its dtype was not built from a plain name")
    if not (
        isinstance(shape, tuple) and all(isinstance(n, int) and n >= 0 for n in shape)
    ) or order not in ("C", "F"):
        raise pickle.UnpicklingError(f"refused array of shape {shape!r} and order {order!r}")
    if isinstance(raw, str):  # Python 2's str, decoded as latin-1 by unpickle_batch
        raw = raw.encode("latin1")
    if not isinstance(raw, (bytes, bytearray)):
        raise pickle.UnpicklingError(f"refused array data of type {type(raw).__name__}")
    expected = math.prod(shape) * dtype.dtype.itemsize
    if len(raw) != expected:
        raise pickle.UnpicklingError(
            f"refused array: shape {shape} of {dtype.dtype} needs {expected} bytes, the file "
            f"holds {len(raw)}"
        )
    return np.frombuffer(raw, dtype.dtype).reshape(shape, order=order).copy()  # writable


def _latin1_encode(text, encoding="utf-8") -> bytes:
    """Stand-in for ``_codecs.encode``, which Python 3 uses to pickle ``bytes`` under
    protocol 2 (``_codecs.encode("\xff", "latin1")``); nothing else is encoded."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("refused _codecs.encode of anything but latin-1 text")
    return text.encode("latin1")


#: The only globals a batch may name, under NumPy 1's and NumPy 2's module paths, each
#: answered by an inert stand-in above rather than by NumPy's own constructor.
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _DTypeSpec,
    ("_codecs", "encode"): _latin1_encode,
}


class BatchUnpickler(pickle.Unpickler):
    """An unpickler that can build dicts, lists, strings, numbers and NumPy arrays, nothing else.

    ``find_class`` is the only way a pickle reaches code; answering it from a fixed table of
    stand-ins means a file naming ``os.system`` (or any other callable) fails to load instead
    of running, and a file cannot hand NumPy a dtype or array state of its own making.
    """

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"forbidden global {module}.{name}: a CIFAR-10 batch only contains NumPy "
                "arrays, lists, strings and numbers, so this file is refused"
            ) from None


def unpickle_batch(data: bytes) -> dict[str, object]:
    """Load a (verified) batch with :class:`BatchUnpickler`; bytes keys become str keys.

    The official batches were pickled by Python 2, so strings are decoded as latin-1 (NumPy's
    array payloads need that encoding); files pickled by Python 3 load too, with any protocol
    (protocol 2 spells ``bytes`` as ``_codecs.encode(text, "latin1")``).

    What comes out is checked as well: only dicts, lists, str, bytes, ints and arrays of
    plain numbers (see :func:`_checked_result`).

    Raises:
        pickle.UnpicklingError: the file names a global, dtype or value a batch never holds.
        ValueError: the file holds something other than a dict.
    """
    entry = _checked_result(BatchUnpickler(io.BytesIO(data), encoding="latin1").load())
    if not isinstance(entry, dict):
        raise ValueError(f"a CIFAR-10 batch is a dict, got {type(entry).__name__}")
    return {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in entry.items()}


def _checked_result(obj):
    """``obj`` with every array stand-in replaced by its array, after checking that it holds
    only dicts, lists, str, bytes, ints and arrays (iteratively: nesting cannot recurse)."""
    if isinstance(obj, _ArraySpec):
        return _array_of(obj)
    seen, stack = set(), [obj]
    while stack:
        container = stack.pop()
        if not isinstance(container, (dict, list)) or id(container) in seen:
            continue
        seen.add(id(container))
        if isinstance(container, dict):
            for key in container:
                if not isinstance(key, (str, bytes, int)):
                    raise pickle.UnpicklingError(f"refused dict key of type {type(key).__name__}")
            slots = list(container.items())
        else:
            slots = list(enumerate(container))
        for slot, value in slots:
            if isinstance(value, _ArraySpec):
                container[slot] = _array_of(value)
            elif isinstance(value, (dict, list)):
                stack.append(value)
            elif not isinstance(value, (str, bytes, int, np.ndarray)):
                raise pickle.UnpicklingError(
                    f"refused value of type {type(value).__name__}: a batch holds only dicts, "
                    "lists, strings, bytes, ints and arrays"
                )
    return obj


def _array_of(spec: _ArraySpec) -> np.ndarray:
    if spec.array is None:
        raise pickle.UnpicklingError("refused array that the file never filled in")
    return spec.array


def decode_batch(entry: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
    """The images ``(N, 32, 32, 3)`` uint8 (HWC, as torchvision keeps them) and int64 labels
    ``(N,)`` of an unpickled batch.

    Raises:
        ValueError: ``data`` is not uint8 ``(N, 3072)``, or ``labels`` is not N ints in 0..9.
    """
    # TODO: validate data (N, 3072) uint8 and labels (N ints, 0..9); rows become HWC images.
    # HINT: raise ValueError naming what is wrong: data must be "uint8 of shape (N, 3072)"
    #   (name the dtype and shape it has), labels "N integers" (say how many: len(data)),
    #   each "in 0..9". Each row is 3 planes of 32x32, so reshape(N, 3, 32, 32) then
    #   transpose (0, 2, 3, 1).
    raise NotImplementedError(
        "stage 08: decode_batch: validate data (N, 3072) uint8 and labels (N ints, 0..9); rows become HWC images."
    )


class CIFAR10(Dataset):
    """CIFAR-10: ``cifar[i]`` is ``(image, label)``, as ``torchvision.datasets.CIFAR10``.

    Args:
        root: the folder holding ``cifar-10-batches-py/`` (created by ``download=True``).
        train: the 50,000 training images, or (False) the 10,000 test images.
        transform, target_transform: applied to each image / label.
        download: fetch and unpack the archive first, unless the batches are already valid.
        checksums: file name -> MD5 of the files that may be read (default: the published
            ones); nothing is unpickled unless its MD5 is in this table and matches.

    Each image is a float32 Tensor ``(3, 32, 32)`` in [0, 1]; each label a Python int.
    ``data`` is the uint8 array ``(N, 32, 32, 3)`` of all images (channels last, as in
    torchvision), ``targets`` the list of labels, ``classes`` the class names.
    """

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
        self.checksums = dict(CIFAR10_MD5 if checksums is None else checksums)
        if download:
            self.download()
        parts = [
            decode_batch(self._load(name)) for name in (TRAIN_BATCHES if train else TEST_BATCHES)
        ]
        self.data = np.concatenate([images for images, _ in parts])
        self.targets = np.concatenate([labels for _, labels in parts]).tolist()
        names = self._load(META).get("label_names")
        if not isinstance(names, list) or len(names) != 10:
            raise DatasetFileError(
                f"{self.base_folder / META} must list 10 label_names, got {names!r}"
            )
        self.classes = [n.decode("latin1") if isinstance(n, bytes) else str(n) for n in names]
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    @property
    def base_folder(self) -> Path:
        """Where the batches live."""
        return self.root / CIFAR10_FOLDER

    def _how_to_get(self) -> str:
        return (
            f"Pass download=True, or download {CIFAR10_URL} yourself and unpack it in "
            f"{self.root}/ (it creates {CIFAR10_FOLDER}/ with data_batch_1..5, test_batch "
            "and batches.meta)."
        )

    def _load(self, name: str) -> dict:
        """Verify, then safely unpickle, one file of the batches folder."""
        path = self.base_folder / name
        data = read_verified(path, self.checksums, self._how_to_get())
        try:
            return unpickle_batch(data)
        except Exception as error:  # any failure of a malformed pickle becomes one clear error
            raise DatasetFileError(
                f"{path} cannot be loaded: {error}. {self._how_to_get()}"
            ) from None

    def download(self) -> None:
        """Fetch and unpack the archive unless every batch is already present and valid."""
        names = (*TRAIN_BATCHES, *TEST_BATCHES, META)
        if all(is_verified(self.base_folder / name, self.checksums) for name in names):
            return
        archive = self.root / CIFAR10_ARCHIVE
        md5 = self.checksums.get(CIFAR10_ARCHIVE, CIFAR10_MD5[CIFAR10_ARCHIVE])
        if not is_verified(archive, {CIFAR10_ARCHIVE: md5}):
            download([CIFAR10_URL], archive, md5)
        _extract_batches(archive, self.root)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int):
        # TODO: return (float32 (3, 32, 32) image in [0, 1], int label), transformed if asked.
        # HINT: the stored image is HWC uint8: transpose to CHW, then divide by 255.
        raise NotImplementedError(
            "stage 08: CIFAR10.__getitem__: return (float32 (3, 32, 32) image in [0, 1], int label), transformed if asked."
        )

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return f"CIFAR10({split}, {len(self)} images, root={str(self.root)!r})"


def _extract_batches(archive: Path, root: Path) -> None:
    """Unpack only the regular files of ``cifar-10-batches-py/`` from ``archive`` into ``root``.

    Names are checked before anything is written: no absolute paths, no ``..``, no links, so
    a crafted archive cannot write outside ``root``.
    """
    with tarfile.open(archive, "r:gz") as tar:
        members = []
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if (
                not parts
                or parts[0] != CIFAR10_FOLDER
                or ".." in parts
                or Path(member.name).is_absolute()
            ):
                continue
            if member.isfile() or member.isdir():
                members.append(member)
        if hasattr(tarfile, "data_filter"):
            tar.extractall(root, members=members, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            tar.extractall(root, members=members)

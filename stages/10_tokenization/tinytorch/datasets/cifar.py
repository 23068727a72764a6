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
count before an array exists, refusing every other global by name (``batch_pickle.py``).
"""

from __future__ import annotations

import tarfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from tinytorch import dtypes
from tinytorch.data.dataset import Dataset
from tinytorch.datasets.batch_pickle import unpickle_batch
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


def decode_batch(entry: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
    """The images ``(N, 32, 32, 3)`` uint8 (HWC, as torchvision keeps them) and int64 labels
    ``(N,)`` of an unpickled batch.

    Raises:
        ValueError: ``data`` is not uint8 ``(N, 3072)``, or ``labels`` is not N ints in 0..9.
    """
    if "data" not in entry or "labels" not in entry:
        raise ValueError(
            f"a CIFAR-10 batch needs the keys 'data' and 'labels', got {sorted(entry)}"
        )
    data = np.asarray(entry["data"])
    labels = np.asarray(entry["labels"])
    if data.dtype != dtypes.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise ValueError(
            f"batch data must be uint8 of shape (N, 3072), got {data.dtype} {data.shape}"
        )
    if labels.shape != (len(data),) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"batch labels must be {len(data)} integers (one per image), got {labels.dtype} "
            f"of shape {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"batch labels must be in 0..9, got {labels.min()}..{labels.max()}")
    images = data.reshape(len(data), 3, 32, 32).transpose(0, 2, 3, 1)
    return images, labels.astype(dtypes.int64)


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
        image = Tensor._wrap(self.data[index].transpose(2, 0, 1).astype(dtypes.float32) / 255.0)
        label = int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

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

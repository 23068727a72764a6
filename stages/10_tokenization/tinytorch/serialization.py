"""``tinytorch.save`` and ``tinytorch.load``: checkpoints as NumPy ``.npz`` archives, never pickle.

``torch.save`` uses Python's pickle, and unpickling a file runs whatever code its author put
in it: loading a stranger's checkpoint is running a stranger's program. A checkpoint only
needs data, so tinytorch writes data only:

- every array (a tensor's data, an optimizer's moving averages) becomes one ``.npy`` entry of
  a zip archive, exactly as ``np.savez`` writes it;
- everything around the arrays (nested dicts, lists, numbers, strings) becomes one JSON
  document in the entry ``__tinytorch__``, where each array appears as a reference to its entry.

JSON cannot tell a tuple from a list or an int key from a str key, so those carry a small tag
(``{"__kind__": "tuple", "items": [...]}``), and every dict is stored as a list of key-value
pairs, keeping its key types and order.

A file on disk is a trust boundary too, so reading parses the archive itself instead of
calling ``np.load``: each entry's ``.npy`` header must account for exactly the bytes the entry
holds, and the entries together for no more than the file's size, before anything is
allocated; object arrays (which would need pickle) are refused. Writing is atomic: a new file,
flushed to disk, renamed over the old one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import stat
import zipfile
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from tinytorch.tensor import Tensor

#: The archive entry that holds the JSON description of the saved object.
HEADER = "__tinytorch__"
FORMAT_VERSION = 1
_ARRAY_KINDS = "biufcUS"  # bool, ints, floats, complex, strings: no Python objects


def _encode(obj: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    """``obj`` as JSON-ready data; its arrays go into ``arrays`` under fresh names.

    ``where`` spells the path to ``obj`` (e.g. ``obj['model']['weight']``) for error messages.
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, list):
        return [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, tuple):
        return {"__kind__": "tuple", "items": _encode(list(obj), arrays, where)}
    if isinstance(obj, dict):
        items = [
            [_encode(k, arrays, f"key of {where}"), _encode(v, arrays, f"{where}[{k!r}]")]
            for k, v in obj.items()
        ]
        return {"__kind__": "dict", "items": items}
    if isinstance(obj, Tensor):
        return {
            "__kind__": "tensor",
            "array": _store(obj.data, arrays, where),
            "requires_grad": obj.requires_grad,
        }
    if isinstance(obj, np.ndarray):
        return {"__kind__": "ndarray", "array": _store(obj, arrays, where)}
    if isinstance(obj, np.generic):
        return {"__kind__": "scalar", "array": _store(np.asarray(obj), arrays, where)}
    raise TypeError(
        f"tinytorch.save cannot store {where}, of type {type(obj).__name__}; it stores "
        "Tensors, NumPy arrays and scalars, dicts, lists, tuples, str, int, float, bool and None"
    )


def _store(array: np.ndarray, arrays: dict[str, np.ndarray], where: str) -> str:
    """Put ``array`` in the archive's entries; return its entry name."""
    if array.dtype.kind not in _ARRAY_KINDS:
        raise TypeError(
            f"tinytorch.save cannot store {where}: a NumPy array of dtype {array.dtype} "
            "(only numbers, booleans and strings can be saved without pickle)"
        )
    name = f"array_{len(arrays)}"
    arrays[name] = array
    return name


def _decode(data: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Undo :func:`_encode`: rebuild the object, reading arrays from ``arrays``."""
    if isinstance(data, list):
        return [_decode(v, arrays) for v in data]
    if not isinstance(data, dict):
        return data
    kind = data.get("__kind__")
    if kind == "tuple":
        return tuple(_decode(data["items"], arrays))
    if kind == "dict":
        return {_decode(k, arrays): _decode(v, arrays) for k, v in data["items"]}
    if kind == "tensor":
        return Tensor(arrays[data["array"]], requires_grad=data["requires_grad"])
    if kind == "ndarray":
        return arrays[data["array"]]
    if kind == "scalar":
        return arrays[data["array"]][()]
    raise ValueError(f"corrupt tinytorch checkpoint: unknown entry kind {kind!r}")


def save(obj: Any, f: str | os.PathLike | IO[bytes]) -> None:
    """Save ``obj`` (nested dicts/lists/tuples of tensors, arrays, numbers, strings) to ``f``.

    ``f`` is a path (written exactly as given, no extension added) or a binary file object.
    A path is replaced atomically: the checkpoint is written to a fresh temporary file in the
    same folder, flushed to disk, and only then renamed over ``f``. An error mid-save (a full
    disk, an object that cannot be stored) leaves the previous checkpoint untouched and no
    temporary file behind; a crash of the process can leave a hidden ``.<name>.<random>.tmp``
    beside it, but never a half-written file under ``f``. Two saves to one path at the same
    time never mix their bytes (the last rename wins).

    When ``f`` is a symbolic link, the file it points to is replaced and the link stays, as
    ``open(f, "wb")`` (and so ``torch.save``) would do; a file that already exists keeps its
    permissions.

    Raises:
        TypeError: ``obj`` holds something other than the types above (named by its path).
        ValueError: ``obj`` contains itself (``a = []; a.append(a)``) or is nested more than
            :data:`MAX_DEPTH` containers deep.
    """
    _check_nesting(obj)
    arrays: dict[str, np.ndarray] = {}
    document = {
        "format": "tinytorch",
        "version": FORMAT_VERSION,
        "object": _encode(obj, arrays, "obj"),
    }
    header = np.frombuffer(json.dumps(document).encode("utf-8"), dtype=np.uint8)
    if not isinstance(f, (str, os.PathLike)):
        np.savez(f, **{HEADER: header}, **arrays)
        return
    _replace_atomically(os.fspath(f), lambda file: np.savez(file, **{HEADER: header}, **arrays))


#: How many containers deep a saved object may be nested (a model's state is about 4).
MAX_DEPTH = 100


def _check_nesting(obj: Any) -> None:
    """Refuse an object that contains itself, or is nested deeper than :data:`MAX_DEPTH`.

    Either would make the recursive ``_encode`` fail with a RecursionError deep inside;
    this walk uses its own stack and names where the problem is.
    """
    stack = [(obj, "obj", 0, frozenset())]
    while stack:
        item, where, depth, inside = stack.pop()
        if not isinstance(item, (list, tuple, dict)):
            continue
        if id(item) in inside:
            raise ValueError(
                f"tinytorch.save cannot store {where}: it contains itself (a container that "
                "holds a reference to one of its own ancestors has no finite form)"
            )
        if depth >= MAX_DEPTH:
            raise ValueError(
                f"tinytorch.save cannot store {where}: it is nested more than {MAX_DEPTH} "
                "containers deep"
            )
        inside = inside | {id(item)}
        children = item.items() if isinstance(item, dict) else enumerate(item)
        for key, value in children:
            stack.append((value, f"{where}[{key!r}]", depth + 1, inside))


def _replace_atomically(path: str, write: Callable[[IO[bytes]], None]) -> None:
    """Write a new file with ``write`` and put it at ``path`` in one atomic step.

    The bytes go to a uniquely named file in the target's folder (a rename is atomic only
    within one file system), are fsynced, and the file is renamed over the target; the
    folder is fsynced too, so the rename itself survives a power cut.
    """
    target = os.path.realpath(path)  # through a symlink: replace what it points to
    folder = os.path.dirname(target)
    fd, temporary = _create_unique_file(folder, os.path.basename(target))
    try:
        if os.path.exists(target):  # keep the permissions the old checkpoint had
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def _create_unique_file(folder: str, name: str) -> tuple[int, str]:
    """Create and open a new file ``.<name>.<random>.tmp`` in ``folder``.

    Like ``tempfile.mkstemp`` (``O_EXCL``: never an existing file, so concurrent saves each
    get their own), but created with the usual permissions (0o666 minus the umask) rather
    than mkstemp's private 0o600, so the checkpoint is readable as any new file would be.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:  # pragma: no cover - 64 random bits collided
            continue


def _fsync_folder(folder: str) -> None:
    """Flush a folder's entries (a rename) to disk, where the system allows it (POSIX)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows cannot open folders
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load(f: str | os.PathLike | IO[bytes]) -> Any:
    """Load an object saved by :func:`save`. Never unpickles anything.

    Every entry of the archive is checked before it is read: it must be stored uncompressed
    (as :func:`save` writes it, so no entry can inflate beyond the file's own size), and
    its ``.npy`` header must declare exactly the bytes it holds, so a crafted file can never
    make ``load`` allocate more memory than the file's size.

    Raises:
        FileNotFoundError: when the path does not exist.
        ValueError: when ``f`` is not a tinytorch checkpoint (or is damaged); the message
            names the file.
    """
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else "the file object"
    not_ours = (
        f"{name} is not a tinytorch checkpoint (expected a NumPy .npz archive written by "
        "tinytorch.save)"
    )
    damaged = f"{name} is a damaged tinytorch checkpoint"
    try:
        archive = zipfile.ZipFile(f)
    except FileNotFoundError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{not_ours}: {error}") from None
    with archive:
        if f"{HEADER}.npy" not in archive.namelist():
            raise ValueError(f"{not_ours}: it has no {HEADER!r} entry")
        try:
            arrays = _read_entries(archive, _size_of(f))
            document = json.loads(arrays.pop(HEADER).tobytes().decode("utf-8"))
        except RecursionError:
            raise ValueError(f"{damaged}: its header is nested too deeply") from None
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
            raise ValueError(f"{damaged}: {error}") from None
    if not isinstance(document, dict) or document.get("format") != "tinytorch":
        raise ValueError(f"{not_ours}: its header is not tinytorch's")
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{name} uses checkpoint format version {document.get('version')!r}; this tinytorch "
            f"reads version {FORMAT_VERSION}"
        )
    try:
        return _decode(document["object"], arrays)
    except NotImplementedError:
        raise
    except (KeyError, TypeError, IndexError, ValueError, RuntimeError) as error:
        # A header that does not describe its arrays (a crafted or damaged file): a missing
        # key, an unknown array name, a list where a pair belongs, an unhashable key, an
        # integer array marked requires_grad, or nesting too deep for Python's recursion.
        detail = "nested too deeply" if isinstance(error, RecursionError) else repr(error)
        raise ValueError(f"{damaged}: its header does not describe its arrays ({detail})") from None


def _size_of(f) -> int:
    """The size in bytes of the file at path ``f``, or of the file object ``f``."""
    if isinstance(f, (str, os.PathLike)):
        return os.path.getsize(f)
    position = f.tell()
    size = f.seek(0, os.SEEK_END)
    f.seek(position)
    return size


def _read_entries(archive: zipfile.ZipFile, file_size: int) -> dict[str, np.ndarray]:
    """Every ``.npy`` entry of ``archive``, each checked before a byte of it is allocated."""
    entries = archive.infolist()
    for entry in entries:
        if not entry.filename.endswith(".npy"):
            raise ValueError(f"entry {entry.filename!r} is not a .npy array")
        if entry.compress_type != zipfile.ZIP_STORED:
            raise ValueError(
                f"entry {entry.filename!r} is compressed; tinytorch.save stores arrays "
                "uncompressed, and a compressed entry could inflate far beyond the file's size"
            )
    declared = sum(entry.file_size for entry in entries)
    if declared > file_size:
        raise ValueError(f"its entries declare {declared} bytes, more than the file's {file_size}")
    arrays = {}
    for entry in entries:
        with archive.open(entry) as member:
            arrays[entry.filename[: -len(".npy")]] = _read_npy(member, entry)
    return arrays


def _read_npy(member: IO[bytes], entry: zipfile.ZipInfo) -> np.ndarray:
    """The array of one ``.npy`` entry, after checking that its header's shape and dtype
    account for exactly the bytes the entry holds."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise ValueError(f"entry {entry.filename!r} has .npy format version {version}")
    if dtype.kind not in _ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ValueError(
            f"entry {entry.filename!r} holds dtype {dtype}, which tinytorch never saves"
        )
    nbytes = math.prod(shape) * dtype.itemsize
    held = entry.file_size - member.tell()
    if nbytes != held:
        raise ValueError(
            f"entry {entry.filename!r} declares shape {shape} of {dtype} ({nbytes} bytes) but "
            f"holds {held} bytes"
        )
    buffer = bytearray(nbytes)
    if member.readinto(buffer) != nbytes:
        raise ValueError(f"entry {entry.filename!r} is truncated")
    return np.frombuffer(buffer, dtype).reshape(shape, order="F" if fortran_order else "C")


__all__ = ["load", "save"]

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
pairs, keeping its key types and order. Reading uses ``np.load(..., allow_pickle=False)``.
"""

from __future__ import annotations

import json
import os
import zipfile
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
    A path is written to a temporary file first and then renamed, so a crash mid-save never
    leaves a half-written checkpoint behind.
    """
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
    temporary = f"{os.fspath(f)}.tmp"
    with open(temporary, "wb") as file:
        np.savez(file, **{HEADER: header}, **arrays)
    os.replace(temporary, f)


def load(f: str | os.PathLike | IO[bytes]) -> Any:
    """Load an object saved by :func:`save`. Never unpickles anything.

    Raises:
        FileNotFoundError: when the path does not exist.
        ValueError: when ``f`` is not a tinytorch checkpoint (or is damaged).
    """
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else "the file object"
    not_ours = (
        f"{name} is not a tinytorch checkpoint (expected a NumPy .npz archive written by "
        "tinytorch.save)"
    )
    try:
        archive = np.load(f, allow_pickle=False)
    except FileNotFoundError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{not_ours}: {error}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"{not_ours}: it holds a single array")
    with archive:
        if HEADER not in archive.files:
            raise ValueError(f"{not_ours}: it has no {HEADER!r} entry")
        try:
            document = json.loads(archive[HEADER].tobytes().decode("utf-8"))
            arrays = {key: archive[key] for key in archive.files if key != HEADER}
        except (ValueError, OSError, zipfile.BadZipFile) as error:
            raise ValueError(f"{name} is a damaged tinytorch checkpoint: {error}") from None
    if not isinstance(document, dict) or document.get("format") != "tinytorch":
        raise ValueError(f"{not_ours}: its header is not tinytorch's")
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{name} uses checkpoint format version {document.get('version')!r}; this tinytorch "
            f"reads version {FORMAT_VERSION}"
        )
    return _decode(document["object"], arrays)


__all__ = ["load", "save"]

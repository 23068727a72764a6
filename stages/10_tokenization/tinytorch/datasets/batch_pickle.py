"""Unpickling CIFAR-10's batches without letting the file run code or forge NumPy objects.

Pickle is a program, not a data format: unpickling calls whatever the file names, with the
arguments the file chose. ``find_class`` is the one door to code, so :class:`BatchUnpickler`
answers it from a fixed table: the few globals a real batch names (NumPy's array and dtype
constructors, and ``_codecs.encode`` for Python 3's protocol-2 ``bytes``), each answered by an
inert stand-in here that checks the dtype, shape and byte count before any array exists. A file
naming anything else, or asking for a structured dtype, a field outside its record or more
bytes than it holds, is refused. What comes out is checked as well: only dicts, lists, str,
bytes, ints and arrays of plain numbers.
"""

from __future__ import annotations

import io
import math
import pickle

import numpy as np


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
    """Stands for ``numpy.ndarray`` in a pickle: only ever an argument, never called, and
    without attributes a BUILD could set."""

    __slots__ = ()


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


def _latin1_encode(text, encoding) -> bytes:
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
    try:
        entry = _checked_result(BatchUnpickler(io.BytesIO(data), encoding="latin1").load())
    except pickle.UnpicklingError:
        raise
    except (TypeError, ValueError, AttributeError, IndexError, KeyError, EOFError) as error:
        # e.g. a stand-in called with the wrong arguments, or a cut file
        raise pickle.UnpicklingError(f"malformed batch pickle: {error}") from None
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

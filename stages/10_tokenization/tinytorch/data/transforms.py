"""Transforms: small callables that prepare or augment one image at a time.

A dataset applies ``transform(image)`` to every sample it hands out. Two kinds matter:

- *preprocessing* that every sample needs, such as :class:`Normalize` (centre each channel
  and scale it to unit spread, so the first layer sees inputs of a sensible size);
- *augmentation*, random changes that keep the label true, such as :class:`RandomHorizontalFlip`
  and :class:`RandomCrop`: each epoch the model sees a slightly different image, which is a
  cheap way to get more training data out of the same files.

Images are ``(..., C, H, W)`` Tensors or NumPy arrays (channels first, as in PyTorch), and a
transform returns the same kind it was given. Random transforms draw from their own generator
when built with ``seed=``, and otherwise from the global tinytorch generator, so either
``seed`` or ``tinytorch.manual_seed`` makes a run's augmentations repeatable. As in
torchvision, one call makes one random decision for the whole input it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tinytorch import dtypes
from tinytorch.random import default_generator
from tinytorch.tensor import Tensor


def _array(img, who: str) -> np.ndarray:
    """The NumPy array inside ``img`` (a Tensor or an array)."""
    if isinstance(img, Tensor):
        return img.data
    if isinstance(img, np.ndarray):
        return img
    raise TypeError(f"{who} expects a Tensor or a NumPy array, got {type(img).__name__}")


def _like(img, array: np.ndarray):
    """``array`` as the same kind of object as ``img``."""
    return Tensor._wrap(array) if isinstance(img, Tensor) else array


def _image_size(array: np.ndarray, who: str) -> tuple[int, int]:
    if array.ndim < 2:
        raise ValueError(f"{who} expects an image of shape (..., H, W), got shape {array.shape}")
    return array.shape[-2], array.shape[-1]


class Compose:
    """Apply ``transforms`` one after the other: ``Compose([RandomCrop(8, 1), Normalize(...)])``."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = list(transforms)

    def __call__(self, img):
        for transform in self.transforms:
            img = transform(img)
        return img

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t!r}," for t in self.transforms)
        return f"Compose([{inner}\n])"


class ToTensor:
    """A NumPy image ``(H, W)`` or ``(H, W, C)`` becomes a Tensor ``(C, H, W)``.

    As ``torchvision.transforms.ToTensor``: uint8 pixels (0..255) become float32 in [0, 1];
    arrays of any other dtype keep their dtype and values. Use it for images stored the way
    files and cameras store them (channels last); the datasets in ``tinytorch.datasets``
    already return ``(C, H, W)`` float tensors.
    """

    def __call__(self, pic) -> Tensor:
        if not isinstance(pic, np.ndarray):
            raise TypeError(
                f"ToTensor expects a NumPy array (H, W) or (H, W, C), got {type(pic).__name__}"
            )
        if pic.ndim not in (2, 3):
            raise ValueError(
                f"ToTensor expects a 2-D or 3-D image, got {pic.ndim} dimensions {pic.shape}"
            )
        chw = pic[None] if pic.ndim == 2 else np.transpose(pic, (2, 0, 1))
        if chw.dtype == dtypes.uint8:
            return Tensor._wrap(chw.astype(dtypes.float32) / 255.0)
        return Tensor._wrap(np.ascontiguousarray(chw))

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """``(x - mean[c]) / std[c]`` for each channel ``c`` of a ``(..., C, H, W)`` float image.

    Args:
        mean, std: one value per channel (or a single value for all channels), usually the
            training set's per-channel mean and standard deviation: after the transform each
            channel has mean 0 and standard deviation 1 over that set.
        inplace: overwrite the input instead of allocating a new array.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean = tuple(float(m) for m in np.atleast_1d(np.asarray(mean, dtype=np.float64)))
        self.std = tuple(float(s) for s in np.atleast_1d(np.asarray(std, dtype=np.float64)))
        if len(self.mean) != len(self.std) and 1 not in (len(self.mean), len(self.std)):
            raise ValueError(
                f"Normalize needs as many means as stds, got {len(self.mean)} means and "
                f"{len(self.std)} stds"
            )
        if any(s == 0 for s in self.std):
            raise ValueError(f"std evaluated to zero, leading to division by zero: std={self.std}")
        self.inplace = inplace

    def __call__(self, tensor):
        array = _array(tensor, "Normalize")
        if array.dtype.kind != "f":
            raise TypeError(f"Normalize expects a float image, got dtype {array.dtype}")
        if array.ndim < 3:
            raise ValueError(
                f"Normalize expects an image of shape (..., C, H, W), got {array.shape}"
            )
        channels = max(len(self.mean), len(self.std))
        if channels != 1 and array.shape[-3] != channels:
            raise ValueError(
                f"Normalize has {channels} channel means/stds but the image has "
                f"{array.shape[-3]} channels (shape {array.shape}, channels at dim -3)"
            )
        mean = np.asarray(self.mean, dtype=array.dtype).reshape(-1, 1, 1)
        std = np.asarray(self.std, dtype=array.dtype).reshape(-1, 1, 1)
        if self.inplace:
            array -= mean
            array /= std
            return tensor
        return _like(tensor, (array - mean) / std)

    def __repr__(self) -> str:
        return f"Normalize(mean={list(self.mean)}, std={list(self.std)})"


class RandomTransform:
    """Base of random transforms: a generator of their own (``seed=``) or the global one."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._generator = np.random.default_rng(seed) if seed is not None else None

    @property
    def generator(self) -> np.random.Generator:
        """Where this transform draws its random decisions from."""
        return self._generator if self._generator is not None else default_generator()


class RandomHorizontalFlip(RandomTransform):
    """Mirror the image left-right with probability ``p``.

    A mirrored "cat" is still a cat, so flipping doubles the variety of training images for
    free; do not use it where handedness matters (digits, text).
    """

    def __init__(self, p: float = 0.5, *, seed: int | None = None) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip needs a probability p in [0, 1], got {p}")
        super().__init__(seed)
        self.p = float(p)

    def __call__(self, img):
        array = _array(img, "RandomHorizontalFlip")
        _image_size(array, "RandomHorizontalFlip")
        if self.generator.random() < self.p:
            return _like(img, np.ascontiguousarray(array[..., ::-1]))
        return img

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


_PADDING_MODES = ("constant", "edge", "reflect", "symmetric")


class RandomCrop(RandomTransform):
    """Cut a random ``size`` window out of the (optionally padded) image.

    With ``padding`` the image is first enlarged by that many pixels on each side, so the
    crop can shift the content by up to ``padding`` pixels in any direction: the classic
    CIFAR-10 augmentation is ``RandomCrop(32, padding=4)``.

    Args:
        size: ``(h, w)`` of the output, or one int for a square.
        padding: pixels added before cropping: an int for all sides, ``(left/right,
            top/bottom)``, or ``(left, top, right, bottom)``, as in torchvision.
        pad_if_needed: pad images smaller than ``size`` (by the shortfall, on both sides).
        fill: the value of padded pixels when ``padding_mode='constant'``.
        padding_mode: ``'constant'``, ``'edge'``, ``'reflect'`` or ``'symmetric'`` (NumPy's
            ``np.pad`` modes of the same names).
        seed: seeds this transform's own generator.
    """

    def __init__(
        self,
        size: int | Sequence[int],
        padding: int | Sequence[int] | None = None,
        pad_if_needed: bool = False,
        fill: float = 0,
        padding_mode: str = "constant",
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        sizes = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
        if len(sizes) == 1:
            sizes = (sizes[0], sizes[0])
        if len(sizes) != 2 or any(int(s) != s or s < 1 for s in sizes):
            raise ValueError(f"RandomCrop size must be a positive int or (h, w), got {size!r}")
        self.size = (int(sizes[0]), int(sizes[1]))
        self.padding = _padding_sides(padding)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def __call__(self, img):
        array = _array(img, "RandomCrop")
        _image_size(array, "RandomCrop")
        left, top, right, bottom = self.padding
        h, w = self.size
        height, width = array.shape[-2:]
        if self.pad_if_needed:  # torchvision pads both sides by the whole shortfall
            short_h = max(h - (height + top + bottom), 0)
            short_w = max(w - (width + left + right), 0)
            top, bottom, left, right = (
                top + short_h,
                bottom + short_h,
                left + short_w,
                right + short_w,
            )
        if top or bottom or left or right:
            widths = [(0, 0)] * (array.ndim - 2) + [(top, bottom), (left, right)]
            if self.padding_mode == "constant":
                array = np.pad(array, widths, mode="constant", constant_values=self.fill)
            else:
                array = np.pad(array, widths, mode=self.padding_mode)
        height, width = array.shape[-2:]
        if height < h or width < w:
            raise ValueError(
                f"Required crop size {(h, w)} is larger than the (padded) input image size "
                f"{(height, width)}"
            )
        if (height, width) == (h, w):
            return _like(img, array)
        i = int(self.generator.integers(0, height - h + 1))
        j = int(self.generator.integers(0, width - w + 1))
        return _like(img, np.ascontiguousarray(array[..., i : i + h, j : j + w]))

    def __repr__(self) -> str:
        return f"RandomCrop(size={self.size}, padding={self.padding})"


def _padding_sides(padding) -> tuple[int, int, int, int]:
    """torchvision's padding forms as (left, top, right, bottom)."""
    if padding is None:
        return (0, 0, 0, 0)
    sides = (padding,) if isinstance(padding, (int, np.integer)) else tuple(padding)
    if len(sides) not in (1, 2, 4) or any(int(p) != p or p < 0 for p in sides):
        raise ValueError(
            f"padding must be a non-negative int, (left/right, top/bottom) or "
            f"(left, top, right, bottom), got {padding!r}"
        )
    sides = tuple(int(p) for p in sides)
    if len(sides) == 1:
        return sides * 4
    if len(sides) == 2:
        return (sides[0], sides[1], sides[0], sides[1])
    return sides

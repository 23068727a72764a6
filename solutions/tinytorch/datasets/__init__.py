"""tinytorch.datasets: real data sets, read from their official files, as ``torchvision.datasets``.

- :class:`Digits`: 8x8 handwritten digits shipped with the course (works offline);
- :class:`MNIST`: 28x28 handwritten digits from the official IDX files;
- :class:`CIFAR10`: 32x32 colour photos from the official "python version" batches.

Every file is checked against a published checksum before it is parsed; a missing or damaged
file raises an error that names it and says where it belongs.
"""

from tinytorch.datasets.cifar import CIFAR10
from tinytorch.datasets.digits import Digits, load_digits
from tinytorch.datasets.mnist import MNIST, read_idx
from tinytorch.datasets.utils import DatasetFileError, DownloadError

__all__ = [
    "CIFAR10",
    "MNIST",
    "DatasetFileError",
    "Digits",
    "DownloadError",
    "load_digits",
    "read_idx",
]
# BEGIN REVEAL stage=10

# Shakespeare: eight plays, about 1 MB of text, shipped with the course (stage 10).
from tinytorch.datasets.shakespeare import Shakespeare, load_shakespeare

__all__ += ["Shakespeare", "load_shakespeare"]
# END REVEAL

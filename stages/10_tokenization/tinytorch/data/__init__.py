"""tinytorch.data: datasets, batching and transforms, as ``torch.utils.data``.

- :class:`Dataset`, :class:`TensorDataset`, :class:`Subset`, :func:`random_split`: what a
  sample is and how to split a collection of them;
- :class:`DataLoader` and :func:`default_collate`: shuffled, seeded batches of them;
- :mod:`tinytorch.data.transforms`: per-image preprocessing and augmentation.
"""

from tinytorch.data import transforms
from tinytorch.data.collate import default_collate
from tinytorch.data.dataset import Dataset, Subset, TensorDataset, random_split
from tinytorch.data.loader import DataLoader

__all__ = [
    "DataLoader",
    "Dataset",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
    "transforms",
]

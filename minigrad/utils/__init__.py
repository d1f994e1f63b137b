"""``minigrad.utils.data``: PyTorch's ``torch.utils.data`` names (Dataset, TensorDataset,
DataLoader), so code that batches with them ports by swapping the import."""

from minigrad.utils import data

__all__ = ["data"]

"""Small checks shared by the data modules: file checksums and matching lengths.

Kept in one place so that the digits loader, the MNIST downloader, the splitter
and the batcher all report the same problem with the same words.
"""

import hashlib

import numpy as np


class ChecksumError(ValueError):
    """A file's SHA-256 checksum is not the one we expected.

    Raised when a bundled or downloaded data file is corrupt, truncated or was
    replaced by something else. The message names the file and both checksums.
    """


def sha256_bytes(data):
    """Return the SHA-256 checksum of ``data`` (bytes) as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    """Return the SHA-256 checksum of the file at ``path`` as 64 hex digits.

    The file is read in 1 MiB pieces, so large files never sit in memory whole.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for piece in iter(lambda: f.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


def check_checksum(name, actual, expected, hint=""):
    """Raise :class:`ChecksumError` naming ``name`` if ``actual != expected``."""
    if actual != expected:
        raise ChecksumError(
            f"{name}: SHA-256 checksum mismatch (expected {expected}, got {actual}); "
            f"the file is corrupt or not the one expected. {hint}".rstrip()
        )


def check_pair(X, y):
    """Turn ``X`` and ``y`` into numpy arrays and check they describe the same samples.

    Parameters
    ----------
    X : array_like
        Inputs, one sample per row (first axis).
    y : array_like
        Targets, one per sample.

    Returns
    -------
    X, y : numpy.ndarray
        The same data as numpy arrays (no copy when they already are).

    Raises
    ------
    ValueError
        If either has no first axis, or their first axes differ in length.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"X and y must have one sample per row; got X of shape {X.shape} "
            f"and y of shape {y.shape}"
        )
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of samples; got {len(X)} rows in X "
            f"(shape {X.shape}) and {len(y)} in y (shape {y.shape})"
        )
    return X, y

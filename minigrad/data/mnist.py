"""Read MNIST from the standard IDX files, and optionally download them.

MNIST comes as four files (each also found gzip-compressed, ending in ``.gz``)::

    train-images-idx3-ubyte   60,000 images of 28×28 unsigned bytes
    train-labels-idx1-ubyte   60,000 labels 0..9
    t10k-images-idx3-ubyte    10,000 test images
    t10k-labels-idx1-ubyte    10,000 test labels

An IDX file is a header followed by the raw numbers, all big-endian:

========  ================================================================
bytes     meaning
========  ================================================================
0–1       always zero
2         type code of the numbers (0x08 = unsigned byte, see ``IDX_DTYPES``)
3         number of dimensions ``ndim``
4 …       ``ndim`` sizes, each a 4-byte unsigned integer
then      the numbers themselves, ``prod(sizes)`` of them, last axis fastest
========  ================================================================

minigrad ships no MNIST (it is about 11 MB compressed): :func:`load_mnist` reads
files you already have, and :func:`download_mnist` fetches them into a cache
directory, checking every file's SHA-256 before it is used.
"""

import gzip
import math
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from ._checks import check_checksum, sha256_bytes, sha256_file

IDX_DTYPES = {
    0x08: np.dtype(">u1"),  # unsigned byte
    0x09: np.dtype(">i1"),  # signed byte
    0x0B: np.dtype(">i2"),  # short
    0x0C: np.dtype(">i4"),  # int
    0x0D: np.dtype(">f4"),  # float
    0x0E: np.dtype(">f8"),  # double
}
"""IDX type code → numpy dtype (big-endian, as the format stores them)."""

MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
"""split → (images file, labels file), without the optional ``.gz``."""

MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
"""SHA-256 of the four published ``.gz`` files; a download must match before use."""

MNIST_MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
"""Known places serving the four ``.gz`` files (any of them works as ``base_url``)."""

PIXEL_MAX = 255


def read_idx(path):
    """Read one IDX file (plain, or gzip-compressed if its name ends in ``.gz``).

    Parameters
    ----------
    path : str or pathlib.Path
        The file to read.

    Returns
    -------
    numpy.ndarray
        The numbers, shaped as the header says, in native byte order.

    Raises
    ------
    ValueError
        If the file is not an IDX file, uses an unknown type code, or is
        shorter or longer than its header promises. The message names the file.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise ValueError(f"{path}: truncated IDX file ({len(raw)} bytes, header needs at least 4)")
    if raw[0] != 0 or raw[1] != 0:
        hint = ""
        if raw[:2] == b"\x1f\x8b":
            hint = " It looks gzip-compressed: give it a name ending in .gz."
        raise ValueError(
            f"{path}: not an IDX file (magic number starts with bytes "
            f"0x{raw[0]:02x} 0x{raw[1]:02x}, expected 0x00 0x00).{hint}"
        )
    type_code, ndim = raw[2], raw[3]
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{code:02x}" for code in IDX_DTYPES)
        raise ValueError(f"{path}: unknown IDX type code 0x{type_code:02x} (known: {known})")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(
            f"{path}: truncated IDX header ({len(raw)} bytes, a {ndim}-dimensional "
            f"header needs {header_size})"
        )
    shape = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize          # exact: Python ints never wrap
    if expected > sys.maxsize:
        raise ValueError(
            f"{path}: IDX header is damaged: its dimensions {shape} multiply to "
            f"{expected:,} bytes of {dtype.name}, more than any file or array can hold"
        )
    found = len(raw) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "longer than its header says"
        raise ValueError(
            f"{path}: IDX file {problem}: header says shape {shape} of {dtype.name} "
            f"({expected} bytes of data), file has {found} bytes after the header"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def load_mnist(path, split="train"):
    """Load MNIST (or any data set in MNIST's IDX layout) from a directory.

    Looks in ``path`` for the two files of ``split`` (see ``MNIST_FILES``),
    each either plain or ending in ``.gz``.

    Parameters
    ----------
    path : str or pathlib.Path
        Directory holding the IDX files, e.g. the one :func:`download_mnist`
        returns.
    split : {"train", "test"}, default "train"
        Which half to load: 60,000 training or 10,000 test images.

    Returns
    -------
    X : numpy.ndarray, float32, shape (n, 784)
        Each image flattened row by row (rows × cols; 28 × 28 = 784 for MNIST),
        divided by 255, so in [0, 1].
    y : numpy.ndarray, int64, shape (n,)
        The labels.

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message lists the names looked for.
    ValueError
        If a file is damaged or the wrong kind (images not 3-D unsigned bytes,
        labels not 1-D), or the number of images and labels differ.

    Examples
    --------
    >>> X, y = load_mnist(download_mnist(), split="test")  # doctest: +SKIP
    >>> X.shape, y.shape  # doctest: +SKIP
    ((10000, 784), (10000,))
    """
    if split not in MNIST_FILES:
        raise ValueError(f"split must be one of {sorted(MNIST_FILES)}; got {split!r}")
    images_name, labels_name = MNIST_FILES[split]
    images_path = _find_idx_file(Path(path), images_name)
    labels_path = _find_idx_file(Path(path), labels_name)

    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"{images_path}: expected 3-D unsigned-byte images (count, rows, cols); "
            f"got shape {images.shape} of {images.dtype}"
        )
    if labels.ndim != 1:
        raise ValueError(f"{labels_path}: expected 1-D labels; got shape {labels.shape}")
    _check_labels(labels, labels_path)
    if len(images) != len(labels):
        raise ValueError(
            f"{images_path} holds {len(images)} images but {labels_path} holds "
            f"{len(labels)} labels; the two files must come from the same split"
        )
    X = images.reshape(len(images), -1).astype(np.float32) / PIXEL_MAX
    y = labels.astype(np.int64)
    return X, y


def _check_labels(labels, path):
    """Class labels are whole numbers >= 0: a float or negative label is refused, never
    truncated to an integer (a float label file is not MNIST's layout)."""
    if labels.dtype.kind == "f":
        raise ValueError(
            f"{path}: labels are stored as {labels.dtype} (IDX type code "
            f"0x{_type_code(labels.dtype):02x}); class labels must be integers, and "
            "converting would truncate them (e.g. 2.7 to 2)"
        )
    if len(labels) and labels.min() < 0:
        raise ValueError(f"{path}: labels must be >= 0; found {int(labels.min())}")


def _type_code(dtype):
    return next(code for code, known in IDX_DTYPES.items() if known.kind == dtype.kind
                and known.itemsize == dtype.itemsize)


def download_mnist(cache_dir=None, splits=("train", "test"), base_url=MNIST_MIRRORS[0]):
    """Download MNIST's ``.gz`` files into ``cache_dir``, checking each SHA-256.

    A file already in the cache with the right checksum is kept. Each download
    is checked against ``MNIST_SHA256`` *before* it is written, then written to
    a temporary file and renamed into place, so the cache never holds a partial
    or unverified file. Lessons and tests never call this: it needs the network.

    Parameters
    ----------
    cache_dir : str or pathlib.Path, optional
        Where to keep the files; default ``~/.cache/minigrad/mnist``.
    splits : str or iterable of {"train", "test"}, default both
        Which splits to fetch.
    base_url : str, default ``MNIST_MIRRORS[0]``
        URL prefix the file names are appended to.

    Returns
    -------
    pathlib.Path
        The cache directory, ready for :func:`load_mnist`.

    Raises
    ------
    ChecksumError
        If a downloaded file's checksum is wrong; nothing is left in the cache.
    OSError
        If a file cannot be fetched; the message names the URL.
    """
    if cache_dir is None:
        cache_dir = Path.home() / ".cache" / "minigrad" / "mnist"
    cache_dir = Path(cache_dir)
    if isinstance(splits, str):
        splits = (splits,)
    for split in splits:
        if split not in MNIST_FILES:
            raise ValueError(f"splits must contain only {sorted(MNIST_FILES)}; got {split!r}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    for split in splits:
        for name in MNIST_FILES[split]:
            _download_verified(name + ".gz", cache_dir, base_url)
    return cache_dir


def _download_verified(file_name, cache_dir, base_url):
    """Make sure ``cache_dir / file_name`` exists with the checksum in ``MNIST_SHA256``."""
    target = cache_dir / file_name
    expected = MNIST_SHA256[file_name]
    if target.is_file() and sha256_file(target) == expected:
        return target
    url = base_url.rstrip("/") + "/" + file_name
    try:
        data = _fetch(url)
    except OSError as error:  # urllib's URLError and HTTPError are OSErrors
        raise OSError(f"could not download {url}: {error}. Try another base_url "
                      f"from MNIST_MIRRORS, or put the files in {cache_dir} by hand.") from error
    check_checksum(url, sha256_bytes(data), expected, hint="Nothing was saved.")
    handle, temp_name = tempfile.mkstemp(dir=cache_dir, prefix=file_name, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temp_name, target)  # atomic: readers see the old file or the new one
    except BaseException:
        os.unlink(temp_name)
        raise
    return target


def _fetch(url, timeout=60):
    """Return the bytes at ``url`` (the one place that touches the network)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def _find_idx_file(directory, name):
    """Return ``directory/name`` or ``directory/name.gz``, whichever exists."""
    for candidate in (directory / name, directory / (name + ".gz")):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{name} (or {name}.gz) not found in {directory}; "
        "download_mnist() can fetch the MNIST files"
    )


def _read_bytes(path):
    """Return the contents of ``path``, decompressing it first if it ends in ``.gz``."""
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError
        raise ValueError(f"{path}: damaged or not gzip-compressed ({error})") from error

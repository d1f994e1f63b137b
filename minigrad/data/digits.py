"""The 8×8 handwritten digits that ship inside minigrad (no network needed).

The file ``digits.csv.gz`` beside this module is the test set of the UCI
"Optical Recognition of Handwritten Digits" data (Alpaydin & Kaynak, 1998,
CC BY 4.0), as scikit-learn ships it. ``DIGITS_LICENSE.md`` beside it gives the
licence, the citation and where the copy came from.

Each of the 1,797 rows has 65 comma-separated integers: 64 pixel values in
0..16 (an 8×8 image read row by row) and then the label 0..9.
"""

from pathlib import Path

import numpy as np

from ._checks import check_checksum, sha256_file

DIGITS_PATH = Path(__file__).with_name("digits.csv.gz")
"""Where the bundled file lives."""

DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
"""SHA-256 checksum of ``digits.csv.gz``, checked on every load."""

N_DIGITS = 1797
PIXEL_MAX = 16  # each pixel counts the "on" pixels in a 4×4 block: 0..16


def load_digits(path=DIGITS_PATH):
    """Load the bundled 8×8 handwritten digits.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The CSV file to read. Defaults to the copy inside the package; the
        argument exists so tests can point at a damaged copy.

    Returns
    -------
    X : numpy.ndarray, float32, shape (1797, 64)
        Pixel values divided by 16, so in [0, 1]. ``X[i].reshape(8, 8)`` is
        image ``i``.
    y : numpy.ndarray, int64, shape (1797,)
        The digit shown, 0..9.

    Raises
    ------
    FileNotFoundError
        If the file is missing (minigrad was installed without its package data).
    ChecksumError
        If the file is not byte-for-byte the one minigrad ships.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, X.dtype, y.shape, y.dtype
    ((1797, 64), dtype('float32'), (1797,), dtype('int64'))
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"bundled digits file not found at {path}; minigrad was installed "
            "without its package data — reinstall it"
        )
    check_checksum(path, sha256_file(path), DIGITS_SHA256,
                   hint="Reinstall minigrad to get an intact copy.")
    table = np.loadtxt(path, delimiter=",", dtype=np.int64)
    X = (table[:, :-1] / PIXEL_MAX).astype(np.float32)
    y = table[:, -1]
    return X, y

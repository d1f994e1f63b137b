"""Tests for minigrad.data: synthetic data, bundled digits, MNIST IDX files, splits, batches.

Nothing here touches the network: an autouse fixture makes any attempt fail, and
the MNIST download is tested by serving tiny IDX files the tests write.
"""

import ast
import gzip
import hashlib
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad.data as data
from minigrad.data import (
    ChecksumError,
    DataLoader,
    batches,
    download_mnist,
    load_digits,
    load_mnist,
    make_house_prices,
    make_regression,
    read_idx,
    train_val_test_split,
)
from minigrad.data import digits as digits_module
from minigrad.data import mnist as mnist_module

DATA_DIR = Path(data.__file__).parent


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail loudly if any test tries to open a URL."""
    def refuse(*args, **kwargs):
        raise AssertionError("tests must not use the network")
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


# --- helpers: write IDX files the way the MNIST authors did --------------------

IDX_TYPE_CODES = {"uint8": 0x08, "int8": 0x09, "int16": 0x0B, "int32": 0x0C,
                  "float32": 0x0D, "float64": 0x0E}


def idx_bytes(array):
    """Encode ``array`` as an IDX file: magic, big-endian sizes, big-endian numbers."""
    array = np.asarray(array)
    magic = bytes([0, 0, IDX_TYPE_CODES[array.dtype.name], array.ndim])
    sizes = np.array(array.shape, dtype=">u4").tobytes()
    return magic + sizes + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array):
    """Write ``array`` as an IDX file, gzip-compressed if ``path`` ends in ``.gz``."""
    raw = idx_bytes(array)
    path = Path(path)
    path.write_bytes(gzip.compress(raw) if path.suffix == ".gz" else raw)
    return path


def fake_mnist(n, seed=0):
    """``n`` random 28×28 uint8 images and labels 0..9."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


def write_mnist(directory, split="train", n=5, suffix="", seed=0):
    """Write one split's two IDX files into ``directory``; return the arrays."""
    images, labels = fake_mnist(n, seed)
    images_name, labels_name = mnist_module.MNIST_FILES[split]
    write_idx(Path(directory) / (images_name + suffix), images)
    write_idx(Path(directory) / (labels_name + suffix), labels)
    return images, labels


# --- the data package stands alone ---------------------------------------------

def test_data_package_imports_nothing_else_from_minigrad():
    for source in DATA_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                assert node.level in (0, 1), f"{source.name} imports from above minigrad.data"
                assert node.level == 1 or not module.startswith("minigrad"), source.name
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("minigrad"), source.name


# --- synthetic data -------------------------------------------------------------

def test_house_prices_are_article_001_bit_for_bit():
    saved = np.random.get_state()
    try:
        np.random.seed(0)
        X_article = np.random.rand(100, 1)
        y_article = 2 * X_article + 1 + np.random.randn(100, 1) * 0.1
    finally:
        np.random.set_state(saved)
    X, y = make_house_prices()
    assert X.shape == (100, 1) and y.shape == (100, 1)
    assert X.dtype == np.float64
    np.testing.assert_array_equal(X, X_article)
    np.testing.assert_array_equal(y, y_article)


def test_house_prices_leave_global_random_state_alone():
    saved = np.random.get_state()[1].copy()
    make_house_prices(seed=3)
    np.testing.assert_array_equal(np.random.get_state()[1], saved)


def test_house_prices_options():
    X, y = make_house_prices(n=7, noise=0.0, seed=1, dtype=np.float32)
    assert X.dtype == y.dtype == np.float32 and X.shape == (7, 1)
    np.testing.assert_allclose(y, 2 * X + 1, rtol=1e-6)
    assert np.all((X >= 0) & (X < 1))


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"n": 2.5}, {"noise": -1.0}, {"noise": np.inf}])
def test_house_prices_reject_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="n must|noise must"):
        make_house_prices(**kwargs)


def test_make_regression_shapes_dtype_and_seed():
    X, y, w = make_regression(n_samples=40, n_features=3, seed=5)
    assert (X.shape, y.shape, w.shape) == ((40, 3), (40, 1), (3, 1))
    assert X.dtype == y.dtype == w.dtype == np.float32
    X2, y2, w2 = make_regression(n_samples=40, n_features=3, seed=5)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(w, w2)
    assert not np.array_equal(X, make_regression(n_samples=40, n_features=3, seed=6)[0])
    assert make_regression(n_samples=4, dtype=np.float64)[0].dtype == np.float64


def test_make_regression_targets_follow_the_true_weights():
    X, y, w = make_regression(n_samples=200, n_features=4, noise=0.0, bias=1.5,
                              weights=[1, -2, 0.5, 3], seed=0, dtype=np.float64)
    np.testing.assert_array_equal(w.ravel(), [1, -2, 0.5, 3])
    np.testing.assert_allclose(y, X @ w + 1.5)
    X, y, w = make_regression(n_samples=500, n_features=2, noise=0.1, seed=1, dtype=np.float64)
    design = np.hstack([X, np.ones((500, 1))])
    fitted, *_ = np.linalg.lstsq(design, y, rcond=None)
    np.testing.assert_allclose(fitted[:2], w, atol=0.02)


def test_make_regression_rejects_wrong_number_of_weights():
    with pytest.raises(ValueError, match="one value per feature"):
        make_regression(n_features=3, weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="n_features must be a positive integer"):
        make_regression(n_features=0)


# --- bundled digits -------------------------------------------------------------

def test_load_digits_shapes_dtypes_and_range():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))  # pixels were integers 0..16
    np.testing.assert_array_equal(np.bincount(y),
                                  [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])


def test_bundled_digits_file_matches_its_checksum_and_licence_note():
    path = DATA_DIR / "digits.csv.gz"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digits_module.DIGITS_SHA256
    assert path.stat().st_size < 100_000
    licence = (DATA_DIR / "DIGITS_LICENSE.md").read_text(encoding="utf-8")
    needed_notes = ("CC BY 4.0", "Alpaydin", "Kaynak", "10.24432/C50P49",
                    digits_module.DIGITS_SHA256)
    for needed in needed_notes:
        assert needed in licence


def test_load_digits_rejects_a_corrupt_copy(tmp_path):
    damaged = tmp_path / "digits.csv.gz"
    raw = bytearray((DATA_DIR / "digits.csv.gz").read_bytes())
    raw[1000] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    with pytest.raises(ChecksumError, match="digits.csv.gz.*checksum mismatch"):
        load_digits(damaged)


def test_load_digits_explains_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="package data"):
        load_digits(tmp_path / "digits.csv.gz")


# --- IDX files and MNIST ---------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from(sorted(IDX_TYPE_CODES)),
       shape=st.lists(st.integers(0, 4), min_size=1, max_size=3),
       seed=st.integers(0, 1000))
def test_read_idx_round_trips_every_type(tmp_path_factory, dtype, shape, seed):
    rng = np.random.default_rng(seed)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    path = write_idx(tmp_path_factory.mktemp("idx") / "a.idx", array)
    back = read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("split", ["train", "test"])
def test_load_mnist_reads_plain_and_gzipped_files(tmp_path, split, suffix):
    images, labels = write_mnist(tmp_path, split, n=6, suffix=suffix)
    X, y = load_mnist(tmp_path, split=split)
    assert X.shape == (6, 784) and X.dtype == np.float32
    assert y.shape == (6,) and y.dtype == np.int64
    np.testing.assert_allclose(X, images.reshape(6, 784) / 255, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    assert 0.0 <= X.min() and X.max() <= 1.0


def test_load_mnist_mixes_plain_and_gzipped(tmp_path):
    images, labels = fake_mnist(3)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels)
    X, y = load_mnist(tmp_path)
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_names_the_missing_file(tmp_path):
    write_mnist(tmp_path, "train")
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte"):
        load_mnist(tmp_path, split="test")


def test_load_mnist_rejects_an_unknown_split(tmp_path):
    with pytest.raises(ValueError, match="split must be one of"):
        load_mnist(tmp_path, split="validation")


def test_load_mnist_rejects_images_and_labels_of_different_counts(tmp_path):
    images, _ = fake_mnist(5)
    _, labels = fake_mnist(4)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    with pytest.raises(ValueError, match="5 images but .*train-labels-idx1-ubyte holds 4 labels"):
        load_mnist(tmp_path)


def test_load_mnist_rejects_files_of_the_wrong_kind(tmp_path):
    images, labels = fake_mnist(3)
    write_idx(tmp_path / "train-images-idx3-ubyte", images.reshape(3, 784))  # 2-D
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    with pytest.raises(ValueError, match="train-images-idx3-ubyte: expected 3-D"):
        load_mnist(tmp_path)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels.reshape(3, 1))  # 2-D labels
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte: expected 1-D"):
        load_mnist(tmp_path)


def good_idx():
    return idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))


@pytest.mark.parametrize("raw, message", [
    (b"\x01\x00" + good_idx()[2:], "not an IDX file"),
    (gzip.compress(good_idx()), "looks gzip-compressed"),
    (good_idx()[:2] + b"\x07" + good_idx()[3:], "unknown IDX type code 0x07"),
    (b"\x00\x00", "truncated IDX file"),
    (good_idx()[:10], "truncated IDX header"),
    (good_idx()[:-1], "truncated.*12 bytes of data.*11 bytes"),
    (good_idx() + b"\x00", "longer than its header says"),
])
def test_read_idx_names_the_file_and_the_problem(tmp_path, raw, message):
    path = tmp_path / "broken-idx"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match="broken-idx.*" + message):
        read_idx(path)


def test_read_idx_rejects_a_gz_name_on_a_file_that_is_not_gzip(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(good_idx())
    with pytest.raises(ValueError, match="labels.gz: damaged or not gzip-compressed"):
        read_idx(path)


def test_read_idx_catches_a_truncated_gz_file(tmp_path):
    path = tmp_path / "images.gz"
    path.write_bytes(gzip.compress(good_idx())[:-6])
    with pytest.raises(ValueError, match="images.gz"):
        read_idx(path)


# --- MNIST download (served from memory, never from the network) -------------------

@pytest.fixture
def fake_server(monkeypatch):
    """Serve tiny MNIST .gz files through ``_fetch`` with a matching checksum table.

    Returns the dict of served bytes (tests may tamper with it) and records each URL.
    """
    served, requested = {}, []
    for split in ("train", "test"):
        images, labels = fake_mnist(4, seed=len(split))
        for name, array in zip(mnist_module.MNIST_FILES[split], (images, labels)):
            served[name + ".gz"] = gzip.compress(idx_bytes(array))
    table = {name: hashlib.sha256(raw).hexdigest() for name, raw in served.items()}
    monkeypatch.setattr(mnist_module, "MNIST_SHA256", table)

    def fetch(url, timeout=60):
        requested.append(url)
        return served[url.rsplit("/", 1)[1]]
    monkeypatch.setattr(mnist_module, "_fetch", fetch)
    return served, requested


def test_download_mnist_fetches_verifies_and_then_loads(tmp_path, fake_server):
    _, requested = fake_server
    cache = download_mnist(tmp_path / "cache", base_url="https://example.invalid/mnist/")
    assert sorted(p.name for p in cache.iterdir()) == sorted(mnist_module.MNIST_SHA256)
    assert requested[0] == "https://example.invalid/mnist/train-images-idx3-ubyte.gz"
    X, y = load_mnist(cache, split="test")
    assert X.shape == (4, 784) and y.shape == (4,)

    download_mnist(cache)  # everything cached and valid: nothing fetched again
    assert len(requested) == 4


def test_download_mnist_fetches_only_the_splits_asked_for(tmp_path, fake_server):
    _, requested = fake_server
    download_mnist(tmp_path, splits="test")
    assert sorted(url.rsplit("/", 1)[1] for url in requested) == [
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    with pytest.raises(ValueError, match="splits must contain only"):
        download_mnist(tmp_path, splits=["valid"])


def test_download_mnist_checksum_mismatch_raises_and_leaves_nothing(tmp_path, fake_server):
    served, _ = fake_server
    served["train-labels-idx1-ubyte.gz"] = gzip.compress(b"not mnist")
    with pytest.raises(ChecksumError, match="train-labels-idx1-ubyte.gz.*checksum mismatch"):
        download_mnist(tmp_path, splits="train")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train-images-idx3-ubyte.gz"]


def test_download_mnist_replaces_a_corrupt_cached_file(tmp_path, fake_server):
    served, requested = fake_server
    download_mnist(tmp_path, splits="test")
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"damaged")
    download_mnist(tmp_path, splits="test")
    assert len(requested) == 3
    repaired = tmp_path / "t10k-labels-idx1-ubyte.gz"
    assert repaired.read_bytes() == served["t10k-labels-idx1-ubyte.gz"]


def test_download_mnist_names_the_url_when_the_network_fails(tmp_path, monkeypatch):
    def offline(url, timeout=60):
        raise OSError("no route to host")
    monkeypatch.setattr(mnist_module, "_fetch", offline)
    with pytest.raises(OSError, match="could not download .*train-images-idx3-ubyte.gz"):
        download_mnist(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_published_mnist_checksums_are_well_formed():
    assert set(mnist_module.MNIST_SHA256) == {
        name + ".gz" for pair in mnist_module.MNIST_FILES.values() for name in pair}
    for digest in mnist_module.MNIST_SHA256.values():
        assert len(digest) == 64 and int(digest, 16) >= 0


# --- train / validation / test split -------------------------------------------------

def test_split_sizes_cover_every_sample_once():
    X = np.arange(200).reshape(100, 2)
    y = np.arange(100)
    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = train_val_test_split(
        X, y, val_fraction=0.2, test_fraction=0.1)
    assert (len(y_tr), len(y_va), len(y_te)) == (70, 20, 10)
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_va, y_te])), y)
    for Xs, ys in ((X_tr, y_tr), (X_va, y_va), (X_te, y_te)):
        np.testing.assert_array_equal(Xs[:, 0], 2 * ys)  # rows stay with their labels


def test_split_is_seeded():
    X, y = load_digits()
    first = train_val_test_split(X, y, seed=3)
    again = train_val_test_split(X, y, seed=3)
    other = train_val_test_split(X, y, seed=4)
    for (a, b), (c, d) in zip(first, again):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    assert not np.array_equal(first[0][1], other[0][1])


def test_stratified_split_keeps_class_proportions():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.zeros((100, 1))
    (_, y_tr), (_, y_va), (_, y_te) = train_val_test_split(
        X, y, val_fraction=0.2, test_fraction=0.2, stratify=True)
    np.testing.assert_array_equal(np.bincount(y_va), [12, 6, 2])
    np.testing.assert_array_equal(np.bincount(y_te), [12, 6, 2])
    np.testing.assert_array_equal(np.bincount(y_tr), [36, 18, 6])
    assert not np.all(np.diff(y_tr) >= 0)  # shuffled, not grouped by class


def test_zero_fraction_gives_an_empty_set():
    (_, y_tr), (X_va, y_va), _ = train_val_test_split(np.zeros((10, 3)), np.arange(10),
                                                       val_fraction=0.0, test_fraction=0.3)
    assert len(y_tr) == 7 and X_va.shape == (0, 3) and len(y_va) == 0


@pytest.mark.parametrize("fractions, message", [
    ((-0.1, 0.1), "val_fraction must be in"),
    ((0.1, 1.0), "test_fraction must be in"),
    ((0.5, 0.5), "must be below 1"),
    ((float("nan"), 0.1), "val_fraction must be in"),
])
def test_split_rejects_bad_fractions(fractions, message):
    with pytest.raises(ValueError, match=message):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), *fractions)


def test_split_rejects_mismatched_lengths_and_empty_training_set():
    with pytest.raises(ValueError, match="same number of samples.*10 rows in X.*9 in y"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(9))
    with pytest.raises(ValueError, match="no training samples"):
        train_val_test_split(np.zeros((2, 1)), np.zeros(2), val_fraction=0.5, test_fraction=0.4)
    with pytest.raises(ValueError, match="one class label per sample"):
        train_val_test_split(np.zeros((4, 1)), np.zeros((4, 2)), stratify=True)


# --- batches and DataLoader ------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 30), batch_size=st.integers(1, 12), drop_last=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_batches_visit_every_sample_once(n, batch_size, drop_last, seed):
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    seen = [yb for _, yb in batches(X, y, batch_size, seed=seed, drop_last=drop_last)]
    sizes = [len(yb) for yb in seen]
    if drop_last:
        assert sizes == [batch_size] * (n // batch_size)
    else:
        assert sum(sizes) == n and all(s == batch_size for s in sizes[:-1])
        np.testing.assert_array_equal(np.sort(np.concatenate(seen)), y)


def test_batches_are_seeded_and_unshuffled_on_request():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)

    def order(**options):
        return np.concatenate([yb for _, yb in batches(X, y, 3, **options)])

    np.testing.assert_array_equal(order(seed=1), order(seed=1))
    assert not np.array_equal(order(seed=1), order(seed=2))
    np.testing.assert_array_equal(order(shuffle=False), y)
    xb, yb = next(batches(X, y, 4, seed=0))
    np.testing.assert_array_equal(xb[:, 0], 2 * yb)


def test_batches_complain_when_called_not_later():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        batches(np.zeros((4, 1)), np.zeros(4), 0)
    with pytest.raises(ValueError, match="same number of samples"):
        batches(np.zeros((4, 1)), np.zeros(3), 2)
    with pytest.raises(ValueError, match="empty data set"):
        batches(np.zeros((0, 1)), np.zeros(0), 2)


def epoch_order(loader):
    return np.concatenate([yb for _, yb in loader])


def test_dataloader_len_and_epochs():
    X, y = np.zeros((10, 1)), np.arange(10)
    loader = DataLoader(X, y, batch_size=4, seed=0)
    assert len(loader) == 3 and len(DataLoader(X, y, batch_size=4, drop_last=True)) == 2
    first, second = epoch_order(loader), epoch_order(loader)
    np.testing.assert_array_equal(np.sort(first), y)
    assert not np.array_equal(first, second)  # reshuffled each epoch
    assert loader.state_dict() == {"seed": 0, "epoch": 2}
    assert list(DataLoader(X, y, batch_size=4, shuffle=False))[0][1].tolist() == [0, 1, 2, 3]


def test_dataloader_resumes_the_same_order():
    X, y = np.zeros((50, 1)), np.arange(50)
    full_run = DataLoader(X, y, batch_size=8, seed=7)
    orders = [epoch_order(full_run) for _ in range(4)]

    interrupted = DataLoader(X, y, batch_size=8, seed=7)
    epoch_order(interrupted)
    epoch_order(interrupted)
    state = interrupted.state_dict()

    resumed = DataLoader(X, y, batch_size=8, seed=123)
    resumed.load_state_dict(state)
    np.testing.assert_array_equal(epoch_order(resumed), orders[2])
    np.testing.assert_array_equal(epoch_order(resumed), orders[3])


def test_dataloader_without_seed_records_one():
    X, y = np.zeros((6, 1)), np.arange(6)
    loader = DataLoader(X, y, batch_size=2, seed=None)
    assert isinstance(loader.seed, int)
    again = DataLoader(X, y, batch_size=2, seed=loader.seed)
    np.testing.assert_array_equal(epoch_order(loader), epoch_order(again))


def test_dataloader_rejects_bad_state_and_arguments():
    loader = DataLoader(np.zeros((4, 1)), np.zeros(4), batch_size=2)
    with pytest.raises(KeyError, match="missing \\['epoch'\\]"):
        loader.load_state_dict({"seed": 1})
    with pytest.raises(ValueError, match="epoch must be >= 0"):
        loader.load_state_dict({"seed": 1, "epoch": -1})
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(np.zeros((4, 1)), np.zeros(4), batch_size=2.0)


def test_digits_train_end_to_end_in_batches():
    X, y = load_digits()
    (X_tr, y_tr), _, _ = train_val_test_split(X, y, seed=0, stratify=True)
    loader = DataLoader(X_tr, y_tr, batch_size=100, seed=0)
    xb, yb = next(iter(loader))
    assert xb.shape == (100, 64) and xb.dtype == np.float32 and yb.dtype == np.int64
    assert sum(len(b) for _, b in loader) == len(y_tr)


# ------------------------------------------------------------ faults (issue 12)
@pytest.mark.parametrize("classes, per_class, fractions", [
    (500, 2, (0.2, 0.2)),          # the review's case: was 1000 / 0 / 0
    (3, 7, (0.15, 0.15)),
    (10, 3, (0.1, 0.3)),
    (7, 13, (0.33, 0.17)),
])
def test_stratified_split_gives_the_requested_sizes(classes, per_class, fractions):
    n = classes * per_class
    y = np.repeat(np.arange(classes), per_class)
    X = np.arange(n).reshape(n, 1)
    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = train_val_test_split(
        X, y, *fractions, seed=3, stratify=True)
    n_val, n_test = round(fractions[0] * n), round(fractions[1] * n)
    assert (len(y_tr), len(y_va), len(y_te)) == (n - n_val - n_test, n_val, n_test)
    assert sorted(np.concatenate([X_tr, X_va, X_te]).ravel()) == list(range(n))
    for part, share in ((y_va, fractions[0]), (y_te, fractions[1])):
        counts = np.bincount(part, minlength=classes)      # the share, rounded down or up
        assert np.all(np.abs(counts - share * per_class) < 1)


def test_stratified_split_with_uneven_classes_keeps_totals_and_proportions():
    y = np.random.default_rng(0).integers(0, 5, 203)
    (_, y_tr), (_, y_va), (_, y_te) = train_val_test_split(
        np.zeros((203, 2)), y, 0.15, 0.25, seed=1, stratify=True)
    assert (len(y_va), len(y_te)) == (round(0.15 * 203), round(0.25 * 203))
    for part, share in ((y_va, 0.15), (y_te, 0.25)):
        assert np.all(np.abs(np.bincount(part, minlength=5) - share * np.bincount(y)) < 1)


@pytest.mark.parametrize("y, message", [
    (np.random.default_rng(0).standard_normal(50), "continuous values"),
    (np.linspace(0, 1, 50, dtype=np.float32), "continuous values"),
    (np.arange(50), "class of its own"),
])
def test_stratify_refuses_targets_that_are_not_class_labels(y, message):
    with pytest.raises(ValueError, match=message):
        train_val_test_split(np.zeros((50, 1)), y, stratify=True)


def test_stratify_accepts_whole_number_floats():
    y = np.repeat([0.0, 1.0], 10)
    (_, y_tr), (_, y_va), _ = train_val_test_split(np.zeros((20, 1)), y, 0.2, 0.2,
                                                   stratify=True)
    assert np.bincount(y_va.astype(int)).tolist() == [2, 2]


@pytest.mark.parametrize("labels, message", [
    (np.array([1.0, 2.7, 3.0], dtype=np.float32), "float32.*must be integers"),
    (np.array([1.0, 2.0, 3.0], dtype=np.float64), "float64.*must be integers"),
    (np.array([1, -2, 3], dtype=np.int8), "must be >= 0; found -2"),
])
def test_load_mnist_refuses_labels_that_would_be_truncated(tmp_path, labels, message):
    images, _ = fake_mnist(3)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte: .*" + message):
        load_mnist(tmp_path)


def test_load_mnist_keeps_wide_integer_labels_whole(tmp_path):
    images, _ = fake_mnist(3)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.array([300, 70000, 2], dtype=np.int32))
    _, y = load_mnist(tmp_path)
    assert y.tolist() == [300, 70000, 2] and y.dtype == np.int64


def test_read_idx_header_dimensions_that_overflow(tmp_path):
    raw = b"\x00\x00\x0e\x04" + np.array([2 ** 32 - 1] * 4, dtype=">u4").tobytes() + b"\x00" * 8
    path = tmp_path / "huge-idx"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=r"huge-idx: IDX header is damaged: its dimensions"):
        read_idx(path)

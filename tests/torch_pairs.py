"""Run one piece of code under ``torch`` and under ``minigrad`` and compare what came out.

An *idiom* is a function of the library module, ``def idiom(lib): ...``, written once in
PyTorch's spelling and called with ``torch`` and with ``minigrad``. :func:`run` calls it
and turns whatever it returns — tensors, numbers, strings, numpy arrays, tuples, dicts —
or the exception it raised into plain values (:func:`plain`) that compare the same way
for both libraries:

* a tensor becomes ``T(values, dtype, requires_grad)``: values as a numpy array, the
  dtype by name (``"float32"``, ``"int64"``, ``"bool"``), whether it requires grad;
* an exception becomes ``Raises(class, message)``;
* tuples (``torch.Size``, the ``(values, indices)`` pair of ``max(dim)``) become tuples,
  dicts stay dicts, numbers and strings stay as they are.

The expected results written out in the tests use the same two classes, so one function,
:func:`assert_same`, compares torch with minigrad and either with the written numbers.
"""

from __future__ import annotations

import warnings

import numpy as np

RTOL = 1e-5          # float32 kernels of numpy and PyTorch may differ in the last bits
ATOL = 1e-7


class T:
    """A tensor, written out: its values, dtype and whether it requires grad."""

    def __init__(self, values, dtype: str = "float32", requires_grad: bool = False):
        self.values = np.asarray(values)
        self.dtype = dtype
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        extra = ", requires_grad=True" if self.requires_grad else ""
        return f"T({self.values.tolist()!r}, {self.dtype!r}{extra})"


class A(T):
    """A numpy array, written out (``np.asarray(t)``, ``t.numpy()``)."""

    def __repr__(self) -> str:
        return f"A({self.values.tolist()!r}, {self.dtype!r})"


class Raises:
    """An exception of class ``kind`` whose message contains ``phrase`` (in any case).

    ``phrase`` is a key phrase of PyTorch's message; where minigrad deliberately words
    its error differently (a refusal PyTorch does not make), ``minigrad_phrase`` is what
    minigrad's message must contain instead.
    """

    def __init__(self, kind: type, phrase: str = "", minigrad_phrase: str | None = None):
        self.kind = kind
        self.phrase = phrase
        self.minigrad_phrase = phrase if minigrad_phrase is None else minigrad_phrase
        self.message = None

    def __repr__(self) -> str:
        return f"Raises({self.kind.__name__}, {self.message or self.phrase!r})"


def is_tensor(value) -> bool:
    """True for a torch.Tensor or a minigrad.Tensor (told apart by nothing but duck type)."""
    return hasattr(value, "detach") and hasattr(value, "requires_grad")


def plain(value):
    """``value`` with every tensor, array and exception replaced by :class:`T`,
    :class:`A` or :class:`Raises` (recursively through tuples, lists and dicts)."""
    if is_tensor(value):
        values = value.detach().numpy().copy()
        return T(values, str(value.dtype).replace("torch.", ""), bool(value.requires_grad))
    if isinstance(value, np.ndarray):
        return A(value.copy(), str(value.dtype))
    if isinstance(value, BaseException):
        raised = Raises(type(value))
        raised.message = str(value)
        return raised
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(plain(item) for item in value) if type(value) in (tuple, list) \
            else tuple(plain(item) for item in value)     # torch.Size, namedtuples
    return value


def run(idiom, lib):
    """Call ``idiom(lib)`` and return its result in plain values (warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return plain(idiom(lib))
        except Exception as error:  # noqa: BLE001 - the error *is* the result compared
            return plain(error)


def assert_same(expected, actual, where: str = "result", library: str = "minigrad") -> None:
    """Assert ``actual`` (a :func:`plain` result) matches ``expected`` (written out, or
    another library's plain result): same structure, types, dtypes, values; for errors
    the same exception class and the key phrase in the message. ``library`` says whose
    message ``actual`` is (minigrad's may use a refusal's own phrase)."""
    if isinstance(expected, Raises):
        assert isinstance(actual, Raises), \
            f"{where}: {library} returned {actual!r} where PyTorch raises {expected!r}"
        assert actual.kind is expected.kind, \
            f"{where}: {library} raised {actual!r}, PyTorch raises {expected!r}"
        phrase = expected.minigrad_phrase if library == "minigrad" else expected.phrase
        if expected.message is not None:      # another library's error: its class is enough
            return
        assert phrase.lower() in actual.message.lower(), \
            f"{where}: {library}'s message {actual.message!r} lacks {phrase!r}"
        return
    assert not isinstance(actual, Raises), \
        f"{where}: {library} raised {actual!r}; expected {expected!r}"
    if isinstance(expected, T):
        assert type(actual) is type(expected), f"{where}: {actual!r} is not a {expected!r}"
        assert actual.dtype == expected.dtype, \
            f"{where}: dtype {actual.dtype}, expected {expected.dtype} ({actual!r})"
        assert actual.values.shape == expected.values.shape, \
            f"{where}: shape {actual.values.shape}, expected {expected.values.shape}"
        assert actual.requires_grad == expected.requires_grad, \
            f"{where}: requires_grad={actual.requires_grad}, expected {expected.requires_grad}"
        if actual.values.dtype.kind == "f":
            np.testing.assert_allclose(actual.values, expected.values, rtol=RTOL, atol=ATOL,
                                       equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(actual.values, expected.values, err_msg=where)
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), \
            f"{where}: keys {list(actual) if isinstance(actual, dict) else actual!r}, " \
            f"expected {list(expected)}"
        for key in expected:
            assert_same(expected[key], actual[key], f"{where}[{key!r}]", library)
        return
    if isinstance(expected, (tuple, list)):
        assert type(actual) is type(expected) and len(actual) == len(expected), \
            f"{where}: {actual!r}, expected {expected!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same(e, a, f"{where}[{i}]", library)
        return
    assert type(actual) is type(expected), \
        f"{where}: {actual!r} ({type(actual).__name__}), expected {expected!r} " \
        f"({type(expected).__name__})"
    if isinstance(expected, float):     # often a float32 value read out: compare as one
        assert np.isclose(actual, expected, rtol=RTOL, atol=ATOL, equal_nan=True), \
            f"{where}: {actual!r}, expected {expected!r}"
    else:
        assert actual == expected, f"{where}: {actual!r}, expected {expected!r}"

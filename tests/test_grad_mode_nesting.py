"""Grad mode comes back as it was: nested blocks, exceptions, decorators, threads."""

import threading

import numpy as np
import pytest

import minigrad


def _records_graph():
    """Whether an op made now records the graph (checked through an op, not the flag)."""
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    return y.requires_grad and bool(y._parents)


def test_nested_no_grad_restores_each_level():
    assert minigrad.is_grad_enabled()
    with minigrad.no_grad():
        assert not minigrad.is_grad_enabled()
        with minigrad.no_grad():
            assert not minigrad.is_grad_enabled() and not _records_graph()
        assert not minigrad.is_grad_enabled() and not _records_graph()
    assert minigrad.is_grad_enabled() and _records_graph()


def test_an_exception_inside_no_grad_restores_grad_mode():
    with pytest.raises(ZeroDivisionError):
        with minigrad.no_grad():
            1 / 0
    assert minigrad.is_grad_enabled() and _records_graph()


def test_an_exception_inside_nested_no_grad_restores_the_outer_mode():
    with minigrad.no_grad():
        with pytest.raises(KeyError):
            with minigrad.enable_grad():
                assert minigrad.is_grad_enabled() and _records_graph()
                raise KeyError("inside")
        assert not minigrad.is_grad_enabled()
    assert minigrad.is_grad_enabled()


def test_the_exception_is_not_swallowed():
    with pytest.raises(ValueError, match="kept"):
        with minigrad.no_grad():
            raise ValueError("kept")


def test_enable_grad_inside_no_grad_records_and_then_stops_again():
    with minigrad.no_grad():
        with minigrad.enable_grad():
            assert _records_graph()
        assert not _records_graph()


def test_ops_inside_no_grad_keep_no_inputs():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with minigrad.no_grad():
        y = (x * x).sum()
    assert not y.requires_grad and y._parents == () and y._backward is None
    assert y.item() == 5.0


def test_set_grad_enabled_as_a_call_and_as_a_block():
    try:
        minigrad.set_grad_enabled(False)
        assert not minigrad.is_grad_enabled()
        with minigrad.set_grad_enabled(True):
            assert minigrad.is_grad_enabled()
        assert not minigrad.is_grad_enabled()
        with pytest.raises(RuntimeError):
            with minigrad.set_grad_enabled(True):
                raise RuntimeError("out")
        assert not minigrad.is_grad_enabled()
    finally:
        minigrad.set_grad_enabled(True)
    assert minigrad.is_grad_enabled()
    with minigrad.set_grad_enabled(False):
        assert not _records_graph()
    assert _records_graph()


def test_decorators_bare_and_called_restore_even_on_errors():
    @minigrad.no_grad
    def bare(fail=False):
        if fail:
            raise IndexError("bare")
        return minigrad.is_grad_enabled()

    @minigrad.no_grad()
    def called():
        return minigrad.is_grad_enabled()

    @minigrad.enable_grad()
    def enabled():
        return minigrad.is_grad_enabled()

    @minigrad.set_grad_enabled(False)
    def switched_off():
        return minigrad.is_grad_enabled()

    assert minigrad.is_grad_enabled()          # making set_grad_enabled's decorator
    assert bare() is False and called() is False and switched_off() is False
    assert minigrad.is_grad_enabled()
    with pytest.raises(IndexError):
        bare(fail=True)
    assert minigrad.is_grad_enabled()
    with minigrad.no_grad():
        assert enabled() is True
        assert not minigrad.is_grad_enabled()
    assert bare.__name__ == "bare"


def test_grad_mode_belongs_to_each_thread():
    seen = {}
    inside = threading.Event()
    done = threading.Event()

    def other_thread():
        seen["start"] = minigrad.is_grad_enabled()
        with minigrad.no_grad():
            inside.set()
            done.wait(5)
        seen["end"] = minigrad.is_grad_enabled()

    with minigrad.no_grad():
        thread = threading.Thread(target=other_thread)
        thread.start()
        inside.wait(5)
        assert not minigrad.is_grad_enabled()
        done.set()
        thread.join(5)
    assert seen == {"start": True, "end": True}
    assert minigrad.is_grad_enabled()


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    inside = threading.Event()
    release = threading.Event()

    def evaluate():
        with minigrad.no_grad():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=evaluate)
    thread.start()
    inside.wait(5)
    try:
        assert minigrad.is_grad_enabled() and _records_graph()
    finally:
        release.set()
        thread.join(5)


def test_in_place_update_of_a_parameter_only_inside_no_grad():
    w = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w -= 0.1
    with minigrad.no_grad():
        w -= 0.5
    np.testing.assert_array_equal(w.array, [0.5, 1.5])
    assert w.requires_grad and w.grad is None

"""The checker itself: it passes right gradients and catches wrong ones."""

import numpy as np
import pytest

import minigrad
from minigrad import GradcheckError, Tensor, gradcheck, numerical_grad
from minigrad.gradcheck.__main__ import main


def _off_by(fraction):
    """x² whose backward is wrong by ``fraction`` (e.g. 0.0005 = 0.05%)."""
    def fn(x):
        out = x * x
        return Tensor._make(out.array, (x,), _wrong_square_backward, "wrong_square",
                            ctx=(fraction,))
    return fn


def _wrong_square_backward(g, parents, ctx):
    (x,), (fraction,) = parents, ctx
    return (g * 2 * x.array * (1 + fraction),)


def test_numerical_grad_of_a_known_function():
    x = minigrad.tensor(np.array([1.0, -2.0, 3.0]))
    (grad,) = numerical_grad(lambda t: (t ** 3).sum(), [x])
    np.testing.assert_allclose(grad, 3 * x.array ** 2, rtol=1e-8)


def test_numerical_grad_leaves_inputs_untouched():
    x = minigrad.tensor(np.array([1.0, 2.0]))
    numerical_grad(lambda t: (t * t).sum(), [x])
    np.testing.assert_array_equal(x.array, [1.0, 2.0])


def test_catches_a_gradient_off_by_five_hundredths_of_a_percent():
    x = minigrad.tensor(np.array([1.5, -2.0, 3.0]), requires_grad=True)
    assert gradcheck(_off_by(0.0), [x])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: _off_by(0.0005)(t).sum(), [x], atol=0, rtol=1e-4)
    message = str(info.value)
    assert "input 0" in message and "index (2,)" in message
    assert "numerical 6" in message and "analytical 6.003" in message


def test_default_tolerances_catch_a_visible_error():
    x = minigrad.tensor(np.array([1.5, -2.0, 3.0]), requires_grad=True)
    with pytest.raises(GradcheckError, match="numerical"):
        gradcheck(_off_by(0.01), [x])


def test_fast_mode_catches_the_error_too():
    x = minigrad.tensor(np.random.default_rng(0).uniform(1, 2, 5000), requires_grad=True)
    assert gradcheck(lambda t: (t * t).sum(), [x])  # large: fast mode by default
    with pytest.raises(GradcheckError, match="random direction"):
        gradcheck(lambda t: _off_by(0.0005)(t).sum(), [x], atol=0, rtol=1e-4, fast_mode=True)


def test_non_scalar_output_is_checked_through_random_weights():
    x = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert gradcheck(lambda t: t * t, [x])
    with pytest.raises(GradcheckError):
        gradcheck(_off_by(0.01), [x])


def test_constants_are_not_checked_and_second_input_is_named():
    a = minigrad.tensor(np.array([1.0, 2.0]))
    b = minigrad.tensor(np.array([3.0, 4.0]), requires_grad=True)
    assert gradcheck(lambda p, q: (p * q).sum(), [a, b])
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda p, q: (p * _off_by(0.01)(q)).sum(), [a, b])


def test_float32_inputs_warn():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="float32"):
        gradcheck(lambda t: (t * t).sum(), [x])


def test_nothing_to_check_is_an_error():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(lambda t: t.sum(), [minigrad.tensor(np.ones(2))])


def test_command_prints_a_table_and_passes(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "matmul" in out and "log_softmax" in out and "FAIL" not in out


# -- the command's own checks can fail ------------------------------------------------
def _case(fn, reference=np.square):
    from minigrad.gradcheck.cases import OpCase
    return OpCase("probe", fn, reference, [((3, 4),)])


def test_command_check_passes_a_right_op():
    from minigrad.gradcheck.__main__ import check_case
    assert check_case(_case(lambda x: x * x))["passes"]


def test_command_catches_a_wrong_forward_value():
    from minigrad.gradcheck.__main__ import check_case
    report = check_case(_case(lambda x: x * x * 1.000001))
    assert not report["passes"] and report["forward"] > 1e-9


def test_command_catches_a_gradient_wrong_only_in_float32():
    from minigrad.gradcheck.__main__ import check_case

    def backward(g, parents, ctx):
        (x,) = parents
        scale = 1.01 if x.dtype == np.float32 else 1.0
        return (g * 2 * x.array * scale,)

    def square_wrong_in_float32(x):
        out = x * x
        return Tensor._make(out.array, (x,), backward, "square32")

    report = check_case(_case(square_wrong_in_float32))
    assert not report["passes"] and report["float32"] > 1e-3
    assert report["grad_rel"] < 1e-6          # the float64 gradient alone looks right


def test_numerical_grad_of_a_column_major_input():
    a = np.arange(1.0, 7.0).reshape(2, 3).T          # a transposed view: column-major
    x = minigrad.tensor(a, dtype=np.float64, requires_grad=True)
    assert x.array.flags.f_contiguous and not x.array.flags.c_contiguous
    (grad,) = numerical_grad(lambda t: (t * t).sum(), [x])
    np.testing.assert_allclose(grad, 2 * a, rtol=1e-8)


@pytest.mark.parametrize("fn, error, message", [
    (lambda t: 3.0, TypeError, "must return a minigrad Tensor.*returned a float"),
    (lambda t: (t * float("nan")).sum(), GradcheckError, "not finite at index"),
])
def test_gradcheck_names_a_bad_function(fn, error, message):
    x = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(error, match=message):
        gradcheck(fn, [x])

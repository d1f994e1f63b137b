"""Exercises of lesson 00a: derivatives and the chain rule, by hand."""

import inspect
import math

import numpy as np

import minigrad
from minigrad.exercises import CheckFailed, exercise


# --------------------------------------------------------------------------- task
def _value(fn, *args, **kwargs) -> float:
    result = fn(*args, **kwargs)
    try:
        return float(result)
    except (TypeError, ValueError):
        raise CheckFailed(f"{fn.__name__}{args} returned {result!r}; it should return a "
                          "number (a float)") from None


def _check_cubic(fn):
    """f(x) = x³ at x = 2, where f'(2) = 12"""
    got = _value(fn, lambda x: x ** 3, 2.0)
    if abs(got - 24) < 1e-3:
        raise CheckFailed(f"f(x) = x³ at x = 2: got {got:.6g}, twice f'(2) = 12. Divide by "
                          "2ε, the distance between x − ε and x + ε, not by ε")
    if abs(got - 12) > 1e-5:
        raise CheckFailed(f"f(x) = x³ at x = 2: got {got:.6g}, expected f'(2) = 12")


def _check_eps_is_used(fn):
    """f(x) = eˣ at x = 0 with eps=0.1"""
    got = _value(fn, math.exp, 0.0, eps=0.1)
    central = math.sinh(0.1) / 0.1                       # (e^0.1 − e^−0.1) / 0.2
    forward = (math.exp(0.1) - 1) / 0.1
    if abs(got - forward) < 1e-9:
        raise CheckFailed("with eps=0.1 you return (f(x + ε) − f(x))/ε, the forward "
                          f"difference ({got:.6f}). Its error falls like ε; use f(x − ε) "
                          f"too: (f(x + ε) − f(x − ε))/(2ε) = {central:.6f}")
    if abs(got - 1.0) < 1e-7:
        raise CheckFailed("with eps=0.1 you return almost exactly f'(0) = 1: is the eps "
                          "argument used? The step must be the eps passed in")
    if abs(got - central) > 1e-9:
        raise CheckFailed(f"f(x) = eˣ at x = 0, eps = 0.1: got {got:.9f}, expected "
                          f"(e^0.1 − e^−0.1)/0.2 = {central:.9f}")


def _check_error_order(fn):
    """the error on eˣ at x = 1 must fall like ε² (central), not like ε"""
    errors = [abs(_value(fn, math.exp, 1.0, eps=eps) - math.e) for eps in (1e-2, 1e-3)]
    ratio = errors[0] / max(errors[1], 1e-300)
    if ratio < 50:
        raise CheckFailed(f"when ε shrinks from 1e-2 to 1e-3 your error falls {ratio:.0f}×; "
                          "a central difference's falls about 100× (error ∝ ε²)")


def _check_default_eps(fn):
    """the default eps"""
    parameter = inspect.signature(fn).parameters.get("eps")
    if parameter is None or parameter.default != 1e-6:
        raise CheckFailed("give eps the default 1e-6, as gradcheck does "
                          "(signature: central_difference(f, x, eps=1e-6))")


@exercise(
    "00a", "central-difference", "Write the central difference",
    question=r"""
    Write ``central_difference(f, x, eps=1e-6)``: the derivative of a function ``f`` of
    one float at ``x``, estimated by
    $\frac{f(x + \varepsilon) - f(x - \varepsilon)}{2\varepsilon}$. The checker tries it
    on $x^3$ and $e^x$ and measures how its error falls with ε.
    """,
    hint=r"""
    Two calls of ``f``, one subtraction, one division. The distance between
    $x - \varepsilon$ and $x + \varepsilon$ is $2\varepsilon$. A *forward* difference
    $(f(x+\varepsilon) - f(x))/\varepsilon$ also converges, but only like ε: the checker
    notices.
    """,
    answer=r"""
    Taylor: $f(x \pm \varepsilon) = f \pm \varepsilon f' + \frac{\varepsilon^2}{2} f''
    \pm \frac{\varepsilon^3}{6} f''' + \dots$; in the difference the $f$ and $f''$ terms
    cancel, leaving $f' + \frac{\varepsilon^2}{6} f'''$: an error that falls like
    $\varepsilon^2$. This is the formula :func:`minigrad.numerical_grad` applies to every
    element of every input.
    """,
    checks=[_check_default_eps, _check_cubic, _check_eps_is_used, _check_error_order])
def central_difference(f, x, eps=1e-6):
    """Estimate f'(x) as (f(x + eps) - f(x - eps)) / (2 eps)."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


# --------------------------------------------------------------------------- questions
@exercise(
    "00a", "softplus-by-hand", "The chain rule through softplus",
    question=r"""
    $y = \ln(1 + e^{wx})$ (the *softplus* of $wx$). Draw its graph as the lesson did
    (four nodes: $u = wx$, $v = e^u$, $s = 1 + v$, $y = \ln s$), write each node's local
    derivative, and multiply them to get $\partial y/\partial w$ at $w = 0.5$, $x = 2$.
    Check your number with minigrad's ``backward()`` and with a finite difference.
    """,
    hint=r"""
    Local derivatives: $\partial y/\partial s = 1/s$, $\partial s/\partial v = 1$,
    $\partial v/\partial u = e^u$, $\partial u/\partial w = x$. The product simplifies to
    $x\,\sigma(wx)$ with $\sigma$ the sigmoid.
    """,
    answer=r"""
    $\partial y/\partial w = \frac{1}{1+e^{wx}} \cdot 1 \cdot e^{wx} \cdot x
    = x\,\sigma(wx) = 2\,\sigma(1) \approx 1.4621$, and autograd and the central
    difference agree to better than $10^{-9}$.
    """)
def softplus_by_hand():
    w, x = 0.5, 2.0
    u = w * x                      # forward pass, one node at a time
    v = math.exp(u)
    s = 1 + v
    dy_ds = 1 / s                  # local derivatives, from the output back
    ds_dv = 1.0
    dv_du = math.exp(u)
    du_dw = x
    by_hand = dy_ds * ds_dv * dv_du * du_dw          # the chain rule: multiply them

    w_t = minigrad.tensor(w, dtype=np.float64, requires_grad=True)
    y = minigrad.log(1 + minigrad.exp(w_t * x))
    y.backward()
    autograd = w_t.grad.item()
    finite = (math.log1p(math.exp((w + 1e-6) * x))
              - math.log1p(math.exp((w - 1e-6) * x))) / 2e-6
    assert round(by_hand, 4) == 1.4621
    assert abs(by_hand - 2 / (1 + math.exp(-1))) < 1e-15       # x σ(wx)
    assert abs(by_hand - autograd) < 1e-12 and abs(by_hand - finite) < 1e-9
    return by_hand, autograd, finite


@exercise(
    "00a", "best-epsilon", "Where is each finite difference most accurate?",
    question=r"""
    In float64, for $f = e^x$ at $x = 1$, find the ε (on a grid of quarter decades
    from $10^{-14}$ to $10^{-1}$) at which the forward difference
    $(f(x+\varepsilon) - f(x))/\varepsilon$ is most accurate, and the same for the
    central difference. Predict both before you compute them.
    """,
    hint=r"""
    Error = truncation + rounding. Forward: $\frac{\varepsilon}{2}\lvert f''\rvert +
    \frac{2u\lvert f\rvert}{\varepsilon}$; central: $\frac{\varepsilon^2}{6}\lvert
    f'''\rvert + \frac{u\lvert f\rvert}{\varepsilon}$, with $u \approx 1.1\cdot10^{-16}$
    the rounding unit of float64. Set the derivative with respect to ε to zero.
    """,
    answer=r"""
    The forward difference is best near $\varepsilon \approx \sqrt{u} \approx 10^{-8}$,
    with an error near $10^{-8}$; the central difference near
    $\varepsilon \approx u^{1/3} \approx 10^{-5}$, with an error near $10^{-11}$ — a
    thousand times smaller. That is why :func:`minigrad.gradcheck` uses central
    differences in float64 with ε = 1e-6, close to the best point and on its flat
    side.
    """)
def best_epsilon():
    x, exact = 1.0, math.exp(1.0)
    eps = 10.0 ** np.arange(-14, -0.99, 0.25)
    forward = np.array([abs((math.exp(x + e) - math.exp(x)) / e - exact) for e in eps])
    central = np.array([abs((math.exp(x + e) - math.exp(x - e)) / (2 * e) - exact)
                        for e in eps])
    best_forward, best_central = eps[forward.argmin()], eps[central.argmin()]
    assert 1e-9 <= best_forward <= 1e-7 and 1e-9 <= forward.min() <= 1e-7
    assert 1e-6 <= best_central <= 1e-4 and central.min() <= 1e-10
    return best_forward, forward.min(), best_central, central.min()

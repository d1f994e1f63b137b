"""Exercises of lesson 06: Adam and AdamW."""

import numpy as np

import minigrad
from minigrad.exercises import CheckFailed, exercise
from minigrad.optim import Adam
from minigrad.toy import bowl, trace


# --------------------------------------------------------------------------- task
def _adam_reference(theta0, grads, lr, betas, eps):
    """θ after each step of minigrad's Adam, fed the gradients ``grads`` in turn."""
    theta = minigrad.tensor(np.array(theta0, dtype=np.float64), requires_grad=True)
    optimizer = Adam([theta], lr=lr, betas=betas, eps=eps)
    path = []
    for g in grads:
        optimizer.zero_grad()
        (theta * minigrad.tensor(g)).sum().backward()     # ∂/∂θ (θ·g) = g
        optimizer.step()
        path.append(theta.detach().numpy().copy())
    return path


def _learner_path(fn, theta0, grads, lr, betas, eps):
    theta = np.array(theta0, dtype=np.float64)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    path = []
    for t, g in enumerate(grads, start=1):
        result = fn(theta.copy(), np.array(g), m.copy(), v.copy(), t, lr=lr, betas=betas,
                    eps=eps)
        if not isinstance(result, tuple) or len(result) != 3:
            raise CheckFailed("return the triple (theta, m, v) after the step")
        theta, m, v = (np.asarray(r, dtype=np.float64) for r in result)
        path.append(theta.copy())
    return path


def _compare(fn, theta0, grads, lr=0.1, betas=(0.9, 0.999), eps=1e-8, what=""):
    want = _adam_reference(theta0, grads, lr, betas, eps)
    got = _learner_path(fn, theta0, grads, lr, betas, eps)
    for t, (w, g) in enumerate(zip(want, got), start=1):
        if g.shape != w.shape:
            raise CheckFailed(f"{what}: θ has shape {g.shape} after step {t}, expected "
                              f"{w.shape}")
        if np.allclose(g, w, rtol=1e-7, atol=1e-12):
            continue
        start = np.array(theta0, dtype=np.float64) if t == 1 else want[t - 2]
        step_want, step_got = w - start, g - start
        message = (f"{what}: after step {t} θ = {np.round(g, 6).tolist()}, expected "
                   f"{np.round(w, 6).tolist()}")
        if np.allclose(step_got, -step_want, rtol=1e-3):
            message += " — you stepped uphill: θ − η·m̂/(√v̂ + ε)"
        elif t == 1 and np.allclose(step_got, step_want * (1 - betas[0])
                                    / np.sqrt(1 - betas[1]), rtol=1e-3):
            message += (" — the first step is (1 − β₁)/√(1 − β₂) times too large (3.16 "
                        "with the default betas): divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ "
                        "(bias correction)")
        raise CheckFailed(message)


def _check_first_step(fn):
    """one step from θ = (1, −2) with g = (0.5, −4)"""
    _compare(fn, [1.0, -2.0], [[0.5, -4.0]], what="first step")


def _check_several_steps(fn):
    """ten steps with random gradients"""
    rng = np.random.default_rng(0)
    _compare(fn, rng.standard_normal(3), rng.standard_normal((10, 3)),
             what="ten random steps")


def _check_eps_outside(fn):
    """tiny gradients, where ε matters"""
    _compare(fn, [0.0, 0.0], [[1e-8, -1e-7]] * 3, lr=1.0, what="gradients of 1e-8 "
             "(ε = 1e-8 must be added *outside* the square root: √v̂ + ε)")


def _check_betas(fn):
    """other betas (0.5, 0.9)"""
    rng = np.random.default_rng(1)
    _compare(fn, rng.standard_normal(2), rng.standard_normal((5, 2)), betas=(0.5, 0.9),
             what="betas=(0.5, 0.9) (use the betas passed in)")


@exercise(
    "06", "adam-step", "Write Adam's step",
    question=r"""
    Write ``adam_step(theta, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)``:
    one Adam update of the numpy array ``theta`` with gradient ``grad``, first and
    second moments ``m`` and ``v`` from the previous step (zeros before the first) and
    the step number ``t`` (1 for the first step). Return ``(theta, m, v)`` after the
    step. The checker compares your steps with :class:`minigrad.optim.Adam`.
    """,
    hint=r"""
    Article 000 §3's five lines: $m_t = \beta_1 m_{t-1} + (1-\beta_1)g_t$,
    $v_t = \beta_2 v_{t-1} + (1-\beta_2)g_t^2$, $\hat m_t = m_t/(1-\beta_1^t)$,
    $\hat v_t = v_t/(1-\beta_2^t)$,
    $\theta_t = \theta_{t-1} - \eta\,\hat m_t/(\sqrt{\hat v_t} + \varepsilon)$.
    """,
    answer=r"""
    Five lines, in the article's order. The two usual mistakes, which the checker
    names, are forgetting the bias correction (the first step is then
    $(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.16$ times too large with the default
    betas) and putting ε inside the square root (harmless for ordinary gradients,
    wrong for tiny ones).
    """,
    checks=[_check_first_step, _check_several_steps, _check_eps_outside, _check_betas])
def adam_step(theta, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """One Adam step; returns the new (theta, m, v)."""
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v


# --------------------------------------------------------------------------- questions
@exercise(
    "06", "bias-correction-beta2", "Bias correction with β₂ = 0.99",
    question=r"""
    Without bias correction Adam's step is $\eta\, m_t/(\sqrt{v_t} + \varepsilon)$; with
    it, $\eta\,\hat m_t/(\sqrt{\hat v_t} + \varepsilon)$. For a constant gradient, the
    ratio of the two is $(1-\beta_1^t)/\sqrt{1-\beta_2^t}$. Find its largest value for
    β₂ = 0.999 (the default) and for β₂ = 0.99. Which β₂ makes the first uncorrected
    step exactly η?
    """,
    hint=r"""
    Evaluate the ratio for t = 1 … 200. At t = 1 it is $(1-\beta_1)/\sqrt{1-\beta_2}$.
    """,
    answer=r"""
    With β₂ = 0.999 the uncorrected step is up to 6.57 times too large (at t = 12);
    with β₂ = 0.99 only up to 2.13 times (at t = 13). At t = 1 the ratio is
    $0.1/\sqrt{1-\beta_2}$, which is 1 for $\beta_2 = 1 - (1-\beta_1)^2 = 0.99$: then
    the first step is exactly η even uncorrected — but not the following ones.
    """)
def bias_correction_beta2():
    beta1, t = 0.9, np.arange(1, 201)
    largest = {}
    for beta2 in (0.999, 0.99):
        ratio = (1 - beta1 ** t) / np.sqrt(1 - beta2 ** t)
        largest[beta2] = ratio.max(), t[ratio.argmax()]
    exact_eta = 1 - (1 - beta1) ** 2
    assert round(largest[0.999][0], 2) == 6.57 and largest[0.999][1] == 12
    assert round(largest[0.99][0], 2) == 2.13 and largest[0.99][1] == 13
    assert np.isclose(exact_eta, 0.99) and np.isclose((1 - beta1) / np.sqrt(1 - exact_eta), 1)
    return largest, exact_eta


@exercise(
    "06", "amsgrad-bowl", "AMSGrad on the bowl",
    question=r"""
    Run ``Adam(lr=1, amsgrad=True)`` on the bowl for 100 steps, next to plain Adam. Does
    it still swing around the minimum?
    """,
    hint=r"""
    AMSGrad divides by the largest $\hat v$ seen so far instead of the current one. How
    much can $v_t$ fall in 100 steps when β₂ = 0.999?
    """,
    answer=r"""
    Yes: the two paths differ by less than 0.003 anywhere in 100 steps, and both end
    about 0.024 from the minimum. With β₂ = 0.999, $v_t$ averages over about
    1000 steps, so in 100 steps it hardly falls and its running maximum is almost the
    same number. AMSGrad changes Adam only once $v_t$ has had time to shrink.
    """)
def amsgrad_bowl():
    paths = {amsgrad: trace(bowl, lambda p: Adam(p, lr=1.0, amsgrad=amsgrad), steps=100)
             for amsgrad in (False, True)}
    difference = np.abs(paths[True] - paths[False]).max()
    distances = [np.linalg.norm(p[-1]) for p in paths.values()]
    assert difference < 3e-3 and all(round(d, 3) in (0.024, 0.023) for d in distances)
    return difference, distances

"""The data of the site's interactive figures, computed at build time with minigrad.

Each figure is a function returning a *spec* (plain JSON data) that
``docs/_static/interactive.js`` draws with plotly and updates when a slider moves:

``controls``
    the sliders: a label and the text of each position.
``data``, ``layout``, ``narrow``
    plotly traces and layout; ``narrow`` overrides the layout on a phone-wide column.
``groups``
    what the sliders change: for each combination of the group's ``controls`` (flat
    index, last control fastest), new ``x``/``y`` for the traces listed in ``traces``
    and a sentence saying what happens (``text``).

Only minigrad's public API computes the numbers (``minigrad.toy``, ``minigrad.optim``,
``minigrad.optim.lr_scheduler``, ``minigrad.lr_search``, ``minigrad.curvature``);
values are read with ``.detach().numpy()`` / ``.item()``. The formulas in the
sentences are the lessons' (lesson 01, 04, 07, 08).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

import minigrad
from minigrad import nn, optim
from minigrad.optim import lr_scheduler
from minigrad.toy import BOWL_START, bowl, trace

# ----------------------------------------------------------------------------- helpers

BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#888888"


def rounded(values, digits=4):
    """A list of floats with ``digits`` significant digits; nan and inf become None
    (a gap in the plot), so the page stays small and the JSON valid."""
    out = []
    for v in np.asarray(values, dtype=float).ravel():
        out.append(float(f"{v:.{digits}g}") if math.isfinite(v) else None)
    return out


def cut_after_blowup(values, limit):
    """Values up to the first one whose size exceeds ``limit`` (the rest: nan)."""
    values = np.array(values, dtype=float)
    bad = ~np.isfinite(values) | (np.abs(values) > limit)
    if values.ndim > 1:
        bad = bad.any(axis=tuple(range(1, values.ndim)))
    if bad.any():
        values[np.argmax(bad):] = np.nan
    return values


def bowl_contours(x_range=(-7, 7), y_range=(-3.5, 3.5), n=61):
    """√f of the bowl on a grid: its level lines are evenly spaced ellipses."""
    xs, ys = np.linspace(*x_range, n), np.linspace(*y_range, n // 2 + 1)
    grid = minigrad.tensor(np.stack(np.meshgrid(xs, ys), axis=-1))
    z = np.sqrt(bowl(grid).detach().numpy())
    return {"type": "contour", "x": rounded(xs), "y": rounded(ys),
            "z": [rounded(row, 3) for row in z], "showscale": False,
            "contours": {"coloring": "lines", "start": 0.5, "end": 5, "size": 0.5},
            "line": {"width": 1}, "colorscale": [[0, "#9aa7b8"], [1, "#9aa7b8"]],
            "hoverinfo": "skip", "name": "level lines of f"}


def bowl_eigenvalues():
    """λ_min, λ_max of the bowl's Hessian, from minigrad's curvature module."""
    from minigrad.curvature import hessian
    theta = minigrad.tensor(np.array(BOWL_START, dtype=np.float64), requires_grad=True)
    return np.linalg.eigvalsh(hessian(lambda: bowl(theta), [theta]))


def axis(title, **extra):
    if extra.get("type") == "log":
        extra.setdefault("dtick", 1)  # one tick per decade: readable on a phone
    return dict({"title": {"text": title}, "automargin": True}, **extra)


def base_layout(height, **extra):
    return dict({"height": height, "margin": {"l": 50, "r": 10, "t": 30, "b": 40},
                 "showlegend": True, "hovermode": "closest",
                 "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
                 "font": {"size": 13}}, **extra)


def line(x, y, name, color, dash="solid", width=2, mode="lines", xaxis="x", yaxis="y",
         **extra):
    return dict({"type": "scatter", "mode": mode, "x": x, "y": y, "name": name,
                 "line": {"color": color, "dash": dash, "width": width},
                 "marker": {"color": color, "size": 6}, "xaxis": xaxis, "yaxis": yaxis},
                **extra)


def loss_along(path):
    """f(θ_t) for every iterate of a path (nan where the path blew up)."""
    values = bowl(minigrad.tensor(np.nan_to_num(path, nan=0.0))).detach().numpy()
    values = np.where(np.isnan(path).any(axis=1), np.nan, values)
    return cut_after_blowup(values, 1e8)


# ----------------------------------------------------------------------------- lesson 01

def eta_bowl():
    """Gradient descent on the bowl for one η: the path, f(θ_t) and |1 − ηλ|."""
    lam_min, lam_max = bowl_eigenvalues()
    edge = 2 / lam_max
    etas = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.48, 0.5, 0.52,
            0.55, 0.6]
    steps = 30
    axis_etas = np.linspace(0, 0.7, 141)
    data = [
        bowl_contours(),
        line([], [], "path θ_t", BLUE, mode="lines+markers"),                       # 1
        line(list(range(steps + 1)), [], "f(θ_t)", BLUE, xaxis="x2", yaxis="y2",
             showlegend=False),                                                    # 2
        line(rounded(axis_etas), rounded(np.abs(1 - axis_etas * lam_max)),
             f"|1 − ηλ_max| (λ_max = {lam_max:.3g})", RED, xaxis="x3", yaxis="y3"),
        line(rounded(axis_etas), rounded(np.abs(1 - axis_etas * lam_min)),
             f"|1 − ηλ_min| (λ_min = {lam_min:.3g})", GREEN, xaxis="x3", yaxis="y3"),
        line([0, 0.7], [1, 1], "1: the stability limit", GREY, dash="dot", width=1,
             xaxis="x3", yaxis="y3", showlegend=False),
        line([edge, edge], [0, 2], f"η = 2/λ_max = {edge:.3g}", RED, dash="dash",
             width=1.5, xaxis="x3", yaxis="y3"),
        line([], [], "this η", "#000000", mode="markers", xaxis="x3", yaxis="y3",
             marker={"size": 11, "symbol": "diamond", "color": ORANGE},
             showlegend=False),                                                    # 7
        line([], [], "this η (limit)", ORANGE, dash="dot", width=1.5, xaxis="x3",
             yaxis="y3", showlegend=False),                                         # 8
    ]
    table, text = [], []
    for eta in etas:
        path = trace(bowl, lambda p, eta=eta: optim.SGD(p, lr=eta), steps=steps)
        path = cut_after_blowup(path, 1e4)
        losses = loss_along(path)
        factors = np.abs(1 - eta * np.array([lam_min, lam_max]))
        table.append([
            {"x": rounded(path[:, 0]), "y": rounded(path[:, 1])},
            {"y": rounded(losses)},
            {"x": [eta, eta], "y": rounded(factors)},
            {"x": [eta, eta], "y": [0, 2]},
        ])
        text.append(bowl_verdict(eta, factors, losses, steps, edge))
    layout = base_layout(
        600,
        xaxis=axis("θ₁", domain=[0, 0.55], range=[-7, 7], anchor="y"),
        yaxis=axis("θ₂", domain=[0.42, 1], range=[-3.5, 3.5], anchor="x"),
        xaxis2=axis("step t", domain=[0.68, 1], anchor="y2"),
        yaxis2=axis("f(θ_t)", domain=[0.42, 1], type="log", range=[-6, 3],
                    anchor="x2", exponentformat="power"),
        xaxis3=axis("learning rate η", domain=[0, 1], range=[0, 0.7], anchor="y3"),
        yaxis3=axis("shrink factor per step", domain=[0, 0.26], range=[0, 2],
                    anchor="x3"),
        legend={"orientation": "h", "x": 0, "y": -0.13, "yanchor": "top"},
    )
    narrow = {"height": 900,
              "xaxis": {"domain": [0, 1]}, "yaxis": {"domain": [0.68, 1]},
              "xaxis2": {"domain": [0, 1]}, "yaxis2": {"domain": [0.36, 0.58]},
              "yaxis3": {"domain": [0, 0.24]}}
    return {
        "caption": "Gradient descent θ ← θ − η∇f on the bowl f = 0.1θ₁² + 2θ₂² "
                   f"from θ₀ = {BOWL_START}, {steps} steps. Each step multiplies the "
                   "distance along each eigenvector of the Hessian by 1 − ηλ: it "
                   "converges while |1 − ηλ_max| < 1, that is η < 2/λ_max.",
        "controls": [{"label": "η", "values": [f"{e:g}" for e in etas],
                      "initial": etas.index(0.3)}],
        "data": data, "layout": layout, "narrow": narrow,
        "groups": [{"controls": [0], "traces": [1, 2, 7, 8], "table": table,
                    "text": text}],
    }


def bowl_verdict(eta, factors, losses, steps, edge):
    worst = factors.max()
    final = losses[-1]
    after = (f"f after {steps} steps: {final:.2g}." if np.isfinite(final)
             else "f overflows.")
    if abs(worst - 1) < 1e-9:
        return (f"η = {eta:g} = 2/λ_max: on the edge. θ₂ flips between ±2 for ever "
                f"(|1 − ηλ_max| = 1): it oscillates and neither converges nor "
                f"diverges. {after}")
    if worst > 1:
        return (f"η = {eta:g} > 2/λ_max = {edge:.3g}: diverges. θ₂ flips sign and grows "
                f"×{worst:.2f} per step. {after}")
    steep = 1 - eta * (2 / edge)
    how = ("θ₂ oscillates (flips sign every step) while it shrinks"
           if steep < 0 else "no oscillation")
    slow = "too small: it crawls" if eta <= 0.05 else "converges"
    return (f"η = {eta:g} < 2/λ_max = {edge:.3g}: {slow}; {how}. The slowest direction "
            f"shrinks ×{worst:.3f} per step. {after}")


# ----------------------------------------------------------------------------- lesson 04

def momentum_rate(eta, mu, lams):
    """ρ(η, μ): the largest |eigenvalue| of heavy-ball momentum's 2×2 step matrix
    [[1 + μ − ηλ, −μ], [1, 0]], over the Hessian's eigenvalues λ."""
    worst = 0.0
    for lam in lams:
        step = np.array([[1 + mu - eta * lam, -mu], [1.0, 0.0]])
        worst = max(worst, np.abs(np.linalg.eigvals(step)).max())
    return worst


def momentum():
    """SGD with momentum on the bowl: the path for (η, μ) and the rate map ρ(η, μ)."""
    lams = bowl_eigenvalues()
    etas = [0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9]
    mus = [0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95]
    steps = 40
    grid_etas, grid_mus = np.linspace(0.01, 1.0, 56), np.linspace(0, 0.99, 40)
    rho = np.array([[momentum_rate(e, m, lams) for e in grid_etas] for m in grid_mus])
    stable = np.where(rho < 1, rho, np.nan)
    unstable = np.where(rho >= 1, 1.0, np.nan)
    best = np.unravel_index(np.nanargmin(rho), rho.shape)
    data = [
        bowl_contours(),
        line([], [], "path θ_t", BLUE, mode="lines+markers",
             marker={"size": 4, "color": BLUE}),                                     # 1
        line(list(range(steps + 1)), [], "f(θ_t)", BLUE, xaxis="x2", yaxis="y2",
             showlegend=False),                                                    # 2
        {"type": "heatmap", "x": rounded(grid_etas), "y": rounded(grid_mus),
         "z": [rounded(r, 3) for r in stable], "zmin": 0.5, "zmax": 1,
         "colorscale": "Viridis", "reversescale": True, "xaxis": "x3", "yaxis": "y3",
         "colorbar": {"title": {"text": "ρ"}, "len": 0.4, "y": 0.2, "thickness": 12},
         "hovertemplate": "η=%{x}<br>μ=%{y}<br>ρ=%{z}<extra></extra>", "name": "ρ"},
        {"type": "heatmap", "x": rounded(grid_etas), "y": rounded(grid_mus),
         "z": [rounded(r) for r in unstable], "showscale": False,
         "colorscale": [[0, "#bbbbbb"], [1, "#bbbbbb"]], "xaxis": "x3", "yaxis": "y3",
         "hovertemplate": "η=%{x}<br>μ=%{y}<br>diverges<extra></extra>",
         "name": "ρ ≥ 1: diverges"},
        line([rounded([grid_etas[best[1]]])[0]], [rounded([grid_mus[best[0]]])[0]],
             f"fastest: ρ = {rho[best]:.2f}", "#ffffff", mode="markers",
             xaxis="x3", yaxis="y3",
             marker={"size": 11, "symbol": "star", "color": "#ffffff",
                     "line": {"color": "#000000", "width": 1}}),
        line([], [], "this (η, μ)", ORANGE, mode="markers", xaxis="x3", yaxis="y3",
             marker={"size": 12, "symbol": "circle-open",
                     "line": {"color": RED, "width": 3}, "color": RED}),             # 6
    ]
    table, text = [], []
    for eta in etas:
        for mu in mus:
            path = trace(bowl, lambda p, eta=eta, mu=mu: optim.SGD(p, lr=eta, momentum=mu),
                         steps=steps)
            path = cut_after_blowup(path, 1e4)
            losses = loss_along(path)
            table.append([
                {"x": rounded(path[:, 0], 3), "y": rounded(path[:, 1], 3)},
                {"y": rounded(losses, 3)},
                {"x": [eta], "y": [mu]},
            ])
            text.append(momentum_verdict(eta, mu, momentum_rate(eta, mu, lams), path,
                                         steps))
    layout = base_layout(
        620,
        xaxis=axis("θ₁", domain=[0, 0.55], range=[-7, 7], anchor="y"),
        yaxis=axis("θ₂", domain=[0.52, 1], range=[-3.5, 3.5], anchor="x"),
        xaxis2=axis("step t", domain=[0.68, 1], anchor="y2"),
        yaxis2=axis("f(θ_t)", domain=[0.52, 1], type="log", range=[-8, 3],
                    anchor="x2", exponentformat="power"),
        xaxis3=axis("learning rate η", domain=[0, 0.9], anchor="y3"),
        yaxis3=axis("momentum μ", domain=[0, 0.36], anchor="x3"),
        legend={"orientation": "h", "x": 0, "y": -0.13, "yanchor": "top"},
    )
    narrow = {"height": 980,
              "xaxis": {"domain": [0, 1]}, "yaxis": {"domain": [0.74, 1]},
              "xaxis2": {"domain": [0, 1]}, "yaxis2": {"domain": [0.44, 0.64]},
              "xaxis3": {"domain": [0, 0.82]}, "yaxis3": {"domain": [0, 0.33]}}
    return {
        "caption": "SGD with momentum, v ← μv + ∇f, θ ← θ − ηv, on the bowl, "
                   f"{steps} steps. The map is the convergence rate ρ(η, μ): the "
                   "distance to the minimum shrinks about ×ρ per step (the largest "
                   "|eigenvalue| of the step's 2×2 matrix for λ = λ_min and λ_max); "
                   "grey: ρ ≥ 1, divergence.",
        "controls": [{"label": "η", "values": [f"{e:g}" for e in etas],
                      "initial": etas.index(0.1)},
                     {"label": "μ", "values": [f"{m:g}" for m in mus],
                      "initial": mus.index(0.5)}],
        "data": data, "layout": layout, "narrow": narrow,
        "groups": [{"controls": [0, 1], "traces": [1, 2, 6], "table": table,
                    "text": text}],
    }


def momentum_verdict(eta, mu, rho, path, steps):
    norms = np.linalg.norm(path, axis=1)
    measured = ""
    if np.isfinite(norms[-1]) and norms[-1] > 1e-12 and np.isfinite(norms[-21]):
        measured = f"; measured on the path, ×{(norms[-1] / norms[-21]) ** (1 / 20):.3f}"
    if rho >= 1:
        return (f"η = {eta:g}, μ = {mu:g}: ρ = {rho:.3f} ≥ 1, diverges "
                f"(stable only for η < 2(1 + μ)/λ_max = {(1 + mu) / 2:.3g}).")
    return (f"η = {eta:g}, μ = {mu:g}: converges, ρ = {rho:.3f} per step"
            f"{measured} (last 20 steps). f after {steps} steps: "
            f"{bowl(minigrad.tensor(path[-1])).item():.2g}.")


# ----------------------------------------------------------------------------- lesson 07

#: schedule name → (η₀ of the optimizer, [(label, factory optimizer → scheduler)]).
def _schedules(total):
    S = lr_scheduler
    return [
        ("StepLR", 0.1, [
            (f"step_size={s}, gamma={g}",
             lambda o, s=s, g=g: S.StepLR(o, step_size=s, gamma=g))
            for s, g in ((50, 0.5), (100, 0.5), (100, 0.1), (150, 0.1))]),
        ("ExponentialLR", 0.1, [
            (f"gamma={g}", lambda o, g=g: S.ExponentialLR(o, gamma=g))
            for g in (0.999, 0.995, 0.99, 0.98)]),
        ("CosineAnnealingLR", 0.1, [
            (f"T_max={t}, eta_min={m}",
             lambda o, t=t, m=m: S.CosineAnnealingLR(o, T_max=t, eta_min=m))
            for t, m in ((total // 4, 0.0), (total // 2, 0.0), (total, 0.0),
                         (total, 0.02))]),
        ("OneCycleLR", 0.1, [
            (f"max_lr={m}",
             lambda o, m=m: S.OneCycleLR(o, max_lr=m, total_steps=total,
                                         cycle_momentum=False))
            for m in (0.05, 0.1, 0.2, 0.3)]),
        ("CyclicLR", 0.1, [
            (f"base_lr=0.001, max_lr=0.1, step_size_up={s}",
             lambda o, s=s: S.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=s,
                                       cycle_momentum=False))
            for s in (10, 25, 50, 100)]),
    ]


def times(ratio):
    """'×12 lower' / '×1.5 higher': how the schedule's final loss compares."""
    word, r = ("lower", ratio) if ratio >= 1 else ("higher", 1 / ratio)
    return f"×{r:.0f} {word}" if r >= 10 else f"×{r:.2g} {word}"


def _regression_problem():
    """Noisy linear regression: mini-batch SGD on it settles at a noise floor that
    depends on η — the situation schedules are for."""
    from minigrad.data import make_regression
    X, y, _ = make_regression(n_samples=200, n_features=5, noise=1.0, seed=0,
                              dtype=np.float64)
    design = np.hstack([X, np.ones((len(X), 1))])
    best = np.linalg.lstsq(design, y, rcond=None)[0]
    floor = float(np.mean((design @ best - y) ** 2))
    return X, y, floor


def run_schedule(X, y, eta0, make_scheduler, epochs, batch, seed):
    """Mini-batch SGD on the regression with a schedule stepped after every batch;
    returns (η of every step, full-data loss after every epoch)."""
    minigrad.manual_seed(seed)
    model, loss_fn = nn.Linear(X.shape[1], 1), nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=eta0)
    scheduler = make_scheduler(optimizer) if make_scheduler else None
    rng = np.random.default_rng(seed)
    Xt, yt = minigrad.tensor(X), minigrad.tensor(y)
    etas, losses = [], []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch):
            rows = order[start:start + batch]
            etas.append(optimizer.param_groups[0]["lr"])
            optimizer.zero_grad()
            loss_fn(model(minigrad.tensor(X[rows])), minigrad.tensor(y[rows])).backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
        with minigrad.no_grad():
            losses.append(loss_fn(model(Xt), yt).item())
    return np.array(etas), np.array(losses)


def schedules():
    """Each schedule's η(t) and the loss it gives, for four settings of it."""
    X, y, floor = _regression_problem()
    epochs, batch, seeds = 20, 20, (0, 1, 2)
    total = epochs * (len(X) // batch)
    kinds = _schedules(total)

    def mean_run(eta0, make):
        runs = [run_schedule(X, y, eta0, make, epochs, batch, s) for s in seeds]
        return runs[0][0], np.mean([r[1] for r in runs], axis=0) - floor

    const_etas, const_excess = mean_run(0.1, None)
    every = 4  # η(t) drawn every 4th step: the page stays light, the shape stays
    steps_x = list(range(0, total, every))
    epochs_x = list(range(1, epochs + 1))
    data = [
        line(steps_x, rounded(const_etas[::every]), "constant η = 0.1", GREY, dash="dash"),
        line(epochs_x, rounded(const_excess, 3), "constant η = 0.1", GREY, dash="dash",
             xaxis="x2", yaxis="y2", showlegend=False),
        line(steps_x, [], "this schedule", BLUE),                                   # 2
        line(epochs_x, [], "this schedule", BLUE, xaxis="x2", yaxis="y2",
             mode="lines+markers", showlegend=False),                               # 3
    ]
    table, text = [], []
    for name, eta0, settings in kinds:
        for label, make in settings:
            etas, excess = mean_run(eta0, make)
            table.append([{"y": rounded(etas[::every])}, {"y": rounded(excess, 3)}])
            ratio = const_excess[-1] / excess[-1]
            start = "" if name in ("OneCycleLR", "CyclicLR") else f", η₀ = {eta0:g}"
            text.append(f"{name}({label}){start}: excess loss after {epochs} "
                        f"epochs {excess[-1]:.2g}, against {const_excess[-1]:.2g} at "
                        f"constant η = 0.1 ({times(ratio)}; mean of {len(seeds)} seeds).")
    layout = base_layout(
        430,
        xaxis=axis("step t", domain=[0, 0.45], anchor="y"),
        yaxis=axis("η(t)", anchor="x", rangemode="tozero"),
        xaxis2=axis("epoch", domain=[0.58, 1], anchor="y2"),
        yaxis2=axis("excess loss J − J*", type="log", anchor="x2",
                    exponentformat="power"),
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
    )
    narrow = {"height": 640,
              "xaxis": {"domain": [0, 1]}, "yaxis": {"domain": [0.6, 1]},
              "xaxis2": {"domain": [0, 1]}, "yaxis2": {"domain": [0, 0.4]}}
    return {
        "caption": "Mini-batch SGD (batch 20) on a noisy linear regression (200 points, "
                   "5 features), each schedule stepped after every batch. Left: η(t). "
                   "Right: the full-data loss above its least-squares minimum J*, "
                   f"mean of {len(seeds)} seeds. The noise of the mini-batches keeps a "
                   "constant η above J*; shrinking η lowers that floor.",
        "controls": [{"label": "schedule", "values": [k[0] for k in kinds], "initial": 0},
                     {"label": "setting", "values": ["1", "2", "3", "4"], "initial": 1}],
        "data": data, "layout": layout, "narrow": narrow,
        "groups": [{"controls": [0, 1], "traces": [2, 3], "table": table, "text": text}],
    }


# ----------------------------------------------------------------------------- lesson 08

def _digits_trial_data():
    from minigrad.data import load_digits, train_val_test_split
    X, y = load_digits()
    return train_val_test_split(X, y, seed=0)


_SPLITS = None


def digits_trial(lr):
    """Softmax regression on the digits, 2 epochs of SGD; the validation loss."""
    from minigrad.train import fit
    train_data, val_data, _ = _SPLITS
    model = nn.Linear(64, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr),
                      train_data, epochs=2, batch_size=32, seed=0, val_data=val_data)
    if history.diverged:
        return float("nan")
    return float(history.val_loss[-1])


def search():
    """Grid and random search for n trials, and the range test for a smoothing β."""
    global _SPLITS
    from minigrad.lr_search import grid_search, lr_range_test, random_search
    _SPLITS = _digits_trial_data()
    counts = [4, 6, 8, 12]
    low, high = 1e-3, 30.0
    searches = []
    for n in counts:
        grid = grid_search(digits_trial, np.geomspace(low, high, n))
        rand = random_search(digits_trial, low, high, n, seed=0)
        searches.append((grid, rand))
    betas = [0.0, 0.6, 0.9, 0.98]
    train_data = _SPLITS[0]
    batches = [(train_data[0][i:i + 32], train_data[1][i:i + 32])
               for i in range(0, len(train_data[1]) - 31, 32)]
    tests = []
    for beta in betas:
        minigrad.manual_seed(0)
        model = nn.Linear(64, 10)
        tests.append(lr_range_test(model, nn.CrossEntropyLoss(),
                                   optim.SGD(model.parameters(), lr=0.1), batches,
                                   start_lr=1e-4, end_lr=100, num_iter=120, smooth=beta))
    raw = tests[0]
    data = [
        line([], [], "grid search", BLUE, mode="lines+markers"),                     # 0
        line([], [], "random search", ORANGE, mode="markers",
             marker={"size": 8, "symbol": "x", "color": ORANGE}),                    # 1
        line([], [], "best (grid)", BLUE, dash="dot", width=1.5, showlegend=False),  # 2
        line([], [], "best (random)", ORANGE, dash="dot", width=1.5,
             showlegend=False),                                                      # 3
        line(rounded(raw.lrs), rounded(raw.losses), "range test: batch loss", GREY,
             width=1, xaxis="x2", yaxis="y2"),
        line([], [], "smoothed", GREEN, xaxis="x2", yaxis="y2"),                      # 5
        line([], [], "suggested η", RED, dash="dash", width=1.5, xaxis="x2",
             yaxis="y2"),                                                            # 6
    ]
    search_table, search_text = [], []
    for n, (grid, rand) in zip(counts, searches):
        rows = []
        for result in (grid, rand):
            lrs = [r.lr for r in result.results]
            values = [r.value for r in result.results]
            rows.append({"x": rounded(lrs), "y": rounded(values)})
        for result in (grid, rand):
            best = result.best_lr
            rows.append({"x": [best, best] if best else [], "y": [0, 3] if best else []})
        search_table.append(rows)
        search_text.append(
            f"{n} trials each: grid search picks η = {grid.best_lr:.3g} (validation "
            f"loss {grid.best.value:.3f}); random search (log-uniform in [{low:g}, "
            f"{high:g}]) picks η = {rand.best_lr:.3g} ({rand.best.value:.3f}).")
    range_table, range_text = [], []
    for beta, test in zip(betas, tests):
        s = test.suggested_lr
        range_table.append([{"x": rounded(test.lrs), "y": rounded(test.smoothed)},
                            {"x": [s, s] if s else [], "y": [0, 5] if s else []}])
        range_text.append(
            f"Range test, smoothing β = {beta:g}: the smoothed loss falls fastest at "
            f"η = {s:.3g}" if s else f"Range test, β = {beta:g}: no fall found")
    layout = base_layout(
        440,
        xaxis=axis("learning rate η", type="log", domain=[0, 0.45], anchor="y",
                   exponentformat="power"),
        yaxis=axis("validation loss", range=[0, 3], anchor="x"),
        xaxis2=axis("learning rate η (range test)", type="log", domain=[0.58, 1],
                    anchor="y2", exponentformat="power"),
        yaxis2=axis("training loss", range=[0, 5], anchor="x2"),
        legend={"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top"},
    )
    narrow = {"height": 680,
              "xaxis": {"domain": [0, 1]}, "yaxis": {"domain": [0.62, 1]},
              "xaxis2": {"domain": [0, 1]}, "yaxis2": {"domain": [0.1, 0.46]}}
    return {
        "caption": "Softmax regression on the bundled digits, two epochs of SGD per "
                   "trial (a lighter stand-in for the lesson's MLP). Left: the "
                   "validation loss of each trial of a grid search and a random search "
                   "with the same number of trials, and the η each picks (dotted). "
                   "Right: one LR range test (120 mini-batches, η growing from 1e-4 to "
                   "100) and the η it suggests, for several smoothings β.",
        "controls": [{"label": "trials", "values": [str(n) for n in counts], "initial": 1},
                     {"label": "β", "values": [f"{b:g}" for b in betas], "initial": 3}],
        "data": data, "layout": layout, "narrow": narrow,
        "groups": [{"controls": [0], "traces": [0, 1, 2, 3], "table": search_table,
                    "text": search_text},
                   {"controls": [1], "traces": [5, 6], "table": range_table,
                    "text": range_text}],
    }


#: The figures a page can embed with ``.. interactive:: NAME``.
FIGURES = {
    "eta-bowl": eta_bowl,
    "momentum": momentum,
    "schedules": schedules,
    "search": search,
}

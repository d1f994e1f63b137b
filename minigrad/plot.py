"""The few plot helpers the lessons share, so every figure reads the same way.

matplotlib is imported inside each function, so importing minigrad never needs it.
Each helper draws on ``ax`` (a new figure when omitted) and returns the Axes.
"""

from __future__ import annotations

import textwrap

from typing import Callable, Mapping

import numpy as np


def _axes(ax, figsize=(7.3, 4.2)):
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def curves(series: Mapping[str, np.ndarray], ax=None, xlabel: str = "step",
           ylabel: str = "loss", title: str | None = None, logy: bool = False,
           logx: bool = False, x=None):
    """Line plot of several named series against the step (or ``x``).

    Non-finite values (a run that diverged) are not drawn past the last finite one, and
    the legend marks such a run "(diverged)".
    """
    ax = _axes(ax)
    for label, values in series.items():
        values = np.asarray(values, dtype=float)
        finite = np.isfinite(values)
        xs = np.arange(len(values)) if x is None else np.asarray(x)
        if not finite.all():
            label = f"{label} (diverged)"
        ax.plot(xs[finite], values[finite], label=label)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def schedules(lrs: Mapping[str, np.ndarray], ax=None, title: str | None = None,
              logy: bool = False):
    """η(t) for several schedules on one axis."""
    return curves(lrs, ax=ax, xlabel="step t", ylabel="learning rate η", title=title,
                  logy=logy)


def contour_traces(f: Callable, traces: Mapping[str, np.ndarray], ax=None,
                   xlim=(-5.5, 5.5), ylim=(-3, 3), title: str | None = None,
                   levels: int = 20, minimum=(0.0, 0.0)):
    """Contours of a 2-D function with optimizer paths drawn over them.

    ``f`` takes a Tensor of shape (..., 2) — e.g. :func:`minigrad.toy.bowl` — and each
    trace is an array of iterates of shape (T + 1, 2), e.g. from :func:`minigrad.toy.trace`.
    A path that leaves the window (or stops being finite) is cut at its first point outside
    and marked "(diverged)", so a diverging run shows where it went wrong.
    ``minimum`` is marked with a star (``None`` for no star).
    """
    from minigrad.tensor import Tensor

    ax = _axes(ax)
    x1, x2 = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    grid = Tensor(np.stack([x1, x2], axis=-1))
    ax.contour(x1, x2, f(grid).detach().numpy(), levels=levels, colors="0.75", linewidths=0.7)
    for label, path in traces.items():
        shown = _until_outside(np.asarray(path, dtype=float), xlim, ylim)
        if len(shown) < len(path):
            label = f"{label} (diverged)"
        ax.plot(shown[:, 0], shown[:, 1], "-o", markersize=3, label=label)
    if minimum is not None:
        ax.plot(*minimum, "k*", markersize=10)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    if title:
        ax.set_title(title)
    if traces:
        ax.legend(fontsize="small", loc="upper right")
    return ax


def figure_legend(fig, axes, ncols: int = 4):
    """One legend under the figure for panels that draw the same named series.

    Each panel's own legend is removed. A series that one panel marks "(diverged)" keeps
    its plain name in the shared legend, and that panel's title says which diverged.
    """
    shared = {}                                       # plain label -> line, first seen
    for ax in np.ravel(axes):
        diverged = []
        for line, label in zip(*ax.get_legend_handles_labels()):
            plain = label.removesuffix(" (diverged)")
            if plain != label:
                diverged.append(plain)
            shared.setdefault(plain, line)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        if diverged:
            note = textwrap.fill(f"diverged: {', '.join(diverged)}", width=40)
            ax.set_title(f"{ax.get_title()}\n{note}")
    return fig.legend(list(shared.values()), list(shared), loc="outside lower center",
                      ncols=ncols, fontsize="small")


def _until_outside(path: np.ndarray, xlim, ylim) -> np.ndarray:
    """The iterates up to the first one far outside the window (kept, if finite)."""
    box = np.array([max(map(abs, xlim)), max(map(abs, ylim))])
    finite = np.all(np.isfinite(path), axis=1)
    far = np.any(np.abs(np.where(np.isfinite(path), path, 0)) > 2 * box, axis=1)
    if finite.all() and not far.any():
        return path
    first = int(np.argmax(~finite | far))
    return path[:first + 1] if finite[first] else path[:first]


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int, ax=None,
                     title: str | None = None):
    """Counts of (true class, predicted class), with the numbers written in the cells."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    ax = _axes(ax, figsize=(5, 4.5))
    ax.imshow(counts, cmap="Blues")
    for i in range(n_classes):
        for j in range(n_classes):
            if counts[i, j]:
                ax.text(j, i, counts[i, j], ha="center", va="center", fontsize=9,
                        color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set_xticks(range(n_classes))
    ax.set_yticks(range(n_classes))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title)
    return ax


#: The Chinese font's family name in the PyPI package ``mpl-font`` (Noto Sans CJK SC,
#: SIL Open Font License), which ``pip install minigrad[zh]`` (and ``[docs]``) installs.
CJK_FONT = "Noto Sans CJK SC"


def cjk_font_file():
    """Path of the Noto Sans CJK SC font that the ``mpl-font`` package carries.

    Found without importing ``mpl_font`` (whose import changes matplotlib's settings).
    Raises ``ModuleNotFoundError`` naming the package to install when it is missing.
    """
    import importlib.util
    from pathlib import Path
    spec = importlib.util.find_spec("mpl_font")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "Chinese labels need the font package mpl-font: pip install 'minigrad[zh]'",
            name="mpl_font")
    package = Path(next(iter(spec.submodule_search_locations)))
    return package / "fonts" / "noto" / "NotoSansCJKsc-Regular.otf"


def use_cjk_font() -> None:
    """Let matplotlib draw Chinese: Noto Sans CJK SC as the fallback of the usual font.

    ``font.family`` becomes ``["sans-serif", "Noto Sans CJK SC"]`` (the families as
    before, then Noto); matplotlib (3.6 and newer) takes each glyph from the first family
    that has it, so Latin text is drawn exactly as before and only CJK characters come
    from Noto::

        >>> from minigrad.plot import use_cjk_font
        >>> use_cjk_font()
        >>> plt.title("学习率 η = 0.1")        # no "Glyph missing" warning, no boxes
    """
    import matplotlib
    from matplotlib import font_manager
    regular = cjk_font_file()
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in (regular, regular.with_name("NotoSansCJKsc-Bold.otf")):  # bold titles
        if str(path) not in known and path.exists():
            font_manager.fontManager.addfont(str(path))
    families = [name for name in matplotlib.rcParams["font.family"] if name != CJK_FONT]
    matplotlib.rcParams["font.family"] = families + [CJK_FONT]

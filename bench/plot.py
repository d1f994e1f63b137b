"""Draw the training-step table: ms per step (left) and the ratio to numpy (right)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

COLORS = {"minigrad": "#d62728", "numpy": "#7f7f7f", "torch": "#ee8a1a",
          "autograd": "#1f77b4", "mygrad": "#2ca02c", "minigrad-tensors": "#9467bd"}
NAMES = {"minigrad": "minigrad", "numpy": "numpy by hand (floor)", "torch": "PyTorch eager",
         "autograd": "HIPS autograd", "mygrad": "MyGrad",
         "minigrad-tensors": "minigrad, raw tensors"}


def ratios(report: dict, path: str) -> None:
    """Grouped bars per batch size; minigrad's goal (dashes) and bound (dots) drawn over
    its bar, from ``report["targets"]`` (``{"goal": {batch: ratio}, "bound": …}``)."""
    goal, bound = ({int(b): r for b, r in report["targets"][kind].items()}
                   for kind in ("goal", "bound"))
    step = report["step"]
    batches = list(step)
    names = list(step[batches[0]])
    x = np.arange(len(batches))
    width = 0.8 / len(names)

    fig, (ax_ms, ax_ratio) = plt.subplots(2, 1, figsize=(8, 8.4))   # stacked: readable on a page
    for i, name in enumerate(names):
        offset = (i - (len(names) - 1) / 2) * width
        ms = [step[b][name]["ms"] for b in batches]
        ratio = [step[b][name]["ratio"] for b in batches]
        kwargs = dict(width=width, color=COLORS.get(name), label=NAMES.get(name, name))
        ax_ms.bar(x + offset, ms, **kwargs)
        bars = ax_ratio.bar(x + offset, ratio, **kwargs)
        for bar, value, b in zip(bars, ratio, batches):
            top = max(value, bound[int(b)]) if name == "minigrad" else value  # clear the lines
            ax_ratio.annotate(f"{value:.2f}", (bar.get_x() + bar.get_width() / 2, top),
                              ha="center", va="bottom", fontsize=7, xytext=(0, 2),
                              textcoords="offset points")
    m = names.index("minigrad")
    for j, b in enumerate(batches):
        centre = x[j] + (m - (len(names) - 1) / 2) * width
        for limits, style, label in ((goal, "--", "minigrad's goal"),
                                     (bound, ":", "minigrad's bound")):
            ax_ratio.hlines(limits[int(b)], centre - width * 0.5, centre + width * 0.5,
                            colors="black", linestyles=style, linewidth=1.2,
                            label=label if j == 0 else None)
    ax_ratio.axhline(1.0, color="#7f7f7f", linewidth=0.8)

    for ax in (ax_ms, ax_ratio):
        ax.set_xticks(x, [f"batch {b}" for b in batches])
        ax.spines[["top", "right"]].set_visible(False)
    ax_ms.set_yscale("log")
    ax_ms.set_ylabel("ms per training step (log scale)")
    ax_ms.set_title("Time per step, MLP 784-128-64-10, float32")
    ax_ratio.set_ylabel("time ÷ numpy by hand (lower is better)")
    ax_ratio.set_title("Ratio to the numpy floor, measured side by side")
    ax_ratio.legend(fontsize=8, frameon=False, loc="upper right")

    info = report["machine"]
    fig.text(0.01, 0.01,
             f"{_without_paths(report['command'])}  ·  {info['cpu']}, {info['cpus']} CPUs, one thread\n"
             f"numpy {info['numpy']}, torch {info['torch']}, autograd {info['autograd']}, "
             f"mygrad {info['mygrad']}  ·  median of {report['repeats']} interleaved samples",
             fontsize=7, color="#555555")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _without_paths(command: str) -> str:
    """The command as typed, less the output paths (a figure names no file of one machine)."""
    return re.sub(r"\s--(json|plot)(=|\s+)\S+", "", command)

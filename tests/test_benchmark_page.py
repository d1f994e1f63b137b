"""The speed figures quoted in the README and on the benchmark page are those of the run
recorded in ``docs/_static/benchmark.json`` (``python bench/run.py --clock cpu --json …``).

Speed is never asserted by a timed test; what is checked here is that the prose quotes
the recorded run and nothing else, so a new run means updating the JSON and the prose
together.
"""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
RUN = json.loads((ROOT / "docs" / "_static" / "benchmark.json").read_text())
PAGE = (ROOT / "docs" / "benchmark.rst").read_text()
README = (ROOT / "README.md").read_text()
LABELS = {"minigrad": "minigrad (nn + optim)", "numpy": "numpy by hand (floor)",
          "torch": "PyTorch eager", "autograd": "HIPS autograd", "mygrad": "MyGrad"}


def _step_cells(name: str) -> list:
    """ms (3 decimals) and ratio (2 decimals) at each batch size, as the tables print."""
    cells = []
    for batch in ("16", "128", "1024"):
        result = RUN["step"][batch][name]
        cells += [f"{result['ms']:.3f}", f"{result['ratio']:.2f}"]
    return cells


def _figures_after(line: str, label: str):
    """The six figures of ``label``'s table row (Markdown or RST), or None."""
    line = line.strip("| ")
    if not line.startswith(label):
        return None
    cells = line[len(label):].replace("|", " ").replace("×", " ").split()
    if len(cells) != 6 or not all(re.fullmatch(r"[0-9]+\.[0-9]+", c) for c in cells):
        return None
    return cells


def _row(text: str, label: str) -> list:
    rows = [cells for line in text.splitlines()
            if (cells := _figures_after(line, label)) is not None]
    assert len(rows) == 1, f"one table row for {label!r}, found {rows}"
    return rows[0]


@pytest.mark.parametrize("name", LABELS)
@pytest.mark.parametrize("where", ["benchmark page", "README"])
def test_step_table_rows_are_the_recorded_run(name, where):
    figures = _row(PAGE if where == "benchmark page" else README, LABELS[name])
    assert figures == _step_cells(name)


def test_the_chain_figures_are_the_recorded_run():
    chain = RUN["chain"]
    ours, torch = chain["minigrad"], chain["PyTorch eager"]
    for figure in (f"{ours['build_ms']:.0f} ms", f"{torch['build_ms']:.0f} ms",
                   f"{ours['backward_ms']:.0f} ms", f"{torch['backward_ms']:.0f} ms",
                   f"{ours['build_ratio_to_torch']:.2f}×",
                   f"{ours['backward_ratio_to_torch']:.2f}×"):
        assert figure in PAGE, figure


def test_the_tiny_op_and_memory_figures_are_the_recorded_run():
    tiny = RUN["tiny_op"]
    for figure in (tiny["minigrad"]["forward"], tiny["numpy (no graph)"]["forward"],
                   tiny["PyTorch eager"]["forward"], tiny["minigrad"]["forward+backward"],
                   tiny["PyTorch eager"]["forward+backward"]):
        assert f"{figure:.1f} µs" in PAGE, figure
    memory = RUN["memory"]["minigrad"]
    assert RUN["memory"]["verdict"] == "no growth"
    assert f"{memory['peak_mb'][1]:.2f} MB" in PAGE
    assert f"{memory['in_use_mb'][1]:.2f} MB" in PAGE
    scalar = RUN["scalar"]
    assert f"{scalar['big_nodes_batch_1']:,} nodes" in PAGE
    assert f"about {scalar['estimated_seconds_784_128_64_10_batch_16']:.0f} s" in PAGE


def test_the_recorded_run_is_the_full_benchmark_on_one_thread():
    assert RUN["command"].split()[:3] == ["python", "bench/run.py", "--clock"]
    assert "--quick" not in RUN["command"] and RUN["repeats"] >= 30
    assert RUN["machine"]["blas_threads"] in (1, "1")

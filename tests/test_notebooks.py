"""The downloadable lesson notebooks are whole, and they run.

Every ``.ipynb`` the built site offers for download (``docs/_build/html/_downloads``)
is checked: no Markdown cell still holds reST (a directive such as ``..
literalinclude::`` or a role such as ``:class:`...```), the source the page shows
with ``literalinclude`` is in the notebook as code, and the notebook executes from
top to bottom in a real Jupyter kernel (nbclient + ipykernel, the ``test`` extra), with
``MINIGRAD_FAST=1`` so that each lesson's training is shortened as in CI.

Without a built site every test here is skipped (``make docs`` builds it).
"""

import json
import os
import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
LESSON_NAME = re.compile(r"^\d\d[a-z]?_\w+\.ipynb$")

if not (SITE / "index.html").is_file():
    pytest.skip("docs not built (no docs/_build/html/index.html)", allow_module_level=True)

NOTEBOOKS = sorted((p for p in (SITE / "_downloads").rglob("*.ipynb")
                    if LESSON_NAME.match(p.name)), key=lambda p: p.name)
DIRECTIVE = re.compile(r"^\s*\.\. [\w:-]+::", re.M)
ROLE = re.compile(r":(?:[a-z]+:)?[a-z][a-z-]*:`[^`]+`")


def cells(path, kind):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == kind:
            source = cell["source"]
            yield "".join(source) if isinstance(source, list) else source


def test_every_lesson_has_a_notebook():
    lessons = sorted(p.stem for p in (ROOT / "lessons").glob("*.py")
                     if LESSON_NAME.match(p.stem + ".ipynb"))
    assert sorted(p.stem for p in NOTEBOOKS) == lessons


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_rest_left_in_markdown(path):
    bad = []
    for text in cells(path, "markdown"):
        text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)  # code is code
        bad += DIRECTIVE.findall(text) + ROLE.findall(text)
    assert not bad, f"{path.name}: reST left in Markdown cells: {bad[:10]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_literalinclude_is_code(path):
    """Each ``.. literalinclude::`` of the lesson is a ```python block holding lines of
    minigrad's source."""
    script = (ROOT / "lessons" / f"{path.stem}.py").read_text(encoding="utf-8")
    wanted = len(re.findall(r"^# \.\. literalinclude::", script, re.M))
    blocks = [b for text in cells(path, "markdown")
              for b in re.findall(r"```python\n(.*?)```", text, re.S)]
    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in (ROOT / "minigrad").rglob("*.py"))
    real = [b for b in blocks if b.strip()
            and all(line.strip() in source for line in b.strip().splitlines()[:3])]
    assert len(real) >= wanted, (f"{path.name}: {wanted} literalinclude directives, "
                                 f"{len(real)} code blocks with minigrad's source")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_jupyter_kernel(path, tmp_path, monkeypatch):
    nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[test]'")
    nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[test]'")
    pytest.importorskip("ipykernel", reason="pip install -e '.[test]'")
    monkeypatch.setenv("MINIGRAD_FAST", "1")          # the lessons' CI mode
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(variable, "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    start = time.perf_counter()
    client.execute()
    print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s")
    errors = [o for c in notebook.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors

"""minigrad.exercises: every solution runs and checks its numbers; the task checker
passes the reference solutions and names what is wrong in broken ones."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from minigrad import exercises

ROOT = Path(__file__).resolve().parents[1]
LESSON_IDS = sorted(re.match(r"(\d\d[a-z]?)_", p.name).group(1)
                    for p in (ROOT / "lessons").glob("[0-9][0-9]*_*.py"))
ALL = list(exercises._registry().values())


def test_every_lesson_has_two_to_four_exercises():
    # (exercises may be ready for a lesson that another branch is still bringing in)
    assert set(LESSON_IDS) <= set(exercises.lessons())
    for lesson in exercises.lessons():
        assert 2 <= len(exercises.for_lesson(lesson)) <= 4, lesson
    for engine_lesson in ("00a", "00b", "00c"):
        assert any(ex.is_task for ex in exercises.for_lesson(engine_lesson))


def test_every_lesson_page_shows_its_exercises():
    for path in (ROOT / "lessons").glob("[0-9][0-9]*_*.py"):
        lesson = re.match(r"(\d\d[a-z]?)_", path.name).group(1)
        assert f"# .. exercises:: {lesson}" in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("ex", ALL, ids=[ex.name for ex in ALL])
def test_solution_runs_and_checks_its_answer(ex):
    assert ex.question and ex.hint and ex.answer and ex.title
    ex.run_solution()


def test_lookup_errors_name_the_choices():
    with pytest.raises(KeyError, match="central-difference"):
        exercises.get("no-such-exercise")
    with pytest.raises(KeyError, match="00a"):
        exercises.for_lesson("99")
    assert exercises.for_lesson(4) == exercises.for_lesson("04_momentum")


# ----------------------------------------------------------------- the task checker
BROKEN = {
    "central-difference": [
        ("def central_difference(f, x, eps=1e-6):\n    return (f(x + eps) - f(x)) / eps",
         "forward difference"),
        ("def central_difference(f, x, eps=1e-6):\n"
         "    return (f(x + eps) - f(x - eps)) / eps", "Divide by 2ε"),
    ],
    "topological-order": [
        ("def topological_order(root):\n    order = []\n    def visit(n):\n"
         "        for p in n._parents:\n            visit(p)\n        order.append(n)\n"
         "    visit(root)\n    return order", "appears 2 times"),
        ("def topological_order(root):\n    order, seen = [], set()\n    def visit(n):\n"
         "        if id(n) in seen:\n            return\n        seen.add(id(n))\n"
         "        for p in n._parents:\n            visit(p)\n        order.append(n)\n"
         "    visit(root)\n    return order", "recursion limit"),
        ("def topological_order(root):\n    order, seen, stack = [], set(), [root]\n"
         "    while stack:\n        n = stack.pop()\n        if id(n) not in seen:\n"
         "            seen.add(id(n))\n            order.append(n)\n"
         "            stack.extend(n._parents)\n    return order",
         "comes before its input"),
    ],
    "unbroadcast": [
        ("def unbroadcast(grad, shape):\n    while grad.ndim > len(shape):\n"
         "        grad = grad.mean(axis=0)\n    return grad", "you averaged"),
        ("def unbroadcast(grad, shape):\n    added = grad.ndim - len(shape)\n"
         "    return grad.sum(axis=tuple(range(added)))", "expected (3, 1)"),
    ],
    "matmul-backward": [
        ("def matmul_backward(a, b, grad):\n    return grad @ b, a.T @ grad",
         "your grad_a is G B"),
        ("def matmul_backward(a, b, grad):\n    return (grad @ b.T).T, a.T @ grad",
         "has shape (3, 2)"),
    ],
    "adam-step": [
        ("import numpy as np\n"
         "def adam_step(theta, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):\n"
         "    m = betas[0] * m + (1 - betas[0]) * grad\n"
         "    v = betas[1] * v + (1 - betas[1]) * grad ** 2\n"
         "    return theta - lr * m / (np.sqrt(v) + eps), m, v", "bias correction"),
        ("import numpy as np\n"
         "def adam_step(theta, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):\n"
         "    m = betas[0] * m + (1 - betas[0]) * grad\n"
         "    v = betas[1] * v + (1 - betas[1]) * grad ** 2\n"
         "    m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)\n"
         "    return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v", "outside"),
        ("import numpy as np\n"
         "def adam_step(theta, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):\n"
         "    m = betas[0] * m + (1 - betas[0]) * grad\n"
         "    v = betas[1] * v + (1 - betas[1]) * grad ** 2\n"
         "    m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)\n"
         "    return theta + lr * m_hat / (np.sqrt(v_hat) + eps), m, v", "uphill"),
    ],
}


def test_every_task_has_broken_versions_to_catch():
    assert set(BROKEN) == {ex.name for ex in ALL if ex.is_task}


@pytest.mark.parametrize("name,source,message",
                         [(n, s, m) for n, cases in BROKEN.items() for s, m in cases])
def test_checker_names_the_mistake(tmp_path, name, source, message):
    path = tmp_path / "mine.py"
    path.write_text(source + "\n")
    failures = exercises.check_file(name, path)
    assert failures and any(message in f for f in failures), failures


def test_command_line_template_check_and_list(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "minigrad.exercises", *args],
                              capture_output=True, text=True, cwd=tmp_path)

    template = run("template", "unbroadcast")
    assert template.returncode == 0 and "def unbroadcast(grad, shape):" in template.stdout
    (tmp_path / "mine.py").write_text(template.stdout)
    result = run("check", "unbroadcast", "mine.py")
    assert result.returncode == 1 and "not written yet" in result.stdout

    reference = exercises.solution_source(exercises.get("unbroadcast"))
    (tmp_path / "mine.py").write_text(reference)
    result = run("check", "unbroadcast", "mine.py")
    assert result.returncode == 0 and "all 6 checks pass" in result.stdout

    (tmp_path / "other.py").write_text("def something_else():\n    pass\n")
    result = run("check", "unbroadcast", "other.py")
    assert result.returncode == 1 and "defines no function 'unbroadcast'" in result.stdout

    listing = run("list", "00b")
    assert "topological-order" in listing.stdout and "implement" in listing.stdout
    assert run("check", "bowl-best-fixed-eta", "mine.py").returncode == 2   # a question
    assert "Hint" in run("show", "dampening").stdout


# ----------------------------------------------------------------- rendering
ROLE_OR_DIRECTIVE = re.compile(r":(class|func|meth|mod|lesson|math|doc|eq):`|^\.\. \w+::",
                               re.M)


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_markdown_for_notebooks_has_no_rest_left(lesson):
    text = exercises.as_markdown(lesson)
    prose = re.sub(r"```.*?```", "", text, flags=re.S)     # code blocks are code
    assert not ROLE_OR_DIRECTIVE.search(prose), ROLE_OR_DIRECTIVE.search(prose)
    assert not re.search(r"``", prose)                      # no reST inline literal
    n = len(exercises.for_lesson(lesson))
    assert text.count("<details><summary>Hint</summary>") == n
    assert text.count("<details><summary>Solution</summary>") == n
    assert text.count("```python") >= n


def test_rst_folds_hint_and_solution():
    text = exercises.as_rst("00b")
    assert text.count('<details class="exercise-hint">') == 3
    assert text.count('<details class="exercise-solution">') == 3
    assert text.count("</details>") == 6
    assert ".. code-block:: python" in text and "def topological_order(root):" in text
    assert "python -m minigrad.exercises check topological-order mine.py" in text


def test_markdown_conversion_of_inline_rest():
    md = exercises._rst_to_markdown(
        "Use :func:`minigrad.gradcheck` and :class:`~minigrad.optim.SGD` with "
        "``lr=0.1``, see :lesson:`the next lesson <00b>`::\n\n    x = 1\n\nDone.")
    assert md == ("Use `minigrad.gradcheck` and `minigrad.optim.SGD` with `lr=0.1`, see "
                  "the next lesson:\n```python\nx = 1\n```\n\nDone.")

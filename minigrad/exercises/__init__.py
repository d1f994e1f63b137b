"""Exercises for every lesson, each with a hint and a worked solution that the tests run.

Every lesson ends with a few exercises. Each one is an :class:`Exercise`: the question,
a hint, a worked solution (real code) and a short answer in words. The solution is a
function the test suite calls; its ``assert`` lines check every number the answer quotes,
so the answers cannot drift from what the code computes.

Some exercises ask you to *write* a piece of the engine or of an optimizer — a
topological sort, ``unbroadcast``, the gradient of a matrix product. These are *tasks*:
write the function in a file of your own and let the checker tell you what is wrong, as
MiniTorch's task tests do::

    python -m minigrad.exercises list                   # every exercise, by lesson
    python -m minigrad.exercises template topological-order > my_topo.py
    python -m minigrad.exercises check topological-order my_topo.py
    python -m minigrad.exercises show topological-order # question, hint, solution

The site renders a lesson's exercises with ``.. exercises:: 04`` (hint and solution
folded away); :func:`as_markdown` gives the same for a notebook.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import textwrap
import traceback
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Exercise", "CheckFailed", "exercise", "get", "for_lesson", "lessons",
           "check_function", "check_file", "template", "as_markdown", "as_rst",
           "solution_source"]


class CheckFailed(AssertionError):
    """Raised by a task's check with a message that says what is wrong and how to fix it."""


@dataclass
class Exercise:
    """One exercise of one lesson.

    Attributes
    ----------
    lesson : str
        The lesson it belongs to: ``"00a"``, ``"04"``, …
    name : str
        A short unique name (``"topological-order"``): what ``check`` and ``show`` take.
    title : str
        One line.
    question, hint, answer : str
        reStructuredText (a small subset: paragraphs, ``$…$`` math, ````code````,
        ``:class:``/``:func:`` roles, bullet lists). ``answer`` follows the solution code.
    solution : callable
        For a question: a function of no arguments that works the answer out, asserts
        the numbers ``answer`` quotes and returns them. For a task: the reference
        implementation of the function the learner writes.
    checks : list of callable
        Only for tasks: each takes the learner's function and raises
        :class:`CheckFailed` (or any error) when it is wrong.
    helpers : list of callable
        Functions the solution calls, shown above it so the solution reads complete.
    """

    lesson: str
    name: str
    title: str
    question: str
    hint: str
    answer: str
    solution: Callable = None
    checks: list = field(default_factory=list)
    helpers: list = field(default_factory=list)

    @property
    def is_task(self) -> bool:
        """True when the learner writes a function that the checker tests."""
        return bool(self.checks)

    @property
    def function_name(self) -> str:
        """For a task, the name of the function to write (the reference's name)."""
        return self.solution.__name__

    def run_solution(self):
        """Run the worked solution: for a task, check the reference implementation."""
        if self.is_task:
            failures = check_function(self.name, self.solution)
            if failures:
                raise AssertionError(f"the reference solution of {self.name!r} fails its "
                                     f"own checks: {failures}")
            return None
        return self.solution()


_REGISTRY: dict = {}


def exercise(lesson: str, name: str, title: str, question: str, hint: str, answer: str,
             checks=(), helpers=()) -> Callable:
    """Decorator registering the function below it as the solution of a new exercise."""
    def register(solution):
        if name in _REGISTRY:
            raise ValueError(f"two exercises are named {name!r}")
        _REGISTRY[name] = Exercise(lesson, name, title, _clean(question), _clean(hint),
                                   _clean(answer), solution, list(checks), list(helpers))
        return solution
    return register


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _load_all() -> None:
    """Import every ``lesson_*`` module of this package (each registers its exercises)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("lesson_"):
            importlib.import_module(f"{__name__}.{module.name}")


_loaded = False


def _registry() -> dict:
    """Every exercise by name (the lesson modules are imported the first time)."""
    global _loaded
    if not _loaded:
        _load_all()
        _loaded = True
    return _REGISTRY


def lessons() -> list:
    """The lesson ids that have exercises, in order (``["00a", "00b", …, "10"]``)."""
    return sorted({ex.lesson for ex in _registry().values()})


def for_lesson(lesson_id) -> list:
    """The exercises of one lesson, in the order they were written.

    ``lesson_id`` is the number at the start of the lesson's file name (``"04"``, or
    ``4``; ``"00b"``).
    """
    lesson_id = _lesson_id(lesson_id)
    found = [ex for ex in _registry().values() if ex.lesson == lesson_id]
    if not found:
        raise KeyError(f"no exercises for lesson {lesson_id!r}; lessons with exercises: "
                       f"{', '.join(lessons())}")
    return found


def _lesson_id(lesson_id) -> str:
    if isinstance(lesson_id, int):
        return f"{lesson_id:02d}"
    lesson_id = str(lesson_id).strip()
    match = re.match(r"(\d\d[a-z]?)(_|$)", lesson_id)
    return match.group(1) if match else lesson_id


def get(name: str) -> Exercise:
    """The exercise called ``name``; a KeyError lists the names there are."""
    registry = _registry()
    if name not in registry:
        raise KeyError(f"no exercise named {name!r}; there are: {', '.join(registry)}")
    return registry[name]


# --------------------------------------------------------------------------- checking
def check_function(name: str, function: Callable) -> list:
    """Run task ``name``'s checks on ``function``; the list of what is wrong (empty: ok)."""
    ex = get(name)
    if not ex.is_task:
        raise ValueError(f"exercise {name!r} is a question, not a task to implement; "
                         f"tasks: {', '.join(n for n, e in _registry().items() if e.is_task)}")
    failures = []
    for check in ex.checks:
        try:
            check(function)
        except NotImplementedError:
            return [f"{ex.function_name} is not written yet: replace the line "
                    "'raise NotImplementedError' with your code"]
        except CheckFailed as failure:
            failures.append(str(failure))
        except RecursionError:
            failures.append(f"{check.__doc__.strip()}: your function hit Python's recursion "
                            "limit — keep the nodes still to visit on a list (a stack) "
                            "instead of calling the function recursively")
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            where = traceback.extract_tb(error.__traceback__)[-1]
            failures.append(f"{check.__doc__.strip()}: your function raised "
                            f"{type(error).__name__}: {error} (line {where.lineno}: "
                            f"{where.line})")
    return failures


def check_file(name: str, path: str) -> list:
    """Load ``path`` (your own Python file), find the task's function, run its checks."""
    import runpy
    ex = get(name)
    if not ex.is_task:
        raise ValueError(f"exercise {name!r} is a question, not a task to implement")
    namespace = runpy.run_path(str(path), run_name="exercise")
    if ex.function_name not in namespace:
        defined = sorted(k for k, v in namespace.items() if callable(v) and
                         not k.startswith("_"))
        return [f"{path} defines no function {ex.function_name!r} "
                f"(it defines: {', '.join(defined) or 'nothing callable'})"]
    return check_function(name, namespace[ex.function_name])


def template(name: str) -> str:
    """A starting file for task ``name``: the signature and docstring, no body."""
    ex = get(name)
    if not ex.is_task:
        raise ValueError(f"exercise {name!r} is a question, not a task")
    doc = textwrap.indent(inspect.cleandoc(ex.solution.__doc__ or ""), "    ")
    needs_numpy = "np." in inspect.getsource(ex.solution)
    return (f"# Exercise {ex.name} (lesson {ex.lesson}): {ex.title}\n"
            f"# Check it with:  python -m minigrad.exercises check {ex.name} THIS_FILE.py\n\n"
            + ("import numpy as np\n\n\n" if needs_numpy else "")
            + f"def {ex.function_name}{inspect.signature(ex.solution)}:\n"
            + f'    """{doc.lstrip()}\n    """\n'
            + '    raise NotImplementedError("your code here")\n')


# --------------------------------------------------------------------------- rendering
def solution_source(ex: Exercise) -> str:
    """The worked solution's code as shown on the page: its helpers, then the solution
    (the decorator left out)."""
    parts = []
    for function in [*ex.helpers, ex.solution]:
        source = textwrap.dedent(inspect.getsource(function))
        parts.append(source[source.index("def "):].rstrip() + "\n")
    return "\n\n".join(parts)


def as_rst(lesson_id) -> str:
    """reStructuredText for the lesson's exercises: hint and solution in ``<details>``.

    This is what the ``.. exercises::`` directive of the docs inserts into the page.
    """
    parts = []
    for number, ex in enumerate(for_lesson(lesson_id), start=1):
        kind = "implement" if ex.is_task else "question"
        parts.append(f"**Exercise {number} ({kind}): {ex.title}**\n\n{ex.question}\n")
        if ex.is_task:
            parts.append(f"Write it in a file and check it::\n\n"
                         f"    python -m minigrad.exercises template {ex.name} > mine.py\n"
                         f"    python -m minigrad.exercises check {ex.name} mine.py\n")
        parts.append(_folded("Hint", ex.hint))
        code = textwrap.indent(solution_source(ex), "   ")
        parts.append(_folded("Solution", f".. code-block:: python\n\n{code}\n{ex.answer}"))
    return "\n".join(parts)


def _folded(summary: str, body: str) -> str:
    return (f".. raw:: html\n\n   <details class=\"exercise-{summary.lower()}\">"
            f"<summary>{summary}</summary>\n\n{body}\n\n.. raw:: html\n\n   </details>\n")


_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|obj|exc):"
                   r"`~?([^`<]*?)(?:\s*<([^>]*)>)?`")
_LESSON_ROLE = re.compile(r":lesson:`(?:([^`<]*?)\s*<)?(\d\d[a-z]?)>?`")
_MATH_ROLE = re.compile(r":math:`([^`]*)`")


def _rst_inline_to_markdown(text: str) -> str:
    """The few reST inline forms the exercises use, as Markdown (for notebooks)."""
    text = _ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    text = _LESSON_ROLE.sub(lambda m: m.group(1) or f"lesson {m.group(2)}", text)
    text = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def _rst_to_markdown(text: str) -> str:
    """reST paragraphs, bullet lists and ``::`` literal blocks as Markdown."""
    out, in_code = [], False

    def close_code():
        while out and not out[-1].strip():       # blank lines before the fence go
            out.pop()
        out.extend(["```", ""])

    for line in text.split("\n"):
        if in_code:
            if line.strip() and not line.startswith("    "):
                close_code()
                in_code = False
            else:
                if line.strip() or out[-1] != "```python":   # no blank first line
                    out.append(line[4:])
                continue
        if line.rstrip().endswith("::"):
            stripped = line.rstrip()[:-1]          # "text::" reads "text:"
            if stripped.strip(": "):
                out.append(_rst_inline_to_markdown(stripped))
            out.append("```python")
            in_code = True
            continue
        out.append(_rst_inline_to_markdown(line))
    if in_code:
        close_code()
    return "\n".join(out).strip("\n")


def as_markdown(lesson_id) -> str:
    """The lesson's exercises as one Markdown cell for a notebook (``<details>`` folds)."""
    parts = []
    for number, ex in enumerate(for_lesson(lesson_id), start=1):
        kind = "implement" if ex.is_task else "question"
        parts.append(f"**Exercise {number} ({kind}): {ex.title}**\n\n"
                     f"{_rst_to_markdown(ex.question)}\n")
        if ex.is_task:
            parts.append(f"Write it in a file and check it:\n\n```\n"
                         f"python -m minigrad.exercises template {ex.name} > mine.py\n"
                         f"python -m minigrad.exercises check {ex.name} mine.py\n```\n")
        parts.append(f"<details><summary>Hint</summary>\n\n{_rst_to_markdown(ex.hint)}"
                     f"\n\n</details>\n")
        parts.append(f"<details><summary>Solution</summary>\n\n```python\n"
                     f"{solution_source(ex)}```\n\n{_rst_to_markdown(ex.answer)}"
                     f"\n\n</details>\n")
    return "\n".join(parts)

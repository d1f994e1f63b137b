"""``.. exercises:: 04`` — a lesson's exercises, with hint and solution folded away.

The exercises live in :mod:`minigrad.exercises` (question, hint, worked solution that
the tests run, answer); this directive inserts :func:`minigrad.exercises.as_rst` for the
given lesson into the page. Hints and solutions are HTML ``<details>`` blocks, closed
until the reader opens them. Register it in ``conf.py`` by adding ``"exercises"`` to
``extensions`` (``docs/_ext`` is on ``sys.path``).
"""

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList

try:  # the site's own $…$ → :math: conversion, so exercise text reads like lesson text
    from minigrad_docs import dollars_to_math_roles
except ImportError:  # pragma: no cover - used outside this site
    def dollars_to_math_roles(text):
        return text


class Exercises(Directive):
    """Insert the exercises of the lesson given as the argument (``00a``, ``04``, …)."""

    required_arguments = 1
    has_content = False

    def run(self):
        from minigrad import exercises
        lesson = self.arguments[0]
        try:
            text = exercises.as_rst(lesson)
        except KeyError as error:
            raise self.error(f"exercises:: {lesson}: {error.args[0]}") from None
        container = nodes.container(classes=["minigrad-exercises"])
        source = self.state_machine.get_source(self.lineno)
        lines = StringList(dollars_to_math_roles(text).split("\n"), source=source)
        self.state.nested_parse(lines, self.content_offset, container)
        return [container]


def setup(app):
    app.add_directive("exercises", Exercises)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

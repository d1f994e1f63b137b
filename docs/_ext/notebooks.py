"""Make the downloadable lesson notebooks as complete as the lesson pages.

sphinx-gallery turns each lesson's text into Markdown cells but leaves Sphinx's own
markup as raw text: ``.. literalinclude::`` (where the page shows minigrad's source),
roles such as ``:class:`minigrad.optim.SGD``` or ``:lesson:`03```, and the site's
directives. After sphinx-gallery has written the notebooks (``builder-inited``), each
Markdown cell is rewritten here:

* ``.. literalinclude:: FILE`` with its options → a ```` ```python ```` block holding the
  same lines the page shows (read by Sphinx's own ``LiteralIncludeReader``);
* ``.. math::`` options (``:label:``) dropped; ``.. note::``-like blocks → a quote;
* ``.. interactive:: NAME`` → a sentence pointing to the web page's interactive figure;
* ``.. exercises:: NN`` → ``minigrad.exercises.as_markdown("NN")`` when that exists;
* roles → readable Markdown: ``:class:`~minigrad.optim.SGD``` → ```SGD```,
  ``:doc:`theory/optimizers``` → *theory/optimizers* (on the site), ``:eq:`label``` →
  "Eq. (label)", ``:lesson:`03``` → "lesson 03 (its title)".

Each build converts again from the notebook as sphinx-gallery wrote it (kept as
``auto_lessons/NN_name.ipynb.orig``), so the included source follows minigrad's.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Any Sphinx/docutils role left in Markdown, e.g. ``:py:class:`x```, ``:lesson:`03```.
ROLE = re.compile(r":(?:[a-z]+:)?([a-z][a-z-]*):`([^`]+)`")
#: A directive line, e.g. ``.. literalinclude:: path``.
DIRECTIVE = re.compile(r"^([ \t]*)\.\. ([\w:-]+)::[ \t]*(.*)$", re.M)
OPTION = re.compile(r"^[ \t]+:([\w-]+):[ \t]*(.*)$")

ADMONITIONS = {"note", "warning", "tip", "important", "hint", "attention", "caution",
               "danger", "error", "seealso", "admonition"}


def lesson_title(number: str, lessons_dir: Path) -> str:
    found = sorted(lessons_dir.glob(f"{number}_*.py"))
    if not found:
        return f"lesson {number}"
    text = found[0].read_text(encoding="utf-8")
    match = re.search(r'"""\s*\n(.+)\n=+', text)
    return f"lesson {number} ({match.group(1).strip()})" if match else f"lesson {number}"


def role_to_markdown(match, lessons_dir: Path) -> str:
    role, content = match.group(1), match.group(2).strip()
    title, target = None, content
    explicit = re.match(r"^(.*?)\s*<([^<>]+)>$", content, re.S)
    if explicit:
        title, target = explicit.group(1), explicit.group(2)
    if role in ("class", "func", "meth", "mod", "attr", "obj", "data", "exc"):
        if title:
            return title
        if target.startswith("~"):
            target = target[1:].rsplit(".", 1)[-1]
        return f"`{target}{'()' if role in ('func', 'meth') else ''}`"
    if role == "math":
        return f"${content}$"
    if role == "lesson":
        return title or lesson_title(target, lessons_dir)
    if role == "eq":
        return f"Eq. ({target})"
    if role == "doc":
        return f"*{title or target.strip('/')}* (on the minigrad site)"
    if role in ("ref", "numref", "term", "abbr", "file", "samp", "command", "kbd"):
        return title or target
    return title or target


def block_end(lines: list[str], start: int, indent: int) -> int:
    """The first line after ``lines[start]`` that is not blank or indented deeper."""
    i = start + 1
    while i < len(lines) and (not lines[i].strip()
                              or len(lines[i]) - len(lines[i].lstrip()) > indent):
        i += 1
    while i > start + 1 and not lines[i - 1].strip():
        i -= 1
    return i


def literalinclude(argument: str, options: dict, srcdir: Path, config) -> str:
    from sphinx.directives.code import LiteralIncludeReader
    path = (srcdir / argument.lstrip("/")) if argument.startswith("/") else \
        (srcdir / argument)
    opts = {k: v for k, v in options.items()
            if k in ("pyobject", "lines", "start-after", "end-before", "start-at",
                     "end-at", "prepend", "append", "dedent", "diff", "encoding")}
    if "dedent" in opts:
        opts["dedent"] = int(opts["dedent"]) if opts["dedent"] else None
    text, _ = LiteralIncludeReader(str(path.resolve()), opts, config).read()
    return "```python\n" + text.rstrip("\n") + "\n```"


def exercises_markdown(number: str) -> str | None:
    try:
        from minigrad import exercises
    except ImportError:
        return None
    as_markdown = getattr(exercises, "as_markdown", None)
    return as_markdown(number) if as_markdown else None


FENCED = re.compile(r"(^```.*?^```[ \t]*$)", re.M | re.S)


def convert_markdown(text: str, srcdir: Path, lessons_dir: Path, config) -> str:
    """One Markdown cell's text with the reST left by sphinx-gallery made readable;
    code already fenced (```) is left as it is."""
    parts = FENCED.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside fenced code
        parts[i] = convert_text(parts[i], srcdir, lessons_dir, config)
    return "".join(parts)


def convert_text(text: str, srcdir: Path, lessons_dir: Path, config) -> str:
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent, name, argument = len(match.group(1)), match.group(2), match.group(3)
        end = block_end(lines, i, indent)
        body, options = [], {}
        for line in lines[i + 1:end]:
            option = OPTION.match(line)
            if option and not body:
                options[option.group(1)] = option.group(2).strip()
            else:
                body.append(line)
        content = textwrap.dedent("\n".join(body)).strip("\n")
        pad = " " * indent
        if name == "literalinclude":
            replacement = literalinclude(argument, options, srcdir, config)
        elif name in ("code-block", "code", "sourcecode"):
            replacement = f"```{argument or 'python'}\n{content}\n```"
        elif name == "math":
            replacement = "$$\n" + content + "\n$$"
        elif name == "interactive":
            replacement = (f"*An interactive version of this figure ({argument}) is on "
                           f"this lesson's page of the minigrad site.*")
        elif name == "exercises":
            replacement = exercises_markdown(argument.strip()) or (
                f"*Exercises for lesson {argument.strip()}: see the minigrad site.*")
        elif name in ADMONITIONS:
            head = argument or name.capitalize()
            replacement = "\n".join(f"> {line}" if line else ">"
                                    for line in [f"**{head}.**", ""] + content.split("\n"))
        else:  # unknown directive: keep its text, drop the markup
            replacement = "\n".join(x for x in (argument, content) if x)
        out += [pad + line if line else line for line in replacement.split("\n")]
        i = end
    text = "\n".join(out)
    # sphinx-gallery writes ``.. math::`` as \begin{align}…\end{align}; drop its options
    text = re.sub(r"(\\begin\{align\})\s*(?::[\w-]+:[^\n]*\n\s*)+", r"\1", text)
    parts = FENCED.split(text)  # code just included stays as it is
    for i in range(0, len(parts), 2):
        parts[i] = ROLE.sub(lambda m: role_to_markdown(m, lessons_dir), parts[i])
    return "".join(parts)


def convert_notebook(path: Path, srcdir: Path, lessons_dir: Path, config) -> bool:
    """Rewrite one notebook's Markdown cells in place; True when it changed.

    sphinx-gallery rewrites a notebook only when its lesson changes, but what a
    ``literalinclude`` shows changes with minigrad's source. So the notebook as
    sphinx-gallery wrote it is kept beside it (``NN_name.ipynb.orig``) and converted
    again at every build.
    """
    pristine = path.with_name(path.name + ".orig")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    if notebook.get("metadata", {}).get("minigrad", {}).get("converted"):
        if not pristine.is_file():
            return False  # converted, and no copy to redo it from: leave it
        notebook = json.loads(pristine.read_text(encoding="utf-8"))
    else:
        pristine.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        cell["source"] = convert_markdown(text, srcdir, lessons_dir, config)
    notebook.setdefault("metadata", {})["minigrad"] = {"converted": True}
    new = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    if new == path.read_text(encoding="utf-8"):
        return False
    path.write_text(new, encoding="utf-8")
    return True


def on_builder_inited(app):
    """After sphinx-gallery (priority 500) has written auto_lessons/*.ipynb."""
    conf = app.config.sphinx_gallery_conf
    srcdir = Path(app.srcdir)
    gallery = srcdir / conf["gallery_dirs"]
    lessons_dir = (srcdir / conf["examples_dirs"]).resolve()
    notebooks = sorted(gallery.glob("[0-9][0-9]*_*.ipynb"))
    changed = [nb for nb in notebooks if convert_notebook(nb, srcdir, lessons_dir,
                                                          app.config)]
    if changed and conf.get("download_all_examples"):
        from sphinx_gallery.downloads import python_zip
        python_zip([str(nb) for nb in notebooks], str(gallery), ".ipynb")


def setup(app):
    app.connect("builder-inited", on_builder_inited, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

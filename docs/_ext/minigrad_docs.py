"""Sphinx helpers for the minigrad site.

Three small pieces, each so that the site builds with ``sphinx-build -W`` while the
package and the lessons are still being written, and refuses to once
``MINIGRAD_DOCS_STRICT=1`` is set:

``.. minigrad-api:: MODULE``
    Documents one module of the package: its docstring, then every public class and
    function it exports, each exactly once across the whole API reference (an object
    exported by several modules is documented at the shallowest one, the way a learner
    spells it: ``minigrad.Tensor``, ``minigrad.optim.SGD``), then links to the public
    names documented elsewhere. A module whose file does not exist yet gets a note
    instead of an error; a module that exists but fails to import fails the build.

``:lesson:`03```
    A link to the rendered lesson ``lessons/03_*.py`` (sphinx-gallery's page), titled
    by the lesson's own title. A lesson not written yet renders as plain text.

``missing-reference`` handler
    ``:py:class:`minigrad.optim.sgd.SGD``` and ``:py:class:`minigrad.optim.SGD``` both
    reach the one place where SGD is documented: a reference to any public spelling of
    an object is redirected to the documented one.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import sys
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: Every module that gets a page in the API reference, shallowest first.
API_MODULES = [
    "minigrad",
    "minigrad.tensor",
    "minigrad.tensor_methods",
    "minigrad.grad_mode",
    "minigrad.dtypes",
    "minigrad.device",
    "minigrad.ops",
    "minigrad.ops_more",
    "minigrad.gradcheck",
    "minigrad.autograd",
    "minigrad.nn",
    "minigrad.nn.init",
    "minigrad.nn.functional",
    "minigrad.optim",
    "minigrad.optim.lr_scheduler",
    "minigrad.data",
    "minigrad.utils.data",
    "minigrad.train",
    "minigrad.lr_search",
    "minigrad.experiment",
    "minigrad.curvature",
    "minigrad.checkpoint",
    "minigrad.toy",
    "minigrad.plot",
    "minigrad.viz",
    "minigrad.exercises",
]

#: The lessons the site links to (by number); in strict mode every one must exist.
PLANNED_LESSONS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
GALLERY_DIR = "auto_lessons"

_missing_reported: set[str] = set()


def strict() -> bool:
    return os.environ.get("MINIGRAD_DOCS_STRICT", "") not in ("", "0")


def _note_missing(what: str) -> None:
    """Say once, on stderr, that something the site links to does not exist yet."""
    if what not in _missing_reported:
        _missing_reported.add(what)
        print(f"minigrad-docs: not written yet, left out: {what}", file=sys.stderr)


# --------------------------------------------------------------------------- modules

def module_exists(name: str) -> bool:
    """True when the module's file exists. An existing module that fails to import
    raises here: that is a real error and must fail the build."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError as exc:  # a parent package is missing
        if exc.name and name.startswith(exc.name):
            return False
        raise


def _import(name: str):
    return importlib.import_module(name) if module_exists(name) else None


def public_objects(modname: str) -> list[tuple[str, object]]:
    """The classes and functions a module offers: its ``__all__`` if it has one, else
    its public names defined in it or in its private submodules."""
    module = _import(modname)
    if module is None:
        return []
    names = getattr(module, "__all__", None)
    explicit = names is not None
    if names is None:
        names = sorted(n for n in vars(module) if not n.startswith("_"))
    out = []
    for name in names:
        obj = getattr(module, name, None)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue  # modules, constants, version strings
        defined_in = getattr(obj, "__module__", "") or ""
        if not explicit and not (defined_in == modname
                                 or defined_in.startswith(modname + ".")):
            continue  # imported from elsewhere (numpy, another minigrad module)
        out.append((name, obj))
    return out


_documented_cache: dict[int, str] | None = None


def documented_names() -> dict[int, str]:
    """``id(obj) → 'module.name'`` for every documented object: each object goes to the
    shallowest API module that exports it."""
    global _documented_cache
    if _documented_cache is None:
        table: dict[int, str] = {}
        for modname in API_MODULES:
            for name, obj in public_objects(modname):
                table.setdefault(id(obj), f"{modname}.{name}")
        _documented_cache = table
    return _documented_cache


def resolve_object(dotted: str):
    """Import the longest importable module prefix of ``dotted`` and walk the rest."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        modname = ".".join(parts[:cut])
        try:
            if not module_exists(modname):
                continue
            obj = importlib.import_module(modname)
        except Exception:  # noqa: BLE001 - only used to redirect links
            return None
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


class MinigradApi(SphinxDirective):
    """``.. minigrad-api:: minigrad.optim`` — see the module docstring."""

    required_arguments = 1
    option_spec = {"no-members": directives.flag}

    def run(self):
        modname = self.arguments[0]
        if not module_exists(modname):
            if strict():
                logger.warning("minigrad-api: module %s does not exist", modname,
                               location=self.get_location())
            _note_missing(f"module {modname}")
            note = nodes.note()
            note += nodes.paragraph(
                text=f"{modname} is not written yet; this page fills in when it is.")
            return [note]
        importlib.import_module(modname)  # a real import error fails the build here

        table = documented_names()
        here, elsewhere = [], []
        for name, obj in public_objects(modname):
            target = table.get(id(obj))
            (here if target == f"{modname}.{name}" else elsewhere).append((name, obj,
                                                                           target))
        lines = [f".. automodule:: {modname}", "   :no-index:", "",
                 f".. py:currentmodule:: {modname}", ""]
        for name, obj, _ in here:
            kind = "autoclass" if inspect.isclass(obj) else "autofunction"
            lines += [f".. {kind}:: {modname}.{name}"]
            if inspect.isclass(obj):
                lines += ["   :members:", "   :undoc-members:", "   :show-inheritance:"]
            lines += [""]
        if elsewhere:
            lines += [".. rubric:: Also exported here", ""]
            for name, obj, target in elsewhere:
                role = "py:class" if inspect.isclass(obj) else "py:func"
                lines += [f"* ``{modname}.{name}`` — documented as "
                          f":{role}:`{target}`"]
            lines += [""]
        content = StringList(lines, source=f"<minigrad-api {modname}>")
        node = nodes.container()
        self.state.nested_parse(content, self.content_offset, node)
        return node.children


def api_docname(modname: str) -> str:
    """The page documenting an API module: docs/api/<last parts joined by _>.rst."""
    if modname == "minigrad":
        return "api/minigrad"
    parts = modname.split(".")[1:]
    if parts[0] == "optim" and len(parts) > 1:
        parts = parts[1:]          # minigrad.optim.lr_scheduler → api/lr_scheduler
    return "api/" + "_".join(parts)


def on_missing_reference(app, env, node, contnode):
    """Send a reference to any spelling of a public object to where it is documented,
    and ``:mod:`minigrad.optim``` to the module's page (module pages do not register
    module objects, because ``minigrad.tensor`` is both a module and a function)."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if node.get("reftype") in ("mod", "obj") and target in API_MODULES:
        docname = api_docname(target)
        if docname in env.all_docs:
            ref = nodes.reference("", "", internal=True,
                                  refuri=app.builder.get_relative_uri(node["refdoc"],
                                                                      docname))
            ref += contnode
            return ref
    candidates = [target]
    if node.get("py:module") and not target.startswith("minigrad"):
        candidates.append(f"{node['py:module']}.{target}")
    for dotted in candidates:
        if not dotted.startswith("minigrad"):
            continue
        obj = resolve_object(dotted)
        if obj is None:
            continue
        documented = documented_names().get(id(obj))
        if not documented or documented == target:
            continue
        domain = env.get_domain("py")
        new = node.deepcopy()
        new["reftarget"] = documented
        for kind in (node.get("reftype"), "obj"):
            result = domain.resolve_xref(env, node.get("refdoc"), app.builder, kind,
                                         documented, new, contnode)
            if result is not None:
                return result
    return None


# --------------------------------------------------------------------------- lessons

def lesson_file(number: str) -> Path | None:
    found = sorted(LESSONS_DIR.glob(f"{number}_*.py"))
    return found[0] if found else None


def lesson_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``:lesson:`03``` or ``:lesson:`text <03>```."""
    title = None
    number = text.strip()
    if number.endswith(">") and "<" in number:
        title, number = number[:-1].split("<", 1)
        title, number = title.strip(), number.strip()
    path = lesson_file(number)
    if path is None:
        if strict():
            msg = inliner.reporter.warning(f"lesson {number} does not exist",
                                           line=lineno)
            return [nodes.Text(title or f"lesson {number}")], [msg]
        _note_missing(f"lesson {number}")
        return [nodes.emphasis(rawtext, title or f"lesson {number}")], []
    label = f"sphx_glr_{GALLERY_DIR}_{path.name}".lower()
    ref = pending_xref(rawtext, refdomain="std", reftype="ref", reftarget=label,
                       refexplicit=title is not None, refwarn=True)
    ref += nodes.inline(rawtext, title or "", classes=["xref", "std", "std-ref"])
    return [ref], []


# --------------------------------------------------------------------------- $…$ in lessons

#: Directives whose content is more text (so ``$…$`` in it is converted too).
TEXT_DIRECTIVES = {"note", "warning", "tip", "important", "hint", "attention", "caution",
                   "danger", "error", "admonition", "seealso", "container", "rst-class",
                   "only", "topic", "sidebar", "rubric", "figure"}
_DIRECTIVE = re.compile(r"^\s*\.\. ([\w:-]+)::")
_PROTECTED = re.compile(r"(``.+?``|:[\w:-]+:`[^`]*`|`[^`]*`_{0,2})")
_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+<>_:.])\1{2,}\s*$")
_DOLLAR = re.compile(r"(?<![\\$])\$(?![\s$])([^$`]+?)(?<![\s\\])\$(?!\$)")


def dollars_to_math_roles(text: str) -> str:
    """Turn inline ``$…$`` on the text lines of a gallery page into ``:math:`…```.

    sphinx-math-dollar converts ``$…$`` only after docutils has parsed the text, so
    ``$|1 - \\eta\\lambda|$`` reaches it broken (``|…|`` is a substitution reference)
    and ``$a*b*c$`` as emphasis. Converting single-line ``$…$`` to the math role before
    parsing avoids both. Code, literal blocks, math blocks and inline literals are left
    alone; ``$…$`` spread over two lines is still handled by sphinx-math-dollar.
    """
    out = []
    changed = set()
    code_indent = None
    for line in text.split("\n"):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if code_indent is not None:
            if not stripped or indent > code_indent:
                out.append(line)
                continue
            code_indent = None
        match = _DIRECTIVE.match(line)
        if match and match.group(1) not in TEXT_DIRECTIVES:
            code_indent = indent
            out.append(line)
            continue
        if stripped.endswith("::") and not match:
            code_indent = indent  # a paragraph ending in "::" starts a literal block
        if "$" in line and not match:
            parts = _PROTECTED.split(line)
            for i in range(0, len(parts), 2):  # even parts are outside literals and roles
                parts[i] = _DOLLAR.sub(lambda m: f":math:`{m.group(1)}`", parts[i])
            new = "".join(parts)
            if new != line:
                changed.add(len(out))
            line = new
        out.append(line)
    # A section title that got longer needs a longer underline (and overline).
    for i in changed:
        for j in (i - 1, i + 1):
            if 0 <= j < len(out) and _ADORNMENT.match(out[j]):
                out[j] = out[j][0] * max(len(out[j]), len(out[i]))
    return "\n".join(out)


def on_source_read(app, docname, source):
    if docname.startswith(GALLERY_DIR + "/"):
        source[0] = dollars_to_math_roles(source[0])


def on_process_bases(app, name, obj, options, bases):
    """No "Bases: object" line under classes that derive from nothing."""
    if list(bases) == [object]:
        bases.clear()


def setup(app):
    app.connect("source-read", on_source_read)
    app.connect("autodoc-process-bases", on_process_bases)
    app.add_directive("minigrad-api", MinigradApi)
    app.add_role("lesson", lesson_role)
    app.connect("missing-reference", on_missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

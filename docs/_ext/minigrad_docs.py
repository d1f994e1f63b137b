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
                lines += ["   :members:", "   :undoc-members:"]
                if any(id(base) in table for base in obj.__bases__):
                    lines += ["   :show-inheritance:"]  # only public bases, never empty
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
    """lessons/NN_*.py (``number`` may carry a letter: "03b")."""
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
    env = getattr(inliner.document.settings, "env", None)
    if title is None and env is not None and str(env.config.language).startswith("zh"):
        # Chinese puts a title in 《》 (the English shows it bare): 见《Adam》
        return [nodes.Text("《"), ref, nodes.Text("》")], []
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
    if docname == GALLERY_DIR + "/index":
        source[0] = number_gallery_cards(source[0])
    elif docname.startswith(GALLERY_DIR + "/"):
        source[0] = dollars_to_math_roles(hide_ci_knobs(source[0]))


# --------------------------------------------------------------------------- lesson pages

#: The line that reads the CI switch, ``FAST = os.environ.get("MINIGRAD_FAST") == "1"``.
_FAST_LINE = re.compile(
    r'^[ \t]*FAST = os\.environ\.get\(\s*"MINIGRAD_FAST"\s*\)\s*==\s*"1".*\n', re.M)
_NOQA = re.compile(r"\s+# noqa\b[^\n]*$", re.M)
_SPLIT_IF_FAST = re.compile(r"[ \t]+if (not )?FAST[ \t]*\n[ \t]*else[ \t]+")
_IF_FAST = re.compile(r"^([ \t]*)if FAST:[ \t]*(#.*)?$")


def _drop_if_fast_blocks(text: str) -> str:
    """Remove ``if FAST:`` statements with their indented bodies (CI-only code)."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        match = _IF_FAST.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent = len(match.group(1))
        i += 1
        while i < len(lines) and (not lines[i].strip()
                                  or len(lines[i]) - len(lines[i].lstrip()) > indent):
            i += 1
    return "\n".join(out)


def _expression_end(text: str, start: int) -> int:
    """Where the Python expression starting at ``start`` ends: at a comma, closing
    bracket or comment at bracket depth 0, or the end of the line."""
    depth, i = 0, start
    while i < len(text) and text[i] != "\n":
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch in ",#" and depth == 0:
            break
        i += 1
    while i > start and text[i - 1] == " ":
        i -= 1
    return i


def _expression_start(text: str, end: int) -> int:
    """Where the Python expression ending just before ``end`` starts (the mirror of
    :func:`_expression_end`: stops at ``=``, ``,``, an opening bracket or ``return``)."""
    depth, i = 0, end
    while i > 0 and text[i - 1] != "\n":
        ch = text[i - 1]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                break
            depth -= 1
        elif ch in "=," and depth == 0:
            break
        i -= 1
    while i < end and text[i] == " ":
        i += 1
    if text.startswith("return ", i):
        i += len("return ")
    return i


def hide_ci_knobs(text: str) -> str:
    """The rendered lesson shows the code that made its output (the full run).

    The scripts read ``FAST = os.environ.get("MINIGRAD_FAST") == "1"`` so that CI can
    run them shortened, and carry ``# noqa`` comments for the linter. On the page, the
    ``FAST`` line, ``if FAST:`` blocks and the ``# noqa`` comments are dropped, and
    ``A if FAST else B`` reads ``B`` (``A if not FAST else B`` reads ``A``). The downloadable script and notebook
    keep them.
    """
    text = _FAST_LINE.sub("", text)
    text = _NOQA.sub("", text)
    text = _drop_if_fast_blocks(text)
    text = _SPLIT_IF_FAST.sub(r" if \1FAST else ", text)  # "A if FAST\n    else B"
    for token, keep_first in ((" if not FAST else ", True), (" if FAST else ", False)):
        while True:
            at = text.find(token)
            if at < 0:
                break
            first = _expression_start(text, at)
            second_start = at + len(token)
            second_end = _expression_end(text, second_start)
            kept = (text[first:at] if keep_first else text[second_start:second_end])
            text = text[:first] + kept + text[second_end:]
    return text


_CARD = re.compile(r"(:(?:ref|doc):`(?:sphx_glr_" + GALLERY_DIR + "_|/" + GALLERY_DIR
                   + r"/)(\d\d[a-z]?)_[^`]*`.*?"
                   r'<div class="sphx-glr-thumbnail-title">)', re.S)


def number_gallery_cards(text: str) -> str:
    """Put each lesson's number on its gallery card ("01 · Gradient descent …")."""
    return _CARD.sub(lambda m: m.group(1) + f"{m.group(2)} · ", text)


def lesson_figure_style():
    """Matplotlib defaults for lesson figures shown in furo's ~730 px column.

    A figure ``W`` inches wide at 100 dpi is ``100·W`` px and shrinks to the column, so
    a font of ``s`` points shows ``s·730/(72·W)`` px tall: 11 pt stays ≥ 9 px up to
    ``W ≈ 12`` in. The default figure is 7.3 in, the column's width.
    """
    return {
        "figure.figsize": (7.3, 4.4), "figure.dpi": 100, "savefig.dpi": 100,
        "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11,
        "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11,
        "legend.framealpha": 0.85, "lines.linewidth": 1.8,
    }


def reset_matplotlib(gallery_conf, fname):
    """sphinx-gallery's reset before each lesson, then :func:`lesson_figure_style` with
    the Chinese font as fallback (for the figures' Chinese twins, see figure_i18n.py)."""
    import matplotlib
    from sphinx_gallery.scrapers import _reset_matplotlib
    import figure_i18n
    from minigrad.plot import use_cjk_font
    _reset_matplotlib(gallery_conf, fname)
    matplotlib.rcParams.update(lesson_figure_style())
    use_cjk_font()
    figure_i18n.start_lesson(Path(fname).stem)


def on_process_bases(app, name, obj, options, bases):
    """No "Bases: object" line under classes that derive from nothing."""
    if list(bases) == [object]:
        bases.clear()


# -------------------------------------------------------------- a configuration that stays

_config_as_filled: dict = {}
_config_live: dict = {}
_options_at_start: set = set()
_options_later: dict = {}


def stabilise_config(app, config):
    """End of ``config-inited``: remember the values the next build will compare.

    sphinx-gallery keeps adding to ``sphinx_gallery_conf`` while it builds (titles,
    stale examples…), and sphinx-math-dollar's default cannot be saved; saved with the
    environment as they are at the end, both made every next build report "The
    configuration has changed" and start again. So do the theme's options (furo's
    ``pygments_dark_style``), which exist only once the theme is loaded, after the
    comparison. The environment is saved with the values and options as they are now
    (see :func:`save_config_as_filled`).
    """
    import copy
    _options_at_start.update(config._options)
    _config_as_filled["sphinx_gallery_conf"] = copy.deepcopy(config.sphinx_gallery_conf)
    # conf.py sets math_dollar_node_blacklist = None, what pickling makes of the default
    # (a tuple of classes); sphinx-math-dollar then uses its default classes.
    if config.math_dollar_node_blacklist is None:
        import sphinx_math_dollar.extension as math_dollar
        math_dollar.node_blacklist = math_dollar.NODE_BLACKLIST


def save_config_as_filled(app, env):
    """Just before the environment is pickled: the values of :func:`stabilise_config`."""
    for name, value in _config_as_filled.items():
        _config_live[name] = getattr(app.config, name)
        setattr(app.config, name, value)
    for name in set(app.config._options) - _options_at_start:
        _options_later[name] = app.config._options.pop(name)


def restore_config(app, _=None):
    """Once it is saved: the live values again."""
    for name, value in _config_live.items():
        setattr(app.config, name, value)
    _config_live.clear()
    app.config._options.update(_options_later)
    _options_later.clear()


def quiet_unchanged_lesson_times():
    """sphinx-gallery prints every lesson's time after each build, also when it ran no
    lesson (they were unchanged) — the previous run's times. Print them only when a
    lesson ran in this build."""
    import sphinx_gallery.gen_gallery as gen_gallery
    log_costs = getattr(gen_gallery, "_log_costs", None)
    if log_costs is None or getattr(log_costs, "_minigrad", False):
        return

    def log_costs_of_this_build(costs, gallery_conf):
        if gallery_conf.get("passing_examples") or gallery_conf.get("failing_examples"):
            log_costs(costs, gallery_conf)
        else:
            logger.info("lessons: none changed since the last build, none run")

    log_costs_of_this_build._minigrad = True
    gen_gallery._log_costs = log_costs_of_this_build


def on_page_context(app, pagename, templatename, context, doctree):
    """The search page shows math in its snippets as text (``_static/search-snippets.js``)."""
    if pagename == "search":
        app.add_js_file("search-snippets.js", priority=900)


def setup(app):
    quiet_unchanged_lesson_times()
    app.connect("html-page-context", on_page_context)
    from sphinx.config import _Opt
    opt = app.config._options.get("math_dollar_node_blacklist")
    if opt is not None:  # allow None (see stabilise_config)
        app.config._options["math_dollar_node_blacklist"] = _Opt(
            opt.default, opt.rebuild, frozenset({tuple, type(None)}), opt.description)
    app.connect("config-inited", stabilise_config, priority=950)
    # env-updated ends the reading; the environment is pickled right after it
    app.connect("env-updated", save_config_as_filled, priority=999)
    app.connect("env-check-consistency", restore_config, priority=1)
    app.connect("write-started", restore_config, priority=1)
    app.connect("source-read", on_source_read)
    app.connect("autodoc-process-bases", on_process_bases)
    app.add_directive("minigrad-api", MinigradApi)
    app.add_role("lesson", lesson_role)
    app.connect("missing-reference", on_missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

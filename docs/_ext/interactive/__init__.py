"""``.. interactive:: NAME`` — a figure the reader explores with sliders, offline.

The data is computed when the site is built, by minigrad, in :mod:`figures` (one
function per figure); the page embeds it as JSON beside plain HTML range inputs, and
``_static/interactive.js`` draws it with plotly (whose JavaScript comes from the plotly
package on PyPI and is copied into the site's ``_static/``: no CDN). Only the pages that
embed a figure load plotly, and only when a figure comes near the screen.

In a lesson (a sphinx-gallery script) the directive sits in a text cell::

    # %%
    # .. interactive:: eta-bowl

The downloadable script and notebook keep their static figures; the notebook gets a
sentence pointing to the web page instead of the directive (see ``notebooks.py``).
"""

from __future__ import annotations

import functools
import html
import json
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

PLOTLY_JS = "plotly/plotly.min.js"  # under the site's _static/


@functools.lru_cache(maxsize=None)
def figure_json(name: str) -> str:
    """The figure's spec as compact JSON (computed once per build process)."""
    from interactive.figures import FIGURES
    spec = FIGURES[name]()
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


#: The words of a spec that a reader sees: captions, slider labels, trace names, axis and
#: colour-bar titles, the verdict texts (and a slider's values when they are words).
WORDS = {"caption", "label", "name", "text", "values", "note"}
NOTE = ("Computed by minigrad when this site was built; the downloadable script and "
        "notebook draw the static figures.")


def translated(spec, language: str, name: str):
    """``spec`` with its words in ``language`` (the figures catalog ``interactive``).

    Every build records the templates it meets, so that the catalog can be checked
    complete (see ``figure_i18n.py``).
    """
    import figure_i18n
    seen: set[str] = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and key in WORDS:
            words = figure_i18n.translate(value, "interactive", seen)
            return words if language == figure_i18n.LANGUAGE else value
        return value

    result = walk(spec)
    figure_i18n.record(f"interactive.{name}", seen)  # one file per figure: parallel reads
    return result


def figure_html(name: str, language: str = "en") -> str:
    from interactive.figures import FIGURES
    if name not in FIGURES:
        raise ValueError(f"no interactive figure {name!r}; known: {sorted(FIGURES)}")
    spec = translated(json.loads(figure_json(name)) | {"note": NOTE}, language, name)
    note = spec.pop("note")
    spec_json = json.dumps(spec, ensure_ascii=False, separators=(",", ":"),
                           allow_nan=False)
    controls = []
    for i, control in enumerate(spec["controls"]):
        n = len(control["values"])
        controls.append(
            f'<label class="mg-control"><span class="mg-label">'
            f'{html.escape(control["label"])}</span>'
            f'<input type="range" min="0" max="{n - 1}" step="1" '
            f'value="{control["initial"]}" data-control="{i}" '
            f'aria-label="{html.escape(control["label"])}">'
            f'<output>{html.escape(control["values"][control["initial"]])}</output>'
            f'</label>')
    texts = "".join('<p class="mg-verdict" aria-live="polite"></p>'
                    for _ in spec["groups"])
    safe_json = spec_json.replace("</", "<\\/")
    return (f'<figure class="mg-interactive" id="interactive-{name}" data-name="{name}">'
            f'<div class="mg-controls">{"".join(controls)}</div>'
            f'<div class="mg-plot"></div>{texts}'
            f'<figcaption>{html.escape(spec["caption"])} '
            f'<span class="mg-note">{html.escape(note)}</span>'
            f'</figcaption>'
            f'<script type="application/json" class="mg-data">{safe_json}</script>'
            f'</figure>')


class Interactive(SphinxDirective):
    """``.. interactive:: eta-bowl``"""

    required_arguments = 1
    has_content = False

    def run(self):
        name = self.arguments[0]
        try:
            markup = figure_html(name, self.env.config.language)
        except ValueError as exc:
            logger.warning(str(exc), location=self.get_location())
            return []
        self.env.metadata[self.env.docname]["interactive"] = "yes"
        import figure_i18n  # the page is read again when the figures' words change
        self.env.note_dependency(str(figure_i18n.CATALOGS / "interactive.po"))
        return [nodes.raw("", markup, format="html")]


def on_page_context(app, pagename, templatename, context, doctree):
    """Load the figure script only on pages that embed a figure; it fetches plotly
    (``_static/plotly/plotly.min.js``) when a figure comes near the screen."""
    if app.env.metadata.get(pagename, {}).get("interactive"):
        app.add_js_file("interactive.js", priority=601)


def copy_plotly(app, exception):
    """Put plotly's own minified JavaScript (from the PyPI package) in _static/."""
    if exception is not None or app.builder.format != "html":
        return
    import plotly
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = Path(app.outdir) / "_static" / PLOTLY_JS
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)


def setup(app):
    app.add_directive("interactive", Interactive)
    app.connect("html-page-context", on_page_context)
    app.connect("build-finished", copy_plotly)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

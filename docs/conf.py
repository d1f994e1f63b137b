"""Sphinx configuration for the minigrad site.

Build (from the repository root)::

    python docs/fetch_mathjax.py
    sphinx-build -W -j auto -b html docs docs/_build/html

Set ``MINIGRAD_DOCS_STRICT=1`` to make a missing module, a missing planned lesson or an
unresolved ``minigrad.*`` cross-reference an error (see ``docs/_ext/minigrad_docs.py``).
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # lessons plot headless
# One BLAS thread for the lessons: their matrices are small, and two BLAS threads on a
# busy 2-core machine run many times slower. (Set before numpy is first imported.)
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # the package and the lessons import minigrad from here
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(DOCS))

import fetch_mathjax  # noqa: E402
import minigrad_docs  # noqa: E402

# -- Project -----------------------------------------------------------------------

project = "minigrad"
author = "the minigrad authors"
copyright = "2026, the minigrad authors"  # noqa: A001 - Sphinx's name
try:
    import minigrad
    release = version = getattr(minigrad, "__version__", "")
except ModuleNotFoundError as exc:  # only "no package at all" is tolerated here
    if exc.name != "minigrad":
        raise
    release = version = ""

# -- Extensions --------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
    "sphinx_math_dollar",
    "minigrad_docs",
    "interactive",
    "notebooks",
    "exercises",
    "i18n",
    "figure_i18n",
    "glossary_table",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints",
                    "auto_lessons/*.py", "auto_lessons/*.ipynb", "auto_lessons/*.zip"]
templates_path = ["_templates"]  # the language switcher (components/view-this-page.html)
today_fmt = "%Y-%m-%d"

# -- Two editions: English, and Chinese from the catalogs in locale/ (see _ext/i18n.py) --
# ``make docs`` builds English at the site root and ``-D language=zh_CN`` under zh_CN/.

language = "en"
locale_dirs = ["locale/"]
gettext_compact = False        # one catalog per page: locale/zh_CN/LC_MESSAGES/<page>.po
gettext_location = False       # no source line numbers: a catalog changes only with its text
gettext_uuid = False
# A lesson figure saved as sphx_glr_…_001.png has its Chinese twin sphx_glr_…_001.zh_CN.png.
figure_language_filename = "{root}.{language}{ext}"
# Chinese search: jieba splits the text into words; the glossary's terms are added to its
# dictionary, so that 学习率 or 随机梯度下降 are found as whole words.
import glossary_table  # noqa: E402

SEARCH_WORDS = DOCS / "_build" / "search_words.txt"
glossary_table.write_search_words(SEARCH_WORDS)
html_search_options = {"dict": str(SEARCH_WORDS)}

# -- Math: MathJax 3 served from the built site, never from a CDN -----------------

if not fetch_mathjax.is_complete():
    fetch_mathjax.fetch(quiet=True)
mathjax_path = "mathjax/tex-chtml.js"  # relative → _static/mathjax/tex-chtml.js
# sphinx-math-dollar turns $…$ in prose (and in lesson text) into math; code is left alone.

# Theory pages are numbered (1. Gradient descent, …) and so are their equations, (1.1),
# (3.5), …, so that an equation cited from another page has a unique number.
numfig = True
math_numfig = True
numfig_secnum_depth = 1
math_eqref_format = "Eq. {number}"

# -- HTML ----------------------------------------------------------------------------

html_theme = "furo"
html_title = "minigrad"
html_static_path = ["_static"]
# The next three are written in the form the theme and Sphinx turn them into, so that a
# second build with nothing changed does not find "the configuration has changed".
html_css_files = [("custom.css", {"priority": 800})]
html_js_files = [("figure-zoom.js", {"priority": 800}),  # a figure opens full size
                 ("math-fit.js", {"priority": 800})]     # display math never cut
pygments_dark_style = "native"  # furo's default
html_domain_indices = False  # module pages are plain pages (see minigrad_docs.py)
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navigation_with_keys": True,
    # furo's "view this page" slot holds the language switcher (_templates/components/)
    "top_of_page_buttons": ["view"],
}

# -- Autodoc ---------------------------------------------------------------------------
# No autodoc_mock_imports: a module that fails to import must fail the build.

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True

# Strict mode: every minigrad.* cross-reference must resolve. Other targets (numpy,
# builtins) are not documented here and are ignored.
nitpicky = minigrad_docs.strict()
nitpick_ignore_regex = [
    (r"py:.*", r"(?!minigrad\b).*"),      # numpy, builtins: not documented here
    (r"py:.*", r"minigrad\..*\b_\w+"),    # private helpers (minigrad.nn.losses._Loss)
]

# -- Lessons gallery (sphinx-gallery) --------------------------------------------------

#: A lesson is lessons/NN_name.py or lessons/NNx_name.py (00a_, 03b_, …), in file-name
#: order; run_all.py, helpers and the lessons' guide are left out.
LESSON_NAME = r"\d\d[a-z]?_\w+\.py"

# sphinx-math-dollar's default (a tuple of node classes) cannot be saved with the
# environment, so a next build would find it changed; None here means that default
# (see minigrad_docs.stabilise_config).
math_dollar_node_blacklist = None

sphinx_gallery_conf = {
    "examples_dirs": "../lessons",
    "gallery_dirs": "auto_lessons",
    "filename_pattern": r"/" + LESSON_NAME + "$",   # execute every lesson
    "ignore_pattern": r"^(?!" + LESSON_NAME + "$)",  # matched against the bare name
    "within_subsection_order": "FileNameSortKey",  # by string name: cacheable config
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "capture_repr": (),
    "download_all_examples": True,
    "matplotlib_animations": False,
    # matplotlib's scraper, saving each figure also with Chinese words (figure_i18n.py)
    "image_scrapers": ("figure_i18n.matplotlib_scraper_in_both_languages",),
    # Figures drawn for the ~730 px column (see minigrad_docs.lesson_figure_style); a
    # name, not the function, so that the configuration stays the same between builds.
    "reset_modules": ("minigrad_docs.reset_matplotlib",),
    "remove_config_comments": True,
    "plot_gallery": "True",
    "show_memory": False,
    "show_signature": False,
    # No "Total running time" line: it changes with every run, so its translation could
    # never be kept (the times are logged by the build instead).
    "min_reported_time": float("inf"),
    # The computation-times pages load jQuery and DataTables from CDNs: leave them out.
    "write_computation_times": False,
    "thumbnail_size": (320, 224),
    "first_notebook_cell": None,
    "default_thumb_file": None,
}

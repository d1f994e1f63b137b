"""The Chinese edition (中文版): one site in two languages from one ``make docs``.

How the two editions are made (``docs/build.py`` runs the three steps):

1. The English site is built at ``_build/html``. It runs every lesson once; each lesson
   figure is saved twice, in English and with its words translated
   (``sphx_glr_…_001.png`` and ``sphx_glr_…_001.zh_CN.png``, see :mod:`figure_i18n`).
2. The Chinese site is built at ``_build/html/zh_CN`` from the same sources with
   ``language = "zh_CN"``: Sphinx replaces each paragraph by its translation from
   ``docs/locale/zh_CN/LC_MESSAGES/<page>.po`` and each figure by its ``.zh_CN`` file
   (``figure_language_filename``). The lessons are not run again: sphinx-gallery sees
   their sources unchanged and keeps what step 1 wrote.
3. The message templates (``_build/gettext/*.pot``) are extracted, so that the tests can
   check every English sentence has its translation.

This extension adds what Sphinx leaves to the project:

* the language switcher at the top of every page, linking to the same page in the other
  edition (and ``<link rel="alternate" hreflang>`` for search engines);
* no translation of docstrings: the API pages translate their narrative, while the
  docstrings autodoc pulls from the code stay English (as in the code a learner reads);
* Chinese typography: a line break inside a Chinese sentence in the source is not a space.
"""

from __future__ import annotations

import posixpath
import re

from docutils import nodes
from docutils.transforms import Transform

#: The editions: language code → (label in its own language, folder under the site root).
EDITIONS = {"en": ("English", ""), "zh_CN": ("中文", "zh_CN")}

#: Character ranges (for a regex class): CJK ideographs and radicals, and CJK/full-width
#: punctuation (，。：；？！（）「」 …). The one definition the site, the figures and
#: ``tools/catalogs.py`` use.
CJK_IDEOGRAPHS = "\u2e80-\u2fff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
_CJK = CJK_IDEOGRAPHS + CJK_PUNCTUATION
_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")
_NO_TEXT_CHANGE = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block,
                   nodes.raw, nodes.comment)


def switch_url(pagename: str, language: str, target: str) -> str:
    """Relative URL from ``pagename`` in ``language`` to the same page in ``target``.

    English pages live at the site root, Chinese ones under ``zh_CN/``::

        >>> switch_url("theory/index", "en", "zh_CN")
        '../zh_CN/theory/index.html'
        >>> switch_url("theory/index", "zh_CN", "en")
        '../../theory/index.html'
    """
    here = posixpath.join(EDITIONS[language][1], posixpath.dirname(pagename))
    there = posixpath.join(EDITIONS[target][1], pagename + ".html")
    return posixpath.relpath(there, here or ".")


class KeepDocstringsEnglish(Transform):
    """Mark text that autodoc took from a docstring as not translatable.

    Runs before Sphinx's ``Locale`` transform (priority 20), so that neither the
    message extraction (``make gettext``) nor the translation sees docstrings.
    """

    default_priority = 10

    def apply(self, **kwargs):
        from sphinx import addnodes
        # The body of every object autodoc documents (fields made from "Parameters"
        # sections carry no source), and a module docstring's own text.
        for body in self.document.findall(addnodes.desc_content):
            _keep_english(body)
        for node in self.document.findall(nodes.TextElement):
            if ":docstring of " in (node.source or ""):
                _keep_english(node)


def _keep_english(root) -> None:
    for node in root.findall(nodes.TextElement):
        # An inline node is a message only when it carries the mark already (a field's
        # description); marking another would make Sphinx unwrap it.
        if not isinstance(node, nodes.Inline) or "translatable" in node:
            node["translatable"] = False


class JoinChineseLines(Transform):
    """Drop the line break between two Chinese characters.

    reST joins the lines of a paragraph with a newline, which the browser shows as a
    space; between Chinese characters that space is wrong ("可以 提高" for "可以提高").
    Runs after the translation (priority 20), so it covers both editions.
    """

    default_priority = 900

    def apply(self, **kwargs):
        for text in list(self.document.findall(nodes.Text)):
            if "\n" not in text or isinstance(text.parent, _NO_TEXT_CHANGE):
                continue
            joined = _BREAK_BETWEEN_CJK.sub("", str(text))
            if joined != str(text):
                text.parent.replace(text, nodes.Text(joined))


def use_translated_figures(app, doctree):
    """In the Chinese build, each lesson figure is its ``.zh_CN`` twin.

    sphinx-gallery's ``image-sg`` directive copies its images itself, past Sphinx's
    ``figure_language_filename``, so its paths are switched here; the alt text (the
    figure's titles) is translated from the lesson's figure catalog.
    """
    language = app.config.language
    if language not in EDITIONS or language == "en":
        return
    from pathlib import Path
    from sphinx_gallery.directives import imgsgnode
    import figure_i18n
    lesson = Path(app.env.doc2path(app.env.docname)).stem

    def twin(uri: str) -> str:
        path = Path(uri)
        translated = path.with_name(f"{path.stem}.{language}{path.suffix}")
        exists = (Path(app.srcdir) / str(translated).lstrip("/")).exists()
        return str(translated) if exists else uri

    for node in doctree.findall(imgsgnode):
        node["uri"] = twin(node["uri"])
        if node.get("srcset"):
            node["srcset"] = ", ".join(
                " ".join([twin(entry.split()[0])] + entry.split()[1:])
                for entry in node["srcset"].split(","))
        if node.get("alt"):
            node["alt"] = ", ".join(figure_i18n.translate(title, lesson)
                                    for title in node["alt"].split(", "))


def on_page_context(app, pagename, templatename, context, doctree):
    """The switcher's link (used by ``_templates/components/view-this-page.html``)."""
    language = app.config.language if app.config.language in EDITIONS else "en"
    target = "en" if language == "zh_CN" else "zh_CN"
    url = switch_url(pagename, language, target)
    context["minigrad_language_switch"] = {
        "url": url, "label": EDITIONS[target][0],
        "lang": target.replace("_", "-"), "here": EDITIONS[language][0]}
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{target.replace("_", "-")}" href="{url}">')


def chinese_search():
    """Sphinx's Chinese search, with its stemmer under the right name.

    Sphinx 9.0's Chinese search ships the English stemmer (for the Latin words in a
    Chinese page) but tells the search page ``window.Stemmer = ChineseStemmer``, a name
    nothing defines: the page stops at "ChineseStemmer is not defined" and finds nothing.
    The stemmer's name is taken from ``language_name``, so that is all that changes.
    """
    import logging

    import jieba
    from sphinx.search.zh import SearchChinese
    jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict…" in every build

    class ChineseSearch(SearchChinese):
        language_name = "English"  # → window.Stemmer = EnglishStemmer

    return ChineseSearch


def chinese_equation_references(app, config):
    """"Eq. 1.1" reads "式（1.1）" in Chinese (conf.py cannot see ``-D language``)."""
    if config.language == "zh_CN":
        config.math_eqref_format = "式（{number}）"


def setup(app):
    app.connect("config-inited", chinese_equation_references)
    app.add_search_language(chinese_search())
    app.add_transform(KeepDocstringsEnglish)
    app.add_transform(JoinChineseLines)
    app.connect("html-page-context", on_page_context)
    app.connect("doctree-read", use_translated_figures)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

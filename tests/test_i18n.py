"""The Chinese edition (中文版): complete catalogs, the same site in both languages.

From the catalogs alone (always): every message of every catalog translated, none fuzzy,
each translation keeping the English's numbers, code, math and references
(``tools/catalogs.py``). From the built site (``make docs``; skipped without it, an error
under ``MINIGRAD_DOCS_STRICT=1``): every English message the build extracted has its
translation; both editions have the same pages, figures and working internal links;
the language switcher lands on the same page both ways; no space between two Chinese
characters; the Chinese search index knows 学习率.
"""

from __future__ import annotations

import functools
import html.parser
import json
import os
import re
import sys
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import catalogs  # noqa: E402
import figure_i18n  # noqa: E402
import i18n  # noqa: E402

SITE = ROOT / "docs" / "_build" / "html"
ZH = SITE / "zh_CN"
STRICT = os.environ.get("MINIGRAD_DOCS_STRICT") == "1"
CATALOGS = catalogs.all_catalogs()


def _needs(path: Path, what: str):
    if not path.exists():
        if STRICT:
            pytest.fail(f"{path} is missing: run make docs ({what})")
        pytest.skip(f"{path} is missing: run make docs ({what})")


# ----------------------------------------------------------------- the catalogs alone

def test_there_is_a_catalog_for_every_page_and_lesson():
    pages = {p.relative_to(ROOT / "docs").with_suffix("").as_posix()
             for p in (ROOT / "docs").rglob("*.rst")
             if not p.relative_to(ROOT / "docs").parts[0].startswith("_")
             and p.parts[-2] != "auto_lessons"}
    lessons = {f"auto_lessons/{p.stem}" for p in (ROOT / "lessons").glob("[0-9][0-9]*_*.py")}
    have = {p.relative_to(catalogs.PAGES).with_suffix("").as_posix()
            for p in catalogs.PAGES.rglob("*.po")}
    assert pages | lessons | {"auto_lessons/index"} <= have
    figures = {p.stem for p in catalogs.FIGURES.glob("*.po")}
    assert {p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]*_*.py")} | {"interactive"} \
        <= figures


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(catalogs.LOCALE)))
def test_catalog_is_fully_translated_and_keeps_the_english_markup(path):
    found = catalogs.catalog_problems(path)
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:15])


@pytest.mark.parametrize("msgid, msgstr, problem", [
    ("Read :doc:`errata`.", "", "not translated"),
    ("η = 0.1 diverges.", "η = 0.2 时发散。", "numbers differ"),
    ("Call ``loss.backward()``.", "调用 ``loss.backward（）``。", "code differs"),
    ("The rate :math:`\\eta`.", "学习率 :math:`\\alpha`。", "math or reference differs"),
    ("See :doc:`the theory <theory/index>`.", "见 :doc:`理论 <theory/schedules>`。",
     "math or reference differs"),
    ("A **key** step.", "这是一个**关键**步骤。", "markup differs"),
    ("A small rate.", "较小的学习率 可以提高泛化。", "a space between Chinese characters"),
    ("{0} steps", "若干步", "placeholder differs"),
    ("Read the notes.", "请先 阅读 :doc:`notes`。", "a space between Chinese characters"),
])
def test_the_catalog_check_catches(msgid, msgstr, problem):
    assert any(problem in found for found in catalogs.problems(msgid, msgstr))


@pytest.mark.parametrize("msgid, msgstr", [
    ("See :doc:`the theory <theory/index>`.", "见\\ :doc:`理论 <theory/index>`。"),
    ("A **key** step.", "这是一个\\ **关键**\\ 步骤。"),
    ("Use ``lr=0.1`` here.", "这里用 ``lr=0.1``。"),
    ("η = {0}: diverges", "η = {0}：发散"),
    ("The rate :math:`\\eta` is too large.", "学习率 :math:`\\eta` 太大。"),
])
def test_the_catalog_check_accepts(msgid, msgstr):
    assert catalogs.problems(msgid, msgstr) == []


# ------------------------------------------------------------------- against the build

def _pot_messages():
    from babel.messages.pofile import read_po
    for pot in sorted((catalogs.POT).rglob("*.pot")):
        with open(pot, "rb") as file:
            yield pot.relative_to(catalogs.POT).with_suffix(""), [
                m.id for m in read_po(file) if m.id]


def test_every_english_message_of_the_build_has_its_translation():
    """A new English sentence without its translation fails here (run
    ``tools/catalogs.py update``, then translate what ``check`` lists)."""
    _needs(catalogs.POT, "the message templates")
    missing = []
    for page, messages in _pot_messages():
        po = catalogs.PAGES / f"{page}.po"
        translated = ({m.id for m in catalogs.read_catalog(po) if m.string and not m.fuzzy}
                      if po.exists() else set())
        missing += [f"{page}: {m[:70]!r}" for m in messages if m not in translated]
    assert not missing, f"{len(missing)} untranslated:\n" + "\n".join(missing[:20])


def test_every_figure_label_the_lessons_draw_has_its_translation():
    _needs(catalogs.FIGURE_TEXTS, "the figure labels the lessons met")
    missing = []
    for name, templates in catalogs.figure_templates().items():
        known = figure_i18n.catalog(name)
        missing += [f"{name}: {t!r}" for t in templates if t not in known]
    assert not missing, f"{len(missing)} untranslated:\n" + "\n".join(missing[:20])


class _Page(html.parser.HTMLParser):
    """Links, images, ids and the reading text (outside code, math and scripts)."""

    SKIP = {"pre", "code", "script", "style", "math", "svg", "kbd"}
    BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "td", "th", "tr", "table",
              "h1", "h2", "h3", "h4", "h5", "h6", "section", "figure", "figcaption", "br",
              "nav", "header", "footer", "aside", "article", "label", "caption", "button"}

    def __init__(self, text):
        super().__init__()
        self.links, self.images, self.ids, self.words = [], [], set(), []
        self._skipping = []
        self.switch = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if "mg-language-switch" in (attrs.get("class") or ""):
                self.switch = attrs["href"]
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        if tag in self.BLOCKS:
            self.words.append("\0")  # a line break between blocks is not a space
        classes = (attrs.get("class") or "").split()
        if tag in self.SKIP or "math" in classes or "highlight" in classes:
            if not self._skipping:
                self.words.append("\0")  # code, math: not a space in the text
            self._skipping.append(tag)
        elif self._skipping and tag == self._skipping[0]:
            self._skipping.append(tag)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.words.append("\0")
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping:
            self.words.append(data)


def _pages(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if "_static" not in p.parts and p.parts[len(root.parts)] != "zh_CN"
                  and "_downloads" not in p.parts)


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _Page:
    return _Page(path.read_text(encoding="utf-8"))


def _site_pages():
    if not (ZH / "index.html").exists():
        return []
    return _pages(SITE)


def test_both_editions_have_the_same_pages():
    _needs(ZH / "index.html", "the Chinese site")
    assert _pages(SITE) == _pages(ZH)


@pytest.mark.parametrize("name", _site_pages())
def test_the_chinese_page_has_the_same_figures_and_working_links(name):
    english, chinese = _parse(SITE / name), _parse(ZH / name)
    twins = [re.sub(r"\.zh_CN(\.\w+)$", r"\1", src) for src in chinese.images]
    assert twins == english.images
    lesson_figures = [src for src in chinese.images if "sphx_glr_" in src
                      and not src.endswith("_thumb.png")]
    assert all(".zh_CN." in src for src in lesson_figures), lesson_figures
    for src in chinese.images:
        assert (ZH / name).parent.joinpath(unquote(src)).resolve().is_file(), src
    broken = []
    for href in chinese.links:
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//") or href.startswith("mailto:"):
            continue
        target = (ZH / name).parent / unquote(parts.path) if parts.path else ZH / name
        if not target.resolve().exists():
            broken.append(href)
        elif parts.fragment and target.suffix == ".html" and "#" not in parts.fragment:
            if parts.fragment not in _parse(target.resolve()).ids:
                broken.append(href)
    assert not broken, broken[:10]


@pytest.mark.parametrize("name", _site_pages())
def test_the_switcher_lands_on_the_same_page_both_ways(name):
    english, chinese = _parse(SITE / name), _parse(ZH / name)
    assert english.switch and chinese.switch
    assert ((SITE / name).parent / english.switch).resolve() == (ZH / name).resolve()
    assert ((ZH / name).parent / chinese.switch).resolve() == (SITE / name).resolve()


_SPACE_IN_CHINESE = re.compile(
    rf"[{i18n.CJK_IDEOGRAPHS}][ \t\n]+[{i18n.CJK_IDEOGRAPHS}]")


@pytest.mark.parametrize("edition", ["en", "zh_CN"])
def test_no_space_between_chinese_characters(edition):
    """A Chinese sentence broken across source lines must not show a space."""
    root = SITE if edition == "en" else ZH
    _needs(root / "index.html", f"the {edition} site")
    bad = []
    for name in _pages(root):
        text = "".join(_parse(root / name).words)
        bad += [f"{name}: {m.group(0)!r}" for m in _SPACE_IN_CHINESE.finditer(text)]
    assert not bad, "\n".join(bad[:20])


def test_the_chinese_search_index_finds_the_lessons_for_learning_rate():
    _needs(ZH / "searchindex.js", "the Chinese site")
    text = (ZH / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    docs = index["terms"].get("学习率")
    assert docs is not None, "学习率 is not a search term"
    docs = docs if isinstance(docs, list) else [docs]
    pages = {index["docnames"][d] for d in docs}
    assert sum(p.startswith("auto_lessons/") for p in pages) >= 5, pages


@pytest.mark.parametrize("edition", ["en", "zh_CN"])
def test_the_glossary_terms_are_the_ones_the_site_uses(edition):
    """Each term of the glossary appears in the text of its edition (its English name
    in the English site, its Chinese name in the Chinese one), outside the glossary."""
    root = SITE if edition == "en" else ZH
    _needs(root / "index.html", f"the {edition} site")
    import glossary_table
    text = "".join("".join(_parse(root / name).words) for name in _pages(root)
                   if name != "glossary.html").lower()
    key = "english" if edition == "en" else "chinese"
    unused = [row[key] for row in glossary_table.glossary_rows()
              if row[key].lower() not in text]
    assert not unused, unused


# ------------------------------------------------------------------------ the font

def test_a_chinese_figure_renders_with_the_bundled_font_and_no_missing_glyph():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from minigrad.plot import CJK_FONT, use_cjk_font
    use_cjk_font()
    fig, ax = plt.subplots()
    ax.set_title("学习率 η = 0.1：发散")
    ax.plot([0, 1], label="随机梯度下降")
    ax.legend()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph \d+ .* missing")
        fig.savefig(Path(os.devnull).open("wb"), format="png")
    plt.close(fig)
    assert matplotlib.rcParams["font.family"][-1] == CJK_FONT


def test_the_fallback_font_leaves_english_figures_unchanged():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import io
    import matplotlib.pyplot as plt
    from minigrad.plot import use_cjk_font

    def draw():
        fig, ax = plt.subplots(figsize=(3, 2), dpi=50)
        ax.set_title("Loss against step, η = 0.1")
        ax.plot([3, 1, 2], label="SGD")
        ax.legend()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="rgba")
        plt.close(fig)
        return buffer.getvalue()

    with matplotlib.rc_context():
        before = draw()
        use_cjk_font()
        after = draw()
    assert before == after


def test_figure_templates_keep_numbers_out_of_the_translation():
    template, numbers = figure_i18n.template_of("η = 0.3: diverges after 12 steps (L2)")
    assert template == "η = {0}: diverges after {1} steps (L2)"
    assert figure_i18n.fill("η = {0}：{1} 步后发散", numbers) == "η = 0.3：12 步后发散"
    assert not figure_i18n.needs_translation("$10^{-3}$")
    assert figure_i18n.needs_translation("step $t$")

"""Figures in both languages from one run of the lessons.

A lesson runs once, in the English build. Each figure it draws is saved as usual
(``sphx_glr_01_gradient_descent_001.png``), then its words — titles, axis labels, legends,
annotations — are replaced by their translations and it is saved again as
``sphx_glr_01_gradient_descent_001.zh_CN.png``, the name Sphinx's
``figure_language_filename`` looks for in the Chinese build. The English figure is
untouched: the CJK font is only matplotlib's *fallback* (:func:`minigrad.plot.use_cjk_font`),
used for glyphs DejaVu Sans lacks.

Numbers in a label are not part of what is translated: "η = 0.3: diverges after 12
steps" is looked up as the template ``η = {0}: diverges after {1} steps`` and the numbers
are put back into the translation, so one translation serves every η a lesson tries.

The translations are ``docs/locale/zh_CN/figures/<lesson>.po``, one catalog per lesson
(and ``interactive.po`` for the interactive figures). Each run writes the templates it met
to ``docs/_build/figure-texts/<lesson>.json``; ``tools/update_catalogs.py`` adds new ones
to the catalogs, and the tests check that each has its translation.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import warnings
from pathlib import Path

from i18n import CJK_IDEOGRAPHS, CJK_PUNCTUATION

DOCS = Path(__file__).resolve().parents[1]
CATALOGS = DOCS / "locale" / "zh_CN" / "figures"
TEXTS = DOCS / "_build" / "figure-texts"
LANGUAGE = "zh_CN"

#: A number not glued to a Latin letter before it ("x2", "float32" and "L2" stay words;
#: "2.27x" is the number 2.27).
_NUMBER = re.compile(r"(?<![A-Za-z_\d.])[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?!\d)")
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_MATH = re.compile(r"\$[^$]*\$")
_WORD = re.compile(r"[A-Za-z]{2,}")


def template_of(text: str) -> tuple[str, list[str]]:
    """``("η = {0}: diverges", ["0.3"])`` for ``"η = 0.3: diverges"``."""
    numbers: list[str] = []

    def hole(match):
        numbers.append(match.group(0))
        return "{%d}" % (len(numbers) - 1)

    return _NUMBER.sub(hole, text), numbers


def fill(template: str, numbers: list[str]) -> str:
    """Put the numbers back into a (translated) template."""
    return _PLACEHOLDER.sub(lambda m: numbers[int(m.group(1))], template)


def needs_translation(text: str) -> bool:
    """Words outside math: ``"loss"`` yes; ``"0.5"``, ``"$10^{-3}$"``, ``"θ₁"`` no."""
    return bool(_WORD.search(_MATH.sub("", text)))


@functools.lru_cache(maxsize=None)
def catalog(name: str) -> dict[str, str]:
    """The translations of ``figures/<name>.po``: template → translated template."""
    path = CATALOGS / f"{name}.po"
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po
    with open(path, "rb") as file:
        messages = read_po(file)
    return {m.id: m.string for m in messages
            if m.id and m.string and not m.fuzzy}


def translate(text: str, name: str, seen: set[str] | None = None) -> str:
    """``text`` in Chinese from the catalog ``name``; unchanged when it has no entry."""
    if not needs_translation(text):
        return text
    template, numbers = template_of(text)
    if seen is not None:
        seen.add(template)
    translated = catalog(name).get(template)
    return fill(translated, numbers) if translated else text


def record(name: str, templates: set[str]) -> None:
    """Add ``templates`` to ``_build/figure-texts/<name>.json`` (what the run met)."""
    TEXTS.mkdir(parents=True, exist_ok=True)
    path = TEXTS / f"{name}.json"
    known = set(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else set()
    if not templates <= known:
        path.write_text(json.dumps(sorted(known | templates), ensure_ascii=False,
                                   indent=0), encoding="utf-8")


def start_lesson(name: str) -> None:
    """A lesson is about to run: forget what its previous run met, and note when it ran
    (see :func:`rerun_lessons_with_new_figure_translations`)."""
    (TEXTS / f"{name}.json").unlink(missing_ok=True)
    TEXTS.mkdir(parents=True, exist_ok=True)
    (TEXTS / f"{name}.ran").touch()


# ------------------------------------------------------------------- lesson figures

def _texts_of(figure):
    import matplotlib.text
    return [t for t in figure.findobj(matplotlib.text.Text) if t.get_text()]


_CJK = re.compile(f"[{CJK_IDEOGRAPHS}{CJK_PUNCTUATION}]")


class _MissingGlyph(logging.Handler):
    """mathtext reports a missing glyph in the log, not as a warning: collect it."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        if "does not have a glyph" in record.getMessage():
            self.messages.append(record.getMessage())


def save_translated(figure, path: Path, name: str) -> None:
    """Save ``figure`` with its words translated to ``<root>.zh_CN<ext>``, then undo.

    A label that mixes math and Chinese ("$\\theta_t$ 的轨迹") is drawn by mathtext,
    which takes the text outside ``$…$`` from one font, without fallback: such a label is
    set in the CJK font (which has Latin letters too). A missing glyph fails the build.
    """
    from minigrad.plot import CJK_FONT
    seen: set[str] = set()
    originals = [(text, text.get_text(), text.get_fontfamily()) for text in _texts_of(figure)]
    missing = _MissingGlyph()
    mathtext_log = logging.getLogger("matplotlib.mathtext")
    mathtext_log.addHandler(missing)
    try:
        for text, words, _ in originals:
            translated = translate(words, name, seen)
            text.set_text(translated)
            if "$" in translated and _CJK.search(translated):
                text.set_fontfamily([CJK_FONT])
        with warnings.catch_warnings():  # a box instead of a character fails the build
            warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font")
            figure.savefig(path.with_name(f"{path.stem}.{LANGUAGE}{path.suffix}"))
    finally:
        mathtext_log.removeHandler(missing)
        for text, words, family in originals:
            text.set_text(words)
            text.set_fontfamily(family)
    if missing.messages:
        raise RuntimeError(f"{path.name} (Chinese): {missing.messages[0]}")
    record(name, seen)


def lesson_name(block_vars) -> str:
    return Path(block_vars["src_file"]).stem


class _Recording:
    """The image paths sphinx-gallery hands out, remembered as they are taken."""

    def __init__(self, paths):
        self.paths, self.taken = paths, []

    def __iter__(self):
        return self

    def __next__(self):
        path = next(self.paths)
        self.taken.append(path)
        return path


def matplotlib_scraper_in_both_languages(block, block_vars, gallery_conf, **kwargs):
    """sphinx-gallery's matplotlib scraper, plus each figure's Chinese twin."""
    import matplotlib.pyplot as plt
    from sphinx_gallery.scrapers import matplotlib_scraper
    figures = [plt.figure(number) for number in plt.get_fignums()]
    recording = _Recording(block_vars["image_path_iterator"])
    rst = matplotlib_scraper(block, {**block_vars, "image_path_iterator": recording},
                             gallery_conf, **kwargs)
    for figure, path in zip(figures, recording.taken):
        save_translated(figure, Path(path), lesson_name(block_vars))
    return rst


# ------------------------------------------------- a lesson re-runs for new translations

def rerun_lessons_with_new_figure_translations(app) -> None:
    """Before sphinx-gallery looks at the lessons (English build only): a lesson whose
    figure catalog changed after it last ran is run again, so that its Chinese figures
    show the new words. (sphinx-gallery re-runs a lesson whose ``.md5`` is missing.)"""
    if app.config.language not in (None, "en"):
        return
    gallery = DOCS / "auto_lessons"
    for po in CATALOGS.glob("*.po"):
        md5, ran = gallery / f"{po.stem}.py.md5", TEXTS / f"{po.stem}.ran"
        if md5.exists() and (not ran.exists() or po.stat().st_mtime > ran.stat().st_mtime):
            md5.unlink()


def setup(app):
    # before sphinx-gallery's own builder-inited handler (priority 500)
    app.connect("builder-inited", rerun_lessons_with_new_figure_translations, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

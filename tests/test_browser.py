"""The built site as a reader sees it, in a real browser (Chromium, driven by Playwright).

The site (``docs/_build/html``) is served on 127.0.0.1 and opened in the system's
Chromium (``/usr/bin/chromium``, Debian's package; Playwright downloads no browser).
Checked: no request leaves the site; each interactive figure draws and moving its
slider changes what it shows; MathJax reports no error; at 1280 px no "Out:" block and
no display equation is cut off (wider ones scroll); a lesson figure opens full size on
click. A screenshot of each lesson page, at 1280 px and at a phone's 390 px, is saved
under ``docs/_build/screenshots`` (CI keeps it).

Skipped, saying how to enable it, without the built site, Playwright or Chromium.
"""

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
SHOTS = ROOT / "docs" / "_build" / "screenshots"
CHROMIUM = os.environ.get("MINIGRAD_CHROMIUM", "/usr/bin/chromium")
HOW = ("to run the browser tests: pip install -e '.[test]' (Playwright) and "
       "apt-get install -y chromium (bash .ci/run does both), then make docs")

if not (SITE / "index.html").is_file():
    pytest.skip("docs not built (no docs/_build/html/index.html); " + HOW,
                allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    pytest.skip("Playwright is not installed; " + HOW, allow_module_level=True)
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM}; " + HOW, allow_module_level=True)

LESSON_PAGES = sorted(f"auto_lessons/{p.stem}" for p in (SITE / "auto_lessons").glob("*.html")
                      if re.match(r"^\d\d[a-z]?_", p.name))
INTERACTIVE_PAGES = [n for n in LESSON_PAGES
                     if 'class="mg-interactive"' in (SITE / f"{n}.html").read_text("utf-8")]
MATH_PAGES = (["theory/gradient_descent", "theory/learning_rate", "theory/optimizers",
               "theory/schedules", "theory/choosing_eta", "errata", "api/optim",
               "api/lr_scheduler", "api/lr_search", "api/curvature"] + LESSON_PAGES)
# The Chinese edition (docs/_build/html/zh_CN): the same pages, checked the same way.
ZH = "zh_CN/"
if (SITE / "zh_CN" / "index.html").is_file():
    MATH_PAGES = MATH_PAGES + [ZH + name for name in MATH_PAGES]
    INTERACTIVE_PAGES = INTERACTIVE_PAGES + [ZH + name for name in INTERACTIVE_PAGES]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def outside():
    """Every request for something not on the site (blocked, and recorded here)."""
    return []


@pytest.fixture
def open_page(browser, base_url, outside):
    pages = []

    def open_(name, width=1280, height=900, **options):
        page = browser.new_page(viewport={"width": width, "height": height}, **options)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(r):
            if r.request.url.startswith(base_url) or r.request.url.startswith("data:"):
                r.continue_()
            else:
                outside.append(f"{name}: {r.request.url}")
                r.abort()
        page.route("**/*", route)
        page.goto(base_url + name + ".html", wait_until="load")
        page.js_errors = errors
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


def wait_for_math(page):
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && "
                           "window.MathJax.startup.promise)", timeout=20000)
    page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")


def test_no_request_leaves_the_site(open_page, outside):
    names = ["index", "search", "api/optim", "theory/optimizers"] + LESSON_PAGES
    for name in names + [ZH + name for name in names]:
        page = open_page(name)
        wait_for_math(page)
        assert not page.js_errors, f"{name}: JavaScript errors {page.js_errors}"
        page.close()
    assert not outside, "requests to outside the site:\n" + "\n".join(outside)


def test_four_lessons_have_interactive_figures():
    assert len(INTERACTIVE_PAGES) >= 4, INTERACTIVE_PAGES


def _picture(figure):
    """What the figure draws now: the outlines of its traces."""
    return figure.evaluate("""f => Array.from(f.querySelectorAll(
        '.scatterlayer path.js-line, .scatterlayer path.point'))
        .map(p => p.getAttribute('d')).join('|')""")


def _sentences(figure):
    return figure.evaluate(
        "f => Array.from(f.querySelectorAll('.mg-verdict')).map(v => v.textContent)")


@pytest.mark.parametrize("name", INTERACTIVE_PAGES)
def test_interactive_figure_draws_and_its_sliders_move_it(open_page, name):
    page = open_page(name)
    figures = page.locator("figure.mg-interactive")
    assert figures.count() >= 1
    for k in range(figures.count()):
        figure = figures.nth(k)
        figure.scroll_into_view_if_needed()
        page.wait_for_selector(f"figure.mg-interactive.mg-ready >> nth={k}", timeout=20000)
        assert figure.locator(".mg-plot svg.main-svg").count() >= 1, "plotly drew nothing"
        sliders = figure.locator("input[type=range]")
        assert sliders.count() >= 1
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            before, said = _picture(figure), _sentences(figure)
            shown = slider.evaluate("e => e.value")
            key = "ArrowLeft" if shown == slider.evaluate("e => e.max") else "ArrowRight"
            slider.focus()
            slider.press(key)
            page.wait_for_timeout(300)
            assert slider.evaluate("e => e.value") != shown
            assert _picture(figure) != before, (
                f"{name}: slider {s} moved but the plot did not change")
            assert _sentences(figure) != said, (
                f"{name}: slider {s} moved but the sentence did not change")
        width = figure.evaluate(
            "f => f.querySelector('.main-svg').getBoundingClientRect().width")
        column = figure.evaluate("f => f.parentElement.getBoundingClientRect().width")
        assert width <= column + 1, f"{name}: the figure ({width}px) overflows ({column}px)"
    assert not page.js_errors, page.js_errors


def _text_colour(page):
    figure = page.locator("figure.mg-interactive").first
    figure.scroll_into_view_if_needed()
    page.wait_for_selector("figure.mg-interactive.mg-ready", timeout=20000)
    colour = figure.evaluate("f => getComputedStyle(f.querySelector('.xtick text')).fill")
    return sum(int(c) for c in re.findall(r"\d+", colour)[:3]) / 3


def test_interactive_figures_follow_dark_mode(open_page):
    name = INTERACTIVE_PAGES[0]
    light = _text_colour(open_page(name, color_scheme="light"))
    dark = _text_colour(open_page(name, color_scheme="dark"))
    assert light < 100 < 150 < dark, f"tick labels: {light:.0f} light, {dark:.0f} dark"


def test_search_snippets_show_no_raw_latex(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "search.html?q=momentum")
    page.wait_for_selector("#search-results p.context", timeout=30000)
    page.wait_for_timeout(1500)  # let the snippets of every result arrive
    snippets = page.locator("#search-results p.context").all_inner_texts()
    page.close()
    raw = [t for t in snippets if re.search(r"\\[a-zA-Z]+|\\\(|\\\[", t)]
    assert snippets and not raw, f"{len(raw)} snippets with LaTeX: {raw[:2]}"


@pytest.mark.parametrize("name", MATH_PAGES)
def test_mathjax_typesets_without_errors(open_page, name):
    page = open_page(name)
    wait_for_math(page)
    assert page.locator("mjx-container").count() > 0 or "auto_lessons" in name
    assert page.locator("mjx-merror, [data-mjx-error]").count() == 0, (
        page.locator("mjx-merror, [data-mjx-error]").first.get_attribute("data-mjx-error"))
    assert "\\(" not in page.locator("article").inner_text(), f"{name}: raw TeX shown"
    shown = page.evaluate("() => Array.from(document.querySelectorAll('mjx-container'))"
                          ".map(e => e.textContent).filter(t => t.includes('\\\\'))")
    assert not shown, f"{name}: typeset math shows a backslash: {shown[:3]}"


CLIPPED = """() => {
  const bad = [];
  const hides = el => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (e.scrollWidth > e.clientWidth + 1 && !['auto', 'scroll'].includes(s.overflowX))
        return e;
      if (['auto', 'scroll'].includes(s.overflowX)) return null;   // it scrolls: fine
    }
    return null;
  };
  document.querySelectorAll('.sphx-glr-script-out pre, mjx-container[display=true]')
    .forEach(el => {
      const r = el.getBoundingClientRect(), article = document.querySelector('article')
        .getBoundingClientRect();
      if (el.scrollWidth > el.clientWidth + 1 && !['auto', 'scroll']
            .includes(getComputedStyle(el).overflowX) && hides(el))
        bad.push(el.textContent.slice(0, 60));
      else if (r.right > article.right + 2 && !hides(el.parentElement))
        bad.push('sticks out: ' + el.textContent.slice(0, 60));
      if (el.tagName === 'PRE' && el.scrollWidth > el.clientWidth + 1 &&
          el.scrollLeft === 0 && !el.parentElement.classList.contains('mg-scrolls'))
        bad.push('scrolls without saying so: ' + el.textContent.slice(0, 60));
      if (el.scrollHeight > el.clientHeight + 2 && getComputedStyle(el).overflowY !== 'visible'
          && el.tagName === 'MJX-CONTAINER')
        bad.push('cut vertically: ' + el.textContent.slice(0, 60));
    });
  return bad;
}"""


@pytest.mark.parametrize("name", LESSON_PAGES + ["api/optim", "api/lr_scheduler",
                                                  "theory/schedules"])
def test_nothing_is_clipped_at_1280px(open_page, name):
    page = open_page(name, width=1280)
    wait_for_math(page)
    bad = page.evaluate(CLIPPED)
    assert not bad, f"{name}: {len(bad)} blocks cut off: {bad[:5]}"


def test_a_figure_opens_full_size_on_click(open_page):
    page = open_page(LESSON_PAGES[0], width=1280)
    image = page.locator("img.sphx-glr-single-img, img.sphx-glr-multi-img").first
    image.scroll_into_view_if_needed()
    shown = image.evaluate("i => i.getBoundingClientRect().width")
    natural = image.evaluate("i => i.naturalWidth")
    image.click()
    big = page.locator(".mg-zoom-overlay img")
    big.wait_for(state="visible", timeout=5000)
    page.wait_for_function("() => document.querySelector('.mg-zoom-overlay img').complete")
    full = big.evaluate("i => i.getBoundingClientRect().width")
    assert full == pytest.approx(natural, abs=2) and full >= shown
    page.keyboard.press("Escape")
    assert page.locator(".mg-zoom-overlay").count() == 0


@pytest.mark.parametrize("name", LESSON_PAGES + [ZH + name for name in LESSON_PAGES])
def test_screenshots_of_each_lesson(open_page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = name.split("/")[-1] + ("-zh_CN" if name.startswith(ZH) else "")
    for width in (1280, 390):
        page = open_page(name, width=width, height=900)
        wait_for_math(page)
        if name in INTERACTIVE_PAGES:
            page.locator("figure.mg-interactive").first.scroll_into_view_if_needed()
            page.wait_for_selector("figure.mg-interactive.mg-ready", timeout=20000)
            page.locator("figure.mg-interactive").first.screenshot(
                path=str(SHOTS / f"{stem}-interactive-{width}.png"))
        page.screenshot(path=str(SHOTS / f"{stem}-{width}.png"), full_page=True)
        page.close()
        assert (SHOTS / f"{stem}-{width}.png").stat().st_size > 10_000


# ------------------------------------------------------------------ the Chinese edition

_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_language_switcher_lands_on_the_same_page_both_ways(open_page, base_url, width):
    page = open_page("auto_lessons/04_momentum", width=width)
    switch = page.locator("a.mg-language-switch")
    assert switch.is_visible() and switch.inner_text() == "中文"
    box = switch.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width, "the switcher is off screen"
    switch.click()
    page.wait_for_load_state("load")
    assert page.url == base_url + "zh_CN/auto_lessons/04_momentum.html"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert _HAN.search(page.locator("h1").first.inner_text()), "the title is not Chinese"
    back = page.locator("a.mg-language-switch")
    assert back.is_visible() and back.inner_text() == "English"
    back.click()
    page.wait_for_load_state("load")
    assert page.url == base_url + "auto_lessons/04_momentum.html"


def test_the_chinese_search_finds_the_lessons_for_learning_rate(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "zh_CN/search.html?q=学习率")
    page.wait_for_selector("#search-results li", timeout=30000)
    page.wait_for_timeout(1500)
    links = page.locator("#search-results li a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))")
    page.close()
    lessons = [href for href in links if "auto_lessons/" in href]
    assert len(lessons) >= 5, links


def test_the_chinese_interactive_figures_speak_chinese(open_page):
    for name in [n for n in INTERACTIVE_PAGES if n.startswith(ZH)]:
        page = open_page(name)
        figure = page.locator("figure.mg-interactive").first
        assert _HAN.search(figure.locator("figcaption").inner_text()), name
        figure.scroll_into_view_if_needed()
        page.wait_for_selector("figure.mg-interactive.mg-ready", timeout=20000)
        assert _HAN.search(figure.locator(".mg-verdict").first.inner_text()), name
        page.close()

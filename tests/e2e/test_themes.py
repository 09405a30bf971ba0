"""Light and dark themes in a real browser: a student can switch them, and every chart's text stays readable.

The server sends no fixed theme (no ``[theme] base`` in ``.streamlit/config.toml``), so Streamlit follows the
browser's light or dark preference and its menu (⋮) offers System / Light / Dark, also in the viewer toolbar
mode. Each theme is chosen here as a student does, in that menu, against the opposite system preference.
Streamlit (1.67) stores the choice in the browser under the path of the address the app was loaded from: it
holds while a student moves between pages in the app and on reloading that address, but a page loaded from its
own link starts from the choice made there, else from the system preference. So each page here is opened by its
link and the theme chosen on it.
Then on every page with charts (the Keras page draws four before any training) and in every tab of a page,
for each chart's axis titles, tick labels, chart title, legend, annotations, text labels and animation slider,
the WCAG contrast ratio of the text colour against the page background must be at least 4.5 (normal text).
Screenshots go to ``screenshots/theme_<theme>_<page>[_<tab number>].png``.
"""

from __future__ import annotations

import re

import pytest

from nnviz.ui.course import available
from tests.e2e.conftest import SCREENSHOTS, no_exception, wait_for_app

pytestmark = pytest.mark.browser

# Every page whose charts need no stored run (the loss-curve page has none until a model is trained).
PAGES = [p for p in ("", "perceptron", "activations", "cost_functions", "gradient_descent", "backpropagation",
                     "playground", "keras_training") if p == "" or p in {lesson.url_path for lesson in available()}]

# Relative luminance and contrast (WCAG 2.1) of every chart text element against the page background.
CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const page = rgb(getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor);
  const out = [];
  const selector = '.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .gtitle, .legendtext, .annotation-text, .textpoint text, .slider-label, .slider-current-value';
  for (const el of document.querySelectorAll('[data-testid=stMain] .js-plotly-plot ' + selector.split(', ')
                                             .join(', [data-testid=stMain] .js-plotly-plot '))) {
    if (!el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    const op = parseFloat(style.fillOpacity || '1');
    const fill = rgb(style.fill).slice(0, 3).map((c, i) => c * op + page[i] * (1 - op));  // as blended on screen
    const [a, b] = [lum(fill), lum(page)].sort((x, y) => y - x);
    out.push([el.textContent.trim().slice(0, 30), (a + 0.05) / (b + 0.05)]);
  }
  return {page, texts: out};
}"""

BACKGROUND = "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"


def _is_dark(rgb: str) -> bool:
    return sum(map(float, re.findall(r"[\d.]+", rgb)[:3])) < 150


def _settled(pg) -> None:
    """Wait until the run is over: no placeholder skeletons, every Plotly chart drawn."""
    wait_for_app(pg, timeout=120_000)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]')"
        " && [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
        "      .every(c => c.querySelector('.main-svg'))", timeout=120_000)
    pg.wait_for_timeout(1000)  # Plotly's text drawn, the theme's colours applied
    wait_for_app(pg, timeout=120_000)


def _menu_themes(pg) -> dict[str, bool]:
    """Open the ⋮ menu; the theme choices it offers, each with whether it is checked."""
    pg.locator("[data-testid=stMainMenu] button").first.click()
    items = pg.locator("[data-testid^='stMainMenuItem-theme-']")
    items.first.wait_for(timeout=10_000)
    return {item.get_attribute("data-testid").removeprefix("stMainMenuItem-theme-"):
            item.get_attribute("aria-checked") == "true" for item in items.all()}


def choose_theme(pg, theme: str) -> None:
    """Pick Light or Dark in Streamlit's menu, as a student does."""
    assert set(_menu_themes(pg)) == {"System", "Light", "Dark"}
    pg.get_by_role("menuitemradio", name=theme.capitalize()).click()
    pg.wait_for_function(f"dark => (({BACKGROUND})().match(/[\\d.]+/g).slice(0, 3).map(Number)"
                         ".reduce((a, b) => a + b) < 150) === dark", arg=theme == "dark")
    pg.keyboard.press("Escape")  # close the menu
    pg.locator("[data-testid^='stMainMenuItem-']").first.wait_for(state="detached")


@pytest.fixture(scope="module", params=["light", "dark"])
def themed(request, browser, server_url):
    theme = request.param
    # The opposite system preference: the page shows the theme only because the student chose it.
    context = browser.new_context(viewport={"width": 1280, "height": 800},
                                  color_scheme="light" if theme == "dark" else "dark")
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    try:
        yield theme, server_url, pg
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_theme_follows_the_system_preference_until_a_student_chooses_one(browser, server_url, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    try:
        pg = context.new_page()
        pg.goto(server_url)
        wait_for_app(pg)
        assert _is_dark(pg.evaluate(BACKGROUND)) == (scheme == "dark")
        assert _menu_themes(pg) == {"System": True, "Light": False, "Dark": False}
        pg.keyboard.press("Escape")
        pg.locator("[data-testid^='stMainMenuItem-']").first.wait_for(state="detached")
        choose_theme(pg, "light" if scheme == "dark" else "dark")
        # The choice holds after a reload and on the next pages of the course.
        pg.reload()
        wait_for_app(pg)
        assert _is_dark(pg.evaluate(BACKGROUND)) == (scheme == "light")
        for lesson in available()[:2]:
            pg.locator("[data-testid=stSidebarNav]").get_by_text(lesson.title, exact=True).click()
            pg.wait_for_url(f"**/{lesson.url_path}**")
            wait_for_app(pg)
            assert _is_dark(pg.evaluate(BACKGROUND)) == (scheme == "light")
        assert _menu_themes(pg)["Light" if scheme == "dark" else "Dark"]
    finally:
        context.close()


def _check(pg, theme: str, name: str) -> list[tuple[str, float]]:
    """The chart texts of the page as it is now below 4.5:1 contrast; a screenshot of it."""
    found = pg.evaluate(CONTRAST)
    assert (sum(found["page"][:3]) < 150) == (theme == "dark"), found["page"]  # the chosen theme is still on
    SCREENSHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"theme_{theme}_{name}.png"))
    return found["texts"]


@pytest.mark.parametrize("path", PAGES)
def test_chart_text_is_readable_in_both_themes(themed, path):
    theme, url, pg = themed
    pg.goto(f"{url}/{path}")
    wait_for_app(pg, timeout=120_000)
    choose_theme(pg, theme)
    _settled(pg)
    no_exception(pg)
    if path == "keras_training":  # the data's charts, drawn before any training
        assert pg.locator("[data-testid=stMain] [data-testid=stPlotlyChart] .main-svg").count() >= 4
    name = path or "home"
    texts = {"": _check(pg, theme, name)}
    # Lazy tabs (one section at a time): open each and look at its charts too.
    tablist = pg.locator("[data-testid=stMain] [role=tablist]").first
    if tablist.count():
        tabs = tablist.locator("[role=tab]")
        labels = [tab.inner_text().strip() for tab in tabs.all()]
        for i, label in enumerate(labels):
            tabs.nth(i).click()
            pg.wait_for_function("t => t.getAttribute('aria-selected') === 'true'", arg=tabs.nth(i).element_handle())
            _settled(pg)
            no_exception(pg)
            texts[label] = _check(pg, theme, f"{name}_{i + 1}")
    charted = {label: found for label, found in texts.items() if found}
    assert charted, f"/{path}: no chart text found"
    poor = {label or "(first view)": [(text, round(ratio, 2)) for text, ratio in found if ratio < 4.5][:10]
            for label, found in charted.items()}
    poor = {label: found for label, found in poor.items() if found}
    assert not poor, f"{theme} theme, /{path}: chart text below 4.5:1 contrast: {poor}"
    assert pg.errors == []

"""Light and dark themes in a real browser: every page's chart text stays readable on the page's background.

A student may switch Streamlit's theme to dark (Settings → Theme); the server here is started with
``STREAMLIT_THEME_BASE`` set, the same as a teacher choosing the theme in ``.streamlit/config.toml``.
For each chart's axis titles, tick labels, chart title, legend, annotations, text labels and animation slider, the WCAG contrast ratio of the text
colour against the page background must be at least 4.5 (normal text). Screenshots go to
``screenshots/theme_<theme>_<page>.png``.
"""

from __future__ import annotations

import pytest

from nnviz.ui.course import available
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, no_exception, start_server, wait_for_app

pytestmark = pytest.mark.browser

# The pages with charts that need no training first; the Keras pages draw theirs after a training.
PAGES = [p for p in ("", "perceptron", "activations", "cost_functions", "gradient_descent", "backpropagation",
                     "playground") if p == "" or p in {lesson.url_path for lesson in available()}]

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


@pytest.fixture(scope="module", params=["light", "dark"])
def themed(request, browser):
    port = free_port()
    proc = start_server(port, env={"STREAMLIT_THEME_BASE": request.param})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    try:
        yield request.param, f"http://127.0.0.1:{port}", pg
    finally:
        context.close()
        proc.kill()
        proc.wait(10)


@pytest.mark.parametrize("path", PAGES)
def test_chart_text_is_readable_in_both_themes(themed, path):
    from tests.e2e.conftest import SCREENSHOTS

    theme, url, pg = themed
    pg.goto(f"{url}/{path}")
    wait_for_app(pg)
    pg.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    pg.wait_for_timeout(1500)  # every chart of the page drawn
    wait_for_app(pg)
    no_exception(pg)
    found = pg.evaluate(CONTRAST)
    background = found["page"]
    assert (sum(background[:3]) < 150) == (theme == "dark"), background  # the theme really is on
    assert found["texts"], "no chart text found"
    poor = [(text, round(ratio, 2)) for text, ratio in found["texts"] if ratio < 4.5]
    SCREENSHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"theme_{theme}_{path or 'home'}.png"))
    assert not poor, f"{theme} theme, /{path}: chart text below 4.5:1 contrast: {poor[:10]}"
    assert pg.errors == []

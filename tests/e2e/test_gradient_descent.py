"""The gradient-descent page in a real browser: the learning rate moved with the keyboard redraws the steps."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

# x and y of one trace of the n-th Plotly chart, as the browser holds them (typed arrays made plain).
TRACE = """([n, t]) => {
    const g = document.querySelectorAll('.js-plotly-plot')[n];
    if (!g || !g._fullData || !g._fullData[t]) return null;
    return [Array.from(g._fullData[t].x), Array.from(g._fullData[t].y)];
}"""


def _open(page, server_url, query=""):
    page.goto(f"{server_url}/gradient_descent{query}")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=30_000)
    wait_for_app(page)


def _thumb(page, label):
    return page.locator('[data-testid="stSlider"]', has_text=label).locator('input[type="range"]').first


def test_learning_rate_keyboard_move_changes_the_trajectory(page, server_url):
    _open(page, server_url)
    no_exception(page)
    before = page.evaluate(TRACE, [0, 1])  # chart 0 = C(w) with the steps; trace 1 = the points visited
    assert before is not None and len(before[0]) == 31  # 30 steps from w0 = -2
    screenshot(page, "gradient_descent")
    thumb = _thumb(page, "learning rate η (log scale)")
    thumb.focus()
    for _ in range(6):  # 0.1 -> 0.2 in six stops of 10^(1/20), if no key press lands during a rerun
        thumb.press("ArrowRight", delay=30)
    page.wait_for_function("() => new URLSearchParams(location.search).has('lr')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_function(f"before => JSON.stringify(({TRACE})([0, 1])) !== JSON.stringify(before)",
                           arg=before, timeout=30_000)
    wait_for_app(page)
    lr = float(page.evaluate("() => new URLSearchParams(location.search).get('lr')"))
    assert 0.1 < lr <= 0.2
    after = page.evaluate(TRACE, [0, 1])
    assert after[0][0] == before[0][0] == -2.0
    # w <- w - η · 2 (w - 2): from -2 the first step lands on -2 + 8η (-1.2 with η = 0.1, -0.4 with η = 0.2)
    assert before[0][1] == pytest.approx(-1.2)
    assert after[0][1] == pytest.approx(-2 + 8 * lr)
    page.get_by_text("Converged").first.wait_for(timeout=30_000)
    no_exception(page)
    assert page.errors == []


def test_huge_learning_rate_says_diverged_and_the_race_runs(page, server_url):
    _open(page, server_url, "?lr=5.01&lr_adam=10.0")
    page.get_by_text("Diverged at step 2").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot", has_text="the optimizers race").count() == 0  # its tab is closed
    # Open the race's tab, as a student clicks it: it runs now, with the link's Adam learning rate.
    page.get_by_role("tab", name="Two weights: the race").click()
    page.get_by_text("Adam diverged at step").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert "section=Two+weights" in page.evaluate("() => location.search")
    no_exception(page)
    race = page.locator(".js-plotly-plot", has_text="the optimizers race")
    race.scroll_into_view_if_needed()
    race.get_by_text("▶ Play").click()
    page.wait_for_timeout(1500)
    screenshot(page, "gradient_descent_diverged")
    assert page.errors == []


def test_clicking_the_contour_moves_the_start(page, server_url):
    _open(page, server_url, "?section=Two+weights%3A+the+race")
    race = page.locator(".js-plotly-plot", has_text="the optimizers race")
    race.scroll_into_view_if_needed()
    wait_for_app(page)
    plot_area = race.locator(".nsewdrag").first  # the plot's drawing area (axes box)
    box = plot_area.bounding_box()
    # Rosenbrock's box is x in [-2, 2], y in [-1, 3]: click at about (1, 0).
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75)
    page.wait_for_function("() => location.search.includes('x0=')", timeout=30_000)
    wait_for_app(page)
    params = dict(p.split("=") for p in page.evaluate("() => location.search").lstrip("?").split("&"))
    assert float(params["x0"]) == pytest.approx(1.0, abs=0.25)
    assert float(params["y0"]) == pytest.approx(0.0, abs=0.25)
    no_exception(page)
    page.wait_for_timeout(1000)
    race.screenshot(path=str(screenshot(page, "gradient_descent_clicked").with_name("gradient_descent_race.png")))

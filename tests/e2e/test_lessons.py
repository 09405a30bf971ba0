"""The three foundation lessons in a real browser: a slider moved with the keyboard redraws the figure."""

import pytest

from tests.e2e.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

# Every Plotly chart's data and title, as the browser holds them after drawing.
PLOTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
    g => JSON.stringify([g.layout && g.layout.title && g.layout.title.text,
                         (g.data || []).map(t => [t.x, t.y])]))"""


def _open(page, url):
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    return page.evaluate(PLOTS)


def _press_first_slider(page, key="ArrowRight"):
    # Streamlit 1.67 (react-aria) puts a visually hidden <input type=range> in each thumb.
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    thumb.press(key)


def _wait_for_redraw(page, before):
    page.wait_for_function(f"before => JSON.stringify(({PLOTS})()) !== JSON.stringify(before)",
                           arg=before, timeout=30_000)
    wait_for_app(page)


@pytest.mark.parametrize("stem,label", [
    ("perceptron", "input x₁"), ("activations", "z range"), ("cost_functions", "output a"),
])
def test_keyboard_slider_move_redraws_the_figure(page, server_url, stem, label):
    before = _open(page, f"{server_url}/{stem}")
    first = page.locator('[data-testid="stSlider"]').first
    assert label in first.inner_text()
    _press_first_slider(page)
    _wait_for_redraw(page, before)
    after = page.evaluate(PLOTS)
    assert after != before
    assert stem.split("_")[0] in page.url
    no_exception(page)
    assert page.errors == []
    screenshot(page, f"lesson_{stem}")


def test_learning_rule_replay_plays_in_the_browser(page, server_url):
    _open(page, f"{server_url}/perceptron")
    replay = page.locator(".js-plotly-plot", has_text="AND: start")
    replay.scroll_into_view_if_needed()
    replay.get_by_text("▶ Play").click()
    # Plotly steps through the frames itself, without a server round trip.
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".some(g => g.layout.title.text.startsWith('AND: epoch 4'))", timeout=20_000)
    no_exception(page)
    assert page.errors == []

"""A page's sections rerun alone: a widget redraws its own section's charts, not the others', and the URL follows.

Counted, not timed: every Plotly chart gets a counter of its ``plotly_afterplot`` events, and each
chart's div is tagged; a section that reran would remount or redraw its charts.
"""

import pytest

from tests.e2e.conftest import no_exception, wait_for_app

pytestmark = pytest.mark.browser

# Tag every chart's div and count its redraws, including charts mounted later.
COUNT = """() => {
  window.__redraws = window.__redraws || new Map();
  const watch = g => {
    if (g.__watched) return; g.__watched = true;
    g.on('plotly_afterplot', () => {
      const title = ((g.layout && g.layout.title && g.layout.title.text) || '?').replace(/<[^>]+>/g, '');
      window.__redraws.set(title, (window.__redraws.get(title) || 0) + 1);
    });
  };
  document.querySelectorAll('.js-plotly-plot').forEach(g => { g.__tag = 'before'; watch(g); });
  new MutationObserver(() => document.querySelectorAll('.js-plotly-plot').forEach(watch))
    .observe(document.body, {childList: true, subtree: true});
}"""
TAGGED = """title => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(g => ((g.layout && g.layout.title && g.layout.title.text) || '').replace(/<[^>]+>/g, '')
    .startsWith(title))
  .map(g => g.__tag === 'before')"""


def _open(page, url):
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    page.wait_for_timeout(500)  # let the first draws finish before counting
    page.evaluate(COUNT)


def _press(page, label, key="ArrowRight"):
    slider = page.locator('[data-testid="stSlider"]', has_text=label).first
    thumb = slider.locator('input[type="range"]').first
    thumb.focus()
    thumb.press(key)


def _redraws(page) -> dict:
    return dict(page.evaluate("() => Object.fromEntries(window.__redraws)"))


def test_a_neuron_slider_redraws_its_section_and_leaves_the_learning_rule_alone(page, server_url):
    _open(page, f"{server_url}/perceptron")
    _press(page, "input x₁")
    page.wait_for_function("() => location.search.includes('x1=1.1')", timeout=30_000)
    page.wait_for_function("() => Array.from(window.__redraws.keys()).some(k => k.startsWith('Input plane'))",
                           timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    redraws = _redraws(page)
    assert any(title.startswith("Input plane") for title in redraws), redraws
    # The learning rule's charts (replay "AND: ...", errors per epoch) were neither remounted nor redrawn.
    assert not any(title.startswith("AND") or title.startswith("Errors") for title in redraws), redraws
    assert page.evaluate(TAGGED, "AND") == [True]
    no_exception(page)
    assert page.errors == []


def test_a_learning_rule_slider_leaves_the_neuron_section_alone_and_writes_the_link(page, server_url):
    _open(page, f"{server_url}/perceptron")
    _press(page, "learning rate η")
    page.wait_for_function("() => location.search.includes('lr=0.15')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    redraws = _redraws(page)
    assert any(title.startswith("AND") or title.startswith("Errors") for title in redraws), redraws
    assert not any(title.startswith("Input plane") for title in redraws), redraws
    assert page.evaluate(TAGGED, "Input plane") == [True]
    # The share box's address follows the section's change (the URL is the page's single source).
    assert "lr=0.15" in page.evaluate("() => location.search")
    no_exception(page)

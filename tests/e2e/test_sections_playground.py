"""The playground's sections rerun alone in a real browser: a training setting keeps the run and redraws nothing,
a display setting redraws the live canvas only, a data setting makes a new run and redraws what shows it.

Counted, not timed: Plotly charts count their redraws (tests.e2e.test_sections), the canvas counts the batches
it received (``window.nnvizPlayground.batches``).
"""

import pytest

from tests.e2e.conftest import no_exception, wait_for_app
from tests.e2e.test_sections import COUNT, TAGGED, _open, _press, _redraws

pytestmark = pytest.mark.browser

LOSS, MATRIX = "Loss per epoch", "Confusion matrix"


def _batches(page) -> int:
    return page.evaluate("() => window.nnvizPlayground.batches")


def _settled(page, query: str) -> None:
    page.wait_for_function(f"() => location.search.includes('{query}')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)


def _open_playground(page, server_url) -> int:
    """The playground after one Step (a history to chart), charts counted; returns the canvas's batches so far."""
    page.goto(server_url)  # the home page first: it switches a fresh server to app.py's navigation
    wait_for_app(page)
    _open(page, f"{server_url}/playground")
    page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.drawn > 0", timeout=30_000)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("() => window.nnvizPlayground.epoch === 1", timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    page.evaluate(COUNT)
    page.evaluate("() => { window.__redraws = new Map(); "
                  "document.querySelectorAll('.js-plotly-plot').forEach(g => { g.__tag = 'before'; }); }")
    return _batches(page)


def test_a_training_setting_keeps_the_run_and_redraws_nothing_else(page, server_url):
    batches = _open_playground(page, server_url)
    _press(page, "Batch size")
    _settled(page, "batch_size=11")
    redraws = _redraws(page)
    # Neither the loss history nor the confusion matrix (the rest of the page) reran, nor did the canvas.
    assert not any(title.startswith((LOSS, MATRIX)) for title in redraws), redraws
    assert page.evaluate(TAGGED, LOSS) == [True] and page.evaluate(TAGGED, MATRIX) == [True]
    assert _batches(page) == batches
    assert page.locator('[data-testid="playground-epoch"]').inner_text().strip() == "Epoch 1"  # the same run
    no_exception(page)
    assert page.errors == []


def test_a_display_setting_redraws_the_canvas_and_leaves_the_charts_alone(page, server_url):
    batches = _open_playground(page, server_url)
    page.get_by_text("Beyond TensorFlow Playground").click()
    page.get_by_text("Show test data").click()
    _settled(page, "show_test=1")
    page.wait_for_function(f"() => window.nnvizPlayground.batches > {batches}", timeout=30_000)
    redraws = _redraws(page)
    assert not any(title.startswith((LOSS, MATRIX)) for title in redraws), redraws
    assert page.evaluate(TAGGED, LOSS) == [True] and page.evaluate(TAGGED, MATRIX) == [True]
    assert page.locator('[data-testid="playground-epoch"]').inner_text().strip() == "Epoch 1"
    no_exception(page)
    assert page.errors == []


def test_a_data_setting_makes_a_new_run_and_redraws_what_shows_it(page, server_url):
    """The control: the counters do see a section that reruns, here the whole page for new data."""
    batches = _open_playground(page, server_url)
    _press(page, "Noise")
    _settled(page, "noise=5")
    page.wait_for_function(f"() => window.nnvizPlayground.batches > {batches}", timeout=30_000)
    page.wait_for_function("() => window.nnvizPlayground.epoch === 0", timeout=30_000)
    redraws = _redraws(page)
    assert any(title.startswith(MATRIX) for title in redraws), redraws
    no_exception(page)
    assert page.errors == []

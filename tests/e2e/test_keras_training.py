"""Real browser: train a tiny Keras model, watch the loss chart grow, stop a training, look at the runs."""

import time

import pytest

from tests.e2e.conftest import no_exception, screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.tensorflow]

TINY = "data=iris&layers=8&dropout=0.0&early_stopping=0&batch_size=8"

# The number of epochs drawn in the live chart's "training loss" trace (0 when absent).
EPOCHS_DRAWN = """() => {
  for (const el of document.querySelectorAll('.js-plotly-plot')) {
    const title = el.layout && el.layout.title && (el.layout.title.text || el.layout.title);
    if (!title || !String(title).includes('loss per epoch')) continue;
    const trace = (el.data || []).find(t => t.name === 'training loss');
    return trace ? trace.x.length : 0;
  }
  return -1;
}"""


EPOCHS_DRAWN_READY = f"() => ({EPOCHS_DRAWN})() >= 0"


def _open(page, url):
    page.goto(url)
    wait_for_app(page, timeout=120_000)
    train = page.get_by_role("button", name="Train", exact=True)
    train.wait_for(timeout=120_000)
    train.scroll_into_view_if_needed()  # Streamlit mounts a Plotly chart only once it is near the viewport
    page.wait_for_function(EPOCHS_DRAWN_READY, timeout=60_000)


def _status_text(page):
    return page.locator('[data-testid="stMarkdownContainer"]').all_inner_texts()


def test_training_a_tiny_model_grows_the_loss_chart_live(page, server_url):
    _open(page, f"{server_url}/keras_training?{TINY}&epochs=25")
    assert page.evaluate(EPOCHS_DRAWN) == 0  # the empty loss chart is there before training
    screenshot(page, "keras_training_ready")
    page.get_by_role("button", name="Train", exact=True).click()
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        seen.append(page.evaluate(EPOCHS_DRAWN))
        if any("Run " in text and "25 epochs" in text for text in _status_text(page)):
            break
        time.sleep(0.1)
    growing = sorted({n for n in seen if n > 0})
    assert len(growing) >= 3, f"the chart did not grow live: {seen}"
    wait_for_app(page, timeout=60_000)
    assert page.evaluate(EPOCHS_DRAWN) == 25
    page.get_by_text("Confusion matrix (test split)").first.wait_for(timeout=30_000)
    no_exception(page)
    assert page.errors == []
    screenshot(page, "keras_training_trained")


def test_stop_ends_training_and_keeps_the_model_so_far(page, server_url):
    _open(page, f"{server_url}/keras_training?{TINY}&epochs=300")
    page.get_by_role("button", name="Train", exact=True).click()
    deadline = time.monotonic() + 120
    while page.evaluate(EPOCHS_DRAWN) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("the model trained so far is kept").wait_for(timeout=60_000)
    wait_for_app(page, timeout=60_000)
    text = " ".join(_status_text(page))
    epochs = int(text.split("Stopped at epoch ")[1].split(";")[0])
    assert 3 <= epochs < 300
    assert page.evaluate(EPOCHS_DRAWN) == epochs
    page.get_by_text("Confusion matrix (test split)").first.wait_for(timeout=30_000)  # the partial model is evaluated
    no_exception(page)
    screenshot(page, "keras_training_stopped")


def test_the_toolbar_stop_ends_training_and_shows_the_evaluation(page, server_url):
    # Streamlit's own Stop (top right, while the page runs) ends the script run without starting another:
    # one press must still end the training and show the model kept, not leave "Training… epoch k" on screen.
    _open(page, f"{server_url}/keras_training?{TINY}&epochs=300")
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({EPOCHS_DRAWN})() >= 3", timeout=120_000)
    page.get_by_test_id("stStatusWidget").get_by_role("button", name="Stop").click()
    page.get_by_text("the model trained so far is kept").wait_for(timeout=60_000)
    page.get_by_text("Confusion matrix (test split)").first.wait_for(timeout=60_000)
    wait_for_app(page, timeout=60_000)
    text = " ".join(_status_text(page))
    epochs = int(text.split("Stopped at epoch ")[1].split(";")[0])
    assert 3 <= epochs < 300 and page.evaluate(EPOCHS_DRAWN) == epochs
    assert not any(t.startswith("Training…") for t in _status_text(page))
    no_exception(page)


def test_markdown_in_a_link_is_shown_as_text_without_a_link(page, server_url):
    page.goto(f"{server_url}/keras_training?layers=[Your%20session%20expired](http://example.invalid)")
    wait_for_app(page, timeout=120_000)
    alert = page.get_by_test_id("stAlert").filter(has_text="cannot read the layer").first
    alert.wait_for(timeout=60_000)
    assert "[Your session expired](http://example.invalid)" in alert.inner_text().replace("\u200b", "")
    assert page.locator('a[href*="example.invalid"]').count() == 0
    no_exception(page)


def test_loss_curves_page_lists_the_stored_runs(page, server_url):
    # This test makes its own run (it may run alone): a tiny training, then the loss-curve page.
    _open(page, f"{server_url}/keras_training?{TINY}&epochs=2")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("2 epochs in").first.wait_for(timeout=120_000)
    page.goto(f"{server_url}/loss_curves")
    wait_for_app(page, timeout=60_000)
    page.get_by_text("smoothed (0.60) over the raw curve").first.wait_for(timeout=30_000)
    no_exception(page)
    assert page.errors == []
    screenshot(page, "loss_curves")


def test_a_second_session_waits_in_line_and_sees_its_position(browser, server_url):
    first, second = (browser.new_context(viewport={"width": 1400, "height": 1000}).new_page() for _ in range(2))
    try:
        _open(first, f"{server_url}/keras_training?{TINY}&epochs=300")
        _open(second, f"{server_url}/keras_training?{TINY}&epochs=2")
        first.get_by_role("button", name="Train", exact=True).click()
        deadline = time.monotonic() + 120
        while first.evaluate(EPOCHS_DRAWN) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        second.get_by_role("button", name="Train", exact=True).click()
        second.get_by_text("you are number 1 in line").wait_for(timeout=30_000)
        screenshot(second, "keras_training_queued")
        first.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop", exact=True).click()
        # The slot passes on: the waiting session trains its 2 epochs by itself.
        second.get_by_text("2 epochs in").wait_for(timeout=120_000)
        no_exception(second)
    finally:
        first.context.close()
        second.context.close()

"""The Keras page's sections rerun alone in a real browser: counted, not timed.

A preparation choice reruns the preparation, the model and the training sections (they read it), not the data
overview: its charts are neither re-sent nor redrawn. A feature picked in the overview reruns the overview only:
the model's code and the loss chart are not re-sent.
"""

import pytest

from tests.e2e.conftest import no_exception, wait_for_app
from tests.e2e.test_sections import COUNT, TAGGED, _press, _redraws
from tests.e2e.test_sections_activations import _resent

pytestmark = [pytest.mark.browser, pytest.mark.tensorflow]

BALANCE, DISTRIBUTION, CORRELATION, LOSS = ("Class balance", "Distribution of", "Correlations",
                                            "Training vs validation loss")


def _open(page, url: str) -> None:
    """Open the page with the overview's expander open, and start counting once its four charts are drawn."""
    page.sent, page.recording = [], False
    page.on("websocket", lambda socket: socket.on(
        "framereceived", lambda frame: page.sent.append(frame) if page.recording else None))
    page.goto(url)
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Explore the data").first.click()
    for title in (BALANCE, DISTRIBUTION, CORRELATION, LOSS):
        chart = page.locator(".js-plotly-plot", has_text=title).first
        chart.scroll_into_view_if_needed()  # Streamlit mounts a Plotly chart once it is near the viewport
        chart.locator(".main-svg").first.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)
    page.evaluate(COUNT)
    page.evaluate("() => window.__redraws.clear()")
    page.recording = True


def _settle(page, param: str) -> dict:
    page.wait_for_function(f"() => location.search.includes({param!r})", timeout=60_000)
    wait_for_app(page, timeout=60_000)
    page.wait_for_timeout(1000)
    return _redraws(page)


def test_a_preparation_choice_leaves_the_data_overview_alone(page, server_url):
    _open(page, f"{server_url}/keras_training?data=iris")
    _press(page, "Test fraction")
    redraws = _settle(page, "test_fraction=0.25")
    assert not any(title.startswith((BALANCE, DISTRIBUTION, CORRELATION)) for title in redraws), redraws
    assert not any(_resent(page, title) for title in (BALANCE, DISTRIBUTION, CORRELATION))
    assert all(page.evaluate(TAGGED, title) == [True] for title in (BALANCE, CORRELATION))
    # The sections that read it did rerun: the model's code and the training section were sent again.
    assert _resent(page, "keras.Sequential") and _resent(page, "Run name")
    no_exception(page)
    assert page.errors == []


def test_a_feature_picked_in_the_overview_reruns_the_overview_only(page, server_url):
    _open(page, f"{server_url}/keras_training?data=iris")
    box = page.locator('[data-testid="stSelectbox"]', has_text="Feature to plot").locator("input").first
    box.click()
    page.keyboard.type("petal width")
    page.keyboard.press("Enter")
    redraws = _settle(page, "feature=petal")
    assert any(title.startswith("Distribution of petal width") for title in redraws), redraws
    assert not any(_resent(page, text) for text in ("keras.Sequential", LOSS, "Run name"))
    assert page.evaluate(TAGGED, LOSS) == [True]
    no_exception(page)
    assert page.errors == []

"""What a student sees on the math pages, in a real browser: number boxes, formulas, legends, presenter mode."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import no_exception, wait_for_app

pytestmark = pytest.mark.browser

MATH_PAGES = ("gradient_descent", "backpropagation", "perceptron", "activations", "cost_functions")


def _open(browser, server_url, path, width=1280, height=800):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    page.goto(f"{server_url}/{path}")
    wait_for_app(page, 60_000)
    return context, page


def _type(page, label, text):
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    return box


@pytest.mark.parametrize("path, label, typed, shown, message", [
    ("perceptron", "cloud seed", "99999999", "9999",
     "cloud seed goes from 0 to 9999; 99999999 is outside it, so 9999 is used."),
    # The browser's whole-number box would read 1e30 as 1, silently.
    ("perceptron", "cloud seed", "1e30", "9999", "cloud seed goes from 0 to 9999; 1e+30 is outside it, so 9999 is used."),
    ("cost_functions", "η quadratic", "1e9", "10.00",
     "η quadratic goes from 0 to 10; 1000000000 is outside it, so 10 is used."),
    ("cost_functions", "η quadratic", "1e400", "0.15",
     "η quadratic goes from 0 to 10; what was typed is not a number it can use, so 0.15 is kept."),
])
def test_a_number_typed_out_of_range_gets_words_and_the_box_shows_the_value_used(
        browser, server_url, path, label, typed, shown, message):
    context, page = _open(browser, server_url, path)
    try:
        page.get_by_label(label, exact=True).wait_for(timeout=60_000)
        box = _type(page, label, typed)
        page.get_by_text(message).wait_for(timeout=30_000)
        wait_for_app(page)
        assert float(box.input_value()) == float(shown)
        # The message sits beside its box: right under it, in the same column.
        box_rect, note_rect = box.bounding_box(), page.get_by_text(message).bounding_box()
        assert 0 <= note_rect["y"] - (box_rect["y"] + box_rect["height"]) < 80
        no_exception(page)
        assert page.errors == []
    finally:
        context.close()

"""The activation-functions and cost-functions pages' sections rerun alone in a real browser: counted, not timed.

Three counts: a chart's redraws (``plotly_afterplot``); the charts Streamlit marked stale (greyed
while a run is on its way); and what the server sent over the WebSocket. A full rerun re-sends every
chart of the page and marks them stale until their new copy arrives, even a chart that turns out
unchanged and is not redrawn; a section's rerun sends and marks only that section's elements.
"""

import pytest

from tests.e2e.conftest import no_exception, wait_for_app
from tests.e2e.test_sections import COUNT, TAGGED, _press, _redraws

pytestmark = pytest.mark.browser

# Record the title of every chart whose element Streamlit marks stale (data-stale="true").
STALE = """() => {
  window.__stale = new Set();
  const title = g => ((g.layout && g.layout.title && g.layout.title.text) || '?').replace(/<[^>]+>/g, '');
  new MutationObserver(records => records.forEach(r => {
    if (r.target.getAttribute('data-stale') === 'true')
      r.target.querySelectorAll('.js-plotly-plot').forEach(g => window.__stale.add(title(g)));
  })).observe(document.body, {attributes: true, attributeFilter: ['data-stale'], subtree: true});
}"""

CURVES, RESPONSE, SOFTMAX = "f(z)", "One neuron", "Softmax"


def _open(page, url: str, charts: int) -> None:
    """Open the page and start counting once all its charts are drawn and the page has settled (a chart
    mounted or resized while the page still grows would otherwise count as a redraw)."""
    page.sent, page.recording = [], False
    page.on("websocket", lambda socket: socket.on(
        "framereceived", lambda frame: page.sent.append(frame) if page.recording else None))
    page.goto(url)
    wait_for_app(page, timeout=120_000)
    page.wait_for_function("n => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                           ".filter(g => g.querySelector('.main-svg')).length >= n", arg=charts, timeout=120_000)
    page.wait_for_timeout(1500)
    page.evaluate(COUNT)
    page.evaluate("() => window.__redraws.clear()")
    page.evaluate(STALE)
    page.recording = True


def _resent(page, text: str) -> bool:
    """Whether the server sent ``text`` (a chart's title, in its spec) since counting began."""
    needle = text.encode()
    return any(needle in (frame if isinstance(frame, bytes) else frame.encode()) for frame in page.sent)


def _stale(page) -> list[str]:
    """The titles of the charts marked stale since counting began."""
    return page.evaluate("() => Array.from(window.__stale)")


def _settle(page, param: str, title: str) -> dict:
    page.wait_for_function(f"() => location.search.includes({param!r})", timeout=60_000)
    page.wait_for_function(f"() => Array.from(window.__redraws.keys()).some(k => k.startsWith({title!r}))",
                           timeout=60_000)
    wait_for_app(page, timeout=60_000)
    page.wait_for_timeout(800)
    return _redraws(page)


def _redrawn(redraws: dict, title: str) -> bool:
    return any(name.startswith(title) for name in redraws)


# One slider of a section, and what must stay as it was: (page, its charts, slider, link text after the press,
# the chart the section redraws, the other sections' charts, a text of the section's chart spec that is sent,
# texts of the others' specs that are not, the other charts still the same element after the press).
COST_CURVES, BATCH, SLOWDOWN, CATEGORICAL = ("Cost and its gradient", "The batch cost", "One sigmoid neuron",
                                             "Categorical")
ALONE = {
    "activations weight": ("activations", 3, "weight w", "w=1.1", RESPONSE, (CURVES, SOFTMAX), "One neuron: a",
                           ("f(z) solid", "Softmax: "), (CURVES, SOFTMAX)),
    "activations temperature": ("activations", 3, "temperature T", "temperature=1.1", SOFTMAX, (CURVES, RESPONSE),
                                "Softmax: ", ("f(z) solid", "One neuron: a"), (RESPONSE,)),
    "cost output": ("cost_functions", 4, "output a", "a=0.81", COST_CURVES, (BATCH, SLOWDOWN, CATEGORICAL),
                    COST_CURVES, (BATCH, SLOWDOWN, CATEGORICAL), (SLOWDOWN, CATEGORICAL)),
    "cost epochs": ("cost_functions", 4, "epochs", "epochs=310", SLOWDOWN, (COST_CURVES, BATCH, CATEGORICAL),
                    SLOWDOWN, (COST_CURVES, BATCH, CATEGORICAL), (COST_CURVES,)),
}


@pytest.mark.parametrize("case", ALONE.values(), ids=list(ALONE))
def test_a_slider_redraws_its_own_sections_chart_only(page, server_url, case):
    path, charts, slider, param, own, others, sent, not_sent, kept = case
    _open(page, f"{server_url}/{path}", charts)
    _press(page, slider)
    redraws = _settle(page, param, own)
    assert not any(_redrawn(redraws, title) for title in others), redraws
    assert [title for title in _stale(page) if not title.startswith(own)] == []
    assert _resent(page, sent) and not any(_resent(page, text) for text in not_sent)
    assert all(page.evaluate(TAGGED, title) == [True] for title in kept)
    no_exception(page)
    assert page.errors == []


def test_the_functions_redraw_both_charts_that_read_them_and_not_the_softmax(page, server_url):
    _open(page, f"{server_url}/activations", 3)
    # Remove ReLU from the chosen functions: section 1 draws them, section 2 reads them too.
    box = page.locator('[data-testid="stMultiSelect"]', has_text="functions").locator("input").first
    box.focus()
    box.press("Backspace")
    box.press("Escape")
    page.wait_for_function("() => location.search.includes('functions=sigmoid%2Ctanh')"
                           " || location.search.includes('functions=sigmoid,tanh')", timeout=60_000)
    wait_for_app(page, timeout=60_000)
    page.wait_for_timeout(800)
    redraws = _redraws(page)
    assert _redrawn(redraws, CURVES) and _redrawn(redraws, RESPONSE), redraws
    assert not _redrawn(redraws, SOFTMAX), redraws
    assert not any(title.startswith(SOFTMAX) for title in _stale(page))
    assert not _resent(page, "Softmax: ")
    assert page.evaluate(TAGGED, SOFTMAX) == [True]
    no_exception(page)

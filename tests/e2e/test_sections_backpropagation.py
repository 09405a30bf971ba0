"""The backpropagation page's sections rerun alone in a real browser (counted redraws, not timed).

The chain's tab holds two sections: the chain (its sliders, numbers and diagram) and the sensitivity
check below it. The nudge's controls rerun the sensitivity check only; a chain slider reruns both,
since the sensitivity check reads the chain's numbers.

Counting redraws is not enough here: the browser does not redraw a chart whose figure did not change,
even when the whole page reran (checked by declaring the nudge shared with the whole page: the chain's
diagram still drew no new frame). So the tests also read what the server sends over the WebSocket
after the move: a section that reran sends its elements again (the chain's diagram, its factor table),
one that did not sends nothing of them.
"""

import pytest

from tests.e2e.conftest import no_exception, wait_for_app
from tests.e2e.test_sections import COUNT, TAGGED, _open, _press, _redraws

pytestmark = pytest.mark.browser
CHAIN_TITLE = "The chain"
SENSITIVITY_TITLE = "C₀ as"
# Text only the chain section sends: its diagram's title and the heading of its factor products.
CHAIN_SENT = ("The chain: x".encode(), "Each gradient, factor by factor".encode())
SENSITIVITY_SENT = "C₀ as".encode()


def _listen(page) -> list[bytes]:
    """Every message the server sends to this page from now on."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())))
    return frames


def _sent(frames: list[bytes], text: bytes) -> bool:
    return any(text in frame for frame in frames)


def _open_chain_tab(page, server_url) -> list[bytes]:
    frames = _listen(page)
    _open(page, f"{server_url}/backpropagation")
    for title in (CHAIN_TITLE, SENSITIVITY_TITLE):
        page.wait_for_function("title => Array.from(document.querySelectorAll('.js-plotly-plot .gtitle'))"
                               ".some(t => t.textContent.startsWith(title))", arg=title, timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(500)
    # Count from here: both charts are drawn and tagged as they stand now.
    page.evaluate(COUNT)
    page.evaluate("() => window.__redraws.clear()")
    assert all(_sent(frames, text) for text in CHAIN_SENT)  # the first run sent the chain section
    frames.clear()
    return frames


def test_the_nudge_redraws_the_sensitivity_check_and_leaves_the_chain_alone(page, server_url):
    frames = _open_chain_tab(page, server_url)
    _press(page, "nudge ε")
    page.wait_for_function("() => location.search.includes('eps=0.1')", timeout=30_000)
    page.wait_for_function("title => Array.from(window.__redraws.keys()).some(k => k.startsWith(title))",
                           arg=SENSITIVITY_TITLE, timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    redraws = _redraws(page)
    assert any(title.startswith(SENSITIVITY_TITLE) for title in redraws), redraws
    # The chain's diagram was neither remounted nor redrawn.
    assert not any(title.startswith(CHAIN_TITLE) for title in redraws), redraws
    assert page.evaluate(TAGGED, CHAIN_TITLE) == [True]
    # The sensitivity section reran and sent its chart; the chain section did not run at all.
    assert _sent(frames, SENSITIVITY_SENT)
    assert not any(_sent(frames, text) for text in CHAIN_SENT)
    no_exception(page)
    assert page.errors == []


def test_a_chain_slider_redraws_the_chain_and_the_sensitivity_check_that_reads_it(page, server_url):
    frames = _open_chain_tab(page, server_url)
    _press(page, "weight w₁")
    page.wait_for_function("() => location.search.includes('w1=0.9')", timeout=30_000)
    for title in (CHAIN_TITLE, SENSITIVITY_TITLE):
        page.wait_for_function("title => Array.from(window.__redraws.keys()).some(k => k.startsWith(title))",
                               arg=title, timeout=30_000)
    wait_for_app(page)
    # The sensitivity check follows the new weight: its marker for the current w₁ sits at 0.9.
    marker = page.evaluate("""title => Array.from(document.querySelectorAll('.js-plotly-plot'))
      .filter(g => g.layout.title.text.replace(/<[^>]+>/g, '').startsWith(title))
      .map(g => g.data.find(t => t.name === 'current w1').x[0])""", SENSITIVITY_TITLE)
    assert marker == [pytest.approx(0.9)]
    assert all(_sent(frames, text) for text in CHAIN_SENT) and _sent(frames, SENSITIVITY_SENT)
    assert "w1=0.9" in page.evaluate("() => location.search")
    no_exception(page)
    assert page.errors == []

"""The gradient-descent page's sections rerun alone, in a real browser.

Only the open tab's section is on screen (lazy tabs), so a section's widget is checked against the rest of
the page: the server sends nothing from outside the section (every element it sends after the key press
belongs to the section's fragment: no title, no presets bar), and the section's own charts are redrawn. A
setting of the race read by another tab reaches it when that tab is opened, without being declared shared.
"""

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.conftest import no_exception, wait_for_app
from tests.e2e.test_sections import COUNT, TAGGED, _open, _press, _redraws  # noqa: F401 (COUNT: used by _open)

pytestmark = pytest.mark.browser


def _listen(page) -> list:
    """Every message the server sends from now on, decoded (Streamlit's own protobuf)."""
    messages = []

    def on_socket(ws):
        def on_frame(payload):
            if isinstance(payload, (bytes, bytearray)):
                messages.append(ForwardMsg.FromString(bytes(payload)))
        ws.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return messages


def _sent_after(messages: list, start: int) -> tuple[list, set]:
    """The elements sent since message ``start`` (as (fragment id, element kind, text)), and the runs' fragments."""
    elements, runs = [], set()
    for message in messages[start:]:
        if message.metadata.run.fragment_ids:
            runs.update(message.metadata.run.fragment_ids)
        if message.WhichOneof("type") != "delta":
            continue
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            continue
        element = delta.new_element
        kind = element.WhichOneof("type")
        text = getattr(getattr(element, kind), "body", "") if kind in ("markdown", "heading") else ""
        elements.append((delta.fragment_id, kind, text))
    return elements, runs


def _search(page) -> str:
    return page.evaluate("() => location.search")


def test_a_learning_rate_key_press_reruns_the_one_weight_section_alone(page, server_url):
    messages = _listen(page)
    _open(page, f"{server_url}/gradient_descent")
    wait_for_app(page)
    start = len(messages)
    assert start > 0  # the page's first run came over the socket
    _press(page, "learning rate η (log scale)")
    page.wait_for_function("() => location.search.includes('lr=0.112')", timeout=30_000)
    page.wait_for_function("() => Array.from(window.__redraws.keys()).some(k => k.startsWith('Parabola'))",
                           timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    elements, runs = _sent_after(messages, start)
    assert elements and runs, "the key press sent nothing"
    # Everything sent belongs to the section's fragment: the title, the introduction and the presets bar
    # (outside the section) were not sent again.
    assert all(fragment for fragment, _, _ in elements), [e for e in elements if not e[0]]
    assert not any("Gradient descent" == text or "hiker" in text for _, _, text in elements)
    assert any(kind == "plotly_chart" for _, kind, _ in elements)
    redraws = _redraws(page)
    assert any(title.startswith("Parabola") for title in redraws), redraws  # C(w) with the steps
    assert any(title.startswith("Cost per step") for title in redraws), redraws
    no_exception(page)
    assert page.errors == []


def test_a_race_slider_reruns_the_race_alone_and_the_range_test_reads_it_when_opened(page, server_url):
    messages = _listen(page)
    _open(page, f"{server_url}/gradient_descent?section=Two+weights%3A+the+race")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.js-plotly-plot')).length >= 2",
                           timeout=30_000)
    wait_for_app(page)
    start = len(messages)
    _press(page, "start x₀")
    page.wait_for_function("() => location.search.includes('x0=-1.19')", timeout=30_000)
    page.wait_for_function(
        "() => Array.from(window.__redraws.keys()).some(k => k.startsWith('Rosenbrock: the optimizers race'))",
        timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    elements, runs = _sent_after(messages, start)
    assert elements and all(fragment for fragment, _, _ in elements), [e for e in elements if not e[0]]
    assert not any("hiker" in text for _, _, text in elements)
    # The range test is not on screen, so the start is not shared with it: opening its tab runs the page,
    # and it reads the start just set.
    page.get_by_role("tab", name="Range test").click()
    page.get_by_text("Rosenbrock from (-1.19, 1)").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert "x0=-1.19" in _search(page) and "section=Range+test" in _search(page)
    no_exception(page)
    assert page.errors == []


def test_opening_another_optimizer_tab_redraws_no_chart(page, server_url):
    """The optimizer tabs are inside the race's section: opening one reruns the race, whose charts' inputs
    did not change, so they are neither remounted nor redrawn."""
    _open(page, f"{server_url}/gradient_descent?section=Two+weights%3A+the+race")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.js-plotly-plot')).length >= 2",
                           timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    page.evaluate("() => window.__redraws.clear()")
    page.get_by_role("tab", name="Adam").click()
    page.get_by_text("bias correction").first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    assert "optimizer_tab=Adam" in _search(page)
    assert _redraws(page) == {}
    assert page.evaluate(TAGGED, "Rosenbrock: the optimizers race") == [True]
    assert page.evaluate(TAGGED, "Cost per step") == [True]
    no_exception(page)
    assert page.errors == []

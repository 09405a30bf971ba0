"""The backpropagation page in a real browser: open a tab, click through the five steps, edit, move a slider.

The four sections are lazy tabs: only the open one is drawn, so each test clicks its tab first.
"""

from __future__ import annotations

import re

import pytest

from nnviz import backprop_lesson as lesson
from tests.e2e.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser
CHAIN, NETWORK, TRAIN, EXERCISE = ("A chain of single neurons", "A real network, step by step", "Train N steps",
                                  "Check yourself")

STEP_TITLES = ["Step 1 · forward", "Step 2 · output error", "Step 3 · backpropagate", "Step 4 · gradients",
               "Step 5 · update"]


def _open(page, server_url):
    page.goto(server_url)
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Backpropagation", exact=True).click()
    page.get_by_role("heading", name="Backpropagation").first.wait_for(timeout=30_000)
    wait_for_app(page)


def _open_tab(page, label):
    """Click a section's tab, as a student does, and wait for its content."""
    page.get_by_role("tab", name=label).click()
    page.wait_for_function("label => document.querySelector('[role=tab][aria-selected=true]')"
                           "?.textContent.trim() === label", arg=label, timeout=30_000)
    wait_for_app(page)


def _settled_editor(page, n=0):
    """The n-th data editor of the network's tab, once the page around it has finished its layout."""
    editor = page.locator('[data-testid="stDataFrame"]').nth(n)
    editor.wait_for(timeout=30_000)
    editor.scroll_into_view_if_needed()
    editor.locator("canvas").first.wait_for(timeout=30_000)
    # KaTeX and the charts above finish their layout late: let the page settle first.
    page.wait_for_timeout(3000)
    editor.scroll_into_view_if_needed()
    return editor


def _diagram_title(page) -> str:
    return page.locator(".js-plotly-plot .gtitle").filter(has_text="Step ").first.text_content()


def test_clicking_through_forward_backward_update(page, server_url):
    _open(page, server_url)
    _open_tab(page, NETWORK)
    page.get_by_text(STEP_TITLES[0]).first.wait_for(timeout=30_000)
    # The published cost of Mazur's example, rendered by KaTeX.
    page.locator(".katex", has_text="0.298371").first.wait_for()
    screenshot(page, "backpropagation")
    for i, title in enumerate(STEP_TITLES[1:], start=2):
        page.get_by_role("button", name="Next step ▶").click()
        page.locator(".js-plotly-plot .gtitle", has_text=title).wait_for(timeout=30_000)
        wait_for_app(page)
        assert _diagram_title(page).startswith(title)
        no_exception(page)
        if title.endswith("output error"):
            # Node labels now carry the output δ.
            page.locator(".js-plotly-plot text", has_text="δ = 0.138").first.wait_for()
        if title.endswith("gradients"):
            page.get_by_text("Gradient check").wait_for()
            screenshot(page, "backpropagation_gradients")
    screenshot(page, "backpropagation_update")
    page.get_by_role("button", name="Apply this update and start again").click()
    page.locator(".js-plotly-plot .gtitle", has_text=STEP_TITLES[0]).wait_for(timeout=30_000)
    wait_for_app(page)
    # One step of gradient descent (biases too, unlike Mazur's) lowered the cost to 0.280471.
    page.locator(".katex", has_text="0.280471").first.wait_for(timeout=30_000)
    assert page.locator(".katex", has_text="0.298371").count() == 0
    assert "values=" in page.url
    no_exception(page)
    assert page.errors == []


def test_chain_slider_moves_with_the_keyboard_and_the_chain_redraws(page, server_url):
    _open(page, server_url)
    _open_tab(page, NETWORK)
    _open_tab(page, CHAIN)  # back to the first tab: its sliders are drawn again
    chain = page.locator(".js-plotly-plot", has_text="The chain")
    chain.wait_for(timeout=30_000)
    assert chain.locator("text", has_text=re.compile(r"^0\.8$")).count() == 1
    # Streamlit 1.67 (react-aria) puts a visually hidden <input type=range> in each thumb.
    slider = page.locator('[data-testid="stSlider"]', has_text="weight w₁").locator('input[type="range"]')
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('w1=0.9')", timeout=30_000)
    wait_for_app(page)
    chain.locator("text", has_text=re.compile(r"^0\.9$")).wait_for(timeout=30_000)
    no_exception(page)


def test_editing_a_weight_cell_recomputes_the_forward_pass_and_survives_a_tab_change(page, server_url):
    _open(page, server_url)
    _open_tab(page, NETWORK)
    editor = _settled_editor(page)  # W2, the first table of this tab
    box = editor.bounding_box()
    # Row 1 (below a 35 px header), column k=1 (after the narrow index j): a double click edits it.
    page.mouse.dblclick(box["x"] + 75, box["y"] + 35 + 17)
    page.locator("#portal textarea, #portal input").first.wait_for(timeout=10_000)
    page.wait_for_timeout(500)  # the overlay editor takes the focus a moment after it appears
    page.keyboard.press("Control+a")
    page.keyboard.type("0.5")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('values=0.5')", timeout=30_000)
    wait_for_app(page)
    # z² = W² x + b² with w²₁₁ = 0.5: 0.5·0.05 + 0.2·0.1 + 0.35 = 0.395.
    page.locator(".katex", has_text="0.395").first.wait_for(timeout=30_000)
    no_exception(page)
    screenshot(page, "backpropagation_edited")
    # The editors are not drawn while another tab is open; back on this tab the edit is still there.
    _open_tab(page, CHAIN)
    page.locator(".js-plotly-plot", has_text="The chain").wait_for(timeout=30_000)
    _open_tab(page, NETWORK)
    page.locator(".katex", has_text="0.395").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert "values=0.5" in page.url
    assert page.locator(".katex", has_text="0.395").count() >= 1
    no_exception(page)


def test_clearing_a_cell_gives_a_message_not_a_traceback(page, server_url):
    _open(page, server_url)
    _open_tab(page, NETWORK)
    editor = _settled_editor(page)
    box = editor.bounding_box()
    page.mouse.click(box["x"] + 75, box["y"] + 35 + 17)
    page.wait_for_timeout(300)
    page.keyboard.press("Delete")  # glide clears the selected cell
    page.locator('[data-testid="stAlert"]', has_text="w2[1,1] is empty").wait_for(timeout=30_000)
    no_exception(page)
    screenshot(page, "backpropagation_bad_edit")


def test_each_tab_draws_its_own_section_and_keeps_it_in_the_link(page, server_url):
    _open(page, server_url)
    assert page.get_by_role("tab").count() == 4
    page.locator(".js-plotly-plot", has_text="The chain").wait_for(timeout=30_000)
    page.locator('[data-testid="stSlider"]', has_text="weight w₁").wait_for(timeout=30_000)  # drawn after the chart
    assert page.locator('[data-testid="stSlider"]', has_text="weight w₁").count() == 1
    assert page.locator('[data-testid="stAlert"]', has_text="What to notice").count() == 1
    screenshot(page, "backpropagation_tab_chain")

    _open_tab(page, NETWORK)
    page.get_by_text(STEP_TITLES[0]).first.wait_for(timeout=30_000)
    assert "section=A+real+network" in page.url
    assert page.locator('[data-testid="stSlider"]', has_text="weight w₁").count() == 0  # the chain is not drawn
    page.get_by_text("seed (new numbers)").wait_for(timeout=30_000)  # the number inputs load a moment later
    screenshot(page, "backpropagation_tab_network")

    _open_tab(page, TRAIN)
    page.locator(".js-plotly-plot", has_text="Every parameter").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == 2  # the cost per step and the parameters' paths
    assert "section=Train+N+steps" in page.url
    screenshot(page, "backpropagation_tab_train")

    _open_tab(page, EXERCISE)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    exercise = lesson.make_exercise(lesson.walk(net, x, y, "quadratic", 0.5), 0)
    answer = page.get_by_label("your answer")
    answer.fill(f"{exercise.answer:.6f}")
    answer.press("Enter")
    page.locator('[data-testid="stAlert"]', has_text="Right").wait_for(timeout=30_000)
    page.get_by_text("Worked solution").wait_for()
    wait_for_app(page)
    assert "section=Check+yourself" in page.url
    screenshot(page, "backpropagation_tab_exercise")

    # The copied link opens the same tab elsewhere.
    link = page.url
    other = page.context.new_page()
    other.goto(link)
    wait_for_app(other)
    other.get_by_label("your answer").wait_for(timeout=30_000)
    assert other.get_by_role("tab", name=EXERCISE).get_attribute("aria-selected") == "true"
    other.close()
    no_exception(page)
    assert page.errors == []


def test_a_preset_opens_the_tab_it_is_about(page, server_url):
    _open(page, server_url)
    page.get_by_role("button", name="Deep tanh net").click()
    page.locator(".js-plotly-plot .gtitle", has_text=STEP_TITLES[2]).wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_role("tab", name=NETWORK).get_attribute("aria-selected") == "true"
    page.get_by_role("button", name="Saturated neuron").click()
    page.locator(".js-plotly-plot", has_text="The chain").wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_role("tab", name=CHAIN).get_attribute("aria-selected") == "true"
    assert "section=" not in page.url and "w3=6.0" in page.url
    no_exception(page)
    assert page.errors == []


def test_check_yourself_gives_a_hint_and_another_try_and_the_solution_only_on_request(page, server_url):
    _open(page, server_url)
    _open_tab(page, EXERCISE)
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    w = lesson.walk(net, x, y, "quadratic", 0.5)
    exercise = lesson.make_exercise(w, 0)  # ∂C/∂w³₂₁ = a²₁ δ³₂
    answer = page.get_by_label("your answer")
    answer.wait_for(timeout=30_000)
    alerts = page.locator('[data-testid="stAlert"]')

    answer.fill(f"{w.delta(3)[1]:.5f}")  # δ³₂ alone: the factor a²₁ left out
    answer.press("Enter")
    alerts.filter(has_text="Not quite").wait_for(timeout=30_000)
    wait_for_app(page)
    hint = alerts.filter(has_text="Not quite").text_content()
    assert "1 wrong try so far" in hint and "is missing" in hint
    assert page.get_by_text("Worked solution").count() == 0
    screenshot(page, "backpropagation_exercise_hint")

    answer.fill("abc")
    answer.press("Enter")
    alerts.filter(has_text="does not count as a try").wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Worked solution").count() == 0

    page.get_by_role("button", name="Show the solution").click()
    page.get_by_text("Worked solution").wait_for(timeout=30_000)
    wait_for_app(page)
    page.locator(".katex", has_text=lesson.fmt(exercise.answer, 6).lstrip("-")).first.wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Show the solution").is_disabled()

    answer.fill(f"{exercise.answer:.6f}")
    answer.press("Enter")
    alerts.filter(has_text="Right").wait_for(timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="New exercise").click()
    page.wait_for_function("() => location.search.includes('exercise=1')", timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Worked solution").count() == 0
    no_exception(page)
    assert page.errors == []

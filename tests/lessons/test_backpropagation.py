"""The backpropagation page, driven through AppTest: every shown number against nnviz directly.

The page's four tabs are lazy: only the open one runs (the chain's tab as two sections, each other tab
as one), so each test opens the tab it exercises (by session state, as a click on the tab does, or by
the link).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnviz import backprop_lesson as lesson
from nnviz import losses
from nnviz.network import backward, forward, sgd_step
from nnviz.ui import settings
from tests.lessons.figures import figure_array

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "lessons" / "backpropagation.py")
CHAIN, NETWORK, TRAIN, EXERCISE = ("A chain of single neurons", "A real network, step by step", "Train N steps",
                                  "Check yourself")
SECTION = "backprop.section"


def _app(params: dict | None = None, section: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if params:
        at.query_params.update(params)
    at.run()
    return open_section(at, section) if section else at


def open_section(at: AppTest, label: str) -> AppTest:
    """Select a tab as a click on it does, and rerun."""
    at.session_state[SECTION] = label
    return at.run()


def _drawn_sections(at) -> list[str]:
    """The labels of the tabs that have content."""
    return [tab.label for tab in at.tabs if tab.children]


def _chart_keys(at) -> list[str]:
    return [chart.proto.id.rsplit("-", 1)[-1] for chart in at.get("plotly_chart")]


def _chart(at, key: str) -> dict:
    for chart in at.get("plotly_chart"):
        if chart.proto.id.endswith(key):
            return json.loads(chart.proto.spec)
    raise KeyError(key)


def _array(values) -> np.ndarray:
    """A trace's x or y as floats."""
    return np.asarray(figure_array(values), dtype=float)


def _latex(at) -> str:
    return "\n".join(item.value for item in at.latex)


def _mazur():
    return lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")


def _node_text(fig) -> list[str]:
    nodes = [t for t in fig["data"] if t.get("mode") == "markers+text"]
    return nodes[0]["text"]


def test_default_page_opens_on_the_chain_and_the_network_tab_shows_mazurs_forward_pass():
    at = _app()
    assert not at.exception and not at.error
    assert at.session_state[SECTION] == CHAIN and _drawn_sections(at) == [CHAIN]
    assert dict(at.query_params) == {}
    open_section(at, NETWORK)
    assert not at.exception and not at.error
    net, x, y = _mazur()
    trace = forward(net, [x])
    text = _latex(at)
    assert r"= 0.298371" in text  # the published total error 0.298371109
    assert lesson.bmatrix(trace.z[1][0]) in text and lesson.bmatrix(trace.a[2][0]) in text
    nodes = _node_text(_chart(at, "backprop.network"))
    assert nodes[2] == "z = 0.378<br>a = 0.593"  # hidden neuron 1: z = 0.3775, a = 0.593269992
    assert nodes[4].startswith("z = 1.11<br>a = 0.751")  # output neuron 1: a = 0.75136507
    assert dict(at.query_params) == {"section": NETWORK}


def test_stepping_through_shows_the_numbers_of_backward_and_the_update():
    at = _app(section=NETWORK)
    net, x, y = _mazur()
    loss = losses.get("quadratic")
    trace = forward(net, [x])
    grads = backward(net, trace, [y], loss)

    at.button(key="backprop.next").click().run()  # output error
    assert at.radio(key="backprop.stage").value == "output error"
    text = _latex(at)
    assert lesson.bmatrix(grads.delta[1][0]) in text
    assert rf"{lesson.pfmt(trace.a[2][0][0] - y[0])} \times" in text  # ∇ₐC = a − y for one example
    nodes = _node_text(_chart(at, "backprop.network"))
    assert nodes[4].endswith(f"<b>δ = {grads.delta[1][0][0]:.3g}</b>")
    assert "δ" not in nodes[2]  # hidden errors are not computed yet

    at.button(key="backprop.next").click().run()  # backpropagate
    text = _latex(at)
    assert lesson.bmatrix(net.weights[1].T) in text
    assert lesson.bmatrix(grads.delta[0][0]) in text
    assert _node_text(_chart(at, "backprop.network"))[2].endswith(f"<b>δ = {grads.delta[0][0][0]:.3g}</b>")

    at.button(key="backprop.next").click().run()  # gradients
    text = _latex(at)
    for l in (0, 1):
        assert lesson.bmatrix(grads.dW[l]) in text and lesson.bmatrix(grads.db[l]) in text
    check = at.dataframe[-1].value
    rows = lesson.gradient_check(net, x, y, "quadratic")
    assert list(check["parameter"]) == [r.name for r in rows]
    np.testing.assert_array_equal(check["backprop ∂C/∂p"].to_numpy(), [r.analytic for r in rows])
    np.testing.assert_array_equal(check["finite difference"].to_numpy(), [r.numeric for r in rows])
    assert check["relative error"].max() < 1e-6
    fig = _chart(at, "backprop.network")
    widths = sorted({t["line"]["width"] for t in fig["data"] if t.get("mode") == "lines" and t.get("x") != [None]})
    assert len(widths) > 1  # widths follow |∂C/∂w| now, which differ across the layers

    at.button(key="backprop.next").click().run()  # update
    updated = sgd_step(net, grads, 0.5)
    text = _latex(at)
    assert lesson.bmatrix(updated.weights[1]) in text  # w5 → 0.35891648 in Mazur's example
    assert "0.3589" in text
    at.button(key="backprop.apply").click().run()
    assert not at.exception
    assert at.radio(key="backprop.stage").value == "forward"
    stored = at.session_state["backprop.values"]
    assert stored == lesson.flatten(updated, x, y)
    assert at.query_params["values"] == ",".join(repr(v) for v in stored)
    new_trace = forward(updated, [x])
    assert lesson.bmatrix(new_trace.a[2][0]) in _latex(at)


def test_cross_entropy_preset_opens_the_network_and_shows_delta_is_a_minus_y():
    at = _app()  # on the chain: the preset opens the section it is about
    at.button(key="backprop.preset.δᴸ = a − y").click().run()
    assert not at.exception
    assert _drawn_sections(at) == [NETWORK]
    net, x, y = _mazur()
    a = forward(net, [x]).a[-1][0]
    text = _latex(at)
    assert r"a_j - y_j" in text and lesson.bmatrix(a - y) in text
    assert at.query_params["loss"] == "binary_crossentropy"


def test_chain_sliders_show_each_factor_and_the_sensitivity_check():
    at = _app(section=CHAIN)
    at.slider(key="backprop.w1").set_value(2.0).run()
    params = {"w1": 2.0, "b1": 0.1, "w2": -1.2, "b2": 0.3, "w3": 1.5, "b3": -0.4}
    ch = lesson.chain(0.5, 1.0, params)
    text = _latex(at)
    for name in lesson.CHAIN_PARAMETERS:
        assert lesson.chain_product_latex(ch, name) in text
    table = at.dataframe[0].value
    np.testing.assert_array_equal(table["a = σ(z)"].to_numpy(), ch.a[1:])
    at.radio(key="backprop.nudge").set_value("b2").run()
    at.select_slider(key="backprop.eps").set_value(0.001).run()
    s = lesson.sensitivity(0.5, 1.0, params, "b2", 0.001)
    text = _latex(at)
    assert lesson.fmt(s.actual_change, 6) in text and lesson.fmt(s.predicted_change, 6) in text
    fig = _chart(at, "backprop.sensitivity")
    assert fig["data"][2]["x"] == [0.3] and fig["data"][2]["y"] == [pytest.approx(ch.cost)]
    assert at.query_params["w1"] == "2.0"


def test_training_chart_is_the_cost_of_repeated_updates():
    at = _app(section=TRAIN)
    at.slider(key="backprop.steps").set_value(30).run()
    net, x, y = _mazur()
    run = lesson.train(net, x, y, "quadratic", 0.5, 30)
    fig = _chart(at, "backprop.cost")
    np.testing.assert_array_equal(_array(fig["data"][0]["y"]), run.costs)
    assert len(_chart(at, "backprop.paths")["data"]) == 12


def test_training_tab_trains_the_network_as_edited_in_the_step_by_step_tab():
    at = _app(section=NETWORK)
    edited = list(lesson.MAZUR_VALUES)
    edited[0] = 0.9  # w2[1,1], as a cell edit stores it
    at.session_state["backprop.values"] = tuple(edited)
    at.run()
    open_section(at, TRAIN)
    at.select_slider(key="backprop.lr").set_value(1.0).run()
    net, x, y = lesson.unflatten((2, 2, 2), tuple(edited), "sigmoid")
    run = lesson.train(net, x, y, "quadratic", 1.0, 100)
    np.testing.assert_array_equal(_array(_chart(at, "backprop.cost")["data"][0]["y"]), run.costs)
    open_section(at, NETWORK)  # the same η is shown beside the update step
    assert at.select_slider(key="backprop.lr").value == 1.0


def test_a_link_with_a_shape_and_a_seed_reproduces_the_network():
    at = _app({"layers": "2", "n1": "3", "n2": "4", "n_outputs": "1", "act1": "tanh", "values": "", "seed": "5",
               "section": NETWORK})
    assert not at.exception and not at.error
    assert _drawn_sections(at) == [NETWORK]
    sizes = (2, 3, 4, 1)
    acts = ("tanh", "sigmoid", "sigmoid")
    net, x, y = lesson.unflatten(sizes, lesson.lesson_values(sizes, acts, 5), acts)
    trace = forward(net, [x])
    assert lesson.bmatrix(trace.z[2][0]) in _latex(at)
    assert len(_node_text(_chart(at, "backprop.network"))) == sum(sizes)
    # Untouched, the numbers stay out of the link: the seed regenerates them.
    assert at.query_params["values"] == ""


def test_changing_the_shape_redraws_the_numbers_from_the_seed():
    at = _app(section=NETWORK)
    at.number_input(key="backprop.n1").set_value(3).run()
    assert not at.exception
    assert at.session_state["backprop.values"] == ()
    assert len(at.data_editor[0].value) == 3  # W2 now has three rows


def test_preset_deep_tanh_and_reset():
    at = _app()
    at.button(key="backprop.preset.Deep tanh net").click().run()
    assert not at.exception
    assert _drawn_sections(at) == [NETWORK]
    assert len(_node_text(_chart(at, "backprop.network"))) == 2 + 4 + 4 + 4 + 1
    assert at.radio(key="backprop.stage").value == "backpropagate"
    at.button(key="backprop.preset.reset").click().run()
    assert dict(at.query_params) == {}
    assert _drawn_sections(at) == [CHAIN]
    open_section(at, NETWORK)
    assert r"= 0.298371" in _latex(at)


def test_the_saturated_neuron_preset_opens_the_chain():
    at = _app(section=NETWORK)
    at.button(key="backprop.preset.Saturated neuron").click().run()
    assert not at.exception
    assert _drawn_sections(at) == [CHAIN]
    assert at.slider(key="backprop.w3").value == 6.0 and at.radio(key="backprop.nudge").value == "w3"
    assert at.session_state[SECTION] == CHAIN and "section" not in at.query_params  # the default tab


def test_divergence_is_said_in_words_not_drawn_as_nan():
    at = _app()
    at.button(key="backprop.preset.η too large").click().run()
    assert not at.exception and _drawn_sections(at) == [TRAIN]  # the preset opens the training's tab
    assert any("Diverged at step" in w.value for w in at.warning)
    fig = _chart(at, "backprop.cost")
    assert "diverged at step" in fig["layout"]["annotations"][0]["text"]


@pytest.mark.parametrize("params, message", [
    ({"n1": "0"}, "**neurons in hidden layer 1**: 0 is outside 1 … 5"),
    ({"layers": "7"}, "**hidden layers**: 7 is outside 1 … 4"),
    ({"n_inputs": "9"}, "**inputs**: 9 is outside 1 … 5"),
    ({"values": ",".join(["0.5"] * 15 + ["5000"])}, "**the network's numbers**: 5000 is outside -1000 … 1000"),
])
@pytest.mark.parametrize("section", [NETWORK, EXERCISE])
def test_a_network_link_the_lesson_cannot_build_is_named_and_mazurs_network_is_used(params, message, section):
    at = _app({**params, "section": section})
    assert not at.exception and not at.error
    assert message in at.warning[0].value, at.warning[0].value
    net, x, y = _mazur()
    if section == NETWORK:
        assert r"= 0.298371" in _latex(at)
    else:
        assert lesson.make_exercise(lesson.walk(net, x, y, "quadratic", 0.5), 0).prompt in at.markdown[-1].value


def test_bad_values_in_session_state_give_a_message_and_keep_the_last_good_link():
    at = _app(section=NETWORK)
    values = list(lesson.MAZUR_VALUES)
    values[3] = float("nan")  # what a cleared editor cell becomes
    at.session_state["backprop.values"] = tuple(values)
    at.run()
    assert not at.exception
    assert any("w2[2,2] is empty" in e.value for e in at.error)
    assert not at.get("plotly_chart") or all(not c.proto.id.endswith("backprop.network") for c in at.get("plotly_chart"))


def test_unreadable_link_values_fall_back_with_a_warning():
    at = _app({"values": "0.1,abc,0.3", "section": NETWORK})
    assert not at.exception
    assert "**the network's numbers**: ` abc ` is not a number" in at.warning[0].value
    assert r"= 0.298371" in _latex(at)


def _exercise(seed: int = 0) -> lesson.Exercise:
    net, x, y = _mazur()
    return lesson.make_exercise(lesson.walk(net, x, y, "quadratic", 0.5), seed)


def _answer(at, text: str) -> AppTest:
    return at.text_input(key="backprop.answer").input(text).run()


def test_a_right_answer_says_so_and_shows_the_worked_solution():
    at = _app(section=EXERCISE)
    ex = _exercise(0)
    _answer(at, f"{ex.answer + 5e-4:.8f}")
    assert not at.exception
    assert any("Right" in s.value for s in at.success)
    assert ex.solution[-1] in _latex(at)
    assert at.button(key="backprop.show_solution").disabled  # it is shown already
    at.button(key="backprop.new_exercise").click().run()
    assert at.text_input(key="backprop.answer").value == ""
    assert any(_exercise(1).prompt in m.value for m in at.markdown)
    assert not at.latex  # the next exercise's solution waits for an answer


def test_a_wrong_answer_gets_another_try_and_a_hint_but_not_the_solution():
    at = _app(section=EXERCISE)
    ex = _exercise(0)  # ∂C/∂w³₂₁ = a²₁ δ³₂, with both factors given
    _answer(at, "0.5")
    assert not at.exception and not at.success
    message = at.error[0].value
    assert "Not quite" in message and "1 wrong try so far" in message
    assert ex.method in message  # 0.5 is none of the usual slips: the hint names the factors to multiply
    assert not at.latex and not any("Worked solution" in m.value for m in at.markdown)
    assert not at.button(key="backprop.show_solution").disabled
    _answer(at, "0.25")
    assert "2 wrong tries so far" in at.error[0].value
    at.run()  # a rerun that types nothing new is not another try
    assert "2 wrong tries so far" in at.error[0].value
    _answer(at, f"{ex.answer:.6f}")  # the next try may be right
    assert any("Right" in s.value for s in at.success) and ex.solution[-1] in _latex(at)


@pytest.mark.parametrize("factor, missing", [(0, r"a^{2}_{1}"), (1, r"\delta^{3}_{2}")])
def test_a_wrong_answer_that_leaves_out_a_factor_gets_a_hint_naming_it(factor, missing):
    at = _app(section=EXERCISE)
    net, x, y = _mazur()
    trace = forward(net, [x])
    grads = backward(net, trace, [y], losses.get("quadratic"))
    given = (grads.delta[1][0][1], trace.a[1][0][0])[factor]  # δ³₂ alone, or a²₁ alone
    _answer(at, f"{given:.5f}")
    message = at.error[0].value
    assert f"the factor ${missing}$ is missing" in message, message
    assert _exercise(0).solution[-1] not in _latex(at)


def test_an_output_error_without_its_sigma_prime_is_pointed_out():
    at = _app({"exercise": "11", "section": EXERCISE})  # δ³₁ of Mazur's network
    net, x, y = _mazur()
    a = forward(net, [x]).a[2][0][0]
    assert r"\delta^{3}_{1}" in at.markdown[-1].value
    _answer(at, f"{a - y[0]:.5f}")  # ∂C/∂a = a − y, not yet times σ'(z) = a(1 − a)
    assert r"the factor $\sigma'(z^{3}_{1})$ is missing" in at.error[0].value
    _answer(at, f"{(a - y[0]) * a:.5f}")  # times a = σ(z) instead of σ'(z)
    assert r"where the derivative $\sigma'(z^{3}_{1})$ belongs" in at.error[0].value
    _answer(at, f"{(y[0] - a) * a * (1 - a):.5f}")
    assert "wrong sign" in at.error[0].value and "3 wrong tries so far" in at.error[0].value


@pytest.mark.parametrize("typed", ["abc", "1,5", "nan", "1_0", "[log in](http://example.invalid)"])
def test_text_that_is_no_number_says_so_and_is_not_a_try(typed):
    at = _app(section=EXERCISE)
    _answer(at, "0.5")
    _answer(at, typed)
    assert not at.exception and not at.error and not at.success
    warning = at.warning[0].value
    assert "not a number" in warning and "does not count as a try" in warning
    assert settings.shown(typed) in warning  # the typed text is shown literally, never as Markdown
    assert not at.latex
    _answer(at, "0.25")
    assert "2 wrong tries so far" in at.error[0].value  # "0.5", then "0.25": the text in between did not count


def test_a_new_exercise_asks_something_else_and_starts_afresh():
    at = _app({"exercise": "2", "section": EXERCISE})  # seeds 2 and 3 ask for the same ∂C/∂w²₁₁
    _answer(at, "0.5")
    at.button(key="backprop.show_solution").click().run()
    at.button(key="backprop.new_exercise").click().run()
    assert not at.exception
    assert at.query_params["exercise"] == "4" and _exercise(4).prompt != _exercise(2).prompt
    assert any(_exercise(4).prompt in m.value for m in at.markdown)
    assert not at.latex and not at.error and at.text_input(key="backprop.answer").value == ""
    _answer(at, "0.5")
    assert "1 wrong try so far" in at.error[0].value  # the count starts again


def test_the_solution_shows_only_when_asked_for_and_a_new_exercise_hides_it():
    at = _app(section=EXERCISE)
    ex = _exercise(0)
    assert not at.latex
    _answer(at, "0.5")
    assert not at.latex
    at.button(key="backprop.show_solution").click().run()
    assert not at.exception
    assert ex.solution[-1] in _latex(at) and any("Worked solution" in m.value for m in at.markdown)
    assert at.button(key="backprop.show_solution").disabled
    assert "1 wrong try so far" in at.error[0].value  # the answer and its verdict stay
    at.button(key="backprop.new_exercise").click().run()
    assert not at.latex and not at.error
    assert not at.button(key="backprop.show_solution").disabled
    assert at.query_params["exercise"] == "1"


@pytest.mark.parametrize("params, label, field, default", [
    ({"w1": "100"}, "weight w₁", "w1", 0.8), ({"steps": "0"}, "steps N", "steps", 100),
    ({"eps": "3"}, "nudge ε", "eps", 0.01), ({"lr": "100"}, "learning rate η", "lr", 0.5),
    ({"act1": "sigmod"}, "activation of layer 2", "act1", "sigmoid"), ({"stage": "zzz"}, "Step", "stage", "forward"),
    ({"exercise": "-5"}, "exercise", "exercise", 0), ({"seed": "-3", "values": ""}, "seed (new numbers)", "seed", 0),
    ({"section": "Nonexistent tab"}, "section", "section", CHAIN),
])
def test_out_of_range_link_values_are_reset_with_a_warning(params, label, field, default):
    at = _app(params)
    assert not at.exception and not at.error
    assert f"**{label}**:" in at.warning[0].value and "the default" in at.warning[0].value
    assert at.session_state[f"backprop.{field}"] == default


@pytest.mark.parametrize("field, raw, label, default", [
    ("w2", "abc", "weight w₂", -1.2), ("x", "1e308", "input x = a⁽⁰⁾", 0.5), ("b1", "1_0", "bias b₁", 0.1),
    ("y", "nan", "target y", 1.0), ("steps", "1e308", "steps N", 100), ("n1", "1_0", "neurons in hidden layer 1", 2),
    ("lr", "nan", "learning rate η", 0.5), ("layers", "abc", "hidden layers", 1),
    ("nudge", "w9", "parameter p", "w1"), ("loss", "hinge", "cost C", "quadratic"),
    ("act_out", "step", "output activation", "sigmoid"),  # known, but it has no derivative to backpropagate
    ("values", ",".join(["0.1"] * 500), "the network's numbers", lesson.MAZUR_VALUES),
    ("values", "0.1," * 5000, "the network's numbers", lesson.MAZUR_VALUES),
])
def test_a_hand_edited_link_names_the_setting_and_uses_its_default(field, raw, label, default):
    at = _app({field: raw})
    assert not at.exception and not at.error
    warning = at.warning[0].value
    assert f"**{label}**:" in warning and "the default" in warning, warning
    assert at.session_state[f"backprop.{field}"] == default
    open_section(at, NETWORK)  # every section still draws
    assert not at.exception and not at.error and at.get("plotly_chart")


def test_a_value_between_the_stops_of_a_log_slider_snaps_to_the_nearest():
    at = _app({"lr": "0.45", "eps": "0.0009"})
    assert not at.exception and not at.warning
    assert at.session_state["backprop.lr"] == 0.5 and at.session_state["backprop.eps"] == 0.001


def test_a_link_with_the_largest_network_edited_exactly_round_trips():
    sizes = (5, 5, 5, 5, 5, 5)
    acts = ("tanh",) * 5
    values = tuple(v + 1e-9 for v in lesson.lesson_values(sizes, acts, 4))  # full-precision numbers, long link
    link = {"n_inputs": "5", "layers": "4", "n1": "5", "n2": "5", "n3": "5", "n4": "5", "n_outputs": "5",
            **{f: "tanh" for f in ("act1", "act2", "act3", "act4", "act_out")},
            "values": ",".join(repr(v) for v in values), "section": NETWORK}
    assert len(link["values"]) > 2000
    at = _app(link)
    assert not at.exception and not at.error and not at.warning
    assert at.session_state["backprop.values"] == values
    assert at.query_params["values"] == link["values"]


def test_every_preset_fits_the_declarations():
    at = _app()
    page = settings.PAGES["backprop"]
    presets = [b.key for b in at.button if b.key.startswith("backprop.preset.")]
    assert len(presets) == 6
    for key in presets:
        pressed = _app()
        pressed.button(key=key).click().run()
        assert not pressed.exception and not pressed.error, key
        now = {name: pressed.session_state[page.key(name)] for name in page.declared}
        assert page.check(now) == now, key


def test_every_figure_on_every_step_passes_plotlys_validation():
    import plotly.graph_objects as go

    def check(at, expected: list[str]):
        assert not at.exception
        assert sorted(_chart_keys(at)) == sorted(expected)
        for chart in at.get("plotly_chart"):
            fig = json.loads(chart.proto.spec)
            go.Figure(fig)  # raises on any property Plotly does not know
            assert fig["layout"]["title"]["text"]

    at = _app({"layers": "2", "n1": "3", "n2": "2", "values": "", "loss": "binary_crossentropy"})
    check(at, ["backprop.chain_diagram", "backprop.sensitivity"])
    open_section(at, NETWORK)
    for stage in lesson.STAGES:
        at.radio(key="backprop.stage").set_value(stage).run()
        check(at, ["backprop.network"])
    open_section(at, TRAIN)
    check(at, ["backprop.cost", "backprop.paths"])
    open_section(at, EXERCISE)
    check(at, ["backprop.exercise_network"])


# -- the sections are lazy tabs ---------------------------------------------------------------------


def test_only_the_open_sections_elements_are_drawn():
    at = _app()
    chain_sliders = {f"backprop.{name}" for name in ("x", "y", *lesson.CHAIN_PARAMETERS)}
    assert {s.key for s in at.slider} == chain_sliders
    assert not at.radio(key="backprop.nudge").disabled
    assert "backprop.stage" not in {r.key for r in at.radio} and not at.text_input

    open_section(at, NETWORK)
    assert not at.exception
    assert not at.slider  # no chain slider, no training slider
    assert {r.key for r in at.radio} == {"backprop.stage"} and len(at.data_editor) == 4  # W2, W3, x, y
    assert not at.text_input and "backprop.sensitivity" not in _chart_keys(at)

    open_section(at, TRAIN)
    assert not at.exception and not at.data_editor and not at.radio
    assert {s.key for s in at.slider} == {"backprop.steps"} and _chart_keys(at) == ["backprop.cost", "backprop.paths"]

    open_section(at, EXERCISE)
    assert not at.exception
    assert not at.slider and not at.radio and not at.data_editor and not at.number_input
    assert [t.key for t in at.text_input] == ["backprop.answer"]
    # The title, the presets and "What to notice" stay above and below the tabs.
    assert at.title[0].value == "Backpropagation" and "What to notice" in at.info[-1].value
    assert at.button(key="backprop.preset.reset")


def test_the_open_section_round_trips_through_the_link():
    at = _app(section=NETWORK)
    assert at.query_params["section"] == NETWORK
    at.radio(key="backprop.stage").set_value("gradients").run()
    link = {name: at.query_params[name] for name in at.query_params}
    assert link == {"section": NETWORK, "stage": "gradients"}

    again = _app(link)  # the copied link, opened elsewhere
    assert not again.exception
    assert _drawn_sections(again) == [NETWORK]
    assert again.radio(key="backprop.stage").value == "gradients"
    open_section(again, CHAIN)
    assert "section" not in again.query_params  # the default tab leaves the link short
    assert again.query_params["stage"] == "gradients"  # the closed tab's setting stays in the link


def test_a_setting_of_a_closed_section_keeps_its_value_and_link():
    at = _app(section=CHAIN)
    at.slider(key="backprop.w1").set_value(2.0).run()
    open_section(at, NETWORK)
    assert not at.exception
    assert at.session_state["backprop.w1"] == 2.0 and at.query_params["w1"] == "2.0"
    at.select_slider(key="backprop.lr").set_value(1.0).run()
    open_section(at, CHAIN)
    assert at.slider(key="backprop.w1").value == 2.0
    assert at.query_params["lr"] == "1.0" and at.query_params["w1"] == "2.0"


def test_a_bad_section_in_the_link_opens_the_first_tab():
    at = _app({"section": "A real network"})  # a truncated link
    assert not at.exception and not at.error
    assert at.session_state[SECTION] == CHAIN and _drawn_sections(at) == [CHAIN]
    assert "section" not in at.query_params


def test_the_exercise_uses_the_network_of_the_second_tab_after_an_update():
    at = _app(section=NETWORK)
    at.radio(key="backprop.stage").set_value("update").run()
    at.button(key="backprop.apply").click().run()
    net, x, y = _mazur()
    updated = sgd_step(net, backward(net, forward(net, [x]), [y], losses.get("quadratic")), 0.5)
    open_section(at, EXERCISE)  # the editors of the second tab are not drawn now
    assert not at.exception and not at.error
    exercise = lesson.make_exercise(lesson.walk(updated, x, y, "quadratic", 0.5), 0)
    assert any(exercise.prompt in m.value for m in at.markdown)
    at.text_input(key="backprop.answer").input(f"{exercise.answer:.8f}").run()
    assert any("Right" in s.value for s in at.success)
    nodes = _node_text(_chart(at, "backprop.exercise_network"))
    a = forward(updated, [x]).a[1][0][0]
    assert nodes[2].endswith(f"a = {a:.3g}")


# -- the network's numbers as one setting -------------------------------------------------------------


def test_the_networks_numbers_round_trip_through_a_link_exactly():
    from nnviz.ui.backprop_view import Numbers

    numbers = Numbers("the network's numbers", (), max_items=4, bound=10.0)
    values = (0.1, -2.5, 1e-9 + 0.3)
    assert numbers.check(numbers.parse(numbers.encode(values))) == values
    assert numbers.parse("") == () and numbers.parse("  ") == ()  # empty: drawn from the seed
    assert numbers.link_chars == 100


@pytest.mark.parametrize("raw, message", [
    ("1,2,3,4,5", "it holds 5 numbers; at most 4 fit"), ("1,zz", "` zz ` is not a number"),
    ("1,11", "11 is outside -10 … 10"),
])
def test_the_networks_numbers_refuse_a_link_that_does_not_fit_and_say_why(raw, message):
    from nnviz.ui.backprop_view import Numbers

    numbers = Numbers("the network's numbers", (), max_items=4, bound=10.0)
    with pytest.raises(ValueError) as caught:
        numbers.check(numbers.parse(raw))
    assert str(caught.value) == message
    with pytest.raises(ValueError, match="is not a list of numbers"):
        numbers.check("0.5")

"""The perceptron page: every control changes the charts exactly as nnviz.perceptron computes."""

from pathlib import Path

import numpy as np
import pytest

from nnviz import perceptron
from tests.lessons.figures import figure_array as _arr
from tests.lessons.figures import figures_by_title, run_page, validate_figures

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "lessons" / "perceptron.py")


def _run(query=None):
    return run_page(PAGE, query)


def _figures(at) -> dict:
    """Every chart's figure JSON, by the start of its title."""
    return figures_by_title(at, lambda title: title.split(":")[0])


def _plane(at):
    return _figures(at)["Input plane"]


def _latex(at) -> str:
    return " ".join(e.value for e in at.latex)


@pytest.fixture(scope="module")
def default_page():
    at = _run()
    assert not at.exception
    return at


def test_page_opens_with_the_weighted_sum_filled_in(default_page):
    z = float(perceptron.weighted_sum((1.0, 0.5), (0.8, -0.4), -0.2))
    assert f"= {z:.3f}" in _latex(default_page)
    assert len(default_page.get("plotly_chart")) == 4
    assert not default_page.error


@pytest.mark.parametrize("field,value", [("x1", -1.5), ("x2", 1.7), ("w1", -2.0), ("w2", 3.3), ("b", 1.2)])
def test_each_slider_moves_the_sum_the_plane_and_the_line(field, value):
    at = _run()
    at.slider(key=f"perceptron.{field}").set_value(value).run()
    assert not at.exception
    s = {"x1": 1.0, "x2": 0.5, "w1": 0.8, "w2": -0.4, "b": -0.2, field: value}
    w, b = (s["w1"], s["w2"]), s["b"]
    z = float(perceptron.weighted_sum((s["x1"], s["x2"]), w, b))
    assert f"= {z:.3f}" in _latex(at)
    plane = _plane(at)
    _, grid = perceptron.output_grid(w, b, "step", -2.5, 2.5)
    assert np.array_equal(_arr(plane["data"][0]["z"]), grid)
    line = perceptron.decision_line(w, b, -2.5, 2.5)
    assert np.allclose(plane["data"][1]["x"], line[0]) and np.allclose(plane["data"][1]["y"], line[1])
    assert plane["data"][2]["x"] == [s["x1"]] and plane["data"][2]["y"] == [s["x2"]]
    assert at.query_params[field] == repr(value)


@pytest.mark.parametrize("name", ["identity", "sigmoid"])
def test_activation_choice_changes_the_output(name):
    at = _run()
    at.radio(key="perceptron.activation").set_value(name).run()
    assert not at.exception
    _, grid = perceptron.output_grid((0.8, -0.4), -0.2, name, -2.5, 2.5)
    assert np.allclose(_arr(_plane(at)["data"][0]["z"]), grid)
    out = float(perceptron.output((1.0, 0.5), (0.8, -0.4), -0.2, name))
    assert f"= {out:.3f}" in _latex(at)


def test_zero_weights_are_explained_in_words_and_draw_no_line():
    at = _run({"w1": "0.0", "w2": "0.0"})
    assert not at.exception
    assert "both weights are zero" in at.error[0].value
    names = [t.get("name") for t in _plane(at)["data"]]
    assert "w₁x₁ + w₂x₂ + b = 0" not in names


def test_learning_rule_replay_has_one_frame_per_epoch_and_the_errors_of_nnviz():
    at = _run()
    data = perceptron.dataset("and")
    history = perceptron.learn(data.X, data.y, lr=0.1, epochs=20)
    figs = _figures(at)
    replay = figs["AND"]
    assert len(replay["frames"]) == history.epochs + 1
    assert replay["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
    assert len(replay["layout"]["sliders"][0]["steps"]) == history.epochs + 1
    last = replay["frames"][-1]["data"][0]
    x1, x2 = perceptron.decision_line(history.weights[-1], history.biases[-1], -0.5, 1.5)
    assert np.allclose(last["x"], x1) and np.allclose(last["y"], x2)
    assert figs["Misclassified examples per epoch"]["data"][0]["y"] == history.errors.tolist()
    assert "Converged" in at.success[0].value


def test_xor_says_the_weights_repeat_and_it_never_converges():
    at = _run()
    at.selectbox(key="perceptron.dataset").set_value("xor").run()
    assert not at.exception
    data = perceptron.dataset("xor")
    history = perceptron.learn(data.X, data.y, lr=0.1, epochs=20)
    first, repeat = history.cycle
    warning = at.warning[0].value
    assert f"after epoch {repeat} are exactly those after epoch {first}" in warning
    assert "never converge" in warning and "Minsky and Papert" in warning
    assert _figures(at)["Misclassified examples per epoch"]["data"][0]["y"] == history.errors.tolist()


def test_learning_rate_and_epochs_change_the_run():
    at = _run()
    at.selectbox(key="perceptron.dataset").set_value("xor")
    at.slider(key="perceptron.epochs").set_value(7).run()
    assert len(_figures(at)["XOR"]["frames"]) == 8
    at.slider(key="perceptron.lr").set_value(0.5).run()
    data = perceptron.dataset("xor")
    history = perceptron.learn(data.X, data.y, lr=0.5, epochs=7)
    last = _figures(at)["XOR"]["frames"][-1]["data"][0]
    line = perceptron.decision_line(history.weights[-1], history.biases[-1], -0.5, 1.5)
    assert np.allclose(last["x"], line[0])


def test_learning_rate_zero_is_explained_not_a_traceback():
    at = _run()
    at.slider(key="perceptron.lr").set_value(0.0).run()
    assert not at.exception
    assert any("learning rate must be positive" in e.value for e in at.error)


def test_cloud_seed_changes_the_points():
    at = _run({"dataset": "cloud"})
    before = _figures(at)["separable random cloud"]["data"][1]["x"]
    at.number_input(key="perceptron.seed").set_value(5).run()
    after = _figures(at)["separable random cloud"]["data"][1]["x"]
    data = perceptron.dataset("cloud", 40, seed=5)
    assert before != after
    assert np.allclose(after, data.X[data.y == 0, 0])


def test_presets_and_reset():
    at = _run()
    at.button(key="perceptron.preset.Bias −10").click().run()
    assert at.slider(key="perceptron.b").value == -10.0
    assert "= -2.000" in _latex(at)  # 2·2 + 2·2 − 10
    at.button(key="perceptron.preset.reset").click().run()
    assert at.slider(key="perceptron.b").value == -0.2
    assert dict(at.query_params) == {}


def test_url_restores_the_view():
    at = _run({"w1": "2.0", "b": "-1.0", "activation": "sigmoid", "dataset": "or"})
    assert not at.exception
    assert at.slider(key="perceptron.w1").value == 2.0
    assert at.radio(key="perceptron.activation").value == "sigmoid"
    assert "OR" in _figures(at)


def test_two_layer_network_table_is_xor(default_page):
    table = default_page.dataframe[0].value
    assert table["output = XOR"].tolist() == [0, 1, 1, 0]
    assert table["h₁ = OR"].tolist() == [0, 1, 1, 1]


def test_every_figure_passes_plotly_validation():
    for query in (None, {"dataset": "xor", "activation": "sigmoid"}, {"dataset": "cloud", "w1": "0.0", "w2": "0.0"}):
        validate_figures(_run(query))


def test_out_of_range_link_settings_are_reset_in_words():
    at = _run({"x1": "50", "activation": "relu", "dataset": "xnor"})
    assert not at.exception
    message = at.warning[0].value
    assert "input x₁**: 50 is outside -2 … 2" in message
    assert "activation f**: ` relu ` is not one of: identity, step, sigmoid" in message
    assert "data set**: ` xnor ` is not one of" in message
    assert at.slider(key="perceptron.x1").value == 1.0

"""The cost-functions page: every control changes the charts exactly as nnviz computes."""

from pathlib import Path

import numpy as np
import pytest

from nnviz import probabilities, slowdown
from tests.lessons.figures import figure_array as _arr
from tests.lessons.figures import LINKS, bare_markdown, check_presets, figures_by_title, run_page, validate_figures

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "lessons" / "cost_functions.py")


def _run(query=None):
    return run_page(PAGE, query)


def _figures(at) -> dict:
    names = {"Cost and its gradient": "curves", "The batch cost": "batch", "One sigmoid neuron": "slowdown",
             "Categorical cross-entropy": "categorical"}
    return figures_by_title(at, lambda title: next(v for k, v in names.items() if title.startswith(k)))


def _markers(fig) -> dict:
    """The current point on the cost (left) and gradient (right) per cost, by legend group."""
    out = {}
    for t in fig["data"]:
        if t.get("mode") == "markers":
            out.setdefault(t["legendgroup"], []).append(t["y"][0])
    return out


def test_page_opens_with_four_charts_and_no_error():
    at = _run()
    assert not at.exception and not at.error
    assert set(_figures(at)) == {"curves", "batch", "slowdown", "categorical"}


@pytest.mark.parametrize("a,y", [(0.3, 0.0), (0.55, 1.0), (0.9, 0.25)])
def test_prediction_and_target_sliders_move_the_points(a, y):
    at = _run()
    at.slider(key="costs.a").set_value(a)
    at.slider(key="costs.y").set_value(y).run()
    assert not at.exception
    marks = _markers(_figures(at)["curves"])
    for name in slowdown.COSTS:
        assert marks[name][0] == pytest.approx(float(slowdown.cost(name, y, a)))
        assert marks[name][1] == pytest.approx(float(slowdown.cost_gradient(name, y, a)))
    curve = next(t for t in _figures(at)["curves"]["data"] if t.get("name") == "cross-entropy")
    assert np.allclose(_arr(curve["y"]), slowdown.cost_curve("cross_entropy", y)[1])


@pytest.mark.parametrize("a", [0.0, 1.0])
def test_a_exactly_zero_or_one_is_explained_in_words(a):
    at = _run()
    at.slider(key="costs.a").set_value(a)
    at.slider(key="costs.y").set_value(1.0 - a).run()
    assert not at.exception
    assert any(f"a = {int(a)} exactly" in e.value for e in at.error)
    marks = _markers(_figures(at)["curves"])
    assert "cross_entropy" not in marks and "quadratic" in marks
    assert any(r"\infty" in e.value for e in at.latex)


def test_batch_table_gives_the_average_cost():
    at = _run()
    at.text_input(key="costs.predictions").set_value("0.1, 0.5")
    at.text_input(key="costs.targets").set_value("1, 1").run()
    fig = _figures(at)["batch"]
    batch = slowdown.batch_quadratic([1.0, 1.0], [0.1, 0.5])
    assert fig["data"][0]["y"] == pytest.approx(batch.per_example.tolist())
    assert fig["data"][1]["y"][0] == pytest.approx(batch.value)
    at.text_input(key="costs.targets").set_value("1").run()
    assert not at.exception and any("shape" in e.value for e in at.error)


def test_slowdown_curves_are_nielsens_runs():
    at = _run()
    fig = _figures(at)["slowdown"]
    expected = {(w0, b0, name): slowdown.train(name, w0, b0, slowdown.LEARNING_RATES[name], 300)
                for w0, b0 in slowdown.STARTS for name in slowdown.COSTS}
    outputs = [_arr(t["y"]) for t in fig["data"] if t["yaxis"] in ("y", "y3")]
    assert np.allclose(outputs[0], expected[(0.6, 0.9, "quadratic")].a)
    assert np.allclose(outputs[3], expected[(2.0, 2.0, "cross_entropy")].a)
    assert len(outputs[0]) == 301


def test_learning_rates_and_epochs_change_the_runs():
    at = _run()
    at.number_input(key="costs.lr_cross_entropy").set_value(0.15)
    at.slider(key="costs.epochs").set_value(100).run()
    fig = _figures(at)["slowdown"]
    ce = [t for t in fig["data"] if t["legendgroup"] == "cross_entropy" and t["yaxis"] == "y3"][0]
    assert np.allclose(_arr(ce["y"]), slowdown.train("cross_entropy", 2.0, 2.0, 0.15, 100).a)


def test_learning_rate_zero_is_explained():
    at = _run()
    at.number_input(key="costs.lr_quadratic").set_value(0.0).run()
    assert not at.exception
    assert any("learning rate must be positive" in e.value for e in at.error)


def test_categorical_cross_entropy_bars_and_cost():
    at = _run()
    at.text_input(key="costs.logits").set_value("0.2, 2.5, -1")
    at.radio(key="costs.target_class").set_value("Blue").run()
    fig = _figures(at)["categorical"]
    expected = probabilities.categorical_cross_entropy([0.2, 2.5, -1.0], 2)
    assert np.allclose(fig["data"][0]["y"], expected.p)
    assert fig["data"][1]["y"] == [0.0, 0.0, 1.0]
    assert np.allclose(fig["data"][2]["y"], expected.gradient)
    assert any(f"{expected.cost:.4f}" in e.value for e in at.latex)


@pytest.mark.parametrize("text,message", [("", "no logits given"), ("1, 2", "3 class names but 2 logits")])
def test_bad_logits_are_explained(text, message):
    at = _run()
    at.text_input(key="costs.logits").set_value(text).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_presets_reset_and_url():
    at = _run()
    at.button(key="costs.preset.Very wrong").click().run()
    assert at.slider(key="costs.a").value == 0.98
    assert at.query_params["a"] == "0.98"
    at.button(key="costs.preset.reset").click().run()
    assert dict(at.query_params) == {}
    restored = _run({"a": "0.4", "y": "1.0", "target_class": "Green"})
    assert restored.slider(key="costs.a").value == 0.4
    assert restored.radio(key="costs.target_class").value == "Green"


def test_every_figure_passes_plotly_validation():
    validate_figures(_run())


def test_out_of_range_link_settings_are_reset_in_words():
    at = _run({"a": "7", "target_class": "Purple"})
    assert not at.exception
    message = at.warning[0].value
    assert "**output a**: 7 is outside 0 … 1" in message
    assert "**true class**: ` Purple ` is not one of: Red, Green, Blue" in message
    assert at.slider(key="costs.a").value == 0.8


# -- hand-edited links: a message naming the setting, the default used, no traceback -----------------
@pytest.mark.parametrize("name,raw,label,default", [
    ("a", "abc", "output a", 0.8),
    ("a", "1e308", "output a", 0.8),
    ("y", "1_0", "target y", 0.0),
    ("y", "nan", "target y", 0.0),
    ("lr_quadratic", "-1", "η quadratic", 0.15),
    ("epochs", "12.5", "epochs", 300),
    ("epochs", "100000", "epochs", 300),
    ("target_class", "red", "true class", "Red"),
    ("predictions", ",".join("0.5" for _ in range(4000)), "predictions a", "0.9, 0.2, 0.6, 0.4"),
    ("logits", "1," * 60, "logits z", "2.0, 1.0, 0.1"),
])
def test_a_hand_edited_link_value_is_named_and_the_default_used(name, raw, label, default):
    at = _run({name: raw})
    assert not at.exception
    assert len(at.warning) == 1 and f"**{label}" in at.warning[0].value
    assert at.session_state[f"costs.{name}"] == default
    assert set(_figures(at)) == {"curves", "batch", "slowdown", "categorical"}


def test_a_typed_batch_longer_than_the_page_takes_is_refused_in_words():
    at = _run()
    at.text_input(key="costs.predictions").set_value(", ".join("0.5" for _ in range(31)))
    at.text_input(key="costs.targets").set_value(", ".join("1" for _ in range(31))).run()
    assert not at.exception
    assert any("there are 31 targets; at most 30" in e.value for e in at.error)
    assert "batch" not in _figures(at)


def test_every_preset_fits_the_declarations_and_applies():
    check_presets(PAGE, "costs")


# -- text the student or a link typed is shown as text ----------------------------------------------
@pytest.mark.parametrize("field", ["predictions", "targets", "logits"])
@pytest.mark.parametrize("value", LINKS[:2])
def test_typed_text_is_echoed_literally_never_as_a_link_or_an_image(field, value):
    for at in (_run({field: value}), _run()):
        if field not in at.query_params:
            at.text_input(key=f"costs.{field}").set_value(value).run()
        assert not at.exception
        bodies = bare_markdown(at)
        assert not any("](" in body for body in bodies), bodies
        assert any("](" in e.value for e in at.error)  # echoed, inside a code span

"""The activation-functions page: every control changes the charts exactly as nnviz computes."""

from pathlib import Path

import numpy as np
import pytest

from nnviz import activations, encoding, probabilities, saturation
from tests.lessons.figures import figure_array as _arr
from tests.lessons.figures import LINKS, bare_markdown, check_presets, figures_by_title, run_page, validate_figures

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "lessons" / "activations.py")


def _run(query=None):
    return run_page(PAGE, query)


def _figures(at) -> dict:
    return figures_by_title(at, lambda title: "curves" if title.startswith("f(z)")
                            else "response" if title.startswith("One neuron") else "softmax")


def test_page_opens_with_three_charts_and_no_error():
    at = _run()
    assert not at.exception and not at.error
    assert set(_figures(at)) == {"curves", "response", "softmax"}


def test_choosing_functions_draws_each_with_its_derivative():
    at = _run()
    at.multiselect(key="activations.functions").set_value(["tanh", "elu"]).run()
    assert not at.exception
    traces = _figures(at)["curves"]["data"]
    assert [t["name"] for t in traces] == ["tanh", "tanh′", "ELU", "ELU′"]
    curve = saturation.curve("elu", -6.0, 6.0)
    assert np.allclose(_arr(traces[2]["y"]), curve.f) and np.allclose(_arr(traces[3]["y"]), curve.derivative)
    latex = " ".join(e.value for e in at.latex)
    assert activations.get("elu").derivative_latex in latex


def test_derivative_toggle_and_z_range():
    at = _run()
    at.toggle(key="activations.show_derivative").set_value(False).run()
    assert [t["name"] for t in _figures(at)["curves"]["data"]] == ["sigmoid", "tanh", "ReLU"]
    at.slider(key="activations.z_range").set_value((-10.0, 2.0)).run()
    fig = _figures(at)["curves"]
    assert fig["layout"]["xaxis"]["range"] == [-10.0, 2.0]
    assert _arr(fig["data"][0]["x"])[0] == -10.0 and _arr(fig["data"][0]["x"])[-1] == 2.0


def test_saturation_is_shaded_and_the_sigmoid_peak_is_stated():
    at = _run({"functions": "sigmoid"})
    fig = _figures(at)["curves"]
    shaded = [(s["x0"], s["x1"]) for s in fig["layout"]["shapes"]]
    assert shaded == [tuple(pair) for pair in saturation.curve("sigmoid").saturated]
    assert "0.25" in fig["layout"]["annotations"][0]["text"]


def test_no_function_chosen_is_explained():
    at = _run()
    at.multiselect(key="activations.functions").set_value([]).run()
    assert not at.exception
    assert "No function chosen" in at.error[0].value


@pytest.mark.parametrize("field,value", [("w", 4.0), ("b", -3.0)])
def test_weight_and_bias_shape_the_response(field, value):
    at = _run()
    at.slider(key=f"activations.{field}").set_value(value).run()
    w, b = (value, 0.0) if field == "w" else (1.0, value)
    fig = _figures(at)["response"]
    x = _arr(fig["data"][0]["x"])
    assert np.allclose(_arr(fig["data"][0]["y"]), saturation.response("sigmoid", x, w, b))
    assert fig["layout"]["shapes"][0]["x0"] == pytest.approx(-b / w)


def test_zero_weight_is_explained():
    at = _run({"w": "0.0"})
    assert not at.exception
    assert "w = 0" in at.warning[0].value


def test_logits_and_temperature_change_softmax_and_sigmoids():
    at = _run()
    at.text_input(key="activations.logits").set_value("0.5, 3, -1").run()
    at.slider(key="activations.temperature").set_value(2.0).run()
    fig = _figures(at)["softmax"]
    expected = probabilities.class_probabilities([0.5, 3.0, -1.0], 2.0)
    assert np.allclose(fig["data"][0]["y"], expected.softmax)
    assert np.allclose(fig["data"][1]["y"], expected.sigmoids)
    assert sum(fig["data"][0]["y"]) == pytest.approx(1.0)
    assert "Green" in at.success[0].value


def test_class_names_follow_the_text_input():
    at = _run()
    at.text_input(key="activations.classes").set_value("cat, dog, bird, fish")
    at.text_input(key="activations.logits").set_value("1, 2, 3, 4").run()
    assert _figures(at)["softmax"]["data"][0]["x"] == ["cat", "dog", "bird", "fish"]


@pytest.mark.parametrize("field,value,message", [
    ("classes", " ", "class list is empty"),
    ("logits", "1, 2", "3 class names but 2 logits"),
    ("logits", "1, x, 2", "could not read"),
])
def test_bad_class_input_is_explained(field, value, message):
    at = _run()
    at.text_input(key=f"activations.{field}").set_value(value).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_identical_logits_are_a_tie():
    at = _run()
    at.button(key="activations.preset.Tied logits").click().run()
    assert "cannot choose" in at.warning[0].value
    assert np.allclose(_figures(at)["softmax"]["data"][0]["y"], [1 / 3] * 3)


def test_large_logits_show_nan_for_the_naive_formula_only():
    at = _run()
    table = at.dataframe[0].value
    assert table["naive e^z / Σ e^z"].tolist() == ["NaN"] * 3
    stable = probabilities.overflow_demo([1000, 1001, 1002]).stable
    assert [float(v) for v in table["shifted by max z"]] == pytest.approx(stable, rel=1e-3)
    at.text_input(key="activations.big_logits").set_value("1, 2, 3").run()
    assert "NaN" not in at.dataframe[0].value["naive e^z / Σ e^z"].tolist()


def test_one_hot_and_multi_hot_tables_follow_the_text():
    at = _run()
    at.text_input(key="activations.labels").set_value("cat, dog, cat").run()
    table = at.dataframe[1].value
    assert list(table.columns) == ["label", "cat", "dog"]
    assert table[["cat", "dog"]].values.tolist() == encoding.one_hot(["cat", "dog", "cat"]).matrix.tolist()
    at.text_input(key="activations.label_sets").set_value("x; x,y").run()
    multi = at.dataframe[2].value
    assert multi[["x", "y"]].values.tolist() == [[1, 0], [1, 1]]
    at.text_input(key="activations.labels").set_value(" , ").run()
    assert any("class list is empty" in e.value for e in at.error)


def test_presets_reset_and_url():
    at = _run()
    at.button(key="activations.preset.Vanishing").click().run()
    assert at.multiselect(key="activations.functions").value == ["sigmoid"]
    assert at.query_params["functions"] == "sigmoid"
    at.button(key="activations.preset.reset").click().run()
    assert dict(at.query_params) == {}
    restored = _run({"functions": "relu,tanh", "temperature": "0.5"})
    assert restored.multiselect(key="activations.functions").value == ["relu", "tanh"]
    assert restored.slider(key="activations.temperature").value == 0.5


def test_every_figure_passes_plotly_validation():
    validate_figures(_run())


def test_out_of_range_link_settings_are_reset_in_words():
    at = _run({"functions": "sigmod,tanh", "z_range": "5,1", "temperature": "0"})
    assert not at.exception
    message = at.warning[0].value
    assert "**functions**: ` sigmod ` is not one of: step, sigmoid" in message
    assert "**z range**: the range 5 … 1 is empty" in message
    assert "**temperature T**: 0 is outside 0.1 … 5" in message
    assert at.multiselect(key="activations.functions").value == ["sigmoid", "tanh", "relu"]


# -- hand-edited links: a message naming the setting, the default used, no traceback -----------------
@pytest.mark.parametrize("name,raw,label,default", [
    ("temperature", "abc", "temperature T", 1.0),
    ("temperature", "1e308", "temperature T", 1.0),
    ("temperature", "1_0", "temperature T", 1.0),
    ("temperature", "nan", "temperature T", 1.0),
    ("w", "50", "weight w", 1.0),
    ("show_derivative", "maybe", "show f′", True),
    ("functions", "sigmoid,swish", "functions", ["sigmoid", "tanh", "relu"]),
    ("functions", "relu,relu", "functions", ["sigmoid", "tanh", "relu"]),
    ("labels", ",".join(f"c{i}" for i in range(4000)), "labels, one per example", "Red, Green, Blue, Green"),
    ("label_sets", ";".join(f"c{i}" for i in range(4000)), "label sets", "A,B; A; C,B; B"),
    ("logits", "1," * 60, "logits z", "2.0, 1.0, 0.1"),
])
def test_a_hand_edited_link_value_is_named_and_the_default_used(name, raw, label, default):
    at = _run({name: raw})
    assert not at.exception
    assert len(at.warning) >= 1 and f"**{label}" in at.warning[0].value
    assert at.session_state[f"activations.{name}"] == default
    assert set(_figures(at)) == {"curves", "response", "softmax"}


def test_a_23_kb_list_of_labels_in_a_link_builds_no_table():
    at = _run({"labels": ",".join(f"c{i}" for i in range(4000))})
    assert "characters long" in at.warning[0].value
    one_hot = at.dataframe[1].value
    assert list(one_hot.columns) == ["label", "Red", "Green", "Blue"] and len(one_hot) == 4


@pytest.mark.parametrize("raw", ["-6,5,6,19", "-1,0,0.5,0.6", "-6,-3,0,3,6", "-6", "a,b", "nan,6"])
def test_a_z_range_is_two_numbers_and_nothing_else_reaches_the_curves(raw):
    at = _run({"z_range": raw})
    assert not at.exception
    assert "**z range**" in at.warning[0].value
    assert at.slider(key="activations.z_range").value == (-6.0, 6.0)
    fig = _figures(at)["curves"]
    default = saturation.curve("sigmoid", -6.0, 6.0)
    x = _arr(fig["data"][0]["x"])
    assert x[0] == -6.0 and x[-1] == 6.0 and len(x) == len(default.z)
    assert np.allclose(_arr(fig["data"][0]["y"]), default.f)


@pytest.mark.parametrize("field,text,message", [
    ("labels", ",".join(f"c{i}" for i in range(31)), "there are 31 labels; at most 30"),
    ("label_sets", ";".join(f"c{i}" for i in range(31)), "there are 31 examples; at most 30"),
    ("label_sets", "; ".join(",".join(f"c{i}{j}" for j in range(8)) for i in range(4)), "there are 32 labels"),
    ("classes", ",".join("k" * 40), "there are 40 class names; at most 30"),
    ("logits", ",".join("1" for _ in range(40)), "there are 40 logits; at most 30"),
])
def test_a_typed_list_longer_than_the_page_takes_is_refused_in_words(field, text, message):
    # A text box's own limit is drawn by the browser; the page bounds what reaches it all the same.
    at = _run()
    tables = len(at.dataframe)
    at.session_state[f"activations.{field}"] = text
    at.run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert len(at.dataframe) == tables - (1 if field in ("labels", "label_sets") else 0)


def test_every_preset_fits_the_declarations_and_applies():
    check_presets(PAGE, "activations", errors_allowed=False)


# -- text the student or a link typed is shown as text ----------------------------------------------


@pytest.mark.parametrize("field,value", [
    ("logits", LINKS[0]), ("logits", LINKS[1]), ("big_logits", LINKS[0]), ("big_logits", LINKS[1]),
    ("classes", f"{LINKS[1]}, Green, Blue"), ("classes", f"{LINKS[0]}, Green, Blue"),
    ("classes", f"{LINKS[2]}, Green, Blue"),
])
def test_typed_text_is_echoed_literally_never_as_a_link_or_an_image(field, value):
    for at in (_run({field: value}), _run()):
        if field not in at.query_params:
            at.text_input(key=f"activations.{field}").set_value(value).run()
        assert not at.exception
        bodies = bare_markdown(at)
        assert not any("](" in body or "<img" in body for body in bodies), bodies
        shown = " ".join(e.value for kind in ("error", "success") for e in getattr(at, kind))
        assert "](" in shown or "<img" in shown  # echoed, inside a code span
        assert not any("http" in e.value for e in at.latex)


def test_a_class_name_with_markup_is_refused_before_it_labels_a_bar():
    at = _run({"classes": '<a href="http://127.0.0.1:8799/">Red</a>, Green, Blue'})
    assert not at.exception
    assert any("has < or >" in e.value for e in at.error)
    assert "softmax" not in _figures(at)

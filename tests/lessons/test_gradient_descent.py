"""The gradient-descent page under AppTest: each section's charts hold exactly what nnviz.descent computes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from nnviz import descent, optimizers, surfaces
from nnviz.charts.descent import decode

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "lessons/gradient_descent.py")
KEYS = ("gd.chart.curve", "gd.chart.curve_cost", "gd.chart.race", "gd.chart.race_cost", "gd.chart.arrows",
        "gd.chart.sweep", "gd.chart.sgd_paths", "gd.chart.sgd_cost")


SECTIONS = ("One weight", "Two weights: the race", "One step up close", "Range test", "Mini-batches")


def _opened(section: str | None = None, **params) -> AppTest:
    """The page opened from a link: its section and any other settings, as a student would follow it."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    if section is not None:
        params["section"] = section
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


@pytest.fixture
def at():
    return _opened()


@pytest.fixture
def race_at():
    return _opened("Two weights: the race")


def open_section(at, section: str):
    """Click a section's tab (lazy tabs: only the open one runs)."""
    at.session_state["gd.section"] = section
    return at.run()


def open_optimizer(at, label: str):
    """Open one optimizer's tab in the race (lazy tabs too)."""
    at.session_state["gd.optimizer_tab"] = label
    return at.run()


def charts(at) -> dict:
    """Every chart's figure JSON by its key."""
    return {_key_of(chart): json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def _key_of(chart) -> str:
    # Streamlit puts the user key at the end of the element id.
    for key in KEYS + ("gd.chart.race3d",):
        if chart.proto.id.endswith(key):
            return key
    return chart.proto.id


def trace(fig: dict, name: str) -> dict:
    hits = [t for t in fig["data"] if t.get("name", "").startswith(name)]
    assert hits, f"no trace named {name!r} in {[t.get('name') for t in fig['data']]}"
    return hits[0]


def race_table(at) -> list[list[str]]:
    """The rows of the race's results table (a Markdown table), as cells."""
    table = next(m.value for m in at.markdown if m.value.startswith("| optimizer |"))
    return [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]


def texts(at) -> str:
    return " ".join(e.value for kind in ("success", "warning", "error", "info") for e in getattr(at, kind))


def test_page_draws_every_section_without_exception(at):
    assert not at.exception
    assert [t.label for t in at.tabs][:5] == list(SECTIONS)
    figs, headers = {}, []
    for section in SECTIONS:
        open_section(at, section)
        assert not at.exception
        figs.update(charts(at))
        headers += [h.value for h in at.subheader]
    assert set(KEYS) <= set(figs)
    assert headers == ["One weight: steps down a curve", "Two weights: the optimizers race", "One step up close",
                       "Which learning rate? The range test", "Stochastic descent: mini-batches"]
    for fig in figs.values():  # every figure is valid Plotly (the builders skip validation for speed)
        go.Figure(fig)
        for t in fig["data"]:
            for axis in ("x", "y", "z"):
                if axis in t and not isinstance(t[axis], str):
                    assert np.all(np.isfinite(decode(t[axis]).astype(float))), (t.get("name"), axis)


def test_only_the_open_section_runs_and_its_name_is_in_the_link(at):
    # One weight is open: its chart is drawn, the race's is not (nor its widgets).
    assert set(charts(at)) == {"gd.chart.curve", "gd.chart.curve_cost"}
    assert not [w for w in at.selectbox if w.key == "gd.surface"]
    open_section(at, "Two weights: the race")
    assert set(charts(at)) == {"gd.chart.race", "gd.chart.race_cost"}
    assert not [w for w in at.select_slider if w.key == "gd.lr"]
    assert at.query_params["section"] == "Two weights: the race"

def test_settings_of_a_closed_section_or_optimizer_tab_are_kept(at):
    at.select_slider(key="gd.lr").set_value(0.2).run()
    open_section(at, "Two weights: the race")
    assert at.query_params["lr"] == "0.2"  # still in the link while its section is closed
    open_optimizer(at, "Adam")
    at.select_slider(key="gd.lr_adam").set_value(0.0316).run()
    open_optimizer(at, "SGD")  # Adam's tab closes; its learning rate still drives its racer
    adam = _race_run("adam", 0.0316, beta_1=0.9, beta_2=0.999, epsilon=1e-8, bias_correction=True)
    np.testing.assert_array_equal(decode(trace(charts(at)["gd.chart.race"], "Adam")["x"]), adam.trajectory[:, 0])
    open_section(at, "One weight")
    assert at.select_slider(key="gd.lr").value == 0.2
    run = descent.run("parabola", "sgd", start=[-2.0], steps=30, learning_rate=0.2)
    np.testing.assert_array_equal(decode(trace(charts(at)["gd.chart.curve"], "steps")["x"]), run.trajectory[:, 0])


def test_a_link_opens_its_section_and_a_bad_one_falls_back_to_the_first():
    linked = _opened("Range test", sweep_optimizer="adam")
    assert not linked.exception and set(charts(linked)) == {"gd.chart.sweep"}
    assert linked.selectbox(key="gd.sweep_optimizer").value == "adam"
    bad = _opened("../../etc")
    assert not bad.exception and "gd.chart.curve" in charts(bad)


# ------------------------------------------------------------------------------ 1. one weight
def test_one_weight_steps_are_those_of_nnviz_descent(at):
    fig = charts(at)["gd.chart.curve"]
    run = descent.run("parabola", "sgd", start=[-2.0], steps=30, learning_rate=0.1)
    steps = trace(fig, "steps")
    np.testing.assert_array_equal(decode(steps["x"]), run.trajectory[:, 0])
    np.testing.assert_array_equal(decode(steps["y"]), run.costs)
    # Plotly frames, one per step, replay it in the browser with ▶ / ❚❚ and a step slider
    assert len(fig["frames"]) == 31
    assert [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]] == ["▶ Play", "❚❚ Pause"]
    np.testing.assert_array_equal(decode(fig["frames"][5]["data"][0]["x"]), run.trajectory[:6, 0])
    # the tangent at step 5 has the slope C'(w5)
    tx, ty = (decode(v) for v in (fig["frames"][5]["data"][1]["x"], fig["frames"][5]["data"][1]["y"]))
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(float(run.gradients[5, 0]))
    assert "Converged" in texts(at)


def test_moving_the_learning_rate_redraws_the_steps(at):
    at.select_slider(key="gd.lr").set_value(0.2).run()
    assert not at.exception
    steps = trace(charts(at)["gd.chart.curve"], "steps")
    run = descent.run("parabola", "sgd", start=[-2.0], steps=30, learning_rate=0.2)
    np.testing.assert_array_equal(decode(steps["x"]), run.trajectory[:, 0])
    assert decode(steps["x"])[1] == pytest.approx(-0.4)
    assert at.query_params["lr"] == "0.2"


@pytest.mark.parametrize("lr, kind, words", [
    (0.01, "warning", "Too slow"),
    (0.891, "warning", "Oscillating"),
    (1.12, "error", "Diverg"),
])
def test_outcome_is_named_and_the_bound_is_shown(at, lr, kind, words):
    at.select_slider(key="gd.lr").set_value(lr)
    at.slider(key="gd.steps").set_value(40).run()
    assert words in " ".join(e.value for e in getattr(at, kind))
    latex = " ".join(e.value for e in at.latex)
    assert r"\eta < \frac{2}{C''} = \frac{2}{2} = 1" in latex
    assert f"your }} \\eta = {lr:g}" in latex


def test_huge_learning_rate_stops_the_chart_at_the_divergence_step(at):
    at.select_slider(key="gd.lr").set_value(5.01).run()
    run = descent.run("parabola", "sgd", start=[-2.0], steps=30, learning_rate=5.01)
    assert run.diverged_at == 2
    assert "Diverged at step 2" in " ".join(e.value for e in at.error)
    figs = charts(at)
    np.testing.assert_array_equal(decode(trace(figs["gd.chart.curve"], "steps")["x"]), run.trajectory[:, 0])
    assert len(decode(trace(figs["gd.chart.curve"], "steps")["x"])) == 2
    cost = figs["gd.chart.curve_cost"]
    assert any("diverged at step 2" in a["text"] for a in cost["layout"]["annotations"])


def test_the_diverged_note_and_the_legend_sit_in_different_corners(at):
    # The climbing line ends top right: the note goes to its left, the legend to the bottom right.
    cost = charts(at)["gd.chart.curve_cost"]
    assert cost["layout"]["legend"]["yanchor"] == "top"  # nothing diverged: the legend stays top right
    at.select_slider(key="gd.lr").set_value(descent.log_options(1e-4, 10.0, per_decade=20)[82]).run()
    cost = charts(at)["gd.chart.curve_cost"]
    note = next(a for a in cost["layout"]["annotations"] if "diverged at step" in a["text"])
    legend = cost["layout"]["legend"]
    assert note["xanchor"] == "right" and note["ax"] < 0 and note["ay"] == 0
    assert legend["yanchor"] == "bottom" and legend["y"] < 0.5 and legend["xanchor"] == "right"


def test_local_minimum_preset(at):
    at.button(key="gd.preset.Local minimum").click().run()
    assert at.selectbox(key="gd.cost").value == "two_minima"
    assert "Stuck in a local minimum" in " ".join(e.value for e in at.warning)


def test_changing_the_cost_moves_the_start_to_its_own(at):
    at.selectbox(key="gd.cost").set_value("asymmetric_bowl").run()
    assert at.slider(key="gd.w0").value == surfaces.get("asymmetric_bowl").start[0]
    assert not at.exception


# ------------------------------------------------------------------------------ 2. the race
def _race_run(name, lr, steps=500, start=(-1.2, 1.0), **hyper):
    return descent.run("rosenbrock", name, start=start, steps=steps, learning_rate=lr, **hyper)


def test_race_trajectories_are_those_of_nnviz_descent(race_at):
    at = race_at
    fig = charts(at)["gd.chart.race"]
    expected = {"SGD": _race_run("sgd", 0.002), "Momentum": _race_run("momentum", 0.001, momentum=0.9),
                "Adam": _race_run("adam", 0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8, bias_correction=True)}
    for name, run in expected.items():
        path = trace(fig, name)
        np.testing.assert_array_equal(decode(path["x"]), run.trajectory[:, 0])
        np.testing.assert_array_equal(decode(path["y"]), run.trajectory[:, 1])
    # the cost map is a picture under the plot (Plotly.js erases contour traces while animating)
    assert fig["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert fig["layout"]["images"][0]["layer"] == "below"
    minima = trace(fig, "minimum")
    assert (minima["x"], minima["y"]) == ([1.0], [1.0])
    assert 2 <= len(fig["frames"]) <= 30 and fig["frames"][-1]["name"] == "500"
    # the cost chart: C - C_min per step, log y
    cost = charts(at)["gd.chart.race_cost"]
    assert cost["layout"]["yaxis"]["type"] == "log"
    np.testing.assert_allclose(decode(trace(cost, "Adam")["y"]), np.maximum(expected["Adam"].costs, 1e-12))
    rows = race_table(at)
    assert [r[0] for r in rows] == ["SGD", "Momentum", "Adam"]
    for row, run in zip(rows, expected.values()):
        summary = descent.summarise(run, "rosenbrock", 1e-3)
        assert row[2] == f"{run.final_cost:.4g}" and row[3] == f"{summary['distance']:.4g}"
        assert row[4] == str(summary["steps_to_tolerance"] or "never") and row[5] == "no"


def test_every_optimizer_has_its_own_hyper_parameters_and_formula(race_at):
    at = race_at
    # Only the open optimizer's tab is drawn; its hyper-parameters appear once it races.
    open_optimizer(at, "Nesterov")
    assert not [s for s in at.slider if s.key == "gd.mu_nesterov"]
    assert optimizers.get("nesterov").latex in " ".join(e.value for e in at.latex)
    at.checkbox(key="gd.race_nesterov").check().run()
    at.slider(key="gd.mu_nesterov").set_value(0.5).run()
    open_optimizer(at, "RMSProp")
    assert not [s for s in at.slider if s.key == "gd.mu_nesterov"]
    at.checkbox(key="gd.race_rmsprop").check().run()
    at.slider(key="gd.rho").set_value(0.8)
    at.select_slider(key="gd.lr_rmsprop").set_value(0.0316).run()
    open_optimizer(at, "Adam")
    at.toggle(key="gd.bias_correction").set_value(False).run()
    assert not at.exception
    assert "**Racing:** SGD, Momentum, Nesterov, RMSProp, Adam." in " ".join(m.value for m in at.markdown)
    assert at.query_params["optimizer_tab"] == "Adam" and at.query_params["mu_nesterov"] == "0.5"
    fig = charts(at)["gd.chart.race"]
    nesterov = _race_run("nesterov", 0.001, momentum=0.5)
    rmsprop = _race_run("rmsprop", 0.0316, rho=0.8, epsilon=1e-8)
    adam = _race_run("adam", 0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8, bias_correction=False)
    for name, run in (("Nesterov", nesterov), ("RMSProp", rmsprop), ("Adam", adam)):
        np.testing.assert_array_equal(decode(trace(fig, name)["x"]), run.trajectory[:, 0])
    assert optimizers.get("adam", bias_correction=False).latex in " ".join(e.value for e in at.latex)


def test_each_racing_optimizers_tab_draws_exactly_its_own_hyper_parameters(race_at):
    at = race_at
    for name, label in optimizers.LABELS.items():
        open_optimizer(at, label)
        at.checkbox(key=f"gd.race_{name}").check().run()
        drawn = {w.key for kind in ("slider", "select_slider", "toggle") for w in getattr(at, kind)} - {
            "gd.x0", "gd.y0", "gd.race_steps", "gd.show_3d", "gd.keras"}
        own = {f"gd.{field}" for field in descent.HYPER_SETTINGS.get(name, {}).values()}
        assert drawn == {f"gd.lr_{name}"} | own, name
    assert not at.exception


def test_keras_formulas_switch(race_at):
    at = race_at
    at.toggle(key="gd.keras").set_value(True).run()
    open_optimizer(at, "AdaGrad")
    latex = " ".join(e.value for e in at.latex)
    assert optimizers.get("adagrad", convention="keras").latex in latex
    fig = charts(at)["gd.chart.race"]
    adam = _race_run("adam", 0.1, convention="keras", beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    np.testing.assert_array_equal(decode(trace(fig, "Adam")["x"]), adam.trajectory[:, 0])


def test_huge_learning_rate_in_the_race_says_where_it_diverged(race_at):
    at = race_at
    open_optimizer(at, "Adam")
    at.select_slider(key="gd.lr_adam").set_value(10.0).run()
    open_optimizer(at, "SGD")
    at.select_slider(key="gd.lr_sgd").set_value(10.0).run()
    sgd = _race_run("sgd", 10.0)
    assert sgd.diverged
    errors = " ".join(e.value for e in at.error)
    assert f"SGD diverged at step {sgd.diverged_at}" in errors
    fig = charts(at)["gd.chart.race"]
    path = trace(fig, "SGD")
    assert path["name"] == f"SGD (diverged at step {sgd.diverged_at})"
    assert len(decode(path["x"])) == sgd.diverged_at  # the line stops at the last finite point
    assert dict((r[0], r[5]) for r in race_table(at))["SGD"] == f"at step {sgd.diverged_at}"


def test_changing_the_surface_moves_start_and_marks_its_minima(race_at):
    at = race_at
    at.selectbox(key="gd.surface").set_value("himmelblau").run()
    s = surfaces.get("himmelblau")
    assert (at.slider(key="gd.x0").value, at.slider(key="gd.y0").value) == s.start
    minima = trace(charts(at)["gd.chart.race"], "minimum")
    assert len(minima["x"]) == 4
    at.slider(key="gd.x0").set_value(-3.0).run()
    run = descent.run("himmelblau", "sgd", start=(-3.0, s.start[1]), steps=500, learning_rate=0.002)
    np.testing.assert_array_equal(decode(trace(charts(at)["gd.chart.race"], "SGD")["x"]), run.trajectory[:, 0])
    assert at.query_params["surface"] == "himmelblau" and at.query_params["x0"] == "-3.0"


def test_saddle_surface_marks_the_saddle_point(at):
    at.button(key="gd.preset.Saddle").click().run()  # the preset opens the race
    assert at.session_state["gd.section"] == "Two weights: the race"
    fig = charts(at)["gd.chart.race"]
    assert trace(fig, "saddle point")["x"] == [0.0]
    assert not at.exception


def test_3d_toggle_draws_the_surface(race_at):
    at = race_at
    at.toggle(key="gd.show_3d").set_value(True).run()
    fig = charts(at)["gd.chart.race3d"]
    assert fig["data"][0]["type"] == "surface"
    sgd = _race_run("sgd", 0.002)
    path = trace(fig, "SGD")
    assert path["type"] == "scatter3d" and decode(path["x"])[0] == sgd.trajectory[0, 0]


# ------------------------------------------------------------------------------ 3. arrows
def test_arrow_view_shows_gradient_momentum_and_update(at):
    open_section(at, 'One step up close')
    at.slider(key="gd.arrow_step").set_value(25).run()
    fig = charts(at)["gd.chart.arrows"]
    run = _race_run("momentum", 0.001, momentum=0.9)
    parts = descent.arrows(run, 25)
    heads = [(a["x"] - a["ax"], a["y"] - a["ay"]) for a in fig["layout"]["annotations"]]
    for expected, got in zip((parts.gradient_step, parts.momentum, parts.update), heads):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(parts.gradient_step + parts.momentum, parts.update, rtol=1e-9, atol=1e-15)
    names = [t["name"] for t in fig["data"][1:]]
    assert names[0].startswith("−η∇C") and names[1].startswith("momentum") and names[2].startswith("actual update")


def test_arrow_view_of_sgd_has_no_momentum(at):
    open_section(at, 'One step up close')
    at.selectbox(key="gd.arrow_optimizer").set_value("sgd").run()
    fig = charts(at)["gd.chart.arrows"]
    assert len(fig["layout"]["annotations"]) == 2


# ------------------------------------------------------------------------------ 4. sweep
def test_sweep_matches_nnviz_and_marks_the_first_diverging_rate(at):
    open_section(at, 'Range test')
    at.selectbox(key="gd.sweep_optimizer").set_value("momentum").run()
    sw = descent.sweep("rosenbrock", "momentum", (-1.2, 1.0), 100, momentum=0.9)
    fig = charts(at)["gd.chart.sweep"]
    finished = trace(fig, "finished")
    np.testing.assert_array_equal(decode(finished["x"]), sw.learning_rates[~sw.diverged])
    np.testing.assert_array_equal(decode(finished["y"]), descent.sweep_gap(sw)[~sw.diverged])
    np.testing.assert_array_equal(decode(trace(fig, "diverged")["x"]), sw.learning_rates[sw.diverged])
    assert f"Runs diverge from η ≈ **{sw.first_diverging:.3g}** on." in " ".join(m.value for m in at.markdown)


# ------------------------------------------------------------------------------ 5. stochastic
def test_stochastic_paths_are_those_of_nnviz_descent(at):
    open_section(at, 'Mini-batches')
    problem = descent.regression_problem(n_samples=100, noise=0.5, seed=0)
    paths = descent.stochastic_descent(problem, (None, 1, 8, 32), learning_rate=0.1, steps=100, seed=0)
    fig = charts(at)["gd.chart.sgd_paths"]
    for p in paths:
        got = trace(fig, p.label)
        np.testing.assert_array_equal(decode(got["x"]), p.trajectory[:, 0])
        np.testing.assert_array_equal(decode(got["y"]), p.trajectory[:, 1])
    assert trace(fig, "least squares")["x"] == [pytest.approx(problem.least_squares[0])]
    # The legend sits under the plot on the page's background, not over the dark contour.
    assert fig["layout"]["legend"]["y"] < 0 and fig["layout"]["legend"]["yanchor"] == "top"


def test_stochastic_with_a_huge_rate_says_diverged(at):
    open_section(at, 'Mini-batches')
    at.select_slider(key="gd.sgd_lr").set_value(10.0).run()
    assert not at.exception
    assert "full batch diverged at step" in " ".join(e.value for e in at.error)


# ------------------------------------------------------------------------------ links and presets
def _declared() -> dict:
    """The page's declarations (its module up to the title), to check presets without a browser."""
    source = Path(PAGE).read_text()
    namespace = {}
    exec(compile(source[:source.index("st.title(")], PAGE, "exec"), namespace)
    return namespace


def warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("name, raw, label, words, default", [
    ("lr", "1e308", "learning rate η (log scale)", "1e+308 is outside 0.0001 … 10", 0.1),
    ("lr", "0", "learning rate η (log scale)", "0 is outside 0.0001 … 10", 0.1),
    ("lr_adam", "nan", "Adam learning rate η", "` nan ` is not a finite number", 0.1),
    ("eps_rmsprop", "abc", "ε (keeps the division safe)", "` abc ` is not a number", 1e-8),
    ("steps", "abc", "steps", "` abc ` is not a whole number", 30),
    ("steps", "1_0", "steps", "` 1_0 ` is not a whole number", 30),
    ("steps", "500", "steps", "500 is outside 1 … 200", 30),
    ("noise", "1_0", "noise in the data", "` 1_0 ` is not a number", 0.5),
    ("noise", "1e308", "noise in the data", "1e+308 is outside 0 … 2", 0.5),
    ("x0", "9", "start x₀", "9 is outside -5 … 5", -1.2),
    ("surface", "everest", "surface", "` everest ` is not one of: Round bowl,", "rosenbrock"),
    ("sweep_optimizer", "lbfgs", "optimizer", "` lbfgs ` is not one of: SGD, Momentum,", "sgd"),
    ("race_adam", "maybe", "race it", "` maybe ` is not on (1) or off (0)", True),
    ("section", "x" * 500, "section", "it is 500 characters long", SECTIONS[0]),
    ("section", "../../etc", "section", "` ../../etc ` is not one of: One weight,", SECTIONS[0]),
])
def test_a_hand_edited_link_value_is_named_in_a_warning_and_its_default_used(name, raw, label, words, default):
    at = _opened(**{name: raw})
    assert not at.exception
    said = warnings(at)
    assert f"**{label}**: {words}" in said, said
    assert at.session_state[f"gd.{name}"] == default
    assert name not in at.query_params  # the link now holds what the page shows


def test_a_link_learning_rate_between_stops_snaps_to_the_nearest_without_a_warning():
    at = _opened(lr="0.105", eps_adam="2e-8", lr_sgd="0.0021")
    assert not at.exception and "cannot use" not in warnings(at)
    assert (at.session_state["gd.lr"], at.session_state["gd.eps_adam"], at.session_state["gd.lr_sgd"]) == \
        (0.1, 1e-8, 0.002)
    assert at.select_slider(key="gd.lr").value == 0.1
    assert "lr" not in at.query_params  # 0.1 is the default: the snapped link is the plain page


def test_a_link_start_outside_its_surface_is_moved_to_the_edge_with_a_message():
    # 4.5 is inside the widest box (Himmelblau's) but outside Rosenbrock's x range −2 … 2.
    at = _opened("Two weights: the race", x0="4.5", y0="-0.5")
    assert not at.exception
    assert "**start x₀**: 4.5 is outside -2 … 2, the box of Rosenbrock; its nearest edge 2 is used." in warnings(at)
    assert "start y₀" not in warnings(at)
    assert at.slider(key="gd.x0").value == 2.0 and (at.slider(key="gd.x0").min, at.slider(key="gd.x0").max) == \
        (-2.0, 2.0)
    run = descent.run("rosenbrock", "sgd", start=(2.0, -0.5), steps=500, learning_rate=0.002)
    np.testing.assert_array_equal(decode(trace(charts(at)["gd.chart.race"], "SGD")["x"]), run.trajectory[:, 0])
    assert at.query_params["x0"] == "2.0"


def test_a_link_start_inside_its_own_surface_is_kept():
    at = _opened("Two weights: the race", surface="himmelblau", x0="4.5", y0="-4.0")
    assert not at.exception and not at.warning  # no link message, and the race's outcome has none
    assert (at.slider(key="gd.x0").value, at.slider(key="gd.y0").value) == (4.5, -4.0)


def test_a_link_start_w0_outside_its_cost_is_moved_to_the_edge_with_a_message():
    at = _opened(cost="asymmetric_bowl", w0="6.5")  # the parabola's box reaches 7, the asymmetric bowl's 3
    assert not at.exception
    assert "**start w₀**: 6.5 is outside -4 … 3" in warnings(at)
    assert at.slider(key="gd.w0").value == 3.0


def test_every_preset_fits_the_declarations_exactly():
    declared = _declared()
    page = declared["PAGE"]
    for label, values in declared["PRESETS"].items():
        assert page.check(values) == values, label  # no value snapped or changed on the way in
        at = _opened()
        at.button(key=f"gd.preset.{label}").click().run()
        assert not at.exception, label
        # No link or preset message (the lesson's own outcome may be a warning or an error: "Diverging").
        assert "cannot use" not in warnings(at) and "off the map" not in warnings(at), label
        assert not any("went wrong" in e.value for e in at.error), label
        for name, value in values.items():
            assert at.session_state[f"gd.{name}"] == value, (label, name)


def test_every_learning_rate_default_is_one_of_its_stops():
    declared = _declared()
    for name, declaration in declared["PAGE"].declared.items():
        if hasattr(declaration, "stops"):
            assert declaration.default in declaration.stops, name


# ------------------------------------------------------------------------------ formulas beside the charts
def test_one_step_up_close_shows_the_chosen_optimizers_update_rule(at):
    open_section(at, "One step up close")
    assert optimizers.get("momentum", momentum=0.9).latex in " ".join(e.value for e in at.latex)
    at.selectbox(key="gd.arrow_optimizer").set_value("adam").run()
    assert optimizers.get("adam").latex in " ".join(e.value for e in at.latex)
    at.session_state["gd.keras"] = True
    at.run()
    assert optimizers.get("adam", convention="keras").latex in " ".join(e.value for e in at.latex)


def test_range_test_shows_the_rule_and_the_range_of_learning_rates(at):
    open_section(at, "Range test")
    sw = descent.sweep("rosenbrock", "sgd", (-1.2, 1.0), 100)
    latex = " ".join(e.value for e in at.latex)
    assert optimizers.get("sgd").latex in latex  # w ← w − η∇C
    assert rf"\eta \in [{sw.learning_rates[0]:g},\ {sw.learning_rates[-1]:g}]:\ {len(sw.learning_rates)}" in latex

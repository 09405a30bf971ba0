"""The gradient-descent page's figures, assembled from results: each holds exactly the numbers of its run."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nnviz import descent, surfaces
from nnviz.charts import descent as charts
from nnviz.charts.descent import decode


def _trace(fig: go.Figure, name: str) -> dict:
    hits = [t for t in fig.to_dict()["data"] if str(t.get("name", "")).startswith(name)]
    assert hits, f"no trace named {name!r}"
    return hits[0]


def _valid(*figures: go.Figure) -> None:
    for fig in figures:  # the builders skip Plotly's validation for speed; the tests do it
        go.Figure(fig.to_dict())


def test_curve_figures_draw_the_steps_on_the_curve_and_the_gap_per_step():
    run = descent.run("two_minima", "sgd", (0.5,), 40, learning_rate=0.05)
    curve, per_step = charts.curve_figures(run)
    _valid(curve, per_step)
    np.testing.assert_array_equal(decode(_trace(curve, "steps")["x"]), run.trajectory[:, 0])
    minima = _trace(curve, "minima")
    assert minima["text"] == ["global minimum", "local minimum"]
    assert curve.layout.title.text.startswith("Two minima and a flat shoulder: step 40")
    np.testing.assert_array_equal(decode(_trace(per_step, "C(w) − C_min")["y"]),
                                  descent.cost_gap(run, "two_minima"))


def test_race_figures_draw_each_run_under_its_optimizers_name():
    runs = [descent.run("rosenbrock", name, (-1.2, 1.0), 100, learning_rate=lr)
            for name, lr in (("sgd", 0.002), ("adam", 10.0))]
    race, per_step = charts.race_figures("rosenbrock", runs)
    _valid(race, per_step)
    np.testing.assert_array_equal(decode(_trace(race, "SGD")["y"]), runs[0].trajectory[:, 1])
    assert runs[1].diverged and _trace(race, "Adam")["name"] == f"Adam (diverged at step {runs[1].diverged_at})"
    assert race.layout.title.text == "Rosenbrock: the optimizers race" and race.layout.clickmode == "event+select"
    np.testing.assert_array_equal(decode(_trace(per_step, "Adam")["y"]), descent.cost_gap(runs[1]))
    surface_3d, _ = charts.race_figures("rosenbrock", runs, show_3d=True)
    assert surface_3d.to_dict()["data"][0]["type"] == "surface"
    empty, _ = charts.race_figures("saddle", [])
    assert "saddle point" in [t.get("name") for t in empty.to_dict()["data"]]


def test_arrow_figure_shows_the_parts_of_the_chosen_step():
    run = descent.run("rosenbrock", "momentum", (-1.2, 1.0), 20, learning_rate=0.001)
    fig = charts.arrow_figure(run, 7)
    _valid(fig)
    parts = descent.arrows(run, 7)
    assert fig.layout.title.text == "Momentum, step 7: what the step is made of"
    np.testing.assert_allclose(decode(_trace(fig, "actual update")["x"]),
                               [parts.point[0], parts.point[0] + parts.update[0]])
    with pytest.raises(ValueError, match="step must be"):
        charts.arrow_figure(run, 21)


def test_sweep_figure_plots_final_gaps_and_marks_the_diverged_rates():
    sw = descent.sweep("bowl", "sgd", steps=30, learning_rates=[0.01, 0.1, 0.5, 1.5])
    fig = charts.sweep_figure(sw, 30)
    _valid(fig)
    assert fig.layout.title.text == "SGD on Round bowl, 30 steps"
    np.testing.assert_array_equal(decode(_trace(fig, "finished")["y"]),
                                  descent.sweep_gap(sw)[~sw.diverged])
    np.testing.assert_array_equal(decode(_trace(fig, "diverged")["x"]), sw.learning_rates[sw.diverged])


def test_stochastic_figures_draw_each_batch_size_in_its_own_colour():
    problem = descent.regression_problem(noise=0.5, seed=2)
    paths = descent.stochastic_descent(problem, (None, 1, 8, 32), learning_rate=0.1, steps=50, seed=2)
    on_cost, per_update = charts.stochastic_figures(problem, paths)
    _valid(on_cost, per_update)
    for path, colour in zip(paths, charts.BATCH_COLOURS):
        drawn = _trace(on_cost, path.label)
        np.testing.assert_array_equal(decode(drawn["x"]), path.trajectory[:, 0])
        assert drawn["line"]["color"] == colour
        np.testing.assert_array_equal(decode(_trace(per_update, path.label)["y"]), path.costs)
    assert len(set(charts.BATCH_COLOURS)) == 4
    xs, _, _ = surfaces.sample(problem.surface, 81)
    np.testing.assert_array_equal(decode(on_cost.to_dict()["data"][0]["x"]), xs)

import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz import descent, optimizers, surfaces


def test_run_records_every_point_cost_gradient_and_update():
    r = descent.run("parabola", "sgd", start=[-2.0], steps=3, learning_rate=0.25)
    # w <- w - 0.25 * 2 (w - 2): the distance to 2 halves each step
    np.testing.assert_allclose(r.trajectory[:, 0], [-2.0, 0.0, 1.0, 1.5])
    np.testing.assert_allclose(r.costs, [16.0, 4.0, 1.0, 0.25])
    np.testing.assert_allclose(r.gradients[:, 0], [-8.0, -4.0, -2.0, -1.0])
    np.testing.assert_allclose(r.updates[:, 0], [2.0, 1.0, 0.5])
    assert r.velocities is None and not r.diverged and r.diverged_at is None
    assert r.trajectory.shape == (4, 1) and r.steps_taken == 3
    with pytest.raises(ValueError):
        r.trajectory[0, 0] = 1.0


def test_run_equals_calling_the_optimizer_by_hand():
    s = surfaces.get("rosenbrock")
    r = descent.run("rosenbrock", "adam", start=(-1.2, 1.0), steps=40, learning_rate=0.05, beta_1=0.8)
    opt = optimizers.get("adam", learning_rate=0.05, beta_1=0.8)
    p = np.array([-1.2, 1.0])
    for i in range(40):
        p = opt.step(p, s.grad(p))
        np.testing.assert_array_equal(r.trajectory[i + 1], p)
        np.testing.assert_array_equal(r.velocities[i], opt.velocity)
    assert r.optimizer == "adam" and r.learning_rate == 0.05


def test_run_accepts_an_optimizer_object_and_resets_it():
    opt = optimizers.get("momentum", learning_rate=0.01)
    a = descent.run("bowl", opt, steps=20)
    b = descent.run("bowl", opt, steps=20)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    with pytest.raises(ValueError, match="not both"):
        descent.run("bowl", opt, steps=5, learning_rate=0.1)


def test_huge_learning_rate_stops_at_the_divergence_step_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = descent.run("rosenbrock", "sgd", steps=500, learning_rate=10.0)
    assert r.diverged and r.diverged_at == 1 + r.steps_taken
    assert np.all(np.isfinite(r.trajectory)) and np.all(np.isfinite(r.costs))
    assert len(r.costs) == len(r.trajectory) == r.diverged_at


def test_parabola_learning_rate_bound_separates_oscillating_from_diverging():
    s = surfaces.get("parabola")
    bound = s.stable_learning_rate
    below = descent.classify(descent.run(s, "sgd", steps=50, learning_rate=0.95 * bound))
    above = descent.classify(descent.run(s, "sgd", steps=50, learning_rate=1.02 * bound))
    far_above = descent.classify(descent.run(s, "sgd", steps=50, learning_rate=1.5 * bound))
    assert below.kind == "oscillating"
    assert above.kind == "diverging"
    assert far_above.kind == "diverged" and f"step {far_above.step}" in far_above.message


def test_classify_names_each_outcome():
    def kind(surface, lr, start=None, steps=50):
        return descent.classify(descent.run(surface, "sgd", start=start, steps=steps, learning_rate=lr)).kind

    assert kind("parabola", 0.1) == "converged"
    assert kind("parabola", 0.001) == "too_slow"
    assert kind("two_minima", 0.05, start=[0.5], steps=300) == "stuck_local"
    assert kind("two_minima", 0.05, start=[-0.5]) == "converged"
    outcome = descent.classify(descent.run("two_minima", "sgd", start=[3.9], steps=200, learning_rate=0.05))
    assert outcome.kind == "too_slow" and "flat stretch" in outcome.message


def test_converged_step_is_where_it_stays_within_tolerance():
    r = descent.run("parabola", "sgd", steps=50, learning_rate=0.25)
    out = descent.classify(r, tolerance=0.01)
    w = r.trajectory[:, 0]
    assert abs(w[out.step] - 2) <= 0.01 < abs(w[out.step - 1] - 2)


def test_classify_is_for_one_weight():
    with pytest.raises(ValueError, match="1-D"):
        descent.classify(descent.run("bowl", steps=2))


@pytest.mark.parametrize("kwargs, message", [
    ({"surface": "nowhere"}, "unknown surface"),
    ({"optimizer": "lbfgs"}, "unknown optimizer"),
    ({"steps": -1}, "steps"),
    ({"steps": 2.5}, "steps"),
    ({"start": [1.0]}, "2 weight"),
    ({"start": [1e9, 0.0]}, "outside"),
    ({"start": [np.nan, 0.0]}, "outside"),
    ({"learning_rate": -0.1}, "learning_rate"),
])
def test_bad_settings_raise_value_error(kwargs, message):
    args = {"surface": "bowl", "optimizer": "sgd", "steps": 5, **kwargs}
    with pytest.raises(ValueError, match=message):
        descent.run(**args)


def test_sweep_finds_the_learning_rate_where_sgd_starts_to_diverge():
    rates = np.logspace(-3, 1, 41)
    sw = descent.sweep("parabola", "sgd", steps=100, learning_rates=rates)
    assert sw.first_diverging == pytest.approx(rates[rates > 1.0][0])
    assert not sw.diverged[rates < 1.0].any()
    assert sw.best is not None and 0.1 < sw.best < 1.0
    assert np.all(np.isfinite(sw.final_costs))
    r = descent.run("parabola", "sgd", steps=100, learning_rate=float(rates[5]))
    assert sw.final_costs[5] == r.final_cost


def test_stochastic_descent_paths_share_start_and_get_noisier_with_smaller_batches():
    problem = descent.regression_problem(n_samples=96, noise=0.5, seed=1)
    runs = descent.stochastic_descent(problem, (None, 1, 8, 32), learning_rate=0.1, steps=150, seed=3)
    assert [r.label for r in runs] == ["full batch", "batch 1", "batch 8", "batch 32"]
    for r in runs:
        np.testing.assert_array_equal(r.trajectory[0], runs[0].trajectory[0])
        assert r.trajectory.shape == (151, 2) and not r.diverged
    # full batch is plain gradient descent on the cost surface
    full = descent.run(problem.surface, "sgd", start=runs[0].trajectory[0], steps=150, learning_rate=0.1)
    np.testing.assert_allclose(runs[0].trajectory, full.trajectory, rtol=1e-12, atol=1e-12)
    # near the end, smaller batches jitter more around the least-squares solution
    wobble = [np.std(r.costs[-50:]) for r in runs]
    assert wobble[1] > wobble[2] > wobble[0]
    assert runs[0].costs[-1] == pytest.approx(problem.surface.min_value, rel=1e-3)
    again = descent.stochastic_descent(problem, (None, 1, 8, 32), learning_rate=0.1, steps=150, seed=3)
    np.testing.assert_array_equal(again[1].trajectory, runs[1].trajectory)


def test_regression_cost_matches_the_data_and_its_gradient():
    problem = descent.regression_problem(n_samples=50, noise=0.3, seed=0)
    w, b = 0.7, -0.2
    direct = 0.5 * np.mean((w * problem.x + b - problem.y) ** 2)
    assert problem.surface.cost((w, b)) == pytest.approx(direct)
    np.testing.assert_allclose(problem.batch_gradient(w, b, np.arange(50)), problem.surface.grad((w, b)))
    np.testing.assert_allclose(problem.surface.grad(problem.least_squares), 0, atol=1e-12)


def test_stochastic_descent_with_a_huge_rate_diverges_cleanly():
    problem = descent.regression_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runs = descent.stochastic_descent(problem, (None, 1), learning_rate=50.0, steps=100)
    assert all(r.diverged and np.all(np.isfinite(r.trajectory)) for r in runs)


def test_stochastic_descent_rejects_bad_batch_sizes():
    with pytest.raises(ValueError, match="batch size"):
        descent.stochastic_descent(descent.regression_problem(n_samples=20), (0,))
    with pytest.raises(ValueError, match="batch size"):
        descent.stochastic_descent(descent.regression_problem(n_samples=20), (21,))


# ------------------------------------------------------------------------ the whole settings space
HYPER = {
    "momentum": {"momentum": st.floats(0.0, 0.99)},
    "nesterov": {"momentum": st.floats(0.0, 0.99)},
    "adagrad": {"epsilon": st.floats(1e-10, 1e-2)},
    "rmsprop": {"rho": st.floats(0.0, 0.999), "epsilon": st.floats(1e-10, 1e-2)},
    "adam": {"beta_1": st.floats(0.0, 0.999), "beta_2": st.floats(0.0, 0.9999), "epsilon": st.floats(1e-10, 1e-2),
             "bias_correction": st.booleans()},
}


@st.composite
def settings_space(draw):
    surface = surfaces.get(draw(st.sampled_from(surfaces.NAMES)))
    name = draw(st.sampled_from(optimizers.NAMES))
    hyper = {k: draw(v) for k, v in HYPER.get(name, {}).items()}
    start = [draw(st.floats(lo, hi)) for lo, hi in surface.bounds]
    return dict(surface=surface.name, optimizer=name, start=start,
                steps=draw(st.integers(0, 300)),
                learning_rate=10 ** draw(st.floats(-6, 3)),
                convention=draw(st.sampled_from(optimizers.CONVENTIONS)), **hyper)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(settings_space())
def test_any_setting_runs_without_exception_warning_or_non_finite_output(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = descent.run(**kwargs)
    n = r.steps_taken
    assert r.trajectory.shape == (n + 1, surfaces.get(kwargs["surface"]).dim)
    assert r.costs.shape == (n + 1,) and r.gradients.shape == r.trajectory.shape and r.updates.shape[0] == n
    for a in (r.trajectory, r.costs, r.gradients, r.updates):
        assert np.all(np.isfinite(a))
    if r.velocities is not None:
        assert np.all(np.isfinite(r.velocities))
    if r.diverged:
        assert r.diverged_at == n + 1 <= kwargs["steps"]
    else:
        assert n == kwargs["steps"]
    assert all(surfaces.get(kwargs["surface"]).inside(p) for p in r.trajectory)
    if surfaces.get(kwargs["surface"]).dim == 1:
        assert descent.classify(r).message


# ------------------------------------------------------------------------ the lesson's numbers in words
def test_outcome_level_says_success_only_for_converged_and_error_for_diverging():
    levels = {kind: descent.Outcome(kind, "").level
              for kind in ("converged", "oscillating", "too_slow", "stuck_local", "diverging", "diverged")}
    assert levels == {"converged": "success", "oscillating": "warning", "too_slow": "warning",
                      "stuck_local": "warning", "diverging": "error", "diverged": "error"}


def test_stability_bound_of_the_parabola_is_one_with_its_numbers():
    parabola = surfaces.get("parabola")  # C = (w − 2)²: C″ = 2, so η < 1
    latex = descent.stability_latex(parabola, 0.891)
    assert r"\frac{2}{2} = 1" in latex and r"\eta = 0.891" in latex and r"\eta\,C'' = 1.78" in latex
    assert descent.stability_note(parabola).startswith("C″ = 2 everywhere.")
    bowl = surfaces.get("asymmetric_bowl")  # C = e^(w−1) − w: minimum at w = 1, C″ = 1 there
    assert descent.stability_note(bowl).startswith("C″ = 1 at the minimum w* = 1.")


def test_race_table_has_a_row_per_optimizer_with_its_summary():
    rosenbrock = surfaces.get("rosenbrock")
    runs = {"sgd": descent.run(rosenbrock, "sgd", (-1.2, 1.0), 50, learning_rate=0.002),
            "adam": descent.run(rosenbrock, "adam", (-1.2, 1.0), 5, learning_rate=10.0)}
    lines = descent.race_table(runs, rosenbrock).splitlines()
    assert lines[0] == ("| optimizer | η | final cost | distance to nearest minimum | steps to C − C_min ≤ 0.001 "
                        "| diverged |")
    assert len(lines) == 4
    sgd = descent.summarise(runs["sgd"], rosenbrock)
    assert lines[2] == f"| SGD | 0.002 | {sgd['final_cost']:.4g} | {sgd['distance']:.4g} | never | no |"
    assert runs["adam"].diverged and lines[3].startswith("| Adam | 10 |")
    assert lines[3].endswith(f"| never | at step {runs['adam'].diverged_at} |")
    assert descent.diverged_message(runs["adam"]).startswith(f"Adam diverged at step {runs['adam'].diverged_at}:")


def test_arrow_step_is_at_most_the_steps_taken_and_says_so():
    r = descent.run("bowl", "momentum", steps=20, learning_rate=0.1)
    assert descent.arrow_step(r, 10) == (10, None)
    assert descent.arrow_step(r, 500) == (20, "This run has 20 steps; showing step 20.")
    gone = descent.run("rosenbrock", "sgd", steps=20, learning_rate=10.0)
    assert gone.steps_taken == 0
    assert descent.arrow_step(gone, 10) == (None, "SGD diverged at step 1: there is no step to look at.")


def test_sweep_words_name_the_best_rate_and_the_first_that_diverges():
    sw = descent.sweep("parabola", "sgd", steps=50, learning_rates=[0.01, 0.1, 0.5, 2.0, 5.0])
    assert descent.sweep_verdict(sw) == "Lowest final cost at η ≈ **0.5**. Runs diverge from η ≈ **2** on."
    assert descent.sweep_range_latex(sw).startswith(r"\eta \in [0.01,\ 5]:\ 5\ \text{runs")
    calm = descent.sweep("parabola", "sgd", steps=50, learning_rates=[0.01, 0.1])
    assert descent.sweep_verdict(calm).endswith("None of them diverged.")
    wild = descent.sweep("parabola", "sgd", steps=50, learning_rates=[5.0, 10.0])
    assert descent.sweep_verdict(wild).startswith("Every learning rate diverged.")


def test_least_squares_note_names_the_fit_and_the_line_the_data_came_from():
    problem = descent.regression_problem(noise=0.0)  # no noise: least squares is the true line
    assert descent.least_squares_note(problem) == ("Least squares: w = 2.000, b = -1.000 (the data were made with "
                                                   "w = 2, b = -1 plus noise).")


# ------------------------------------------------------------------------ the page's settings to runs
def _page_settings(**changes):
    values = dict(surface="rosenbrock", x0=-1.2, y0=1.0, race_steps=500, keras=False, sweep_optimizer="adam",
                  sweep_steps=100, mu_momentum=0.9, mu_nesterov=0.5, rho=0.8, beta_1=0.9, beta_2=0.999,
                  eps_adagrad=1e-8, eps_rmsprop=1e-7, eps_adam=1e-6, bias_correction=False,
                  **{f"lr_{name}": 0.01 for name in optimizers.NAMES})
    return SimpleNamespace(**{**values, **changes})


def test_every_page_hyper_parameter_is_one_its_optimizer_takes():
    for name, fields in descent.HYPER_SETTINGS.items():
        assert set(fields) <= set(optimizers.hyper_parameters(name)) - {"learning_rate"}, name
    assert set(descent.HYPER_SETTINGS) == set(optimizers.NAMES) - {"sgd"}


def test_run_args_are_what_run_is_given_for_each_racer():
    s = _page_settings(lr_adam=0.1, keras=True)
    assert descent.run_args("adam", s) == ("rosenbrock", "adam", (-1.2, 1.0), 500, 0.1, "keras",
                                           (("beta_1", 0.9), ("beta_2", 0.999), ("bias_correction", False),
                                            ("epsilon", 1e-6)))
    assert descent.run_args("sgd", s)[-2:] == ("keras", ())
    assert descent.hyper_of("nesterov", s) == (("momentum", 0.5),)
    assert descent.hyper_of("rmsprop", _page_settings()) == (("epsilon", 1e-7), ("rho", 0.8))
    surface, name, start, steps, lr, convention, hyper = descent.run_args("rmsprop", _page_settings())
    r = descent.run(surface, name, start, steps, learning_rate=lr, convention=convention, **dict(hyper))
    assert r.optimizer == "rmsprop" and r.steps == 500 and convention == "paper"


def test_sweep_args_take_the_range_tests_optimizer_with_the_races_hyper_parameters():
    s = _page_settings(sweep_optimizer="momentum", sweep_steps=30)
    assert descent.sweep_args(s) == ("rosenbrock", "momentum", (-1.2, 1.0), 30, "paper", (("momentum", 0.9),))
    surface, name, start, steps, convention, hyper = descent.sweep_args(s)
    sw = descent.sweep(surface, name, start, steps, convention=convention, **dict(hyper))
    assert sw.optimizer == "momentum"

import warnings

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

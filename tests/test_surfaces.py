import numpy as np
import pytest

from nnviz import surfaces
from nnviz.surfaces import NAMES, NAMES_1D, NAMES_2D

H = 1e-6


def test_registry_holds_the_lesson_surfaces():
    assert NAMES_1D == ("parabola", "asymmetric_bowl", "two_minima")
    assert NAMES_2D == ("bowl", "valley", "rosenbrock", "beale", "himmelblau", "saddle", "banana")


def test_unknown_surface_lists_the_valid_names():
    with pytest.raises(ValueError, match="choose one of: parabola, .*banana"):
        surfaces.get("rastrigin")


def _points(surface, n=25, seed=0):
    rng = np.random.default_rng(seed)
    lo = np.array([b[0] for b in surface.bounds])
    hi = np.array([b[1] for b in surface.bounds])
    return lo + (hi - lo) * rng.random((n, surface.dim))


@pytest.mark.parametrize("name", NAMES_2D)
def test_2d_gradient_matches_central_differences(name):
    s = surfaces.get(name)
    P = _points(s)
    x, y = P[:, 0], P[:, 1]
    gx, gy = s.gradient(x, y)
    fx = (s.value(x + H, y) - s.value(x - H, y)) / (2 * H)
    fy = (s.value(x, y + H) - s.value(x, y - H)) / (2 * H)
    scale = np.maximum(1.0, np.abs(np.concatenate([gx, gy])).max())
    np.testing.assert_allclose(gx, fx, atol=1e-6 * scale, rtol=1e-6)
    np.testing.assert_allclose(gy, fy, atol=1e-6 * scale, rtol=1e-6)


@pytest.mark.parametrize("name", NAMES_1D)
def test_1d_derivatives_match_central_differences(name):
    s = surfaces.get(name)
    w = _points(s)[:, 0]
    d1 = (s.value(w + H) - s.value(w - H)) / (2 * H)
    d2 = (s.derivative(w + H) - s.derivative(w - H)) / (2 * H)
    np.testing.assert_allclose(s.derivative(w), d1, atol=1e-6, rtol=1e-6)
    np.testing.assert_allclose(s.second_derivative(w), d2, atol=1e-5, rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_vanishes_at_every_listed_minimum_and_curves_up(name):
    s = surfaces.get(name)
    minima = s.all_minima if s.dim == 1 else s.minima
    assert minima
    for m in minima:
        np.testing.assert_allclose(s.grad(m), 0.0, atol=1e-9)
        # a minimum: every nearby point costs more
        for direction in np.eye(s.dim):
            for sign in (-1, 1):
                assert s.cost(np.asarray(m) + sign * 1e-3 * direction) > s.cost(m)
        assert s.inside(m, s.bounds)


@pytest.mark.parametrize("name", NAMES)
def test_global_minima_are_the_lowest_points_of_the_plot(name):
    s = surfaces.get(name)
    grid = surfaces.grid(name, 201)
    assert grid[-1].min() >= s.min_value - 1e-9
    for m in s.minima:
        assert s.cost(m) == pytest.approx(s.min_value, abs=1e-9)


def test_known_minimum_values():
    assert surfaces.get("rosenbrock").cost((1, 1)) == 0
    assert surfaces.get("beale").cost((3, 0.5)) == 0
    assert surfaces.get("banana").cost((1, 1 / 3)) == pytest.approx(0, abs=1e-15)
    assert surfaces.get("saddle").cost((0, np.sqrt(2))) == pytest.approx(-1)
    assert surfaces.get("two_minima").cost((-2,)) == pytest.approx(0, abs=1e-12)
    for m in surfaces.get("himmelblau").minima:
        assert surfaces.get("himmelblau").cost(m) == pytest.approx(0, abs=1e-20)


def test_saddle_point_is_flat_but_not_a_minimum():
    s = surfaces.get("saddle")
    (p,) = s.saddle_points
    np.testing.assert_allclose(s.grad(p), 0.0)
    assert s.cost((0, 0.1)) < s.cost(p) < s.cost((0.1, 0))


def test_two_minima_has_a_flat_shoulder_that_is_no_minimum():
    s = surfaces.get("two_minima")
    assert s.derivative(3.0) == pytest.approx(0, abs=1e-12)
    assert s.derivative(2.9) > 0 and s.derivative(3.1) > 0
    assert s.cost((1.5,)) > s.cost((-2,))


def test_parabola_stable_learning_rate_is_two_over_curvature():
    s = surfaces.get("parabola")
    assert s.curvature_at_minimum == 2 and s.stable_learning_rate == 1.0 and s.is_quadratic
    assert surfaces.get("asymmetric_bowl").stable_learning_rate == pytest.approx(2.0)


@pytest.mark.parametrize("name", NAMES_2D)
def test_values_are_vectorised_over_a_meshgrid(name):
    s = surfaces.get(name)
    xs, ys, Z = surfaces.grid(name, 31)
    assert Z.shape == (31, 31) and np.all(np.isfinite(Z))
    assert Z[4, 7] == pytest.approx(s.value(xs[7], ys[4]))
    X, Y = np.meshgrid(xs, ys)
    gx, gy = s.gradient(X, Y)
    assert gx.shape == gy.shape == (31, 31)


def test_grid_is_cached_and_read_only():
    a = surfaces.grid("rosenbrock", 50)
    assert surfaces.grid("rosenbrock", 50) is a
    with pytest.raises(ValueError):
        a[2][0, 0] = 1.0
    with pytest.raises(ValueError, match="grid size"):
        surfaces.grid("bowl", 1)


@pytest.mark.parametrize("name", NAMES)
def test_default_start_is_inside_the_plot_and_limit_is_larger(name):
    s = surfaces.get(name)
    assert s.inside(s.start, s.bounds)
    for (lo, hi), (llo, lhi) in zip(s.bounds, s.limit):
        assert llo < lo < hi < lhi
    assert not s.inside([np.nan] * s.dim)


def test_nearest_minimum_of_himmelblau():
    m, d = surfaces.get("himmelblau").nearest_minimum((2.9, 2.1))
    assert m == (3.0, 2.0) and d == pytest.approx(np.hypot(0.1, 0.1))


def test_labels_and_short_labels():
    assert surfaces.LABELS["parabola"] == "Parabola  C(w) = (w − 2)²"
    assert surfaces.get("parabola").short_label == "Parabola"
    assert surfaces.get("rosenbrock").short_label == surfaces.LABELS["rosenbrock"] == "Rosenbrock"
    assert set(surfaces.LABELS) == set(NAMES)


def test_widest_box_holds_every_plot_box():
    (w_box,) = surfaces.widest_box(NAMES_1D)
    assert w_box == (-4.0, 7.0)  # the asymmetric bowl's left end, the parabola's right end
    x_box, y_box = surfaces.widest_box(NAMES_2D)
    for name in NAMES_2D:
        (x0, x1), (y0, y1) = surfaces.get(name).bounds
        assert x_box[0] <= x0 < x1 <= x_box[1] and y_box[0] <= y0 < y1 <= y_box[1]
    assert surfaces.widest_box(["rosenbrock"]) == surfaces.get("rosenbrock").bounds
    with pytest.raises(ValueError, match="same dimension"):
        surfaces.widest_box(["parabola", "bowl"])


def test_snap_start_rounds_a_click_and_keeps_it_in_the_plot_box():
    rosenbrock = surfaces.get("rosenbrock")  # x in [−2, 2], y in [−1, 3]
    assert surfaces.snap_start(rosenbrock, (0.98765, -0.1234)) == (0.99, -0.12)
    assert surfaces.snap_start(rosenbrock, (4.567, -7.0)) == (2.0, -1.0)
    assert surfaces.snap_start(surfaces.get("parabola"), [8.0]) == (7.0,)

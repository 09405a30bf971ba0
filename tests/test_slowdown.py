"""The learning-slowdown neuron and the pointwise costs, against finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz import losses
from nnviz import slowdown as s


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(s.COSTS), st.floats(-3, 3), st.floats(-3, 3), st.floats(0, 1))
def test_neuron_gradient_matches_central_finite_differences(name, w, b, y):
    eps = 1e-6
    gw, gb = s.neuron_gradient(name, w, b, 1.0, y)
    nw = (s.neuron_cost(name, w + eps, b, 1.0, y) - s.neuron_cost(name, w - eps, b, 1.0, y)) / (2 * eps)
    nb = (s.neuron_cost(name, w, b + eps, 1.0, y) - s.neuron_cost(name, w, b - eps, 1.0, y)) / (2 * eps)
    assert gw == pytest.approx(nw, rel=1e-5, abs=1e-8)
    assert gb == pytest.approx(nb, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("name", s.COSTS)
def test_the_curve_is_the_registry_cost_element_by_element_without_clipping(name):
    # The formulas and their finite-difference checks live in tests/test_losses.py.
    a, c, g = s.cost_curve(name, 0.3, n=49)
    assert 0 < a.min() and a.max() < 1 and c.shape == g.shape == a.shape
    loss = losses.get(name)
    column, target = a.reshape(-1, 1), np.full((a.size, 1), 0.3)
    np.testing.assert_array_equal(c, loss.row_values(target, column, eps=0.0))
    np.testing.assert_array_equal(g, loss.row_gradients(target, column, eps=0.0)[:, 0])
    assert float(s.cost(name, 0.3, a[7])) == c[7]  # a scalar target broadcasts


def test_the_page_names_and_the_registry_names_are_the_same_costs():
    assert s.train("cross_entropy", 2.0, 2.0, 0.005, 5).cost.tolist() == \
        s.train("binary_crossentropy", 2.0, 2.0, 0.005, 5).cost.tolist()
    assert s.LATEX["cross_entropy"] == losses.get("binary_crossentropy").example_latex


@pytest.mark.parametrize("a", [0.0, 1.0])
def test_cross_entropy_at_exactly_zero_or_one_is_explained(a):
    with pytest.raises(ValueError, match=f"a = {int(a)} exactly"):
        s.cost("cross_entropy", 1.0 - a, a)
    with pytest.raises(ValueError, match=f"a = {int(a)} exactly"):
        s.cost_gradient("cross_entropy", 0.5, a)
    # A perfect answer at the edge costs nothing: the page's cost is not clipped.
    assert float(s.cost("cross_entropy", a, a)) == 0.0


def test_nielsen_slowdown_saturated_start_crawls_with_quadratic_cost():
    # Start (2, 2): z = 4, a ≈ 0.982, σ'(z) ≈ 0.0177.
    quad = s.train("quadratic", 2.0, 2.0, 0.15, 300)
    ce = s.train("cross_entropy", 2.0, 2.0, 0.005, 300)
    assert quad.a[0] == pytest.approx(0.98201, abs=1e-5)
    gw_quad, _ = s.neuron_gradient("quadratic", 2.0, 2.0)
    gw_ce, _ = s.neuron_gradient("cross_entropy", 2.0, 2.0)
    assert gw_quad == pytest.approx(0.98201 * 0.98201 * (1 - 0.98201), rel=1e-3)
    assert gw_ce == pytest.approx(0.98201, rel=1e-4)
    # Quadratic: the first 50 epochs barely move a; later it learns faster (the plateau).
    first_50 = quad.a[0] - quad.a[50]
    next_50 = quad.a[150] - quad.a[200]
    assert first_50 < 0.01 < next_50
    # The weight's step per epoch: quadratic starts at a crawl (σ'(z) small) and speeds up
    # later; cross-entropy takes its biggest step at the start, where the output is most wrong.
    quad_steps, ce_steps = -np.diff(quad.w), -np.diff(ce.w)
    assert quad_steps[0] < 0.15 * quad_steps.max()  # about 12 %
    assert ce_steps[0] == pytest.approx(ce_steps.max())
    assert len(quad.a) == len(ce.a) == 301
    assert quad.a[-1] < quad.a[0] and ce.a[-1] < ce.a[0]


def test_good_start_learns_quickly_with_both_costs():
    quad = s.train("quadratic", 0.6, 0.9, 0.15, 300)
    assert quad.a[0] == pytest.approx(0.8176, abs=1e-4)
    assert quad.a[-1] < 0.1


def test_training_records_cost_and_rejects_a_zero_learning_rate():
    run = s.train("cross_entropy", 0.6, 0.9, 0.005, 10)
    assert run.cost[0] == pytest.approx(-np.log(1 - run.a[0]))
    with pytest.raises(ValueError, match="learning rate must be positive"):
        s.train("quadratic", 0.6, 0.9, 0.0)
    with pytest.raises(ValueError, match="quadratic, cross_entropy"):
        s.train("hinge", 0.6, 0.9, 0.1)


def test_batch_quadratic_is_the_registry_quadratic():
    Y = np.array([[1.0], [0.0], [1.0]])
    A = np.array([[0.9], [0.2], [0.6]])
    batch = s.batch_quadratic(Y, A)
    assert batch.per_example.tolist() == pytest.approx([0.005, 0.02, 0.08])
    assert batch.value == pytest.approx(losses.get("quadratic").value(Y, A))
    with pytest.raises(ValueError, match="empty"):
        s.batch_quadratic([], [])

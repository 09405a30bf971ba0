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
def test_cost_gradient_matches_finite_differences_on_the_curve(name):
    a, c, g = s.cost_curve(name, 0.3, n=49)
    eps = 1e-7
    inner = a[2:-2]
    numeric = (s.cost(name, 0.3, inner + eps) - s.cost(name, 0.3, inner - eps)) / (2 * eps)
    assert np.allclose(g[2:-2], numeric, rtol=1e-5)
    assert 0 < a.min() and a.max() < 1


def test_pointwise_costs_agree_with_the_loss_registry():
    a = np.array([0.1, 0.5, 0.8])
    y = np.array([0.0, 1.0, 1.0])
    for name, loss in (("quadratic", "quadratic"), ("cross_entropy", "binary_crossentropy")):
        registry = losses.get(loss)
        for ai, yi in zip(a, y):
            assert float(s.cost(name, yi, ai)) == pytest.approx(registry.value([yi], [ai]), rel=1e-6)


def test_squaring_punishes_large_errors_more():
    assert float(s.cost("quadratic", 0.0, 0.2)) == pytest.approx(0.02)
    assert float(s.cost("quadratic", 0.0, 0.8)) == pytest.approx(0.32)  # 4× the error, 16× the cost


@pytest.mark.parametrize("a", [0.0, 1.0])
def test_cross_entropy_at_exactly_zero_or_one_is_explained(a):
    with pytest.raises(ValueError, match=f"a = {int(a)} exactly"):
        s.cost("cross_entropy", 1.0 - a, a)
    with pytest.raises(ValueError, match=f"a = {int(a)} exactly"):
        s.cost_gradient("cross_entropy", 0.5, a)
    # A perfect answer at the edge costs nothing (0 · ln 0 is taken as its limit 0).
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

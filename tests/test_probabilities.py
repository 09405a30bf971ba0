"""Softmax with temperature, independent sigmoids, overflow and categorical cross-entropy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz import activations, losses
from nnviz import probabilities as pr


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=6), st.floats(0.05, 10))
def test_softmax_sums_to_one_for_any_logits_and_temperature(logits, t):
    p = pr.class_probabilities(logits, t)
    assert np.isfinite(p.softmax).all() and p.softmax.sum() == pytest.approx(1.0)
    assert ((0 < p.sigmoids) | (p.sigmoids == 0)).all()


def test_softmax_beside_sigmoids_and_the_chosen_class():
    p = pr.class_probabilities([2.0, 1.0, 0.1])
    np.testing.assert_array_equal(p.softmax, activations.softmax([2.0, 1.0, 0.1]))
    np.testing.assert_array_equal(p.sigmoids, activations.sigmoid([2.0, 1.0, 0.1]))
    assert p.sigmoids.sum() > 1  # independent sigmoids need not sum to 1
    assert p.chosen == 0


def test_temperature_sharpens_and_flattens():
    cold = pr.class_probabilities([2.0, 1.0, 0.1], 0.2).softmax
    hot = pr.class_probabilities([2.0, 1.0, 0.1], 5.0).softmax
    assert cold[0] > 0.99 and hot.max() - hot.min() < 0.15
    with pytest.raises(ValueError, match="temperature must be positive"):
        pr.class_probabilities([1.0, 2.0], 0.0)


def test_identical_logits_give_a_tie_and_empty_lists_are_explained():
    p = pr.class_probabilities([3.0, 3.0, 3.0])
    assert p.chosen is None and p.softmax.tolist() == pytest.approx([1 / 3] * 3)
    with pytest.raises(ValueError, match="class list is empty"):
        pr.class_probabilities([])


def test_naive_softmax_overflows_where_the_shifted_one_does_not():
    demo = pr.overflow_demo([1000.0, 1001.0, 1002.0])
    assert demo.overflowed and np.isnan(demo.naive).all()
    assert demo.stable.tolist() == pytest.approx([0.0900, 0.2447, 0.6652], abs=1e-4)
    assert not pr.overflow_demo([1.0, 2.0]).overflowed


def test_categorical_cross_entropy_of_a_target_class():
    # The formula, its gradient p − y and their checks live in tests/test_losses.py.
    z = np.array([2.0, 1.0, 0.1])
    c = pr.categorical_cross_entropy(z, 1)
    assert c.y.tolist() == [0.0, 1.0, 0.0]
    assert c.cost == losses.softmax_crossentropy(c.y, z)[0]
    np.testing.assert_array_equal(c.gradient, c.p - c.y)
    with pytest.raises(ValueError, match="0..2"):
        pr.categorical_cross_entropy(z, 3)


def test_the_pages_formulas_are_the_registries():
    assert pr.CCE_LATEX == losses.SOFTMAX_CROSSENTROPY_LATEX
    assert pr.SOFTMAX_T_LATEX == activations.SOFTMAX_TEMPERATURE_LATEX
    assert pr.SIGMOID_LATEX == activations.SIGMOID_PER_CLASS_LATEX


def test_named_logits_checks_counts_and_names():
    classes, z = pr.named_logits(["Red", "Green", "Blue"], [2.0, 1.0, 0.1])
    assert classes == ["Red", "Green", "Blue"] and z.tolist() == [2.0, 1.0, 0.1]
    with pytest.raises(ValueError, match="3 class names but 2 logits"):
        pr.named_logits(["Red", "Green", "Blue"], [1.0, 2.0])
    with pytest.raises(ValueError, match="class list is empty"):
        pr.named_logits([], [])
    with pytest.raises(ValueError, match="2 to 6 classes"):
        pr.named_logits(list("ABCDEFG"), range(7))
    with pytest.raises(ValueError, match="same name"):
        pr.named_logits(["A", "A"], [1.0, 2.0])

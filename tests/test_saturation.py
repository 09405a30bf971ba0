"""Activation curves for the lesson: saturation zones and the neuron's response."""

import numpy as np
import pytest

from nnviz import activations
from nnviz import saturation as s


def test_sigmoid_derivative_peaks_at_a_quarter_and_saturates_at_both_ends():
    c = s.curve("sigmoid", -10, 10, n=2001)
    assert c.derivative.max() == pytest.approx(s.SIGMOID_PRIME_MAX)
    assert c.z[np.argmax(c.derivative)] == pytest.approx(0.0)
    (lo_start, lo_end), (hi_start, hi_end) = c.saturated
    assert lo_start == -10 and hi_end == 10
    # σ'(z) < 0.01 beyond |z| ≈ 4.59.
    assert lo_end == pytest.approx(-4.59, abs=0.02) and hi_start == pytest.approx(4.59, abs=0.02)


def test_relu_saturates_only_left_of_zero_and_linear_never():
    assert s.curve("relu", -2, 2, n=401).saturated == ((-2.0, 0.0),)
    assert s.curve("linear").saturated == ()


def test_curve_values_come_from_the_registry_and_bad_range_is_explained():
    c = s.curve("tanh", -3, 3, n=7)
    assert np.allclose(c.f, activations.get("tanh").fn(c.z))
    with pytest.raises(ValueError, match="low to high"):
        s.curve("tanh", 2, 2)


def test_weight_is_strength_and_bias_is_offset():
    x = np.array([-1.0, 0.0, 1.0])
    assert s.response("step", x, 2.0, -1.0).tolist() == [0, 0, 1]
    assert s.switch_point(2.0, -1.0) == 0.5
    assert s.switch_point(0.0, 1.0) is None

"""Every activation passes the same checks: derivative, finiteness, formula."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnviz import activations

EXTREME = np.array([-1e4, -750.0, -50.0, -1.0, -1e-9, 0.0, 1e-9, 1.0, 50.0, 750.0, 1e4])


@pytest.mark.parametrize("name", activations.NAMES)
def test_derivative_matches_central_finite_differences(name):
    act = activations.get(name)
    # Stay away from kinks (0 for relu family and step), where no derivative exists.
    z = np.concatenate([np.linspace(-6, -0.05, 60), np.linspace(0.05, 6, 60)])
    h = 1e-6
    numeric = (act.fn(z + h) - act.fn(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", activations.NAMES)
def test_function_and_derivative_are_finite_for_extreme_inputs(name):
    act = activations.get(name)
    assert np.all(np.isfinite(act.fn(EXTREME)))
    assert np.all(np.isfinite(act.derivative(EXTREME)))


@pytest.mark.parametrize("name", activations.NAMES)
def test_every_activation_has_formulas_for_the_page(name):
    act = activations.get(name)
    assert act.latex.strip() and act.derivative_latex.strip() and act.label


@pytest.mark.parametrize(
    "name, z, expected",
    [
        ("sigmoid", 0.0, 0.5),
        ("tanh", 0.0, 0.0),
        ("relu", -2.0, 0.0),
        ("relu", 3.0, 3.0),
        ("leaky_relu", -2.0, -0.02),
        ("elu", -np.log(2), -0.5),
        ("softplus", 0.0, np.log(2)),
        ("step", 0.0, 1.0),
        ("step", -0.1, 0.0),
        ("linear", 2.5, 2.5),
    ],
)
def test_known_values(name, z, expected):
    assert activations.get(name).fn(np.array(z)) == pytest.approx(expected)


def test_sigmoid_derivative_peaks_at_one_quarter():
    z = np.linspace(-10, 10, 2001)
    prime = activations.get("sigmoid").derivative(z)
    assert prime.max() == pytest.approx(0.25)
    assert z[prime.argmax()] == pytest.approx(0.0)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'; choose one of: step, sigmoid"):
        activations.get("sigmod")


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)),
              elements=st.floats(-1e4, 1e4)),
       st.floats(-1e4, 1e4))
def test_softmax_sums_to_one_and_is_shift_invariant(z, shift):
    p = activations.softmax(z)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(activations.softmax(z + shift), p, atol=1e-9)


def test_softmax_matches_the_formula_on_small_logits():
    z = np.array([1.0, 2.0, 3.0])
    expected = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(activations.softmax(z), expected)


def test_naive_softmax_overflows_where_the_stable_one_does_not():
    z = np.array([1000.0, 1001.0, 1002.0])
    assert np.isnan(activations.naive_softmax(z)).any()
    np.testing.assert_allclose(activations.softmax(z), activations.softmax(z - 1000))


@pytest.mark.parametrize("name", activations.NAMES)
def test_derivative_from_the_output_equals_the_derivative_from_z(name):
    act = activations.get(name)
    z = np.concatenate([np.linspace(-30, -0.05, 80), np.linspace(0.05, 30, 80)])
    np.testing.assert_allclose(act.derivative_of_output(act.fn(z)), act.derivative(z), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", activations.NAMES)
def test_float32_stays_float32(name):
    # The playground's grid pass runs in float32 for speed.
    z = np.linspace(-5, 5, 11, dtype=np.float32)
    assert activations.get(name).fn(z).dtype == np.float32
    assert activations.softmax(z).dtype == np.float32


def test_sigmoid_is_accurate_far_into_both_tails():
    z = np.array([-700.0, -40.0, -10.0, 0.0, 10.0, 40.0])
    exact = [math.exp(v) / (1 + math.exp(v)) for v in z]
    np.testing.assert_allclose(activations.sigmoid(z), exact, rtol=1e-13)
    assert 0 <= activations.sigmoid(np.array([-1e4]))[0] < 1e-300  # the exponent is capped, no overflow


def test_softmax_known_values():
    assert activations.softmax([2.0, 1.0, 0.1]).tolist() == pytest.approx([0.659, 0.2424, 0.0986], abs=1e-4)


def test_log_softmax_is_the_log_of_softmax_and_exact_where_softmax_underflows():
    z = np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(activations.log_softmax(z), np.log(activations.softmax(z)))
    assert activations.log_softmax([1000.0, -1000.0]).tolist() == pytest.approx([0.0, -2000.0])


def test_layer_function_gives_softmax_over_rows_or_the_registered_activation():
    z = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
    np.testing.assert_array_equal(activations.layer_function("softmax")(z), activations.softmax(z, axis=1))
    np.testing.assert_array_equal(activations.layer_function("tanh")(z), np.tanh(z))
    with pytest.raises(ValueError, match="unknown activation"):
        activations.layer_function("sigmod")

"""Every cost passes the same checks: gradient, finiteness, clipping, formula."""

import numpy as np
import pytest

from nnviz import activations, losses


def _targets(name, rng, shape):
    if name == "categorical_crossentropy":
        return np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    return rng.integers(0, 2, shape).astype(float)


@pytest.mark.parametrize("name", losses.NAMES)
def test_gradient_matches_central_finite_differences(name):
    rng = np.random.default_rng(0)
    loss = losses.get(name)
    y = _targets(name, rng, (4, 3))
    a = rng.uniform(0.05, 0.95, (4, 3))
    h = 1e-6
    numeric = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (loss.value(y, up) - loss.value(y, down)) / (2 * h)
    np.testing.assert_allclose(loss.gradient(y, a), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", losses.NAMES)
@pytest.mark.parametrize("a_value", [0.0, 1.0, 1e-300, 1 - 1e-16])
def test_value_and_gradient_are_finite_at_the_edges(name, a_value):
    loss = losses.get(name)
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    a = np.full_like(y, a_value)
    assert np.isfinite(loss.value(y, a))
    assert np.all(np.isfinite(loss.gradient(y, a)))


@pytest.mark.parametrize("name", losses.NAMES)
def test_every_loss_has_formulas_for_the_page(name):
    loss = losses.get(name)
    assert loss.latex.strip() and loss.gradient_latex.strip() and loss.label


def test_quadratic_cost_is_half_the_mean_squared_norm():
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    a = np.array([[0.5, 0.5], [1.0, 1.0]])
    # (0.25 + 0.25) + (1 + 0) = 1.5, over 2n = 4
    assert losses.get("quadratic").value(y, a) == pytest.approx(1.5 / 4)


def test_binary_crossentropy_known_value():
    assert losses.get("binary_crossentropy").value([[1.0]], [[0.5]]) == pytest.approx(np.log(2))


def test_crossentropy_is_clipped_like_keras():
    # log(1e-7) is the largest penalty a single certain wrong answer can get.
    value = losses.get("binary_crossentropy").value([[1.0]], [[0.0]])
    assert value == pytest.approx(-np.log(losses.EPSILON))


def test_categorical_crossentropy_with_softmax_has_gradient_p_minus_y():
    z = np.array([[2.0, 1.0, 0.1]])
    y = np.array([[0.0, 1.0, 0.0]])
    p = activations.softmax(z)
    grad_a = losses.get("categorical_crossentropy").gradient(y, p)
    # Chain through the softmax Jacobian: J = diag(p) − p pᵀ.
    jacobian = np.diag(p[0]) - np.outer(p[0], p[0])
    np.testing.assert_allclose(grad_a[0] @ jacobian, (p - y)[0])


def test_shapes_must_agree():
    with pytest.raises(ValueError, match="shape"):
        losses.get("quadratic").value(np.zeros((2, 3)), np.zeros((3, 2)))


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="choose one of: quadratic, binary_crossentropy"):
        losses.get("mse")

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


@pytest.mark.parametrize("name", losses.NAMES)
def test_the_batch_cost_is_the_mean_of_the_examples_costs(name):
    rng = np.random.default_rng(1)
    loss = losses.get(name)
    y, a = _targets(name, rng, (5, 3)), rng.uniform(0.05, 0.95, (5, 3))
    rows = loss.row_values(y, a)
    assert rows.shape == (5,)
    assert loss.value(y, a) == pytest.approx(rows.mean())
    np.testing.assert_allclose(loss.gradient(y, a), loss.row_gradients(y, a) / 5)


@pytest.mark.parametrize("name", losses.NAMES)
def test_exact_row_gradients_match_central_finite_differences(name):
    # eps=0: nothing clipped, as the cost-functions page draws the curves on (0, 1).
    loss = losses.get(name)
    y = np.array([[0.0], [1.0], [0.3]])
    a = np.array([[0.02], [0.5], [0.97]])
    h = 1e-7
    numeric = (loss.row_values(y, a + h, eps=0.0) - loss.row_values(y, a - h, eps=0.0)) / (2 * h)
    np.testing.assert_allclose(loss.row_gradients(y, a, eps=0.0)[:, 0], numeric, rtol=1e-5)


def test_quadratic_example_costs_grow_with_the_square_of_the_error():
    rows = losses.get("quadratic").row_values([[0.0], [0.0]], [[0.2], [0.8]])
    assert rows.tolist() == pytest.approx([0.02, 0.32])  # 4× the error, 16× the cost


def test_exact_crossentropy_takes_zero_log_zero_as_zero_and_a_certain_mistake_as_infinite():
    bce = losses.get("binary_crossentropy")
    assert bce.row_values([[0.0], [1.0]], [[0.0], [1.0]], eps=0.0).tolist() == [0.0, 0.0]
    with np.errstate(divide="ignore"):
        assert bce.row_values([[1.0]], [[0.0]], eps=0.0)[0] == np.inf
    # Clipped like Keras, the same perfect answers cost about ε.
    assert bce.row_values([[0.0]], [[0.0]])[0] == pytest.approx(losses.EPSILON)


def test_the_cost_lesson_name_is_an_alias_of_binary_crossentropy():
    assert losses.get("cross_entropy") is losses.get("binary_crossentropy")
    assert "cross_entropy" not in losses.NAMES


@pytest.mark.parametrize("name", losses.NAMES)
def test_every_loss_has_one_example_formulas(name):
    loss = losses.get(name)
    assert loss.example_latex.startswith("C = ") and r"\partial a" in loss.example_gradient_latex


@pytest.mark.parametrize("name, activation", [("quadratic", "tanh"), ("quadratic", "sigmoid"),
                                              ("quadratic", "linear"), ("binary_crossentropy", "sigmoid")])
def test_output_delta_is_the_cost_gradient_times_the_activation_derivative(name, activation):
    rng = np.random.default_rng(2)
    z = rng.normal(0, 2, (6, 2))
    y = rng.integers(0, 2, (6, 2)).astype(float)
    act, loss = activations.get(activation), losses.get(name)
    a = act.fn(z)
    expected = loss.row_gradients(y, a) * act.derivative(z)
    np.testing.assert_allclose(loss.output_delta(y, a, activation), expected, rtol=1e-9, atol=1e-12)


def test_output_delta_cancels_to_a_minus_y_even_when_the_output_saturates():
    a = activations.sigmoid(np.array([[40.0], [-40.0]]))
    y = np.array([[0.0], [1.0]])
    np.testing.assert_array_equal(losses.get("binary_crossentropy").output_delta(y, a, "sigmoid"), a - y)
    with pytest.raises(ValueError, match="softmax couples"):
        losses.get("quadratic").output_delta(y, a, "softmax")


def test_softmax_crossentropy_from_logits_and_its_gradient_p_minus_y():
    z = np.array([[2.0, 1.0, 0.1]])
    y = np.array([[0.0, 1.0, 0.0]])
    p = activations.softmax(z)
    cost = losses.softmax_crossentropy(y, z)
    assert cost[0] == pytest.approx(-np.log(p[0, 1]))
    assert cost[0] == pytest.approx(losses.get("categorical_crossentropy").row_values(y, p)[0])
    eps = 1e-6
    numeric = [(losses.softmax_crossentropy(y, z + eps * np.eye(3)[j])[0]
                - losses.softmax_crossentropy(y, z - eps * np.eye(3)[j])[0]) / (2 * eps) for j in range(3)]
    gradient = losses.get("categorical_crossentropy").output_delta(y, p, "softmax")
    np.testing.assert_allclose(gradient[0], numeric, atol=1e-8)
    np.testing.assert_allclose(gradient, p - y)


def test_softmax_crossentropy_is_exact_where_the_probability_underflows():
    # p = e^−2000 underflows to 0; clipping would give −ln 1e-7 ≈ 16.1 instead of 2000.
    assert losses.softmax_crossentropy([0.0, 1.0], [1000.0, -1000.0])[0] == pytest.approx(2000.0)
    assert losses.SOFTMAX_CROSSENTROPY_LATEX.startswith("C = ")

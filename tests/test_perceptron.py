"""The perceptron: weighted sum, activations, Rosenblatt's rule, and the XOR network."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz import perceptron as p


def test_weighted_sum_and_activations_with_known_numbers():
    # 0.5·2 + (−1)·1 + 0.25 = 0.25
    z = p.weighted_sum([0.5, -1.0], [2.0, 1.0], 0.25)
    assert z == pytest.approx(0.25)
    assert p.activate(z, "identity") == pytest.approx(0.25)
    assert p.activate(z, "step") == 1.0
    assert p.activate(-0.25, "step") == 0.0
    assert p.activate(0.0, "sigmoid") == pytest.approx(0.5)
    assert p.output([0.5, -1.0], [2.0, 1.0], 0.25, "sigmoid") == pytest.approx(1 / (1 + np.exp(-0.25)))


def test_bias_of_minus_ten_means_the_weighted_inputs_must_pass_ten():
    assert p.output([1.0, 1.0], [4.9, 5.0], -10.0) == 0.0
    assert p.output([1.0, 1.0], [5.0, 5.0], -10.0) == 1.0
    # With x = 0 the weights change nothing: z = b.
    assert p.weighted_sum([0.0, 0.0], [3.0, -7.0], -1.5) == -1.5


def test_unknown_activation_and_mismatched_inputs_are_explained():
    with pytest.raises(ValueError, match="identity, step, sigmoid"):
        p.activate(0.0, "relu")
    with pytest.raises(ValueError, match="2 inputs but there are 3 weights"):
        p.weighted_sum([1.0, 2.0], [1.0, 2.0, 3.0], 0.0)


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5))
def test_decision_line_points_have_zero_weighted_sum(w1, w2, b):
    if abs(w1) < 1e-3 and abs(w2) < 1e-3:
        return
    x1, x2 = p.decision_line([w1, w2], b, -1.0, 2.0)
    assert np.allclose(w1 * x1 + w2 * x2 + b, 0.0, atol=1e-9)


def test_all_zero_weights_have_no_decision_line():
    with pytest.raises(ValueError, match="both weights are zero"):
        p.decision_line([0.0, 0.0], 1.0, 0.0, 1.0)


def test_output_grid_is_the_step_of_the_weighted_sum():
    axis, values = p.output_grid([1.0, 1.0], -1.5, "step", 0.0, 1.0, n=3)
    assert axis.tolist() == [0.0, 0.5, 1.0]
    assert values.tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 1]]


@pytest.mark.parametrize("name,targets", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]),
                                          ("nand", [1, 1, 1, 0]), ("xor", [0, 1, 1, 0])])
def test_logic_truth_tables(name, targets):
    data = p.dataset(name)
    assert data.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.y.tolist() == targets


def test_and_converges_with_the_known_weights():
    data = p.dataset("and")
    h = p.learn(data.X, data.y, lr=0.1, epochs=50)
    # Worked by hand from w = 0, b = 0, one example at a time in table order.
    assert h.errors.tolist() == [2, 3, 3, 0]
    assert h.converged_epoch == 4
    assert h.cycle is None
    assert np.allclose(h.weights[-1], [0.2, 0.1]) and h.biases[-1] == pytest.approx(-0.2)
    assert p.output(data.X, h.weights[-1], h.biases[-1]).tolist() == data.y.tolist()
    assert h.weights.shape == (5, 2) and h.biases.shape == (5,)


@pytest.mark.parametrize("name", ["or", "nand", "cloud"])
def test_separable_sets_converge_and_classify_every_example(name):
    data = p.dataset(name, n_samples=60, seed=3)
    h = p.learn(data.X, data.y, lr=0.1, epochs=200)
    assert h.converged_epoch is not None and h.errors[-1] == 0
    assert np.array_equal(p.output(data.X, h.weights[-1], h.biases[-1]), data.y)


def test_xor_cycles_and_never_converges():
    data = p.dataset("xor")
    h = p.learn(data.X, data.y, lr=0.1, epochs=100)
    assert h.converged_epoch is None
    assert h.cycle == (2, 3)
    first, repeat = h.cycle
    assert np.allclose(h.weights[first], h.weights[repeat]) and h.biases[first] == pytest.approx(h.biases[repeat])
    assert h.errors.min() > 0 and h.epochs == 100


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([0.01, 0.1, 0.3, 1.0, 2.5]), st.floats(-1, 1), st.floats(-1, 1))
def test_xor_cycles_for_any_learning_rate_and_start(lr, w1, b):
    data = p.dataset("xor")
    h = p.learn(data.X, data.y, lr=lr, epochs=400, w0=(w1, 0.0), b0=b)
    assert h.converged_epoch is None and h.cycle is not None


def test_cloud_is_reproducible_under_a_seed_and_separable():
    a, b = p.dataset("cloud", 30, seed=7), p.dataset("cloud", 30, seed=7)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, p.dataset("cloud", 30, seed=8).X)
    assert 0 < a.y.sum() < 30


@pytest.mark.parametrize("kwargs,message", [
    (dict(lr=0.0), "learning rate must be positive"),
    (dict(lr=-0.1), "learning rate must be positive"),
    (dict(epochs=0), "at least one epoch"),
    (dict(w0=(0.0,)), "w0 has 1 weights"),
])
def test_bad_learning_settings_raise_clear_errors(kwargs, message):
    data = p.dataset("and")
    with pytest.raises(ValueError, match=message):
        p.learn(data.X, data.y, **kwargs)


def test_empty_data_and_bad_names_raise_clear_errors():
    with pytest.raises(ValueError, match="empty"):
        p.learn(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match="0 or 1"):
        p.learn([[0.0, 1.0]], [2.0])
    with pytest.raises(ValueError, match="and, or, nand, cloud, xor"):
        p.dataset("xnor")


def test_hand_set_two_layer_network_outputs_the_xor_truth_table():
    X, hidden, out = p.xor_table()
    assert out.tolist() == [0, 1, 1, 0]
    # Hidden neurons: OR and NAND of the inputs.
    assert hidden[:, 0].tolist() == [0, 1, 1, 1]
    assert hidden[:, 1].tolist() == [1, 1, 1, 0]
    assert p.xor_network().sizes == (2, 2, 1)


def test_history_lines_match_each_epoch_and_skip_zero_weights():
    data = p.dataset("and")
    h = p.learn(data.X, data.y, lr=0.1, epochs=10)
    lines = p.history_lines(h, *p.view_box("and"))
    assert len(lines) == h.epochs + 1 and lines[0] is None
    x1, x2 = lines[-1]
    assert np.allclose(h.weights[-1] @ np.vstack([x1, x2]) + h.biases[-1], 0.0)

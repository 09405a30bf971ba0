"""nnviz.network: backward against finite differences and TensorFlow, sgd_step, shape checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nnviz import activations, losses
from nnviz.network import (
    Network,
    backward,
    cost,
    forward,
    numerical_gradients,
    output_delta,
    relative_error,
    sgd_step,
)

DIFFERENTIABLE = tuple(n for n in activations.NAMES if activations.get(n).differentiable)
# Activations whose derivative (or second derivative) jumps at z = 0: finite
# differences are only trusted when no z sits within a nudge of the kink.
KINKED = {"relu", "leaky_relu", "elu"}
EPS = 1e-5  # central differences: truncation ~eps² C''', round-off ~1e-16 C / eps


def _random_case(seed, depth, output_activation, hidden_activation, loss_name, n_samples):
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in rng.integers(1, 5, size=depth + 1)]
    acts = [hidden_activation] * (depth - 1) + [output_activation]
    net = Network.random(sizes, acts, seed=rng)
    # Non-zero biases so every term of the four equations is exercised.
    net = Network(net.weights, [rng.normal(0, 0.5, b.shape) for b in net.biases], acts)
    X = rng.normal(0, 1, (n_samples, sizes[0]))
    if loss_name == "quadratic":
        Y = rng.normal(0, 1, (n_samples, sizes[-1]))
    else:
        Y = rng.uniform(0, 1, (n_samples, sizes[-1]))
    return net, X, Y


def _far_from_kinks(net, X, loss_name="quadratic"):
    trace = forward(net, X)
    for z, name in zip(trace.z[1:], net.activations):
        if name in KINKED and np.min(np.abs(z)) < 1e-3:
            return False
    if loss_name == "quadratic":
        return True
    # The cross-entropies clip a to [1e-7, 1 − 1e-7] and their third derivative grows like
    # 1/a³ near the clip: keep a clear of both so the differences' truncation error stays small.
    a = trace.a[-1]
    edges = np.array([losses.EPSILON, 1 - losses.EPSILON])
    return np.min(np.abs(a[..., None] - edges)) > 0.02


def _norm_relative_error(analytic, numeric):
    g, h = np.concatenate([x.ravel() for x in analytic]), np.concatenate([x.ravel() for x in numeric])
    return np.linalg.norm(g - h) / max(np.linalg.norm(g) + np.linalg.norm(h), 1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    seed=st.integers(0, 2**32 - 1),
    depth=st.integers(1, 4),
    output_activation=st.sampled_from(DIFFERENTIABLE),
    hidden_activation=st.sampled_from(DIFFERENTIABLE),
    loss_name=st.sampled_from(losses.NAMES),
    n_samples=st.integers(1, 4),
)
def test_backward_matches_finite_differences(seed, depth, output_activation, hidden_activation, loss_name, n_samples):
    net, X, Y = _random_case(seed, depth, output_activation, hidden_activation, loss_name, n_samples)
    assume(_far_from_kinks(net, X, loss_name))
    loss = losses.get(loss_name)
    grads = backward(net, forward(net, X), Y, loss)
    numeric = numerical_gradients(net, X, Y, loss, eps=EPS)
    assert _norm_relative_error(grads.dW + grads.db, numeric.dW + numeric.db) < 1e-6
    # Entry by entry: relative error 1e-6, measured against the largest gradient for entries
    # near 0 (there the differences' round-off, ~1e-16 C / ε, is all that is left).
    scale = max(np.max(np.abs(g)) for g in numeric.dW + numeric.db)
    for analytic, estimate in zip(grads.dW + grads.db, numeric.dW + numeric.db):
        assert analytic.shape == estimate.shape
        np.testing.assert_allclose(analytic, estimate, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@pytest.mark.parametrize("loss_name", losses.NAMES)
def test_every_activation_and_loss_passes_the_gradient_check(name, loss_name):
    # The registry-wide check: one deterministic case per (activation, loss) pair.
    for seed in range(50):
        net, X, Y = _random_case(seed, 3, name, name, loss_name, 3)
        if _far_from_kinks(net, X, loss_name):
            break
    loss = losses.get(loss_name)
    grads = backward(net, forward(net, X), Y, loss)
    numeric = numerical_gradients(net, X, Y, loss, eps=EPS)
    assert _norm_relative_error(grads.dW + grads.db, numeric.dW + numeric.db) < 1e-6
    assert np.max(relative_error(np.concatenate([g.ravel() for g in grads.dW]),
                                 np.concatenate([g.ravel() for g in numeric.dW]))) < 1e-4


def _mazur():
    # Matt Mazur's "A Step by Step Backpropagation Example": 2-2-2, sigmoid, E = Σ ½(t − o)².
    net = Network(
        [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        [[0.35, 0.35], [0.60, 0.60]],
        "sigmoid",
    )
    return net, np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])


def test_worked_example_of_mazur_gives_the_published_numbers():
    net, X, Y = _mazur()
    loss = losses.get("quadratic")
    trace = forward(net, X)
    np.testing.assert_allclose(trace.a[1], [[0.593269992, 0.596884378]], atol=1e-9)
    np.testing.assert_allclose(trace.a[2], [[0.75136507, 0.772928465]], atol=1e-8)
    assert cost(net, X, Y, loss) == pytest.approx(0.298371109, abs=1e-9)
    grads = backward(net, trace, Y, loss)
    assert grads.dW[1][0, 0] == pytest.approx(0.082167041, abs=1e-9)  # ∂E/∂w5
    assert grads.dW[0][0, 0] == pytest.approx(0.000438568, abs=1e-9)  # ∂E/∂w1
    updated = sgd_step(net, grads, 0.5)
    np.testing.assert_allclose(updated.weights[1], [[0.35891648, 0.408666186], [0.511301270, 0.561370121]], atol=1e-8)
    np.testing.assert_allclose(updated.weights[0], [[0.149780716, 0.19956143], [0.24975114, 0.29950229]], atol=1e-8)


def test_sgd_step_moves_every_parameter_against_its_gradient():
    net, X, Y = _mazur()
    loss = losses.get("binary_crossentropy")
    grads = backward(net, forward(net, X), Y, loss)
    lr = 0.3
    new = sgd_step(net, grads, lr)
    for w, g, w_new in zip(net.weights, grads.dW, new.weights):
        np.testing.assert_allclose(w_new, w - lr * g, rtol=0, atol=0)
    for b, g, b_new in zip(net.biases, grads.db, new.biases):
        np.testing.assert_allclose(b_new, b - lr * g, rtol=0, atol=0)
    assert new.activations == net.activations
    assert net.weights[0][0, 0] == 0.15  # the old network is untouched
    # A small step lowers the cost.
    assert cost(new, X, Y, loss) < cost(net, X, Y, loss)


def test_output_delta_of_sigmoid_with_cross_entropy_is_a_minus_y():
    net, X, Y = _mazur()
    trace = forward(net, X)
    delta = output_delta(net, trace, Y, losses.get("binary_crossentropy"))
    np.testing.assert_allclose(delta, trace.a[-1] - Y, atol=1e-12)


def test_gradients_have_the_shapes_of_the_parameters_and_average_over_the_batch():
    net = Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=1)
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    loss = losses.get("quadratic")
    grads = backward(net, forward(net, X), Y, loss)
    assert [d.shape for d in grads.delta] == [(5, 4), (5, 2)]
    assert [g.shape for g in grads.dW] == [w.shape for w in net.weights]
    assert [g.shape for g in grads.db] == [b.shape for b in net.biases]
    singles = [backward(net, forward(net, X[i:i + 1]), Y[i:i + 1], loss) for i in range(5)]
    for layer in range(2):
        np.testing.assert_allclose(grads.dW[layer], np.mean([s.dW[layer] for s in singles], axis=0), atol=1e-15)
        np.testing.assert_allclose(grads.db[layer], np.mean([s.db[layer] for s in singles], axis=0), atol=1e-15)


def test_network_random_is_deterministic_under_a_seed_and_reports_sizes():
    a = Network.random([2, 3, 1], "sigmoid", seed=7)
    b = Network.random([2, 3, 1], "sigmoid", seed=7)
    assert a.sizes == (2, 3, 1)
    assert a.activations == ("sigmoid", "sigmoid")
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    limit = np.sqrt(6 / 5)
    assert np.all(np.abs(a.weights[0]) <= limit)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: Network([], [], []), "at least one layer"),
        (lambda: Network([np.ones((2, 2))], [np.ones(2), np.ones(2)], ["sigmoid"]), "one of each"),
        (lambda: Network([np.ones((2, 2))], [np.ones(3)], ["sigmoid"]), "rows"),
        (lambda: Network([np.ones((2, 2)), np.ones((1, 3))], [np.ones(2), np.ones(1)], "sigmoid"), "columns"),
        (lambda: Network([np.ones((2, 2))], [np.ones(2)], ["sigmod"]), "unknown activation"),
        (lambda: Network.random([2], "sigmoid"), "at least two layers"),
        (lambda: Network.random([2, 0, 1], "sigmoid"), "at least one neuron"),
        (lambda: forward(Network.random([2, 1], "sigmoid", seed=0), np.ones((1, 3))), "features"),
        (lambda: backward(Network.random([2, 2], "sigmoid", seed=0),
                          forward(Network.random([2, 2], "sigmoid", seed=0), np.ones((1, 2))),
                          np.ones((1, 2)), losses.get("nope")), "unknown loss"),
    ],
)
def test_bad_shapes_and_names_raise_value_error_with_a_message(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_relative_error_is_zero_for_equal_gradients_and_one_for_opposite():
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(2.0, 2.0) == 0.0
    assert relative_error(1.0, -1.0) == 1.0




def _tf_cost(tf, loss_name, Y, a):
    n = tf.cast(tf.shape(a)[0], tf.float64)
    if loss_name == "quadratic":
        return tf.reduce_sum((Y - a) ** 2) / (2 * n)
    p = tf.clip_by_value(a, losses.EPSILON, 1 - losses.EPSILON)
    if loss_name == "binary_crossentropy":
        return -tf.reduce_sum(Y * tf.math.log(p) + (1 - Y) * tf.math.log(1 - p)) / n
    return -tf.reduce_sum(Y * tf.math.log(p)) / n


@pytest.mark.tensorflow
@pytest.mark.parametrize("loss_name", losses.NAMES)
def test_backward_matches_tensorflow_gradient_tape(loss_name):
    import tensorflow as tf

    fns = {
        "sigmoid": tf.math.sigmoid, "tanh": tf.math.tanh, "relu": tf.nn.relu,
        # tf.nn.leaky_relu keeps alpha in float32 (0.00999999977...); spell it out in float64.
        "leaky_relu": lambda z: tf.where(z > 0, z, tf.constant(activations.LEAKY_SLOPE, tf.float64) * z),
        "elu": tf.nn.elu, "softplus": tf.math.softplus, "linear": tf.identity,
    }
    assert set(fns) == set(DIFFERENTIABLE)
    checked = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        depth = 1 + seed % 4
        acts = [DIFFERENTIABLE[(seed + i) % len(DIFFERENTIABLE)] for i in range(depth)]
        sizes = [int(s) for s in rng.integers(1, 6, size=depth + 1)]
        net = Network.random(sizes, acts, seed=rng)
        net = Network(net.weights, [rng.normal(0, 0.5, b.shape) for b in net.biases], acts)
        X = rng.normal(size=(3, sizes[0]))
        Y = rng.uniform(size=(3, sizes[-1]))
        if not _far_from_kinks(net, X, loss_name):
            continue
        weights = [tf.Variable(w, dtype=tf.float64) for w in net.weights]
        biases = [tf.Variable(b, dtype=tf.float64) for b in net.biases]
        with tf.GradientTape() as tape:
            a = tf.constant(X, dtype=tf.float64)
            for w, b, name in zip(weights, biases, acts):
                a = fns[name](tf.matmul(a, w, transpose_b=True) + b)
            c = _tf_cost(tf, loss_name, tf.constant(Y, dtype=tf.float64), a)
        tf_dW, tf_db = tape.gradient(c, [weights, biases])
        grads = backward(net, forward(net, X), Y, losses.get(loss_name))
        assert float(c.numpy()) == pytest.approx(cost(net, X, Y, losses.get(loss_name)), rel=1e-9, abs=1e-12)
        for mine, theirs in zip(grads.dW + grads.db, list(tf_dW) + list(tf_db)):
            np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-9, atol=1e-12)
        checked += 1
    assert checked >= 20

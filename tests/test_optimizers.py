import math

import numpy as np
import pytest

from nnviz import optimizers
from nnviz.optimizers import NAMES


def test_registry_has_the_six_optimizers():
    assert NAMES == ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


def test_unknown_optimizer_lists_the_valid_names():
    with pytest.raises(ValueError, match="choose one of: sgd, momentum, nesterov, adagrad, rmsprop, adam"):
        optimizers.get("adamw")


def test_unknown_hyper_parameter_is_named():
    with pytest.raises(ValueError, match="'beta1'.*beta_1"):
        optimizers.get("adam", beta1=0.9)


@pytest.mark.parametrize("kwargs", [
    {"learning_rate": 0}, {"learning_rate": -1.0}, {"learning_rate": float("nan")}, {"learning_rate": "big"},
])
@pytest.mark.parametrize("name", NAMES)
def test_bad_learning_rate_raises_value_error(name, kwargs):
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.get(name, **kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("momentum", {"momentum": 1.0}), ("adam", {"beta_1": -0.1}), ("adam", {"beta_2": 1.5}),
    ("rmsprop", {"rho": 1.0}), ("adam", {"epsilon": 0.0}), ("adagrad", {"initial_accumulator_value": -1.0}),
])
def test_bad_hyper_parameters_raise_value_error(name, kwargs):
    with pytest.raises(ValueError):
        optimizers.get(name, **kwargs)


def test_unknown_convention_raises():
    with pytest.raises(ValueError, match="paper, keras"):
        optimizers.get("sgd", convention="pytorch")


@pytest.mark.parametrize("convention", optimizers.CONVENTIONS)
@pytest.mark.parametrize("name", NAMES)
def test_latex_shown_on_the_page_is_in_the_docstring(name, convention):
    opt = optimizers.get(name, convention=convention)
    assert opt.latex and opt.latex in type(opt).__doc__
    assert r"\leftarrow" in opt.latex


@pytest.mark.parametrize("convention", optimizers.CONVENTIONS)
def test_adam_without_bias_correction_shows_its_own_formula(convention):
    opt = optimizers.get("adam", convention=convention, bias_correction=False)
    assert "1-\\beta_1^t" not in opt.latex and opt.latex in optimizers.Adam.__doc__


def test_sgd_step_is_minus_learning_rate_times_gradient():
    opt = optimizers.get("sgd", learning_rate=0.1)
    new = opt.step(np.array([1.0, -2.0]), np.array([4.0, 0.5]))
    np.testing.assert_allclose(new, [0.6, -2.05])
    np.testing.assert_allclose(opt.last_update, [-0.4, -0.05])
    np.testing.assert_allclose(opt.last_gradient, [4.0, 0.5])
    assert opt.velocity is None


def test_momentum_remembers_its_velocity():
    opt = optimizers.get("momentum", learning_rate=0.1, momentum=0.9)
    w = opt.step(np.array([0.0]), np.array([1.0]))  # v = -0.1
    np.testing.assert_allclose(w, [-0.1])
    w = opt.step(w, np.array([1.0]))  # v = 0.9 * -0.1 - 0.1 = -0.19
    np.testing.assert_allclose(opt.velocity, [-0.19])
    np.testing.assert_allclose(w, [-0.29])
    np.testing.assert_allclose(opt.last_update, [-0.19])


def test_nesterov_adds_the_velocity_once_more():
    opt = optimizers.get("nesterov", learning_rate=0.1, momentum=0.9)
    w = opt.step(np.array([0.0]), np.array([1.0]))  # v = -0.1; step = 0.9 * -0.1 - 0.1
    np.testing.assert_allclose(w, [-0.19])
    w = opt.step(w, np.array([1.0]))  # v = -0.19; step = 0.9 * -0.19 - 0.1 = -0.271
    np.testing.assert_allclose(w, [-0.461])


def test_adagrad_paper_form_by_hand():
    opt = optimizers.get("adagrad", learning_rate=0.5)
    w = opt.step(np.array([1.0]), np.array([2.0]))  # G = 4; step = 0.5 * 2 / (2 + 1e-8)
    np.testing.assert_allclose(w, [1.0 - 1.0 / (2.0 + 1e-8)], rtol=1e-15)
    w = opt.step(w, np.array([1.0]))  # G = 5
    np.testing.assert_allclose(w, [1.0 - 1.0 / (2.0 + 1e-8) - 0.5 / (math.sqrt(5) + 1e-8)], rtol=1e-15)


def test_rmsprop_paper_form_by_hand():
    opt = optimizers.get("rmsprop", learning_rate=0.01, rho=0.9)
    w = opt.step(np.array([0.0]), np.array([3.0]))  # s = 0.9; step = 0.01 * 3 / (sqrt(0.9) + 1e-8)
    np.testing.assert_allclose(w, [-0.03 / (math.sqrt(0.9) + 1e-8)], rtol=1e-14)


def _adam_algorithm_1(grads, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, theta=0.0):
    """Kingma & Ba (2015), Algorithm 1, written out scalar by scalar."""
    m = v = 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
        out.append(theta)
    return out


def test_adam_defaults_are_kingma_and_ba():
    opt = optimizers.get("adam")
    assert opt.learning_rate == 1e-3
    assert opt.hyper == {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8, "bias_correction": True}


def test_adam_default_form_is_algorithm_1():
    grads = [0.5, -1.5, 2.0, 0.25, -0.75]
    opt = optimizers.get("adam")
    theta = np.array([0.0])
    got = []
    for g in grads:
        theta = opt.step(theta, np.array([g]))
        got.append(float(theta[0]))
    np.testing.assert_allclose(got, _adam_algorithm_1(grads), rtol=1e-14, atol=0)
    # The first bias-corrected step of Adam is the learning rate itself, whatever the gradient's size.
    first = optimizers.get("adam", learning_rate=0.01).step(np.array([0.0, 0.0]), np.array([1e-3, 1e3]))
    np.testing.assert_allclose(first, [-0.01, -0.01], rtol=1e-4)


def test_adam_without_bias_correction_takes_tiny_first_steps():
    opt = optimizers.get("adam", learning_rate=0.01, bias_correction=False)
    w = opt.step(np.array([0.0]), np.array([1.0]))  # m = 0.1, v = 0.001 -> 0.01 * 0.1 / sqrt(0.001)
    np.testing.assert_allclose(w, [-0.01 * 0.1 / (math.sqrt(0.001) + 1e-8)], rtol=1e-14)
    np.testing.assert_allclose(opt.velocity, [0.1])


@pytest.mark.parametrize("name", NAMES)
def test_step_keeps_any_shape_and_lists_of_layers(name):
    rng = np.random.default_rng(0)
    opt = optimizers.get(name, learning_rate=0.05)
    params = [rng.normal(size=(3, 2)), rng.normal(size=(3,))]
    grads = [rng.normal(size=(3, 2)), rng.normal(size=(3,))]
    new = opt.step(params, grads)
    assert isinstance(new, list) and [p.shape for p in new] == [(3, 2), (3,)]
    for p, n, u in zip(params, new, opt.last_update):
        np.testing.assert_allclose(n - p, u, atol=1e-15)
    # every optimizer moves against the gradient on its first step
    for g, u in zip(grads, opt.last_update):
        assert np.all(np.sign(u) == -np.sign(g))
    scalar = optimizers.get(name).step(np.float64(1.0), np.float64(2.0))
    assert np.shape(scalar) == () and scalar < 1.0


@pytest.mark.parametrize("name", NAMES)
def test_changing_shape_needs_a_reset(name):
    opt = optimizers.get(name)
    opt.step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="reset"):
        opt.step(np.zeros(3), np.ones(3))
    opt.reset()
    assert opt.iterations == 0 and opt.last_update is None
    assert opt.step(np.zeros(3), np.ones(3)).shape == (3,)


def test_grad_must_match_params():
    with pytest.raises(ValueError, match="shape"):
        optimizers.get("sgd").step(np.zeros(2), np.ones(3))
    with pytest.raises(ValueError, match="structure"):
        optimizers.get("sgd").step([np.zeros(2)], np.ones(2))


@pytest.mark.parametrize("name", NAMES)
def test_each_optimizer_descends_a_bowl(name):
    opt = optimizers.get(name, learning_rate=0.1)
    w = np.array([2.0, -1.0])
    for _ in range(300):
        w = opt.step(w, 2 * w)
    assert np.linalg.norm(w) < 0.2


@pytest.mark.parametrize("name", NAMES)
def test_velocity_is_reported_where_there_is_momentum(name):
    opt = optimizers.get(name)
    opt.step(np.zeros(2), np.ones(2))
    assert (opt.velocity is not None) == (name in ("momentum", "nesterov", "adam"))
    assert optimizers.get("rmsprop", momentum=0.5).has_velocity


# ------------------------------------------------------------------------ against keras.optimizers
# Keras turns Python-float hyper-parameters into tensors through float32 (0.9 becomes 0.899999976...)
# even when the variables are float64. With hyper-parameters that float32 holds exactly the two must agree
# to rounding; with Keras's defaults (0.9, 0.999, 1e-7, 0.1) they agree to float32's precision.
EXACT_CASES = [
    ("sgd", {"learning_rate": 0.0625}),
    ("momentum", {"learning_rate": 0.0625, "momentum": 0.75}),
    ("nesterov", {"learning_rate": 0.0625, "momentum": 0.875}),
    ("adagrad", {"learning_rate": 0.125, "initial_accumulator_value": 0.125, "epsilon": 2.0 ** -20}),
    ("rmsprop", {"learning_rate": 0.015625, "rho": 0.875, "epsilon": 2.0 ** -20}),
    ("rmsprop", {"learning_rate": 0.015625, "rho": 0.75, "momentum": 0.5, "epsilon": 2.0 ** -20}),
    ("adam", {"learning_rate": 0.015625, "beta_1": 0.875, "beta_2": 0.998046875, "epsilon": 2.0 ** -20}),
    ("adam", {"learning_rate": 0.03125, "beta_1": 0.5, "beta_2": 0.75, "epsilon": 2.0 ** -10}),
]


@pytest.fixture(scope="module")
def keras_float64():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    old = keras.backend.floatx()
    keras.backend.set_floatx("float64")  # the learning-rate variable is created in floatx
    yield keras
    keras.backend.set_floatx(old)


def _keras_gap(keras, name, hyper, steps=50):
    """The largest relative difference between ours and Keras's parameters over ``steps`` random gradients."""
    rng = np.random.default_rng(7)
    start = [rng.normal(size=(3, 4)), rng.normal(size=(5,))]
    grads = [[rng.normal(scale=s, size=p.shape) for p, s in zip(start, (1.0, 10.0))] for _ in range(steps)]
    cls_name, kwargs = optimizers.keras_arguments(name, **hyper)
    theirs = getattr(keras.optimizers, cls_name)(**kwargs)
    variables = [keras.Variable(p, dtype="float64") for p in start]
    ours = optimizers.get(name, convention="keras", **hyper)
    params = [p.copy() for p in start]
    worst = 0.0
    for g in grads:
        theirs.apply_gradients(zip([keras.ops.convert_to_tensor(x, dtype="float64") for x in g], variables))
        params = ours.step(params, g)
        for v, p in zip(variables, params):
            expected = keras.ops.convert_to_numpy(v)
            assert expected.dtype == np.float64
            worst = max(worst, float(np.max(np.abs(expected - p) / np.maximum(np.abs(expected), 1e-3))))
    return worst


@pytest.mark.tensorflow
@pytest.mark.parametrize("name, hyper", EXACT_CASES)
def test_keras_convention_matches_keras_optimizers_for_50_steps(keras_float64, name, hyper):
    worst = _keras_gap(keras_float64, name, hyper)
    assert worst < 1e-12, f"{name}: relative difference {worst:.2e} after 50 steps"


@pytest.mark.tensorflow
@pytest.mark.parametrize("name", NAMES)
def test_keras_convention_with_keras_defaults(keras_float64, name):
    # Keras's own defaults: the only gap is Keras rounding its constants through float32 ...
    assert _keras_gap(keras_float64, name, {}) < 2e-4
    # ... and with those constants rounded to float32 first, the two agree to the last bits.
    rounded = {k: float(np.float32(v)) if isinstance(v, float) else v
               for k, v in optimizers.hyper_parameters(name, convention="keras").items()}
    assert _keras_gap(keras_float64, name, rounded) < 1e-12


@pytest.mark.tensorflow
def test_keras_default_hyper_parameters_are_keras_defaults(keras_float64):
    keras = keras_float64
    for name in NAMES:
        cls_name, kwargs = optimizers.keras_arguments(name)
        default = getattr(keras.optimizers, cls_name)()
        for key, value in kwargs.items():
            if key == "nesterov":
                continue
            if name in ("momentum", "nesterov") and key == "momentum":
                continue  # Keras's SGD has momentum 0 by default; ours is the momentum optimizer
            actual = getattr(default, key)
            actual = float(keras.ops.convert_to_numpy(actual)) if key == "learning_rate" else actual
            assert actual == pytest.approx(value), (name, key)


def test_keras_has_no_adam_without_bias_correction():
    with pytest.raises(ValueError, match="bias"):
        optimizers.keras_arguments("adam", bias_correction=False)

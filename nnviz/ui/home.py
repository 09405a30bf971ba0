"""Live thumbnails for the course map, computed by the core and cached once per server."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from nnviz import activations, curves, datasets, descent, losses, network, perceptron, surfaces
from nnviz.charts import home as charts


def _perceptron() -> go.Figure:
    data = perceptron.dataset("cloud", 40, seed=3)
    history = perceptron.learn(data.X, data.y, lr=0.1, epochs=30)
    line = perceptron.decision_line(history.weights[-1], history.biases[-1], -1.0, 1.0)
    return charts.points(data.X, data.y, line)


def _activations() -> go.Figure:
    z = np.linspace(-4, 4, 161)
    names = ("sigmoid", "tanh", "relu")
    return charts.lines(z, [activations.get(n).fn(z) for n in names], names, "z", "f(z)")


def _costs() -> go.Figure:
    a = np.linspace(0.01, 0.99, 99)
    y = np.ones_like(a)
    quadratic = [losses.get("quadratic").value([[1.0]], [[v]]) for v in a]
    cross = [losses.get("binary_crossentropy").value([[1.0]], [[v]]) for v in a]
    return charts.lines(a, [np.array(quadratic), np.array(cross)], ["quadratic", "cross-entropy"],
                        "a (target y = 1)", "C", legend="top right")


def _descent() -> go.Figure:
    surface = surfaces.get("valley")
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, 60), np.linspace(y0, y1, 60)
    grid = surface.value(*np.meshgrid(xs, ys))
    start = (x0 * 0.8, y1 * 0.8)
    paths = [descent.run(surface, name, start=start, steps=40, learning_rate=lr).trajectory
             for name, lr in (("sgd", 0.4), ("momentum", 0.08))]
    return charts.contour_paths(xs, ys, grid, paths)


def _backpropagation() -> go.Figure:
    data = perceptron.dataset("xor")
    net = network.Network.random([2, 3, 1], "sigmoid", seed=1)
    loss = losses.get("quadratic")
    costs = []
    for _ in range(400):
        trace = network.forward(net, data.X)
        costs.append(loss.value(data.y.reshape(-1, 1), trace.a[-1]))
        net = network.sgd_step(net, network.backward(net, trace, data.y.reshape(-1, 1), loss), 4.0)
    return charts.lines(np.arange(len(costs)), [np.array(costs)], ["cost"], "step", "C")


def _playground() -> go.Figure:
    data = datasets.generate("spiral", 300, noise=0.05, seed=0)
    return charts.points(data.X, data.y)


def _keras() -> go.Figure:
    # Overfitting in miniature: a big network on a few noisy points, training against validation loss.
    data = datasets.generate("gaussians", 80, noise=0.2, seed=2)
    y = data.y.reshape(-1, 1).astype(float)
    train, val = slice(0, 30), slice(30, None)
    net = network.Network.random([2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    loss = losses.get("binary_crossentropy")
    history = {"training": [], "validation": []}
    for _ in range(300):
        trace = network.forward(net, data.X[train] / 3)
        history["training"].append(loss.value(y[train], trace.a[-1]))
        history["validation"].append(network.cost(net, data.X[val] / 3, y[val], loss))
        net = network.sgd_step(net, network.backward(net, trace, y[train], loss), 0.1)
    return charts.lines(np.arange(1, 301), [np.array(v) for v in history.values()], list(history),
                        "epoch", "loss", legend="right")


def _loss_curves() -> go.Figure:
    rng = np.random.default_rng(0)
    epochs = np.arange(1, 81)
    raw = 1.5 * np.exp(-epochs / 15) + 0.2 + rng.normal(0, 0.08, epochs.size)
    return charts.lines(epochs, [raw, curves.smooth(raw, 0.8)], ["raw", "smoothed (0.8)"], "epoch", "loss",
                        dashed=[True, False], legend="top right")


_BUILDERS = {
    "perceptron": _perceptron, "activations": _activations, "cost_functions": _costs,
    "gradient_descent": _descent, "backpropagation": _backpropagation, "playground": _playground,
    "keras_training": _keras, "loss_curves": _loss_curves,
}


@st.cache_resource(show_spinner=False)
def thumbnail(page: str) -> go.Figure | None:
    """The thumbnail of a lesson page by its URL path, or None if it has none."""
    builder = _BUILDERS.get(page)
    return builder() if builder else None

"""A multi-layer network and backpropagation with the four equations.

Notation is the lesson's (Nielsen's): layer l has weights ``W[l]`` of shape
``(n_l, n_{l-1})`` so ``W[l][j, k]`` is w^l_jk, the weight from neuron k in
layer l−1 to neuron j in layer l, and biases ``b[l]`` of shape ``(n_l,)``. A
batch is rows: ``z = a_prev @ W.T + b``. Python lists start at 0, so
``weights[0]`` is the lesson's W², the first layer after the input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz import activations as _activations
from nnviz.losses import Loss


@dataclass(frozen=True)
class Network:
    """A feed-forward network: weights, biases and activation names per layer."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    activations: tuple[str, ...]

    def __init__(self, weights, biases, activations):
        weights = tuple(np.array(w, dtype=float, ndmin=2) for w in weights)
        biases = tuple(np.array(b, dtype=float).reshape(-1) for b in biases)
        if isinstance(activations, str):
            activations = (activations,) * len(weights)
        activations = tuple(activations)
        if not weights:
            raise ValueError("a network needs at least one layer of weights")
        if not (len(weights) == len(biases) == len(activations)):
            raise ValueError(
                f"got {len(weights)} weight matrices, {len(biases)} bias vectors and "
                f"{len(activations)} activations; give one of each per layer"
            )
        for l, (w, b) in enumerate(zip(weights, biases), start=1):
            if w.shape[0] != b.shape[0]:
                raise ValueError(
                    f"layer {l}: W has {w.shape[0]} rows (neurons) but b has {b.shape[0]} entries"
                )
            if l > 1 and w.shape[1] != weights[l - 2].shape[0]:
                raise ValueError(
                    f"layer {l}: W has {w.shape[1]} columns but the layer before has "
                    f"{weights[l - 2].shape[0]} neurons"
                )
        for name in activations:
            _activations.get(name)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "biases", biases)
        object.__setattr__(self, "activations", activations)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Neurons per layer, the input layer first."""
        return (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)

    @classmethod
    def random(cls, sizes, activations, seed=None) -> "Network":
        """A network with Glorot-uniform weights and zero biases.

        Parameters
        ----------
        sizes : sequence of int
            Neurons per layer, the input layer first, e.g. ``[2, 3, 1]``.
        activations : str or sequence of str
            One name for every layer, or one per layer after the input.
        seed : int or np.random.Generator, optional
        """
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes {sizes} must list at least two layers of at least one neuron")
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            limit = np.sqrt(6.0 / (n_in + n_out))
            weights.append(rng.uniform(-limit, limit, size=(n_out, n_in)))
            biases.append(np.zeros(n_out))
        return cls(weights, biases, activations)


@dataclass(frozen=True)
class Trace:
    """Everything the forward pass computed: ``z[l]`` and ``a[l]`` per layer.

    ``a[0]`` is the input X; ``z[0]`` is None (the input has no weighted sum),
    so ``z[l]`` and ``a[l]`` line up with layer l.
    """

    z: tuple
    a: tuple


@dataclass(frozen=True)
class Gradients:
    """The errors δ and the gradients ∂C/∂W, ∂C/∂b of every layer after the input.

    ``delta[i]`` has shape ``(n_samples, n_l)``; ``dW[i]`` and ``db[i]`` have
    the shapes of ``weights[i]`` and ``biases[i]`` and are summed over the
    batch of the per-example terms of the (already averaged) cost.
    """

    delta: tuple
    dW: tuple
    db: tuple


def forward(net: Network, X) -> Trace:
    """Feed X forward: z = a_prev W^T + b, a = σ(z), layer by layer."""
    a = np.asarray(X, dtype=float)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.shape[1] != net.sizes[0]:
        raise ValueError(f"X has {a.shape[1]} features but the network expects {net.sizes[0]}")
    zs, activations_out = [None], [a]
    for w, b, name in zip(net.weights, net.biases, net.activations):
        z = a @ w.T + b
        a = _activations.get(name).fn(z)
        zs.append(z)
        activations_out.append(a)
    return Trace(tuple(zs), tuple(activations_out))


def output_delta(net: Network, trace: Trace, Y, loss: Loss) -> np.ndarray:
    """The error δᴸ of the output layer: ∇ₐC ⊙ σ'(zᴸ)."""
    a_out = trace.a[-1]
    Y = np.asarray(Y, dtype=float).reshape(a_out.shape)
    grad_a = loss.gradient(Y, a_out)
    return grad_a * _activations.get(net.activations[-1]).derivative(trace.z[-1])


def backward(net: Network, trace: Trace, Y, loss: Loss) -> Gradients:
    """Backpropagation: the four equations, layer by layer from the output.

    δᴸ = ∇ₐC ⊙ σ'(zᴸ); δˡ = (δˡ⁺¹ Wˡ⁺¹) ⊙ σ'(zˡ) (rows are examples, so this
    is ((Wˡ⁺¹)ᵀδˡ⁺¹)ᵀ); ∂C/∂bˡ = Σ δˡ; ∂C/∂Wˡ = (δˡ)ᵀ aˡ⁻¹.
    """
    n_layers = len(net.weights)
    deltas = [None] * n_layers
    deltas[-1] = output_delta(net, trace, Y, loss)
    for i in range(n_layers - 2, -1, -1):
        sigma_prime = _activations.get(net.activations[i]).derivative(trace.z[i + 1])
        deltas[i] = (deltas[i + 1] @ net.weights[i + 1]) * sigma_prime
    dW = tuple(d.T @ trace.a[i] for i, d in enumerate(deltas))
    db = tuple(d.sum(axis=0) for d in deltas)
    return Gradients(tuple(deltas), dW, db)


def cost(net: Network, X, Y, loss: Loss) -> float:
    """The cost C of the network's output on X against targets Y."""
    a_out = forward(net, X).a[-1]
    return loss.value(np.asarray(Y, dtype=float).reshape(a_out.shape), a_out)


def numerical_gradients(net: Network, X, Y, loss: Loss, eps: float = 1e-6) -> Gradients:
    """∂C/∂W and ∂C/∂b by central finite differences, (C(p + ε) − C(p − ε)) / 2ε.

    ``delta`` is empty: finite differences see only the parameters.
    """

    def nudged_cost(layer, is_weight, idx, h):
        weights = [w.copy() for w in net.weights]
        biases = [b.copy() for b in net.biases]
        (weights if is_weight else biases)[layer][idx] += h
        return cost(Network(weights, biases, net.activations), X, Y, loss)

    def estimate(params, is_weight):
        out = []
        for layer, p in enumerate(params):
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                g[idx] = (nudged_cost(layer, is_weight, idx, eps) - nudged_cost(layer, is_weight, idx, -eps)) / (2 * eps)
            out.append(g)
        return tuple(out)

    return Gradients((), estimate(net.weights, True), estimate(net.biases, False))


def sgd_step(net: Network, grads: Gradients, lr: float) -> Network:
    """One step of gradient descent: W ← W − η ∂C/∂W, b ← b − η ∂C/∂b."""
    return Network(
        [w - lr * g for w, g in zip(net.weights, grads.dW)],
        [b - lr * g for b, g in zip(net.biases, grads.db)],
        net.activations,
    )


def relative_error(analytic, numeric) -> np.ndarray:
    """|g − ĝ| / max(|g| + |ĝ|, 1e-12), the gradient check's usual measure."""
    analytic = np.asarray(analytic, dtype=float)
    numeric = np.asarray(numeric, dtype=float)
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)

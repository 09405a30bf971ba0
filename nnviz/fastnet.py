"""The playground's training step, compiled: forward and backward of a small dense network in plain loops.

A playground step works on 10 rows of a [2, 8, 8, 1] network: NumPy spends
its time in the overhead of some twenty calls on arrays of a few dozen
numbers (about 23 µs per step), while the arithmetic is some 3,000
multiply-adds. Numba compiles these loops once (cached on disk) and runs them
without the GIL, about 5 µs per step. :class:`nnviz.playground.Trainer`
calls them; ``Trainer.gradient_reference`` is the same computation in NumPy,
and the tests hold the two equal.

Layout: the parameters are one flat vector, layer by layer ``W`` (row j =
neuron j, as in the lesson) then ``b``. ``net`` packs the shape:
``[L, output code, uses dropout, n_0 … n_L, hidden code_1 … hidden code_{L−1}]``.
Workspaces ``A`` and ``D`` hold one column per unit of every layer (inputs
first), one row per sample; ``M`` holds the dropout masks of the hidden units.
"""

from __future__ import annotations

import numpy as np
from numba import njit

HIDDEN_CODES = {"relu": 0, "tanh": 1, "sigmoid": 2, "linear": 3}
OUTPUT_CODES = {"sigmoid": 0, "softmax": 1, "linear": 2, "tanh": 3}


def plan(sizes, hidden_activations, output_activation: str, dropout: bool) -> np.ndarray:
    """The ``net`` array the kernels take."""
    L = len(sizes) - 1
    return np.array([L, OUTPUT_CODES[output_activation], int(dropout), *sizes,
                     *(HIDDEN_CODES[a] for a in hidden_activations)], dtype=np.int64)


@njit(cache=True, nogil=True)
def forward(params, net, X, A, D, M):
    """Every layer's activations for the rows of X, written into A (inputs in the first columns), and
    each hidden unit's σ'(z) (times its dropout mask) into the same place in D, for the backward pass."""
    n = X.shape[0]
    L = net[0]
    out_code = net[1]
    masked = net[2] == 1
    sizes = net[3:4 + L]
    codes = net[4 + L:]
    for i in range(n):
        for k in range(sizes[0]):
            A[i, k] = X[i, k]
    p = 0
    col_in = 0
    col_out = sizes[0]
    mcol = 0
    for l in range(L):
        n_in = sizes[l]
        n_out = sizes[l + 1]
        boff = p + n_in * n_out
        for i in range(n):
            for j in range(n_out):
                s = params[boff + j]
                w = p + j * n_in
                for k in range(n_in):
                    s += params[w + k] * A[i, col_in + k]
                A[i, col_out + j] = s
        if l < L - 1:
            c = codes[l]
            for i in range(n):
                for j in range(n_out):
                    z = A[i, col_out + j]
                    if c == 0:
                        a = z if z > 0.0 else 0.0
                        d = 1.0 if z > 0.0 else 0.0
                    elif c == 1:
                        a = np.tanh(z)
                        d = 1.0 - a * a
                    elif c == 2:
                        a = 0.5 * (1.0 + np.tanh(0.5 * z))  # the sigmoid, without overflow
                        d = a * (1.0 - a)
                    else:
                        a = z
                        d = 1.0
                    if masked:
                        m = M[i, mcol + j]
                        a *= m
                        d *= m
                    A[i, col_out + j] = a
                    D[i, col_out + j] = d
            mcol += n_out
        elif out_code == 0:
            for i in range(n):
                for j in range(n_out):
                    A[i, col_out + j] = 0.5 * (1.0 + np.tanh(0.5 * A[i, col_out + j]))
        elif out_code == 1:
            for i in range(n):
                m = A[i, col_out]
                for j in range(1, n_out):
                    m = max(m, A[i, col_out + j])
                total = 0.0
                for j in range(n_out):
                    e = np.exp(A[i, col_out + j] - m)
                    A[i, col_out + j] = e
                    total += e
                for j in range(n_out):
                    A[i, col_out + j] /= total
        elif out_code == 3:
            for i in range(n):
                for j in range(n_out):
                    A[i, col_out + j] = np.tanh(A[i, col_out + j])
        p = boff + n_out
        col_in = col_out
        col_out += n_out


@njit(cache=True, nogil=True)
def gradient(params, grad, net, X, Y, A, D, M):
    """∂C/∂params on the rows (X, Y), written into ``grad`` (regularisation not included).

    The output δ is (a − y)/n for sigmoid + binary cross-entropy, softmax +
    categorical cross-entropy and linear + quadratic cost, and (a − y)(1 − a²)/n for
    tanh + quadratic cost (TensorFlow Playground's output); then
    δˡ = ((wˡ⁺¹)ᵀδˡ⁺¹) ⊙ σ'(zˡ), ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ and ∂C/∂bˡⱼ = δˡⱼ summed over the rows.
    A dropped unit has mask 0, so its σ' and its δ are 0 too.
    """
    forward(params, net, X, A, D, M)
    n = X.shape[0]
    L = net[0]
    sizes = net[3:4 + L]
    cols = np.zeros(L + 2, np.int64)
    poffs = np.zeros(L + 1, np.int64)
    for l in range(L + 1):
        cols[l + 1] = cols[l] + sizes[l]
    for l in range(L):
        poffs[l + 1] = poffs[l] + sizes[l] * sizes[l + 1] + sizes[l + 1]
    inv = 1.0 / n
    co = cols[L]
    tanh_out = net[1] == 3  # the quadratic cost on a tanh output: δ also carries σ'(z) = 1 − a²
    for i in range(n):
        for j in range(sizes[L]):
            a = A[i, co + j]
            D[i, co + j] = (a - Y[i, j]) * inv
            if tanh_out:
                D[i, co + j] *= 1.0 - a * a
    for l in range(L - 1, -1, -1):
        n_in = sizes[l]
        n_out = sizes[l + 1]
        p = poffs[l]
        boff = p + n_in * n_out
        ci = cols[l]
        co = cols[l + 1]
        for j in range(n_out):
            s = 0.0
            for i in range(n):
                s += D[i, co + j]
            grad[boff + j] = s
            w = p + j * n_in
            for k in range(n_in):
                s = 0.0
                for i in range(n):
                    s += D[i, co + j] * A[i, ci + k]
                grad[w + k] = s
        if l > 0:
            for i in range(n):
                for k in range(n_in):
                    s = 0.0
                    for j in range(n_out):
                        s += D[i, co + j] * params[p + j * n_in + k]
                    D[i, ci + k] *= s  # D held σ'(z) (times the mask) from the forward pass
    return grad


@njit(cache=True, nogil=True)
def sgd_epoch(params, grad, net, X, Y, batch_size, learning_rate, A, D, M):
    """Plain SGD over the rows in order, ``batch_size`` rows a step: w ← w + (−η ∇C), as
    :class:`nnviz.optimizers.SGD` computes it. Returns the number of steps."""
    n = X.shape[0]
    steps = 0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        m = stop - start
        gradient(params, grad, net, X[start:stop], Y[start:stop], A[:m], D[:m], M[:m])
        for k in range(params.shape[0]):
            params[k] = params[k] + (-learning_rate * grad[k])
        steps += 1
    return steps


def warm() -> None:
    """Compile the kernels (a few seconds, once per machine: Numba caches them beside this file)."""
    net = plan((2, 3, 1), ("tanh",), "sigmoid", False)
    params, grad = np.zeros(13), np.zeros(13)
    X, Y = np.zeros((4, 2)), np.zeros((4, 1))
    A, D, M = np.empty((2, 6)), np.empty((2, 6)), np.ones((2, 3))
    gradient(params, grad, net, X[:2], Y[:2], A, D, M)
    sgd_epoch(params, grad, net, X, Y, 2, 0.1, A, D, M)

"""The backpropagation lesson: the chain rule number by number, over ``nnviz.network``.

Two parts, as on the page. A chain of three single neurons, C₀(w₁, b₁, w₂, b₂,
w₃, b₃) = (a³ − y)², where every gradient is written as the product of its
chain-rule factors; and a small network whose parameters, input and target a
student edits, walked through forward → output error → backpropagate →
gradients → update with the four equations. Every number comes from
:mod:`nnviz.network` (forward, backward, numerical_gradients, sgd_step); this
module only arranges them, checks the student's edits and answers, and writes
the LaTeX the page shows.

Layers are numbered as in the lesson (Nielsen's): the input is layer 1, so
``net.weights[i]`` is W^{i+2} and the output layer is L = len(weights) + 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from nnviz import activations as _activations
from nnviz import losses as _losses
from nnviz.network import (
    Gradients,
    Network,
    Trace,
    backward,
    cost,
    forward,
    numerical_gradients,
    relative_error,
    sgd_step,
)

# ---------------------------------------------------------------------------
# Formatting numbers for the page


def fmt(value: float, digits: int = 4) -> str:
    """A number as the page writes it: ``digits`` significant digits, LaTeX powers of ten."""
    value = float(value)
    if not math.isfinite(value):
        return r"\text{" + str(value) + "}"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def pfmt(value: float, digits: int = 4) -> str:
    """:func:`fmt`, in parentheses when negative (for products such as 0.5 × (−0.2))."""
    text = fmt(value, digits)
    return f"({text})" if text.startswith("-") else text


def bmatrix(values, digits: int | None = None) -> str:
    """A vector (as a column) or a matrix as a LaTeX ``bmatrix``.

    Four significant digits, three for matrices wider than three columns so a
    5 × 5 layer's equation still fits the page.
    """
    array = np.asarray(values, dtype=float)
    if array.ndim <= 1:
        array = array.reshape(-1, 1)
    if digits is None:
        digits = 4 if array.shape[1] <= 3 else 3
    rows = [" & ".join(fmt(v, digits) for v in row) for row in array]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


# ---------------------------------------------------------------------------
# A chain of three single neurons

CHAIN_PARAMETERS = ("w1", "b1", "w2", "b2", "w3", "b3")
CHAIN_COST_LATEX = r"C_0 = (a^{(3)} - y)^2"


@dataclass(frozen=True)
class Factor:
    """One factor of a chain-rule product: its symbol and its number."""

    latex: str
    value: float


@dataclass(frozen=True)
class Chain:
    """A chain of single neurons: every z, a, the cost and each gradient's factors."""

    x: float
    y: float
    params: dict
    activation: str
    z: tuple  # z[1..3]; z[0] is None (the input)
    a: tuple  # a[0] = x
    sigma_prime: tuple  # σ'(z[1..3]); [0] is None
    cost: float
    gradients: dict  # name -> ∂C₀/∂name, from nnviz.network.backward
    factors: dict  # name -> tuple of Factor, whose product is the gradient


def chain_network(params: dict, activation: str = "sigmoid") -> Network:
    """The chain as a 1-1-1-1 :class:`Network`."""
    missing = [p for p in CHAIN_PARAMETERS if p not in params]
    if missing:
        raise ValueError(f"the chain needs all six parameters; missing {', '.join(missing)}")
    values = {p: float(params[p]) for p in CHAIN_PARAMETERS}
    bad = [p for p, v in values.items() if not math.isfinite(v)]
    if bad:
        raise ValueError(f"parameter(s) {', '.join(bad)} must be finite numbers")
    return Network(
        [[[values["w1"]]], [[values["w2"]]], [[values["w3"]]]],
        [[values["b1"]], [values["b2"]], [values["b3"]]],
        activation,
    )


def chain(x: float, y: float, params: dict, activation: str = "sigmoid") -> Chain:
    """Forward and backward through three single neurons with C₀ = (a³ − y)².

    The network's quadratic cost is C = ½(a − y)² for one example, so every
    gradient of C₀ is twice the one :func:`nnviz.network.backward` returns.
    """
    net = chain_network(params, activation)
    X, Y = np.array([[float(x)]]), np.array([[float(y)]])
    trace = forward(net, X)
    grads = backward(net, trace, Y, _losses.get("quadratic"))
    act = _activations.get(activation)
    z = (None,) + tuple(float(trace.z[l][0, 0]) for l in (1, 2, 3))
    a = tuple(float(trace.a[l][0, 0]) for l in (0, 1, 2, 3))
    sp = (None,) + tuple(float(act.derivative(z[l])) for l in (1, 2, 3))
    gradients = {}
    for i in range(3):
        gradients[f"w{i + 1}"] = 2.0 * float(grads.dW[i][0, 0])
        gradients[f"b{i + 1}"] = 2.0 * float(grads.db[i][0])
    w = {l: float(params[f"w{l}"]) for l in (1, 2, 3)}
    dC_da = Factor(r"\frac{\partial C_0}{\partial a^{(3)}} = 2(a^{(3)} - y)", 2.0 * (a[3] - float(y)))

    def tail(layer):
        # From neuron `layer` to the cost: σ'(z^layer), then ∂z^{l+1}/∂a^l = w^{l+1}, σ'(z^{l+1}), ...
        out = [Factor(rf"\frac{{\partial a^{{({layer})}}}}{{\partial z^{{({layer})}}}} = \sigma'(z^{{({layer})}})",
                      sp[layer])]
        for l in range(layer + 1, 4):
            out.append(Factor(rf"\frac{{\partial z^{{({l})}}}}{{\partial a^{{({l - 1})}}}} = w_{l}", w[l]))
            out.append(Factor(rf"\frac{{\partial a^{{({l})}}}}{{\partial z^{{({l})}}}} = \sigma'(z^{{({l})}})", sp[l]))
        return out + [dC_da]

    factors = {}
    for l in (1, 2, 3):
        factors[f"w{l}"] = tuple(
            [Factor(rf"\frac{{\partial z^{{({l})}}}}{{\partial w_{l}}} = a^{{({l - 1})}}", a[l - 1])] + tail(l))
        factors[f"b{l}"] = tuple([Factor(rf"\frac{{\partial z^{{({l})}}}}{{\partial b_{l}}} = 1", 1.0)] + tail(l))
    return Chain(float(x), float(y), {p: float(params[p]) for p in CHAIN_PARAMETERS}, activation,
                 z, a, sp, 2.0 * cost(net, X, Y, _losses.get("quadratic")), gradients, factors)


def chain_product_latex(ch: Chain, name: str) -> str:
    """∂C₀/∂name written as the chain-rule product, then with numbers, then the result."""
    symbol = name[0] + "_" + name[1]
    parts = ch.factors[name]
    symbols = r" \cdot ".join(p.latex.split(" = ")[0] for p in parts)
    numbers = r" \cdot ".join(f"({fmt(p.value)})" for p in parts)
    return (rf"\frac{{\partial C_0}}{{\partial {symbol}}} = {symbols} \\ = {numbers} = {fmt(ch.gradients[name])}")


def chain_table(ch: Chain) -> dict[str, list[float]]:
    """The chain's z, a = σ(z) and σ'(z), neuron by neuron: the columns of the page's table."""
    neurons = (1, 2, 3)
    return {"z": [ch.z[l] for l in neurons], "a = σ(z)": [ch.a[l] for l in neurons],
            "σ'(z)": [ch.sigma_prime[l] for l in neurons]}


def chain_cost_latex(ch: Chain) -> str:
    """C₀ = (a³ − y)² with the chain's numbers."""
    return rf"C_0 = (a^{{(3)}} - y)^2 = ({fmt(ch.a[3])} - {fmt(ch.y)})^2 = {fmt(ch.cost)}"


def chain_products_latex(ch: Chain) -> str:
    """Every gradient of the chain as its chain-rule product, from the last neuron back to the first."""
    return (r"\begin{gathered}" + r" \\[10pt] ".join(chain_product_latex(ch, name) for name in
                                                     ("w3", "b3", "w2", "b2", "w1", "b1")) + r"\end{gathered}")


@dataclass(frozen=True)
class Sensitivity:
    """Nudge one parameter by ε: the cost changes by about ε · ∂C/∂p."""

    name: str
    eps: float
    cost: float
    nudged_cost: float
    gradient: float

    @property
    def actual_change(self) -> float:
        return self.nudged_cost - self.cost

    @property
    def predicted_change(self) -> float:
        return self.eps * self.gradient


def sensitivity(x: float, y: float, params: dict, name: str, eps: float,
                activation: str = "sigmoid") -> Sensitivity:
    """ΔC₀ after ``name`` += ε, beside the first-order prediction ε · ∂C₀/∂name."""
    if name not in CHAIN_PARAMETERS:
        raise ValueError(f"unknown parameter {name!r}; choose one of: {', '.join(CHAIN_PARAMETERS)}")
    eps = float(eps)
    if not (math.isfinite(eps) and eps != 0):
        raise ValueError("the nudge ε must be a non-zero number")
    before = chain(x, y, params, activation)
    after = chain(x, y, {**params, name: float(params[name]) + eps}, activation)
    return Sensitivity(name, eps, before.cost, after.cost, before.gradients[name])


def sensitivity_latex(sens: Sensitivity) -> str:
    """The nudge's actual change of C₀ above its first-order prediction ε · ∂C₀/∂p, on two aligned lines.

    On one line the result ran past the edge of the page's column.
    """
    p = f"{sens.name[0]}_{sens.name[1]}"
    return (rf"\begin{{aligned}} C_0({p} + \varepsilon) - C_0({p}) &= {fmt(sens.nudged_cost, 6)} - "
            rf"{fmt(sens.cost, 6)} = {fmt(sens.actual_change, 6)} \\ &\approx "
            rf"\varepsilon \cdot \frac{{\partial C_0}}{{\partial {p}}} = "
            rf"{fmt(sens.eps)} \times {pfmt(sens.gradient, 6)} = {fmt(sens.predicted_change, 6)}"
            r" \end{aligned}")


def chain_cost_curve(x: float, y: float, params: dict, name: str, span: float = 2.0,
                     n: int = 41, activation: str = "sigmoid") -> tuple[np.ndarray, np.ndarray]:
    """C₀ as one parameter sweeps ``[p − span, p + span]``, the others held: (values, costs).

    The whole sweep runs as one vectorised forward pass (each layer's
    z = w a + b with the swept parameter as an array), the same arithmetic as
    :func:`nnviz.network.forward` for one neuron per layer; tests check the
    curve against the network's cost.
    """
    if name not in CHAIN_PARAMETERS:
        raise ValueError(f"unknown parameter {name!r}; choose one of: {', '.join(CHAIN_PARAMETERS)}")
    centre = float(params[name])
    values = np.linspace(centre - span, centre + span, n)
    fn = _activations.get(activation).fn
    a = np.full(n, float(x))
    for l in (1, 2, 3):
        w = values if name == f"w{l}" else float(params[f"w{l}"])
        b = values if name == f"b{l}" else float(params[f"b{l}"])
        a = fn(a * w + b)
    return values, (a - float(y)) ** 2


# ---------------------------------------------------------------------------
# The real network: its shape, its editable values, and checks on edits

MAX_HIDDEN_LAYERS = 4
MAX_NEURONS = 5
MAX_ABS = 1000.0
STAGES = ("forward", "output error", "backpropagate", "gradients", "update")

# Matt Mazur's "A Step by Step Backpropagation Example" (2-2-2, sigmoid): weights,
# biases (one per neuron here), input and target, the order of :func:`flatten`.
MAZUR_VALUES = (
    0.15, 0.20, 0.25, 0.30, 0.35, 0.35,
    0.40, 0.45, 0.50, 0.55, 0.60, 0.60,
    0.05, 0.10,
    0.01, 0.99,
)


def check_sizes(n_inputs, hidden, n_outputs) -> tuple[int, ...]:
    """The layer sizes, input first, after checking the lesson's limits."""
    try:
        hidden = [int(h) for h in hidden]
        n_inputs, n_outputs = int(n_inputs), int(n_outputs)
    except (TypeError, ValueError):
        raise ValueError("layer sizes must be whole numbers") from None
    if not 1 <= len(hidden) <= MAX_HIDDEN_LAYERS:
        raise ValueError(f"choose 1 to {MAX_HIDDEN_LAYERS} hidden layers (got {len(hidden)})")
    for name, n in [("the input layer", n_inputs), ("the output layer", n_outputs)] + [
            (f"hidden layer {i + 1}", h) for i, h in enumerate(hidden)]:
        if not 1 <= n <= MAX_NEURONS:
            what = "is empty" if n < 1 else f"has {n} neurons"
            raise ValueError(f"{name} {what}: give it 1 to {MAX_NEURONS} neurons")
    return (n_inputs, *hidden, n_outputs)


def n_values(sizes) -> int:
    """How many numbers describe the lesson's network: every W and b, then x, then y."""
    sizes = list(sizes)
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])) + sizes[0] + sizes[-1]


# The most numbers a network of the lesson holds, every layer at its largest (a link's list holds no more).
MAX_VALUES = n_values((MAX_NEURONS,) * (MAX_HIDDEN_LAYERS + 2))


def parse_number(value, where: str) -> float:
    """One cell of an editor as a float, or a ValueError that says which cell and why."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{where} is empty: type a number")
    try:
        number = float(value.strip().replace("−", "-")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where} = {value!r} is not a number") from None
    if math.isnan(number):
        raise ValueError(f"{where} is empty: type a number")
    if not math.isfinite(number) or abs(number) > MAX_ABS:
        raise ValueError(f"{where} = {value} is too large: keep every value between −{MAX_ABS:g} and {MAX_ABS:g}")
    return number


def value_names(sizes) -> list[str]:
    """A readable name for every entry of :func:`flatten`'s tuple, in the same order."""
    sizes = list(sizes)
    names = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        l = i + 2
        names += [f"w{l}[{j + 1},{k + 1}]" for j in range(n_out) for k in range(n_in)]
        names += [f"b{l}[{j + 1}]" for j in range(n_out)]
    names += [f"x[{k + 1}]" for k in range(sizes[0])]
    names += [f"y[{j + 1}]" for j in range(sizes[-1])]
    return names


def unflatten(sizes, values, activations) -> tuple[Network, np.ndarray, np.ndarray]:
    """The network, input x and target y described by a flat tuple of numbers."""
    sizes = list(sizes)
    names = value_names(sizes)
    if len(values) != len(names):
        raise ValueError(f"the network {'-'.join(map(str, sizes))} needs {len(names)} numbers, got {len(values)}")
    numbers = np.array([parse_number(v, n) for v, n in zip(values, names)])
    weights, biases, at = [], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(numbers[at:at + n_in * n_out].reshape(n_out, n_in))
        at += n_in * n_out
        biases.append(numbers[at:at + n_out])
        at += n_out
    x = numbers[at:at + sizes[0]]
    y = numbers[at + sizes[0]:]
    return Network(weights, biases, activations), x, y


def flatten(net: Network, x, y) -> tuple[float, ...]:
    """Every W (row by row) and b of every layer, then x, then y: one tuple of floats."""
    parts = []
    for w, b in zip(net.weights, net.biases):
        parts += [w.ravel(), b.ravel()]
    parts += [np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()]
    return tuple(float(v) for v in np.concatenate(parts))


def lesson_values(sizes, activations, seed: int) -> tuple[float, ...]:
    """A seeded network with round numbers (two decimals), easy to follow by hand.

    Weights are Glorot-uniform as :meth:`Network.random` draws them, biases in
    [−0.5, 0.5], inputs in [−1, 1], targets 0 or 1 (the first output's is 1).
    """
    rng = np.random.default_rng(seed)
    net = Network.random(sizes, activations, seed=rng)
    weights = [np.round(w, 2) for w in net.weights]
    biases = [np.round(rng.uniform(-0.5, 0.5, b.shape), 2) for b in net.biases]
    x = np.round(rng.uniform(-1, 1, sizes[0]), 2)
    y = rng.integers(0, 2, sizes[-1]).astype(float)
    y[0] = 1.0
    return flatten(Network(weights, biases, net.activations), x, y)


@dataclass(frozen=True)
class NetworkNumbers:
    """The network the page's settings describe: its layer sizes, activations and numbers (see :func:`flatten`)."""

    sizes: tuple
    activations: tuple
    values: tuple
    note: str | None = None  # why the numbers were drawn afresh from the seed, when stored ones did not fit

    def walkthrough(self, loss: str, lr: float) -> Walkthrough:
        """One pass of backpropagation through this network on its example (see :func:`walk`)."""
        net, x, y = unflatten(self.sizes, self.values, self.activations)
        return walk(net, x, y, loss, lr)


def network_numbers(n_inputs, hidden, n_outputs, hidden_activations, output_activation, values,
                    seed: int) -> NetworkNumbers:
    """The network of the settings; numbers that do not fit its shape (or none) are drawn from ``seed``.

    ``ValueError`` (in words) when the sizes do not make a network of the lesson.
    """
    sizes = check_sizes(n_inputs, hidden, n_outputs)
    acts = tuple(hidden_activations[:len(sizes) - 2]) + (output_activation,)
    values, note = tuple(values), None
    if len(values) != n_values(sizes):
        if values:
            note = (f"The stored numbers do not fit a {'-'.join(map(str, sizes))} network; "
                    f"drawn afresh from seed {seed}.")
        values = lesson_values(sizes, acts, seed)
    return NetworkNumbers(sizes, acts, values, note)


@dataclass(frozen=True)
class Table:
    """One editable table of the network's numbers: a layer's [W | b], the input x or the target y."""

    name: str  # the layer's number ("2", "3", ...), "x" or "y"
    caption: str | None
    columns: tuple  # column names
    index: str  # the rows' name; rows are numbered from 1
    cells: tuple  # rows of numbers


def editor_tables(sizes, values) -> tuple[Table, ...]:
    """The tables a student edits the numbers in: row j of layer l's holds wˡⱼₖ for every k, then bˡⱼ."""
    sizes, values = list(sizes), list(values)
    if len(values) != n_values(sizes):
        raise ValueError(f"the network {'-'.join(map(str, sizes))} needs {n_values(sizes)} numbers, got {len(values)}")
    tables, at = [], 0
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=2):
        weights, biases = values[at:at + n_in * n_out], values[at + n_in * n_out:at + (n_in + 1) * n_out]
        rows = tuple(tuple(weights[j * n_in:(j + 1) * n_in]) + (biases[j],) for j in range(n_out))
        tables.append(Table(str(l), f"layer {l}: W{l} ({n_out} × {n_in}) and b{l}",
                            tuple(f"k={k + 1}" for k in range(n_in)) + ("b",), "j", rows))
        at += (n_in + 1) * n_out
    tables.append(Table("x", "input x and target y", ("x",), "k", tuple((v,) for v in values[at:at + sizes[0]])))
    tables.append(Table("y", None, ("y",), "j", tuple((v,) for v in values[at + sizes[0]:])))
    return tuple(tables)


def from_tables(sizes, cells) -> list:
    """The numbers in :func:`flatten`'s order read back from the tables' cells (``cells[name]``: rows).

    Cells are passed on as they are (a cleared one is None or NaN): :func:`unflatten` names any that
    is no number.
    """
    sizes = list(sizes)
    values = []
    for l, n_in in enumerate(sizes[:-1], start=2):
        rows = [list(row) for row in cells[str(l)]]
        values += [cell for row in rows for cell in row[:n_in]] + [row[n_in] for row in rows]
    return values + [row[0] for row in cells["x"]] + [row[0] for row in cells["y"]]


# ---------------------------------------------------------------------------
# One pass of backpropagation, kept for the step-through


@dataclass(frozen=True)
class Walkthrough:
    """Everything the five steps show, all from :mod:`nnviz.network`."""

    net: Network
    x: np.ndarray
    y: np.ndarray
    loss: str
    lr: float
    trace: Trace
    grads: Gradients
    cost: float
    grad_a: np.ndarray  # ∇ₐC, the cost's gradient at the output
    sigma_prime: tuple  # σ'(zˡ) per layer after the input
    updated: Network
    updated_cost: float

    @property
    def n_layers(self) -> int:
        """L, the number of the output layer (the input is layer 1)."""
        return len(self.net.weights) + 1

    def z(self, l: int) -> np.ndarray:
        return self.trace.z[l - 1][0]

    def a(self, l: int) -> np.ndarray:
        return self.trace.a[l - 1][0]

    def delta(self, l: int) -> np.ndarray:
        return self.grads.delta[l - 2][0]

    def W(self, l: int) -> np.ndarray:
        return self.net.weights[l - 2]

    def dW(self, l: int) -> np.ndarray:
        return self.grads.dW[l - 2]

    def db(self, l: int) -> np.ndarray:
        return self.grads.db[l - 2]

    def sp(self, l: int) -> np.ndarray:
        return self.sigma_prime[l - 2]


def walk(net: Network, x, y, loss: str, lr: float) -> Walkthrough:
    """Forward, backward and one gradient-descent step for one example (x, y)."""
    loss_fn = _losses.get(loss)
    lr = float(lr)
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError("the learning rate η must be a positive number")
    X = np.asarray(x, dtype=float).reshape(1, -1)
    Y = np.asarray(y, dtype=float).reshape(1, -1)
    if Y.shape[1] != net.sizes[-1]:
        raise ValueError(f"the target y has {Y.shape[1]} entries but the output layer has {net.sizes[-1]} neurons")
    trace = forward(net, X)
    grads = backward(net, trace, Y, loss_fn)
    sigma_prime = tuple(_activations.get(name).derivative(z)[0]
                        for name, z in zip(net.activations, trace.z[1:]))
    updated = sgd_step(net, grads, lr)
    return Walkthrough(net, X[0], Y[0], loss, lr, trace, grads, loss_fn.value(Y, trace.a[-1]),
                       loss_fn.gradient(Y, trace.a[-1])[0], sigma_prime, updated, cost(updated, X, Y, loss_fn))


# ---------------------------------------------------------------------------
# The four equations with the current numbers substituted

BP1 = r"\delta^L = \nabla_a C \odot \sigma'(z^L)"
BP2 = r"\delta^l = \left((W^{l+1})^T \delta^{l+1}\right) \odot \sigma'(z^l)"
BP3 = r"\frac{\partial C}{\partial b^l_j} = \delta^l_j"
BP4 = r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j"


def forward_latex(w: Walkthrough, l: int) -> str:
    """zˡ = Wˡaˡ⁻¹ + bˡ and aˡ = σ(zˡ) with the numbers of layer l."""
    name = _activations.get(w.net.activations[l - 2]).label
    return (rf"z^{{{l}}} = W^{{{l}}} a^{{{l - 1}}} + b^{{{l}}} = {bmatrix(w.W(l))} {bmatrix(w.a(l - 1))}"
            rf" + {bmatrix(w.net.biases[l - 2])} = {bmatrix(w.z(l))} \\ "
            rf"a^{{{l}}} = \text{{{name}}}(z^{{{l}}}) = {bmatrix(w.a(l))}")


def hadamard_latex(left, right, result) -> str:
    """u ⊙ v = w, written as vectors and then element by element."""
    pairs = [rf"{pfmt(u)} \times {pfmt(v)}" for u, v in zip(np.ravel(left), np.ravel(right))]
    elementwise = r"\begin{bmatrix}" + r" \\ ".join(pairs) + r"\end{bmatrix}"
    return rf"{bmatrix(left)} \odot {bmatrix(right)} = {elementwise} = {bmatrix(result)}"


def bp1_latex(w: Walkthrough) -> str:
    """BP1 for the output layer with ∇ₐC, σ'(zᴸ) and their Hadamard product."""
    L = w.n_layers
    return rf"\delta^{{{L}}} = \nabla_a C \odot \sigma'(z^{{{L}}}) = " + hadamard_latex(
        w.grad_a, w.sp(L), w.delta(L))


def bp2_latex(w: Walkthrough, l: int) -> str:
    """BP2 for hidden layer l: (Wˡ⁺¹)ᵀδˡ⁺¹, then ⊙ σ'(zˡ)."""
    back = w.W(l + 1).T @ w.delta(l + 1)
    return (rf"\delta^{{{l}}} = \left((W^{{{l + 1}}})^T \delta^{{{l + 1}}}\right) \odot \sigma'(z^{{{l}}}) = "
            rf"\left({bmatrix(w.W(l + 1).T)} {bmatrix(w.delta(l + 1))}\right) \odot {bmatrix(w.sp(l))} \\ = "
            + hadamard_latex(back, w.sp(l), w.delta(l)))


def bp3_latex(w: Walkthrough, l: int) -> str:
    """BP3: the bias gradients of layer l are its δ."""
    return rf"\frac{{\partial C}}{{\partial b^{{{l}}}}} = \delta^{{{l}}} = {bmatrix(w.db(l))}"


def bp4_latex(w: Walkthrough, l: int) -> str:
    """BP4: ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ, an outer product, element by element a_k δ_j."""
    a_prev, delta = w.a(l - 1), w.delta(l)
    cells = r" \\ ".join(" & ".join(rf"{pfmt(a_prev[k])} \cdot {pfmt(delta[j])}" for k in range(len(a_prev)))
                         for j in range(len(delta)))
    return (rf"\frac{{\partial C}}{{\partial W^{{{l}}}}} = \delta^{{{l}}} (a^{{{l - 1}}})^T = "
            rf"{bmatrix(delta)} {bmatrix(a_prev.reshape(1, -1))} \\ = "
            r"\begin{bmatrix}" + cells + r"\end{bmatrix}" + f" = {bmatrix(w.dW(l))}")


def update_latex(w: Walkthrough, l: int) -> tuple[str, str]:
    """Wˡ ← Wˡ − η ∂C/∂Wˡ and bˡ ← bˡ − η ∂C/∂bˡ with the numbers (two lines)."""
    i = l - 2
    return (rf"W^{{{l}}} \leftarrow W^{{{l}}} - \eta \frac{{\partial C}}{{\partial W^{{{l}}}}} \\ = "
            rf"{bmatrix(w.W(l))} - {fmt(w.lr)} {bmatrix(w.dW(l))} \\ = {bmatrix(w.updated.weights[i])}",
            rf"b^{{{l}}} \leftarrow b^{{{l}}} - \eta \frac{{\partial C}}{{\partial b^{{{l}}}}} = "
            rf"{bmatrix(w.net.biases[i])} - {fmt(w.lr)} {bmatrix(w.db(l))} = {bmatrix(w.updated.biases[i])}")


def cross_entropy_shortcut(w: Walkthrough) -> str | None:
    """Why δᴸ = aᴸ − y for a sigmoid output with cross-entropy, with the numbers; None otherwise.

    ∂C/∂a = (a − y) / (a(1 − a)) and σ'(z) = a(1 − a): the product cancels to a − y,
    so the slow-learning factor σ'(z) disappears from the output error.
    """
    if w.loss != "binary_crossentropy" or w.net.activations[-1] != "sigmoid":
        return None
    L = w.n_layers
    a, y = w.a(L), w.y
    return (rf"\delta^{{{L}}}_j = \frac{{a_j - y_j}}{{a_j(1 - a_j)}} \cdot a_j(1 - a_j) = a_j - y_j: \quad "
            rf"{bmatrix(a)} - {bmatrix(y)} = {bmatrix(a - y)} \;\text{{ and BP1 gave }}\; {bmatrix(w.delta(L))}")


STAGE_TITLES = {  # short enough for a phone's width: each step's equations stand beside the drawing
    "forward": "Step 1 · forward: z = Wa + b, a = σ(z)",
    "output error": "Step 2 · output error δᴸ",
    "backpropagate": "Step 3 · backpropagate δˡ",
    "gradients": "Step 4 · gradients (edge width |∂C/∂w|)",
    "update": "Step 5 · update (edges: the new weights)",
}


def next_stage(stage: str) -> str:
    """The step after ``stage``; after the update, forward again."""
    return STAGES[(STAGES.index(stage) + 1) % len(STAGES)]


def stage_latex(w: Walkthrough, stage: str) -> tuple[str, ...]:
    """The equations of one step with this pass's numbers, in the order the page shows them."""
    L = w.n_layers
    if stage == "forward":
        loss = _losses.get(w.loss)
        return tuple(forward_latex(w, l) for l in range(2, L + 1)) + (loss.latex + rf" = {fmt(w.cost, 6)}",)
    if stage == "output error":
        return _losses.get(w.loss).gradient_latex, bp1_latex(w)
    if stage == "backpropagate":
        return tuple(bp2_latex(w, l) for l in range(L - 1, 1, -1))
    if stage == "gradients":
        return tuple(line for l in range(L, 1, -1) for line in (bp3_latex(w, l), bp4_latex(w, l)))
    if stage == "update":
        return (tuple(line for l in range(2, L + 1) for line in update_latex(w, l))
                + (rf"C: {fmt(w.cost, 6)} \;\rightarrow\; {fmt(w.updated_cost, 6)}",))
    raise ValueError(f"unknown step {stage!r}; choose one of: {', '.join(STAGES)}")


# ---------------------------------------------------------------------------
# Gradient check and training


@dataclass(frozen=True)
class CheckRow:
    """One parameter of the gradient check."""

    name: str
    analytic: float
    numeric: float
    relative_error: float


def gradient_check(net: Network, x, y, loss: str, eps: float = 1e-6) -> list[CheckRow]:
    """Every parameter's backpropagated gradient beside its central-difference estimate."""
    X = np.asarray(x, dtype=float).reshape(1, -1)
    Y = np.asarray(y, dtype=float).reshape(1, -1)
    loss_fn = _losses.get(loss)
    grads = backward(net, forward(net, X), Y, loss_fn)
    numeric = numerical_gradients(net, X, Y, loss_fn, eps)
    names = value_names(net.sizes)
    rows, at = [], 0
    for g, h, gb, hb in zip(grads.dW, numeric.dW, grads.db, numeric.db):
        for analytic, estimate in zip(list(g.ravel()) + list(gb.ravel()), list(h.ravel()) + list(hb.ravel())):
            rows.append(CheckRow(names[at], float(analytic), float(estimate),
                                 float(relative_error(analytic, estimate))))
            at += 1
    return rows


@dataclass(frozen=True)
class TrainingRun:
    """N steps of gradient descent on one example: the cost and every parameter per step."""

    costs: np.ndarray  # (steps + 1,), costs[0] before any step
    path: np.ndarray  # (steps + 1, n_parameters)
    names: list
    diverged_at: int | None  # the first step whose cost is not finite or a parameter passes DIVERGED


DIVERGED = 1e6  # a parameter this large (a thousand times the editors' limit) has run away


def train(net: Network, x, y, loss: str, lr: float, steps: int) -> TrainingRun:
    """Repeat the update ``steps`` times; stop (and say where) if the numbers blow up.

    A run has diverged at step k when its cost is not finite or a parameter's
    size passes :data:`DIVERGED`; the paths then end at step k − 1.
    """
    steps = int(steps)
    if not 1 <= steps <= 10_000:
        raise ValueError("train for 1 to 10,000 steps")
    lr = float(lr)
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError("the learning rate η must be a positive number")
    loss_fn = _losses.get(loss)
    X = np.asarray(x, dtype=float).reshape(1, -1)
    Y = np.asarray(y, dtype=float).reshape(1, -1)
    n_params = n_values(net.sizes) - net.sizes[0] - net.sizes[-1]
    costs, path = [], []
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            # One forward pass per step serves both the cost of this step and the next update.
            trace = forward(net, X)
            c = loss_fn.value(Y, trace.a[-1])
            params = np.array(flatten(net, [], []))
            if not (math.isfinite(c) and np.all(np.isfinite(params)) and np.max(np.abs(params)) <= DIVERGED):
                diverged_at = step
                break
            costs.append(c)
            path.append(params)
            if step < steps:
                net = sgd_step(net, backward(net, trace, Y, loss_fn), lr)
    return TrainingRun(np.array(costs), np.array(path), value_names(net.sizes)[:n_params], diverged_at)


# ---------------------------------------------------------------------------
# Check yourself

TOLERANCE = 1e-3
EXERCISE_KINDS = ("output delta", "hidden delta", "weight gradient")
ANSWER_CHARS = 40  # a typed answer longer than this is not a number a student computed by hand


@dataclass(frozen=True)
class Slip:
    """A likely slip in an exercise: the number it gives and the hint that names the wrong factor."""

    value: float
    hint: str  # markdown with LaTeX


@dataclass(frozen=True)
class Exercise:
    """A quantity to compute by hand, its answer, the worked solution and the slips a hint can recognise."""

    kind: str
    symbol: str  # LaTeX of the quantity asked for
    prompt: str  # markdown with LaTeX
    answer: float
    solution: tuple  # LaTeX lines
    slips: tuple = ()  # Slip, most telling first: a chain-rule product with one factor left out or wrong
    method: str = ""  # markdown with LaTeX: the factors to multiply, for a wrong number no slip explains


def _missing(value: float, kept: str, left_out: str) -> Slip:
    return Slip(float(value), f"Your number is ${kept}$ alone: the factor ${left_out}$ is missing.")


def _sigma_for_derivative(value: float, l: int, j: int) -> Slip:
    return Slip(float(value), rf"Your number uses $a^{{{l}}}_{{{j}}} = \sigma(z^{{{l}}}_{{{j}}})$ where the "
                              rf"derivative $\sigma'(z^{{{l}}}_{{{j}}})$ belongs.")


def _output_delta_slips(w: Walkthrough, j: int) -> tuple[tuple, str]:
    """δᴸⱼ = ∂C/∂aᴸⱼ · σ'(zᴸⱼ): each factor alone, a = σ(z) for σ'(z), the sign of ∂C/∂a, a stray 2."""
    L, n = w.n_layers, j + 1
    grad_a, sp, a = float(w.grad_a[j]), float(w.sp(L)[j]), float(w.a(L)[j])
    dC_da, sigma_p = rf"\partial C / \partial a^{{{L}}}_{{{n}}}", rf"\sigma'(z^{{{L}}}_{{{n}}})"
    slips = [_missing(grad_a, dC_da, sigma_p), _missing(sp, sigma_p, dC_da), _sigma_for_derivative(grad_a * a, L, n),
             Slip(-grad_a * sp, f"Your number has the wrong sign: check ${dC_da}$"
                  + (r" (for this cost it is $a - y$, not $y - a$)." if w.loss == "quadratic" else "."))]
    if w.loss == "quadratic":
        slips.append(Slip(2 * grad_a * sp, r"Your number is twice the answer: this cost is $\frac{1}{2}(a - y)^2$, "
                                           rf"so ${dC_da} = a - y$, with no factor 2."))
    return tuple(slips), f"The answer is ${dC_da}$ times ${sigma_p}$: compute each factor, then multiply."


def _hidden_delta_slips(w: Walkthrough, l: int, j: int) -> tuple[tuple, str]:
    """δˡⱼ = (Σₖ wˡ⁺¹ₖⱼ δˡ⁺¹ₖ) σ'(zˡⱼ): each factor alone, a = σ(z) for σ'(z), a row of W for its column."""
    n = j + 1
    back = float(w.W(l + 1)[:, j] @ w.delta(l + 1))
    sp, a = float(w.sp(l)[j]), float(w.a(l)[j])
    total = rf"\sum_k w^{{{l + 1}}}_{{k{n}}} \delta^{{{l + 1}}}_k"
    sigma_p = rf"\sigma'(z^{{{l}}}_{{{n}}})"
    slips = [_missing(back, total, sigma_p), _missing(sp, sigma_p, total), _sigma_for_derivative(back * a, l, n)]
    W = w.W(l + 1)
    if W.shape[0] == W.shape[1]:  # only a square W has a row j that can be mistaken for its column j
        slips.append(Slip(float(W[j, :] @ w.delta(l + 1)) * sp,
                          rf"Your number uses row {n} of $W^{{{l + 1}}}$: the error flows back through "
                          rf"column {n}, the weights $w^{{{l + 1}}}_{{k{n}}}$ leaving neuron {n} "
                          rf"(that is what $(W^{{{l + 1}}})^T$ does)."))
    return tuple(slips), f"The answer is ${total}$ times ${sigma_p}$: compute each factor, then multiply."


def _weight_gradient_slips(w: Walkthrough, l: int, j: int, k: int) -> tuple[tuple, str]:
    """∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ: each factor alone."""
    a, delta = rf"a^{{{l - 1}}}_{{{k + 1}}}", rf"\delta^{{{l}}}_{{{j + 1}}}"
    slips = (_missing(w.delta(l)[j], delta, a), _missing(w.a(l - 1)[k], a, delta))
    return slips, (f"The answer is ${a}$, the activation feeding the weight, times ${delta}$, the error of the "
                   "neuron it feeds.")


def make_exercise(w: Walkthrough, seed: int) -> Exercise:
    """Pick an output δ, a hidden δ or one ∂C/∂w of the current network (seeded)."""
    rng = np.random.default_rng(seed)
    L = w.n_layers
    kind = EXERCISE_KINDS[int(rng.integers(len(EXERCISE_KINDS)))]
    if kind == "output delta":
        j = int(rng.integers(w.net.sizes[-1]))
        symbol = rf"\delta^{{{L}}}_{{{j + 1}}}"
        answer = float(w.delta(L)[j])
        solution = (
            rf"{symbol} = \frac{{\partial C}}{{\partial a^{{{L}}}_{{{j + 1}}}}} \, \sigma'(z^{{{L}}}_{{{j + 1}}})",
            rf"= {pfmt(w.grad_a[j], 6)} \times {pfmt(w.sp(L)[j], 6)} = {fmt(answer, 6)}",
        )
        given = rf"a^{{{L}}}_{{{j + 1}}} = {fmt(w.a(L)[j], 6)}, \; z^{{{L}}}_{{{j + 1}}} = {fmt(w.z(L)[j], 6)}, \; y_{{{j + 1}}} = {fmt(w.y[j], 6)}"
        slips, method = _output_delta_slips(w, j)
    elif kind == "hidden delta":
        l = int(rng.integers(2, L))
        j = int(rng.integers(w.net.sizes[l - 1]))
        symbol = rf"\delta^{{{l}}}_{{{j + 1}}}"
        answer = float(w.delta(l)[j])
        column, after = w.W(l + 1)[:, j], w.delta(l + 1)
        terms = " + ".join(rf"({fmt(c, 6)})({fmt(d, 6)})" for c, d in zip(column, after))
        solution = (
            rf"{symbol} = \Big(\sum_k w^{{{l + 1}}}_{{k{j + 1}}} \delta^{{{l + 1}}}_k\Big) \sigma'(z^{{{l}}}_{{{j + 1}}})",
            rf"= \big({terms}\big) \times {pfmt(w.sp(l)[j], 6)}",
            rf"= {pfmt(float(column @ after), 6)} \times {pfmt(w.sp(l)[j], 6)} = {fmt(answer, 6)}",
        )
        given = (rf"\delta^{{{l + 1}}} = {bmatrix(after, 6)}, \; z^{{{l}}}_{{{j + 1}}} = {fmt(w.z(l)[j], 6)}")
        slips, method = _hidden_delta_slips(w, l, j)
    else:
        l = int(rng.integers(2, L + 1))
        j = int(rng.integers(w.net.sizes[l - 1]))
        k = int(rng.integers(w.net.sizes[l - 2]))
        symbol = rf"\frac{{\partial C}}{{\partial w^{{{l}}}_{{{j + 1}{k + 1}}}}}"
        answer = float(w.dW(l)[j, k])
        solution = (
            rf"{symbol} = a^{{{l - 1}}}_{{{k + 1}}} \, \delta^{{{l}}}_{{{j + 1}}}",
            rf"= {pfmt(w.a(l - 1)[k], 6)} \times {pfmt(w.delta(l)[j], 6)} = {fmt(answer, 6)}",
        )
        given = rf"a^{{{l - 1}}}_{{{k + 1}}} = {fmt(w.a(l - 1)[k], 6)}, \; \delta^{{{l}}}_{{{j + 1}}} = {fmt(w.delta(l)[j], 6)}"
        slips, method = _weight_gradient_slips(w, l, j, k)
    prompt = f"Compute ${symbol}$ for the network above (the {kind.replace('delta', 'error δ')}), given ${given}$."
    return Exercise(kind, symbol, prompt, answer, solution, slips, method)


def next_exercise_seed(w: Walkthrough, seed: int, tries: int = 50) -> int:
    """The first seed after ``seed`` whose exercise asks something else (two seeds can pick the same one)."""
    current = make_exercise(w, seed).prompt
    for candidate in range(seed + 1, seed + 1 + tries):
        if make_exercise(w, candidate).prompt != current:
            return candidate
    return seed + 1


def parse_answer(typed: str) -> float:
    """A typed answer as a float; ``ValueError`` saying, without echoing the text, why it is not a number."""
    text = typed.strip().replace("−", "-")
    if len(text) > ANSWER_CHARS:
        raise ValueError(f"That is too long for a number: an answer has at most {ANSWER_CHARS} characters")
    if "," in text and "." not in text:
        raise ValueError("That is not a number: write decimals with a point, as in 0.0123")
    try:
        if "_" in text:  # Python's float() reads "1_0" as 10; a student did not mean that
            raise ValueError
        value = float(text)
    except ValueError:
        raise ValueError("That is not a number: type a decimal such as 0.0123 or -1.5e-3") from None
    if not math.isfinite(value):
        raise ValueError("That is not a number: type a finite decimal such as 0.0123")
    return value


@dataclass(frozen=True)
class Verdict:
    """The page's answer to a typed answer: right or not, and for a wrong number a hint."""

    correct: bool
    message: str  # markdown; never contains the typed text (the page shows that itself, literally)
    counts: bool = True  # a number was typed, so it is a try; text that is no number is not
    hint: str | None = None  # markdown with LaTeX, for a wrong number


def hint_for(exercise: Exercise, value: float) -> str:
    """What a wrong ``value`` most likely got wrong: the first slip it matches, else the exercise's method.

    A slip that lands within the tolerance of the answer itself (a factor equal to 1, say) says nothing
    and is skipped.
    """
    for slip in exercise.slips:
        if abs(slip.value - exercise.answer) > TOLERANCE and abs(value - slip.value) <= TOLERANCE:
            return slip.hint
    return exercise.method


def check_answer(exercise: Exercise, typed: str) -> Verdict:
    """Right if the typed number is within 1e-3 of the answer; a wrong number gets a hint, not the answer."""
    try:
        value = parse_answer(typed)
    except ValueError as err:
        return Verdict(False, str(err), counts=False)
    off = abs(value - exercise.answer)
    if off <= TOLERANCE:
        return Verdict(True, f"Right: {exercise.answer:.6g} (you are off by {off:.2g}, within {TOLERANCE:g}).")
    return Verdict(False, f"Not quite: that is not ${exercise.symbol}$ to within {TOLERANCE:g}.",
                   hint=hint_for(exercise, value))


def tries_text(n: int) -> str:
    """How many wrong tries, in words."""
    return "1 wrong try" if n == 1 else f"{n} wrong tries"


@dataclass(frozen=True)
class Attempt:
    """What the page remembers of a student's answers to one exercise."""

    exercise: tuple  # (seed, prompt): which exercise
    tries: int = 0  # wrong numbers typed
    last: str = ""  # the last number judged (a rerun with the same text is not another try)
    solution: bool = False  # the worked solution was asked for


def attempt_at(kept: Attempt | None, seed: int, exercise: Exercise) -> Attempt:
    """The attempt kept if it is at this exercise; a new exercise starts afresh."""
    if kept is None or kept.exercise != (seed, exercise.prompt):
        return Attempt((seed, exercise.prompt))
    return kept


@dataclass(frozen=True)
class Feedback:
    """What the page says about a typed answer: how (``success``, ``error`` or ``warning``) and in which words."""

    kind: str
    message: str  # markdown; the typed text only as the caller showed it (literally)


@dataclass(frozen=True)
class Judgement:
    """A typed answer judged: the attempt after it, the verdict (None when nothing is typed), whether solved."""

    attempt: Attempt
    verdict: Verdict | None

    @property
    def solved(self) -> bool:
        return self.verdict is not None and self.verdict.correct

    @property
    def shows_solution(self) -> bool:
        """The worked solution shows once the answer is right or the student asked for it."""
        return self.solved or self.attempt.solution

    def feedback(self, typed_shown: str) -> Feedback | None:
        """The message under the answer; ``typed_shown`` is the typed text as the page shows it (literally)."""
        verdict = self.verdict
        if verdict is None:
            return None
        if not verdict.counts:
            return Feedback("warning", f"You typed {typed_shown}. {verdict.message}. It does not count as a try.")
        if verdict.correct:
            return Feedback("success", verdict.message)
        return Feedback("error", f"{verdict.message} You typed {typed_shown}; try again "
                                 f"({tries_text(self.attempt.tries)} so far).\n\n**Hint:** {verdict.hint}")


def judge(attempt: Attempt, exercise: Exercise, typed: str) -> Judgement:
    """Judge what is typed: a number not judged before counts, a wrong one as one more try; no number, no try."""
    verdict = check_answer(exercise, typed) if typed.strip() else None
    if verdict is not None and verdict.counts and typed != attempt.last:
        attempt = replace(attempt, last=typed, tries=attempt.tries + (0 if verdict.correct else 1))
    return Judgement(attempt, verdict)

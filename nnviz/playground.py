"""The network playground's trainer: a small network learning 2-D data, fast enough to watch live.

TensorFlow Playground's engine with what its users asked for: feature
transforms of the two inputs, mini-batch training with L1/L2 regularisation,
dropout and any optimizer of :mod:`nnviz.optimizers`; for two classes the
original's quadratic cost on a tanh output (targets −1 and +1) or
cross-entropy on a sigmoid output, softmax with cross-entropy for three to
five classes, the quadratic cost for regression; stop conditions, divergence
detection, and one vectorised pass over a 100 × 100 grid that yields the
output and every neuron's heatmap at once.

The trainer keeps all parameters in one flat vector (the weight matrices and
bias vectors are views into it), so an optimizer step is a handful of NumPy
operations however many layers the network has: with batches of 10, an epoch
is dozens of tiny steps and per-step overhead is what limits speed.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from dataclasses import dataclass, field, fields, replace

import numpy as np

from nnviz import activations as _activations
from nnviz import datasets, encoding, fastnet, losses, metrics
from nnviz import optimizers as _optimizers
from nnviz.network import Network

EXTENT = datasets.EXTENT
GRID_RESOLUTION = 100
MAX_UPLOAD_ROWS = 2000
# A parameter this large means the run has left the region where the pictures mean anything.
DIVERGENCE_LIMIT = 1e6
# An uploaded value this large needs weights beyond what the trainer calls blown up: refused at upload, naming
# its column, instead of a run that "diverges" and blames the learning rate.
UPLOAD_LIMIT = DIVERGENCE_LIMIT
# The first weights, as TensorFlow Playground draws them: uniform in [−INIT_WEIGHT, INIT_WEIGHT], biases INIT_BIAS.
INIT_WEIGHT = 0.5
INIT_BIAS = 0.1

# name -> (label shown on the page, the transform of the (n, 2) input)
FEATURES = {
    "x1": ("X₁", lambda X: X[:, 0]),
    "x2": ("X₂", lambda X: X[:, 1]),
    "x1_squared": ("X₁²", lambda X: X[:, 0] ** 2),
    "x2_squared": ("X₂²", lambda X: X[:, 1] ** 2),
    "x1_x2": ("X₁X₂", lambda X: X[:, 0] * X[:, 1]),
    "sin_x1": ("sin(X₁)", lambda X: np.sin(X[:, 0])),
    "sin_x2": ("sin(X₂)", lambda X: np.sin(X[:, 1])),
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATIONS = ("none", "L1", "L2")
# The cost for two classes: TensorFlow Playground's, or the cross-entropy its users asked for.
COSTS = ("quadratic", "cross_entropy")
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 8


def feature_matrix(X, names) -> np.ndarray:
    """The chosen feature transforms of the points X (n, 2), one column per feature."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {X.shape}")
    if not names:
        raise ValueError("choose at least one input feature")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from: {', '.join(FEATURES)}")
    return np.column_stack([FEATURES[n][1](X) for n in names])


# The Config fields a run takes midway (Trainer.set_hyper): it goes on from its weights and optimizer memory.
# A change of any other field needs a new run (Config.needs_new_run).
MIDWAY = ("learning_rate", "regularization", "regularization_rate", "batch_size", "dropout", "stop_epoch", "patience")


@dataclass(frozen=True)
class Config:
    """Everything that defines a run: the network, the training and the stop rules."""

    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] | str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    batch_size: int = 10
    cost: str = "quadratic"  # two classes only: see COSTS and output_kind
    optimizer: str = "sgd"
    optimizer_options: tuple = ()  # (name, value) pairs: momentum, rho, beta_1, beta_2 as the optimizer takes
    dropout: float = 0.0
    stop_epoch: int = 0  # 0 = never
    patience: int = 0  # 0 = never
    seed: int = 0

    @classmethod
    def from_settings(cls, values) -> Config:
        """The run a page's settings describe (``values``: any object with the attributes named below).

        The features are the names among FEATURE_NAMES whose setting is on; ``layer_activations`` (one per
        hidden layer, or none) is fitted to the number of layers, ``activation`` filling the missing ones;
        the optimizer takes those of momentum, rho, beta_1 and beta_2 it uses.
        """
        hidden = tuple(int(n) for n in values.hidden)
        layer_acts = tuple(values.layer_activations)
        if layer_acts:
            layer_acts = (layer_acts + (values.activation,) * len(hidden))[:len(hidden)]
        options = optimizer_options(values.optimizer, **{name: getattr(values, name)
                                                          for name in ("momentum", "rho", "beta_1", "beta_2")})
        return cls(features=tuple(name for name in FEATURE_NAMES if getattr(values, name)), hidden=hidden,
                   activations=layer_acts or values.activation, optimizer=values.optimizer,
                   optimizer_options=options, cost=values.cost, seed=int(values.seed),
                   **{name: getattr(values, name) for name in MIDWAY})

    def midway(self) -> dict:
        """The fields a run takes midway, for :meth:`Trainer.set_hyper`."""
        return {name: getattr(self, name) for name in MIDWAY}

    def _run_key(self) -> tuple:
        """The fields that need a new run when they change (activations as one per layer: "tanh" for two
        layers is ("tanh", "tanh"))."""
        return tuple(tuple(self.hidden_activations()) if name == "activations" else getattr(self, name)
                     for name in (f.name for f in fields(self)) if name not in MIDWAY)

    @staticmethod
    def needs_new_run(old: Config | None, new: Config) -> bool:
        """Whether going from ``old`` to ``new`` needs a new run (a new network, optimizer or seed), rather
        than :meth:`Trainer.set_hyper` on the current one; ``old`` None (no run yet) needs one."""
        if old is None:
            return True
        try:
            return old._run_key() != new._run_key()
        except ValueError:  # activations that do not fit the layers: not a run to go on with
            return True

    def hidden_activations(self) -> tuple[str, ...]:
        if isinstance(self.activations, str):
            return (self.activations,) * len(self.hidden)
        acts = tuple(self.activations)
        if len(acts) != len(self.hidden):
            raise ValueError(f"give one activation per hidden layer: {len(self.hidden)} layers, {len(acts)} activations")
        return acts

    def validate(self) -> None:
        feature_matrix(np.zeros((1, 2)), self.features)
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(self.hidden)}")
        for n in self.hidden:
            if not 1 <= int(n) <= MAX_NEURONS:
                raise ValueError(f"a hidden layer has 1 to {MAX_NEURONS} neurons, got {n}")
        for a in self.hidden_activations():
            if a not in HIDDEN_ACTIVATIONS:
                raise ValueError(f"unknown activation {a!r}; choose one of: {', '.join(HIDDEN_ACTIVATIONS)}")
        if not self.learning_rate > 0:
            raise ValueError(f"the learning rate must be positive, got {self.learning_rate}")
        if self.regularization not in REGULARIZATIONS:
            raise ValueError(f"regularisation must be one of {', '.join(REGULARIZATIONS)}, got {self.regularization!r}")
        if self.regularization_rate < 0:
            raise ValueError("the regularisation rate cannot be negative")
        if self.cost not in COSTS:
            raise ValueError(f"the cost must be one of {', '.join(COSTS)}, got {self.cost!r}")
        if int(self.batch_size) < 1:
            raise ValueError(f"the batch size must be at least 1, got {self.batch_size}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be between 0 and 1 (exclusive), got {self.dropout}")


@dataclass(frozen=True)
class Data:
    """A train/test split of 2-D points with the task that goes with it."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str  # "classification" or "regression"
    n_classes: int  # 0 for regression
    name: str = "data"

    @property
    def X(self) -> np.ndarray:
        return np.concatenate([self.X_train, self.X_test])

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """The square shown on the page: [−6, 6]² as the original, grown to hold uploaded points."""
        X = self.X
        reach = max(EXTENT, float(np.max(np.abs(X))) * 1.05) if len(X) else EXTENT
        return (-reach, reach, -reach, reach)


def make_data(name: str, n_samples: int = 500, noise: float = 0.0, train_fraction: float = 0.5,
              seed: int = 0, n_classes: int = 3) -> Data:
    """Generate a data set of :mod:`nnviz.datasets` and split it, all under one seed."""
    ds = datasets.generate(name, n_samples=n_samples, noise=noise, seed=seed, n_classes=n_classes)
    return split_data(ds.X, ds.y, ds.task, ds.n_classes, train_fraction, seed, name)


def data_from_settings(values, uploaded: tuple | None = None) -> Data:
    """The data a page's settings describe (``values``: dataset, noise and train_percent in percent, seed,
    n_classes); ``uploaded`` is an upload's ``(X, y, task, n_classes)`` (see :func:`read_upload`). The
    upload choice without a file yet trains on the circle meanwhile."""
    if values.dataset == "upload" and uploaded is not None:
        return split_data(*uploaded, values.train_percent / 100, values.seed, "upload")
    return make_data("circle" if values.dataset == "upload" else values.dataset, noise=values.noise / 100,
                     train_fraction=values.train_percent / 100, seed=values.seed, n_classes=values.n_classes)


def split_data(X, y, task, n_classes, train_fraction, seed=0, name="data") -> Data:
    if not 0 < train_fraction < 1:
        raise ValueError(f"the training share must be between 0 and 1, got {train_fraction}")
    X_tr, X_te, y_tr, y_te = datasets.split(X, y, round(1 - train_fraction, 9), seed)
    return Data(np.asarray(X_tr, float), np.asarray(y_tr), np.asarray(X_te, float), np.asarray(y_te), task,
                int(n_classes), name)


def optimizer_options(name: str, **values) -> tuple:
    """The hyper-parameters among ``values`` that optimizer ``name`` takes, as (name, value) pairs."""
    takes = _optimizers.optimizer_class(name).DEFAULTS
    return tuple((k, float(v)) for k, v in values.items() if k in takes)


def output_kind(task: str, n_classes: int, cost: str = "quadratic") -> tuple[str, str, int]:
    """The output layer for a task: (activation, loss name, neurons).

    Two classes take ``cost``: "quadratic" is TensorFlow Playground's tanh
    output with targets −1 and +1 and C = ½(y − a)²; "cross_entropy" a sigmoid
    output (the probability of class 1) with binary cross-entropy.
    """
    if task == "regression":
        return "linear", "quadratic", 1
    if n_classes == 2:
        return ("tanh", "quadratic", 1) if cost == "quadratic" else ("sigmoid", "binary_crossentropy", 1)
    if 3 <= n_classes <= 5:
        return "softmax", "categorical_crossentropy", n_classes
    raise ValueError(f"the playground handles 2 to 5 classes, got {n_classes}")


def targets(y, kind: str, n_classes: int) -> np.ndarray:
    """The network's targets for an output ``kind``: a column for regression (the values), tanh (class 0 → −1,
    class 1 → +1) and sigmoid (0 and 1); one-hot rows for softmax."""
    y = np.asarray(y)
    if kind == "tanh":
        return (2.0 * y.astype(float) - 1.0).reshape(-1, 1)
    if kind in ("linear", "sigmoid"):
        return y.astype(float).reshape(-1, 1)
    return encoding.one_hot_rows(y, n_classes)


# The cost that goes with each output activation (see output_kind).
LOSS_OF_OUTPUT = {"linear": "quadratic", "tanh": "quadratic", "sigmoid": "binary_crossentropy",
                  "softmax": "categorical_crossentropy"}
# The output layer and its cost as the page writes them beside the cost control (keys: Trainer.out_act).
_OUTPUT_LATEX = {"tanh": r"a = \tanh z,\ y = \pm 1", "sigmoid": r"a = \sigma(z)",
                 "softmax": r"a = \mathrm{softmax}(z)", "linear": r"a = z"}
COST_LATEX = {kind: losses.get(LOSS_OF_OUTPUT[kind]).example_latex + r",\ " + output
              for kind, output in _OUTPUT_LATEX.items()}


def fixed_cost(task: str, n_classes: int) -> str | None:
    """The cost in words where the task leaves no choice (regression, three to five classes); None for two
    classes, where the student picks one of COSTS."""
    if task == "regression":
        return "quadratic (regression)"
    return None if n_classes == 2 else "cross-entropy, softmax output (more than two classes)"


def row_losses(kind: str, Y: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Each row's cost for the output activation ``kind``, from :mod:`nnviz.losses` (logs clipped at ε)."""
    return losses.get(LOSS_OF_OUTPUT[kind]).row_values(Y, A)


def loss_value(kind: str, Y: np.ndarray, A: np.ndarray) -> float:
    """The mean cost over the rows."""
    return float(np.sum(row_losses(kind, Y, A)) / max(len(Y), 1))


def predictions(kind: str, A: np.ndarray) -> np.ndarray:
    """Predicted classes (or values for regression) from the output activations."""
    if kind == "linear":
        return A[:, 0]
    if kind == "sigmoid":
        return (A[:, 0] >= 0.5).astype(int)
    if kind == "tanh":
        return (A[:, 0] >= 0.0).astype(int)
    return np.argmax(A, axis=1)


MAX_HISTORY = 20_000


@dataclass
class History:
    """The metrics of every epoch, appended as training goes.

    A long run would grow without bound (a class playing for an hour trains
    millions of epochs), so past ``MAX_HISTORY`` rows every other row is
    dropped: the epoch column keeps the true epoch numbers, the chart and the
    CSV stay right, only thinner in the past.
    """

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)

    def append(self, epoch, metrics):
        if len(self.epoch) >= MAX_HISTORY:
            for name in ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy"):
                setattr(self, name, getattr(self, name)[::2])
        self.epoch.append(epoch)
        self.train_loss.append(metrics[0])
        self.test_loss.append(metrics[1])
        self.train_accuracy.append(metrics[2])
        self.test_accuracy.append(metrics[3])

    def to_csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy"])
        for row in zip(self.epoch, self.train_loss, self.test_loss, self.train_accuracy, self.test_accuracy):
            w.writerow([row[0]] + ["" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.6g}"
                                   for v in row[1:]])
        return out.getvalue()


@dataclass(frozen=True)
class GridPass:
    """One forward pass of the whole grid: the output and every neuron's activation.

    ``inputs`` is (n_features, res, res), ``hidden[l]`` is (n_l, res, res),
    ``output`` is (n_out, res, res) (probabilities, or the regression value);
    row i of a grid is y = ys[i], column j is x = xs[j].
    """

    xs: np.ndarray
    ys: np.ndarray
    inputs: np.ndarray
    hidden: tuple
    output: np.ndarray


class Trainer:
    """A network, its optimizer state, its data and its history: the playground's whole run.

    Parameters
    ----------
    config : Config
    data : Data
    init_params : np.ndarray, optional
        A flat parameter vector to start from ("reset with the same initial
        weights"); by default TensorFlow Playground's start, drawn from
        ``config.seed``: weights uniform in [−½, ½], biases 0.1 (with inputs
        up to ±6, larger weights start the neurons saturated, and the small
        positive bias keeps ReLU neurons alive).
    """

    def __init__(self, config: Config, data: Data, init_params: np.ndarray | None = None):
        config.validate()
        self.config = config
        self.data = data
        self.out_act, self.loss_name, n_out = output_kind(data.task, data.n_classes, config.cost)
        self.hidden_acts = config.hidden_activations()
        self.sizes = (len(config.features),) + tuple(int(n) for n in config.hidden) + (n_out,)
        self.X_train = feature_matrix(data.X_train, config.features) if len(data.X_train) else np.zeros((0, len(config.features)))
        self.X_test = feature_matrix(data.X_test, config.features) if len(data.X_test) else np.zeros((0, len(config.features)))
        self.Y_train = targets(data.y_train, self.out_act, data.n_classes)
        self.Y_test = targets(data.y_test, self.out_act, data.n_classes)
        # One flat vector; W[l] and b[l] are views into it.
        shapes = []
        for n_in, n_out_l in zip(self.sizes[:-1], self.sizes[1:]):
            shapes.append((n_out_l, n_in))
            shapes.append((n_out_l,))
        total = sum(int(np.prod(s)) for s in shapes)
        self.params = np.zeros(total)
        self.grad = np.zeros(total)
        self.W, self.b, self.dW, self.db = [], [], [], []
        self.weight_mask = np.zeros(total, dtype=bool)
        offset = 0
        for i, s in enumerate(shapes):
            size = int(np.prod(s))
            view, gview = self.params[offset:offset + size].reshape(s), self.grad[offset:offset + size].reshape(s)
            if i % 2 == 0:
                self.W.append(view)
                self.dW.append(gview)
                self.weight_mask[offset:offset + size] = True
            else:
                self.b.append(view)
                self.db.append(gview)
            offset += size
        if init_params is None:
            rng = np.random.default_rng(config.seed)
            for l in range(len(self.W)):
                self.W[l][...] = rng.uniform(-INIT_WEIGHT, INIT_WEIGHT, self.W[l].shape)
                self.b[l][...] = INIT_BIAS
        else:
            init_params = np.asarray(init_params, dtype=float)
            if init_params.shape != self.params.shape:
                raise ValueError("the saved initial weights do not fit this network; press Reset instead")
            self.params[...] = init_params
        self.initial_params = self.params.copy()
        self.optimizer = _optimizers.get(config.optimizer, learning_rate=config.learning_rate,
                                         **dict(config.optimizer_options))
        self.rng = np.random.default_rng(config.seed + 1)
        self.epoch = 0
        self.history = History()
        self.diverged_at: int | None = None
        self.stop_reason: str | None = None
        self._best = (math.inf, 0)
        self._grid_cache: dict = {}
        self._act_fns = [_activations.get(a).fn for a in self.hidden_acts]
        # f' from the layer's output a; None for linear, whose f' = 1 needs no multiplication.
        self._act_derivs = [None if a == "linear" else _activations.get(a).derivative_of_output
                            for a in self.hidden_acts]
        self._out_fn = _activations.layer_function(self.out_act)
        self._plans = {masked: fastnet.plan(self.sizes, self.hidden_acts, self.out_act, masked)
                       for masked in (False, True)}
        self._workspaces: dict[int, tuple] = {}
        self._rows = None  # training and test rows together, for evaluate
        self.metrics = self.evaluate()

    # --- the network as the lesson's objects ---------------------------------------------------

    def network(self) -> Network:
        """The current parameters as an :class:`nnviz.network.Network` (output activation included)."""
        acts = list(self.hidden_acts) + [self.out_act if self.out_act != "softmax" else "linear"]
        return Network([w.copy() for w in self.W], [b.copy() for b in self.b], acts)

    def forward(self, X, dropout_rng=None):
        """The activations of every layer for feature rows X (a list, X first)."""
        a = X
        acts = [a]
        last = len(self.W) - 1
        for l in range(len(self.W)):
            z = a @ self.W[l].T + self.b[l]
            a = self._act_fns[l](z) if l < last else self._out_fn(z)
            acts.append(a)
        return acts

    # --- training -------------------------------------------------------------------------------

    def penalty(self) -> float:
        """The regularisation term added to the cost: λ Σ|w| (L1) or λ/2 Σ w² (L2), biases excluded."""
        lam, kind = self.config.regularization_rate, self.config.regularization
        if kind == "none" or lam == 0:
            return 0.0
        w = self.params[self.weight_mask]
        return float(lam * np.sum(np.abs(w))) if kind == "L1" else float(0.5 * lam * np.sum(w * w))

    def _workspace(self, n: int) -> tuple:
        """The kernels' scratch arrays for ``n`` rows (activations, σ' then δ, dropout masks)."""
        work = self._workspaces.get(n)
        if work is None:
            units = int(sum(self.sizes))
            hidden = max(1, units - self.sizes[0] - self.sizes[-1])
            work = (np.empty((n, units)), np.empty((n, units)), np.ones((n, hidden)))
            if len(self._workspaces) > 8:  # batch sizes come and go; keep a few
                self._workspaces.clear()
            self._workspaces[n] = work
        return work

    def _dropout_masks(self, rng, n: int) -> list[np.ndarray]:
        """One inverted-dropout mask per hidden layer: 0 with probability p, else 1/(1 − p)."""
        p = self.config.dropout
        return [(rng.random((n, h)) >= p) / (1.0 - p) for h in self.sizes[1:-1]]

    def gradient(self, X, Y, dropout_rng=None) -> np.ndarray:
        """∂(C + penalty)/∂params on the batch (X, Y), written into and returning ``self.grad``.

        Computed by the compiled kernel :func:`nnviz.fastnet.gradient`;
        :meth:`gradient_reference` is the same in NumPy. With ``dropout_rng``,
        each hidden neuron is dropped with probability ``config.dropout`` and
        the survivors scaled by 1/(1 − p) (inverted dropout).
        """
        X = np.ascontiguousarray(X, dtype=float)
        Y = np.ascontiguousarray(Y, dtype=float)
        A, D, M = self._workspace(len(X))
        masked = dropout_rng is not None and self.config.dropout > 0
        if masked:
            masks = self._dropout_masks(dropout_rng, len(X))
            if masks:
                M[...] = np.concatenate(masks, axis=1)
        fastnet.gradient(self.params, self.grad, self._plans[masked], X, Y, A, D, M)
        self._add_penalty_gradient()
        return self.grad

    def _add_penalty_gradient(self) -> None:
        lam, kind = self.config.regularization_rate, self.config.regularization
        if kind != "none" and lam > 0:
            w = self.params[self.weight_mask]
            self.grad[self.weight_mask] += lam * (np.sign(w) if kind == "L1" else w)

    def gradient_reference(self, X, Y, dropout_rng=None) -> np.ndarray:
        """:meth:`gradient` in NumPy, layer by layer as the lesson writes it (the tests hold the two equal).

        The output layer's δ is ∇ₐC ⊙ σ'(zᴸ): (a − y)/n for sigmoid with binary
        cross-entropy, softmax with categorical cross-entropy and linear with
        the quadratic cost, (a − y)(1 − a²)/n for tanh with the quadratic cost;
        the hidden layers follow the four equations.
        """
        masks = (self._dropout_masks(dropout_rng, len(X))
                 if dropout_rng is not None and self.config.dropout > 0 else None)
        a = X
        acts, derivs = [a], []
        last = len(self.W) - 1
        for l in range(last + 1):
            z = a @ self.W[l].T + self.b[l]
            if l < last:
                a = self._act_fns[l](z)
                d = self._act_derivs[l]
                deriv = d(a) if d is not None else None
                if masks is not None:
                    a = a * masks[l]
                    deriv = masks[l] if deriv is None else deriv * masks[l]
                derivs.append(deriv)
            else:
                a = self._out_fn(z)
            acts.append(a)
        delta = losses.get(self.loss_name).output_delta(Y, a, self.out_act) / len(X)
        for l in range(last, -1, -1):
            np.dot(delta.T, acts[l], out=self.dW[l])
            delta.sum(axis=0, out=self.db[l])
            if l > 0:
                delta = delta @ self.W[l]
                if derivs[l - 1] is not None:
                    delta *= derivs[l - 1]
        self._add_penalty_gradient()
        return self.grad

    def cost(self, X, Y) -> float:
        """The regularised cost C + penalty on feature rows X (no dropout)."""
        return loss_value(self.out_act, Y, self.forward(X)[-1]) + self.penalty()

    def train_step(self, X, Y) -> None:
        """One optimizer step on one mini-batch."""
        self.gradient(X, Y, self.rng if self.config.dropout > 0 else None)
        new = self.optimizer.step(self.params, self.grad)
        if new is not self.params:
            self.params[...] = new

    def train_epoch(self) -> None:
        """One pass over the training set in shuffled mini-batches."""
        n = len(self.X_train)
        if n == 0:
            return
        order = self.rng.permutation(n)
        X, Y = self.X_train[order], self.Y_train[order]
        cfg = self.config
        bs = int(cfg.batch_size)
        if (type(self.optimizer) is _optimizers.SGD and cfg.dropout == 0
                and (cfg.regularization == "none" or cfg.regularization_rate == 0)):
            # The default set-up: the whole epoch in one compiled call, the same arithmetic as the loop below.
            A, D, M = self._workspace(min(bs, n))
            steps = fastnet.sgd_epoch(self.params, self.grad, self._plans[False], X, Y, bs,
                                      self.optimizer.learning_rate, A, D, M)
            self.optimizer.iterations += steps
            return
        for start in range(0, n, bs):
            self.train_step(X[start:start + bs], Y[start:start + bs])

    def evaluate(self) -> tuple:
        """(train loss, test loss, train accuracy, test accuracy); accuracy is NaN for regression.

        One forward pass over the training and test rows together (half the NumPy calls of two).
        """
        n_train, n_test = len(self.X_train), len(self.X_test)
        if self._rows is None:
            self._rows = (np.concatenate([self.X_train, self.X_test]), np.concatenate([self.Y_train, self.Y_test]),
                          np.concatenate([self.data.y_train, self.data.y_test]).astype(int))
        X, Y, y = self._rows
        if len(X) == 0:
            return (float("nan"),) * 4
        A = self.forward(X)[-1]
        per_row = row_losses(self.out_act, Y, A)
        right = (predictions(self.out_act, A) == y) if self.data.task != "regression" else None
        out = []
        for part in (slice(0, n_train), slice(n_train, n_train + n_test)):
            n = part.stop - part.start
            loss = float(np.sum(per_row[part]) / n) if n else float("nan")
            acc = float(np.mean(right[part])) if n and right is not None else float("nan")
            out.append((loss, acc))
        return (out[0][0], out[1][0], out[0][1], out[1][1])

    @property
    def finished(self) -> bool:
        return self.diverged_at is not None or self.stop_reason is not None

    def run(self, epochs: int) -> int:
        """Train up to ``epochs`` epochs, stopping early on divergence or a stop condition.

        Returns the number of epochs actually trained. After divergence the
        parameters are those of the last finite epoch, so pictures stay finite.
        """
        done = 0
        cfg = self.config
        for _ in range(int(epochs)):
            if self.finished:
                break
            saved = self.params.copy()
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                self.train_epoch()
                ok = bool(np.all(np.isfinite(self.params))) and float(np.max(np.abs(self.params), initial=0)) < DIVERGENCE_LIMIT
                metrics = self.evaluate() if ok else None
            self.epoch += 1
            done += 1
            if not ok or not math.isfinite(metrics[0]) or (len(self.X_test) and not math.isfinite(metrics[1])):
                self.params[...] = saved
                self.diverged_at = self.epoch
                self.stop_reason = f"diverged at epoch {self.epoch:,}"
                break
            self.metrics = metrics
            self.history.append(self.epoch, metrics)
            if cfg.stop_epoch and self.epoch >= cfg.stop_epoch:
                self.stop_reason = f"stopped at epoch {self.epoch:,} as asked"
            elif cfg.patience and len(self.X_test):
                best, best_epoch = self._best
                if metrics[1] < best - 1e-12:
                    self._best = (metrics[1], self.epoch)
                elif self.epoch - best_epoch >= cfg.patience:
                    self.stop_reason = (f"stopped at epoch {self.epoch:,}: test loss has not improved for "
                                        f"{cfg.patience} epochs (best {best:.4f} at epoch {best_epoch:,})")
        return done

    # --- editing ----------------------------------------------------------------------------------

    def set_hyper(self, **changes) -> None:
        """Change settings that need no new network (MIDWAY: learning rate, regularisation, batch size, dropout,
        stops).

        Training goes on from the current weights and optimizer memory, so a
        class can watch what a new learning rate does mid-run.
        """
        bad = set(changes) - set(MIDWAY)
        if bad:
            raise ValueError(f"{', '.join(sorted(bad))} cannot change during a run; start a new one")
        config = replace(self.config, **changes)
        config.validate()
        new_rule = (config.stop_epoch, config.patience) != (self.config.stop_epoch, self.config.patience)
        self.config = config
        self.optimizer.learning_rate = float(config.learning_rate)
        if new_rule and self.stop_reason and self.diverged_at is None:
            self.stop_reason = None  # a new stop rule may let the run go on
            self._best = (math.inf, self.epoch)

    def add_points(self, points, labels) -> None:
        """Add training points (clicked on the plane); the network keeps its weights."""
        self.data = with_points(self.data, points, labels)
        self.X_train = feature_matrix(self.data.X_train, self.config.features)
        self.Y_train = targets(self.data.y_train, self.out_act, self.data.n_classes)
        self._rows = None
        self._grid_cache = {}
        self.metrics = self.evaluate()

    def set_weight(self, layer: int, j: int, k: int, value: float) -> None:
        """Set w_jk of layer ``layer`` (0 = first layer after the input) by hand."""
        if not 0 <= layer < len(self.W):
            raise ValueError(f"layer must be 0 to {len(self.W) - 1}, got {layer}")
        W = self.W[layer]
        if not (0 <= j < W.shape[0] and 0 <= k < W.shape[1]):
            raise ValueError(f"layer {layer} has weights w[j, k] with j < {W.shape[0]}, k < {W.shape[1]}")
        if not math.isfinite(value):
            raise ValueError("a weight must be a finite number")
        W[j, k] = float(value)
        self.metrics = self.evaluate()

    # --- the decision grid ----------------------------------------------------------------------

    def grid_inputs(self, resolution: int = GRID_RESOLUTION):
        """The grid's points and their features (float32), computed once per (extent, resolution)."""
        extent = self.data.extent
        key = (extent, resolution)
        if key not in self._grid_cache:
            xs = np.linspace(extent[0], extent[1], resolution)
            ys = np.linspace(extent[2], extent[3], resolution)
            gx, gy = np.meshgrid(xs, ys)
            points = np.column_stack([gx.ravel(), gy.ravel()])
            features = feature_matrix(points, self.config.features).astype(np.float32)
            self._grid_cache = {key: (xs, ys, points, features)}
        return self._grid_cache[key]

    def grid_pass(self, resolution: int = GRID_RESOLUTION) -> GridPass:
        """One vectorised forward pass of the grid giving the output and every neuron's heatmap.

        Computed in float32: the pictures need 8 bits, and half-width floats
        make the pass about twice as fast.
        """
        xs, ys, _, F = self.grid_inputs(resolution)
        a, maps = F, []
        last = len(self.W) - 1
        with np.errstate(over="ignore", under="ignore"):
            for l in range(last + 1):
                z = a @ self.W[l].T.astype(np.float32) + self.b[l].astype(np.float32)
                if l < last:
                    a = self._act_fns[l](z)
                    maps.append(a)
                else:
                    a = self._out_fn(z)
        r = resolution
        to_maps = lambda A: A.T.reshape(A.shape[1], r, r)  # noqa: E731
        return GridPass(xs, ys, to_maps(F), tuple(to_maps(A) for A in maps), to_maps(a))

    # --- exports ----------------------------------------------------------------------------------

    def weights_json(self) -> str:
        """The trained network as JSON: sizes, activations, features, W and b per layer."""
        return json.dumps({
            "features": list(self.config.features),
            "sizes": list(self.sizes),
            "activations": list(self.hidden_acts) + [self.out_act],
            "loss": self.loss_name,
            "epoch": self.epoch,
            "layers": [{"W": W.tolist(), "b": b.tolist()} for W, b in zip(self.W, self.b)],
        }, indent=1)

    def predict(self, X) -> np.ndarray:
        """Predicted classes (or values) for raw 2-D points."""
        return predictions(self.out_act, self.forward(feature_matrix(X, self.config.features))[-1])


# What the output square shows for each output activation (Trainer.out_act), under the canvas.
OUTPUT_MEANING = {"tanh": "the network's output (orange −1 = class 0, white 0, blue +1 = class 1)",
                  "sigmoid": "the probability of class 1 (orange 0, white ½, blue 1)",
                  "softmax": "the most likely class (its colour; paler where the network is less sure)",
                  "linear": "the predicted value (orange −1, white 0, blue +1)"}


def output_caption(out_act: str, show_test: bool) -> str:
    """The line under the output square: what its colours mean and which dots are drawn."""
    return (f"Output: {OUTPUT_MEANING[out_act]}; dots are the training points"
            + (", black-ringed dots the test points" if show_test else ""))


def scoreboard(trainer: Trainer) -> tuple[tuple[str, str], ...]:
    """The run's numbers as (label, text): epoch, train and test loss, and test accuracy for a classifier
    ("–" where there is no test point)."""
    train_loss, test_loss, _, test_accuracy = trainer.metrics
    board = [("Epoch", f"{trainer.epoch:,}"), ("Train loss", f"{train_loss:.4f}"),
             ("Test loss", f"{test_loss:.4f}" if test_loss == test_loss else "–")]
    if trainer.data.task == "classification":
        board.append(("Test accuracy", f"{100 * test_accuracy:.1f} %" if test_accuracy == test_accuracy else "–"))
    return tuple(board)


def status(trainer: Trainer) -> tuple[str, str] | None:
    """What to tell the student about a run that ended: ``("error", ...)`` when it diverged (with what to do),
    ``("info", ...)`` when a stop rule ended it; None while it can go on."""
    if trainer.diverged_at is not None:
        return ("error", f"Training diverged at epoch {trainer.diverged_at:,}: the weights blew up. Lower the "
                         "learning rate and press Reset. The pictures show the last finite weights.")
    if trainer.stop_reason:
        return ("info", trainer.stop_reason.capitalize() + ".")
    return None


def test_confusion(trainer: Trainer) -> np.ndarray | None:
    """The confusion matrix of a classifier on its test points (row = true class, column = predicted); None
    for a regression or a run without test points."""
    data = trainer.data
    if data.task != "classification" or not len(data.X_test):
        return None
    return metrics.confusion_matrix(data.y_test, trainer.predict(data.X_test), range(data.n_classes))


def layer_name(layer: int, n_layers: int) -> str:
    """Weight layer ``layer`` (0 = the first after the input) as the weight editor lists it."""
    return "output" if layer == n_layers - 1 else f"hidden {layer + 1}"


def source_name(features, layer: int, k: int) -> str:
    """Where weight w_jk of ``layer`` comes from: an input feature's label in the first layer, else neuron k."""
    return FEATURES[features[k]][0] if layer == 0 else str(k)


def with_points(data: Data, points, labels) -> Data:
    """The data with extra training points (clicked on the plane) appended."""
    points = np.asarray(points, float).reshape(-1, 2)
    labels = np.asarray(labels)
    if data.task == "classification" and len(labels) and (labels.min() < 0 or labels.max() >= data.n_classes):
        raise ValueError(f"a class must be 0 to {data.n_classes - 1}")
    return replace(data, X_train=np.concatenate([data.X_train, points]),
                   y_train=np.concatenate([data.y_train, labels.astype(data.y_train.dtype)]))


# The line endings str.splitlines knows (\n, \r\n, the old Mac \r alone and a few rarer ones).
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _lines(text: str, block: int = 1 << 16):
    """The lines of ``text`` as ``text.splitlines()`` splits them, a block of about ``block`` characters at a
    time (each block cut just after a line break): a reader that stops early splits no further."""
    start = 0
    while start < len(text):
        cut = _LINE_BREAK.search(text, start + block)
        end = cut.end() if cut else len(text)
        yield from text[start:end].splitlines()
        start = end


def parse_csv(text: str, max_rows: int = MAX_UPLOAD_ROWS) -> tuple[np.ndarray, np.ndarray, str, int]:
    """Read a two-feature CSV: columns ``x1, x2, label`` (a header row is required).

    Returns ``(X, y, task, n_classes)``: whole-number labels 0–4 make a
    classification task, any other numbers a regression. Every problem raises
    ValueError with a message that says what to fix. Reading stops at the
    first row past ``max_rows``: a longer file is refused without being read
    to its end.
    """
    text = text.lstrip("\ufeff")  # a byte-order mark some editors put first
    if not text.strip():
        raise ValueError("the file is empty; it needs a header row x1,x2,label and one row per point")
    try:
        reader = csv.reader(_lines(text.strip()))
        first = next(reader)
        body = list(itertools.islice(reader, max_rows + 1))
    except csv.Error as err:
        raise ValueError(f"this is not a readable CSV file ({err}); save it as comma-separated text") from None
    header = [h.strip().lower() for h in first]
    if header != ["x1", "x2", "label"]:
        found = ", ".join(f"'{name.strip()}'" for name in first)
        raise ValueError(f"the columns must be x1, x2, label (in that order); this file has: {found}")
    if len(body) < 4:
        raise ValueError(f"need at least 4 points, the file has {len(body)}")
    if len(body) > max_rows:
        raise ValueError(f"the playground takes at most {max_rows:,} rows; this file has more than {max_rows:,}")
    values = np.zeros((len(body), 3))
    for i, row in enumerate(body, start=2):
        if len(row) != 3:
            raise ValueError(f"line {i} has {len(row)} values; every line needs 3 (x1, x2, label)")
        for j, cell in enumerate(row):
            cell = cell.strip()
            if cell == "" or cell.lower() in ("nan", "na", "null", "none"):
                raise ValueError(f"line {i}: the value of {header[j]} is missing; fill it in or delete the line")
            try:
                values[i - 2, j] = float(cell)
            except ValueError:
                raise ValueError(f"line {i}: {header[j]} is {cell!r}, which is not a number") from None
            if not math.isfinite(values[i - 2, j]):
                raise ValueError(f"line {i}: {header[j]} must be a finite number")
    X, labels = values[:, :2], values[:, 2]
    if np.all(labels == np.round(labels)) and labels.min() >= 0 and labels.max() <= 4:
        y = labels.astype(int)
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"every point has label {classes[0]}: a classifier needs at least two classes")
        if not np.array_equal(classes, np.arange(classes.max() + 1)):
            raise ValueError(f"class labels must be 0, 1, … without gaps; this file has {', '.join(map(str, classes))}")
        return X, y, "classification", int(classes.max() + 1)
    return X, labels, "regression", 0


def check_upload_range(X: np.ndarray, y: np.ndarray) -> None:
    """Refuse (ValueError naming the column) uploaded values beyond ±UPLOAD_LIMIT: a network would need weights
    the trainer counts as blown up to reach them."""
    for name, column in (("x1", X[:, 0]), ("x2", X[:, 1]), ("label", y)):
        largest = float(np.max(np.abs(column)))
        if largest > UPLOAD_LIMIT:
            raise ValueError(f"the column {name} holds values as large as {largest:.3g}; the playground takes "
                             f"values between −{UPLOAD_LIMIT:,.0f} and {UPLOAD_LIMIT:,.0f} (beyond that a "
                             f"network's weights count as blown up): rescale the column")


def read_upload(text: str, max_rows: int = MAX_UPLOAD_ROWS) -> tuple[np.ndarray, np.ndarray, str, int]:
    """An uploaded CSV's points, ready to split: :func:`parse_csv`, then :func:`check_upload_range`."""
    X, y, task, n_classes = parse_csv(text, max_rows)
    check_upload_range(X, y)
    return X, y, task, n_classes

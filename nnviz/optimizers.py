"""Optimizers: the rules that turn a gradient into a step, as small stateful objects.

``get(name, learning_rate=..., **hyper)`` builds one; ``opt.step(params, grad)``
returns the new parameters and keeps the optimizer's own memory (velocity,
moment estimates, accumulated squares) for the next call. ``params`` is one
NumPy array of any shape or a list / tuple of arrays (one per layer); ``grad``
has the same structure.

Two conventions:

* ``convention="paper"`` (default) follows the papers: Adam is Kingma & Ba's
  Algorithm 1 (ε added to √v̂, bias correction that can be switched off),
  AdaGrad starts its accumulator at 0 and adds ε to √G, RMSProp adds ε to √s.
* ``convention="keras"`` matches ``keras.optimizers`` of the same name step for
  step (Adam's ε̂ on √v with a bias-corrected learning rate, AdaGrad's initial
  accumulator 0.1 and ε inside the square root, RMSprop's ε inside the root),
  with Keras's default hyper-parameters.

SGD, momentum and Nesterov are the same in both (Keras's forms: v ← μv − ηg;
Nesterov's look-ahead written with the gradient at the current point).

After each step the arrow view reads ``last_gradient`` (the raw gradient),
``velocity`` (the momentum / first-moment memory, ``None`` for optimizers that
have none) and ``last_update`` (the actual change of the parameters).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

CONVENTIONS = ("paper", "keras")


def _document(cls):
    """Append the update rules (the LaTeX the page shows) to the class docstring: one source."""
    rules = "\n".join(f"    {name}: ``{latex}``" for name, latex in cls.LATEX.items())
    cls.__doc__ = (cls.__doc__ or "").rstrip() + "\n\n    Update rule (LaTeX shown on the page)\n\n" + rules + "\n"
    return cls


class Optimizer:
    """A rule that turns the gradient into a step, with its own memory between steps."""

    name = "optimizer"
    label = "Optimizer"
    LATEX: dict[str, str] = {}
    # hyper-parameter -> (paper default, keras default)
    DEFAULTS: dict[str, tuple[Any, Any]] = {}
    DEFAULT_LEARNING_RATE = 0.01
    has_velocity = False

    def __init__(self, learning_rate: float | None = None, convention: str = "paper", **hyper: Any):
        if convention not in CONVENTIONS:
            raise ValueError(f"unknown convention {convention!r}; choose one of: {', '.join(CONVENTIONS)}")
        unknown = sorted(set(hyper) - set(self.DEFAULTS))
        if unknown:
            valid = ", ".join(["learning_rate", *self.DEFAULTS]) or "learning_rate"
            raise ValueError(f"{self.name} has no hyper-parameter {', '.join(map(repr, unknown))}; "
                             f"it takes: {valid}")
        self.convention = convention
        lr = self.DEFAULT_LEARNING_RATE if learning_rate is None else learning_rate
        _check_positive("learning_rate", lr)
        self.learning_rate = float(lr)
        column = 0 if convention == "paper" else 1
        self.hyper = {k: hyper.get(k, v[column]) for k, v in self.DEFAULTS.items()}
        self._validate()
        self.reset()

    # -- state ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every step taken (the memory starts again from zero)."""
        self.iterations = 0
        self._slots: list[dict[str, np.ndarray]] | None = None
        self._structure: tuple | None = None
        self._last_gradient: list[np.ndarray] = []
        self._last_update: list[np.ndarray] = []
        self._is_list = False

    def _validate(self) -> None:
        for key in ("momentum", "beta_1", "beta_2", "rho"):
            if key in self.hyper:
                value = self.hyper[key]
                if not (isinstance(value, (int, float)) and 0.0 <= value < 1.0):
                    raise ValueError(f"{key} must be in [0, 1); got {value!r}")
        if "epsilon" in self.hyper:
            _check_positive("epsilon", self.hyper["epsilon"])
        if "initial_accumulator_value" in self.hyper:
            value = self.hyper["initial_accumulator_value"]
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"initial_accumulator_value must be >= 0; got {value!r}")

    def _new_slot(self, shape: tuple) -> dict[str, np.ndarray]:
        return {}

    def _delta(self, slot: dict[str, np.ndarray], g: np.ndarray, t: int) -> np.ndarray:
        raise NotImplementedError

    def _velocity_of(self, slot: dict[str, np.ndarray]) -> np.ndarray | None:
        return None

    # -- the step ------------------------------------------------------------------------
    def step(self, params, grad):
        """One update: return the new parameters (same structure as ``params``).

        Parameters
        ----------
        params : ndarray or list of ndarray
            The current parameters, any shapes.
        grad : ndarray or list of ndarray
            ∂C/∂params, the same structure and shapes.
        """
        if (self._slots is not None and not self._is_list and type(params) is np.ndarray and type(grad) is np.ndarray
                and params.dtype == grad.dtype == np.float64 and params.shape == grad.shape == self._structure[1][0]):
            # The same single array as last step (a descent run's hot loop): the checks below already passed.
            self.iterations += 1
            delta = self._delta(self._slots[0], grad, self.iterations)
            self._last_gradient, self._last_update = [grad], [delta]
            return params + delta
        is_list = isinstance(params, (list, tuple))
        ps = [np.asarray(p, dtype=float) for p in params] if is_list else [np.asarray(params, dtype=float)]
        if is_list != isinstance(grad, (list, tuple)) or (is_list and len(grad) != len(params)):
            raise ValueError("grad must have the same structure as params (an array, or a list of the same length)")
        gs = [np.asarray(g, dtype=float) for g in grad] if is_list else [np.asarray(grad, dtype=float)]
        structure = (is_list, tuple(p.shape for p in ps))
        for p, g in zip(ps, gs):
            if p.shape != g.shape:
                raise ValueError(f"grad has shape {g.shape} but params have shape {p.shape}")
        if self._slots is None:
            self._slots = [self._new_slot(p.shape) for p in ps]
            self._structure = structure
            self._is_list = is_list
        elif structure != self._structure:
            raise ValueError("params changed shape since the first step; call reset() before reusing "
                             "the optimizer on other parameters")
        self.iterations += 1
        deltas = [self._delta(slot, g, self.iterations) for slot, g in zip(self._slots, gs)]
        self._last_gradient = gs
        self._last_update = deltas
        new = [p + d for p, d in zip(ps, deltas)]
        return type(params)(new) if is_list else new[0]

    # -- what the arrow view reads ----------------------------------------------------
    def _unwrap(self, values):
        if not values:
            return None
        return list(values) if self._is_list else values[0]

    @property
    def last_gradient(self):
        """The raw gradient of the last step (``None`` before the first)."""
        return self._unwrap(self._last_gradient)

    @property
    def last_update(self):
        """The change the last step made to the parameters: new − old."""
        return self._unwrap(self._last_update)

    @property
    def velocity(self):
        """The momentum memory after the last step (``None`` if this optimizer keeps none).

        Momentum / Nesterov: v (in parameter units); Adam: the first moment m
        (in gradient units); RMSprop with momentum: its momentum buffer.
        """
        if not self._slots:
            return None
        values = [self._velocity_of(slot) for slot in self._slots]
        if any(v is None for v in values):
            return None
        return self._unwrap([v.copy() for v in values])

    @property
    def latex(self) -> str:
        """The update rule as the page shows it (also in the class docstring)."""
        return self.LATEX[self.convention]

    def describe(self) -> str:
        """The optimizer and its hyper-parameters in one line."""
        parts = [f"η={self.learning_rate:g}"] + [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                                  for k, v in self.hyper.items()]
        return f"{self.label} ({', '.join(parts)})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate!r}, convention={self.convention!r}, " \
               + ", ".join(f"{k}={v!r}" for k, v in self.hyper.items()) + ")"


def _check_positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}")


@_document
class SGD(Optimizer):
    """Plain (stochastic) gradient descent: a step of size η down the slope."""

    name = "sgd"
    label = "SGD"
    LATEX = {
        "paper": r"w \leftarrow w - \eta\,\nabla C(w)",
        "keras": r"w \leftarrow w - \eta\,\nabla C(w)",
    }

    def _delta(self, slot, g, t):
        return -self.learning_rate * g


@_document
class Momentum(Optimizer):
    """Gradient descent with momentum: a heavy ball that remembers its velocity (Keras ``SGD(momentum=μ)``)."""

    name = "momentum"
    label = "Momentum"
    LATEX = {
        "paper": r"v \leftarrow \mu v - \eta\,\nabla C(w), \qquad w \leftarrow w + v",
        "keras": r"v \leftarrow \mu v - \eta\,\nabla C(w), \qquad w \leftarrow w + v",
    }
    DEFAULTS = {"momentum": (0.9, 0.9)}
    has_velocity = True

    def _new_slot(self, shape):
        return {"v": np.zeros(shape)}

    def _delta(self, slot, g, t):
        slot["v"] = self.hyper["momentum"] * slot["v"] - self.learning_rate * g
        return slot["v"].copy()

    def _velocity_of(self, slot):
        return slot["v"]


@_document
class Nesterov(Momentum):
    """Nesterov momentum: look ahead along the velocity before stepping (Keras ``SGD(nesterov=True)``).

    Sutskever's form takes the gradient at the look-ahead point w + μv; with
    the change of variable used by Keras the gradient at the current point
    suffices and the step adds the velocity once more, scaled by μ.
    """

    name = "nesterov"
    label = "Nesterov"
    LATEX = {
        "paper": r"v \leftarrow \mu v - \eta\,\nabla C(w), \qquad w \leftarrow w + \mu v - \eta\,\nabla C(w)",
        "keras": r"v \leftarrow \mu v - \eta\,\nabla C(w), \qquad w \leftarrow w + \mu v - \eta\,\nabla C(w)",
    }

    def _delta(self, slot, g, t):
        mu = self.hyper["momentum"]
        slot["v"] = mu * slot["v"] - self.learning_rate * g
        return mu * slot["v"] - self.learning_rate * g


@_document
class AdaGrad(Optimizer):
    """AdaGrad: each parameter's step shrinks with the squares of all its past gradients (Duchi et al. 2011)."""

    name = "adagrad"
    label = "AdaGrad"
    LATEX = {
        "paper": r"G \leftarrow G + g^2, \qquad w \leftarrow w - \frac{\eta}{\sqrt{G} + \epsilon}\, g",
        "keras": r"G \leftarrow G + g^2\ (G_0 = 0.1), \qquad w \leftarrow w - \frac{\eta\, g}{\sqrt{G + \epsilon}}",
    }
    DEFAULTS = {"initial_accumulator_value": (0.0, 0.1), "epsilon": (1e-8, 1e-7)}
    DEFAULT_LEARNING_RATE = 0.001

    def _new_slot(self, shape):
        return {"G": np.full(shape, float(self.hyper["initial_accumulator_value"]))}

    def _delta(self, slot, g, t):
        slot["G"] = slot["G"] + g * g
        eps = self.hyper["epsilon"]
        if self.convention == "keras":
            return -(self.learning_rate * g) / np.sqrt(slot["G"] + eps)
        return -self.learning_rate * g / (np.sqrt(slot["G"]) + eps)


@_document
class RMSProp(Optimizer):
    """RMSProp: divide the step by a running root-mean-square of recent gradients (Hinton, lecture 6e)."""

    name = "rmsprop"
    label = "RMSProp"
    LATEX = {
        "paper": r"s \leftarrow \rho s + (1-\rho)\, g^2, \qquad w \leftarrow w - \frac{\eta}{\sqrt{s} + \epsilon}\, g",
        "keras": r"s \leftarrow \rho s + (1-\rho)\, g^2, \qquad w \leftarrow w - \frac{\eta\, g}{\sqrt{s + \epsilon}}",
    }
    DEFAULTS = {"rho": (0.9, 0.9), "momentum": (0.0, 0.0), "epsilon": (1e-8, 1e-7)}
    DEFAULT_LEARNING_RATE = 0.001

    @property
    def has_velocity(self):  # only with Keras's optional momentum
        return self.hyper["momentum"] > 0

    def _new_slot(self, shape):
        return {"s": np.zeros(shape), "m": np.zeros(shape)}

    def _delta(self, slot, g, t):
        rho, eps = self.hyper["rho"], self.hyper["epsilon"]
        slot["s"] = rho * slot["s"] + (1 - rho) * (g * g)
        if self.convention == "keras":
            increment = (self.learning_rate * g) / np.sqrt(slot["s"] + eps)
        else:
            increment = self.learning_rate * g / (np.sqrt(slot["s"]) + eps)
        if self.hyper["momentum"] > 0:
            slot["m"] = self.hyper["momentum"] * slot["m"] + increment
            return -slot["m"]
        return -increment

    def _velocity_of(self, slot):
        return -slot["m"] if self.hyper["momentum"] > 0 else None


@_document
class Adam(Optimizer):
    """Adam: momentum on the gradient (m) divided by the root of a running mean of its square (v).

    ``convention="paper"`` is Kingma & Ba's Algorithm 1; ``bias_correction=False``
    drops the 1/(1 − βᵗ) factors (to show why early steps need them).
    ``convention="keras"`` folds the correction into the learning rate and adds
    ε̂ to √v, as ``keras.optimizers.Adam`` does.
    """

    name = "adam"
    label = "Adam"
    LATEX = {
        "paper": (r"m \leftarrow \beta_1 m + (1-\beta_1)\, g, \quad v \leftarrow \beta_2 v + (1-\beta_2)\, g^2, \quad "
                  r"\hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t}, \quad "
                  r"w \leftarrow w - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}"),
        "paper, no bias correction": (r"m \leftarrow \beta_1 m + (1-\beta_1)\, g, \quad "
                                      r"v \leftarrow \beta_2 v + (1-\beta_2)\, g^2, \quad "
                                      r"w \leftarrow w - \eta\, \frac{m}{\sqrt{v} + \epsilon}"),
        "keras": (r"m \leftarrow \beta_1 m + (1-\beta_1)\, g, \quad v \leftarrow \beta_2 v + (1-\beta_2)\, g^2, \quad "
                  r"\eta_t = \eta\,\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}, \quad "
                  r"w \leftarrow w - \eta_t\, \frac{m}{\sqrt{v} + \hat\epsilon}"),
        "keras, no bias correction": (r"m \leftarrow \beta_1 m + (1-\beta_1)\, g, \quad "
                                      r"v \leftarrow \beta_2 v + (1-\beta_2)\, g^2, \quad "
                                      r"w \leftarrow w - \eta\, \frac{m}{\sqrt{v} + \hat\epsilon}"),
    }
    DEFAULTS = {"beta_1": (0.9, 0.9), "beta_2": (0.999, 0.999), "epsilon": (1e-8, 1e-7),
                "bias_correction": (True, True)}
    DEFAULT_LEARNING_RATE = 0.001
    has_velocity = True

    @property
    def latex(self) -> str:
        return self.LATEX[self.convention if self.hyper["bias_correction"] else f"{self.convention}, no bias correction"]

    def _new_slot(self, shape):
        return {"m": np.zeros(shape), "v": np.zeros(shape)}

    def _delta(self, slot, g, t):
        b1, b2, eps = self.hyper["beta_1"], self.hyper["beta_2"], self.hyper["epsilon"]
        lr = self.learning_rate
        correct = bool(self.hyper["bias_correction"])
        if self.convention == "keras":
            # Keras: m += (g - m)(1 - β1); the same value as β1 m + (1 - β1) g up to rounding.
            slot["m"] = slot["m"] + (g - slot["m"]) * (1 - b1)
            slot["v"] = slot["v"] + (g * g - slot["v"]) * (1 - b2)
            alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t) if correct else lr
            return -(slot["m"] * alpha) / (np.sqrt(slot["v"]) + eps)
        slot["m"] = b1 * slot["m"] + (1 - b1) * g
        slot["v"] = b2 * slot["v"] + (1 - b2) * (g * g)
        m_hat = slot["m"] / (1 - b1 ** t) if correct else slot["m"]
        v_hat = slot["v"] / (1 - b2 ** t) if correct else slot["v"]
        return -lr * m_hat / (np.sqrt(v_hat) + eps)

    def _velocity_of(self, slot):
        return slot["m"]


_REGISTRY: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam)}
NAMES: tuple[str, ...] = tuple(_REGISTRY)
LABELS: dict[str, str] = {name: cls.label for name, cls in _REGISTRY.items()}


def optimizer_class(name: str) -> type[Optimizer]:
    """The class registered under ``name`` (its ``LATEX``, ``DEFAULTS``, ``label``)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(_REGISTRY)}") from None


def get(name: str, learning_rate: float | None = None, convention: str = "paper", **hyper: Any) -> Optimizer:
    """A fresh optimizer by name: ``sgd, momentum, nesterov, adagrad, rmsprop, adam``.

    Unknown names and hyper-parameters raise ``ValueError`` listing the valid ones.
    """
    return optimizer_class(name)(learning_rate=learning_rate, convention=convention, **hyper)


def hyper_parameters(name: str, convention: str = "paper") -> dict[str, Any]:
    """The default hyper-parameters of ``name`` (learning rate included) in a convention."""
    opt = get(name, convention=convention)
    return {"learning_rate": opt.learning_rate, **opt.hyper}


def keras_arguments(name: str, learning_rate: float | None = None, **hyper: Any) -> tuple[str, dict[str, Any]]:
    """The ``keras.optimizers`` class name and keyword arguments that match ``get(name, convention="keras")``."""
    opt = get(name, learning_rate=learning_rate, convention="keras", **hyper)
    h, lr = opt.hyper, opt.learning_rate
    if name == "sgd":
        return "SGD", {"learning_rate": lr}
    if name in ("momentum", "nesterov"):
        return "SGD", {"learning_rate": lr, "momentum": h["momentum"], "nesterov": name == "nesterov"}
    if name == "adagrad":
        return "Adagrad", {"learning_rate": lr, "initial_accumulator_value": h["initial_accumulator_value"],
                           "epsilon": h["epsilon"]}
    if name == "rmsprop":
        return "RMSprop", {"learning_rate": lr, "rho": h["rho"], "momentum": h["momentum"], "epsilon": h["epsilon"]}
    if not h["bias_correction"]:
        raise ValueError("keras.optimizers.Adam always corrects the bias; there is no Keras twin without it")
    return "Adam", {"learning_rate": lr, "beta_1": h["beta_1"], "beta_2": h["beta_2"], "epsilon": h["epsilon"]}


def run_steps(opt: Optimizer, params, grads: Sequence) -> list:
    """Apply ``opt`` to a sequence of gradients; return the parameters after each step."""
    out = []
    for g in grads:
        params = opt.step(params, g)
        out.append(params)
    return out

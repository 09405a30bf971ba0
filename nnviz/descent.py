"""Gradient descent on a surface: trajectories, divergence, what happened, learning-rate sweeps.

``run`` walks an optimizer over a surface from a start for N steps and returns
a frozen :class:`Run` (every point, cost, gradient and update). A run stops at
the first step whose point is not finite or leaves the surface's divergence box
(``surface.limit``): ``diverged_at`` is that step and every array holds only the
finite points before it, so charts can draw it as is. No NumPy warning escapes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Sequence

import numpy as np

from nnviz import optimizers, surfaces
from nnviz.optimizers import Optimizer
from nnviz.surfaces import Surface1D, Surface2D

MAX_STEPS = 100_000
RACE_TOLERANCE = 1e-3  # how close to the lowest cost counts as arrived, in the race's table


@dataclass(frozen=True)
class Run:
    """One descent: the points visited and what the optimizer saw and did at each.

    ``trajectory[i]`` is the point after i steps (``trajectory[0]`` the start),
    ``costs[i]`` and ``gradients[i]`` are C and ∇C there, ``updates[i]`` is the
    step from point i to point i + 1, ``velocities[i]`` the optimizer's momentum
    memory after that step (``None`` if it keeps none). A run that diverged at
    step k holds points 0 … k − 1.
    """

    surface: str
    optimizer: str
    learning_rate: float
    steps: int
    trajectory: np.ndarray
    costs: np.ndarray
    gradients: np.ndarray
    updates: np.ndarray
    velocities: np.ndarray | None
    diverged: bool
    diverged_at: int | None

    @property
    def final(self) -> np.ndarray:
        return self.trajectory[-1]

    @property
    def final_cost(self) -> float:
        return float(self.costs[-1])

    @property
    def steps_taken(self) -> int:
        return len(self.trajectory) - 1

    def steps_to_reach(self, target_cost: float) -> int | None:
        """The first step whose cost is at or below ``target_cost`` (``None`` if never)."""
        hits = np.flatnonzero(self.costs <= target_cost)
        return int(hits[0]) if hits.size else None


def _resolve_surface(surface) -> Surface1D | Surface2D:
    return surfaces.get(surface) if isinstance(surface, str) else surface


def _resolve_optimizer(optimizer, learning_rate, convention, hyper) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        if learning_rate is not None or hyper:
            raise ValueError("pass hyper-parameters either to the optimizer or to run(), not both")
        optimizer.reset()
        return optimizer
    return optimizers.get(optimizer, learning_rate=learning_rate, convention=convention, **hyper)


def _check_steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS}; got {steps!r}")
    return int(steps)


def _check_start(surface, start) -> np.ndarray:
    p = np.asarray(surface.start if start is None else start, dtype=float).reshape(-1)
    if p.size != surface.dim:
        raise ValueError(f"{surface.name} has {surface.dim} weight(s); the start has {p.size} value(s)")
    if not surface.inside(p):
        raise ValueError(f"the start {tuple(p.tolist())} is outside the area {surface.limit} of {surface.name}")
    return p


def run(surface, optimizer="sgd", start: Sequence[float] | None = None, steps: int = 100,
        learning_rate: float | None = None, convention: str = "paper", **hyper: Any) -> Run:
    """Run ``optimizer`` on ``surface`` from ``start`` for ``steps`` steps.

    Parameters
    ----------
    surface : str or Surface1D or Surface2D
    optimizer : str or Optimizer
        A registry name (hyper-parameters from ``learning_rate`` and ``**hyper``)
        or an optimizer object, which is reset first.
    start : sequence of float, optional
        The first point (default: the surface's suggested start).
    steps : int
        How many updates to make.
    """
    s = _resolve_surface(surface)
    opt = _resolve_optimizer(optimizer, learning_rate, convention, hyper)
    n = _check_steps(steps)
    p = _check_start(s, start)
    points, costs, grads, updates, velocities = [p], [s.cost(p)], [s.grad(p)], [], []
    if not (math.isfinite(costs[0]) and np.all(np.isfinite(grads[0]))):
        raise ValueError(f"the cost of {s.name} is not finite at the start {tuple(p.tolist())}")
    diverged_at = None
    box = s.limit  # computed once: the loop below is the page's hot path
    # A step that flies off can overflow; each result is checked right after it is made, so the loop
    # runs with those warnings silenced (one errstate for the whole loop: per step it cost 5 µs of 20).
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for t in range(1, n + 1):
            new = opt.step(points[-1], grads[-1])
            ok = s.inside(new, box)
            cost = s.cost(new) if ok else math.nan
            grad = s.grad(new) if ok else None
            if not ok or not math.isfinite(cost) or not all(map(math.isfinite, grad.tolist())):
                diverged_at = t
                break
            updates.append(new - points[-1])
            if opt.has_velocity:
                velocities.append(np.array(opt.velocity, dtype=float))
            points.append(new)
            costs.append(cost)
            grads.append(grad)
    dim = s.dim
    return Run(
        surface=s.name, optimizer=opt.name, learning_rate=opt.learning_rate, steps=n,
        trajectory=_frozen(np.array(points).reshape(-1, dim)),
        costs=_frozen(np.array(costs, dtype=float)),
        gradients=_frozen(np.array(grads).reshape(-1, dim)),
        updates=_frozen(np.array(updates, dtype=float).reshape(-1, dim)),
        velocities=_frozen(np.array(velocities).reshape(-1, dim)) if opt.has_velocity else None,
        diverged=diverged_at is not None, diverged_at=diverged_at,
    )


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# ---------------------------------------------------------------------------- what happened (1-D)
@dataclass(frozen=True)
class Outcome:
    """What a 1-D run did, named for the lesson."""

    kind: str  # converged | oscillating | too_slow | stuck_local | diverging | diverged
    message: str
    step: int | None = None

    @property
    def level(self) -> str:
        """How the message reads: "success" (converged), "error" (diverging, diverged), else "warning"."""
        return {"converged": "success", "diverging": "error", "diverged": "error"}.get(self.kind, "warning")


def _tolerance(surface) -> float:
    (lo, hi), = surface.bounds[:1]
    return 1e-3 * (hi - lo)


def classify(result: Run, surface=None, tolerance: float | None = None) -> Outcome:
    """Name what a 1-D run did: converged, oscillating, too slow, stuck in a local minimum, diverged.

    ``tolerance`` is how close to a minimum counts as reached (default: 0.1 % of the plot's width).
    """
    s = _resolve_surface(surface if surface is not None else result.surface)
    if s.dim != 1:
        raise ValueError("classify names what happens in one dimension; pick a 1-D surface")
    tol = _tolerance(s) if tolerance is None else tolerance
    if result.diverged:
        return Outcome("diverged", f"Diverged at step {result.diverged_at}: the steps grew until w left the "
                                   f"chart far behind (the learning rate is too large).", result.diverged_at)
    w = result.trajectory[:, 0]
    if result.steps_taken == 0:
        return Outcome("too_slow", "No steps taken yet.")
    target, distance = s.nearest_minimum(w[-1])
    u = result.updates[:, 0]
    flips = np.sign(u[1:]) * np.sign(u[:-1]) < 0
    alternating = flips.size >= 3 and flips[-min(flips.size, 10):].mean() >= 0.8
    start_gap = abs(w[0] - target[0])
    if alternating and distance > start_gap and result.costs[-1] > result.costs[0]:
        return Outcome("diverging", "Diverging: every step overshoots the minimum by more than the last, "
                                    "so the cost grows (the learning rate is above the stable bound).")
    close = np.abs(w - target[0]) <= tol
    reached = None
    if close[-1]:
        # the first step after which the run stays within the tolerance
        outside = np.flatnonzero(~close)
        reached = int(outside[-1] + 1) if outside.size else 0
    is_local = target in s.local_minima
    if reached is not None and is_local:
        best = s.minima[0][0]
        return Outcome("stuck_local", f"Stuck in a local minimum: w settled at {target[0]:g} by step {reached}, "
                                      f"but the lowest cost is at w = {best:g}.", reached)
    if alternating:
        tail = (f"it settles at w = {target[0]:g} by step {reached}." if reached is not None
                else f"after {result.steps_taken} steps it is still {distance:.3g} from w = {target[0]:g}.")
        return Outcome("oscillating", "Oscillating: each step jumps over the minimum to the other side; " + tail,
                       reached)
    if reached is not None:
        return Outcome("converged", f"Converged: w reached {target[0]:g} (within {tol:g}) at step {reached}.",
                       reached)
    slope = float(result.gradients[-1, 0])
    flat = (f" The slope there is only C'(w) = {slope:.2g}: a flat stretch where the steps are tiny."
            if abs(slope) < 0.05 * max(abs(float(result.gradients[0, 0])), 1e-12) else "")
    return Outcome("too_slow", f"Too slow: after {result.steps_taken} steps w = {w[-1]:.4g}, still {distance:.3g} "
                               f"from the minimum at w = {target[0]:g}.{flat}")


# ---------------------------------------------------------------------------- learning-rate sweep
@dataclass(frozen=True)
class Sweep:
    """Final cost after N steps against the learning rate: the learning-rate range test.

    For a diverged learning rate ``final_costs`` holds the last finite cost
    before it diverged; ``diverged`` marks those.
    """

    surface: str
    optimizer: str
    learning_rates: np.ndarray
    final_costs: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray  # step of divergence, −1 where it did not diverge

    @property
    def first_diverging(self) -> float | None:
        """The smallest learning rate that diverged (``None`` if none did)."""
        hits = np.flatnonzero(self.diverged)
        return float(self.learning_rates[hits[0]]) if hits.size else None

    @property
    def best(self) -> float | None:
        """The learning rate with the lowest final cost among those that did not diverge."""
        ok = np.flatnonzero(~self.diverged)
        if not ok.size:
            return None
        return float(self.learning_rates[ok[np.argmin(self.final_costs[ok])]])


def sweep(surface, optimizer="sgd", start: Sequence[float] | None = None, steps: int = 100,
          learning_rates: Sequence[float] | None = None, convention: str = "paper", **hyper: Any) -> Sweep:
    """Run the same descent for each learning rate (default: 31 values from 1e-4 to 10, log-spaced)."""
    rates = np.logspace(-4, 1, 31) if learning_rates is None else np.asarray(learning_rates, dtype=float)
    if rates.ndim != 1 or rates.size == 0:
        raise ValueError("learning_rates must be a non-empty list of numbers")
    runs = [run(surface, optimizer, start, steps, learning_rate=float(lr), convention=convention, **hyper)
            for lr in rates]
    name = runs[0].surface
    return Sweep(
        surface=name, optimizer=runs[0].optimizer, learning_rates=_frozen(rates.copy()),
        final_costs=_frozen(np.array([r.final_cost for r in runs])),
        diverged=_frozen(np.array([r.diverged for r in runs])),
        diverged_at=_frozen(np.array([r.diverged_at if r.diverged else -1 for r in runs])),
    )


# ---------------------------------------------------------------------------- stochastic descent
@dataclass(frozen=True)
class Regression:
    """Noisy data y = w·x + b + noise and its quadratic cost C(w, b) = 1/(2n) Σ (w xᵢ + b − yᵢ)²."""

    x: np.ndarray
    y: np.ndarray
    true_w: float
    true_b: float
    surface: Surface2D

    def batch_gradient(self, w: float, b: float, index: np.ndarray) -> np.ndarray:
        """(∂C/∂w, ∂C/∂b) over the samples ``index`` only: the mini-batch's estimate of the gradient."""
        x, y = self.x[index], self.y[index]
        error = w * x + b - y
        return np.array([float(np.mean(error * x)), float(np.mean(error))])

    @property
    def least_squares(self) -> tuple[float, float]:
        return self.surface.minima[0]

    def predict(self, w: float, b: float, x=None) -> np.ndarray:
        """The line's outputs w·x + b (at the data's x by default)."""
        x = self.x if x is None else np.asarray(x, dtype=float)
        return w * x + b


def _regression_cost(stats, w, b):
    sxx, sx, sxy, sy, syy = stats
    return 0.5 * (w * w * sxx + 2 * w * b * sx + b * b - 2 * w * sxy - 2 * b * sy + syy)


def _regression_gradient(stats, w, b):
    sxx, sx, sxy, sy, _ = stats
    return w * sxx + b * sx - sxy, w * sx + b - sy


def regression_problem(n_samples: int = 100, noise: float = 0.5, seed: int = 0,
                       true_w: float = 2.0, true_b: float = -1.0) -> Regression:
    """A two-parameter linear regression on ``n_samples`` noisy points, x uniform in [−2, 2]."""
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 2:
        raise ValueError(f"n_samples must be a whole number >= 2; got {n_samples!r}")
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be >= 0; got {noise!r}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, n_samples)
    y = true_w * x + true_b + noise * rng.standard_normal(n_samples)
    # The cost is quadratic in (w, b): its sufficient statistics make the grid a few array operations.
    sxx, sx, sxy, sy, syy = (float(np.mean(v)) for v in (x * x, x, x * y, y, y * y))
    value = partial(_regression_cost, (sxx, sx, sxy, sy, syy))
    gradient = partial(_regression_gradient, (sxx, sx, sxy, sy, syy))
    w_star, b_star = np.linalg.solve(np.array([[sxx, sx], [sx, 1.0]]), np.array([sxy, sy]))
    w_star, b_star = float(w_star), float(b_star)
    surface = Surface2D(
        name="regression", label="Linear regression cost",
        latex=r"C(w, b) = \frac{1}{2n}\sum_i (w x_i + b - y_i)^2",
        bounds=((w_star - 4.0, w_star + 4.0), (b_star - 4.0, b_star + 4.0)),
        minima=((w_star, b_star),), start=(w_star - 3.5, b_star + 3.5),
        fn=value, gradient_fn=gradient,
    )
    return Regression(x=_frozen(x), y=_frozen(y), true_w=true_w, true_b=true_b, surface=surface)


@dataclass(frozen=True)
class StochasticRun:
    """Descent with gradients from mini-batches: one point per update, the full-batch cost at each."""

    batch_size: int
    label: str
    trajectory: np.ndarray
    costs: np.ndarray
    diverged: bool
    diverged_at: int | None


def stochastic_descent(problem: Regression, batch_sizes: Sequence[int | None] = (None, 1, 8, 32),
                       learning_rate: float = 0.1, steps: int = 100, start: Sequence[float] | None = None,
                       seed: int = 0) -> tuple[StochasticRun, ...]:
    """Plain SGD on ``problem`` for each batch size (``None`` = the full batch), the same number of updates.

    Each epoch shuffles the samples (seeded) and walks through them batch by
    batch; the noisier the batch's estimate of the gradient, the more the path wanders.
    """
    n = _check_steps(steps)
    s = problem.surface
    p0 = _check_start(s, start)
    size = problem.x.size
    out = []
    for batch in batch_sizes:
        b = size if batch is None else int(batch)
        if not 1 <= b <= size:
            raise ValueError(f"batch size must be from 1 to {size}; got {batch!r}")
        rng = np.random.default_rng(seed)
        opt = optimizers.get("sgd", learning_rate=learning_rate)
        order, cursor = rng.permutation(size), 0
        points, costs, diverged_at = [p0], [s.cost(p0)], None
        for t in range(1, n + 1):
            if cursor + b > size:
                order, cursor = rng.permutation(size), 0
            index = order[cursor:cursor + b]
            cursor += b
            with np.errstate(over="ignore", invalid="ignore"):
                new = opt.step(points[-1], problem.batch_gradient(points[-1][0], points[-1][1], index))
                ok = s.inside(new)
                cost = s.cost(new) if ok else math.nan
            if not ok or not math.isfinite(cost):
                diverged_at = t
                break
            points.append(new)
            costs.append(cost)
        label = "full batch" if b == size else f"batch {b}"
        out.append(StochasticRun(batch_size=b, label=label, trajectory=_frozen(np.array(points)),
                                 costs=_frozen(np.array(costs)), diverged=diverged_at is not None,
                                 diverged_at=diverged_at))
    return tuple(out)


# ---------------------------------------------------------------------------- what the charts draw
def tangents(result: Run, half_width: float) -> np.ndarray:
    """The tangent line at each point of a 1-D run: ``out[i] = [[w − h, w + h], [C − hC', C + hC']]``."""
    if result.trajectory.shape[1] != 1:
        raise ValueError("tangents are drawn for one weight only")
    w, c, g = result.trajectory[:, 0], result.costs, result.gradients[:, 0]
    h = float(half_width)
    xs = np.stack([w - h, w + h], axis=1)
    ys = np.stack([c - h * g, c + h * g], axis=1)
    return np.stack([xs, ys], axis=1)


def cost_gap(result: Run, surface=None, floor: float = 1e-12) -> np.ndarray:
    """C − C_min at each step (at least ``floor``), the quantity a log-scale cost plot can show."""
    s = _resolve_surface(surface if surface is not None else result.surface)
    return np.maximum(result.costs - s.min_value, floor)


def sweep_gap(result: Sweep, surface=None, floor: float = 1e-12) -> np.ndarray:
    """The sweep's final costs as C − C_min (at least ``floor``), for a log-scale plot."""
    s = _resolve_surface(surface if surface is not None else result.surface)
    return np.maximum(result.final_costs - s.min_value, floor)


@dataclass(frozen=True)
class Arrows:
    """What one step of one optimizer was made of, as vectors in the weights' plane (parameter units).

    ``gradient_step`` is −η∇C (where plain SGD would have gone); ``momentum`` is the
    optimizer's memory as a step: for momentum and Nesterov what the velocity adds
    on top of the gradient step (μv), for Adam −η·m (its running mean of gradients),
    for RMSprop its momentum buffer; ``None`` if it keeps none. ``update`` is the
    step actually taken.
    """

    step: int
    point: np.ndarray
    gradient: np.ndarray
    gradient_step: np.ndarray
    momentum: np.ndarray | None
    update: np.ndarray


def arrows(result: Run, step: int) -> Arrows:
    """The arrow view of step ``step`` (1 … steps taken): from point step − 1 to point step."""
    if not 1 <= step <= result.steps_taken:
        raise ValueError(f"step must be from 1 to {result.steps_taken}; got {step}")
    i = step - 1
    g = result.gradients[i]
    momentum = None
    if result.velocities is not None:
        if result.optimizer in ("momentum", "nesterov"):
            # what the remembered velocity added on top of the plain gradient step (μv)
            momentum = result.updates[i] + result.learning_rate * g
        elif result.optimizer == "adam":
            momentum = -result.learning_rate * result.velocities[i]  # the first moment m, as a step
        else:
            momentum = result.velocities[i].copy()
    return Arrows(step=step, point=result.trajectory[i].copy(), gradient=g.copy(),
                  gradient_step=-result.learning_rate * g, momentum=momentum, update=result.updates[i].copy())


def summarise(result: Run, surface=None, tolerance: float = 1e-3) -> dict:
    """One row of the race table: final cost, distance to the nearest minimum, steps until
    C − C_min ≤ ``tolerance`` (``None`` if never), and where it diverged."""
    s = _resolve_surface(surface if surface is not None else result.surface)
    _, distance = s.nearest_minimum(result.final)
    return {
        "final_cost": result.final_cost,
        "distance": distance,
        "steps_to_tolerance": result.steps_to_reach(s.min_value + tolerance),
        "diverged_at": result.diverged_at,
    }


def log_options(low: float, high: float, per_decade: int = 20) -> tuple[float, ...]:
    """Log-spaced values from ``low`` to ``high`` rounded to 3 significant digits (a log slider's stops)."""
    if not (0 < low < high) or per_decade < 1:
        raise ValueError("need 0 < low < high and per_decade >= 1")
    k0, k1 = round(math.log10(low) * per_decade), round(math.log10(high) * per_decade)
    return tuple(float(f"{10 ** (k / per_decade):.3g}") for k in range(k0, k1 + 1))


# ---------------------------------------------------------------------------- the lesson's numbers in words
def stability_latex(surface: Surface1D, learning_rate: float) -> str:
    """The stable bound η < 2/C″ of a 1-D cost with its numbers, beside the learning rate set and ηC″."""
    curvature, bound = surface.curvature_at_minimum, surface.stable_learning_rate
    return (rf"\eta < \frac{{2}}{{C''}} = \frac{{2}}{{{curvature:.3g}}} = {bound:.3g}"
            rf"\qquad \text{{your }} \eta = {learning_rate:g},\quad \eta\,C'' = {learning_rate * curvature:.3g}")


def stability_note(surface: Surface1D) -> str:
    """Where C″ holds and what each step does to the distance to the minimum."""
    where = "everywhere" if surface.is_quadratic else f"at the minimum w* = {surface.minima[0][0]:g}"
    return (f"C″ = {surface.curvature_at_minimum:.3g} {where}. Each step multiplies the distance to the minimum "
            "by (1 − ηC″): below 1 in size it shrinks (if ηC″ > 1 it flips side each step: oscillation), "
            "above 2/C″ it grows.")


def race_table(runs: dict[str, Run], surface, tolerance: float = RACE_TOLERANCE) -> str:
    """The race's results as a Markdown table, one row per optimizer (``runs``: registry name -> run)."""
    s = _resolve_surface(surface)
    lines = [f"| optimizer | η | final cost | distance to nearest minimum | steps to C − C_min ≤ {tolerance:g} "
             "| diverged |", "|---|---|---|---|---|---|"]
    for name, r in runs.items():
        row = summarise(r, s, tolerance)
        reached = "never" if row["steps_to_tolerance"] is None else row["steps_to_tolerance"]
        gone = f"at step {row['diverged_at']}" if row["diverged_at"] else "no"
        lines.append(f"| {optimizers.LABELS[name]} | {r.learning_rate:g} | {row['final_cost']:.4g} | "
                     f"{row['distance']:.4g} | {reached} | {gone} |")
    return "\n".join(lines)


def diverged_message(result: Run) -> str:
    """What a racer that diverged did, and what to change."""
    return (f"{optimizers.LABELS[result.optimizer]} diverged at step {result.diverged_at}: its steps flew off the "
            "map, so its path stops there. Lower its learning rate.")


def arrow_step(result: Run, wanted: int) -> tuple[int | None, str | None]:
    """The step the arrow view shows when step ``wanted`` is asked for, and a note when it is not that one.

    ``(None, why)`` when the run has no step to look at (it diverged at step 1); ``(k, note)`` with k the
    last step taken when the run is shorter than ``wanted``; ``(wanted, None)`` otherwise.
    """
    if result.steps_taken == 0:
        return None, (f"{optimizers.LABELS[result.optimizer]} diverged at step 1: there is no step to look at.")
    step = min(int(wanted), result.steps_taken)
    if step < wanted:
        return step, f"This run has {result.steps_taken} steps; showing step {step}."
    return step, None


def sweep_range_latex(result: Sweep) -> str:
    """The learning rates a range test ran, as a formula."""
    rates = result.learning_rates
    return (rf"\eta \in [{rates[0]:g},\ {rates[-1]:g}]:\ {len(rates)}"
            r"\ \text{runs, evenly spaced on a log scale}")


def sweep_verdict(result: Sweep) -> str:
    """What the range test found: the best learning rate and where the runs start to diverge."""
    best, first = result.best, result.first_diverging
    return ((f"Lowest final cost at η ≈ **{best:.3g}**. " if best is not None else "Every learning rate diverged. ")
            + (f"Runs diverge from η ≈ **{first:.3g}** on." if first is not None else "None of them diverged."))


def least_squares_note(problem: Regression) -> str:
    """The line the mini-batch paths head for, beside the one the data were made with."""
    w_ls, b_ls = problem.least_squares
    return (f"Least squares: w = {w_ls:.3f}, b = {b_ls:.3f} (the data were made with w = {problem.true_w:g}, "
            f"b = {problem.true_b:g} plus noise).")


# ---------------------------------------------------------------------------- the page's settings to runs
# Each optimizer's hyper-parameters and the gradient-descent page's setting that holds each, in the order the
# page draws them (its ε last, on a row of its own).
HYPER_SETTINGS = {
    "momentum": {"momentum": "mu_momentum"}, "nesterov": {"momentum": "mu_nesterov"},
    "adagrad": {"epsilon": "eps_adagrad"}, "rmsprop": {"rho": "rho", "epsilon": "eps_rmsprop"},
    "adam": {"beta_1": "beta_1", "beta_2": "beta_2", "bias_correction": "bias_correction", "epsilon": "eps_adam"},
}


def hyper_of(name: str, settings) -> tuple:
    """Optimizer ``name``'s hyper-parameters as set in ``settings`` (the page's), sorted pairs: hashable."""
    return tuple(sorted((hyper, getattr(settings, field)) for hyper, field in HYPER_SETTINGS.get(name, {}).items()))


def convention_of(settings) -> str:
    """The update rules' form the page's *Keras's formulas* switch picks."""
    return "keras" if settings.keras else "paper"


def run_args(name: str, settings) -> tuple:
    """What :func:`run` is given for racer ``name`` on the page's surface, start and steps, as a hashable tuple:
    ``(surface, optimizer, start, steps, learning_rate, convention, hyper)``."""
    return (settings.surface, name, (float(settings.x0), float(settings.y0)), int(settings.race_steps),
            float(getattr(settings, f"lr_{name}")), convention_of(settings), hyper_of(name, settings))


def sweep_args(settings) -> tuple:
    """What :func:`sweep` is given for the page's range test: ``(surface, optimizer, start, steps, convention,
    hyper)``."""
    name = settings.sweep_optimizer
    return (settings.surface, name, (float(settings.x0), float(settings.y0)), int(settings.sweep_steps),
            convention_of(settings), hyper_of(name, settings))

"""Cost surfaces for the gradient-descent lessons: 1-D curves C(w) and 2-D landscapes C(x, y).

Each surface carries its value, its analytic gradient (and, in 1-D, the
second derivative that sets the stable learning rate), its known minima, the
box worth plotting and a larger box beyond which a run counts as diverged.
Values and gradients are vectorised: pass arrays of any (matching) shape,
e.g. a meshgrid for a contour plot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
from numpy.polynomial import Polynomial

Bounds = tuple[tuple[float, float], ...]

# How far past the plotted box a run may wander before it counts as diverged,
# in half-widths of the box measured from its centre.
LIMIT_FACTOR = 10.0


@dataclass(frozen=True)
class _Surface:
    name: str
    label: str
    latex: str
    bounds: Bounds
    minima: tuple[tuple[float, ...], ...]
    start: tuple[float, ...]
    note: str = ""

    @property
    def dim(self) -> int:
        return len(self.bounds)

    @property
    def short_label(self) -> str:
        """The surface's name without the formula some labels carry after two spaces."""
        return self.label.split("  ")[0]

    @property
    def limit(self) -> Bounds:
        """The box beyond which a descent run counts as diverged."""
        out = []
        for lo, hi in self.bounds:
            centre, half = (lo + hi) / 2, (hi - lo) / 2
            out.append((centre - LIMIT_FACTOR * half, centre + LIMIT_FACTOR * half))
        return tuple(out)

    def inside(self, point, box: Bounds | None = None) -> bool:
        """Whether ``point`` is finite and inside ``box`` (default: the divergence limit)."""
        box = self.limit if box is None else box
        # NaN fails every comparison and ±inf is outside any finite box, so this also checks finiteness.
        for v, (lo, hi) in zip(np.asarray(point, dtype=float).reshape(-1).tolist(), box):
            if not lo <= v <= hi:
                return False
        return True

    def nearest_minimum(self, point) -> tuple[tuple[float, ...] | None, float]:
        """The known minimum closest to ``point`` and the distance to it (``None, inf`` if none)."""
        if not self.minima:
            return None, float("inf")
        p = np.asarray(point, dtype=float).reshape(-1)
        distances = [float(np.linalg.norm(p - np.asarray(m))) for m in self.minima]
        i = int(np.argmin(distances))
        return self.minima[i], distances[i]

    @property
    def min_value(self) -> float:
        """The lowest cost among the known minima."""
        return min(self.cost(np.asarray(m)) for m in self.minima)


@dataclass(frozen=True)
class Surface1D(_Surface):
    """A cost C(w) of one weight, with C'(w) and C''(w)."""

    fn: Callable = field(default=None, repr=False)
    d1: Callable = field(default=None, repr=False)
    d2: Callable = field(default=None, repr=False)
    derivative_latex: str = ""
    local_minima: tuple[tuple[float, ...], ...] = ()

    def value(self, w):
        """C(w), elementwise."""
        return self.fn(np.asarray(w, dtype=float))

    def derivative(self, w):
        """C'(w), the slope of the tangent."""
        return self.d1(np.asarray(w, dtype=float))

    def second_derivative(self, w):
        """C''(w), the curvature."""
        return self.d2(np.asarray(w, dtype=float))

    def cost(self, point) -> float:
        return float(self.value(np.asarray(point, dtype=float).reshape(-1)[0]))

    def grad(self, point) -> np.ndarray:
        return np.array([float(self.derivative(np.asarray(point, dtype=float).reshape(-1)[0]))])

    @property
    def all_minima(self) -> tuple[tuple[float, ...], ...]:
        """Global minima first, then the local ones."""
        return self.minima + self.local_minima

    def nearest_minimum(self, point):
        p = float(np.asarray(point, dtype=float).reshape(-1)[0])
        best = min(self.all_minima, key=lambda m: abs(p - m[0]))
        return best, abs(p - best[0])

    @property
    def curvature_at_minimum(self) -> float:
        """C'' at the global minimum."""
        return float(self.second_derivative(self.minima[0][0]))

    @property
    def stable_learning_rate(self) -> float:
        """The bound η < 2 / C''(w*): above it, steps near the minimum overshoot further each time."""
        return 2.0 / self.curvature_at_minimum

    @property
    def is_quadratic(self) -> bool:
        return self.name == "parabola"


@dataclass(frozen=True)
class Surface2D(_Surface):
    """A cost C(x, y) of two weights with its analytic gradient."""

    fn: Callable = field(default=None, repr=False)
    gradient_fn: Callable = field(default=None, repr=False)
    saddle_points: tuple[tuple[float, ...], ...] = ()
    log_contours: bool = False

    def value(self, x, y):
        """C(x, y), elementwise over arrays of the same shape."""
        return self.fn(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    def gradient(self, x, y):
        """(∂C/∂x, ∂C/∂y), elementwise."""
        return self.gradient_fn(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    # One point at a time (a descent run's hot loop): x and y are NumPy float64 scalars, which overflow to
    # inf like arrays do, and cost a fraction of 0-d arrays' overhead.
    def cost(self, point) -> float:
        x, y = np.asarray(point, dtype=float).reshape(-1)
        return float(self.fn(x, y))

    def grad(self, point) -> np.ndarray:
        x, y = np.asarray(point, dtype=float).reshape(-1)
        gx, gy = self.gradient_fn(x, y)
        return np.array([float(gx), float(gy)])


# ---------------------------------------------------------------------------- 1-D
def _poly_surface(poly: Polynomial):
    d1, d2 = poly.deriv(1), poly.deriv(2)
    return poly, d1, d2


# Two minima (w = −2 global, w = 1.5 local) with a flat shoulder at w = 3 (a double root of C').
_TWO = 0.05 * Polynomial.fromroots([-2.0, 0.0, 1.5, 3.0, 3.0]).integ()
_TWO = _TWO - _TWO(-2.0)
_TWO_C, _TWO_D1, _TWO_D2 = _poly_surface(_TWO)


def _exp_clipped(w):
    # e^(w − 1) for the asymmetric bowl; the exponent is clipped so a run far out never overflows.
    return np.exp(np.minimum(w - 1.0, 700.0))


_ONE_D = (
    Surface1D(
        name="parabola", label="Parabola  C(w) = (w − 2)²",
        latex=r"C(w) = (w - 2)^2", derivative_latex=r"C'(w) = 2(w - 2), \quad C'' = 2",
        bounds=((-3.0, 7.0),), minima=((2.0,),), start=(-2.0,),
        fn=lambda w: (w - 2.0) ** 2, d1=lambda w: 2.0 * (w - 2.0), d2=lambda w: np.full_like(w, 2.0),
        note="A quadratic: the curvature is the same everywhere, so one learning rate bound holds everywhere.",
    ),
    Surface1D(
        name="asymmetric_bowl", label="Asymmetric bowl  C(w) = e^(w−1) − w",
        latex=r"C(w) = e^{\,w-1} - w", derivative_latex=r"C'(w) = e^{\,w-1} - 1, \quad C''(w) = e^{\,w-1}",
        bounds=((-4.0, 3.0),), minima=((1.0,),), start=(-3.5,),
        fn=lambda w: _exp_clipped(w) - w, d1=lambda w: _exp_clipped(w) - 1.0, d2=_exp_clipped,
        note="A steep wall on the right, a gentle slope on the left: one learning rate is too big on one side "
             "and too small on the other.",
    ),
    Surface1D(
        name="two_minima", label="Two minima and a flat shoulder",
        latex=r"C'(w) = \tfrac{1}{20}\,(w+2)\,w\,(w-1.5)\,(w-3)^2",
        derivative_latex=r"C'(w) = \tfrac{1}{20}\,(w+2)\,w\,(w-1.5)\,(w-3)^2",
        bounds=((-3.0, 4.2),), minima=((-2.0,),), local_minima=((1.5,),), start=(3.9,),
        fn=_TWO_C, d1=_TWO_D1, d2=_TWO_D2,
        note="The global minimum at w = −2, a local one at w = 1.5, and a flat shoulder at w = 3 where the "
             "slope vanishes without a minimum.",
    ),
)


# ---------------------------------------------------------------------------- 2-D
def _bowl(x, y):
    return x * x + y * y


def _bowl_grad(x, y):
    return 2.0 * x, 2.0 * y


def _valley(x, y):
    return 0.1 * x * x + 2.0 * y * y


def _valley_grad(x, y):
    return 0.2 * x, 4.0 * y


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    r = y - x * x
    return -2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r


def _beale_terms(x, y):
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y * y
    c = 2.625 - x + x * y ** 3
    return a, b, c


def _beale(x, y):
    a, b, c = _beale_terms(x, y)
    return a * a + b * b + c * c


def _beale_grad(x, y):
    a, b, c = _beale_terms(x, y)
    gx = 2.0 * a * (y - 1.0) + 2.0 * b * (y * y - 1.0) + 2.0 * c * (y ** 3 - 1.0)
    gy = 2.0 * a * x + 4.0 * b * x * y + 6.0 * c * x * y * y
    return gx, gy


def _himmelblau(x, y):
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def _himmelblau_grad(x, y):
    p, q = x * x + y - 11.0, x + y * y - 7.0
    return 4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q


def _saddle(x, y):
    return x * x - y * y + 0.25 * y ** 4


def _saddle_grad(x, y):
    return 2.0 * x, -2.0 * y + y ** 3


def _banana(x, y):
    return (1.0 - x) ** 2 + 20.0 * (3.0 * y - x * x) ** 2


def _banana_grad(x, y):
    r = 3.0 * y - x * x
    return -2.0 * (1.0 - x) - 80.0 * x * r, 120.0 * r


_SQRT2 = float(np.sqrt(2.0))

_TWO_D = (
    Surface2D(
        name="bowl", label="Round bowl", latex=r"C(x, y) = x^2 + y^2",
        bounds=((-3.0, 3.0), (-3.0, 3.0)), minima=((0.0, 0.0),), start=(-2.5, 2.0),
        fn=_bowl, gradient_fn=_bowl_grad,
        note="Every direction curves the same: the gradient points straight at the minimum.",
    ),
    Surface2D(
        name="valley", label="Elongated valley", latex=r"C(x, y) = 0.1\,x^2 + 2\,y^2",
        bounds=((-5.0, 5.0), (-2.5, 2.5)), minima=((0.0, 0.0),), start=(-4.5, 1.5),
        fn=_valley, gradient_fn=_valley_grad,
        note="Steep across, flat along (curvatures 4 and 0.2): plain gradient descent zig-zags across the "
             "valley and crawls along it.",
    ),
    Surface2D(
        name="rosenbrock", label="Rosenbrock", latex=r"C(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        bounds=((-2.0, 2.0), (-1.0, 3.0)), minima=((1.0, 1.0),), start=(-1.2, 1.0), log_contours=True,
        fn=_rosenbrock, gradient_fn=_rosenbrock_grad,
        note="A curved, nearly flat valley floor: easy to reach the valley, slow to follow it to (1, 1).",
    ),
    Surface2D(
        name="beale", label="Beale",
        latex=r"C(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        bounds=((-4.5, 4.5), (-4.5, 4.5)), minima=((3.0, 0.5),), start=(1.0, 1.5), log_contours=True,
        fn=_beale, gradient_fn=_beale_grad,
        note="Flat plateaus and sharp ridges: gradients range over five orders of magnitude.",
    ),
    Surface2D(
        name="himmelblau", label="Himmelblau", latex=r"C(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)),
        start=(0.0, -0.5), log_contours=True,
        fn=_himmelblau, gradient_fn=_himmelblau_grad,
        note="Four equally deep minima: which one a run reaches depends on where it starts.",
    ),
    Surface2D(
        name="saddle", label="Saddle point", latex=r"C(x, y) = x^2 - y^2 + \tfrac{1}{4}\,y^4",
        bounds=((-2.0, 2.0), (-2.5, 2.5)), minima=((0.0, _SQRT2), (0.0, -_SQRT2)), start=(-1.8, 0.01),
        saddle_points=((0.0, 0.0),),
        fn=_saddle, gradient_fn=_saddle_grad,
        note="At (0, 0) the slope vanishes but it is no minimum: downhill along y, uphill along x. A run "
             "started near y = 0 lingers at the saddle before it escapes.",
    ),
    Surface2D(
        name="banana", label="Distill's banana", latex=r"C(x, y) = (1 - x)^2 + 20\,(3y - x^2)^2",
        bounds=((-2.0, 2.0), (-1.0, 1.5)), minima=((1.0, 1.0 / 3.0),), start=(-1.5, 1.2), log_contours=True,
        fn=_banana, gradient_fn=_banana_grad,
        note="A bent valley like Rosenbrock's but milder, as in Distill's 'Why Momentum Really Works'.",
    ),
)

_REGISTRY: dict[str, Surface1D | Surface2D] = {s.name: s for s in _ONE_D + _TWO_D}
NAMES_1D: tuple[str, ...] = tuple(s.name for s in _ONE_D)
NAMES_2D: tuple[str, ...] = tuple(s.name for s in _TWO_D)
NAMES: tuple[str, ...] = NAMES_1D + NAMES_2D
LABELS: dict[str, str] = {name: surface.label for name, surface in _REGISTRY.items()}


def get(name: str) -> Surface1D | Surface2D:
    """A surface by name (1-D: parabola, asymmetric_bowl, two_minima; 2-D: the rest)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown surface {name!r}; choose one of: {', '.join(_REGISTRY)}") from None


@lru_cache(maxsize=32)
def _grid(name: str, n: int) -> tuple[np.ndarray, ...]:
    return sample(get(name), n)


def sample(surface: Surface1D | Surface2D, n: int = 121) -> tuple[np.ndarray, ...]:
    """Any surface sampled over its plot box (not cached; :func:`grid` caches the registry's)."""
    if surface.dim == 1:
        (lo, hi), = surface.bounds
        w = np.linspace(lo, hi, n)
        out = (w, surface.value(w))
    else:
        (x0, x1), (y0, y1) = surface.bounds
        xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        X, Y = np.meshgrid(xs, ys)
        out = (xs, ys, surface.value(X, Y))
    for a in out:
        a.setflags(write=False)
    return out


def grid(name: str, n: int = 121) -> tuple[np.ndarray, ...]:
    """The surface sampled over its plot box (cached, read-only).

    1-D: ``(w, C)``; 2-D: ``(xs, ys, Z)`` with ``Z[i, j] = C(xs[j], ys[i])`` (Plotly's layout).
    """
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"grid size must be an integer >= 2; got {n!r}")
    return _grid(name, n)


@lru_cache(maxsize=32)
def _contour_grid(name: str, n: int) -> tuple:
    surface = get(name)
    xs, ys, Z = _grid(name, n)
    shown = shown_height(surface, Z)
    shown.setflags(write=False)
    return xs, ys, shown, height_label(surface)


def shown_height(surface: Surface1D | Surface2D, costs) -> np.ndarray:
    """Costs on the scale the contour colours use: log₁₀(C − C_min + 0.001) where walls are steep, else C."""
    costs = np.asarray(costs, dtype=float)
    if getattr(surface, "log_contours", False):
        # Steep walls would take every colour; log10 of the height above the minimum spreads them out.
        return np.log10(np.maximum(costs - surface.min_value, 0.0) + 1e-3)
    return np.array(costs)


def height_label(surface: Surface1D | Surface2D) -> str:
    return "log₁₀(C − C_min)" if getattr(surface, "log_contours", False) else "C"


def contour_grid(name: str, n: int = 121) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """A 2-D surface ready to colour: ``(xs, ys, Z_shown, label)``, log-scaled where walls are steep (cached)."""
    if get(name).dim != 2:
        raise ValueError(f"{name} is a 1-D cost; a contour needs a 2-D surface")
    grid(name, n)  # validates n
    return _contour_grid(name, n)


def widest_box(names) -> Bounds:
    """The smallest box holding the plot boxes of every surface in ``names`` (all of one dimension)."""
    boxes = [get(name).bounds for name in names]
    if not boxes or len({len(b) for b in boxes}) != 1:
        raise ValueError("widest_box needs one or more surfaces of the same dimension")
    return tuple((min(b[axis][0] for b in boxes), max(b[axis][1] for b in boxes)) for axis in range(len(boxes[0])))


def snap_start(surface: Surface1D | Surface2D, point, digits: int = 2) -> tuple[float, ...]:
    """A point picked on a plot as a start: rounded to ``digits`` decimals (the start sliders' step) and
    kept inside the plot box."""
    return tuple(min(max(round(float(v), digits), lo), hi)
                 for v, (lo, hi) in zip(np.asarray(point, dtype=float).reshape(-1).tolist(), surface.bounds))

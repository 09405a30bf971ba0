"""Figures built from plain dicts, without Plotly's per-property validation at run time.

Building a ``go.Figure`` property by property validates every value and costs
5–15 ms per figure (about 7 ms of it for applying a template), which alone
would break the 50 ms rerun budget of a page with four charts. The lesson pages'
builders write their figure as a dict and wrap it with ``_validate=False``
(under 1 ms); their tests re-validate every figure with ``go.Figure(fig.to_dict())``,
so a typo in a property still fails loudly, just in the tests instead of on every rerun.
The house style is :func:`nnviz.charts.palette.layout`'s, as a dict.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import convert_to_base64

from nnviz.charts import palette

_TEMPLATES: dict[str, dict] = {}


def _default_template() -> dict:
    # Plotly would validate the default template into every new figure (about 1 ms each);
    # Streamlit sets the default to its own theme at import, so cache by name.
    name = pio.templates.default
    if name not in _TEMPLATES:
        _TEMPLATES[name] = pio.templates[name].to_plotly_json() if name else {}
    return _TEMPLATES[name]


def layout(title: str, x: str, y: str, height: int = palette.HEIGHT, **extra) -> dict:
    """The house layout (same values as :func:`palette.layout`) plus any extra keys."""
    base = dict(
        title=dict(text=title), xaxis=dict(title=dict(text=x)), yaxis=dict(title=dict(text=y)),
        height=height, colorway=list(palette.SEQUENCE), margin=dict(l=50, r=20, t=50, b=45),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
    )
    for name, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(name), dict):
            base[name] = {**base[name], **value}
        else:
            base[name] = value
    return base


def edge_label(start: tuple, end: tuple, text: str, colour: str, width: float, at: float = 0.5,
               size: int = 12) -> dict:
    """An annotation naming an edge of a network drawing, beside the edge instead of over it.

    The label's corner touches the edge at ``at`` of its length, on the side the edge leaves clear: above and
    to the right of an edge that falls to the right, below and to the right of one that rises, below a level
    one; ``width`` (px) is the edge's, so a thick edge pushes its label further. Its box has the edge's colour
    as its border, on the faint veil legends use (readable in the light and the dark theme).
    """
    (x0, y0), (x1, y1) = start, end
    lift = 3 + width / 2
    if y1 < y0:
        anchor = dict(xanchor="left", yanchor="bottom", xshift=2, yshift=lift)
    elif y1 > y0:
        anchor = dict(xanchor="left", yanchor="top", xshift=2, yshift=-lift)
    else:  # below: a neuron's own numbers are written above it, level with a level edge's label
        anchor = dict(xanchor="center", yanchor="top", yshift=-lift)
    return dict(x=x0 + at * (x1 - x0), y=y0 + at * (y1 - y0), text=text, showarrow=False, font=dict(size=size),
                bgcolor=palette.LEGEND_BG, bordercolor=colour, borderwidth=1, borderpad=2, **anchor)


def figure(data: list, layout: dict, frames: list | None = None) -> go.Figure:
    """A ``go.Figure`` holding ``data``, ``layout`` and ``frames`` as given (not validated)."""
    if "template" not in layout:
        layout = {**layout, "template": _default_template()}
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    if frames:
        # Plotly validates frames even when the figure does not (about 0.5 ms per frame, 30 ms
        # for a 60-epoch replay); unvalidated Frame objects serialise to the same JSON.
        fig._frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)
    return fig


class FrozenFigure(go.Figure):
    """A figure that nobody changes any more, so it is serialised once.

    Streamlit calls ``to_dict()`` on every rerun that draws a chart, and Plotly's
    ``to_dict`` deep-copies the whole figure (its frames too) and re-encodes its
    arrays: 2 ms for the optimizers' race. A page that caches figures as objects
    (``st.cache_resource``) freezes them with :func:`frozen`; later reruns get the
    same dict. Plotly's mutators raise, so a stale dict cannot be served.
    """

    def to_dict(self):
        cached = self.__dict__.get("_nnviz_dict")
        if cached is None:
            # Plotly's own to_dict, with a plain copy of the dict/list tree instead of deepcopy (the
            # figure's arrays are read-only leaves here; convert_to_base64 replaces them in the copy).
            cached = {"data": _tree_copy(self._data), "layout": _tree_copy(self._layout)}
            frames = [_tree_copy(frame._props) for frame in self._frame_objs]
            if frames:
                cached["frames"] = frames
            convert_to_base64(cached)
            self.__dict__["_nnviz_dict"] = cached
        return cached

    def _refuse(self, *args, **kwargs):
        raise TypeError("this figure is frozen (cached and shared between sessions); build a new one instead")

    update = update_layout = update_traces = update_xaxes = update_yaxes = _refuse
    add_trace = add_traces = add_annotation = add_shape = add_vline = add_hline = _refuse
    __setitem__ = _refuse


def _tree_copy(value):
    """A copy of nested dicts and lists; other values (numbers, strings, arrays) are shared."""
    if isinstance(value, dict):
        return {k: _tree_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_tree_copy(v) for v in value]
    return value


def frozen(fig: go.Figure) -> FrozenFigure:
    """``fig`` itself, frozen: serialised once from now on (see :class:`FrozenFigure`)."""
    if not isinstance(fig, FrozenFigure):
        fig.__class__ = FrozenFigure
    return fig


def validate(fig: go.Figure) -> go.Figure:
    """Re-build ``fig`` with full validation (for tests): raises on any unknown property."""
    return go.Figure(fig.to_dict())

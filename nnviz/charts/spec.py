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


def validate(fig: go.Figure) -> go.Figure:
    """Re-build ``fig`` with full validation (for tests): raises on any unknown property."""
    return go.Figure(fig.to_dict())

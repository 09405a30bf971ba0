"""The project's colours: Okabe and Ito's colour-blind-safe palette, one source for every chart."""

from __future__ import annotations

import plotly.graph_objects as go

BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#7F7F7F"
BLACK = "#000000"

SEQUENCE = (BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, GREY)
# Two classes: orange for negative / class 0, blue for positive / class 1 (as TensorFlow Playground).
NEGATIVE, POSITIVE = ORANGE, BLUE
DIVERGING = [[0.0, ORANGE], [0.5, "#F7F7F7"], [1.0, BLUE]]

HEIGHT = 380
# Backgrounds and grid lines that work in Streamlit's light and dark themes alike (the text on them takes
# the theme's text colour): a faint grey veil instead of white.
LEGEND_BG = "rgba(128,128,128,0.14)"
GRID = "rgba(128,128,128,0.25)"


def layout(fig: go.Figure, title: str, x: str, y: str, height: int = HEIGHT) -> go.Figure:
    """Apply the house layout: a title, named axes, a fixed height, the palette."""
    fig.update_layout(
        title=title, xaxis_title=x, yaxis_title=y, height=height,
        colorway=list(SEQUENCE), margin=dict(l=50, r=20, t=50, b=45),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
        template="plotly_white",
    )
    return fig

"""Every Plotly chart of a page goes through :func:`show`: drawn for the projector when the session presents.

A chart on a page is ``chart.show(figure, key="page.name")`` (in a column: ``where=column``). In presenter mode
the figure is copied with larger fonts, lines and markers (:func:`nnviz.ui.presenter.presenter_figure`); the
original, often a cached frozen figure, is never changed, and another session's charts are not touched.
"""

from __future__ import annotations

import streamlit as st

from nnviz.ui import presenter


def show(figure, *, key: str, where=None, **options):
    """Draw ``figure`` (a ``go.Figure``) with Streamlit's ``plotly_chart`` in ``where`` (default: here)."""
    if presenter.is_on():
        figure = presenter.presenter_figure(figure)
    return (st if where is None else where).plotly_chart(figure, key=key, **options)

"""A fuller floor: one slider, four Plotly charts and four ``st.latex`` formulas, all following the slider.

Measured by ``bench/bench_browser.py`` beside the bare one-chart floor (``bench/floor_app.py``): about
what a lesson section shows, with no lesson code.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

x = np.linspace(-5, 5, 200)
w = st.slider("w", -5.0, 5.0, 1.0, step=0.1)
curves = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "relu": lambda z: np.maximum(z, 0),
          "softplus": lambda z: np.logaddexp(0, z)}
for name, fn in curves.items():
    st.latex(rf"a = \mathrm{{{name}}}({w:.1f}\,x)")
    st.plotly_chart(go.Figure(go.Scatter(x=x, y=fn(w * x), mode="lines"), layout={"height": 300, "title": name}),
                    key=name)
